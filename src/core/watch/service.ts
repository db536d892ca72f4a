/**
 * Watching as the rest of the bot sees it (`services.watches`): add, remove, list and
 * recheck a channel's watches, and run the recheck cycles the scheduler asks for.
 *
 * A cycle checks each distinct target once however many channels watch it, folds the
 * reports into per-target state, and commits the new state, the rescheduled watches and
 * one alert per affected channel in a single transaction (the outbox). Every cycle first
 * leases its targets in the store, so replicas sharing a database never check a target at
 * the same time (and never alert one change twice); within a process, cycles never
 * overlap either: /watch add's baseline, /watch check and the scheduler share one lock.
 */
import pLimit from 'p-limit';
import { TargetError } from '../check/types.js';
import type { Checker } from '../check/checker.js';
import { parseRange } from '../check/ranges.js';
import { parseTarget } from '../check/targets.js';
import { channelKey, type ChannelAccess, type ChannelRef } from './notifier.js';
import { PROBE_EVERY_MS } from './sender.js';
import { alertReply } from './reply.js';
import type { Clock } from './clock.js';
import { DAY_MS, DEFAULT_INTERVAL_MS, DEFAULT_MIN_INTERVAL_MS, MAX_INTERVAL_MS, formatDuration } from './duration.js';
import { applyFailure, applyReport, targetEvent } from './status.js';
import type { Lease, WatchStore } from './store.js';
import { newReplicaId } from '../fleet/replica.js';
import { parseWatchTarget } from './watch-target.js';
import type {
  AddResult,
  ChannelDelivery,
  DueWatch,
  HistoryWrite,
  NewAlert,
  TargetState,
  Watch,
  WatchChange,
  WatchLimits,
  WatchView,
} from './types.js';
import { DEFAULT_HISTORY_DAYS, DEFAULT_HISTORY_PERIOD_DAYS, readTimeline, type Timeline } from './history.js';
import { NO_METRICS, type MetricsSink } from '../metrics.js';
import { UserError } from '../../reply/errors.js';
import { storeProblem } from './store-problem.js';
import { slash } from '../../reply/command-names.js';

export const DEFAULT_LIMITS: WatchLimits = { perChannel: 300, perWorkspace: 2000 };
export { DEFAULT_HISTORY_DAYS, DEFAULT_HISTORY_PERIOD_DAYS };

/**
 * How often one channel may ask for /watch check: 5 minutes, or the shortest watch interval
 * when that is shorter (demos). A recheck costs a lookup per list per address, and the
 * lists' usage policies count them.
 */
export const RECHECK_COOLDOWN_MS = 5 * 60_000;

export interface WatchServiceOptions {
  readonly store: WatchStore;
  readonly checker: Checker;
  readonly clock: Clock;
  readonly limits?: WatchLimits;
  readonly minIntervalMs?: number;
  readonly defaultIntervalMs?: number;
  /** Targets checked at once in a cycle; lookups are further capped by the checker itself. */
  readonly targetConcurrency?: number;
  /** Source of jitter in [0, 1); tests pass a constant. */
  readonly random?: () => number;
  /** How soon a channel paused at /watch add is tried (the sender's probe interval). */
  readonly probeEveryMs?: number;
  /** Days of listing history kept (default DEFAULT_HISTORY_DAYS). */
  readonly historyDays?: number;
  readonly metrics?: MetricsSink;
  /** This process's id in the fleet: the owner of its leases. Default: host, pid and a random part. */
  readonly replicaId?: string;
  /**
   * How long a lease on a target or an alert lasts unless renewed (the heartbeat renews
   * it while the process lives): how soon a dead replica's work returns. Default 60 s.
   */
  readonly leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 60_000;

/** A sentence for the user: bad interval, over a cap, not watched. */
export class WatchError extends UserError {}

/** The store failed (disk full, corrupt file, database down): said to the user, and to the operator once. */
export class WatchStoreError extends WatchError {}

export interface CycleResult {
  readonly targets: number;
  readonly changes: number;
  readonly alerts: number;
  /** Stopped before committing (shutdown), or another replica took the targets over. */
  readonly abandoned: boolean;
}

export class WatchService {
  readonly store: WatchStore;
  readonly checker: Checker;
  readonly clock: Clock;
  readonly limits: WatchLimits;
  readonly minIntervalMs: number;
  readonly defaultIntervalMs: number;
  readonly historyDays: number;
  readonly metrics: MetricsSink;
  readonly replicaId: string;
  readonly leaseMs: number;
  private readonly targetConcurrency: number;
  private readonly random: () => number;
  readonly probeEveryMs: number;
  private lock: Promise<unknown> = Promise.resolve();
  /** When each channel last ran /watch check (this process; a restart forgets, which is harmless). */
  private readonly lastRecheck = new Map<string, number>();
  private readonly alertListeners = new Set<() => void>();
  private readonly problemListeners = new Set<(problem: string) => void>();
  private readonly scheduleListeners = new Set<() => void>();

