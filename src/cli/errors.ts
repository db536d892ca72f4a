/** Shared bits of CLI error handling: one sentence on stderr, never a stack trace. */
import type { Writable } from 'node:stream';

export const EXIT = { ok: 0, found: 1, usage: 2, unchecked: 3 } as const;

export function fail(stderr: Writable, message: string, command?: string): number {
  stderr.write(`rblbot${command ? ` ${command}` : ''}: ${message}\n`);
  if (command) stderr.write(`Run "rblbot ${command} --help" for usage.\n`);
  return EXIT.usage;
}

/** node:util parseArgs errors, reworded as a sentence. */
export function usageMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (
    text
      .replace(/\. To specify a positional argument.*$/s, '')
      .replace(/^Unknown option '(.*)'.*$/s, 'unknown option $1')
      .replace(/\.$/, '')
      // A sentence after "rblbot <command>: " goes on in lower case ("Unexpected argument" → "unexpected …").
      .replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase()) + '.'
  );
}
