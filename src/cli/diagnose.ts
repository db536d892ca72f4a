/**
 * `rblbot diagnose [FILE|-]... [--json] [--no-live] [--resolver HOST[:PORT]]`
 *
 * Reads each file (or stdin for `-` or no file), diagnoses it, re-checks the blamed IP
 * live unless --no-live, and prints a text report or JSON. With several files, --json
 * prints one JSON line per file, in order; a file that cannot be used still gets its
 * line with an `error` field. Exit 0: every input diagnosed; 2: some input unusable.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { diagnosisReply, toJson, type Diagnoser } from '../core/diagnose/index.js';
import { renderText } from '../reply/render.js';
import type { DiagnoseResult } from '../core/diagnose/types.js';
import { MAX_INPUT_BYTES } from '../core/diagnose/types.js';
import { serviceOverrides } from './service-options.js';
import { useColor, type CliCommand, type CliIO } from './types.js';
import { parseCommandLine } from './args.js';
import { UserError } from '../reply/errors.js';

const HELP = `Usage: rblbot diagnose [FILE|-]... [--json] [--no-live] [--resolver HOST[:PORT]]

Explain a bounce: reason (Sisimai vocabulary), reply and status codes, the rejecting
server, the sending IP it blamed, blocklists named (re-checked live) and what to do.

  FILE             a saved bounce (.eml) or pasted text; "-" or nothing reads stdin
  --json           machine-readable output; one JSON line per file with several files
  --no-live        skip the live blocklist re-check (no DNS lookups)
  --resolver H:P   DNS resolver for the live check (repeatable; default RBLBOT_RESOLVERS)

Inputs over 1 MB are refused. Exit status: 0 diagnosed, 2 unusable input or usage error.
`;

class UnusableInput extends UserError {}

async function readLimited(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) {
      throw new UnusableInput('The input is larger than 1 MB; bounces are refused above 1 MB. Save only the bounce text, without attachments.');
    }
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function readFileLimited(path: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UnusableInput(
      code === 'ENOENT'
        ? `${path}: no such file.`
        : code === 'EISDIR'
          ? `${path} is a directory, not a bounce file.`
          : `${path}: cannot be read (${code ?? 'error'}).`,
    );
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new UnusableInput(`${path} is a directory, not a bounce file.`);
    if (stat.size > MAX_INPUT_BYTES) {
      throw new UnusableInput(
        `${path} is ${Math.ceil(stat.size / 1024)} KB; bounces are refused above 1 MB. Save only the bounce text, without attachments.`,
      );
    }
    const buf = Buffer.alloc(Math.min(stat.size, MAX_INPUT_BYTES) + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_INPUT_BYTES) throw new UnusableInput(`${path} is larger than 1 MB; bounces are refused above 1 MB.`);
    return new Uint8Array(buf.subarray(0, bytesRead));
  } catch (e) {
    if (e instanceof UnusableInput) throw e;
    throw new UnusableInput(`${path} is a directory or cannot be read.`);
  } finally {
    await handle.close();
  }
}

async function runDiagnose(argv: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(
    diagnoseCli,
    argv,
    io,
    { json: { type: 'boolean', default: false }, 'no-live': { type: 'boolean', default: false }, resolver: { type: 'string', multiple: true } },
    true,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const files = positionals.length ? positionals : ['-'];
  if (files.filter((f) => f === '-').length > 1) {
    io.stderr.write('stdin ("-") can be read only once.\n');
    return 2;
  }
  const live = !values['no-live'];
  // The services' diagnoser names lists from the checker's catalogue, with the user's zone
  // file; building the checker opens no connection, so --no-live costs nothing extra.
  let diagnoser: Diagnoser;
  try {
    const services = io.services(serviceOverrides({ resolver: values.resolver }));
    if (!services.diagnoser) throw new Error('bounce diagnosis is not available');
    diagnoser = services.diagnoser;
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  let status = 0;
  const several = files.length > 1;
  for (const [i, file] of files.entries()) {
    let result: DiagnoseResult;
    try {
      const bytes = file === '-' ? await readLimited(io.stdin) : await readFileLimited(file);
      result = await diagnoser.diagnose(bytes);
      if (!result.error) result = await diagnoser.withLiveCheck(result, { live });
    } catch (e) {
      const message = e instanceof UnusableInput ? e.message : `Could not diagnose ${file === '-' ? 'stdin' : file}: ${(e as Error).message}`;
      result = { diagnoses: [], error: message, inputKind: 'empty' };
    }
    if (result.error) status = 2;
    if (values.json) {
      const json = toJson(result);
      io.stdout.write(`${JSON.stringify(several ? { file, ...json } : json)}\n`);
    } else {
      if (several) io.stdout.write(`${i ? '\n' : ''}== ${file === '-' ? 'stdin' : file} ==\n`);
      if (result.error) io.stderr.write(`${several ? `${file}: ` : ''}${result.error}\n`);
      else io.stdout.write(`${renderText(diagnosisReply(result), { color: useColor(io) })}\n`);
    }
  }
  return status;
}

export const diagnoseCli: CliCommand = {
  name: 'diagnose',
  help: HELP,
  run: runDiagnose,
};
