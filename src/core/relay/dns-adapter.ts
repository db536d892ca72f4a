/**
 * Adapts the shared DNS port (src/core/dns.ts, which reports NXDOMAIN/NODATA as errors
 * because a DNSBL needs to tell them apart) to the relay test's contract, where "no
 * such name" and "no such record" are simply empty answers.
 */
import { createDns, DnsError, type Dns } from '../dns.js';
import { RelayDnsError, type RelayDns } from './dns.js';

export function relayDnsFrom(dns: Dns): RelayDns {
  const wrap =
    <T>(fn: (arg: string) => Promise<T[]>) =>
    async (arg: string): Promise<T[]> => {
      try {
        return await fn(arg);
      } catch (err) {
        if (err instanceof DnsError && (err.failure === 'NXDOMAIN' || err.failure === 'NODATA')) return [];
        throw new RelayDnsError(err instanceof Error ? err.message : String(err));
      }
    };
  return {
    resolveMx: wrap((n) => dns.resolveMx(n)),
    resolve4: wrap((n) => dns.resolve4(n)),
    resolve6: wrap((n) => dns.resolve6(n)),
    reverse: wrap((ip) => dns.reverse(ip)),
  };
}

export interface RelayDnsOptions {
  /** host[:port] resolvers; empty = the system's. */
  readonly resolvers?: readonly string[];
  readonly timeoutMs: number;
}

/** A relay DNS of its own (tests, a tester built without the checker's resolver). */
export function createRelayDns(options: RelayDnsOptions): RelayDns {
  return relayDnsFrom(createDns({ servers: options.resolvers, timeoutMs: options.timeoutMs }));
}
