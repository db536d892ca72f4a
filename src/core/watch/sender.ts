/**
 * Delivers outbox alerts through each platform's Notifier. A failed send is retried
 * with exponential back-off (1 s, 2 s, 4 s… up to 10 min) until it succeeds; a row is
 * marked sent only after its notifier returned, so a crash at any point means at worst
 * one resend with the same idempotency key, which the platform de-duplicates.
 *
 * Alerts are leased before they are sent (`owner`, renewed by the heartbeat), so with
 * several replicas each alert is in one sender's hands; a dead sender's alerts are
 * taken up by another once their lease runs out.
 */
import type { Notifier } from './notifier.js';
import type { Clock } from './clock.js';
import { WakeableLoop } from './loop.js';
import type { WatchStore } from './store.js';
import type { OutboxAlert } from './types.js';
import type { MetricsSink } from '../metrics.js';

export interface SenderOptions {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A send that has not returned after this long counts as failed (and is retried). */
  readonly sendTimeoutMs?: number;
  readonly batchSize?: number;
  /** The replica id leases are taken in, and how long they last (the service's). */
  readonly owner: string;
  readonly leaseMs: number;
  /** Look for alerts at least this often (other replicas queue alerts too). Default an hour. */
  readonly maxSleepMs?: number;
  readonly onError?: (err: unknown, alert?: OutboxAlert) => void;
  /** Counts each delivery attempt (/metrics). */
  readonly metrics?: MetricsSink;
}

export class OutboxSender {
  private readonly loop: WakeableLoop;
  private readonly notifiers: Map<string, Notifier>;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sendTimeoutMs: number;

  constructor(
    private readonly store: WatchStore,
    notifiers: readonly Notifier[],
    private readonly clock: Clock,
    private readonly options: SenderOptions,
  ) {
    this.notifiers = new Map(notifiers.map((n) => [n.platform, n]));
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 600_000;
    // Well inside the lease, so a hanging send gives up before another replica may take the alert.
    this.sendTimeoutMs = options.sendTimeoutMs ?? Math.min(30_000, Math.floor(options.leaseMs / 2));
    const batchSize = options.batchSize ?? 50;
    this.loop = new WakeableLoop({
      clock,
      maxSleepMs: options.maxSleepMs ?? 3_600_000,
      errorDelayMs: 5000,
      onError: (err) => (options.onError ?? defaultOnError)(err),
      step: async (signal) => {
        const now = clock.now();
        const batch = await store.claimAlerts(batchSize, { owner: options.owner, now, until: now + options.leaseMs });
        for (const alert of batch) {
          if (signal.aborted) return 0;
          await this.deliver(alert);
        }
        if (batch.length === batchSize) return 0;
        const next = await store.nextAlertAt();
        if (next === null) return Number.POSITIVE_INFINITY;
        return Math.max(0, next - clock.now());
      },
    });
  }

  /** Add a platform's notifier (an adapter that connected after start-up). */
  register(notifier: Notifier): void {
    this.notifiers.set(notifier.platform, notifier);
    this.loop.poke();
  }

  start(): void {
    this.loop.start();
  }

  /** New alerts were committed: deliver them now rather than at the next planned wake-up. */
  wake(): void {
    this.loop.poke();
  }

  settled(): Promise<void> {
    return this.loop.settled();
  }

  stop(boundMs: number): Promise<boolean> {
    return this.loop.stop(boundMs);
  }

  /** Delay before attempt n+1 after n failed attempts. */
  backoff(failedAttempts: number): number {
    return Math.min(this.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1), this.maxDelayMs);
  }

  private async deliver(alert: OutboxAlert): Promise<void> {
    // A replica that stalled past its lease may have lost this alert to another one, which
    // sends it: confirm the lease first, so that only a stall during the send itself (longer
    // than the lease, while the send times out after half of it) could send it twice.
    const now = this.clock.now();
    if (!(await this.store.holdAlert(alert.id, { owner: this.options.owner, now, until: now + this.options.leaseMs }))) return;
    const notifier = this.notifiers.get(alert.channel.platform);
    try {
      if (!notifier) throw new Error(`no notifier for ${alert.channel.platform} is connected`);
      await withTimeout(notifier.send(alert.channel, alert.reply, alert.idempotencyKey), this.sendTimeoutMs);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      (this.options.onError ?? defaultOnError)(err, alert);
      this.options.metrics?.alert(alert.channel.platform, 'failed');
      await this.store.markAlertFailed(alert.id, message, this.clock.now() + this.backoff(alert.attempts + 1));
      return;
    }
    await this.store.markAlertSent(alert.id, this.clock.now());
    this.options.metrics?.alert(alert.channel.platform, 'sent');
  }
}

function defaultOnError(err: unknown, alert?: OutboxAlert): void {
  const what = alert ? `alert ${alert.id} to ${alert.channel.platform}:${alert.channel.channelId}` : 'outbox sender';
  console.error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
