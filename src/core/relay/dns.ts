/**
 * The DNS the relay test needs: MX, A, AAAA and PTR, served by the shared resolver
 * (src/core/dns.ts) through dns-adapter.ts.
 *
 * Contract: "no such name" and "no records of that type" both resolve to [];
 * timeouts and server failures reject with RelayDnsError.
 */

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
