/**
 * Verdicts are earned. A lookup on a zone whose test points show that its answers mean
 * nothing through this resolver cannot say "not listed"; and when the resolver itself is
 * the problem (every list fails the same way, or most fail their test points), the
 * answer says so once, naming the resolver, instead of once per list.
 */
import type { ZoneHealth } from './health.js';
import { isUnproven } from './health.js';
import type { LookupResult } from './types.js';
import { capitalise } from '../../reply/words.js';

/** Where to read about choosing a resolver (shipped with the package). */
export const RESOLVER_DOC = 'docs/resolvers.md';

/** The meaning of a failed lookup, the same words for every zone so that failures can be told apart and counted. */
export const FAILURE_MEANING = {
  timeout: (ms: number) => `no answer within ${ms} ms`,
  servfail: 'the resolver answered SERVFAIL',
  refusedRcode: 'the resolver answered REFUSED',
  unreachable: 'no DNS server answering (connection refused)',
} as const;

/** A clean (or, for a zone that lists everything, any) answer from a zone whose verdict is not earned, as the error it is. */
export function earnedResult(result: LookupResult, health: ZoneHealth | undefined): LookupResult {
  if (!isUnproven(health)) return result;
  if (result.status !== 'clean' && !(result.status === 'listed' && health.state === 'lists-everything')) return result;
  return { ...result, status: 'error', codes: result.codes, meaning: unprovenMeaning(health), fix: unprovenFix(health) };
}

function unprovenMeaning(health: ZoneHealth): string {
  switch (health.state) {
    case 'lists-everything':
      return `its answers mean nothing through your resolver: ${health.detail}`;
    case 'refusing':
      return `its test point ${health.positive} was refused through your resolver (${health.detail}), so "not listed" proves nothing`;
    default:
      return `its test point ${health.positive} is not listed through your resolver, so "not listed" proves nothing`;
  }
}

function unprovenFix(health: ZoneHealth): string {
  if (health.state === 'lists-everything')
    return 'The list (or your resolver) answers "listed" for everything: it is dead, parked or rewritten. Not the same as clean or listed.';
  return `Use your own recursive resolver that asks the lists directly (see ${RESOLVER_DOC}); not the same as clean.`;
}

/** What a failed lookup says about the resolver, for telling "all failed the same way" apart. */
type FailureKind = 'timeout' | 'servfail' | 'refused-rcode' | 'unreachable' | 'refusal-code';

function failureKind(r: LookupResult): FailureKind | undefined {
  if (r.status === 'timeout') return 'timeout';
  if (r.status === 'refused') return 'refusal-code';
  if (r.status !== 'error') return undefined;
  if (r.meaning === FAILURE_MEANING.servfail) return 'servfail';
  if (r.meaning === FAILURE_MEANING.refusedRcode) return 'refused-rcode';
  if (r.meaning === FAILURE_MEANING.unreachable) return 'unreachable';
  return undefined;
}

