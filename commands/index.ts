/**
 * Every chat command. Adapters register exactly these (Discord's command list, Slack's
 * manifest, the console). Placeholder until the command modules land: add yours here.
 */
import type { CommandDefinition } from './types.js';

export const commands: readonly CommandDefinition[] = [];