  constructor(options: WatchServiceOptions) {
    this.store = options.store;
    this.checker = options.checker;
    this.clock = options.clock;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
    this.defaultIntervalMs = Math.max(options.defaultIntervalMs ?? DEFAULT_INTERVAL_MS, this.minIntervalMs);
    this.targetConcurrency = options.targetConcurrency ?? 64;
    this.random = options.random ?? Math.random;
    this.probeEveryMs = options.probeEveryMs ?? PROBE_EVERY_MS;
    this.historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
    this.metrics = options.metrics ?? NO_METRICS;
    this.replicaId = options.replicaId ?? newReplicaId();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** A lease for this replica from now. */
  lease(): Lease {
    const now = this.clock.now();
    return { owner: this.replicaId, now, until: now + this.leaseMs };
  }

  /** The process is alive: push its leases out (the heartbeat calls this). */
  async renewClaims(): Promise<void> {
    await this.store.renewClaims(this.replicaId, this.clock.now() + this.leaseMs);
  }

  /** Called after a commit queued alerts (the sender wakes up). */
  onAlertsQueued(fn: () => void): () => void {
    this.alertListeners.add(fn);
    return () => this.alertListeners.delete(fn);
  }

  /** Called with a sentence when the store fails in a way the operator must fix (disk full, corrupt). */
  onStoreProblem(fn: (problem: string) => void): () => void {
    this.problemListeners.add(fn);
    return () => this.problemListeners.delete(fn);
  }

  /**
   * Run a /watch operation; a storage failure becomes a WatchStoreError that says what is
   * wrong (the dispatcher answers it like any user error: no "failed unexpectedly"), and the
   * operator is told through onStoreProblem. Other errors pass unchanged.
   */
  async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const problem = this.noteStoreFailure(err);
      if (!problem) throw err;
      throw new WatchStoreError(`The watch database is not usable right now: ${problem}.`, {
        hint: `${slash('rbl')}, ${slash('diagnose')} and ${slash('relay')} still work; the bot's operator sees the same reason in its log.`,
      });
    }
  }

  /** Tell the operator (onStoreProblem) when `err` is a storage failure; returns the problem, or undefined. */
  noteStoreFailure(err: unknown): string | undefined {
    const problem = storeProblem(err);
    if (problem) for (const fn of this.problemListeners) fn(problem);
    return problem;
  }

  /** Called when the schedule changed (the scheduler re-reads when to wake). */
  onScheduleChanged(fn: () => void): () => void {
    this.scheduleListeners.add(fn);
    return () => this.scheduleListeners.delete(fn);
  }

  /** Throws WatchError unless `ms` is an allowed interval. */
  validateInterval(ms: number): void {
    if (ms < this.minIntervalMs) {
      throw new WatchError(`The shortest interval is ${formatDuration(this.minIntervalMs)}; ${formatDuration(ms)} would hammer the blocklists.`);
    }
    if (ms > MAX_INTERVAL_MS) {
      throw new WatchError(`The longest interval is ${formatDuration(MAX_INTERVAL_MS)}.`);
    }
  }

