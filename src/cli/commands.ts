/** Every `rblbot <name>` subcommand, in the order `rblbot --help` lists them. */
import { diagnoseCli } from './diagnose.js';
import type { CliCommand } from './types.js';

export const cliCommands: CliCommand[] = [diagnoseCli];
