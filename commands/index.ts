/** All chat commands; adapters register exactly these. */
import { diagnoseCommand } from './diagnose.js';
import type { CommandDefinition } from './types.js';

export const commands: CommandDefinition[] = [diagnoseCommand];
