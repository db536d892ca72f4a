/**
 * The DNS the relay test needs: MX, A, AAAA and PTR, served by the shared resolver
 * (src/core/dns/resolver.ts).
 *
 * Contract: "no such name" and "no records of that type" both resolve to [];
 * timeouts and server failures reject with RelayDnsError. The shared resolver reports
 * NXDOMAIN/NODATA as errors because a DNSBL needs to tell them apart; relayDnsFrom
 * turns them into the empty answers this contract promises.
 */
import { DnsError } from '../dns/outcome.js';
import { createDns, type Dns } from '../dns/resolver.js';

export interface MxRecord {
  readonly exchange: string;
  readonly priority: number;
}

export interface RelayDns {
  resolveMx(name: string): Promise<MxRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  reverse(ip: string): Promise<string[]>;
}

export class RelayDnsError extends Error {
  override name = 'RelayDnsError';
}

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
