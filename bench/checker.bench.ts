/**
 * Checker speed against the test DNS server (in its own process, several ports):
 *  1. one IP against the whole catalogue at 0/20/100 ms latency, as a ratio to a bare
 *     parallel dns.promises reference doing the same lookups (goal ≤ 1.25);
 *  2. 100 and 1,000 IPs: lookups/s, answers lost and peak RSS, beside a reference pool
 *     of 256 lookups in flight on one socket (goal: faster at every latency, none lost;
 *     100 IPs at 100 ms under 0.5 s; ≥ 5,000 lookups/s at 0 ms; < 150 MB);
 *  3. three zones silent: the check returns within timeout + 10% and marks exactly them.
 */
import { spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { createChecker } from '../src/core/check/checker.js';
import { reverseName } from '../src/core/dns/reverse.js';
import { RemoteDnsServer } from './dns-server-client.js';
import type { BenchSuite, BenchTable } from './types.js';
import { median } from './timing.js';

const LATENCIES = [0, 20, 100];

interface BulkResult {
  readonly seconds: number;
  readonly lookups: number;
  readonly lost: number;
  readonly rssMb: number;
}

/** The run with the median time; lost answers and peak RSS are the worst of all runs. */
function medianRun(runs: readonly BulkResult[]): BulkResult {
  const byTime = [...runs].sort((a, b) => a.seconds - b.seconds);
  const middle = byTime[Math.floor(byTime.length / 2)]!;
  return { ...middle, lost: Math.max(...runs.map((r) => r.lost)), rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

/** Run one bulk measurement in a fresh Node process on the compiled code. */
function measureInChild(mode: 'rblbot' | 'pool', count: number, resolvers: readonly string[]): Promise<BulkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./checker-bulk-child.mjs', import.meta.url).pathname, mode, String(count), resolvers.join(',')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as BulkResult) : reject(new Error(`bulk ${mode} run failed (${code})`))));
  });
}

export const suite: BenchSuite = {
  name: 'checker',
  async run() {
    const server = await RemoteDnsServer.start(4);
    try {
      const checker = createChecker({ resolvers: server.addresses, timeoutMs: 2000 });
      const zones = checker.catalogue.activeFor('ipv4').map((z) => z.queryZone);
      /** The same DNS work a check does (every zone + PTR), bare: one Resolver, no caps, no classification. */
      const bareNames = (ip: string) => [...zones.map((z) => `${reverseName(ip)}.${z}`), `${reverseName(ip)}.in-addr.arpa`];
      const bare = new Resolver({ timeout: 2000, tries: 1 });
      bare.setServers([server.addresses[0]!]);
      const bareLookup = (name: string) =>
        (name.endsWith('.in-addr.arpa') ? bare.resolvePtr(name) : bare.resolve4(name)).then(
          () => true,
          (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND' || e.code === 'ENODATA',
        );

      // --- 1. one IP, whole catalogue ---
      const singleRows: (string | number)[][] = [];
      const single: BenchTable = {
        title: `One IP against the catalogue (${zones.length} zones + PTR), median of repeated runs`,
        columns: ['latency', 'rblbot check (ms)', 'bare dns.promises (ms)', 'ratio', 'goal'],
        rows: singleRows,
        notes: ['ratio = rblbot / bare parallel dns.promises doing the same lookups; goal ≤ 1.25'],
      };
      for (const latency of LATENCIES) {
        await server.set({ latencyMs: latency });
        const runs = latency === 0 ? 40 : 12;
        const ours: number[] = [];
        const ref: number[] = [];
        for (let i = 0; i < runs; i++) {
          const ip = `100.64.${i}.9`.replace('100.64', '100.200');
          let t = performance.now();
          await Promise.all(bareNames(ip).map(bareLookup));
          ref.push(performance.now() - t);
          t = performance.now();
          await checker.check(ip);
          ours.push(performance.now() - t);
        }
        const o = median(ours);
        const r = median(ref);
        singleRows.push([`${latency} ms`, o.toFixed(1), r.toFixed(1), (o / r).toFixed(2), o / r <= 1.25 ? 'met' : 'MISSED']);
      }

      // --- 2. bulk ---
      const bulkRows: (string | number)[][] = [];
      const bulk: BenchTable = {
        title: 'Bulk checks: lookups per second (and answers lost) against a 256-in-flight one-socket pool',
        columns: [
          'IPs',
          'latency',
          'rblbot s',
          'rblbot lookups/s',
          'rblbot lost',
          'rblbot peak RSS MB',
          'pool s',
          'pool lookups/s',
          'pool lost',
          'goal',
        ],
        rows: bulkRows,
        notes: [
          "each figure comes from a fresh process running the compiled code (dist/, built by npm run bench), so peak RSS is that run's own; at 0 and 20 ms, the median of three runs each (lost and RSS: the worst of the three)",
          'lost = lookups that ended without an answer (timeout/error); rblbot uses its production caps (1,024 in flight, 500/s per zone)',
          'goals: faster than the pool at every latency with nothing lost; 100 IPs at 100 ms < 0.5 s; ≥ 5,000 lookups/s at 0 ms; peak RSS < 150 MB',
        ],
      };
      for (const count of [100, 1000]) {
        for (const latency of LATENCIES) {
          await server.set({ latencyMs: latency });
          // Short runs are noisy on a shared machine: take the median of three fresh
          // processes each (alternating), and one run of the long ones.
          const runs = latency === 100 ? 1 : 3;
          const pools: BulkResult[] = [];
          const ourRuns: BulkResult[] = [];
          for (let i = 0; i < runs; i++) {
            pools.push(await measureInChild('pool', count, server.addresses));
            ourRuns.push(await measureInChild('rblbot', count, server.addresses));
          }
          const pool = medianRun(pools);
          const ours = medianRun(ourRuns);
          const rate = ours.lookups / ours.seconds;
          const poolRate = pool.lookups / pool.seconds;
          const goals = [
            rate > poolRate && ours.lost === 0,
            !(count === 100 && latency === 100) || ours.seconds < 0.5,
            latency !== 0 || rate >= 5000,
            ours.rssMb < 150,
          ];
          bulkRows.push([
            count,
            `${latency} ms`,
            ours.seconds.toFixed(2),
            Math.round(rate),
            ours.lost,
            ours.rssMb,
            pool.seconds.toFixed(2),
            Math.round(poolRate),
            pool.lost,
            goals.every(Boolean) ? 'met' : 'MISSED',
          ]);
        }
      }

      // --- 3. silent zones ---
      await server.set({ latencyMs: 5 });
      const silentZones = zones.slice(0, 3);
      await server.set({ silent: silentZones });
      const timeoutMs = 1000;
      const silentChecker = createChecker({ resolvers: server.addresses, timeoutMs });
      const t = performance.now();
      const report = await silentChecker.check('100.201.0.1');
      const elapsed = performance.now() - t;
      const timedOut = report.results.filter((r) => r.status === 'timeout').map((r) => r.zone);
      const exact = timedOut.length === 3 && silentZones.every((z) => timedOut.includes(z));
      const silent: BenchTable = {
        title: 'Three zones silent',
        columns: ['timeout (ms)', 'check returned after (ms)', 'limit (timeout + 10%)', 'timeouts marked', 'goal'],
        rows: [[timeoutMs, elapsed.toFixed(0), timeoutMs * 1.1, timedOut.join(', '), elapsed <= timeoutMs * 1.1 && exact ? 'met' : 'MISSED']],
      };
      await server.set({ silent: [] });
      return [single, bulk, silent];
    } finally {
      server.stop();
    }
  },
};
