/**
 * Watching, wired: build the WatchService from configuration, and start (and stop) the
 * scheduler and the outbox sender. src/main.ts calls these; nothing here knows a platform.
 */
import type { AppConfig } from '../../config.js';
import type { Checker } from '../checker.js';
import type { Notifier } from '../notifier.js';
import type { Services } from '../services.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_MIN_INTERVAL_MS, parseDuration } from './duration.js';
import { WatchScheduler } from './scheduler.js';
import { OutboxSender, type SenderOptions } from './sender.js';
import { WatchService } from './service.js';
import { DEFAULT_DB_PATH, SqliteWatchStore } from './sqlite-store.js';

export { WatchService, WatchError, DEFAULT_LIMITS } from './service.js';
export { SqliteWatchStore, DEFAULT_DB_PATH } from './sqlite-store.js';
export { WatchScheduler } from './scheduler.js';
export { OutboxSender } from './sender.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { parseDuration, formatDuration, DurationError } from './duration.js';
export type { WatchStore } from './store.js';

type WatchConfig = Pick<AppConfig, 'RBLBOT_DB' | 'RBLBOT_MIN_INTERVAL' | 'RBLBOT_WATCH_MAX_PER_CHANNEL' | 'RBLBOT_WATCH_MAX_PER_WORKSPACE'>;

/** Open the store (creating its directory and schema) and build `services.watches`. */
export function createWatchService(options: { checker: Checker; config: WatchConfig; clock?: Clock; random?: () => number }): WatchService {
  const { config } = options;
  return new WatchService({
    store: new SqliteWatchStore(config.RBLBOT_DB ?? DEFAULT_DB_PATH),
    checker: options.checker,
    clock: options.clock ?? systemClock,
    minIntervalMs: config.RBLBOT_MIN_INTERVAL ? parseDuration(config.RBLBOT_MIN_INTERVAL) : DEFAULT_MIN_INTERVAL_MS,
    limits: { perChannel: config.RBLBOT_WATCH_MAX_PER_CHANNEL, perWorkspace: config.RBLBOT_WATCH_MAX_PER_WORKSPACE },
    random: options.random,
  });
}

export interface WatchingHandle {
  readonly scheduler: WatchScheduler;
  readonly sender: OutboxSender;
  /**
   * Stop scheduling and sending, give in-flight work up to `boundMs` (default 10 s) to
   * finish (unfinished checks are abandoned uncommitted, unsent alerts stay queued), then
   * close the database.
   */
  stop(boundMs?: number): Promise<void>;
}

export interface StartWatchingOptions {
  readonly services: Services;
  /** One per connected platform; more can be added later with sender.register(). */
  readonly notifiers: readonly Notifier[];
  readonly clock?: Clock;
  readonly sender?: SenderOptions;
  readonly onError?: (err: unknown) => void;
}

/** Start the scheduler and the outbox sender for `services.watches`. */
export function startWatching(options: StartWatchingOptions): WatchingHandle {
  const service = options.services.watches;
  if (!service) throw new Error('startWatching needs services.watches (createWatchService)');
  const clock = options.clock ?? service.clock;
  const scheduler = new WatchScheduler(service, clock, { onError: options.onError });
  const sender = new OutboxSender(service.store, options.notifiers, clock, { onError: options.onError, ...options.sender });
  const unsubscribe = service.onAlertsQueued(() => sender.wake());
  scheduler.start();
  sender.start();
  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    sender,
    stop(boundMs = 10_000) {
      stopping ??= (async () => {
        unsubscribe();
        await Promise.all([scheduler.stop(boundMs), sender.stop(boundMs)]);
        await service.store.close();
      })();
      return stopping;
    },
  };
}
