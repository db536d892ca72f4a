/**
 * The DNS the relay test needs: MX, A, AAAA and PTR. It is a port so the tester can be
 * handed the shared resolver (src/core/dns.ts) or this small stand-alone one built on
 * node:dns with explicit servers and a hard timeout.
 *
 * Contract: "no such name" and "no records of that type" both resolve to [];
 * timeouts and server failures reject with RelayDnsError.
 */
import { Resolver } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

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

export interface RelayDnsOptions {
  /** host[:port] resolvers; empty = the system's. */
  readonly resolvers?: readonly string[];
  readonly timeoutMs: number;
}

const EMPTY_CODES = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'ENONAME']);

export function createRelayDns(options: RelayDnsOptions): RelayDns {
  const make = (): Resolver => {
    // c-ares retries internally; one try each so our own hard timeout stays meaningful.
    const r = new Resolver({ timeout: options.timeoutMs, tries: 1 });
    if (options.resolvers && options.resolvers.length > 0) r.setServers(options.resolvers.map(toServer));
    return r;
  };
  const run = async <T>(what: string, fn: (r: Resolver) => Promise<T>, empty: T): Promise<T> => {
    const resolver = make();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(new RelayDnsError(`DNS lookup of ${what} timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    });
    try {
      return await Promise.race([fn(resolver), timeout]);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code && EMPTY_CODES.has(code)) return empty;
      if (err instanceof RelayDnsError) throw err;
      throw new RelayDnsError(`DNS lookup of ${what} failed (${code ?? String(err)})`);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    resolveMx: (name) =>
      run(`MX ${name}`, async (r) => (await r.resolveMx(name)).map((m) => ({ exchange: m.exchange, priority: m.priority })), []),
    resolve4: (name) => run(`A ${name}`, (r) => r.resolve4(name), []),
    resolve6: (name) => run(`AAAA ${name}`, (r) => r.resolve6(name), []),
    // resolvePtr on the arpa name rather than reverse(): c-ares' reverse() reads /etc/hosts first.
    reverse: (ip) => run(`PTR ${ip}`, (r) => r.resolvePtr(arpaName(ip)), []),
  };
}

/** 203.0.113.5 → 5.113.0.203.in-addr.arpa; IPv6 → its nibble form under ip6.arpa. */
export function arpaName(ip: string): string {
  const addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv4') return `${addr.toByteArray().reverse().join('.')}.in-addr.arpa`;
  const hex = addr
    .toByteArray()
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

/** "127.0.0.1:5353", "[::1]:53", "9.9.9.9" → the forms node:dns setServers accepts. */
function toServer(spec: string): string {
  return spec.trim();
}
