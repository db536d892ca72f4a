/**
 * Watching as the rest of the bot sees it (`services.watches`): add, remove, list and
 * recheck a channel's watches, and run the recheck cycles the scheduler asks for.
 *
 * A cycle checks each distinct target once however many channels watch it, folds the
 * reports into per-target state, and commits the new state, the rescheduled watches and
 * one alert per affected channel in a single transaction (the outbox). Cycles never
 * overlap: /watch add's baseline, /watch check and the scheduler share one lock.
 */
import pLimit from 'p-limit';
import { TargetError } from '../check/types.js';
import type { Checker } from '../check/checker.js';
import { parseRange } from '../check/ranges.js';
import { parseTarget } from '../check/targets.js';
import type { ChannelRef } from './notifier.js';
import { alertReply } from './reply.js';
import type { Clock } from './clock.js';
import { DEFAULT_INTERVAL_MS, DEFAULT_MIN_INTERVAL_MS, MAX_INTERVAL_MS, formatDuration } from './duration.js';
import { applyFailure, applyReport } from './status.js';
import type { WatchStore } from './store.js';
import { parseWatchTarget } from './watch-target.js';
import type { AddResult, DueWatch, NewAlert, TargetState, Watch, WatchChange, WatchLimits, WatchView } from './types.js';
import { UserError } from '../../reply/errors.js';

export const DEFAULT_LIMITS: WatchLimits = { perChannel: 300, perWorkspace: 2000 };

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
}

/** A sentence for the user: bad interval, over a cap, not watched. */
export class WatchError extends UserError {}

export interface CycleResult {
  readonly targets: number;
  readonly changes: number;
  readonly alerts: number;
  readonly abandoned: boolean;
}

export class WatchService {
  readonly store: WatchStore;
  readonly checker: Checker;
  readonly clock: Clock;
  readonly limits: WatchLimits;
  readonly minIntervalMs: number;
  readonly defaultIntervalMs: number;
  private readonly targetConcurrency: number;
  private readonly random: () => number;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly alertListeners = new Set<() => void>();
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
  }

  /** Called after a commit queued alerts (the sender wakes up). */
  onAlertsQueued(fn: () => void): () => void {
    this.alertListeners.add(fn);
    return () => this.alertListeners.delete(fn);
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
    await this.exclusive(async () => {
      const states = await this.store.getTargetStates(reports.map((r) => r.target));
      const fresh = reports.filter((r) => !states.get(r.target)?.baselined);
      if (fresh.length === 0) return;
      await this.store.commitCycle({ states: fresh.map((r) => applyReport(undefined, r, now).state), alerts: [], reschedule: [] }, now);
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
      throw new WatchError(`This channel does not watch ${input.trim()}; /watch list shows what it watches.`);
    }
    this.emit(this.scheduleListeners);
    return removed;
  }

  /** The channel's watches grouped as added (a range is one entry), with each target's state. */
  async list(channel: ChannelRef): Promise<WatchView[]> {
    const watches = await this.store.listWatches(channel);
    const states = await this.store.getTargetStates([...new Set(watches.map((w) => w.target))]);
    const groups = new Map<string, Watch[]>();
    for (const w of watches) groups.set(w.label, [...(groups.get(w.label) ?? []), w]);
    return [...groups].map(([label, ws]) => ({ label, watches: ws, states: ws.map((w) => states.get(w.target)) }));
  }

  /** Recheck every watch of this channel now (and reschedule them). */
  async checkChannel(channel: ChannelRef): Promise<CycleResult> {
    const watches = await this.store.listWatches(channel);
    return this.exclusive(() => this.cycle(watches));
  }

  /** One scheduler round: recheck up to `limit` due watches. */
  async runDue(limit: number, signal?: AbortSignal): Promise<CycleResult> {
    return this.exclusive(async () => {
      const due = await this.store.dueWatches(this.clock.now(), limit);
      return this.cycle(due, signal);
    });
  }

  async nextDueAt(): Promise<number | null> {
    return this.store.nextDueAt();
  }

  private async cycle(watches: readonly DueWatch[], signal?: AbortSignal): Promise<CycleResult> {
    if (watches.length === 0) return { targets: 0, changes: 0, alerts: 0, abandoned: false };
    const targets = [...new Set(watches.map((w) => w.target))];
    const before = await this.store.getTargetStates(targets);
    const states: TargetState[] = [];
    const changesByTarget = new Map<string, ReturnType<typeof applyReport>['changes']>();
    // A few workers pull targets in turn: memory stays flat however many targets are due,
    // and each report is folded into a small state and dropped at once.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < targets.length && !signal?.aborted) {
        const target = targets[next++]!;
        try {
          const report = await this.checker.check(target);
          const { state, changes } = applyReport(before.get(target), report, this.clock.now());
          states.push(state);
          if (changes.length) changesByTarget.set(target, changes);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          states.push(applyFailure(before.get(target), target, message, this.clock.now()));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.targetConcurrency, targets.length) }, worker));
    // Abandoned work commits nothing: the watches stay due and are checked after a restart.
    if (signal?.aborted) return { targets: targets.length, changes: 0, alerts: 0, abandoned: true };

    const alerts = changesByTarget.size > 0 ? await this.alertsFor(changesByTarget) : [];
    const now = this.clock.now();
    const reschedule = watches.map((w) => ({ id: w.id, nextDue: now + w.intervalMs + this.jitter(w.intervalMs) }));
    await this.store.commitCycle({ states, alerts, reschedule }, now);
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
  return `${where} can watch at most ${limit} targets; ${here} has ${current}, and this would add ${adding}. Remove some with /watch remove first.`;
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
