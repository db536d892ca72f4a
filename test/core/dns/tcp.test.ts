import { spawn } from 'node:child_process';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDns } from '../../../src/core/dns/resolver.js';
import { LookupClient } from '../../../src/core/dns/client.js';
import { DnsError, type Outcome } from '../../../src/core/dns/outcome.js';
import { TYPE_A } from '../../../src/core/dns/wire.js';
import { TestDnsServer } from '../../support/dns-server.js';

/** Servers and sockets a test opened, closed after it. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Query {
  readonly raw: Buffer;
  readonly packet: dnsPacket.DecodedPacket;
  readonly id: number;
  readonly name: string;
  readonly type: string;
}

/**
 * A hand-written DNS-over-TCP server on 127.0.0.1 for misbehaviour: it splits the stream
 * into messages and hands each decoded query to `onQuery`, which answers (or not) through
 * `send`. `port` 0 picks a free port; there is then no UDP server on that port number.
 */
async function rawTcpServer(
  onQuery: (query: Query, send: (message: Buffer) => void, conn: net.Socket) => void,
  options: { port?: number; onConnection?: (conn: net.Socket) => void } = {},
): Promise<{ port: number; queries: Query[]; connections: number; reads: number }> {
  const state = { port: 0, queries: [] as Query[], connections: 0, reads: 0 };
  const open = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    state.connections++;
    open.add(conn);
    conn.on('close', () => open.delete(conn));
    conn.on('error', () => conn.destroy());
    options.onConnection?.(conn);
    if (conn.destroyed) return;
    let buffered = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      state.reads++;
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length - 2 >= buffered.readUInt16BE(0)) {
        const raw = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + raw.length);
        const packet = dnsPacket.decode(raw);
        const question = packet.questions![0]!;
        const query = { raw, packet, id: packet.id!, name: question.name, type: question.type };
        state.queries.push(query);
        onQuery(query, (message) => conn.destroyed || conn.write(frame(message)), conn);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  state.port = (server.address() as net.AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const conn of open) conn.destroy();
        server.close(() => resolve());
      }),
  );
  return state;
}

/**
 * A UDP-only TestDnsServer with a raw TCP server on the same port number, so that when
 * TCP misbehaves the lookup's UDP fallback reaches a real answer.
 */
async function udpServerWithRawTcp(
  onQuery: Parameters<typeof rawTcpServer>[0],
  options: { onConnection?: (conn: net.Socket) => void } = {},
): Promise<{ udp: TestDnsServer; tcp: Awaited<ReturnType<typeof rawTcpServer>> }> {
  for (let attempt = 0; ; attempt++) {
    const udp = await TestDnsServer.start(1, { tcp: false });
    try {
      const tcp = await rawTcpServer(onQuery, { ...options, port: udp.ports[0] });
      cleanups.push(() => udp.close());
      return { udp, tcp };
    } catch (err) {
      await udp.close();
      if (attempt >= 20) throw err;
    }
  }
}

/** A message with its two-byte TCP length prefix. */
function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length, 0);
  return Buffer.concat([prefix, message]);
}

/** The response to `query` (overridable id and question), with A records or an rcode. */
function answer(
  query: Query,
  options: { id?: number; name?: string; type?: 'A' | 'PTR'; a?: string[]; ptr?: string[]; rcode?: number } = {},
): Buffer {
  const name = options.name ?? query.name;
  const type = options.type ?? (query.type as 'A' | 'PTR');
  const answers: dnsPacket.Answer[] = [
    ...(options.a ?? []).map((data): dnsPacket.Answer => ({ name, type: 'A', class: 'IN', ttl: 60, data })),
    ...(options.ptr ?? []).map((data): dnsPacket.Answer => ({ name, type: 'PTR', class: 'IN', ttl: 60, data })),
  ];
  return dnsPacket.encode({
    id: options.id ?? query.id,
    type: 'response',
    flags: 0x8180 | (options.rcode ?? 0),
    questions: [{ name, type, class: 'IN' }],
    answers,
  });
}

