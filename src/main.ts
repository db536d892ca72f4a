/** Starts the bot: placeholder until the adapters land. */
import type { CliIO } from './cli/types.js';
import type { AppConfig } from './config.js';

export async function startBot(_config: AppConfig, io: Omit<CliIO, 'services'>): Promise<number> {
  io.stderr.write('rblbot: the chat adapters are not wired yet.\n');
  return 1;
}
