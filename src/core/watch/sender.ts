/**
 * Delivers outbox alerts through each platform's Notifier. A row is marked sent only
 * after its notifier returned, so a crash at any point means at worst one resend with
 * the same idempotency key, which the platform de-duplicates.
 *
 * Alerts are leased before they are sent (`owner`, renewed by the heartbeat), so with
 * several replicas each alert is in one sender's hands; a dead sender's alerts are
 * taken up by another once their lease runs out. Every outcome (sent, failed, deferred)
 * ends the lease.
 *
 * How a failure is treated depends on what the notifier threw (a DeliveryError):
 * - temporary (an outage, a timeout, anything unclassified): retried with exponential
 *   back-off, 1 s, 2 s, 4 s… up to 10 min;
 * - rate-limited (HTTP 429): tried again after the platform's Retry-After, not counted;
 * - refused for this channel (the bot is not in it, archived, no permission): the channel's
 *   delivery is paused (ChannelPause) and its alerts are held. Every PROBE_EVERY_MS the held
 *   alerts are tried again as one summary; when that goes through, the pause ends. A /watch
 *   command in the channel can end it sooner (WatchService.noteChannelAccess).
 *
 * Pacing: one channel gets at most one message per CHANNEL_GAP_MS (Slack allows about one
 * message a second per channel). Alerts due together for one channel go out as one summary
 * when none of them can have reached the platform (the alerts held while paused, a backlog
 * whose every alert failed); otherwise one by one, each under its own idempotency key.
 */
import { DeliveryError, channelKey, type ChannelRef, type Notifier } from './notifier.js';
import type { Clock } from './clock.js';
import { WakeableLoop } from './loop.js';
import { heldAlertsReply } from './reply.js';
import type { WatchStore } from './store.js';
import { HELD_NOTE, type ChannelPause, type OutboxAlert } from './types.js';
import type { Reply } from '../../reply/reply.js';
import type { MetricsSink } from '../metrics.js';

/** How often the alerts of a paused channel are tried again. */
export const PROBE_EVERY_MS = 15 * 60_000;
/** Least time between two messages to one channel. */
export const CHANNEL_GAP_MS = 1100;
/** An alert delivered this long after it was raised carries a note saying so. */
const LATE_AFTER_MS = 10 * 60_000;

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
  /** How often a paused channel's held alerts are tried again (default PROBE_EVERY_MS). */
  readonly probeEveryMs?: number;
  /** Least time between two messages to one channel (default CHANNEL_GAP_MS). */
  readonly channelGapMs?: number;
  readonly onError?: (err: unknown, alert?: OutboxAlert) => void;
  /** A channel's delivery was paused (`pause`) or resumed (null): for the operator's log. */
  readonly onPauseChange?: (channel: ChannelRef, pause: ChannelPause | null) => void;
  /** Counts each delivery attempt (/metrics). */
  readonly metrics?: MetricsSink;
}

/** The alerts of one channel due in one round. */
interface ChannelBatch {
  readonly channel: ChannelRef;
  readonly alerts: OutboxAlert[];
}

