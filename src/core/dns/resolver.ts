/**
 * The DNS port: A/AAAA/TXT/PTR/MX lookups through the configured resolvers, each with a
 * hard time budget of our own.
 *
 * A, AAAA, TXT and PTR go through our own client (client.ts): a congestion window per
 * resolver and retries within the budget, so that a resolver that sheds load (dnsmasq past
 * 150 queries at once, Unbound past its limits) slows a check down instead of losing
 * answers; over UDP, and over pipelined TCP where that serves well (resolver-lane.ts).
 * MX (the relay test's, a few per run) goes through c-ares.
 */
import type * as DnsPromises from 'node:dns/promises';
import { TYPE_A, TYPE_AAAA, TYPE_PTR, TYPE_TXT, type QueryType } from './wire.js';
import { DnsError, type DnsFailure, type Outcome, type OutcomeSink } from './outcome.js';
import { arpaName } from './reverse.js';
import { parseServer } from './servers.js';
import { LookupClient } from './client.js';

export interface MxRecord {
  readonly exchange: string;
  readonly priority: number;
}

export interface Dns {
  /** The servers in use, as host:port. */
  readonly servers: readonly string[];
  readonly timeoutMs: number;
  resolve4(name: string): Promise<string[]>;
  /** resolve4 for hot paths: failures are values, not exceptions. */
  lookupA(name: string): Promise<Outcome<string[]>>;
  /** lookupA without a promise: the outcome goes to `sink` (the blocklist lookups of a check). */
  sendA(name: string, sink: OutcomeSink): void;
  resolve6(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[]>;
  /** resolveTxt for hot paths: failures (NXDOMAIN: no reason published) are values, not exceptions. */
  lookupTxt(name: string): Promise<Outcome<string[]>>;
  resolveMx(name: string): Promise<MxRecord[]>;
  reverse(ip: string): Promise<string[]>;
  /** reverse for hot paths: failures (NXDOMAIN for "no PTR") are values, not exceptions. */
  lookupPtr(ip: string): Promise<Outcome<string[]>>;
  /** Addresses of a name (A and AAAA at once); empty when it has none. Throws on SERVFAIL/timeout of both. */
  resolveAddresses(name: string): Promise<string[]>;
}

export interface DnsOptions {
  /** host[:port] entries; IPv6 as [addr]:port. Empty or absent: the system's resolvers. */
  readonly servers?: readonly string[];
  readonly timeoutMs?: number;
  /**
   * Send lookups over a pipelined TCP connection per resolver where it serves well (default
   * true); false: UDP only (TCP still carries answers too big for UDP).
   */
  readonly tcp?: boolean;
  /** Open no TCP connection to a resolver while fewer lookups than this are in flight on it (see LaneOptions). */
  readonly udpBeforeTcp?: number;
}

/**
 * node:dns (c-ares) only when it is used — the system's resolvers when none are given, and
 * MX: loading it reads /etc/resolv.conf and starts a channel, on every CLI run otherwise.
 */
function cares(): typeof DnsPromises {
  return process.getBuiltinModule('node:dns/promises');
}

export function createDns(options: DnsOptions = {}): Dns {
  const timeoutMs = options.timeoutMs ?? 4000;
  const servers = options.servers && options.servers.length > 0 ? options.servers.map(parseServer) : cares().getServers();
  if (servers.length === 0) throw new Error('No DNS resolver is configured on this machine; set RBLBOT_RESOLVERS.');
  const client = new LookupClient(servers, timeoutMs, { tcp: options.tcp, udpBeforeTcp: options.udpBeforeTcp });

  const send = (type: QueryType, name: string, sink: OutcomeSink): void => client.lookup(type, name, sink);
  const lookup = (type: QueryType, name: string): Promise<Outcome<string[]>> => new Promise((resolve) => send(type, name, { settle: resolve }));
  const orThrow = async (type: QueryType, name: string): Promise<string[]> => {
    const outcome = await lookup(type, name);
    if ('failure' in outcome) throw new DnsError(outcome.failure, outcome.message);
    return outcome.value;
  };

  // MX only: c-ares, raced against our own timer (it stretches short timeouts on its own).
  let mxResolver: DnsPromises.Resolver | null = null;
  const resolveMx = (name: string): Promise<MxRecord[]> => {
    if (!mxResolver) {
      mxResolver = new (cares().Resolver)({ timeout: Math.min(1000, timeoutMs), tries: 3 });
      mxResolver.setServers(servers);
    }
    const resolver = mxResolver;
    return new Promise<MxRecord[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DnsError('TIMEOUT', `MX ${name}: no answer within ${timeoutMs} ms`)), timeoutMs);
      resolver.resolveMx(name).then(
        (records) => {
          clearTimeout(timer);
          resolve(records);
        },
        (err: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          const failure = describeFailure(`MX ${name}`, err);
          reject(new DnsError(failure.failure, failure.message));
        },
      );
    });
  };

  const dns: Dns = {
    servers,
    timeoutMs,
    resolve4: (name) => orThrow(TYPE_A, name),
    lookupA: (name) => lookup(TYPE_A, name),
    sendA: (name, sink) => send(TYPE_A, name, sink),
    resolve6: (name) => orThrow(TYPE_AAAA, name),
    resolveTxt: (name) => orThrow(TYPE_TXT, name),
    lookupTxt: (name) => lookup(TYPE_TXT, name),
    resolveMx,
    lookupPtr: (ip) => lookup(TYPE_PTR, arpaName(ip)),
    async reverse(ip) {
      const outcome = await dns.lookupPtr(ip);
      if ('failure' in outcome) throw new DnsError(outcome.failure, outcome.failure === 'NXDOMAIN' ? `PTR ${ip}: no such name` : outcome.message);
      return outcome.value;
    },
    async resolveAddresses(name) {
      const [v4, v6] = await Promise.allSettled([dns.resolve4(name), dns.resolve6(name)]);
      const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
      if (addresses.length > 0) return addresses;
      const failures = [v4, v6].map((r) => (r.status === 'rejected' ? (r.reason as DnsError) : null));
      // Only a real failure (not "no such name" / "no such record") is worth reporting.
      const hard = failures.find((f) => f && f.failure !== 'NXDOMAIN' && f.failure !== 'NODATA');
      if (hard) throw hard;
      return [];
    },
  };
  return dns;
}

function describeFailure(what: string, err: NodeJS.ErrnoException): { failure: DnsFailure; message: string } {
  switch (err.code) {
    case 'ENOTFOUND':
      return { failure: 'NXDOMAIN', message: `${what}: no such name` };
    case 'ENODATA':
      return { failure: 'NODATA', message: `${what}: no record of that type` };
    case 'ESERVFAIL':
      return { failure: 'SERVFAIL', message: `${what}: the server failed (SERVFAIL)` };
    case 'EREFUSED':
      return { failure: 'REFUSED', message: `${what}: the server refused the query (REFUSED)` };
    case 'ECONNREFUSED':
      return { failure: 'ERROR', message: `${what}: no DNS server answering (connection refused)` };
    case 'ETIMEOUT':
    case 'ECANCELLED':
      return { failure: 'TIMEOUT', message: `${what}: no answer in time` };
    default:
      return { failure: 'ERROR', message: `${what}: ${err.code ?? err.message}` };
  }
}
