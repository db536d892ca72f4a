/**
 * Watching, wired: build the WatchService from its options, and start (and stop) the
 * scheduler and the outbox sender. src/app/start-bot.ts calls these; nothing here knows a
 * platform or the configuration format.
 */
import type { Checker } from '../check/checker.js';
import type { Notifier } from './notifier.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_MIN_INTERVAL_MS } from './duration.js';
import { WatchScheduler } from './scheduler.js';
import { OutboxSender, type SenderOptions } from './sender.js';
import { WatchService } from './service.js';
import { DEFAULT_DB_PATH, SqliteWatchStore } from './sqlite-store.js';
import type { MetricsSink } from '../metrics.js';

export { WatchService, WatchError, DEFAULT_LIMITS, DEFAULT_HISTORY_DAYS } from './service.js';
export { SqliteWatchStore, DEFAULT_DB_PATH } from './sqlite-store.js';
export { WatchScheduler } from './scheduler.js';
export { OutboxSender } from './sender.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { parseDuration, formatDuration, DurationError } from './duration.js';
export type { WatchStore } from './store.js';

export interface CreateWatchServiceOptions {
  readonly checker: Checker;
  /** SQLite file; default DEFAULT_DB_PATH. */
  readonly dbPath?: string;
  /** Shortest recheck interval a channel may ask for; default DEFAULT_MIN_INTERVAL_MS. */
  readonly minIntervalMs?: number;
  readonly limits: { readonly perChannel: number; readonly perWorkspace: number };
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Days of listing history kept; default DEFAULT_HISTORY_DAYS. */
  readonly historyDays?: number;
  readonly metrics?: MetricsSink;
}

/** Open the store (creating its directory and schema) and build `services.watches`. */
export function createWatchService(options: CreateWatchServiceOptions): WatchService {
  return new WatchService({
    store: new SqliteWatchStore(options.dbPath ?? DEFAULT_DB_PATH),
    checker: options.checker,
    clock: options.clock ?? systemClock,
    minIntervalMs: options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS,
    limits: options.limits,
    random: options.random,
    historyDays: options.historyDays,
    metrics: options.metrics,
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
  readonly service: WatchService;
  /** One per connected platform; more can be added later with sender.register(). */
  readonly notifiers: readonly Notifier[];
  readonly clock?: Clock;
  readonly sender?: SenderOptions;
  readonly onError?: (err: unknown) => void;
}

/** Start the scheduler and the outbox sender for a watch service. */
export function startWatching(options: StartWatchingOptions): WatchingHandle {
  const { service } = options;
  const clock = options.clock ?? service.clock;
  const scheduler = new WatchScheduler(service, clock, { onError: options.onError });
  const sender = new OutboxSender(service.store, options.notifiers, clock, { onError: options.onError, metrics: service.metrics, ...options.sender });
  const unsubscribe = service.onAlertsQueued(() => sender.wake());
  scheduler.start();
  sender.start();
  // The listing history is pruned to its retention now and then once a day.
  const prune = (): void => {
    service.pruneHistory().catch((err: unknown) => options.onError?.(err));
  };
  prune();
  const pruning = setInterval(prune, 86_400_000);
  pruning.unref();
  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    sender,
    stop(boundMs = 10_000) {
      stopping ??= (async () => {
        unsubscribe();
        clearInterval(pruning);
        await Promise.all([scheduler.stop(boundMs), sender.stop(boundMs)]);
        await service.store.close();
      })();
      return stopping;
    },
  };
}
