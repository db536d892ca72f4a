import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { createDns } from '../../../src/core/dns/resolver.js';
import { LookupClient } from '../../../src/core/dns/client.js';
import { TYPE_A } from '../../../src/core/dns/wire.js';
import { INITIAL_WINDOW } from '../../../src/core/dns/congestion.js';
import type { Outcome } from '../../../src/core/dns/outcome.js';
import { TestDnsServer } from '../../support/dns-server.js';

/** Servers and sockets a test opened, closed after it. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(ports = 1): Promise<TestDnsServer> {
  const s = await TestDnsServer.start(ports, { tcp: false });
  cleanups.push(() => s.close());
  return s;
}

function failureOf(outcome: Outcome<string[]>): string | undefined {
  return 'failure' in outcome ? outcome.failure : undefined;
}

/** `count` addresses 10.0.x.y reversed under `zone`, every seventh of them listed. */
function names(s: TestDnsServer, zone: string, count: number): { name: string; listed: boolean }[] {
  return Array.from({ length: count }, (_, i) => {
    const ip = `198.51.${i >> 8}.${i & 255}`;
    const listed = i % 7 === 0;
    if (listed) s.listIp(ip, zone, ['127.0.0.2']);
    return { name: `${ip.split('.').reverse().join('.')}.${zone}`, listed };
  });
}

/** A raw UDP "resolver" on 127.0.0.1 that hands each decoded query to `onQuery`. */
async function rawUdpServer(
  onQuery: (query: dnsPacket.DecodedPacket, raw: Buffer, reply: (message: Buffer) => void, fromPort: number) => void,
): Promise<{ address: string; queries: dnsPacket.DecodedPacket[]; ports: number[] }> {
  const socket = dgram.createSocket('udp4');
  const queries: dnsPacket.DecodedPacket[] = [];
  const ports: number[] = [];
  socket.on('message', (raw, rinfo) => {
    const query = dnsPacket.decode(raw);
    queries.push(query);
    ports.push(rinfo.port);
    onQuery(query, raw, (message) => socket.send(message, rinfo.port, rinfo.address), rinfo.port);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { address: `127.0.0.1:${socket.address().port}`, queries, ports };
}

function answerTo(query: dnsPacket.DecodedPacket, options: { id?: number; name?: string; a?: string[]; rcode?: number } = {}): Buffer {
  const name = options.name ?? query.questions![0]!.name;
  return dnsPacket.encode({
    id: options.id ?? query.id,
    type: 'response',
    flags: 0x8180 | (options.rcode ?? 0),
    questions: [{ name, type: 'A', class: 'IN' }],
    answers: (options.a ?? []).map((data): dnsPacket.Answer => ({ name, type: 'A', class: 'IN', ttl: 60, data })),
  });
}

describe('a resolver that sheds load', () => {
  it('drops queries past 16 in flight: retries and the window still get every answer right', async () => {
    const s = await server();
    s.latencyMs = 15;
    s.shedBeyond = 16;
    s.recordQueries = false;
    const lookups = names(s, 'shed.example', 600);
    const dns = createDns({ servers: [s.address], timeoutMs: 10_000 });
    const outcomes = await Promise.all(lookups.map((l) => dns.lookupA(l.name)));
    // It did shed (so the answers below were recovered, not simply given)...
    expect(s.shed).toBeGreaterThan(0);
    // ...and every lookup has its own right answer, none lost.
    lookups.forEach((l, i) => {
      if (l.listed) expect(outcomes[i]).toEqual({ value: ['127.0.0.2'] });
      else expect(failureOf(outcomes[i]!)).toBe('NXDOMAIN');
    });
    // The window keeps the retries in proportion: without it, 600 lookups at once into a
    // resolver that takes 16 would be asked again and again.
    // (A loaded machine, such as the whole suite running, adds needless retries: 4, not 2.)
    expect(s.udpQueries).toBeLessThan(4 * lookups.length);
  });

  it('answers REFUSED past 16 in flight, as dnsmasq does: asked again, no lookup ends REFUSED', async () => {
    const s = await server();
    s.latencyMs = 15;
    s.shedBeyond = 16;
    s.shedWith = 'refused';
    s.recordQueries = false;
    const lookups = names(s, 'busy.example', 400);
    const dns = createDns({ servers: [s.address], timeoutMs: 10_000 });
    const outcomes = await Promise.all(lookups.map((l) => dns.lookupA(l.name)));
    expect(s.shed).toBeGreaterThan(0);
    lookups.forEach((l, i) => {
      if (l.listed) expect(outcomes[i]).toEqual({ value: ['127.0.0.2'] });
      else expect(failureOf(outcomes[i]!)).toBe('NXDOMAIN');
    });
  });

  it('halves its window when a resolver drops lookups', async () => {
    const s = await server();
    s.latencyMs = 10;
    s.shedBeyond = 8;
    s.recordQueries = false;
    const client = new LookupClient([s.address], 10_000);
    const lane = client.lanes[0]!;
    expect(lane.window.size).toBe(INITIAL_WINDOW);
    await Promise.all(names(s, 'small.example', 300).map((l) => new Promise((resolve) => client.lookup(TYPE_A, l.name, { settle: resolve }))));
    expect(s.shed).toBeGreaterThan(0);
    expect(lane.window.size).toBeLessThan(INITIAL_WINDOW);
  });
});

describe('REFUSED and unreachable resolvers', () => {
  it('takes REFUSED from a resolver that refuses everything at its word after asking once more', async () => {
    const s = await server();
    s.rule({ suffix: 'example', behaviour: 'refused' });
    const dns = createDns({ servers: [s.address], timeoutMs: 10_000 });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => dns.lookupA(`${i}.2.0.192.zen.example`)));
    expect(outcomes.map(failureOf)).toEqual(Array(20).fill('REFUSED'));
    expect(s.udpQueries).toBe(40);
  });

  it('says "connection refused" when nothing listens on the resolver port', async () => {
    const s = await server();
    const port = s.ports[0]!;
    await s.close();
    const dns = createDns({ servers: [`127.0.0.1:${port}`], timeoutMs: 10_000 });
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => dns.lookupA(`${i}.2.0.192.zen.example`)));
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ failure: 'ERROR', message: expect.stringContaining('connection refused') });
    }
  });
});

