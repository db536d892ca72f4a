/**
 * GET /metrics and /healthz on a real listener, fed by a real checker (a real DNS server
 * on loopback), a real SQLite store and the dispatcher: the exposition parses as the
 * Prometheus text format (and passes `promtool check metrics` where it is installed), the
 * gauge people alert on says 1 exactly for the watched address × list that is listed, and
 * /healthz lists the live replicas and turns 503 with the reason when the resolver, the
 * store or this replica's heartbeat stops working.
 */
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../commands/dispatch.js';
import { watchCommand } from '../../commands/watch.js';
import { acceptsGzip, startMetricsEndpoint, type MetricsEndpoint } from '../../src/app/metrics/endpoint.js';
import { createHealthCheck } from '../../src/app/metrics/health.js';
import { createPrometheusMetrics, type PrometheusMetrics } from '../../src/app/metrics/prometheus.js';
import { createChecker } from '../../src/core/check/checker.js';
import { ManualClock } from '../../src/core/watch/clock.js';
import { WatchService } from '../../src/core/watch/service.js';
import { SqliteWatchStore } from '../../src/core/watch/sqlite-store.js';
import { TestDnsServer } from '../support/dns-server.js';
import { PROMTOOL_MISSING, promtool } from '../support/promtool.js';
import { consoleChannel, tempDbFile } from '../support/watch-harness.js';

const LISTED = '203.0.113.5';
const CLEAN = '203.0.113.6';
let dns: TestDnsServer;
let store: SqliteWatchStore;
let metrics: PrometheusMetrics;
let endpoint: MetricsEndpoint;
let service: WatchService;
let healthNow = 0;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.listIp(LISTED, 'bl.spamcop.net');
  metrics = createPrometheusMetrics();
  const checker = createChecker({ resolvers: [dns.address], timeoutMs: 2000, metrics: metrics.sink });
  store = new SqliteWatchStore(tempDbFile());
  service = new WatchService({ store, checker, clock: new ManualClock(Date.now()), metrics: metrics.sink, random: () => 0 });
  metrics.sources = { checker, store };
  // Each health request is 20 s after the previous one, so the resolver's answer is never reused.
  const health = createHealthCheck({
    checker,
    store,
    nextDueAt: () => service.nextDueAt(),
    now: () => (healthNow += 20_000),
    fleet: { self: 'bot-1', liveWithinMs: 30_000 },
  });
  // This replica and another one beat; a third stopped beating a minute ago.
  await store.heartbeat({ id: 'bot-1', host: 'h1', pid: 1, version: '0.1.0', startedAt: Date.now() - 120_000 }, Date.now());
  await store.heartbeat({ id: 'bot-2', host: 'h2', pid: 2, version: '0.1.0', startedAt: Date.now() - 120_000 }, Date.now() - 5000);
  await store.heartbeat({ id: 'bot-3', host: 'h3', pid: 3, version: '0.1.0', startedAt: Date.now() - 120_000 }, Date.now() - 60_000);
  endpoint = await startMetricsEndpoint({ host: '127.0.0.1', port: 0 }, metrics, health);
  const services = { checker, watches: service, metrics: metrics.sink };
  const invocation = { platform: 'console' as const, workspaceId: 'W1', channelId: 'C1', user: { id: 'U1', isAdmin: true } };
  for (const text of [`add ${LISTED}`, `add ${CLEAN}`, 'list', 'frobnicate']) {
    await dispatchCommand({ commands: [watchCommand], services }, { name: 'watch', text, invocation });
  }
  await dispatchCommand({ commands: [watchCommand], services }, { name: 'nope', text: '', invocation });
  await service.checkChannel(consoleChannel('C1'));
});

afterAll(async () => {
  await endpoint?.close();
  await store?.close();
  await dns?.close();
});

