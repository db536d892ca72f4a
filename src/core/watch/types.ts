/**
 * The data of watching: watches (a channel subscribed to one target), per-target state
 * (what each list last said, confirmed or not), and outbox alerts. Store-neutral: the
 * SQLite store and a future PostgreSQL one both speak these types.
 */
import type { ChannelRef } from './notifier.js';
import type { CheckReport, ListType, LookupStatus } from '../check/types.js';
import type { Reply } from '../../reply/reply.js';

export interface Watch {
  readonly id: number;
  readonly channel: ChannelRef;
  /** The normalised target checked (one address of a range, a domain, an IP). */
  readonly target: string;
  /** What the channel added and removes by: the range, or the target itself. */
  readonly label: string;
  readonly intervalMs: number;
  /** Epoch ms when the scheduler should recheck it next. */
  readonly nextDue: number;
  readonly createdAt: number;
  readonly createdBy: string;
}

/** What the scheduler needs of a due watch; read straight from a covering index. */
export type DueWatch = Pick<Watch, 'id' | 'target' | 'intervalMs' | 'nextDue'>;

export type Confirmed = 'listed' | 'clean';

/**
 * One list's view of one query (a zone × an address or name). Only zones that differ
 * from "confirmed clean, nothing pending, no problem" are stored, so a clean target
 * costs a few bytes however many lists the catalogue has.
 */
export interface ZoneState {
  readonly zone: string;
  readonly name: string;
  readonly listType: ListType;
  readonly query: string;
  /** The last state seen twice in a row (or at the baseline); null = never seen yet. */
  readonly confirmed: Confirmed | null;
  /** A different state seen on the last check(s), not yet confirmed. */
  readonly pending: Confirmed | null;
  readonly pendingCount: number;
  /** When the pending state was first seen: a change is confirmed only a shortest interval later. */
  readonly pendingSince?: number;
  /** Details of the current listing (confirmed or pending), for alerts and /watch list. */
  readonly codes?: readonly string[];
  readonly meaning?: string | null;
  readonly removalUrl?: string | null;
  readonly lookupUrl?: string | null;
  /** The last check could not tell (timeout, error, refusal): remembered, never a change. */
  readonly problem?: { readonly status: Exclude<LookupStatus, 'listed' | 'clean'>; readonly detail: string | null; readonly at: number } | null;
}

export interface TargetState {
  readonly target: string;
  /** False until the first check (the baseline) has been recorded. */
  readonly baselined: boolean;
  readonly lastChecked: number | null;
  /** Set when the whole check failed (TargetError, resolver down). */
  readonly lastError: string | null;
  /** Keyed by `${zone}|${query}`. */
  readonly zones: Readonly<Record<string, ZoneState>>;
}

/** One confirmed change, as it appears in an alert. */
export interface WatchChange {
  readonly target: string;
  readonly label: string;
  readonly zone: string;
  readonly name: string;
  readonly listType: ListType;
  readonly query: string;
  readonly now: Confirmed;
  readonly codes: readonly string[];
  readonly meaning: string | null;
  readonly removalUrl: string | null;
  readonly lookupUrl: string | null;
}

export interface OutboxAlert {
  readonly id: number;
  readonly channel: ChannelRef;
  /** Stable for the life of the row: retries and restarts reuse it, so a platform can de-duplicate. */
  readonly idempotencyKey: string;
  readonly reply: Reply;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly sentAt: number | null;
  readonly lastError: string | null;
}

export interface NewAlert {
  readonly channel: ChannelRef;
  readonly reply: Reply;
}

export interface WatchLimits {
  readonly perChannel: number;
  readonly perWorkspace: number;
}

/** What /watch add did: the watches added or already there, and the baseline reports. */
export interface AddResult {
  readonly label: string;
  readonly added: readonly Watch[];
  readonly existing: readonly Watch[];
  readonly intervalMs: number;
  readonly reports: readonly CheckReport[];
}

/** One watched label (a target or a range) of a channel, with its targets' states. */
export interface WatchView {
  readonly label: string;
  readonly watches: readonly Watch[];
  readonly states: readonly (TargetState | undefined)[];
}

/**
 * A channel whose alerts are paused because its platform refused it for good (the bot is
 * not in it, it was archived, a permission is missing). Its alerts are held, not sent,
 * and tried again as one summary at `nextProbeAt`, or at once when a /watch command there
 * shows the bot can post again.
 */
export interface ChannelPause {
  readonly channel: ChannelRef;
  /** When delivery was first refused (kept while the pause lasts). */
  readonly since: number;
  /** The platform's code: not_in_channel, is_archived, 50013… */
  readonly code: string;
  /** What is wrong, in one sentence. */
  readonly problem: string;
  /** What the channel's people can do, e.g. "Invite the bot with /invite @rblbot." */
  readonly fix: string;
  /** When the held alerts are tried again (the probe). */
  readonly nextProbeAt: number;
}

/**
 * The start of an alert's last error while its channel refused it: the alert certainly did
 * not reach the platform, so it may be folded into a summary without risking a duplicate.
 */
export const HELD_NOTE = 'held: ';

/** A channel's delivery as /watch list shows it. */
export interface ChannelDelivery {
  readonly pause: ChannelPause | null;
  /** Alerts queued for the channel and not delivered yet. */
  readonly held: number;
}

/**
 * What the listing history records (history.ts draws it): a list's confirmed state
 * changing (`listed`, `clean`), a run of failed checks (`unknown`), and the target being
 * watched or no longer watched by anyone (`watched`, `unwatched`, with empty zone).
 */
export type HistoryKind = 'listed' | 'clean' | 'unknown' | 'watched' | 'unwatched';

export interface HistoryEvent {
  readonly target: string;
  /** The list's zone and the name or address looked up on it; both '' for the target as a whole. */
  readonly zone: string;
  readonly query: string;
  /** The list's display name ('' for the target as a whole). */
  readonly name: string;
  readonly listType: ListType | null;
  readonly kind: HistoryKind;
  readonly at: number;
  /** The last failed check of an `unknown` run; `at` for every other kind. */
  readonly until: number;
  /** Failed checks in an `unknown` run (consecutive ones are compacted into one event); 1 otherwise. */
  readonly count: number;
  /** A confirmed change that raised an alert (never the baseline). */
  readonly alerted: boolean;
  /** `listed`: the answer codes; `unknown`: timeout, error or refused (and why). */
  readonly detail: string | null;
}

/**
 * A history event to store. An `unknown` event that `continues` the failures of the
 * previous check extends that lane's last `unknown` run (until, count) instead of
 * adding a row, so a list that times out for a week costs one row, not 700.
 */
export interface HistoryWrite extends HistoryEvent {
  readonly continues: boolean;
}
