/**
 * What a zone's answer means. The rule (landscape pitfalls 1, 4, 5): "listed" needs a
 * code inside 127.0.0.0/8 that the zone documents; the zone's refusal codes are never
 * listings; answers outside 127/8 come from parked domains or tampering resolvers; and
 * 127.0.0.1 is RFC 5782's "never listed" test point, so it is never a listing either.
 */
import { codeMatches, type Zone } from './catalogue.js';
import type { ListType, LookupStatus } from './types.js';
import { worseListType } from '../../reply/severity.js';

export interface Classification {
  readonly status: LookupStatus;
  readonly listType: ListType;
  readonly meaning: string | null;
  readonly fix: string | null;
}

export const PARKED_FIX =
  'The list answered with an address outside 127.0.0.0/8: its domain is parked or your resolver rewrites answers (ISP redirect, filtering DNS). Use a resolver that returns real answers; this is not a listing.';
export const LOOPBACK_FIX =
  'The list answered 127.0.0.1, which RFC 5782 reserves for "never listed": your resolver or network probably rewrites blocklist answers. This is not a listing.';

/** Classify the A records a zone returned for one query. */
export function classifyAnswer(zone: Zone, codes: readonly string[]): Classification {
  const outside = codes.filter((c) => !c.startsWith('127.'));
  if (outside.length > 0) {
    return { status: 'error', listType: zone.listType, meaning: `answered ${outside.join(', ')}, outside 127.0.0.0/8`, fix: PARKED_FIX };
  }
  for (const code of codes) {
    const refusal = zone.refusals.find((r) => codeMatches(r.match, code));
    if (refusal) return { status: 'refused', listType: zone.listType, meaning: refusal.meaning, fix: refusal.fix };
  }

  const meanings: string[] = [];
  let listType: ListType | null = null;
  const unknown: string[] = [];
  const take = (meaning: string, type: ListType): void => {
    if (!meanings.includes(meaning)) meanings.push(meaning);
    listType = listType === null ? type : worseListType(listType, type);
  };

  for (const code of codes) {
    const exact = zone.codes.find((c) => c.match === code) ?? zone.codes.find((c) => codeMatches(c.match, code));
    if (exact) {
      take(exact.meaning, exact.listType ?? zone.listType);
      continue;
    }
    if (zone.bits && zone.bits.length > 0 && code.startsWith('127.0.0.')) {
      const value = Number(code.split('.')[3]);
      const hits = zone.bits.filter((b) => (value & b.bit) !== 0);
      if (hits.length > 0) {
        for (const b of hits) take(b.meaning, b.listType ?? zone.listType);
        continue;
      }
    }
    unknown.push(code);
  }

  if (listType !== null) {
    const extra = unknown.length > 0 ? ` (also ${unknown.join(', ')}, not documented for this list)` : '';
    return { status: 'listed', listType, meaning: meanings.join('; ') + extra, fix: null };
  }
  if (unknown.includes('127.0.0.1')) return { status: 'error', listType: zone.listType, meaning: 'answered 127.0.0.1', fix: LOOPBACK_FIX };
  // A zone with no documented codes (a user-added zone) takes any 127/8 answer as a listing.
  if (zone.codes.length === 0 && !zone.bits?.length) {
    return { status: 'listed', listType: zone.listType, meaning: `listed (${codes.join(', ')})`, fix: null };
  }
  return {
    status: 'error',
    listType: zone.listType,
    meaning: `answered ${unknown.join(', ')}, a code this list does not document`,
    fix: "An undocumented answer is not treated as a listing; check the list's lookup page by hand.",
  };
}
