/**
 * The first lines of every subcommand, in one place: its argv parsed with node:util
 * parseArgs (strict: an unknown option or a stray argument is a usage error), `--help` /
 * `-h` answered with its help, and a usage error answered the same way by every command —
 * one sentence and where to read the usage, exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, fail, usageMessage } from './errors.js';
import type { CliIO } from './types.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type Parsed<O extends Options, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP_OPTION; allowPositionals: P; strict: true }>
>;

/**
 * `argv` parsed against `options` (plus --help), or the exit status when the command has
 * already answered: its help (0) or a usage error (2).
 */
export function parseCommandLine<O extends Options, P extends boolean = false>(
  command: { readonly name: string; readonly help: string },
  argv: readonly string[],
  io: Pick<CliIO, 'stdout' | 'stderr'>,
  options: O,
  allowPositionals?: P,
): Parsed<O, P> | number {
  let parsed: Parsed<O, P>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, ...HELP_OPTION },
      allowPositionals: (allowPositionals ?? false) as P,
      strict: true,
    });
  } catch (err) {
    return fail(io.stderr, usageMessage(err), command.name);
  }
  // (Generic here: TypeScript cannot see --help among the values of O & HELP_OPTION.)
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout.write(command.help);
    return EXIT.ok;
  }
  return parsed;
}