/** "192.0.2.53" or "192.0.2.53 and 192.0.2.54": the resolvers as a user configured them. */
function resolverWords(servers: readonly string[]): string {
  const shown = servers.length > 3 ? [...servers.slice(0, 3), `${servers.length - 3} more`] : [...servers];
  if (shown.length === 1) return `your resolver ${shown[0]}`;
  return `your resolvers ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** The resolver, not the lists, is the problem: one sentence, and whether its "no such name" answers can be believed. */
export interface ResolverProblem {
  readonly sentence: string;
  /** It answers NXDOMAIN where the lists list (their test points): a "no PTR" from it proves nothing either. */
  readonly hidesAnswers: boolean;
}

/** The resolver-level problem with a check's answers, or null when the lists answered. */
export function resolverProblem(
  results: readonly LookupResult[],
  health: ReadonlyMap<string, ZoneHealth>,
  servers: readonly string[],
  timeoutMs: number,
): ResolverProblem | null {
  if (results.length === 0) return null;
  // Counted as the answer counts lists: allow-lists apart, unless there is nothing else.
  const blocking = results.filter((r) => r.listType !== 'allow');
  const zones = [...new Set((blocking.length > 0 ? blocking : results).map((r) => r.zone))];
  const who = resolverWords(servers);
  const lists = `${zones.length} list${zones.length === 1 ? '' : 's'}`;

  // Every lookup failed in the same way: the resolver is down, unreachable or refusing.
  // (From three lists up: one or two lists failing alike say nothing about the resolver.)
  const kinds = new Set(results.map(failureKind));
  if (zones.length >= 3 && kinds.size === 1 && !kinds.has(undefined)) {
    const sentence = sameFailure([...kinds][0]!, who, lists, timeoutMs);
    return { sentence, hidesAnswers: false };
  }

  // Most lists fail their RFC 5782 test points: the resolver hides or rewrites blocklist answers.
  const healths = zones.map((z) => health.get(z));
  const sentence = testPointProblem(healths, servers);
  if (!sentence) return null;
  const hidden = healths.filter((h) => h?.state === 'no-test-point').length;
  return { sentence, hidesAnswers: hidden * 2 > healths.length };
}

function sameFailure(kind: FailureKind, who: string, lists: string, timeoutMs: number): string {
  const advice = `Check RBLBOT_RESOLVERS (or --resolver), or use your own recursive resolver (see ${RESOLVER_DOC}).`;
  switch (kind) {
    case 'timeout':
      return `No answer from ${who} within ${timeoutMs} ms for any of the ${lists}: it is down, unreachable or too slow. ${advice}`;
    case 'unreachable':
      return `Nothing answers DNS at ${who.replace(/^your resolvers? /, '')} (connection refused), so none of the ${lists} could be asked. ${advice}`;
    case 'servfail':
      return `${capitalise(who)} answered SERVFAIL for all ${lists}: it cannot reach them (no outbound DNS, a firewall, or a DNSSEC failure). ${advice}`;
    case 'refused-rcode':
      return `${capitalise(who)} refused every query (REFUSED): it does not allow recursion for this host. Allow it, or use another resolver (see ${RESOLVER_DOC}).`;
    case 'refusal-code':
      return `All ${lists} refused to answer through ${who}: to them it looks like a public, shared or cloud resolver. Run your own recursive resolver without forwarding (see ${RESOLVER_DOC}), or set SPAMHAUS_DQS_KEY for Spamhaus.`;
  }
}

/**
 * The sentence for a resolver through which most zones fail their test points (null
 * when most pass). Zones without a verdict count as passing: nothing shows otherwise.
 */
export function testPointProblem(healths: readonly (ZoneHealth | undefined)[], servers: readonly string[]): string | null {
  const who = resolverWords(servers);
  const lists = `${healths.length} list${healths.length === 1 ? '' : 's'}`;
  const failing = healths.filter(isUnproven);
  if (healths.length < 2 || failing.length * 2 <= healths.length) return null;
  const hidden = failing.filter((h) => h.state === 'no-test-point');
  const rewritten = failing.filter((h) => h.state === 'lists-everything');
  const refusing = failing.length - hidden.length - rewritten.length;
  const tally = (n: number) => `on ${n} of ${lists}`;
  if (hidden.length >= rewritten.length && hidden.length >= refusing) {
    return `${capitalise(who)} is not returning blocklist answers: even the test point ${commonPoint(hidden)} is not listed ${tally(hidden.length)}. Use your own recursive resolver, see ${RESOLVER_DOC}.`;
  }
  if (rewritten.length >= refusing) {
    return `${capitalise(who)} rewrites blocklist answers: names that no list lists (the test point ${commonNegative(rewritten)}) come back listed ${tally(rewritten.length)}. Use your own recursive resolver, see ${RESOLVER_DOC}.`;
  }
  return `${refusing} of ${lists} refuse to answer through ${who}: to them it looks like a public, shared or cloud resolver. Use your own recursive resolver, see ${RESOLVER_DOC}.`;
}

/** `rblbot zones --probe`'s last line: how many zones passed their test points, and what is wrong with the rest. */
export function probeSummary(healths: readonly ZoneHealth[], servers: readonly string[]): { healthy: number; unhealthy: number; sentence: string } {
  const healthy = healths.filter((h) => h.state === 'healthy').length;
  const unhealthy = healths.length - healthy;
  const lists = `${healths.length} list${healths.length === 1 ? '' : 's'}`;
  let sentence: string;
  if (healths.length === 0) sentence = 'No lists are active, so none was probed.';
  else if (unhealthy === 0) sentence = `All ${lists} answer their test points through ${resolverWords(servers)}.`;
  else {
    const problem =
      testPointProblem(healths, servers) ??
      (healths.every((h) => h.state === 'not-answering')
        ? `No list answered its test points through ${resolverWords(servers)}: it is down, unreachable or too slow. Check RBLBOT_RESOLVERS (or --resolver), or see ${RESOLVER_DOC}.`
        : null);
    const names = healths
      .filter((h) => h.state !== 'healthy')
      .map((h) => `${h.zone} (${h.state})`)
      .slice(0, 6);
    const more = unhealthy > names.length ? ` and ${unhealthy - names.length} more` : '';
    sentence = `${healthy} of ${lists} healthy; ${unhealthy} unhealthy: ${names.join(', ')}${more}.` + (problem ? ` ${problem}` : '');
  }
  return { healthy, unhealthy, sentence };
}

/** The test point most of these zones share ("127.0.0.2"), for the sentence. */
function commonPoint(healths: readonly ZoneHealth[]): string {
  return mostCommon(healths.map((h) => h.positive));
}

function commonNegative(healths: readonly ZoneHealth[]): string {
  return mostCommon(healths.map((h) => h.negative ?? h.positive));
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}
