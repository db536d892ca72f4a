/**
 * The listing history as a timeline: stored events (types.ts HistoryEvent) folded into one
 * lane per list that listed the target in the period, each a run of spans — listed, clean
 * or unknown (failed checks) — plus the alert marks, and the numbers of the two-line
 * summary (listings, time listed, the state now).
 *
 * How a lane's state is read: within a period the target was watched, a list is clean
 * until an event says listed (absent = confirmed clean, as in the watch state), and stays
 * so until the next state event. Outside watched periods nothing is known and no span is
 * drawn. A run of failed checks is drawn over the lane as unknown.
 */
import { isIP } from 'node:net';
import type { ListType, ZoneKind } from '../check/types.js';
import type { WatchStore } from './store.js';
import type { HistoryEvent } from './types.js';

/** How long the listing history is kept by default (RBLBOT_HISTORY_DAYS): a year and a bit, to compare with last year. */
export const DEFAULT_HISTORY_DAYS = 400;
/** What /watch history and `rblbot history` show when no number of days is given. */
export const DEFAULT_HISTORY_PERIOD_DAYS = 30;

export type SpanState = 'listed' | 'clean' | 'unknown';

export interface TimelineSpan {
  readonly from: number;
  readonly to: number;
  readonly state: SpanState;
}

export interface TimelineLane {
  readonly target: string;
  readonly zone: string;
  readonly query: string;
  /** The list's display name; for the overall lane (no listing at all), "Every list". */
  readonly name: string;
  readonly listType: ListType | null;
  readonly spans: readonly TimelineSpan[];
  /** The confirmed listings (failed checks do not interrupt them), for the time listed. */
  readonly listedPeriods: readonly { readonly from: number; readonly to: number }[];
  /** Times of the confirmed changes that raised an alert. */
  readonly alerts: readonly number[];
  /** Listings in the period: each listed span (one already running at the start counts). */
  readonly listings: number;
  readonly listedNow: boolean;
  /** When the current listing began (or the period start when it began before). */
  readonly listedSince: number | null;
}

export interface Timeline {
  /** What the user asked about: a target, or a range as added. */
  readonly label: string;
  readonly targets: readonly string[];
  readonly from: number;
  readonly to: number;
  /** Lanes of lists that listed a target in the period; empty when none did. */
  readonly lanes: readonly TimelineLane[];
  /** When nothing was listed: one lane for every list at once (clean, unknown, unwatched). */
  readonly overall: TimelineLane | null;
  /** Lanes not drawn past the picture's limit. */
  readonly hiddenLanes: number;
  readonly listings: number;
  /** Time listed on at least one list, within the period. */
  readonly listedMs: number;
  /** Failed checks in the period (of every list, drawn or not). */
  readonly failedChecks: number;
  /** Whether any target is watched at the end of the period. */
  readonly watchedNow: boolean;
  /**
   * What the latest check of the targets could not tell (from their stored state, not the
   * history): the whole check failed, or this many lists gave no answer. Absent when the
   * timeline was built from history alone.
   */
  readonly latestCheck?: {
    readonly failed: boolean;
    readonly unanswered: number;
    /** Lists the latest check asked, when the targets are addresses (a name's count varies). */
    readonly asked: number | null;
  };
  /** The last confirmed change in the period. */
  readonly lastChange: { readonly at: number; readonly kind: 'listed' | 'clean'; readonly name: string } | null;
}

/** Lanes a picture shows; 25 lists at 30 px each keep it readable in a chat preview. */
export const MAX_LANES = 25;

interface Lane {
  readonly target: string;
  readonly zone: string;
  readonly query: string;
  name: string;
  listType: ListType | null;
  readonly states: HistoryEvent[];
  readonly failures: HistoryEvent[];
}

