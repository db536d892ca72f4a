/**
 * The DNS port: A/AAAA/TXT/MX/PTR lookups through the configured resolvers, each with a
 * hard timeout of our own. Node's resolver (c-ares) retries and stretches short
 * timeouts on its own, so we give it one try and race it against our timer.
 *
 * The blocklist (A) and PTR lookups of a check go over a pipelined TCP connection per
 * server (tcp.ts), with UDP as the fallback. Everything over UDP is spread over
 * several c-ares channels per server (each channel has its own UDP socket): one socket
 * drops answers once a few hundred are in flight, and bulk checks keep a thousand in flight.
 */
import { Resolver, getServers } from 'node:dns/promises';
import { TcpPipeline } from './tcp.js';
import { TYPE_A, TYPE_PTR, typeName, type HotType } from './wire.js';
import { DnsError, type DnsFailure, type Outcome, type OutcomeSink } from './outcome.js';
import { arpaName } from './reverse.js';
import { parseServer, splitServer } from './servers.js';

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
  /** c-ares channels per server (sockets). */
  readonly channelsPerServer?: number;
  /**
   * Send blocklist A and PTR lookups over a pipelined TCP connection per server (default
   * true), falling back to UDP for a server that does not take TCP.
   */
  readonly tcp?: boolean;
  /**
   * Lookups sent over UDP while no TCP connection is open (default 0: TCP from the first).
   * Opening a connection costs a round trip, as long as a whole one-IP check: the checker
   * sends that many over UDP and opens a connection only for more (a bulk check).
   */
  readonly udpBeforeTcp?: number;
}

/** One c-ares channel (its own UDP socket) and the lookups on it. */
interface Channel {
  readonly resolver: Resolver;
  inFlight: number;
  /** Lookups our timer gave up on that c-ares is still waiting for. */
  abandoned: number;
}

/** Lookups one TCP connection carries before the next server's connection is used. */
const PER_CONNECTION_IN_FLIGHT = 512;

/** Answers a socket can hold without drops (one UDP socket loses answers past ~250 in flight). */
const PER_SOCKET_IN_FLIGHT = 128;