  /**
   * Watch `input` in `channel`. Checks it at once (the baseline: no alert for what is
   * already listed) and returns the reports for the answer. Throws TargetError or WatchError.
   */
  async add(channel: ChannelRef, input: string, options: { intervalMs?: number; createdBy: string }): Promise<AddResult> {
    const intervalMs = options.intervalMs ?? this.defaultIntervalMs;
    this.validateInterval(intervalMs);
    const spec = parseWatchTarget(input);
    await this.precheckLimits(channel, spec.targets.length);

    const limit = pLimit(this.targetConcurrency);
    const reports = await Promise.all(spec.targets.map((t) => limit(() => this.checker.check(t))));
    const label = spec.isRange ? spec.label : reports[0]!.target;
    const now = this.clock.now();
    const result = await this.store.addWatches({
      channel,
      watches: reports.map((r) => ({ target: r.target, label })),
      intervalMs,
      nextDue: () => now + intervalMs + this.jitter(intervalMs),
      createdBy: options.createdBy,
      now,
      limits: this.limits,
    });
    if (!result.ok) throw new WatchError(limitMessage(result.reason, result.limit, result.current, reports.length));

    // The baseline: only targets nobody watched before take this check as their starting point;
    // a target another channel already watches keeps its confirmed state and pending changes.
    // A target another replica is checking right now is left to that check (it becomes the
    // baseline there if none was recorded).
    await this.exclusive(async () => {
      const claimed = await this.store.claimTargets(
        reports.map((r) => r.target),
        this.lease(),
      );
      if (claimed.length === 0) return;
      const states = await this.store.getTargetStates(claimed);
      const held = new Set(claimed);
      const fresh = reports.filter((r) => held.has(r.target) && !states.get(r.target)?.baselined);
      const baselines = fresh.map((r) => applyReport(undefined, r, now));
      await this.store.commitCycle({
        owner: this.replicaId,
        now: this.clock.now(),
        claimed,
        states: baselines.map((x) => x.state),
        alerts: [],
        reschedule: [],
        history: baselines.flatMap((x) => x.history),
      });
    });
    this.emit(this.scheduleListeners);
    return { label, added: result.added, existing: result.existing, intervalMs, reports };
  }

  /** Stop watching `input` (a target or a range as added). Throws WatchError when nothing matched. */
  async remove(channel: ChannelRef, input: string): Promise<Watch[]> {
    const removed: Watch[] = [];
    for (const key of removalKeys(input)) {
      removed.push(...(await this.store.removeWatches(channel, key)));
    }
    if (removed.length === 0) {
      throw new WatchError(`This channel does not watch ${input.trim()}; ${slash('watch list')} shows what it watches.`);
    }
    // A target nobody watches any more ends its watched period in the history.
    const targets = [...new Set(removed.map((w) => w.target))];
    const still = new Set((await this.store.watchesOfTargets(targets)).map((w) => w.target));
    const now = this.clock.now();
    const ended = targets.filter((t) => !still.has(t)).map((t) => targetEvent(t, 'unwatched', now));
    if (ended.length > 0) await this.store.appendHistory(ended);
    this.emit(this.scheduleListeners);
    return removed;
  }

  /**
   * The listing history of what this channel watches as `input` (a target or a range as
   * added) over the last `days` days. Throws WatchError when the channel does not watch it.
   */
  async history(channel: ChannelRef, input: string, days = DEFAULT_HISTORY_PERIOD_DAYS): Promise<Timeline> {
    this.validateHistoryDays(days);
    const keys = new Set(removalKeys(input));
    const mine = (await this.store.listWatches(channel)).filter((w) => keys.has(w.target) || keys.has(w.label));
    if (mine.length === 0) {
      throw new WatchError(`This channel does not watch ${input.trim()}; ${slash('watch list')} shows what it watches.`);
    }
    const label = mine.some((w) => keys.has(w.target)) ? mine.find((w) => keys.has(w.target))!.target : mine[0]!.label;
    const targets = [...new Set(mine.filter((w) => keys.has(w.target) || w.label === label).map((w) => w.target))];
    return this.timeline(label, targets, days);
  }

  /** The history of targets as stored, whoever watches them. */
  async timeline(label: string, targets: readonly string[], days = DEFAULT_HISTORY_PERIOD_DAYS): Promise<Timeline> {
    const to = this.clock.now();
    const from = to - days * DAY_MS;
    return (await readTimeline(this.store, { label, targets, from, to }, (kind) => this.checker.zoneCount(kind))).timeline;
  }

  /** Throws WatchError unless `days` is a period the history can show. */
  validateHistoryDays(days: number): void {
    if (!Number.isInteger(days) || days < 1 || days > this.historyDays) {
      throw new WatchError(`Give the period in whole days, from 1 to ${this.historyDays} (the history kept).`);
    }
  }

  /** Forget history older than the retention setting (startWatching runs it daily). */
  async pruneHistory(): Promise<number> {
    return this.store.pruneHistory(this.clock.now() - this.historyDays * DAY_MS);
  }

