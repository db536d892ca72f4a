/**
 * Watching, wired: build the WatchService from its options, and start (and stop) the
 * scheduler, the outbox sender and the replica heartbeat. src/app/start-bot.ts calls
 * these; nothing here knows a platform or the configuration format.
 */
import type { Checker } from '../check/checker.js';
import type { Notifier } from './notifier.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_MIN_INTERVAL_MS } from './duration.js';
import { WatchScheduler } from './scheduler.js';
import { OutboxSender, type SenderOptions } from './sender.js';
import { WatchService } from './service.js';
import { openWatchStore, type DatabaseSetting } from './open-store.js';
import { DEFAULT_DB_PATH } from './sqlite-store.js';
import { Heartbeat } from '../fleet/heartbeat.js';
import { replicaBeat } from '../fleet/replica.js';
import type { ReplicaInfo } from '../fleet/store.js';
import type { MetricsSink } from '../metrics.js';

export { WatchService, WatchError, DEFAULT_LIMITS, DEFAULT_HISTORY_DAYS } from './service.js';
export { SqliteWatchStore, DEFAULT_DB_PATH } from './sqlite-store.js';
export { parseDatabaseSetting, openWatchStore, DatabaseSettingError, type DatabaseSetting } from './open-store.js';
export { WatchScheduler } from './scheduler.js';
export { OutboxSender } from './sender.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { parseDuration, formatDuration, DurationError } from './duration.js';
export type { WatchStore } from './store.js';

export interface CreateWatchServiceOptions {
  readonly checker: Checker;
  /** Where watches live; default SQLite at DEFAULT_DB_PATH. */
  readonly database?: DatabaseSetting;
  /** Shortest recheck interval a channel may ask for; default DEFAULT_MIN_INTERVAL_MS. */
  readonly minIntervalMs?: number;
  readonly limits: { readonly perChannel: number; readonly perWorkspace: number };
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Days of listing history kept; default DEFAULT_HISTORY_DAYS. */
  readonly historyDays?: number;
  readonly metrics?: MetricsSink;
  readonly leaseMs?: number;
  /** A PostgreSQL connection failed while idle (logged; the pool reconnects). */
  readonly onDatabaseError?: (err: Error) => void;
}

/** Open the store (creating its file or schema) and build `services.watches`. */
export async function createWatchService(options: CreateWatchServiceOptions): Promise<WatchService> {
  const store = await openWatchStore(options.database ?? { engine: 'sqlite', file: DEFAULT_DB_PATH }, { onError: options.onDatabaseError });
  return new WatchService({
    store,
    checker: options.checker,
    clock: options.clock ?? systemClock,
    minIntervalMs: options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS,
    limits: options.limits,
    random: options.random,
    historyDays: options.historyDays,
    metrics: options.metrics,
    leaseMs: options.leaseMs,
  });
}

export interface WatchingHandle {
  readonly scheduler: WatchScheduler;
  readonly sender: OutboxSender;
  readonly heartbeat: Heartbeat;
  /**
   * Stop scheduling and sending, give in-flight work up to `boundMs` (default 10 s) to
   * finish (unfinished checks are abandoned uncommitted, unsent alerts stay queued), hand
   * this replica's leases back, then close the database.
   */
  stop(boundMs?: number): Promise<void>;
}

/**
 * Watches claimed at once on a shared database: small enough that replicas share a big cycle
 * evenly and a claim (one lease written per target) stays short; big enough that the
 * per-round queries cost little per watch (npm run bench, "replicas").
 */
export const SHARED_BATCH = 500;

export interface StartWatchingOptions {
  readonly service: WatchService;
  /** One per connected platform; more can be added later with sender.register(). */
  readonly notifiers: readonly Notifier[];
  readonly clock?: Clock;
  readonly sender?: Partial<SenderOptions>;
  /** Heartbeat period (default 10 s); leases are renewed and live replicas counted on each. */
  readonly heartbeatMs?: number;
  /**
   * On a shared database, how often to look for work other replicas queued or left
   * (default the heartbeat period). Alone on SQLite, the loops sleep until their next due time.
   */
  readonly pollMs?: number;
  /** Watches claimed per scheduler round (default 20,000 alone, SHARED_BATCH on a shared database). */
  readonly batchSize?: number;
  readonly version?: string;
  readonly onError?: (err: unknown) => void;
  /** After each scheduler round that checked something. */
  readonly onCycle?: (result: Awaited<ReturnType<WatchService['runDue']>>) => void;
  /** The live replicas after each heartbeat; default: give the checker its share of the query budget. */
  readonly onLiveReplicas?: (replicas: readonly ReplicaInfo[]) => void;
}

/** Start the scheduler, the outbox sender and the heartbeat for a watch service. */
export function startWatching(options: StartWatchingOptions): WatchingHandle {
  const { service } = options;
  const clock = options.clock ?? service.clock;
  const shared = service.store.engine === 'postgres';
  const heartbeat = new Heartbeat({
    store: service.store,
    clock,
    replica: replicaBeat(service.replicaId, options.version ?? 'unknown', clock.now()),
    intervalMs: options.heartbeatMs,
    onBeat: () => service.renewClaims(),
    onLive: options.onLiveReplicas ?? ((replicas) => service.checker.setRateShare(replicas.length)),
    onError: options.onError,
  });
  const pollMs = shared ? (options.pollMs ?? heartbeat.intervalMs) : undefined;
  const scheduler = new WatchScheduler(service, clock, {
    onError: options.onError,
    onCycle: options.onCycle,
    batchSize: options.batchSize ?? (shared ? SHARED_BATCH : undefined),
    maxSleepMs: pollMs,
  });
  const sender = new OutboxSender(service.store, options.notifiers, clock, {
    onError: options.onError,
    metrics: service.metrics,
    owner: service.replicaId,
    leaseMs: service.leaseMs,
    maxSleepMs: pollMs,
    ...options.sender,
  });
  const unsubscribe = service.onAlertsQueued(() => sender.wake());
  heartbeat.start();
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
    heartbeat,
    stop(boundMs = 10_000) {
      stopping ??= (async () => {
        unsubscribe();
        clearInterval(pruning);
        await Promise.all([scheduler.stop(boundMs), sender.stop(boundMs)]);
        try {
          await heartbeat.stop(boundMs);
          // Work abandoned by the stop goes back to the pool now, not when its leases run out.
          await service.store.releaseClaims(service.replicaId);
        } catch (err) {
          (options.onError ?? console.error)(err);
        }
        await service.store.close();
      })();
      return stopping;
    },
  };
}
