/**
 * The storage port of watching. SQLite implements it for one bot process
 * (sqlite-store.ts); the same contract is meant for PostgreSQL when several replicas
 * share the work (there `dueWatches` would claim rows with FOR UPDATE SKIP LOCKED).
 * Every method is synchronous-looking async so a network database fits.
 */
import type { ChannelRef } from './notifier.js';
import type { DueWatch, HistoryEvent, HistoryWrite, NewAlert, OutboxAlert, TargetState, Watch, WatchLimits } from './types.js';

export interface NewWatch {
  readonly target: string;
  readonly label: string;
}

export interface AddWatchesInput {
  readonly channel: ChannelRef;
  readonly watches: readonly NewWatch[];
  readonly intervalMs: number;
  readonly nextDue: (index: number) => number;
  readonly createdBy: string;
  readonly now: number;
  readonly limits: WatchLimits;
}

export type AddWatchesResult =
  | { readonly ok: true; readonly added: readonly Watch[]; readonly existing: readonly Watch[] }
  | { readonly ok: false; readonly reason: 'channel-limit' | 'workspace-limit'; readonly limit: number; readonly current: number };

/** Everything one recheck cycle writes, committed in one transaction (the outbox rule). */
export interface CycleCommit {
  readonly states: readonly TargetState[];
  readonly alerts: readonly NewAlert[];
  readonly reschedule: readonly { readonly id: number; readonly nextDue: number }[];
  /** The listing history of the cycle (baselines, confirmed changes, failed checks). */
  readonly history: readonly HistoryWrite[];
}

/** Counts for /metrics and /healthz. */
export interface StoreCounts {
  readonly watches: number;
  /** Distinct targets watched. */
  readonly targets: number;
  /** Alerts not delivered yet. */
  readonly pendingAlerts: number;
}

export interface WatchStore {
  addWatches(input: AddWatchesInput): Promise<AddWatchesResult>;
  /** Remove the channel's watches whose target or label is `targetOrLabel`; returns them. */
  removeWatches(channel: ChannelRef, targetOrLabel: string): Promise<Watch[]>;
  listWatches(channel: ChannelRef): Promise<Watch[]>;
  /** Watches due at `now`, earliest first (a covering index on next_due answers it). */
  dueWatches(now: number, limit: number): Promise<DueWatch[]>;
  /** When the earliest watch is due, or null with no watches. */
  nextDueAt(): Promise<number | null>;
  /** Every watch of these targets, in any channel (alerts go to all of them). */
  watchesOfTargets(targets: readonly string[]): Promise<Watch[]>;
  getTargetStates(targets: readonly string[]): Promise<Map<string, TargetState>>;
  commitCycle(commit: CycleCommit, now: number): Promise<void>;

  /** Undelivered alerts whose next attempt is due, oldest first. */
  pendingAlerts(now: number, limit: number): Promise<OutboxAlert[]>;
  /** When the next undelivered alert may be attempted, or null. */
  nextAlertAt(): Promise<number | null>;
  markAlertSent(id: number, at: number): Promise<void>;
  markAlertFailed(id: number, error: string, nextAttemptAt: number): Promise<void>;
  /** All alerts, for tests and diagnostics. */
  allAlerts(): Promise<OutboxAlert[]>;

  /** Store history events outside a cycle (a target nobody watches any more). */
  appendHistory(events: readonly HistoryWrite[]): Promise<void>;
  /**
   * The history of these targets from `since` on: every event that reaches into the period,
   * plus, per lane (target × zone × query), the last state event before it (what held at
   * `since`). Oldest first.
   */
  readHistory(targets: readonly string[], since: number): Promise<HistoryEvent[]>;
  /**
   * Forget history older than `before`, keeping per lane the last state event before it
   * (so a listing that began earlier still shows); returns the rows deleted.
   */
  pruneHistory(before: number): Promise<number>;
  /** Every watched target's state (the rblbot_listed gauge); targets never checked have none. */
  watchedStates(): Promise<TargetState[]>;
  counts(): Promise<StoreCounts>;

  close(): Promise<void>;
}
