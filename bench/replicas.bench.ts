/**
 * Replicas on PostgreSQL (a real server started here, as in the tests):
 *
 * 1. the claim-and-record overhead per watch: 30,000 due watches claimed (SKIP LOCKED,
 *    500 at a time, the scheduler's batch) and committed (state, reschedule, leases ended) by 1, 2 and 3
 *    replicas at once, with no DNS in between; SQLite alone as the reference (goal < 1 ms);
 * 2. a real recheck cycle of 30,000 watched addresses × 4 lists by 1, 2 and 3 replica
 *    processes against a DNS server in another process;
 * 3. claiming the due watches among 1,000,000 (goal < 100 ms).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RemoteDnsServer } from './dns-server-client.js';
import type { BenchSuite, BenchTable } from './types.js';
import { loadCatalogue } from '../src/core/check/catalogue.js';
import { PgWatchStore } from '../src/core/watch/pg-store.js';
import { SqliteWatchStore } from '../src/core/watch/sqlite-store.js';
import { SHARED_BATCH } from '../src/core/watch/index.js';
import type { WatchStore } from '../src/core/watch/store.js';
import { startPostgres, type TestPostgres } from '../test/support/postgres.js';

const WATCHES = 30_000;
const AMONG = 1_000_000;
/** The scheduler's batch on a shared database (SHARED_BATCH). */
const BATCH = SHARED_BATCH;
const T0 = Date.UTC(2026, 0, 1);

/** 30,000 due, baselined watches of distinct public addresses (11.0.0.0/8, only ever asked of the local DNS server). */
async function seedPg(url: string, count: number, dueSpreadMs = 0): Promise<void> {
  const store = await PgWatchStore.open(url);
  await store.pool.query(
    `INSERT INTO watches (platform, workspace_id, channel_id, target, label, interval_ms, next_due, created_at, created_by)
     SELECT 'console', 'bench', 'C' || (g % 500), t, t, 3600000, $2::bigint + floor(random() * $3)::bigint, 0, 'bench'
     FROM generate_series(1, $1::int) g, LATERAL (SELECT '11.' || ((g >> 16) & 255) || '.' || ((g >> 8) & 255) || '.' || (g & 255) AS t) n`,
    [count, T0 - (dueSpreadMs ? 0 : 1000), dueSpreadMs],
  );
  await store.pool.query(`INSERT INTO target_state (target, baselined, zones) SELECT DISTINCT target, true, '{}' FROM watches`);
  // As autovacuum would have by then: statistics, and the visibility map that lets the due
  // query read the next_due index alone.
  await store.pool.query('VACUUM ANALYZE');
  await store.close();
}

function seedSqlite(file: string): void {
  const store = new SqliteWatchStore(file);
  const insert = store.db.prepare(
    `INSERT INTO watches (platform, workspace_id, channel_id, target, label, interval_ms, next_due, created_at, created_by)
     VALUES ('console', 'bench', ?, ?, ?, 3600000, ?, 0, 'bench')`,
  );
  const state = store.db.prepare(`INSERT INTO target_state (target, baselined, zones) VALUES (?, 1, '{}')`);
  store.db.transaction(() => {
    for (let g = 1; g <= WATCHES; g++) {
      const t = `11.${(g >> 16) & 255}.${(g >> 8) & 255}.${g & 255}`;
      insert.run(`C${g % 500}`, t, t, T0 - 1000);
      state.run(t);
    }
  })();
  store.db.close();
}

/** One replica's rounds without checks: claim, fold "nothing changed", commit. */
async function drain(store: WatchStore, owner: string, now: number): Promise<number> {
  let done = 0;
  for (;;) {
    const due = await store.claimDueWatches(BATCH, { owner, now, until: now + 60_000 });
    if (due.length === 0) return done;
    const claimed = [...new Set(due.map((w) => w.target))];
    await store.commitCycle({
      owner,
      now,
      claimed,
      states: claimed.map((target) => ({ target, baselined: true, lastChecked: now, lastError: null, zones: {} })),
      alerts: [],
      reschedule: due.map((w) => ({ id: w.id, nextDue: now + w.intervalMs })),
    });
    done += due.length;
  }
}

