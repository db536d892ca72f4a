/**
 * The storage port of watching, with two implementations of one behaviour: SQLite for one
 * bot process (sqlite-store.ts, the default) and PostgreSQL for several replicas sharing
 * the work (pg-store.ts). test/core/watch/store-contract.test.ts runs the same suite on both.
 *
 * Work is claimed with leases so that replicas never do it twice: a recheck leases the
 * targets it checks (every watch of a target is served by one check) and an alert is
 * leased while it is being delivered. A lease names its owner (the replica id) and lasts
 * until a time the owner keeps pushing forward while alive (renewClaims); when a replica
 * dies its leases run out and the work returns to the pool. Times are epoch ms from the
 * caller's clock, so replicas need synchronised clocks (NTP: milliseconds of skew against
 * leases of a minute).
 *
 * Adding a table: a migration in both stores (sqlite-migrations.ts, pg-migrations.ts),
 * methods here implemented by both, the contract suite, and an entry in tables.ts if
 * `rblbot migrate` should copy it.
 */
import type { ChannelRef } from './notifier.js';
import type { FleetStore } from '../fleet/store.js';
import type { PortableRow, PortableTable } from './tables.js';
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

/** Who claims, and for how long. */
export interface Lease {
  /** The replica id. */
  readonly owner: string;
  readonly now: number;
  /** The lease runs out at this time unless renewed. */
  readonly until: number;
}

/**
 * Everything one recheck writes, committed in one transaction (the outbox rule), and
 * only while `owner` still holds the lease of every target in `claimed`.
 */
export interface CycleCommit {
  readonly owner: string;
  /** Commit time: the alerts' creation and first attempt. */
  readonly now: number;
  /** The targets this cycle leased; their leases end with the commit. */
  readonly claimed: readonly string[];
  /** New states, of claimed targets only. */
  readonly states: readonly TargetState[];
  readonly alerts: readonly NewAlert[];
  readonly reschedule: readonly { readonly id: number; readonly nextDue: number }[];
  /** The listing history of the cycle (baselines, confirmed changes, failed checks). */
  readonly history?: readonly HistoryWrite[];
}

export interface StoreStats {
  readonly watches: number;
  readonly targets: number;
  /** Watches due at `now` (being checked, or waiting for a replica). */
  readonly due: number;
  /** Alerts not delivered yet. */
  readonly pendingAlerts: number;
  readonly schemaVersion: number;
}

export interface WatchStore extends FleetStore {
  /** 'sqlite' or 'postgres', for `rblbot status` and logs. */
  readonly engine: 'sqlite' | 'postgres';
  /** Where the data is, with any password hidden. */
  readonly location: string;

  addWatches(input: AddWatchesInput): Promise<AddWatchesResult>;
  /** Remove the channel's watches whose target or label is `targetOrLabel`; returns them. */
  removeWatches(channel: ChannelRef, targetOrLabel: string): Promise<Watch[]>;
  listWatches(channel: ChannelRef): Promise<Watch[]>;
  /**
   * Lease the targets of the earliest due watches (up to `limit` watches, skipping targets
   * another replica holds) and return every due watch of those targets.
   */
  claimDueWatches(limit: number, lease: Lease): Promise<DueWatch[]>;
  /** Lease these targets where no other replica holds them; returns the ones now held. */
  claimTargets(targets: readonly string[], lease: Lease): Promise<string[]>;
  /**
   * When to look for due work next: the earliest due time among targets nobody holds, or
   * when a held lease runs out if that is sooner. Null with no watches.
   */
  nextDueAt(now: number): Promise<number | null>;
  /** Every watch of these targets, in any channel (alerts go to all of them). */
  watchesOfTargets(targets: readonly string[]): Promise<Watch[]>;
  getTargetStates(targets: readonly string[]): Promise<Map<string, TargetState>>;
  /**
   * Write the cycle and end its leases, in one transaction; false (and nothing written)
   * when another replica has taken over one of the claimed targets in the meantime.
   */
  commitCycle(commit: CycleCommit): Promise<boolean>;

  /** Lease up to `limit` undelivered alerts whose next attempt is due, oldest first. */
  claimAlerts(limit: number, lease: Lease): Promise<OutboxAlert[]>;
  /**
   * Just before sending: true when `lease.owner` still holds this alert (and it is not
   * sent), pushing its lease out to `lease.until`; false when another replica took it
   * over meanwhile (this one stalled past its lease), which then must not send it.
   */
  holdAlert(id: number, lease: Lease): Promise<boolean>;
  /** When the next undelivered alert may be attempted (or its lease runs out), or null. */
  nextAlertAt(): Promise<number | null>;
  markAlertSent(id: number, at: number): Promise<void>;
  markAlertFailed(id: number, error: string, nextAttemptAt: number): Promise<void>;
  /** All alerts, for tests and diagnostics. */
  allAlerts(): Promise<OutboxAlert[]>;

  /** Push every lease `owner` holds (targets and alerts) out to `until`: the owner is alive. */
  renewClaims(owner: string, until: number): Promise<void>;
  /** End every lease `owner` holds, so other replicas take the work at once (shutdown). */
  releaseClaims(owner: string): Promise<void>;
  stats(now: number): Promise<StoreStats>;

  /** Every row of a portable table (tables.ts) in key order, in batches (`rblbot migrate`). */
  exportRows(table: PortableTable, batchSize: number): AsyncIterable<PortableRow[]>;
  /** Write rows of portable tables in one transaction; the database must hold none yet. */
  importRows(batches: AsyncIterable<{ readonly table: PortableTable; readonly rows: readonly PortableRow[] }>): Promise<void>;

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
  /**
   * The id of the newest history event (0 for none): it moves whenever a confirmed state
   * changes, a target is first checked or stops being watched — so the rblbot_listed gauge
   * is rebuilt only when it does (one index lookup instead of reading every state).
   */
  historyMark(): Promise<number>;

  close(): Promise<void>;
}
