/**
 * Start-up: whole processes, as a user runs them.
 *  1. `rblbot --help` (goal ≤ 100 ms where `node -e 0` takes 50: ≤ 2× `node -e 0`);
 *  2. `rblbot check <ip>` against the test DNS server answering at once and at 100 ms,
 *     beside a bare Node script doing the same lookups (every IPv4 zone's A record, the
 *     TXT reason of the listing, the PTR and its forward A record; bench/startup-bare.mjs).
 *     Goals: ≤ 1.5× the bare script at 0 ms, ≤ 1.25× at 100 ms.
 * The IP is listed on one zone (with a TXT reason) and has a PTR that resolves back, so
 * both the listing's reason and forward-confirmed reverse DNS cost what they cost.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../src/core/check/catalogue.js';
import { RemoteDnsServer } from './dns-server-client.js';
import type { BenchSuite, BenchTable } from './types.js';
import { median } from './timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/dist-bench\/$/, '');
/** RBLBOT_BENCH_CLI=/other/checkout/bin/rblbot.js measures another checkout (before/after). */
const RBLBOT = process.env.RBLBOT_BENCH_CLI ?? `${ROOT}bin/rblbot.js`;
const BARE = `${ROOT}bench/startup-bare.mjs`;
const IP = '203.0.113.5';

/** Wall time of one process from spawn to exit, in ms; it must exit 0 or 1 (listed). */
function timeProcess(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // A neutral directory (no .env) and environment: what a fresh shell gives.
    const child = spawn(process.execPath, args, { cwd: tmpdir(), env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 || code === 1 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

/**
 * Two commands run in turn, `runs` times: their median wall times, and the median of the
 * ratio within each pair (the two runs of a pair see the same load on a busy machine).
 */
async function race(commands: readonly [readonly string[], readonly string[]], runs: number): Promise<{ a: number; b: number; ratio: number }> {
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await timeProcess(commands[0]));
    b.push(await timeProcess(commands[1]));
    ratios.push(a.at(-1)! / b.at(-1)!);
  }
  return { a: median(a), b: median(b), ratio: median(ratios) };
}

export const suite: BenchSuite = {
  name: 'startup',
  async run() {
    const server = await RemoteDnsServer.start(1);
    try {
      const zones = loadCatalogue()
        .activeFor('ipv4')
        .map((z) => z.queryZone);
      const reversed = IP.split('.').reverse().join('.');
      await server.set({
        add: [
          [`${reversed}.bl.spamcop.net`, 'A', '127.0.0.2'],
          [`${reversed}.bl.spamcop.net`, 'TXT', `Blocked - see https://www.spamcop.net/bl.shtml?${IP}`],
          [`${reversed}.in-addr.arpa`, 'PTR', 'mail.example.com'],
          ['mail.example.com', 'A', IP],
        ],
      });
      const resolver = server.addresses[0]!;
      const rows: (string | number)[][] = [];

      const help = await race(
        [
          [RBLBOT, '--help'],
          ['-e', '0'],
        ],
        21,
      );
      // The 100 ms stands for 2× `node -e 0` (50 ms there); measured against it in the same run.
      rows.push([
        'rblbot --help',
        help.a.toFixed(0),
        `node -e 0: ${help.b.toFixed(0)}`,
        help.ratio.toFixed(2),
        '≤ 2× node -e 0',
        help.ratio <= 2 ? 'met' : 'MISSED',
      ]);

      for (const [latency, goal] of [
        [0, 1.5],
        [100, 1.25],
      ] as const) {
        await server.set({ latencyMs: latency });
        const check = await race(
          [
            [RBLBOT, 'check', IP, '--resolver', resolver],
            [BARE, resolver, IP, zones.join(',')],
          ],
          21,
        );
        rows.push([
          `rblbot check ${IP}, server at ${latency} ms`,
          check.a.toFixed(0),
          `bare script: ${check.b.toFixed(0)}`,
          check.ratio.toFixed(2),
          `≤ ${goal}×`,
          check.ratio <= goal ? 'met' : 'MISSED',
        ]);
      }
      const table: BenchTable = {
        title: `Start-up: whole processes, median wall time (${zones.length} IPv4 zones + PTR)`,
        columns: ['process', 'ms', 'reference (ms)', 'ratio', 'goal', ''],
        rows,
        notes: [
          'each process is spawned fresh from a neutral directory (no .env) and timed from spawn to exit, 21 times, alternating with its reference; ratio = median of the ratios within each pair (both runs of a pair see the same load)',
          `the check's IP is listed on one zone with a TXT reason and has a PTR that resolves back; the bare script (bench/startup-bare.mjs) asks the same A, TXT, PTR and forward A lookups with node:dns/promises`,
          'goals: rblbot --help ≤ 100 ms where node -e 0 takes 50, i.e. ≤ 2× node -e 0; rblbot check ≤ 1.5× the bare script at 0 ms, ≤ 1.25× at 100 ms',
          `rblbot: ${RBLBOT}`,
        ],
      };
      return [table];
    } finally {
      server.stop();
    }
  },
};