describe('a resolver that stops answering', () => {
  it('times the lookups out; while it stays silent, lookups past a few probes end at once; when it is back, they are answered', async () => {
    const s = await server();
    s.recordQueries = false;
    s.rule({ suffix: 'example', behaviour: 'silent' });
    const dns = createDns({ servers: [s.address], timeoutMs: 400 });
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) => dns.lookupA(`${i}.2.0.192.zen.example`)));
    expect(first.map(failureOf)).toEqual(Array(30).fill('TIMEOUT'));

    const before = s.udpQueries;
    const second = await Promise.all(Array.from({ length: 200 }, (_, i) => dns.lookupA(`${i}.3.0.192.zen.example`)));
    expect(second.map(failureOf)).toEqual(Array(200).fill('TIMEOUT'));
    // Only the probes went out (each asked a few times); the other lookups ended without a query.
    const probesSent = s.udpQueries - before;
    expect(probesSent).toBeGreaterThan(0);
    expect(probesSent).toBeLessThan(200);

    s.clearRules();
    s.listIp('192.0.2.4', 'zen.example');
    // The next probes are answered, and the lookups after them go out as usual.
    await dns.lookupA('1.2.0.192.zen.example');
    const third = await Promise.all(Array.from({ length: 50 }, (_, i) => dns.lookupA(`${i}.2.0.192.zen.example`)));
    expect(third[4]).toEqual({ value: ['127.0.0.2'] });
    expect(third.filter((o) => failureOf(o) === 'NXDOMAIN')).toHaveLength(49);
  });

  it('ends a bulk of lookups to a silent resolver once it is known to be down, without asking it each of them', async () => {
    const s = await server();
    s.rule({ suffix: 'example', behaviour: 'silent' });
    const dns = createDns({ servers: [s.address], timeoutMs: 300 });
    const outcomes = await Promise.all(Array.from({ length: 2000 }, (_, i) => dns.lookupA(`${i}.zen.example`)));
    expect(outcomes.map(failureOf)).toEqual(Array(2000).fill('TIMEOUT'));
    // The first window's worth were asked; the rest ended when those ran out of time.
    expect(new Set(s.queries).size).toBeLessThan(500);
  });

  it('does not take one list that never answers for a resolver that stopped answering', async () => {
    const s = await server();
    s.rule({ suffix: 'dead.example', behaviour: 'silent' });
    s.listIp('192.0.2.4', 'zen.example');
    const dns = createDns({ servers: [s.address], timeoutMs: 300 });
    // The only lookup in flight goes unanswered for its whole time...
    expect(failureOf(await dns.lookupA('4.2.0.192.dead.example'))).toBe('TIMEOUT');
    // ...and the resolver still gets every lookup that follows.
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => dns.lookupA(`${i}.2.0.192.zen.example`)));
    expect(outcomes[4]).toEqual({ value: ['127.0.0.2'] });
    expect(outcomes.filter((o) => failureOf(o) === 'NXDOMAIN')).toHaveLength(99);
  });

  it('asks the second resolver when the first answers nothing', async () => {
    const silent = await server();
    silent.rule({ suffix: 'example', behaviour: 'silent' });
    const good = await server();
    good.listIp('192.0.2.7', 'zen.example');
    const dns = createDns({ servers: [silent.address, good.address], timeoutMs: 3000 });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => dns.lookupA(`${i}.2.0.192.zen.example`)));
    expect(outcomes[7]).toEqual({ value: ['127.0.0.2'] });
    expect(outcomes.filter((o) => failureOf(o) === 'NXDOMAIN')).toHaveLength(19);
    expect(silent.queries.length).toBeGreaterThan(0);
  });
});

