/**
 * One `rblbot <name>` subcommand. src/cli.ts dispatches to these; each parses its own
 * argv (node:util parseArgs) and returns the process exit status, never throwing for
 * bad input (it prints one clear sentence to stderr and returns 2).
 */
import type { Readable, Writable } from 'node:stream';
import type { Services } from '../core/services.js';

export interface ServiceOverrides {
  /** host[:port] list replacing RBLBOT_RESOLVERS (from --resolver). */
  readonly resolvers?: readonly string[];
  readonly timeoutMs?: number;
  /** Zone config file replacing RBLBOT_ZONES_FILE (from --zones). */
  readonly zonesFile?: string;
}

export interface CliIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Build the core services from configuration plus command-line overrides. */
  readonly services: (overrides?: ServiceOverrides) => Services;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `rblbot --help`. */
  readonly summary: string;
  /** Full text for `rblbot <name> --help`. */
  readonly help: string;
  readonly run: (argv: readonly string[], io: CliIO) => Promise<number>;
}