/** Fold the events of `targets` (as readHistory returns them) into the timeline of [from, to]. */
export function buildTimeline(label: string, targets: readonly string[], events: readonly HistoryEvent[], from: number, to: number): Timeline {
  const watchedByTarget = new Map<string, { from: number; to: number }[]>();
  const targetFailures = new Map<string, HistoryEvent[]>();
  const lanes = new Map<string, Lane>();
  for (const t of targets) {
    watchedByTarget.set(t, []);
    targetFailures.set(t, []);
  }
  const sorted = [...events].sort((a, b) => a.at - b.at);
  // Watched periods per target, from the watched/unwatched events.
  const openSince = new Map<string, number>();
  for (const e of sorted) {
    if (e.zone !== '') continue;
    if (e.kind === 'watched' && !openSince.has(e.target)) openSince.set(e.target, e.at);
    else if (e.kind === 'unwatched' && openSince.has(e.target)) {
      watchedByTarget.get(e.target)?.push({ from: openSince.get(e.target)!, to: e.at });
      openSince.delete(e.target);
    } else if (e.kind === 'unknown') targetFailures.get(e.target)?.push(e);
  }
  for (const [t, since] of openSince) watchedByTarget.get(t)?.push({ from: since, to: Infinity });

  for (const e of sorted) {
    if (e.zone === '') continue;
    const key = `${e.target}|${e.zone}|${e.query}`;
    let lane = lanes.get(key);
    if (!lane) {
      lane = { target: e.target, zone: e.zone, query: e.query, name: e.name, listType: e.listType, states: [], failures: [] };
      lanes.set(key, lane);
    }
    if (e.name) lane.name = e.name;
    if (e.listType) lane.listType = e.listType;
    (e.kind === 'unknown' ? lane.failures : lane.states).push(e);
  }

  let failedChecks = 0;
  const countFailures = (list: readonly HistoryEvent[]): void => {
    for (const f of list) if (f.until >= from && f.at <= to) failedChecks += f.count;
  };
  for (const list of targetFailures.values()) countFailures(list);

  const built: TimelineLane[] = [];
  let lastChange: Timeline['lastChange'] = null;
  for (const lane of lanes.values()) {
    countFailures(lane.failures);
    const watched = watchedByTarget.get(lane.target) ?? [];
    const failures = [...lane.failures, ...(targetFailures.get(lane.target) ?? [])];
    const t = foldLane(lane, watched, failures, from, to);
    for (const s of lane.states) {
      if (s.alerted && s.at >= from && s.at <= to && (s.kind === 'listed' || s.kind === 'clean') && (!lastChange || s.at >= lastChange.at)) {
        lastChange = { at: s.at, kind: s.kind, name: lane.name };
      }
    }
    if (t.listings > 0) built.push(t);
  }
  built.sort((a, b) => Number(b.listedNow) - Number(a.listedNow) || a.target.localeCompare(b.target) || a.name.localeCompare(b.name));

  const allWatched = [...watchedByTarget.values()].flat();
  const overall =
    built.length === 0
      ? foldLane(
          { target: targets[0] ?? label, zone: '', query: '', name: 'Every list', listType: null, states: [], failures: [] },
          mergeIntervals(allWatched),
          [...targetFailures.values()].flat(),
          from,
          to,
        )
      : null;
  return {
    label,
    targets,
    from,
    to,
    lanes: built.slice(0, MAX_LANES),
    overall,
    hiddenLanes: Math.max(0, built.length - MAX_LANES),
    listings: built.reduce((n, l) => n + l.listings, 0),
    listedMs: unionLength(built.flatMap((l) => l.listedPeriods)),
    failedChecks,
    watchedNow: allWatched.some((w) => w.to === Infinity),
    lastChange,
  };
}