export class OutboxSender {
  private readonly loop: WakeableLoop;
  private readonly notifiers: Map<string, Notifier>;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sendTimeoutMs: number;
  private readonly probeEveryMs: number;
  private readonly channelGapMs: number;
  /** Per channel (pacing) and per platform workspace (429): no message before this time. */
  private readonly notBefore = new Map<string, number>();

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
    this.probeEveryMs = options.probeEveryMs ?? PROBE_EVERY_MS;
    this.channelGapMs = options.channelGapMs ?? CHANNEL_GAP_MS;
    const batchSize = options.batchSize ?? 200;
    this.loop = new WakeableLoop({
      clock,
      maxSleepMs: options.maxSleepMs ?? 3_600_000,
      errorDelayMs: 5000,
      onError: (err) => (options.onError ?? defaultOnError)(err),
      step: (signal) => this.round(batchSize, signal),
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

  /** New alerts were committed (or a channel resumed): deliver now rather than at the next planned wake-up. */
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

  /** One round: deliver what is due, channel by channel; returns how long to sleep. */
  private async round(batchSize: number, signal: AbortSignal): Promise<number> {
    const now = this.clock.now();
    const batch = await this.store.claimAlerts(batchSize, { owner: this.options.owner, now, until: now + this.options.leaseMs });
    const pauses = new Map((batch.length ? await this.store.pausedChannels() : []).map((p) => [channelKey(p.channel), p]));
    let waitFor = Number.POSITIVE_INFINITY;
    for (const group of byChannel(batch)) {
      if (signal.aborted) {
        // Stopping: what was claimed and not sent goes back to the pool at once.
        for (const a of group.alerts) await this.store.deferAlert(a.id, a.nextAttemptAt);
        continue;
      }
      const pause = pauses.get(channelKey(group.channel));
      if (pause && pause.nextProbeAt > now) {
        // Queued after the pause began (a new cycle's alert): held with the others.
        for (const a of group.alerts) await this.store.deferAlert(a.id, pause.nextProbeAt, `${HELD_NOTE}${pause.problem}`);
        continue;
      }
      const readyAt = Math.max(this.notBefore.get(channelKey(group.channel)) ?? 0, this.notBefore.get(workspaceKey(group.channel)) ?? 0);
      if (readyAt > now) {
        // Paced: the alerts go out (with whatever else is due then) once the channel may take a message.
        for (const a of group.alerts) await this.store.deferAlert(a.id, readyAt);
        waitFor = Math.min(waitFor, readyAt - now);
        continue;
      }
      await this.deliver(group, pause);
    }
    if (signal.aborted) return 0;
    if (batch.length === batchSize) return 0;
    const next = await this.store.nextAlertAt();
    if (next !== null) waitFor = Math.min(waitFor, Math.max(0, next - this.clock.now()));
    return waitFor;
  }

  private async deliver(claimed: ChannelBatch, pause: ChannelPause | undefined): Promise<void> {
    // A replica that stalled past its lease may have lost an alert to another one, which
    // sends it: confirm the leases first, so that only a stall during the send itself (longer
    // than the lease, while the send times out after half of it) could send one twice.
    const held: OutboxAlert[] = [];
    const holdAt = this.clock.now();
    for (const a of claimed.alerts) {
      if (await this.store.holdAlert(a.id, { owner: this.options.owner, now: holdAt, until: holdAt + this.options.leaseMs })) held.push(a);
    }
    if (held.length === 0) return;
    const { channel } = claimed;
    // Several alerts become one summary only when none of them can have reached the platform
    // yet: the alerts held while the channel refused them (also once a /watch command has
    // ended the pause), or a backlog whose every alert failed before. An alert never tried,
    // or one whose sender died mid-send, goes alone under its own key, so the platform
    // recognises a resend (Discord's nonce) instead of showing it twice.
    const refused = held.find((a) => a.lastError?.startsWith(HELD_NOTE))?.lastError?.slice(HELD_NOTE.length) ?? null;
    const summary = pause !== undefined || held.every((a) => a.attempts > 0 || a.lastError?.startsWith(HELD_NOTE));
    const alerts = summary ? held : held.slice(0, 1);
    for (const a of held.slice(alerts.length)) await this.store.deferAlert(a.id, this.clock.now() + this.channelGapMs);
    const group: ChannelBatch = { channel, alerts };
    const notifier = this.notifiers.get(channel.platform);
    // One fresh alert goes as it is; several as one summary, and a late one says why it is late.
    const asIs = alerts.length === 1 && !pause && !refused && alerts[0]!.createdAt >= this.clock.now() - LATE_AFTER_MS;
    const reply: Reply = asIs ? alerts[0]!.reply : heldAlertsReply(alerts, pause?.problem ?? refused);
    const key = alerts.length === 1 ? alerts[0]!.idempotencyKey : `${alerts[0]!.idempotencyKey}+${alerts.length}`;
    try {
      if (!notifier) throw new DeliveryError(`No ${channel.platform} adapter is connected.`, 'temporary', { code: 'not_connected' });
      await withTimeout(notifier.send(channel, reply, key), this.sendTimeoutMs);
    } catch (err) {
      await this.failed(group, pause, err);
      return;
    }
    const now = this.clock.now();
    this.notBefore.set(channelKey(channel), now + this.channelGapMs);
    for (const a of alerts) await this.store.markAlertSent(a.id, now);
    this.options.metrics?.alert(channel.platform, 'sent');
    if (pause && (await this.store.resumeChannel(channel, now))) this.options.onPauseChange?.(channel, null);
  }

  private async failed(group: ChannelBatch, pause: ChannelPause | undefined, err: unknown): Promise<void> {
    const { channel, alerts } = group;
    const now = this.clock.now();
    const kind = err instanceof DeliveryError ? err.kind : 'temporary';
    if (kind === 'rate-limited') {
      // Not a failure: the platform said when to come back. It may apply to the whole
      // workspace (Slack's method limits), so the workspace's other channels wait too.
      const until = now + Math.max(1000, (err as DeliveryError).retryAfterMs ?? 1000);
      this.notBefore.set(workspaceKey(channel), until);
      for (const a of alerts)
        await this.store.deferAlert(a.id, until, `rate limited by ${channel.platform}; waiting until ${new Date(until).toISOString()}`);
      return;
    }
    (this.options.onError ?? defaultOnError)(err, alerts[0]);
    this.options.metrics?.alert(channel.platform, 'failed');
    const message = err instanceof Error ? err.message : String(err);
    if (kind === 'channel') {
      const refused = err as DeliveryError;
      const next: ChannelPause = {
        channel,
        since: pause?.since ?? now,
        code: refused.code,
        problem: refused.message,
        fix: refused.fix ?? 'Check that the bot can post in this channel.',
        nextProbeAt: now + this.probeEveryMs,
      };
      await this.store.pauseChannel(next);
      for (const a of alerts) await this.store.markAlertFailed(a.id, `${HELD_NOTE}${message}`, next.nextProbeAt);
      if (!pause) this.options.onPauseChange?.(channel, next);
      return;
    }
    for (const a of alerts) await this.store.markAlertFailed(a.id, message, now + this.backoff(a.attempts + 1));
  }
}

/** Group a batch by channel, keeping the oldest-first order of the channels' first alerts. */
function byChannel(alerts: readonly OutboxAlert[]): ChannelBatch[] {
  const groups = new Map<string, ChannelBatch>();
  for (const a of alerts) {
    const key = channelKey(a.channel);
    const group = groups.get(key) ?? { channel: a.channel, alerts: [] };
    group.alerts.push(a);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function workspaceKey(channel: ChannelRef): string {
  return `${channel.platform}:${channel.workspaceId}`;
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
