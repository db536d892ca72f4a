/** Every `rblbot <name>` subcommand; src/cli.ts dispatches to this list. */
import { relayCli } from './relay.js';
import type { CliCommand } from './types.js';

export const cliCommands: CliCommand[] = [relayCli];