export function createDns(options: DnsOptions = {}): Dns {
  const timeoutMs = options.timeoutMs ?? 4000;
  const servers = options.servers && options.servers.length > 0 ? options.servers.map(parseServer) : getServers();
  if (servers.length === 0) throw new Error('No DNS resolver is configured on this machine; set RBLBOT_RESOLVERS.');
  const perServer = Math.max(1, options.channelsPerServer ?? 8);
  // Ordered so that the first channel of every server comes before any second channel.
  // Opened as needed: setting up a c-ares channel costs about a millisecond, and a one-IP
  // check never fills the first one (bench/startup.bench.ts).
  const channels: Channel[] = [];
  const maxChannels = perServer * servers.length;
  const openChannel = (): Channel => {
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    resolver.setServers([servers[channels.length % servers.length]!]);
    const channel = { resolver, inFlight: 0, abandoned: 0 };
    channels.push(channel);
    return channel;
  };
  /**
   * Fill the first channel up to a safe number of queries in flight before opening the
   * next: a single check stays on one socket (one read wakes up for many answers), a bulk
   * recheck spreads over all of them before any socket's buffer overflows.
   */
  const pick = (): Channel => {
    let least = channels[0];
    for (const channel of channels) {
      if (channel.inFlight < PER_SOCKET_IN_FLIGHT) return channel;
      if (channel.inFlight < least!.inFlight) least = channel;
    }
    return channels.length < maxChannels ? openChannel() : least!;
  };

  const timedOut = (what: string): Outcome<never> => ({ failure: 'TIMEOUT', message: `${what}: no answer within ${timeoutMs} ms` });

  /**
   * One query on the least busy socket, settled by its answer or our timer, whichever is
   * first; `stop` gives up on it sooner (a hedge whose TCP answer came first).
   */
  function settle<T>(what: string, run: (r: Resolver) => Promise<T>, waitMs = timeoutMs, stop?: AbortSignal): Promise<Outcome<T>> {
    return new Promise<Outcome<T>>((resolve) => {
      const channel = pick();
      let abandoned = false;
      // Once, by the timer or by `stop`; an answer first clears both.
      const giveUp = (): void => {
        if (abandoned) return;
        abandoned = true;
        clearTimeout(timer);
        channel.abandoned++;
        resolve(timedOut(what));
        // c-ares waits longer than it is told (its own timeout runs past ours), and its
        // pending queries hold the process open: a CLI run would linger after printing.
        // When nothing on this channel is still wanted, stop them.
        if (channel.abandoned === channel.inFlight) channel.resolver.cancel();
      };
      const timer = setTimeout(giveUp, waitMs);
      stop?.addEventListener('abort', giveUp, { once: true });
      channel.inFlight++;
      const done = (): void => {
        channel.inFlight--;
        if (abandoned) channel.abandoned--;
        clearTimeout(timer);
        stop?.removeEventListener('abort', giveUp);
      };
      run(channel.resolver).then(
        (value) => {
          done();
          resolve({ value });
        },
        (err: NodeJS.ErrnoException) => {
          done();
          resolve(describeFailure(what, err));
        },
      );
    });
  }

  /** The hot-path lookups over UDP (c-ares), with the time a lookup has left. */
  const udpLookup = (type: HotType, name: string, waitMs = timeoutMs, stop?: AbortSignal): Promise<Outcome<string[]>> => {
    const what = `${typeName(type)} ${name}`;
    if (waitMs <= 0) return Promise.resolve(timedOut(what));
    return settle(what, (r) => (type === TYPE_A ? r.resolve4(name) : r.resolvePtr(name)), waitMs, stop);
  };
  const udpBeforeTcp = options.udpBeforeTcp ?? 0;
  /** UDP lookups in flight that were sent while no TCP connection was open. */
  let beforeTcp = 0;
  /** A or PTR over a pipelined TCP connection when one can take it, else UDP. */
  const send = (type: HotType, name: string, sink: OutcomeSink): void => {
    const pipeline = pickPipeline();
    if (pipeline && !pipeline.open && beforeTcp < udpBeforeTcp) {
      beforeTcp++;
      void udpLookup(type, name).then((outcome) => {
        beforeTcp--;
        sink.settle(outcome);
      });
      return;
    }
    if (!pipeline || !pipeline.lookup(type, name, sink)) void udpLookup(type, name).then((outcome) => sink.settle(outcome));
  };
  const hotLookup = (type: HotType, name: string): Promise<Outcome<string[]>> => new Promise((resolve) => send(type, name, { settle: resolve }));
  const pipelines =
    options.tcp === false
      ? []
      : servers.map((server) => {
          const { host, port } = splitServer(server);
          return new TcpPipeline(host, port, timeoutMs, udpLookup);
        });
  /** Fill one connection before using the next (one read then wakes up for many answers). */
  const pickPipeline = (): TcpPipeline | undefined => {
    let least: TcpPipeline | undefined;
    // Indexed, not for-of: this runs per lookup, and for-of allocates until the JIT warms up.
    for (let i = 0; i < pipelines.length; i++) {
      const pipeline = pipelines[i]!;
      if (!pipeline.usable()) continue;
      if (pipeline.inFlight < PER_CONNECTION_IN_FLIGHT) return pipeline;
      if (!least || pipeline.inFlight < least.inFlight) least = pipeline;
    }
    return least;
  };

  async function withTimeout<T>(what: string, run: (r: Resolver) => Promise<T>): Promise<T> {
    const outcome = await settle(what, run);
    if ('failure' in outcome) throw new DnsError(outcome.failure, outcome.message);
    return outcome.value;
  }

  const dns: Dns = {
    servers,
    timeoutMs,
    resolve4: (name) => withTimeout(`A ${name}`, (r) => r.resolve4(name)),
    lookupA: (name) => hotLookup(TYPE_A, name),
    sendA: (name, sink) => send(TYPE_A, name, sink),
    resolve6: (name) => withTimeout(`AAAA ${name}`, (r) => r.resolve6(name)),
    resolveTxt: (name) => withTimeout(`TXT ${name}`, (r) => r.resolveTxt(name)).then((records) => records.map((chunks) => chunks.join(''))),
    lookupTxt: (name) =>
      settle(`TXT ${name}`, (r) => r.resolveTxt(name)).then((outcome) =>
        'value' in outcome ? { value: outcome.value.map((chunks) => chunks.join('')) } : outcome,
      ),
    resolveMx: (name) => withTimeout(`MX ${name}`, (r) => r.resolveMx(name)),
    // PTR of the arpa name; over UDP that is c-ares' resolvePtr, not its reverse(), which
    // reports an unreachable resolver as "not found" and so turns "unknown" into "no PTR".
    lookupPtr: (ip) => hotLookup(TYPE_PTR, arpaName(ip)),
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