async function get(path: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`http://${endpoint.address}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('/metrics', () => {
  it('is the Prometheus text format, with every metric the docs name', async () => {
    const { status, type, body } = await get('/metrics');
    expect(status).toBe(200);
    expect(type).toContain('text/plain; version=0.0.4');
    const families = new Map(parsePrometheusTextFormat(body).map((f) => [f.name, f]));
    for (const name of [
      'rblbot_listed',
      'rblbot_lookups_total',
      'rblbot_lookup_duration_seconds',
      'rblbot_zone_healthy',
      'rblbot_watches',
      'rblbot_outbox_pending',
      'rblbot_alerts_total',
      'rblbot_watch_cycle_duration_seconds',
      'rblbot_commands_total',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(families.has(name), name).toBe(true);
    expect(families.get('rblbot_lookup_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(families.get('rblbot_watches')!.metrics[0]!.value).toBe('2');
    expect(families.get('rblbot_outbox_pending')!.metrics[0]!.value).toBe('0');
    expect(Number(families.get('rblbot_watch_cycle_duration_seconds')!.metrics[0]!.count)).toBe(1);
  });

  it('is gzipped for a scraper that asks for it (Prometheus does), plain otherwise', async () => {
    const raw = (headers: Record<string, string>) =>
      new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const [host, port] = [
          endpoint.address.slice(0, endpoint.address.lastIndexOf(':')),
          endpoint.address.slice(endpoint.address.lastIndexOf(':') + 1),
        ];
        httpGet({ host, port, path: '/metrics', headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const plain = await raw({});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    const zipped = await raw({ 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    const unzipped = gunzipSync(zipped.body).toString('utf8');
    const names = (text: string) => parsePrometheusTextFormat(text).map((f) => f.name);
    expect(names(unzipped)).toEqual(names(plain.body.toString('utf8')));
    expect(unzipped).toContain('rblbot_listed{');
    // Refused by weight: plain again.
    expect((await raw({ 'accept-encoding': 'gzip;q=0, identity' })).headers['content-encoding']).toBeUndefined();
  });

  it('reads Accept-Encoding as RFC 9110 says', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('GZIP')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('br, *;q=0.1')).toBe(true);
  });

  it('has rblbot_listed 1 for the listed address × list and 0 for every other watched address × list', async () => {
    const families = parsePrometheusTextFormat((await get('/metrics')).body);
    const listed = families.find((f) => f.name === 'rblbot_listed')!.metrics;
    const ipv4Lists = service.checker.catalogue.activeFor('ipv4').filter((z) => z.listType !== 'allow').length;
    expect(listed).toHaveLength(2 * ipv4Lists);
    const ones = listed.filter((m) => m.value === '1').map((m) => m.labels);
    expect(ones).toEqual([{ target: LISTED, zone: 'bl.spamcop.net', list_type: 'block' }]);
    expect(listed.filter((m) => m.labels?.target === CLEAN).every((m) => m.value === '0')).toBe(true);
  });

  it('counts lookups per zone and outcome, and commands per outcome', async () => {
    const families = parsePrometheusTextFormat((await get('/metrics')).body);
    const lookups = families.find((f) => f.name === 'rblbot_lookups_total')!.metrics;
    const count = (zone: string, status: string) => Number(lookups.find((m) => m.labels?.zone === zone && m.labels.status === status)?.value);
    // Each address was checked twice (its /watch add, then the recheck).
    expect(count('bl.spamcop.net', 'listed')).toBe(2);
    expect(count('bl.spamcop.net', 'clean')).toBe(2);
    const commands = families.find((f) => f.name === 'rblbot_commands_total')!.metrics;
    const outcome = (command: string, o: string) => Number(commands.find((m) => m.labels?.command === command && m.labels.outcome === o)?.value ?? 0);
    expect(outcome('watch', 'ok')).toBe(3);
    expect(outcome('watch', 'invalid')).toBe(1);
    expect(outcome('unknown', 'invalid')).toBe(1);
  });

  it('serves the same rblbot_listed bytes while nothing changes, and follows a confirmed change at the next scrape', async () => {
    const listedLines = (body: string) => body.split('\n').filter((l) => l.startsWith('rblbot_listed{'));
    const ones = (body: string) => listedLines(body).filter((l) => l.endsWith(' 1'));
    const first = (await get('/metrics')).body;
    await service.checkChannel(consoleChannel('C1')); // rechecked, nothing changed
    const again = (await get('/metrics')).body;
    expect(listedLines(again)).toEqual(listedLines(first));
    expect(ones(again)).toEqual([`rblbot_listed{target="${LISTED}",zone="bl.spamcop.net",list_type="block"} 1`]);

    dns.unlistIp(LISTED, 'bl.spamcop.net').listIp(CLEAN, 'bl.spamcop.net');
    try {
      await service.checkChannel(consoleChannel('C1'));
      // Two checks in a row, at least the shortest interval apart, confirm each change.
      (service.clock as ManualClock).advance(service.minIntervalMs);
      await service.checkChannel(consoleChannel('C1'));
      const changed = (await get('/metrics')).body;
      expect(ones(changed)).toEqual([`rblbot_listed{target="${CLEAN}",zone="bl.spamcop.net",list_type="block"} 1`]);
      expect(listedLines(changed)).toHaveLength(listedLines(first).length);
    } finally {
      dns.unlistIp(CLEAN, 'bl.spamcop.net').listIp(LISTED, 'bl.spamcop.net');
    }
  });

  it.skipIf(PROMTOOL_MISSING)('passes promtool check metrics (its only remarks are on prom-client’s own nodejs_*_total gauges)', async () => {
    const { body } = await get('/metrics');
    const result = promtool(['check', 'metrics'], body);
    // Exit 3 is "lint remarks", 1 would be an exposition promtool cannot parse.
    expect([0, 3]).toContain(result.status);
    const remarks = result.output.split('\n').filter(Boolean);
    for (const remark of remarks) expect(remark).toMatch(/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/);
  });
  if (PROMTOOL_MISSING) it.todo(`promtool check metrics: ${PROMTOOL_MISSING}`);
});

describe('/healthz', () => {
  it('is 200 while store and resolver work, and 503 naming the resolver when it stops answering', async () => {
    const ok = await get('/healthz');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({
      status: 'ok',
      checks: {
        store: { ok: true },
        resolver: { ok: true },
        scheduler: { ok: true },
        replicas: { ok: true, detail: 'this replica and 1 other replica alive (heartbeat within 30 s)' },
      },
    });
    // The live replicas, as `rblbot status` shows them: the one that stopped beating is not among them.
    expect((JSON.parse(ok.body) as { replicas: { id: string; self: boolean; host: string }[] }).replicas.map((r) => [r.id, r.self, r.host])).toEqual([
      ['bot-1', true, 'h1'],
      ['bot-2', false, 'h2'],
    ]);

    dns.rule({ suffix: 'bl.spamcop.net', behaviour: 'silent' }).rule({ suffix: 'zen.spamhaus.org', behaviour: 'silent' });
    dns
      .rule({ suffix: 'spamhaus.org', behaviour: 'silent' })
      .rule({ suffix: 'org', behaviour: 'silent' })
      .rule({ suffix: 'net', behaviour: 'silent' });
    try {
      const failing = await get('/healthz');
      expect(failing.status).toBe(503);
      const report = JSON.parse(failing.body) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
      expect(report.status).toBe('failing');
      expect(report.checks.resolver!.ok).toBe(false);
      expect(report.checks.resolver!.detail).toMatch(/did not answer within 2000 ms/);
      expect(report.checks.store!.ok).toBe(true);
    } finally {
      dns.clearRules();
    }
    expect((await get('/healthz')).status).toBe(200);
  });

  it('is 503 when this replica has no heartbeat on record (after its first lease of grace)', async () => {
    const starting = createHealthCheck({ checker: service.checker, store, fleet: { self: 'bot-9', liveWithinMs: 30_000 } });
    const first = await starting();
    expect(first.checks.replicas).toEqual({ ok: true, detail: 'starting: first heartbeat not written yet; 2 other replicas alive' });
    const dead = createHealthCheck({ checker: service.checker, store, fleet: { self: 'bot-3', liveWithinMs: 50 } });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const report = await dead();
    expect(report.ok).toBe(false);
    expect(report.checks.replicas).toEqual({
      ok: false,
      detail: 'this replica (bot-3) has no heartbeat within 0 s: its work passes to the others; 0 other replicas alive',
    });
  });

  it('is 503 naming the store when the database fails', async () => {
    store.db.close();
    const res = await get('/healthz');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).checks.store.detail).toMatch(/^the store failed: /);
  });
});