describe('what an answer must be to count', () => {
  it('ignores answers with another ID or another question, and takes the right one after them', async () => {
    const raw = await rawUdpServer((query, _raw, reply) => {
      reply(answerTo(query, { id: (query.id! + 1) & 0xffff, a: ['127.0.0.9'] }));
      reply(answerTo(query, { name: 'other.example', a: ['127.0.0.8'] }));
      reply(answerTo(query, { a: ['127.0.0.2'] }));
    });
    const dns = createDns({ servers: [raw.address], timeoutMs: 2000 });
    expect(await dns.lookupA('2.0.0.127.zen.example')).toEqual({ value: ['127.0.0.2'] });
  });

  it('asks again with the same ID from the same port, and takes a late answer to the first send', async () => {
    const held: (() => void)[] = [];
    const raw = await rawUdpServer((query, _raw, reply) => {
      // Hold the first query's answer until the retry has come, then answer the first one only.
      held.push(() => reply(answerTo(query, { a: ['127.0.0.2'] })));
      if (held.length === 2) held[0]!();
    });
    const dns = createDns({ servers: [raw.address], timeoutMs: 5000 });
    expect(await dns.lookupA('2.0.0.127.zen.example')).toEqual({ value: ['127.0.0.2'] });
    expect(raw.queries).toHaveLength(2);
    expect(raw.queries[1]!.id).toBe(raw.queries[0]!.id);
    expect(raw.ports[1]).toBe(raw.ports[0]);
  });

  it('gets its answer from a forwarder that forwards again only a retry from the same port under the same ID, as dnsmasq does', async () => {
    // Like dnsmasq whose forward was lost upstream: the same question from another port or
    // under another ID joins the lost forward and is never answered; only a client's own
    // retry (same port, same ID) is forwarded again, and answered.
    const seen = new Set<string>();
    const raw = await rawUdpServer((query, _raw, reply, fromPort) => {
      const key = `${fromPort}/${query.id}`;
      if (seen.has(key)) reply(answerTo(query, { a: ['127.0.0.2'] }));
      seen.add(key);
    });
    const dns = createDns({ servers: [raw.address], timeoutMs: 3000 });
    const names = Array.from({ length: 20 }, (_, i) => `${i}.0.0.127.zen.example`);
    const outcomes = await Promise.all(names.map((name) => dns.lookupA(name)));
    expect(outcomes).toEqual(names.map(() => ({ value: ['127.0.0.2'] })));
  });

  it('asks over TCP when the UDP answer is truncated', async () => {
    const s = await TestDnsServer.start(1);
    cleanups.push(() => s.close());
    s.listIp('192.0.2.9', 'big.example', ['127.0.0.2', '127.0.0.3']);
    s.rule({ suffix: 'big.example', behaviour: 'truncate' });
    const dns = createDns({ servers: [s.address], timeoutMs: 3000 });
    expect(await dns.lookupA('9.2.0.192.big.example')).toEqual({ value: ['127.0.0.2', '127.0.0.3'] });
  });
});

describe('TXT and AAAA over the same client', () => {
  it('reads TXT reasons and IPv6 addresses', async () => {
    const s = await server();
    s.listIp('192.0.2.5', 'zen.example', ['127.0.0.2'], 'Listed: see https://zen.example/lookup?ip=192.0.2.5');
    s.add('mail.example', 'AAAA', '2001:db8::25');
    s.add('mail.example', 'A', '192.0.2.25');
    const dns = createDns({ servers: [s.address], timeoutMs: 3000 });
    expect(await dns.resolveTxt('5.2.0.192.zen.example')).toEqual(['Listed: see https://zen.example/lookup?ip=192.0.2.5']);
    expect(await dns.resolve6('mail.example')).toEqual(['2001:db8::25']);
    expect((await dns.resolveAddresses('mail.example')).sort()).toEqual(['192.0.2.25', '2001:db8::25']);
  });
});
