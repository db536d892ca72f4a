/**
 * `rblbot migrate` and `rblbot status` on real databases: a SQLite file with watches,
 * state and alert history is copied to PostgreSQL and back with nothing lost; status
 * shows what each database holds and which replicas are alive.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { openWatchStore, type DatabaseSetting } from '../../src/core/watch/open-store.js';
import type { WatchStore } from '../../src/core/watch/store.js';
import type { HistoryEvent, OutboxAlert, TargetState, Watch } from '../../src/core/watch/types.js';
import { TestDnsServer } from '../support/dns-server.js';
import { describePostgres, postgres, sqlite } from '../support/engines.js';
import { HOUR, consoleChannel, startHarness, tempDbFile } from '../support/watch-harness.js';
import { PG_MIGRATIONS } from '../../src/core/watch/pg-migrations.js';
import { SQLITE_MIGRATIONS } from '../../src/core/watch/sqlite-migrations.js';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await TestDnsServer.start();
});
afterAll(() => dns.close());

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, env: { RBLBOT_RESOLVERS: dns.address, ...env } });
  return { code, stdout: out, stderr: err };
}

/** The real entry point, as a user runs it. */
function rblbot(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, RBLBOT_RESOLVERS: dns.address, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Watches in two channels, a confirmed listing, one alert sent and one still waiting. */
async function populatedSqlite(): Promise<string> {
  const file = tempDbFile();
  dns.unlistIp('203.0.113.5', 'bl.spamcop.net');
  const h = await startHarness({ dns, database: { engine: 'sqlite', file } });
  await h.service.add(consoleChannel('C1'), '203.0.113.4/30', { createdBy: 'admin' });
  await h.service.add(consoleChannel('C2'), '198.51.100.9', { createdBy: 'admin', intervalMs: 2 * HOUR });
  dns.listIp('203.0.113.5', 'bl.spamcop.net');
  await h.advance(HOUR);
  await h.advance(HOUR);
  expect(h.notifier.delivered).toHaveLength(1);
  h.notifier.failNext = 1000;
  dns.unlistIp('203.0.113.5', 'bl.spamcop.net');
  await h.advance(HOUR);
  await h.advance(HOUR);
  await h.stop();
  return file;
}

interface Snapshot {
  watches: Watch[];
  states: [string, TargetState][];
  alerts: OutboxAlert[];
  history: HistoryEvent[];
  stats: object;
}

async function snapshot(setting: DatabaseSetting): Promise<Snapshot> {
  const store: WatchStore = await openWatchStore(setting);
  try {
    const watches = [...(await store.listWatches(consoleChannel('C1'))), ...(await store.listWatches(consoleChannel('C2')))];
    const states = await store.getTargetStates(watches.map((w) => w.target));
    return {
      watches,
      states: [...states.entries()].sort(),
      alerts: await store.allAlerts(),
      history: await store.readHistory([...new Set(watches.map((w) => w.target))], 0),
      stats: await store.stats(Date.UTC(2026, 0, 2)),
    };
  } finally {
    await store.close();
  }
}

describePostgres('rblbot migrate', () => {
  it('copies watches, state and alert history from SQLite to PostgreSQL and back, unchanged', { timeout: 90_000 }, async () => {
    const file = await populatedSqlite();
    const before = await snapshot({ engine: 'sqlite', file });
    expect(before.alerts.map((a) => a.sentAt === null)).toEqual([false, true]);
    // The listing came and went: the history holds it, and it must survive the move.
    expect(before.history.filter((e) => e.kind === 'listed').map((e) => e.zone)).toEqual(['bl.spamcop.net']);

    const url = await postgres!.createDatabase();
    const run = await rblbot(['migrate', '--from', `sqlite:${file}`, '--to', url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Copied 5 watches, 5 target states and 2 alerts (1 not yet sent)');
    const copied = await snapshot({ engine: 'postgres', url });
    expect(copied).toEqual({ ...before, stats: { ...before.stats, schemaVersion: expect.any(Number) } });

    // New rows after the copy do not collide with copied ids.
    const store = await openWatchStore({ engine: 'postgres', url });
    const added = await store.addWatches({
      channel: consoleChannel('C3'),
      watches: [{ target: '192.0.2.1', label: '192.0.2.1' }],
      intervalMs: HOUR,
      nextDue: () => 0,
      createdBy: 'U',
      now: 0,
      limits: { perChannel: 10, perWorkspace: 100 },
    });
    expect(added.ok && added.added[0]!.id).toBeGreaterThan(5);
    await store.close();

    const back = tempDbFile();
    const again = await cli(['migrate', '--from', url, '--to', `sqlite:${back}`]);
    expect(again.code).toBe(0);
    const round = await snapshot({ engine: 'sqlite', file: back });
    expect(round.watches).toEqual(before.watches);
    expect(round.states).toEqual(before.states);
    expect(round.alerts).toEqual(before.alerts);
    expect(round.history).toEqual(before.history);
  });

  it('refuses a target that already holds watches, a missing file, the same database, and a running bot', { timeout: 60_000 }, async () => {
    const file = await populatedSqlite();
    const url = await postgres!.createDatabase();
    expect((await cli(['migrate', '--from', file, '--to', url])).code).toBe(0);
    const twice = await cli(['migrate', '--from', file, '--to', url]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already holds watches or alerts; migrate into an empty database');

    const missing = await cli(['migrate', '--from', 'sqlite:/nonexistent/rblbot.db', '--to', url]);
    expect(missing.stderr).toContain('there is no database file at /nonexistent/rblbot.db');
    expect((await cli(['migrate', '--from', file, '--to', `sqlite:${file}`])).stderr).toContain('name the same database');
    expect((await cli(['migrate', '--from', file])).stderr).toContain('give both --from and --to');
    expect((await cli(['migrate', '--from', 'mysql://x/y', '--to', url])).stderr).toContain('neither a file path nor a postgres:// URL');

    const store = await openWatchStore({ engine: 'sqlite', file });
    await store.heartbeat({ id: 'box:42:abc', host: 'box', pid: 42, version: '0.1.0', startedAt: Date.now() }, Date.now());
    await store.close();
    const busy = await cli(['migrate', '--from', file, '--to', await postgres!.createDatabase()]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('a bot is running on the source database (box:42:abc)');
  });
});

describePostgres('rblbot status', () => {
  it('shows the database, its watches and the live replicas with what they hold', async () => {
    const url = await postgres!.createDatabase();
    const store = await openWatchStore({ engine: 'postgres', url });
    const now = Date.now();
    await store.addWatches({
      channel: consoleChannel(),
      watches: [{ target: '192.0.2.1', label: '192.0.2.1' }],
      intervalMs: HOUR,
      nextDue: () => now - 1000,
      createdBy: 'U',
      now,
      limits: { perChannel: 10, perWorkspace: 100 },
    });
    await store.heartbeat({ id: 'web-1:7:aaaaaa', host: 'web-1', pid: 7, version: '0.1.0', startedAt: now - 3_600_000 }, now);
    await store.heartbeat({ id: 'web-2:7:bbbbbb', host: 'web-2', pid: 7, version: '0.1.0', startedAt: now - 60_000 }, now);
    await store.heartbeat({ id: 'dead:1:cccccc', host: 'dead', pid: 1, version: '0.1.0', startedAt: now - 7_200_000 }, now - 600_000);
    await store.tryLease('discord-gateway', 'web-2:7:bbbbbb', now + 30_000, now);
    await store.close();

    const { code, stdout } = await cli(['status'], { RBLBOT_DB: url.replace('postgres@', 'postgres:secret@'), RBLBOT_ZONE_RATE: '500' });
    expect(code).toBe(0);
    expect(stdout).toContain(`(PostgreSQL, schema version ${PG_MIGRATIONS.at(-1)!.version})`);
    expect(stdout).toContain('postgres:***@');
    expect(stdout).not.toContain('secret');
    expect(stdout).toContain('Watches: 1 on 1 targets; 1 due now; 0 alerts waiting to be sent');
    expect(stdout).toContain('Replicas alive (2, heartbeat within 30s):');
    expect(stdout).toMatch(/web-1:7:aaaaaa +v0\.1\.0 +up 1h/);
    expect(stdout).toMatch(/web-2:7:bbbbbb .* holds: Discord gateway/);
    expect(stdout).not.toContain('dead:1');
    expect(stdout).toContain('500/s for the fleet, 250/s per live replica');

    const json = JSON.parse((await cli(['status', '--json'], { RBLBOT_DB: url })).stdout);
    expect(json.replicas.map((r: { id: string }) => r.id)).toEqual(['web-1:7:aaaaaa', 'web-2:7:bbbbbb']);
  });

  it('works on a SQLite file with no bot running, and fails clearly on an unreachable server', async () => {
    const file = tempDbFile();
    const none = await cli(['status'], { RBLBOT_DB: file });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain(`(SQLite, schema version ${SQLITE_MIGRATIONS.at(-1)!.version})`);
    expect(none.stdout).toContain('Replicas alive: none');
    expect(fs.existsSync(file)).toBe(true);
    void sqlite;

    const down = await cli(['status'], { RBLBOT_DB: `postgres://nobody@127.0.0.1:${postgres!.port + 1}/x` });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^rblbot: cannot open the watch database: .*ECONNREFUSED/);
  });
});
