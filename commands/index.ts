/**
 * Every chat command. Adapters (Slack, Discord, console) and the Slack manifest are derived
 * from this list, so adding a command here is all it takes to offer it everywhere.
 */
import type { CommandDefinition } from './types.js';

export const commands: readonly CommandDefinition[] = [];
