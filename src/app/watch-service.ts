/** The watch service from configuration: the bot's alone (it opens the SQLite database). */
import type { Checker } from '../core/check/checker.js';
import { createWatchService, parseDuration, type WatchService } from '../core/watch/index.js';
import type { AppConfig } from './config.js';

/** Open the watch database (creating it) and build the watch service from configuration. */
export function buildWatchService(config: AppConfig, checker: Checker): WatchService {
  return createWatchService({
    checker,
    dbPath: config.RBLBOT_DB,
    minIntervalMs: config.RBLBOT_MIN_INTERVAL ? parseDuration(config.RBLBOT_MIN_INTERVAL) : undefined,
    limits: { perChannel: config.RBLBOT_WATCH_MAX_PER_CHANNEL, perWorkspace: config.RBLBOT_WATCH_MAX_PER_WORKSPACE },
  });
}
