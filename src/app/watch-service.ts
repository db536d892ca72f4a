/** The watch service from configuration: the bot's alone (it opens the watch database). */
import type { Checker } from '../core/check/checker.js';
import { createWatchService, parseDuration, type WatchService } from '../core/watch/index.js';
import type { AppConfig } from './config.js';
import type { MetricsSink } from '../core/metrics.js';

/** Open the watch database (creating it, or migrating its schema) and build the watch service from configuration. */
export function buildWatchService(
  config: AppConfig,
  checker: Checker,
  onDatabaseError?: (err: Error) => void,
  metrics?: MetricsSink,
): Promise<WatchService> {
  return createWatchService({
    checker,
    metrics,
    historyDays: config.RBLBOT_HISTORY_DAYS,
    database: config.RBLBOT_DB,
    minIntervalMs: config.RBLBOT_MIN_INTERVAL ? parseDuration(config.RBLBOT_MIN_INTERVAL) : undefined,
    limits: { perChannel: config.RBLBOT_WATCH_MAX_PER_CHANNEL, perWorkspace: config.RBLBOT_WATCH_MAX_PER_WORKSPACE },
    leaseMs: config.RBLBOT_LEASE,
    onDatabaseError,
  });
}
