/**
 * The storage port of watching. SQLite implements it for one bot process
 * (sqlite-store.ts); the same contract is meant for PostgreSQL when several replicas
 * share the work (there `dueWatches` would claim rows with FOR UPDATE SKIP LOCKED).
 * Every method is synchronous-looking async so a network database fits.
 */
import type { ChannelRef } from './notifier.js';
import type { ChannelDelivery, ChannelPause, DueWatch, NewAlert, OutboxAlert, TargetState, Watch, WatchLimits } from './types.js';

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
  /**
   * Move an alert's next attempt without counting a failed one: the platform asked to
   * wait (429), or its channel is paused. `note` replaces last_error when given.
   */
  deferAlert(id: number, nextAttemptAt: number, note?: string): Promise<void>;
  /** All alerts, for tests and diagnostics. */
  allAlerts(): Promise<OutboxAlert[]>;

  /**
   * Pause a channel's delivery (or update the pause: `since` of an existing one is kept),
   * and hold its undelivered alerts until `nextProbeAt`. One transaction.
   */
  pauseChannel(pause: ChannelPause): Promise<void>;
  /** End a channel's pause and make its held alerts due at `now`; false if it was not paused. */
  resumeChannel(channel: ChannelRef, now: number): Promise<boolean>;
  /** Every paused channel (a small table: the sender reads it each round). */
  pausedChannels(): Promise<ChannelPause[]>;
  /** The channel's pause, if any, and how many alerts are waiting for it. */
  channelDelivery(channel: ChannelRef): Promise<ChannelDelivery>;

  close(): Promise<void>;
}
