/** Every `rblbot <name>` subcommand; src/cli.ts dispatches to this list. */
import { discordRegisterCommand } from './discord-register.js';
import type { CliCommand } from './types.js';

export const cliCommands: CliCommand[] = [discordRegisterCommand];