async function overhead(pg: TestPostgres): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-bench-')), 'watch.db');
  seedSqlite(file);
  const lite = new SqliteWatchStore(file);
  let started = performance.now();
  const liteDone = await drain(lite, 'one', T0);
  const liteMs = performance.now() - started;
  await lite.close();
  rows.push(['SQLite, 1 process (reference)', liteDone, Math.round(liteMs), (liteMs / liteDone).toFixed(3), '']);

  for (const replicas of [1, 2, 3]) {
    const url = await pg.createDatabase();
    await seedPg(url, WATCHES);
    const stores = await Promise.all(Array.from({ length: replicas }, () => PgWatchStore.open(url)));
    started = performance.now();
    const done = await Promise.all(stores.map((s, i) => drain(s, `r${i}`, T0)));
    const ms = performance.now() - started;
    await Promise.all(stores.map((s) => s.close()));
    const total = done.reduce((a, b) => a + b, 0);
    rows.push([
      `PostgreSQL, ${replicas} replica${replicas > 1 ? 's' : ''}`,
      total,
      Math.round(ms),
      (ms / total).toFixed(3),
      (ms / total / (liteMs / liteDone)).toFixed(1),
    ]);
  }
  return {
    title: `Claim-and-record overhead: ${WATCHES.toLocaleString('en-US')} due watches, claimed ${BATCH.toLocaleString('en-US')} at a time (the scheduler's batch) and committed, no DNS`,
    columns: ['store', 'watches', 'wall ms', 'ms per watch', 'vs SQLite'],
    rows,
    notes: [
      'Goal: under 1 ms per watch on PostgreSQL. Each round is one claim (CTE with FOR UPDATE SKIP LOCKED, then the due watches of the leased targets) and one commit (fence, states, leases ended, reschedule: arrays sent with unnest).',
      'Replicas here are separate connection pools in one process, all against one local server (fsync off, as in the tests): the figures are the database side of the work, which the replicas share; every watch was claimed exactly once (the watches column).',
    ],
  };
}

function replicaChild(env: Record<string, string>): { ready: Promise<void>; go(): void; done: Promise<{ targets: number; lookups: number }> } {
  const compiled = import.meta.url.endsWith('.js');
  const script = fileURLToPath(new URL(compiled ? './replica-child.js' : './replica-child.ts', import.meta.url));
  const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), script], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    ready: lines.next().then(() => undefined),
    go: () => child.stdin.write('go\n'),
    done: lines.next().then((l) => JSON.parse(String(l.value)) as { targets: number; lookups: number }),
  };
}

