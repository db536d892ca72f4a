/**
 * How a DNS lookup ends, shared by the resolver (resolver.ts), the UDP client (udp-client.ts)
 * and the TCP pipeline (tcp.ts) so that none imports another for its types.
 */
import { typeName, type HotResponse, type QueryType } from './wire.js';

/** How a lookup failed. NXDOMAIN and NODATA are answers, not failures, for a DNSBL. */
export type DnsFailure = 'NXDOMAIN' | 'NODATA' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' | 'ERROR';

export class DnsError extends Error {
  constructor(
    readonly failure: DnsFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DnsError';
  }
}

/**
 * A lookup's result without exceptions: a bulk check meets tens of thousands of
 * NXDOMAIN answers, and building and throwing an Error for each costs more than the
 * lookup itself.
 */
export type Outcome<T> = { readonly value: T } | { readonly failure: DnsFailure; readonly message: string };

/**
 * Takes a hot-path lookup's outcome. A bulk check makes a quarter of a million lookups:
 * handing each answer to an object costs far less than a promise (and its reactions)
 * per lookup. settle is called once, never during the call that started the lookup,
 * and must not throw.
 */
export interface OutcomeSink {
  settle(outcome: Outcome<string[]>): void;
}

/** The answer nine lookups in ten get; shared, as nothing reads its text. */
export const NXDOMAIN: Outcome<string[]> = Object.freeze({ failure: 'NXDOMAIN', message: 'no such name' });

const RCODE_FAILURES: Record<number, DnsFailure> = { 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' };

/** The outcome a response gives the lookup of `name`. */
export function responseOutcome(response: HotResponse, type: QueryType, name: string): Outcome<string[]> {
  if (response.rcode === 3) return NXDOMAIN;
  if (response.rcode === 0) {
    return response.records.length > 0
      ? { value: [...response.records] }
      : { failure: 'NODATA', message: `${typeName(type)} ${name}: no record of that type` };
  }
  const failure = RCODE_FAILURES[response.rcode] ?? 'ERROR';
  return { failure, message: `${typeName(type)} ${name}: the server answered ${failure === 'ERROR' ? `rcode ${response.rcode}` : failure}` };
}