function failureOf(outcome: Outcome<string[]>): string | undefined {
  return 'failure' in outcome ? outcome.failure : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Watch the timers made from now on (global setTimeout, which the DNS code uses). A
 * ref'd one neither fired nor cleared would hold a CLI run open until it fires.
 */
function watchTimers(): { holdingTheProcess(): number; stop(): void } {
  const pending = new Set<NodeJS.Timeout>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle: NodeJS.Timeout = realSet(() => {
      pending.delete(handle);
      fn(...args);
    }, ms);
    pending.add(handle);
    return handle;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((handle: NodeJS.Timeout | undefined) => {
    if (handle) pending.delete(handle);
    realClear(handle);
  }) as typeof clearTimeout;
  return {
    holdingTheProcess: () => [...pending].filter((t) => t.hasRef()).length,
    stop() {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}

/** An A lookup through `client`, as a promise. */
function lookupA(client: LookupClient, name: string): Promise<Outcome<string[]>> {
  return new Promise((resolve) => client.lookup(TYPE_A, name, { settle: resolve }));
}

/**
 * A client for `server` whose TCP connection is up: its first lookup (over UDP, as no lookup
 * waits for a connection) opened it.
 */
async function connectedClient(server: string, timeoutMs = 2000): Promise<LookupClient> {
  const client = new LookupClient([server], timeoutMs);
  await lookupA(client, 'warm-up.invalid');
  for (let waited = 0; !client.lanes[0]!.tcpConnected; waited += 5) {
    if (waited > 5000) throw new Error('the TCP connection did not come up');
    await sleep(5);
  }
  return client;
}

describe('lookups over TCP against the test DNS server', () => {
  let server: TestDnsServer;
  beforeAll(async () => {
    server = await TestDnsServer.start(2);
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('asks over UDP while the connection opens, then over TCP, all on one connection', async () => {
    // A server of its own: connections of the other tests' instances may still be open.
    const server = await TestDnsServer.start();
    cleanups.push(() => server.close());
    server.listIp('203.0.113.5', 'zen.example');
    const client = await connectedClient(server.address);
    expect(server.udpQueries).toBe(1); // the first lookup
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => lookupA(client, `${i}.113.0.203.zen.example`)));
    expect(outcomes[5]).toEqual({ value: ['127.0.0.2'] });
    expect(outcomes.filter((o) => failureOf(o) === 'NXDOMAIN')).toHaveLength(19);
    expect(client.lanes[0]!.stats.overTcp).toBe(20); // the other twenty went over TCP
    const listeners = (server as unknown as { tcpServers: net.Server[] }).tcpServers;
    const counts = await Promise.all(listeners.map((l) => new Promise<number>((resolve) => l.getConnections((_, n) => resolve(n)))));
    expect(counts[0]).toBe(1);
  });

  it('answers listed, unlisted, SERVFAIL and REFUSED names', async () => {
    server.listIp('203.0.113.5', 'zen.example', ['127.0.0.2', '127.0.0.4']);
    server.rule({ suffix: 'broken.example', behaviour: 'servfail' });
    server.rule({ suffix: 'closed.example', behaviour: 'refused' });
    const client = await connectedClient(server.address);
    const [listed, unlisted, servfail, refused] = await Promise.all([
      lookupA(client, '5.113.0.203.zen.example'),
      lookupA(client, '6.113.0.203.zen.example'),
      lookupA(client, '5.113.0.203.broken.example'),
      lookupA(client, '5.113.0.203.closed.example'),
    ]);
    expect(listed).toEqual({ value: ['127.0.0.2', '127.0.0.4'] });
    expect(failureOf(unlisted)).toBe('NXDOMAIN');
    expect(failureOf(servfail)).toBe('SERVFAIL');
    expect(failureOf(refused)).toBe('REFUSED');
  });

  it('times out a lookup the server never answers, and answers the others meanwhile', async () => {
    server.rule({ suffix: 'silent.example', behaviour: 'silent' });
    server.listIp('203.0.113.5', 'zen.example');
    const dns = createDns({ servers: [server.address], timeoutMs: 1000 });
    const [silent, answered] = await Promise.all([dns.lookupA('5.113.0.203.silent.example'), dns.lookupA('5.113.0.203.zen.example')]);
    expect(failureOf(silent)).toBe('TIMEOUT');
    expect(answered).toEqual({ value: ['127.0.0.2'] });
    expect(server.queries).toContain('5.113.0.203.silent.example');
  });

  it('times out lookups sent at different moments, each after its own budget', async () => {
    server.rule({ suffix: 'silent.example', behaviour: 'silent' });
    const dns = createDns({ servers: [server.address], timeoutMs: 1000 });
    const started = performance.now();
    const first = dns.lookupA('a.silent.example').then((o) => ({ o, at: performance.now() - started }));
    await sleep(600);
    const second = dns.lookupA('b.silent.example').then((o) => ({ o, at: performance.now() - started }));
    const [a, b] = await Promise.all([first, second]);
    expect(failureOf(a.o)).toBe('TIMEOUT');
    expect(failureOf(b.o)).toBe('TIMEOUT');
    // The second was asked 600 ms later: it may not be cut short by the first one's timer.
    expect(b.at).toBeGreaterThan(1300);
    expect(a.at).toBeLessThan(b.at);
  });

  it('answers a late-answered lookup as TIMEOUT and goes on answering on the same connection', async () => {
    server.rule({ suffix: 'slow.example', latencyMs: 1200 });
    server.add('x.slow.example', 'A', '127.0.0.9');
    server.listIp('203.0.113.5', 'zen.example');
    const client = await connectedClient(server.address, 600);
    expect(failureOf(await lookupA(client, 'x.slow.example'))).toBe('TIMEOUT');
    await sleep(900); // the late answers arrive meanwhile
    expect(await lookupA(client, '5.113.0.203.zen.example')).toEqual({ value: ['127.0.0.2'] });
  });

  it('looks up PTR records through reverse()', async () => {
    server.add('5.113.0.203.in-addr.arpa', 'PTR', 'Mail.Example.com');
    const dns = createDns({ servers: [server.address], timeoutMs: 2000 });
    expect(await dns.reverse('203.0.113.5')).toEqual(['mail.example.com']);
    const missing = await dns.reverse('203.0.113.6').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(DnsError);
    expect((missing as DnsError).failure).toBe('NXDOMAIN');
    expect(server.queries).toContain('5.113.0.203.in-addr.arpa');
  });

  it('matches answers that come back out of order', async () => {
    server.rule({ suffix: 'slow.example', latencyMs: 300 });
    server.rule({ suffix: 'fast.example', latencyMs: 0 });
    server.add('q.slow.example', 'A', '127.0.0.3');
    server.add('q.fast.example', 'A', '127.0.0.5');
    const client = await connectedClient(server.address, 3000);
    const order: string[] = [];
    const slow = lookupA(client, 'q.slow.example').then((o) => (order.push('slow'), o));
    const fast = lookupA(client, 'q.fast.example').then((o) => (order.push('fast'), o));
    expect(await Promise.all([slow, fast])).toEqual([{ value: ['127.0.0.3'] }, { value: ['127.0.0.5'] }]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('answers 2,000 concurrent lookups, listed and unlisted, each with its own answer', async () => {
    const count = 2000;
    const code = (i: number): string => `127.${(i >> 8) & 255}.${i & 255}.2`;
    for (let i = 0; i < count; i += 3) server.add(`n${i}.mixed.example`, 'A', code(i));
    server.recordQueries = false;
    try {
      const dns = createDns({ servers: server.addresses.split(','), timeoutMs: 10_000 });
      const outcomes = await Promise.all(Array.from({ length: count }, (_, i) => dns.lookupA(`n${i}.mixed.example`)));
      const wrong = outcomes.flatMap((outcome, i) => {
        const expected: Outcome<string[]> | string = i % 3 === 0 ? { value: [code(i)] } : 'NXDOMAIN';
        const ok = typeof expected === 'string' ? failureOf(outcome) === expected : JSON.stringify(outcome) === JSON.stringify(expected);
        return ok ? [] : [`n${i}: ${JSON.stringify(outcome)}`];
      });
      expect(wrong).toEqual([]);
    } finally {
      server.recordQueries = true;
    }
  });

  it('reports a name that cannot go on the wire as an error, asking nothing', async () => {
    const dns = createDns({ servers: [server.address], timeoutMs: 2000 });
    const outcome = await dns.lookupA(`${'a'.repeat(64)}.example`);
    expect(outcome).toMatchObject({ failure: 'ERROR', message: expect.stringContaining('not a name that can be looked up') });
    expect(server.queries).toEqual([]);
  });
});

describe('what goes over TCP and what does not', () => {
  it('sends a plain recursive query over TCP once connected, and nothing over TCP with tcp: false', async () => {
    const { udp, tcp } = await udpServerWithRawTcp((query, send) => send(answer(query, { a: ['127.0.0.7'] })));
    const client = await connectedClient(udp.address, 1500);
    expect(await lookupA(client, 'one.example')).toEqual({ value: ['127.0.0.7'] });
    expect(tcp.queries.map((q) => q.name)).toEqual(['one.example']);
    expect(tcp.queries[0]!.packet.flag_rd).toBe(true);
    expect(tcp.queries[0]!.type).toBe('A');

    const udpOnly = createDns({ servers: [udp.address], timeoutMs: 1500, tcp: false });
    for (let i = 0; i < 3; i++) expect(failureOf(await udpOnly.lookupA(`two${i}.example`))).toBe('NXDOMAIN');
    expect(tcp.queries.map((q) => q.name)).toEqual(['one.example']);
    expect(tcp.connections).toBe(1);
  });

  it('writes queries made together in one go, and reads answers split across reads or joined in one', async () => {
    const pending: { query: Query; send: (m: Buffer) => void }[] = [];
    const { udp, tcp } = await udpServerWithRawTcp((query, send, c) => {
      pending.push({ query, send });
      if (pending.length < 3) return;
      // Three answers as one byte stream, written in awkward pieces: one byte, the rest of
      // the first answer and half of the second, then everything else at once.
      const bytes = Buffer.concat(pending.map((p) => frame(answer(p.query, { a: [`127.0.0.${p.query.name.length}`] }))));
      c.write(bytes.subarray(0, 1));
      setTimeout(() => c.write(bytes.subarray(1, 40)), 30);
      setTimeout(() => c.write(bytes.subarray(40)), 60);
    });
    // UDP stays silent for these names: the client's UDP retries (a few ms on loopback)
    // must not answer before the slow TCP pieces do.
    udp.rule({ suffix: 'example', behaviour: 'silent' });
    const client = await connectedClient(udp.address);
    const names = ['a.example', 'bb.example', 'ccc.example'];
    const outcomes = await Promise.all(names.map((n) => lookupA(client, n)));
    expect(outcomes).toEqual(names.map((n) => ({ value: [`127.0.0.${n.length}`] })));
    expect(tcp.connections).toBe(1);
    expect(tcp.reads).toBe(1); // the three queries came in one write
  });

  it('ignores answers with an unknown ID or another question, and takes the right one after them', async () => {
    const { udp } = await udpServerWithRawTcp((query, send) => {
      send(answer(query, { id: query.id ^ 0x8000, a: ['127.0.0.66'] }));
      send(answer(query, { name: `other.${query.name}`, a: ['127.0.0.67'] }));
      send(answer(query, { name: query.name.replace('q', 'x'), a: ['127.0.0.68'] }));
      send(answer(query, { type: 'PTR', ptr: ['evil.example'] }));
      send(Buffer.from('garbage that is no DNS message'));
      send(Buffer.alloc(0));
      send(answer(query, { a: ['127.0.0.2'] }));
    });
    const client = await connectedClient(udp.address);
    expect(await lookupA(client, 'q.example')).toEqual({ value: ['127.0.0.2'] });
  });

  it('does not take an answer to one pending question for another one that has its ID', async () => {
    const held: Query[] = [];
    const { udp } = await udpServerWithRawTcp((query, send) => {
      held.push(query);
      if (held.length < 2) return;
      const [a, b] = held as [Query, Query];
      // Swapped IDs: each answer carries the other query's ID.
      send(answer(a, { id: b.id, a: ['127.0.0.99'] }));
      send(answer(b, { id: a.id, a: ['127.0.0.98'] }));
      send(answer(b, { a: ['127.0.0.11'] }));
      send(answer(a, { a: ['127.0.0.10'] }));
    });
    const client = await connectedClient(udp.address);
    expect(await Promise.all([lookupA(client, 'first.example'), lookupA(client, 'second.example')])).toEqual([
      { value: ['127.0.0.10'] },
      { value: ['127.0.0.11'] },
    ]);
  });

  it('accepts an answer whose question differs only in letter case', async () => {
    const { udp } = await udpServerWithRawTcp((query, send) => send(answer(query, { name: query.name.toUpperCase(), a: ['127.0.0.2'] })));
    const client = await connectedClient(udp.address);
    expect(await lookupA(client, 'MiXed.Example')).toEqual({ value: ['127.0.0.2'] });
  });

  it('leaves nothing holding the process open when the sink of a timed-out lookup starts the next lookup at once', async () => {
    const { udp } = await udpServerWithRawTcp((query, send) => {
      if (!query.name.startsWith('silent')) send(answer(query, { a: ['127.0.0.2'] }));
    });
    udp.rule({ suffix: 'silent.example', behaviour: 'silent' });
    udp.add('next.example', 'A', '127.0.0.2');
    const dns = createDns({ servers: [udp.address], timeoutMs: 300 });
    const timers = watchTimers();
    const outcomes: Outcome<string[]>[] = [];
    try {
      await new Promise<void>((resolve) => {
        dns.sendA('silent.example', {
          settle(first) {
            outcomes.push(first);
            // Started from inside the timer's callback, as a checker's freed slot does.
            dns.sendA('next.example', {
              settle(second) {
                outcomes.push(second);
                resolve();
              },
            });
          },
        });
      });
    } finally {
      timers.stop();
    }
    expect(outcomes.map(failureOf)).toEqual(['TIMEOUT', undefined]);
    expect(outcomes[1]).toEqual({ value: ['127.0.0.2'] });
    expect(timers.holdingTheProcess()).toBe(0);
  });
});

describe('when TCP fails or serves poorly, UDP', () => {
  it('answers from a server that does not take TCP at all', async () => {
    const udp = await TestDnsServer.start(1, { tcp: false });
    cleanups.push(() => udp.close());
    udp.listIp('203.0.113.5', 'zen.example', ['127.0.0.2']);
    udp.add('5.113.0.203.in-addr.arpa', 'PTR', 'mail.example.com');
    const dns = createDns({ servers: [udp.address], timeoutMs: 2000 });
    const [listed, unlisted, ptr] = await Promise.all([
      dns.lookupA('5.113.0.203.zen.example'),
      dns.lookupA('6.113.0.203.zen.example'),
      dns.reverse('203.0.113.5'),
    ]);
    expect(listed).toEqual({ value: ['127.0.0.2'] });
    expect(failureOf(unlisted)).toBe('NXDOMAIN');
    expect(ptr).toEqual(['mail.example.com']);
    expect(await dns.lookupA('5.113.0.203.zen.example')).toEqual({ value: ['127.0.0.2'] });
    expect(udp.queries.filter((q) => q === '5.113.0.203.zen.example')).toHaveLength(2);
  });

  it('answers when the TCP server accepts connections and drops them at once', async () => {
    const { udp, tcp } = await udpServerWithRawTcp(() => undefined, { onConnection: (conn) => conn.destroy() });
    udp.listIp('203.0.113.5', 'zen.example', ['127.0.0.4']);
    const dns = createDns({ servers: [udp.address], timeoutMs: 2000 });
    for (let i = 0; i < 3; i++) {
      const [listed, unlisted] = await Promise.all([dns.lookupA('5.113.0.203.zen.example'), dns.lookupA('6.113.0.203.zen.example')]);
      expect(listed).toEqual({ value: ['127.0.0.4'] });
      expect(failureOf(unlisted)).toBe('NXDOMAIN');
    }
    expect(tcp.connections).toBeGreaterThanOrEqual(1);
  });

  it('asks again at once the lookups in flight when the TCP server closes after reading them', async () => {
    const { udp, tcp } = await udpServerWithRawTcp((_query, _send, conn) => {
      // Read the queries, then close without answering them.
      setTimeout(() => conn.destroy(), 50);
    });
    udp.listIp('203.0.113.5', 'zen.example', ['127.0.0.2']);
    udp.listIp('203.0.113.9', 'zen.example', ['127.0.0.3']);
    // A long budget, and a first retry that would come only after 250 ms: the close must not wait for it.
    const client = await connectedClient(udp.address, 10_000);
    const udpBefore = udp.queries.length;
    const names = ['5.113.0.203.zen.example', '9.113.0.203.zen.example', '7.113.0.203.zen.example'];
    const outcomes = await Promise.all(names.map((n) => lookupA(client, n)));
    expect(outcomes[0]).toEqual({ value: ['127.0.0.2'] });
    expect(outcomes[1]).toEqual({ value: ['127.0.0.3'] });
    expect(failureOf(outcomes[2]!)).toBe('NXDOMAIN');
    // They really were in flight on TCP, and then asked over UDP.
    expect(tcp.queries.map((q) => q.name).sort()).toEqual([...names].sort());
    expect([...udp.queries.slice(udpBefore)].sort()).toEqual([...names].sort());
  });

  it('keeps the answers that came over TCP before the connection closed', async () => {
    let answered = 0;
    const { udp, tcp } = await udpServerWithRawTcp((query, send, conn) => {
      if (query.name.startsWith('tcp.')) {
        send(answer(query, { a: ['127.0.0.20'] }));
        answered++;
      } else setTimeout(() => conn.end(), 50);
    });
    udp.add('tcp.example', 'A', '127.0.0.30');
    udp.add('udp.example', 'A', '127.0.0.31');
    const client = await connectedClient(udp.address, 3000);
    const udpBefore = udp.queries.length;
    const outcomes = await Promise.all([lookupA(client, 'tcp.example'), lookupA(client, 'udp.example')]);
    expect(outcomes).toEqual([{ value: ['127.0.0.20'] }, { value: ['127.0.0.31'] }]);
    expect(answered).toBe(1);
    expect(tcp.queries.map((q) => q.name).sort()).toEqual(['tcp.example', 'udp.example']);
    expect(udp.queries.slice(udpBefore)).toEqual(['udp.example']);
  });

  it('asks over UDP a lookup TCP leaves unanswered past the retry wait, and takes the first answer', async () => {
    // TCP answers "slow" names only after 1.5 s, others at once; UDP answers everything.
    const { udp, tcp } = await udpServerWithRawTcp((query, send) => {
      const reply = (): void => void send(answer(query, { a: ['127.0.0.77'] }));
      if (query.name.startsWith('slow.')) setTimeout(reply, 1500);
      else reply();
    });
    udp.add('slow.zen.example', 'A', '127.0.0.2');
    udp.add('fast.zen.example', 'A', '127.0.0.2');
    const client = await connectedClient(udp.address, 3000);
    const udpBefore = udp.queries.length;
    const [slow, fast] = await Promise.all([lookupA(client, 'slow.zen.example'), lookupA(client, 'fast.zen.example')]);
    expect(fast).toEqual({ value: ['127.0.0.77'] }); // TCP's answer: it came first
    expect(slow).toEqual({ value: ['127.0.0.2'] }); // UDP's answer: TCP was still holding it
    expect(tcp.queries.map((q) => q.name).sort()).toEqual(['fast.zen.example', 'slow.zen.example']);
    expect(udp.queries.slice(udpBefore)).toEqual(['slow.zen.example']);
  });

  it('leaves a resolver that answers pipelined queries one at a time to UDP', async () => {
    // Like dnsmasq: each TCP query is answered only after the one before, 150 ms apart.
    let busyUntil = 0;
    const { udp, tcp } = await udpServerWithRawTcp((query, send) => {
      busyUntil = Math.max(busyUntil, Date.now()) + 150;
      setTimeout(() => void send(answer(query, { rcode: 3 })), busyUntil - Date.now());
    });
    const client = await connectedClient(udp.address, 4000);
    const names = Array.from({ length: 40 }, (_, i) => `${i}.1.0.203.zen.example`);
    const outcomes = await Promise.all(names.map((n) => lookupA(client, n)));
    // Every lookup answered (not timed out), most of them by their UDP retry.
    expect(outcomes.map(failureOf)).toEqual(names.map(() => 'NXDOMAIN'));
    // From now on this resolver gets UDP only: no new TCP query.
    const before = tcp.queries.length;
    for (let i = 0; i < 5; i++) expect(failureOf(await lookupA(client, `later${i}.zen.example`))).toBe('NXDOMAIN');
    expect(tcp.queries.length).toBe(before);
    expect(udp.queries).toContain('later4.zen.example');
  });

  it('keeps using UDP for a while after TCP to a server was refused', async () => {
    const udp = await TestDnsServer.start(1, { tcp: false });
    cleanups.push(() => udp.close());
    udp.listIp('203.0.113.5', 'zen.example', ['127.0.0.2']);
    const client = new LookupClient([udp.address], 2000);
    expect(await lookupA(client, '5.113.0.203.zen.example')).toEqual({ value: ['127.0.0.2'] });
    await sleep(50); // the refusal comes back
    // TCP comes back, answering differently; the lookups stay on UDP for now.
    const tcp = await rawTcpServer((query, send) => send(answer(query, { a: ['127.0.0.99'] })), { port: udp.ports[0] });
    for (let i = 0; i < 3; i++) expect(await lookupA(client, '5.113.0.203.zen.example')).toEqual({ value: ['127.0.0.2'] });
    expect(tcp.connections).toBe(0);
    // A new client (no memory of the refusal) does use it: the listener really works.
    const fresh = await connectedClient(udp.address);
    expect(await lookupA(fresh, '5.113.0.203.zen.example')).toEqual({ value: ['127.0.0.99'] });
  });
});

describe('connection lifetime', () => {
  it('closes a connection left idle for a few seconds, and opens a new one for later lookups', async () => {
    let closedAt = 0;
    const { udp, tcp } = await udpServerWithRawTcp((query, send) => send(answer(query, { a: ['127.0.0.2'] })), {
      onConnection: (conn) => conn.once('end', () => (closedAt = performance.now())),
    });
    const client = await connectedClient(udp.address);
    expect(await lookupA(client, 'one.example')).toEqual({ value: ['127.0.0.2'] });
    const answeredAt = performance.now();
    await sleep(1000);
    expect(closedAt).toBe(0);
    for (let waited = 0; closedAt === 0 && waited < 9000; waited += 100) await sleep(100);
    expect(closedAt).toBeGreaterThan(answeredAt + 1000);
    expect(tcp.connections).toBe(1);
    // The next lookup goes over UDP and opens a new connection for those after it.
    await lookupA(client, 'two.example');
    for (let waited = 0; !client.lanes[0]!.tcpConnected && waited < 5000; waited += 5) await sleep(5);
    expect(await lookupA(client, 'three.example')).toEqual({ value: ['127.0.0.2'] });
    expect(tcp.connections).toBe(2);
  });
});

describe('the CLI', () => {
  it('exits as soon as the check is done: sockets and connections do not hold the process open', async () => {
    const server = await TestDnsServer.start();
    cleanups.push(() => server.close());
    server.listIp('203.0.113.5', 'zen.spamhaus.org', ['127.0.0.2']);
    const run = (args: string[]): Promise<{ code: number; stdout: string; ms: number; afterOutputMs: number }> =>
      new Promise((resolve) => {
        const started = performance.now();
        let lastOutput = started;
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
        });
        let stdout = '';
        child.stdout.on('data', (d) => {
          stdout += d;
          lastOutput = performance.now();
        });
        child.on('close', (code) => {
          const now = performance.now();
          resolve({ code: code ?? -1, stdout, ms: now - started, afterOutputMs: now - lastOutput });
        });
      });
    const result = await run(['check', '203.0.113.5', '--resolver', server.address, '--timeout', '4000', '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout.trim());
    expect(report.results.find((r: { zone: string }) => r.zone === 'zen.spamhaus.org')).toMatchObject({ status: 'listed', codes: ['127.0.0.2'] });
    expect(report.summary.timeout).toBe(0);
    // From the report being written to the process ending: a connection or timer left
    // holding the event loop would keep it alive until the idle close (5 s) or the lookup
    // timeout (4 s). Start-up time (tsx) is not part of this, so the bound is generous.
    expect(result.afterOutputMs).toBeLessThan(2500);
    expect(result.ms).toBeLessThan(20_000);
    expect(server.queries).toContain('5.113.0.203.zen.spamhaus.org');
  });

  it('does not stay alive after a lookup timed out', async () => {
    // A process whose one lookup goes to a UDP server that never answers; it prints the
    // outcome, and should end right after.
    const script = [
      "import dgram from 'node:dgram';",
      "import { createDns } from './src/core/dns/resolver.ts';",
      "const silent = dgram.createSocket('udp4');",
      "await new Promise((r) => silent.bind(0, '127.0.0.1', r));",
      'silent.unref();',
      "const dns = createDns({ servers: ['127.0.0.1:' + silent.address().port], timeoutMs: 1500, tcp: false });",
      "process.stdout.write(JSON.stringify(await dns.lookupA('x.example')) + '\\n');",
    ].join('\n');
    const result = await new Promise<{ code: number | null; stdout: string; afterOutputMs: number }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      });
      let stdout = '';
      let lastOutput = performance.now();
      child.stdout.on('data', (d) => {
        stdout += d;
        lastOutput = performance.now();
      });
      child.on('close', (code) => resolve({ code, stdout, afterOutputMs: performance.now() - lastOutput }));
    });
    expect(result.code).toBe(0);
    expect(failureOf(JSON.parse(result.stdout) as Outcome<string[]>)).toBe('TIMEOUT');
    // A handle left open would hold it for the lookup budget (1.5 s) or for ever; 1 s leaves
    // room for a loaded machine's process exit.
    expect(result.afterOutputMs).toBeLessThan(1000);
  });
});
