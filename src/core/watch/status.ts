/**
 * How a check result moves a target's per-list state. A change is a list going
 * listed ↔ clean, and it only counts once seen on CONFIRMATIONS checks in a row, so a
 * list that flickers does not page anyone. Timeouts, errors and refusals say nothing
 * about the listing: they are remembered for /watch list and otherwise ignored (they
 * neither confirm nor reset a pending change).
 */
import type { CheckReport, LookupResult } from '../check/types.js';
import type { Confirmed, HistoryWrite, TargetState, WatchChange, ZoneState } from './types.js';

export const CONFIRMATIONS = 2;

export type TargetChange = Omit<WatchChange, 'label'>;

export function zoneKey(r: Pick<LookupResult, 'zone' | 'query'>): string {
  return `${r.zone}|${r.query}`;
}

export function emptyState(target: string): TargetState {
  return { target, baselined: false, lastChecked: null, lastError: null, zones: {} };
}

export interface Applied {
  readonly state: TargetState;
  readonly changes: TargetChange[];
  /** What the listing history keeps of this check: the baseline, confirmed changes, failed lookups. */
  readonly history: HistoryWrite[];
}

/**
 * Fold one report into the previous state. The first report of a target is its
 * baseline: it records what is listed now and produces no change.
 */
export function applyReport(prev: TargetState | undefined, report: CheckReport, now: number): Applied {
  const before = prev ?? emptyState(report.target);
  const zones: Record<string, ZoneState> = { ...before.zones };
  const changes: TargetChange[] = [];
  const history: HistoryWrite[] = [];
  if (!before.baselined) history.push(targetEvent(report.target, 'watched', now));
  for (const r of report.results) {
    const key = zoneKey(r);
    // Absent from a baselined target means "confirmed clean": only exceptions are stored.
    const old: ZoneState | undefined = zones[key] ?? (before.baselined ? base(r, 'clean') : undefined);
    let next: ZoneState;
    if (r.status === 'listed' || r.status === 'clean') {
      const seen: Confirmed = r.status;
      if (!old || old.confirmed === null) {
        next = { ...base(r, seen), ...details(r) };
        // A baseline listing starts the lane's history; a baseline clean is the default and costs no row.
        if (seen === 'listed' && r.listType !== 'allow') history.push(listEvent(report.target, r, 'listed', now, false));
      } else if (seen === old.confirmed) {
        next = { ...base(r, seen), ...(seen === 'listed' ? details(r) : undefined) };
      } else {
        const count = old.pending === seen ? old.pendingCount + 1 : 1;
        if (count >= CONFIRMATIONS) {
          next = { ...base(r, seen), ...details(r) };
          if (r.listType !== 'allow') {
            changes.push(changeOf(report.target, r, seen, old));
            history.push(listEvent(report.target, r, seen, now, true));
          }
        } else {
          next = { ...old, pending: seen, pendingCount: count, ...details(r), problem: null };
        }
      }
    } else {
      if (r.listType !== 'allow') {
        const why = `${r.status}${r.meaning ? `: ${r.meaning}` : ''}`;
        history.push({ ...listEvent(report.target, r, 'unknown', now, false), detail: why.slice(0, 200), continues: !!old?.problem });
      }
      next = {
        ...(old ?? base(r, null)),
        problem: { status: r.status, detail: r.fix ?? r.meaning ?? null, at: now },
      };
    }
    if (isDefault(next)) delete zones[key];
    else zones[key] = compact(next);
  }
  // Forget lists dropped from the catalogue and addresses a name no longer resolves to, so
  // /watch list does not show stale listings. A name that failed to resolve this time keeps
  // its addresses' state: the next successful check takes over from it.
  const seen = new Set(report.results.map(zoneKey));
  for (const [key, z] of Object.entries(zones)) {
    if (seen.has(key) || report.results.length === 0) continue;
    const ofAnAddress = z.query !== report.target && z.query !== report.registrableDomain;
    if (ofAnAddress && report.addresses.length === 0) continue;
    delete zones[key];
  }
  return {
    state: { target: report.target, baselined: true, lastChecked: now, lastError: null, zones },
    changes,
    history,
  };
}

/** The whole check failed (resolver unreachable, target now refused): keep the state, note why. */
export function applyFailure(
  prev: TargetState | undefined,
  target: string,
  message: string,
  now: number,
): { state: TargetState; history: HistoryWrite[] } {
  const failed: HistoryWrite = { ...targetEvent(target, 'unknown', now), detail: message.slice(0, 200), continues: !!prev?.lastError };
  return { state: { ...(prev ?? emptyState(target)), lastChecked: now, lastError: message }, history: [failed] };
}

/** An event of the target as a whole (watched, unwatched, a check that failed entirely). */
export function targetEvent(target: string, kind: HistoryWrite['kind'], at: number): HistoryWrite {
  return { target, zone: '', query: '', name: '', listType: null, kind, at, until: at, count: 1, alerted: false, detail: null, continues: false };
}

function listEvent(target: string, r: LookupResult, kind: HistoryWrite['kind'], at: number, alerted: boolean): HistoryWrite {
  return {
    target,
    zone: r.zone,
    query: r.query,
    name: r.name,
    listType: r.listType,
    kind,
    at,
    until: at,
    count: 1,
    alerted,
    detail: kind === 'listed' && r.codes.length ? r.codes.join(', ') : null,
    continues: false,
  };
}

function base(r: LookupResult, confirmed: Confirmed | null): ZoneState {
  return { zone: r.zone, name: r.name, listType: r.listType, query: r.query, confirmed, pending: null, pendingCount: 0, problem: null };
}

function details(r: LookupResult): Partial<ZoneState> {
  if (r.status !== 'listed') return {};
  return { codes: r.codes, meaning: r.meaning, removalUrl: r.removalUrl, lookupUrl: r.lookupUrl };
}

function changeOf(target: string, r: LookupResult, now: Confirmed, old: ZoneState): TargetChange {
  // A clearing alert names what the listing was, from the details remembered while listed.
  const src = now === 'listed' ? r : old;
  return {
    target,
    zone: r.zone,
    name: r.name,
    listType: r.listType,
    query: r.query,
    now,
    codes: now === 'listed' ? r.codes : (old.codes ?? []),
    meaning: src.meaning ?? null,
    removalUrl: r.removalUrl ?? old.removalUrl ?? null,
    lookupUrl: r.lookupUrl ?? old.lookupUrl ?? null,
  };
}

function isDefault(z: ZoneState): boolean {
  return z.confirmed === 'clean' && z.pending === null && !z.problem;
}

/** Drop empty fields so the stored JSON stays small for 10,000s of targets. */
function compact(z: ZoneState): ZoneState {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(z)) {
    if (v === undefined || (v === null && k !== 'confirmed' && k !== 'pending')) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as unknown as ZoneState;
}