  /** The channel's watches grouped as added (a range is one entry), with each target's state. */
  async list(channel: ChannelRef): Promise<WatchView[]> {
    const watches = await this.store.listWatches(channel);
    const states = await this.store.getTargetStates([...new Set(watches.map((w) => w.target))]);
    const groups = new Map<string, Watch[]>();
    for (const w of watches) groups.set(w.label, [...(groups.get(w.label) ?? []), w]);
    return [...groups].map(([label, ws]) => ({ label, watches: ws, states: ws.map((w) => states.get(w.target)) }));
  }

  /** Whether alerts reach this channel: its pause (if any) and the alerts waiting for it. */
  async delivery(channel: ChannelRef): Promise<ChannelDelivery> {
    return this.store.channelDelivery(channel);
  }

  /**
   * What an adapter saw of the bot's access to a channel during a /watch command there:
   * refused pauses the channel's delivery at once (so /watch list says why before any alert
   * is lost); allowed ends a pause, and the held alerts go out now as one message.
   */
  async noteChannelAccess(channel: ChannelRef, access: ChannelAccess): Promise<void> {
    const now = this.clock.now();
    if (access.state === 'blocked') {
      const current = (await this.store.channelDelivery(channel)).pause;
      await this.store.pauseChannel({
        channel,
        since: current?.since ?? now,
        code: access.code,
        problem: access.problem,
        fix: access.fix,
        nextProbeAt: current?.nextProbeAt ?? now + this.probeEveryMs,
      });
    } else if (access.state === 'ok' && (await this.store.resumeChannel(channel, now))) {
      this.emit(this.alertListeners);
    }
  }

  /**
   * /watch check: recheck the channel's watches now, at most once per cooldown. Throws
   * WatchError (with when it works again) inside the cooldown.
   */
  async recheckNow(channel: ChannelRef): Promise<CycleResult> {
    const now = this.clock.now();
    const key = channelKey(channel);
    const cooldown = Math.min(RECHECK_COOLDOWN_MS, this.minIntervalMs);
    const last = this.lastRecheck.get(key);
    if (last !== undefined && now - last < cooldown) {
      throw new WatchError(
        `This channel's watches were rechecked ${now - last < 1000 ? 'just now' : `${formatDuration(now - last)} ago`}; ${slash('watch check')} works again in ${formatDuration(cooldown - (now - last))}. ${slash('watch list')} shows the latest results.`,
      );
    }
    this.lastRecheck.set(key, now);
    return this.checkChannel(channel);
  }

  /**
   * Recheck every watch of this channel now (and reschedule them). Targets another replica
   * is checking at this moment are left to it.
   */
  async checkChannel(channel: ChannelRef): Promise<CycleResult> {
    return this.exclusive(async () => {
      const watches = await this.store.listWatches(channel);
      const claimed = new Set(
        await this.store.claimTargets(
          watches.map((w) => w.target),
          this.lease(),
        ),
      );
      return this.cycle(
        watches.filter((w) => claimed.has(w.target)),
        [...claimed],
      );
    });
  }

  /** One scheduler round: lease and recheck up to `limit` due watches. */
  async runDue(limit: number, signal?: AbortSignal): Promise<CycleResult> {
    return this.exclusive(async () => {
      const due = await this.store.claimDueWatches(limit, this.lease());
      return this.cycle(due, [...new Set(due.map((w) => w.target))], signal);
    });
  }

  async nextDueAt(): Promise<number | null> {
    return this.store.nextDueAt(this.clock.now());
  }