async function cycle(pg: TestPostgres): Promise<BenchTable> {
  const dns = await RemoteDnsServer.start(4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-bench-'));
  const zonesFile = path.join(dir, 'zones.json');
  const keep = loadCatalogue()
    .active.filter((z) => z.kinds.includes('ipv4') && z.listType === 'block')
    .slice(0, 4)
    .map((z) => z.zone);
  fs.writeFileSync(
    zonesFile,
    JSON.stringify({
      disable: loadCatalogue()
        .active.map((z) => z.zone)
        .filter((z) => !keep.includes(z)),
    }),
  );
  const rows: (string | number)[][] = [];
  let single = 0;
  try {
    for (const replicas of [1, 2, 3]) {
      const url = await pg.createDatabase();
      await seedPg(url, WATCHES);
      const env = { DB: url, DNS: dns.addresses.join(','), ZONES_FILE: zonesFile, ZONE_RATE: '1000000', REPLICAS: String(replicas) };
      const children = Array.from({ length: replicas }, () => replicaChild(env));
      await Promise.all(children.map((c) => c.ready));
      const started = performance.now();
      for (const c of children) c.go();
      const results = await Promise.all(children.map((c) => c.done));
      const ms = performance.now() - started;
      const targets = results.reduce((a, r) => a + r.targets, 0);
      const lookups = results.reduce((a, r) => a + r.lookups, 0);
      if (replicas === 1) single = ms;
      rows.push([
        replicas,
        targets,
        results.map((r) => r.targets).join(' / '),
        lookups,
        Math.round(ms),
        Math.round(lookups / (ms / 1000)),
        (single / ms).toFixed(2),
      ]);
    }
  } finally {
    dns.stop();
  }
  return {
    title: `Recheck cycle: ${WATCHES.toLocaleString('en-US')} watched addresses × ${keep.length} lists on PostgreSQL, replicas as processes (DNS in another process, 0 ms latency)`,
    columns: ['replicas', 'targets checked', 'per replica', 'lookups', 'wall ms', 'lookups/s', 'speed vs 1 replica'],
    rows,
    notes: [
      `Lists: ${keep.join(', ')}. Per-list budget raised to 1,000,000/s for the fleet, so that the machine, not the budget, sets the pace.`,
      'At the default RBLBOT_ZONE_RATE of 500/s the budget alone sets the cycle time: 30,000 lookups per list take 60 s whatever the number of replicas, since the budget is for the fleet (each replica takes its share).',
      'This machine has 2 cores shared by the DNS server process, PostgreSQL and the replicas: more replicas add no CPU, so the gain is bounded; replicas are for surviving a lost machine, and on separate machines they add their CPUs.',
    ],
  };
}

async function dueAmongMillion(pg: TestPostgres): Promise<BenchTable> {
  const url = await pg.createDatabase();
  const day = 86_400_000;
  await seedPg(url, AMONG, day);
  const store = await PgWatchStore.open(url);
  const rows: (string | number)[][] = [];
  try {
    for (const [label, fraction, batch] of [
      ['none due', 0, BATCH],
      ['0.1% due', 0.001, BATCH],
      ['1% due', 0.01, BATCH],
      ['10% due', 0.1, BATCH],
      ['1% due, 4× the batch', 0.01, 4 * BATCH],
    ] as const) {
      const now = T0 + Math.floor(day * fraction);
      const times: number[] = [];
      const selects: number[] = [];
      let found = 0;
      for (let i = 0; i < 11; i++) {
        let t = performance.now();
        await store.pool.query('SELECT target FROM watches WHERE next_due <= $1 ORDER BY next_due LIMIT $2', [now, batch]);
        selects.push(performance.now() - t);
        t = performance.now();
        found = (await store.claimDueWatches(batch, { owner: 'bench', now, until: now + 60_000 })).length;
        await store.nextDueAt(now);
        times.push(performance.now() - t);
        await store.releaseClaims('bench');
      }
      times.sort((a, b) => a - b);
      selects.sort((a, b) => a - b);
      rows.push([label, found, selects[5]!.toFixed(1), times[5]!.toFixed(1), times[10]!.toFixed(1)]);
    }
  } finally {
    await store.close();
  }
  return {
    title: `Claiming due watches among ${AMONG.toLocaleString('en-US')} on PostgreSQL (a batch of ${BATCH.toLocaleString('en-US')}, the scheduler's, then when to wake next)`,
    columns: ['case', 'due watches claimed', 'select only, median ms', 'claim + next wake, median ms', 'claim + next wake, max ms'],
    rows,
    notes: [
      'Goal: under 100 ms. "Select only" is the plain due query (index-only scan of next_due, target); the claim adds skipping leased targets, locking the target rows (FOR UPDATE SKIP LOCKED) and writing their leases, then the query for when to wake next. Leases are released between runs.',
      'With jitter spreading 1,000,000 hourly watches, about 280 fall due per second: the 0.1% and 1% rows are the usual case; 10% is a backlog after downtime.',
    ],
  };
}

export const suite: BenchSuite = {
  name: 'replicas',
  async run() {
    const pg = await startPostgres();
    if (typeof pg === 'string') {
      return [{ title: 'Replicas on PostgreSQL: skipped', columns: ['reason'], rows: [[pg]] }];
    }
    try {
      const only = process.env.BENCH_TABLES?.split(',');
      const tables: BenchTable[] = [];
      if (!only || only.includes('overhead')) tables.push(await overhead(pg));
      if (!only || only.includes('cycle')) tables.push(await cycle(pg));
      if (!only || only.includes('due')) tables.push(await dueAmongMillion(pg));
      return tables;
    } finally {
      pg.stop();
    }
  },
};

// Run alone: npx tsx bench/replicas.bench.ts
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const table of await suite.run()) {
    console.log(`\n${table.title}`);
    console.log(table.columns.join('\t'));
    for (const row of table.rows) console.log(row.join('\t'));
    for (const note of table.notes ?? []) console.log(`  ${note}`);
  }
}
