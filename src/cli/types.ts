/**
 * One `rblbot <name>` subcommand. src/cli.ts dispatches to these; each parses its own
 * argv (node:util parseArgs) and returns the process exit status, never throwing for
 * bad input (it prints one clear sentence to stderr and returns 2).
 */
import type { Services } from '../../commands/types.js';
import type { ServiceOverrides } from '../app/checker-service.js';
import type { ProcessIO } from '../app/start-bot.js';

export interface CliIO extends ProcessIO {
  /** Build the core services from configuration plus command-line overrides. */
  readonly services: (overrides?: ServiceOverrides) => Services;
}

export interface CliCommand {
  readonly name: string;
  /** Full text for `rblbot <name> --help`. */
  readonly help: string;
  readonly run: (argv: readonly string[], io: CliIO) => Promise<number>;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIO): boolean {
  return Boolean((io.stdout as NodeJS.WriteStream).isTTY) && !io.env.NO_COLOR;
}