  private async cycle(watches: readonly DueWatch[], claimed: readonly string[], signal?: AbortSignal): Promise<CycleResult> {
    const started = performance.now();
    const targets = [...new Set(watches.map((w) => w.target))];
    if (targets.length === 0) {
      if (claimed.length > 0)
        await this.store.commitCycle({ owner: this.replicaId, now: this.clock.now(), claimed, states: [], alerts: [], reschedule: [], history: [] });
      return { targets: 0, changes: 0, alerts: 0, abandoned: false };
    }
    const before = await this.store.getTargetStates(targets);
    const states: TargetState[] = [];
    const history: HistoryWrite[] = [];
    const changesByTarget = new Map<string, ReturnType<typeof applyReport>['changes']>();
    // A few workers pull targets in turn: memory stays flat however many targets are due,
    // and each report is folded into a small state and dropped at once.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < targets.length && !signal?.aborted) {
        const target = targets[next++]!;
        try {
          const report = await this.checker.check(target);
          const applied = applyReport(before.get(target), report, this.clock.now(), { confirmGapMs: this.minIntervalMs });
          states.push(applied.state);
          history.push(...applied.history);
          if (applied.changes.length) changesByTarget.set(target, applied.changes);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const failed = applyFailure(before.get(target), target, message, this.clock.now());
          states.push(failed.state);
          history.push(...failed.history);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.targetConcurrency, targets.length) }, worker));
    // Abandoned work commits nothing: the watches stay due, and stopping releases their leases
    // for another replica (or the next start).
    if (signal?.aborted) return { targets: targets.length, changes: 0, alerts: 0, abandoned: true };

    const alerts = changesByTarget.size > 0 ? await this.alertsFor(changesByTarget) : [];
    const now = this.clock.now();
    const reschedule = watches.map((w) => ({ id: w.id, nextDue: now + w.intervalMs + this.jitter(w.intervalMs) }));
    const committed = await this.store.commitCycle({ owner: this.replicaId, now, claimed, states, alerts, reschedule, history });
    // Our leases ran out and another replica took targets over (this process stalled for a
    // lease's length): its check stands, ours is dropped, nothing is alerted twice.
    if (!committed) return { targets: targets.length, changes: 0, alerts: 0, abandoned: true };
    this.metrics.watchCycle((performance.now() - started) / 1000);
    if (alerts.length) this.emit(this.alertListeners);
    let changes = 0;
    for (const c of changesByTarget.values()) changes += c.length;
    return { targets: targets.length, changes, alerts: alerts.length, abandoned: false };
  }

  /** One alert per channel watching any changed target, grouping all its changes. */
  private async alertsFor(changesByTarget: Map<string, ReturnType<typeof applyReport>['changes']>): Promise<NewAlert[]> {
    const watchers = await this.store.watchesOfTargets([...changesByTarget.keys()]);
    const perChannel = new Map<string, { channel: ChannelRef; changes: WatchChange[] }>();
    for (const w of watchers) {
      const key = JSON.stringify([w.channel.platform, w.channel.workspaceId, w.channel.channelId]);
      const entry = perChannel.get(key) ?? { channel: w.channel, changes: [] };
      for (const c of changesByTarget.get(w.target) ?? []) entry.changes.push({ ...c, label: w.label });
      perChannel.set(key, entry);
    }
    return [...perChannel.values()].map(({ channel, changes }) => ({
      channel,
      reply: alertReply(changes.sort((a, b) => a.target.localeCompare(b.target) || a.zone.localeCompare(b.zone))),
    }));
  }

  private jitter(intervalMs: number): number {
    return Math.floor(this.random() * (intervalMs / 10));
  }

  private async precheckLimits(channel: ChannelRef, adding: number): Promise<void> {
    // The store enforces the caps atomically; this early look only spares a doomed range its lookups.
    const inChannel = (await this.store.listWatches(channel)).length;
    if (inChannel + adding > this.limits.perChannel) {
      throw new WatchError(limitMessage('channel-limit', this.limits.perChannel, inChannel, adding));
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private emit(listeners: Set<() => void>): void {
    for (const fn of listeners) fn();
  }
}

function limitMessage(reason: 'channel-limit' | 'workspace-limit', limit: number, current: number, adding: number): string {
  const where = reason === 'channel-limit' ? 'A channel' : 'A workspace';
  const here = reason === 'channel-limit' ? 'this channel' : 'this workspace';
  return `${where} can watch at most ${limit} targets; ${here} has ${current}, and this would add ${adding}. Remove some with ${slash('watch remove')} first.`;
}

/**
 * The forms a user may type for something they added: as typed, lower-case, and the form
 * /watch add stored (the checker's normalised target, or the range in CIDR form), so that
 * ::ffff:203.0.113.5, [203.0.113.5] and MAIL.example.com. find what add normalised.
 */
function removalKeys(input: string): string[] {
  const text = input
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const keys = new Set([text, text.toLowerCase()]);
  try {
    keys.add(text.includes('/') ? parseRange(text).label : parseTarget(text).value);
  } catch {
    // Not something add would have accepted: the typed forms above are all there is.
  }
  return [...keys];
}

export { TargetError };
