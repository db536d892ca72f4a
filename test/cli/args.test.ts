/**
 * Every subcommand meets bad usage and --help the same way (src/cli/args.ts): one
 * sentence naming the command, where to read the usage, exit 2; its own help, exit 0.
 * Run on each real command through its `run`, with nothing built: these answers come
 * before any service is needed.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliCommands } from '../../src/cli/commands.js';
import type { CliIO } from '../../src/cli/types.js';

function captured(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(name: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = await cliCommands.find((c) => c.name === name)!.load();
  const stdout = captured();
  const stderr = captured();
  const io = {
    stdin: process.stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    services: () => {
      throw new Error('no service is built for a usage answer');
    },
  } as unknown as CliIO;
  const code = await command.run(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('usage answers, the same for every subcommand', () => {
  it.each(cliCommands.map((c) => c.name))('%s: an unknown option is one sentence and the hint, exit 2', async (name) => {
    const { code, stdout, stderr } = await run(name, ['--bogus']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`rblbot ${name}: unknown option --bogus.\nRun "rblbot ${name} --help" for usage.\n`);
  });

  it.each(cliCommands.map((c) => c.name))('%s: -h prints its help, exit 0', async (name) => {
    const command = await cliCommands.find((c) => c.name === name)!.load();
    const { code, stdout, stderr } = await run(name, ['-h']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(command.help);
    expect(stdout).toMatch(new RegExp(`^Usage: rblbot ${name}\\b[^]*\\n$`));
  });

  it('a stray argument to a command that takes none is a usage error in the same words', async () => {
    const { code, stderr } = await run('status', ['extra']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `rblbot status: unexpected argument 'extra'. This command does not take positional arguments.\nRun "rblbot status --help" for usage.\n`,
    );
  });
});
