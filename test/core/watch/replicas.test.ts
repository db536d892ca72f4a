/**
 * Several bot replicas as real processes (test/fixtures/replica.ts) on one PostgreSQL
 * database: they share the rechecks without checking a target twice, alert each change
 * exactly once, survive a SIGKILL in the middle of a cycle or of a delivery (leases run
 * out and another replica finishes the work), hand the Discord gateway lease over, and
 * migrate a new database once when they start at the same moment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createChecker } from '../../../src/core/check/checker.js';
import { ManualClock } from '../../../src/core/watch/clock.js';
import type { ChannelRef } from '../../../src/core/watch/notifier.js';
import { PgWatchStore } from '../../../src/core/watch/pg-store.js';
import { PG_MIGRATIONS } from '../../../src/core/watch/pg-migrations.js';
import { WatchService } from '../../../src/core/watch/service.js';
import { AlertRecorder } from '../../support/alert-recorder.js';
import { fixtureBundle } from '../../support/fixture-bundle.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { describePostgres, postgres } from '../../support/engines.js';

const HOUR = 3_600_000;
const ZONE = 'bl.spamcop.net';
/** Four channels, each watching a /28 (16 targets); two channels also share one address. */
const CHANNELS: { channel: ChannelRef; range: string }[] = [0, 16, 32, 48].map((base, i) => ({
  channel: { platform: 'slack', workspaceId: 'T1', channelId: `C${i + 1}` },
  range: `203.0.113.${base}/28`,
}));
const SHARED = '198.51.100.7';
const TARGETS = 64 + 1;
/** Listed after the baseline: three addresses in each /28, and the shared one. */
const LISTED = [...[0, 16, 32, 48].flatMap((base) => [base + 1, base + 2, base + 3].map((n) => `203.0.113.${n}`)), SHARED];

let dns: TestDnsServer;
let recorder: AlertRecorder;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dns = await TestDnsServer.start();
  recorder = await AlertRecorder.start();
});
afterAll(async () => {
  await dns?.close();
  await recorder?.close();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  recorder.accepted.length = 0;
  recorder.attempts.length = 0;
  recorder.acceptAfterMs = 0;
  dns.latencyMs = 0;
  for (const ip of LISTED) dns.unlistIp(ip, ZONE);
});

interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  waitFor(test: (e: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

const t0 = Date.now();
async function startReplica(name: string, db: string, env: Record<string, string> = {}, fixture = 'replica'): Promise<Replica> {
  if (process.env.TRACE) console.log(name, 'spawn', Date.now() - t0);
  const child = spawn(process.execPath, [await fixtureBundle(fixture)], {
    env: { ...process.env, DB: db, DNS: dns.address, RECORDER: recorder.url, NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      if (process.env.TRACE) console.log(buffer.slice(0, nl), Date.now() - t0);
      buffer = buffer.slice(nl + 1);
      for (const w of waiters.splice(0)) w();
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return {
    name,
    child,
    events,
    async waitFor(test, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.find(test);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name}: no such event; stderr: ${stderr.slice(-800)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/**
 * A database whose watches are all due now with a change pending: added two hours ago
 * (baseline clean), then seen listed once an hour ago. The next check confirms each change.
 */
async function seededDatabase(): Promise<string> {
  const url = await postgres!.createDatabase();
  const store = await PgWatchStore.open(url);
  const clock = new ManualClock(Date.now() - 2 * HOUR);
  const service = new WatchService({ store, checker: createChecker({ resolvers: [dns.address], timeoutMs: 3000 }), clock, random: () => 0 });
  for (const { channel, range } of CHANNELS) await service.add(channel, range, { createdBy: 'admin' });
  await service.add(CHANNELS[0]!.channel, SHARED, { createdBy: 'admin' });
  await service.add(CHANNELS[1]!.channel, SHARED, { createdBy: 'admin' });
  for (const ip of LISTED) dns.listIp(ip, ZONE);
  clock.advance(HOUR);
  const first = await service.runDue(1000);
  expect(first).toMatchObject({ targets: TARGETS, changes: 0 });
  expect((await store.stats(Date.now())).due).toBe(66);
  await store.close();
  return url;
}

/** Wait until every watch was rechecked and every alert delivered. */
async function settled(url: string): Promise<void> {
  const store = await PgWatchStore.open(url);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const stats = await store.stats(Date.now());
      if (stats.due === 0 && stats.pendingAlerts === 0) return;
      if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(stats)}, ${recorder.shown.length} alerts shown`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await store.close();
  }
}

/**
 * Each change reached each channel watching it exactly once (a channel's changes may come
 * in several messages, one per cycle that confirmed some), and nothing else did.
 */
function expectEachChangeOnce(): void {
  const seen = recorder.shown.flatMap((p) => [...p.text.matchAll(/^LISTED +(\S+)/gm)].map((m) => `${p.channel.channelId} ${m[1]}`));
  const expected = CHANNELS.flatMap(({ channel }, i) =>
    LISTED.filter((ip) => (ip === SHARED ? i < 2 : Number(ip.split('.')[3]) - 16 * i < 16 && Number(ip.split('.')[3]) >= 16 * i)).map(
      (ip) => `${channel.channelId} ${ip}`,
    ),
  );
  expect(seen.sort()).toEqual(expected.sort());
}

const stopAll = async (replicas: Replica[]): Promise<void> => {
  await Promise.all(
    replicas.map(async (r) => {
      if (r.child.exitCode !== null || r.child.signalCode !== null) return;
      r.child.kill('SIGTERM');
      await new Promise((resolve) => r.child.once('close', resolve));
    }),
  );
};

/** Spawning processes on a busy 2-core machine: generous bounds, none of them a speed claim. */
const SLOW = { timeout: 120_000 };

describePostgres('replicas on one PostgreSQL database', () => {
  it.each([2, 3])('%i replicas check each due target once and alert each change exactly once', SLOW, async (n) => {
    const url = await seededDatabase();
    dns.latencyMs = 30;
    // A long lease: on a busy machine a replica can stall for seconds, and a stall past the
    // lease rightly hands its targets to another replica (a second check, never a second alert).
    const replicas = await Promise.all(Array.from({ length: n }, (_, i) => startReplica(`r${i + 1}`, url, { LEASE_MS: '15000', BEAT_MS: '500' })));
    await settled(url);
    await stopAll(replicas);

    expectEachChangeOnce();
    expect(recorder.accepted).toHaveLength(recorder.shown.length);
    // Every target was checked once, by one replica (each replica lists its checks when it stops).
    const checks = replicas.flatMap((r) => (r.events.find((e) => e.stopped)?.checked as string[] | undefined) ?? []);
    expect(checks).toHaveLength(TARGETS);
    expect(new Set(checks).size).toBe(TARGETS);
    // The work was shared: the cycles of all replicas add up to every target once.
    const checked = replicas.map((r) => r.events.filter((e) => e.cycle).reduce((sum, e) => sum + (e.cycle as { targets: number }).targets, 0));
    expect(checked.reduce((a, b) => a + b, 0)).toBe(TARGETS);
    expect(checked.filter((c) => c > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('loses and duplicates nothing when a replica is killed (SIGKILL) in the middle of a cycle', SLOW, async () => {
    const url = await seededDatabase();
    dns.latencyMs = 150;
    const watcher = await PgWatchStore.open(url);
    try {
      const replicas = await Promise.all(['r1', 'r2', 'r3'].map((name) => startReplica(name, url, { LEASE_MS: '6000', BEAT_MS: '500' })));
      const victim = replicas[0]!;
      // Kill it while it holds leases on targets it is checking, before it committed anything.
      for (;;) {
        const { rows } = await watcher.pool.query<{ n: number }>('SELECT count(*) AS n FROM target_state WHERE lease_owner = $1', [victim.name]);
        if (rows[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      victim.child.kill('SIGKILL');
      expect(victim.events.some((e) => e.cycle)).toBe(false);
      const orphaned = (await watcher.pool.query<{ n: number }>('SELECT count(*) AS n FROM target_state WHERE lease_owner = $1', [victim.name]))
        .rows[0]!.n;
      expect(orphaned).toBeGreaterThan(0);

      await settled(url);
      await stopAll(replicas.slice(1));
      expectEachChangeOnce();
      expect(recorder.accepted).toHaveLength(recorder.shown.length);
      expect(recorder.accepted.every((p) => p.replica !== victim.name)).toBe(true);
      const leftover = (await watcher.pool.query<{ n: number }>('SELECT count(*) AS n FROM target_state WHERE lease_owner IS NOT NULL')).rows[0]!.n;
      expect(leftover).toBe(0);
    } finally {
      await watcher.close();
    }
  });

  it('delivers an alert once when the replica sending it is killed before the platform accepted it', SLOW, async () => {
    const url = await seededDatabase();
    recorder.acceptAfterMs = 800;
    const replicas = await Promise.all(['r1', 'r2'].map((name) => startReplica(name, url, { LEASE_MS: '6000', BEAT_MS: '500' })));
    // The first delivery attempt: kill whoever made it while the platform still holds it.
    const deadline = Date.now() + 20_000;
    while (recorder.attempts.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const first = recorder.attempts[0]!;
    const victim = replicas.find((r) => r.name === first.replica)!;
    victim.child.kill('SIGKILL');

    await settled(url);
    await stopAll(replicas);
    expectEachChangeOnce();
    // Nothing was accepted twice, and the interrupted alert was delivered by the survivor.
    expect(recorder.accepted).toHaveLength(recorder.shown.length);
    const redelivered = recorder.accepted.find((p) => p.key === first.key)!;
    expect(redelivered.replica).not.toBe(victim.name);
  });

  it('runs the Discord gateway on one replica at a time and takes it over when its holder dies', SLOW, async () => {
    const url = await postgres!.createDatabase();
    const LEASE = 4000;
    const BEAT = 250;
    const env = { LEASE_MS: String(LEASE), BEAT_MS: String(BEAT) };
    const a = await startReplica('ga', url, env, 'gateway-lease');
    await a.waitFor((e) => e.gateway === 'acquired');
    const b = await startReplica('gb', url, env, 'gateway-lease');
    await b.waitFor((e) => e.ready === true);
    await new Promise((r) => setTimeout(r, 1000));
    expect(b.events.some((e) => e.gateway)).toBe(false);

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    const took = await b.waitFor((e) => e.gateway === 'acquired', 20_000);
    // Not before the dead holder's last lease ran out (it renewed at most one period before
    // the kill), and within a lease and a renewal period of it (plus slack for a busy machine).
    expect(took.at as number).toBeGreaterThanOrEqual(killedAt - BEAT + LEASE - 50);
    expect((took.at as number) - killedAt).toBeLessThan(LEASE + BEAT + 3000);

    // A clean stop hands it over at once, not after the lease.
    const c = await startReplica('gc', url, env, 'gateway-lease');
    await c.waitFor((e) => e.ready === true);
    const stoppedAt = Date.now();
    await stopAll([b]);
    const next = await c.waitFor((e) => e.gateway === 'acquired', 20_000);
    expect((next.at as number) - stoppedAt).toBeLessThan(LEASE - 1000);
    await stopAll([c]);
  });

  it('migrates a new database once when replicas start at the same moment', SLOW, async () => {
    const url = await postgres!.createDatabase();
    const bundle = await fixtureBundle('open-store');
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(
        async () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, [bundle, url], { stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            child.stdout.on('data', (d: Buffer) => (out += d.toString()));
            child.stderr.on('data', (d: Buffer) => (out += d.toString()));
            child.on('exit', () => resolve(out));
          }),
      ),
    );
    expect(outputs).toEqual(['ok\n', 'ok\n', 'ok\n', 'ok\n']);
    const store = await PgWatchStore.open(url);
    try {
      const { rows } = await store.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    } finally {
      await store.close();
    }
  });
});
