/**
 * A listing history to draw in tests and the bench: a target watched from the start of
 * the period, listed on one list twice (alerted each time), on another since before the
 * period with a week of failed checks, and a third list that never listed it.
 */
import type { HistoryEvent } from '../../src/core/watch/types.js';

export const DAY = 86_400_000;
export const FIXTURE_TO = Date.UTC(2026, 11, 1, 12);

function event(partial: Partial<HistoryEvent> & Pick<HistoryEvent, 'kind' | 'at'>): HistoryEvent {
  return {
    target: '203.0.113.5',
    zone: '',
    query: '',
    name: '',
    listType: null,
    until: partial.at,
    count: 1,
    alerted: false,
    detail: null,
    ...partial,
  };
}

const zen = { zone: 'zen.spamhaus.org', query: '203.0.113.5', name: 'Spamhaus ZEN', listType: 'block' as const };
const spamcop = { zone: 'bl.spamcop.net', query: '203.0.113.5', name: 'SpamCop', listType: 'block' as const };
const barracuda = { zone: 'b.barracudacentral.org', query: '203.0.113.5', name: 'Barracuda', listType: 'block' as const };

/** 30 days to FIXTURE_TO. */
export function fixtureHistory(to = FIXTURE_TO): HistoryEvent[] {
  const from = to - 30 * DAY;
  return [
    event({ kind: 'watched', at: from - 40 * DAY }),
    event({ ...spamcop, kind: 'listed', at: from - 3 * DAY, alerted: true, detail: '127.0.0.2' }),
    event({ ...zen, kind: 'listed', at: from + 4 * DAY, alerted: true, detail: '127.0.0.2' }),
    event({ ...zen, kind: 'clean', at: from + 9 * DAY, alerted: true }),
    event({ ...spamcop, kind: 'unknown', at: from + 12 * DAY, until: from + 19 * DAY, count: 168, detail: 'timeout' }),
    event({ ...spamcop, kind: 'clean', at: from + 21 * DAY, alerted: true }),
    event({ ...zen, kind: 'listed', at: from + 25 * DAY, alerted: true, detail: '127.0.0.4' }),
    event({ ...barracuda, kind: 'unknown', at: from + 2 * DAY, until: from + 2 * DAY, detail: 'timeout' }),
  ];
}

/**
 * `lanes` lists over `days` days, each listed and cleared every `everyDays` days or so,
 * with a run of failed checks on every third list (the bench: 30 is a bad quarter for a
 * mail server, 3 a flapping worst case).
 */
export function busyHistory(lanes: number, days: number, to = FIXTURE_TO, everyDays = 3): HistoryEvent[] {
  const from = to - days * DAY;
  const out: HistoryEvent[] = [event({ kind: 'watched', at: from - DAY })];
  for (let l = 0; l < lanes; l++) {
    const list = { zone: `list${l}.example.net`, query: '203.0.113.5', name: `List ${l}`, listType: 'block' as const };
    let listed = false;
    for (let t = from + ((l * 7) % 5) * DAY; t < to; t += (everyDays - 1 + (l % 4)) * DAY) {
      listed = !listed;
      out.push(event({ ...list, kind: listed ? 'listed' : 'clean', at: t, alerted: true }));
      if (l % 3 === 0) out.push(event({ ...list, kind: 'unknown', at: t + DAY, until: t + DAY + 6 * 3_600_000, count: 6 }));
    }
  }
  return out.sort((a, b) => a.at - b.at);
}
