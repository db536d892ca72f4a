/** Every `rblbot <name>` subcommand, in the order `rblbot --help` lists them. */
import { checkCli } from './check.js';
import { diagnoseCli } from './diagnose.js';
import { historyCli } from './history.js';
import { discordRegisterCommand } from './discord-register.js';
import { relayCli } from './relay.js';
import type { CliCommand } from './types.js';
import { zonesCli } from './zones.js';
import { statusCli } from './status.js';
import { migrateCli } from './migrate.js';

export const cliCommands: readonly CliCommand[] = [
  checkCli,
  diagnoseCli,
  relayCli,
  historyCli,
  zonesCli,
  discordRegisterCommand,
  statusCli,
  migrateCli,
];
