/**
 * How a DNS lookup ends, shared by the resolver (resolver.ts) and the TCP pipeline
 * (tcp.ts) so that neither imports the other for its types.
 */

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