function foldLane(
  lane: Lane,
  watched: readonly { from: number; to: number }[],
  failures: readonly HistoryEvent[],
  from: number,
  to: number,
): TimelineLane {
  const spans: TimelineSpan[] = [];
  let listings = 0;
  let listedSince: number | null = null;
  let listedNow = false;
  for (const w of watched) {
    const start = Math.max(w.from, from);
    const end = Math.min(w.to, to);
    // A watch added this very moment still has its (empty) present: it is what holds now.
    if (end < start || (end === start && w.to !== Infinity)) continue;
    // The state at `start`: the last state event of this watched period at or before it.
    let state: 'listed' | 'clean' = 'clean';
    let stateSince = w.from;
    const inPeriod = lane.states.filter((s) => s.at >= w.from && s.at <= end);
    for (const s of inPeriod) {
      if (s.at > start) break;
      state = s.kind === 'listed' ? 'listed' : 'clean';
      stateSince = s.at;
    }
    let cursor = start;
    const push = (until: number, final = false): void => {
      if (until < cursor || (until === cursor && !(final && spans.length === 0))) return;
      const last = spans[spans.length - 1];
      if (last && last.state === state && last.to === cursor) spans[spans.length - 1] = { ...last, to: until };
      else {
        spans.push({ from: cursor, to: until, state });
        if (state === 'listed') listings++;
      }
      cursor = until;
    };
    for (const s of inPeriod) {
      if (s.at <= start) continue;
      const next = s.kind === 'listed' ? 'listed' : 'clean';
      if (next === state) continue;
      push(s.at);
      state = next;
      stateSince = s.at;
    }
    push(end, true);
    if (w.to === Infinity && state === 'listed') {
      listedNow = true;
      listedSince = Math.max(stateSince, from);
    }
  }
  return {
    target: lane.target,
    zone: lane.zone,
    query: lane.query,
    name: lane.name,
    listType: lane.listType,
    spans: overlayUnknown(spans, failures, from, to),
    listedPeriods: spans.filter((s) => s.state === 'listed').map((s) => ({ from: s.from, to: s.to })),
    alerts: lane.states.filter((s) => s.alerted && s.at >= from && s.at <= to).map((s) => s.at),
    listings,
    listedNow,
    listedSince,
  };
}

/**
 * Failed-check runs drawn over the lane. A run of one check has no length of its own, so
 * it is drawn at least 1/150 of the period wide (about 4 px in the picture).
 */
function overlayUnknown(spans: readonly TimelineSpan[], failures: readonly HistoryEvent[], from: number, to: number): TimelineSpan[] {
  const min = (to - from) / 150;
  const runs = failures
    .filter((f) => f.until >= from && f.at <= to)
    .map((f) => ({ from: Math.max(f.at, from), to: Math.min(Math.max(f.until, f.at + min), to) }))
    .filter((r) => spans.some((s) => s.from < r.to && s.to > r.from));
  if (runs.length === 0) return [...spans];
  const out: TimelineSpan[] = [];
  for (const s of spans) {
    let cursor = s.from;
    for (const r of mergeIntervals(runs)) {
      if (r.to <= cursor || r.from >= s.to) continue;
      if (r.from > cursor) out.push({ from: cursor, to: r.from, state: s.state });
      out.push({ from: Math.max(r.from, cursor), to: Math.min(r.to, s.to), state: 'unknown' });
      cursor = Math.min(r.to, s.to);
    }
    if (cursor < s.to) out.push({ from: cursor, to: s.to, state: s.state });
  }
  return out;
}

function mergeIntervals(intervals: readonly { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else out.push({ ...i });
  }
  return out;
}

function unionLength(spans: readonly { from: number; to: number }[]): number {
  return mergeIntervals(spans).reduce((n, i) => n + (i.to - i.from), 0);
}

/**
 * The timeline of targets from the store: their history in the period, and what their
 * latest check could not tell (from the stored target state). `zoneCount` (the checker's)
 * says how many lists a check of an address asks; without it, "every list failed" is not
 * told apart from "some lists failed". The one path for /watch history and `rblbot history`.
 */
export async function readTimeline(
  store: WatchStore,
  request: { label: string; targets: readonly string[]; from: number; to: number },
  zoneCount: ((kind: ZoneKind) => number) | null,
): Promise<{ timeline: Timeline; events: HistoryEvent[] }> {
  const { label, targets, from, to } = request;
  const [events, states] = await Promise.all([store.readHistory(targets, from), store.getTargetStates(targets)]);
  const latest = [...states.values()];
  const families = targets.map((t) => isIP(t));
  const latestCheck = {
    failed: latest.some((s) => s.lastError !== null),
    unanswered: latest.reduce((n, s) => n + Object.values(s.zones).filter((z) => z.problem).length, 0),
    asked: zoneCount && families.every((f) => f !== 0) ? families.reduce((n, f) => n + zoneCount(f === 4 ? 'ipv4' : 'ipv6'), 0) : null,
  };
  return { timeline: { ...buildTimeline(label, targets, events, from, to), latestCheck }, events };
}
