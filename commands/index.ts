/**
 * Every chat command, in the order /help lists them. Adapters register exactly these
 * (Discord's command list, Slack's manifest, the console). Add a new command here.
 */
import { diagnoseCommand } from './diagnose.js';
import { helpCommand } from './help.js';
import { rblCommand } from './rbl.js';
import { relayCommand } from './relay.js';
import type { CommandDefinition } from './types.js';
import { watchCommand } from './watch.js';

// help reads the list lazily (when run), so it can be part of the list it describes.
export const commands: readonly CommandDefinition[] = [rblCommand, diagnoseCommand, watchCommand, relayCommand, helpCommand(() => commands)];
