/**
 * Zone health from RFC 5782 test points: the positive entry (127.0.0.2, or TEST for
 * domain lists) must be listed and the negative one (127.0.0.1, INVALID) must not. Only
 * a positive answer through *this* resolver proves a zone is usable (pitfall 2), and a
 * listed negative answer shows a zone that lists the whole world (pitfall 3).
 */
import type { ActiveZone } from './catalogue.js';
import { classifyAnswer, PARKED_FIX } from './answers.js';
import { type Dns } from '../dns/resolver.js';
import { DnsError } from '../dns/outcome.js';
import type { ZoneRateLimiter } from './rate-limit.js';
import { reverseName } from '../dns/reverse.js';

export type HealthState = 'healthy' | 'refusing' | 'lists-everything' | 'not-answering' | 'no-test-point';

export interface ZoneHealth {
  readonly zone: string;
  readonly name: string;
  readonly state: HealthState;
  /** One phrase for people: "answering 127.0.0.2 for the negative test point". */
  readonly detail: string;
  readonly ms: number;
}

type Outcome = { kind: 'listed' | 'refused' | 'clean' | 'failed' | 'bogus'; text: string };

/** Runs a lookup under the checker's cap on lookups in flight. */
export type LookupRunner = <T>(task: () => Promise<T>) => Promise<T>;

export async function probeZones(zones: readonly ActiveZone[], dns: Dns, rate: ZoneRateLimiter, limit: LookupRunner): Promise<ZoneHealth[]> {
  return Promise.all(zones.map((zone) => probeZone(zone, dns, rate, limit)));
}

async function probeZone(zone: ActiveZone, dns: Dns, rate: ZoneRateLimiter, limit: LookupRunner): Promise<ZoneHealth> {
  const started = performance.now();
  const isIp = zone.kinds.includes('ipv4');
  const positive = zone.testPoint.positive ?? (isIp ? '127.0.0.2' : 'test');
  const negative = zone.testPoint.negative;
  const label = (point: string): string => (/^\d+\.\d+\.\d+\.\d+$/.test(point) ? reverseName(point) : point);
  const ask = async (point: string): Promise<Outcome> => {
    await rate.take(zone.zone);
    return limit(async () => {
      try {
        const codes = await dns.resolve4(`${label(point)}.${zone.queryZone}`);
        const verdict = classifyAnswer(zone, codes);
        if (verdict.status === 'refused') return { kind: 'refused', text: `refusing queries (${codes.join(', ')}: ${verdict.meaning})` };
        // Outside 127/8: a parked domain answering everything. Other odd codes still show a zone that answers.
        if (verdict.status === 'error' && verdict.fix === PARKED_FIX)
          return { kind: 'bogus', text: `answering ${codes.join(', ')} (${verdict.meaning})` };
        return { kind: 'listed', text: codes.join(', ') };
      } catch (err) {
        const failure = err instanceof DnsError ? err.failure : 'ERROR';
        if (failure === 'NXDOMAIN' || failure === 'NODATA') return { kind: 'clean', text: 'not listed' };
        return { kind: 'failed', text: failure === 'TIMEOUT' ? 'not answering' : `failing (${failure})` };
      }
    });
  };
  const [pos, neg] = await Promise.all([ask(positive), negative ? ask(negative) : Promise.resolve<Outcome | null>(null)]);
  const result = (state: HealthState, detail: string): ZoneHealth => ({
    zone: zone.zone,
    name: zone.name,
    state,
    detail,
    ms: Math.round(performance.now() - started),
  });
  if (pos.kind === 'refused' || neg?.kind === 'refused') return result('refusing', (pos.kind === 'refused' ? pos : neg!).text);
  if (neg && (neg.kind === 'listed' || neg.kind === 'bogus'))
    return result('lists-everything', `answering ${neg.text} for the negative test point ${negative}`);
  if (pos.kind === 'bogus') return result('lists-everything', `${pos.text} for the positive test point`);
  if (pos.kind === 'failed' || neg?.kind === 'failed') return result('not-answering', (pos.kind === 'failed' ? pos : neg!).text);
  if (pos.kind === 'clean')
    return result('no-test-point', `not listing its positive test point ${positive}, so it may be empty or refusing silently`);
  return result('healthy', `listing ${positive} and not ${negative ?? '(no negative test point)'}`);
}
