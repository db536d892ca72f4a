/**
 * Zone health from RFC 5782 test points: the positive entry (127.0.0.2, ::ffff:7f00:2
 * on IPv6-only lists, TEST or the list's own name such as dbltest.com on domain lists)
 * must be listed and the negative one (127.0.0.1, INVALID) must not. Only a positive
 * answer through *this* resolver proves that a "not listed" from it means anything
 * (pitfall 2: filtering, captive-portal and some ISP resolvers answer NXDOMAIN for every
 * name), and a listed negative entry shows a zone that lists the whole world (pitfall 3).
 */
import type { ActiveZone } from './catalogue.js';
import { classifyAnswer, PARKED_FIX } from './answers.js';
import { type Dns } from '../dns/resolver.js';
import type { Outcome as DnsOutcome } from '../dns/outcome.js';
import type { ZoneRateLimiter } from './rate-limit.js';
import { reverseName } from '../dns/reverse.js';

export type HealthState = 'healthy' | 'refusing' | 'lists-everything' | 'not-answering' | 'no-test-point';

export interface ZoneHealth {
  readonly zone: string;
  readonly name: string;
  readonly state: HealthState;
  /** One phrase for people: "answering 127.0.0.2 for the negative test point 127.0.0.1". */
  readonly detail: string;
  /** The positive test point asked ("127.0.0.2", "dbltest.com"). */
  readonly positive: string;
  /** The negative test point asked, if the zone has one. */
  readonly negative: string | null;
  readonly ms: number;
  /** When the verdict was reached (Date.now()). */
  readonly at: number;
}

/**
 * Verdicts under which a zone's "not listed" proves nothing. A zone that is only slow
 * to answer its test points (not-answering) is not among them: its own lookups time out
 * or answer, and an answer from it is as good as ever.
 */
const UNPROVEN = new Set<HealthState>(['no-test-point', 'lists-everything', 'refusing']);

export function isUnproven(health: ZoneHealth | undefined): health is ZoneHealth {
  return health !== undefined && UNPROVEN.has(health.state);
}

type Answer = { kind: 'listed' | 'refused' | 'clean' | 'failed' | 'bogus'; text: string };

/** Runs a lookup under the checker's cap on lookups in flight. */
export type LookupRunner = <T>(task: () => Promise<T>) => Promise<T>;

/** The test points a zone is probed with, as the catalogue records them (RFC 5782 defaults otherwise). */
export function testPoints(zone: ActiveZone): { positive: string; negative: string | null } {
  const ipv6Only = zone.kinds.includes('ipv6') && !zone.kinds.includes('ipv4');
  const ip = zone.kinds.includes('ipv4') || ipv6Only;
  const positive = zone.testPoint.positive ?? (ip ? (ipv6Only ? '::ffff:7f00:2' : '127.0.0.2') : 'test');
  return { positive, negative: zone.testPoint.negative };
}

export async function probeZones(zones: readonly ActiveZone[], dns: Dns, rate: ZoneRateLimiter, limit: LookupRunner): Promise<ZoneHealth[]> {
  return Promise.all(zones.map((zone) => probeZone(zone, dns, rate, limit)));
}

/** The query label of a test point: reversed for addresses, as written for names. */
function label(point: string): string {
  return /^\d+\.\d+\.\d+\.\d+$/.test(point) || point.includes(':') ? reverseName(point) : point;
}

export async function probeZone(zone: ActiveZone, dns: Dns, rate: ZoneRateLimiter, limit: LookupRunner): Promise<ZoneHealth> {
  const started = Date.now();
  const { positive, negative } = testPoints(zone);
  const ask = async (point: string): Promise<Answer> => {
    await rate.take(zone.zone);
    // The hot path the zone's own lookups take (pipelined TCP when the resolver has it),
    // so that a probe run beside a check costs no more time than the check.
    const outcome: DnsOutcome<string[]> = await limit(() => dns.lookupA(`${label(point)}.${zone.queryZone}`));
    if ('failure' in outcome) {
      if (outcome.failure === 'NXDOMAIN' || outcome.failure === 'NODATA') return { kind: 'clean', text: 'not listed' };
      return { kind: 'failed', text: outcome.failure === 'TIMEOUT' ? 'not answering' : `failing (${outcome.failure})` };
    }
    const codes = outcome.value;
    const verdict = classifyAnswer(zone, codes);
    if (verdict.status === 'refused') return { kind: 'refused', text: `refusing queries (${codes.join(', ')}: ${verdict.meaning})` };
    // Outside 127/8: a parked domain answering everything. Other odd codes still show a zone that answers.
    if (verdict.status === 'error' && verdict.fix === PARKED_FIX)
      return { kind: 'bogus', text: `answering ${codes.join(', ')} (${verdict.meaning})` };
    return { kind: 'listed', text: codes.join(', ') };
  };
  const [pos, neg] = await Promise.all([ask(positive), negative ? ask(negative) : Promise.resolve<Answer | null>(null)]);
  const result = (state: HealthState, detail: string): ZoneHealth => {
    const at = Date.now();
    return { zone: zone.zone, name: zone.name, state, detail, positive, negative, ms: at - started, at };
  };
  if (pos.kind === 'refused' || neg?.kind === 'refused') return result('refusing', (pos.kind === 'refused' ? pos : neg!).text);
  if (neg && (neg.kind === 'listed' || neg.kind === 'bogus'))
    return result('lists-everything', `answering ${neg.text} for the negative test point ${negative}`);
  if (pos.kind === 'bogus') return result('lists-everything', `${pos.text} for the positive test point`);
  if (pos.kind === 'failed' || neg?.kind === 'failed') return result('not-answering', (pos.kind === 'failed' ? pos : neg!).text);
  if (pos.kind === 'clean') return result('no-test-point', `not listing its positive test point ${positive}`);
  return result('healthy', `listing ${positive} and not ${negative ?? '(no negative test point)'}`);
}
