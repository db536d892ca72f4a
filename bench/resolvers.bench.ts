/**
 * Checks behind the resolvers admins really run (issue 17): rbldnsd serving 50 lists, a
 * fresh Unbound (one thread, cold cache) or dnsmasq (defaults: 150 forwards at once) in
 * front of it, and `rblbot check` of 1 and 100 addresses as a whole process, beside a bare
 * Node script doing the same lookups over UDP with 64 in flight (bench/bare-udp-check.mjs).
 *
 * The same checks are also timed alone, inside a fresh process, beside the bare script's
 * lookups alone: the transport without the CLI's start-up.
 *
 * Goals: no lookup lost, every listing found, whole process within 1.5× of the bare script.
 * Needs the Debian packages rbldnsd, unbound and dnsmasq-base; without them the table says
 * which are missing. RBLBOT_BENCH_CLI=/other/checkout/bin/rblbot.js measures another
 * checkout (before/after): its CLI, and its compiled checker through its own copy of
 * bench/resolvers-check-child.mjs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedListings, FIXTURE_IPS, FIXTURE_ZONES, fixtureZonesFile } from '../test/support/dnsbl-fixture.js';
import { missingPrograms } from '../test/support/real-dns.js';
import { withFreshResolver, type ResolverKind } from './fresh-resolver.js';
import { median, timedProcess } from './timing.js';
import type { BenchSuite, BenchTable } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = process.env.RBLBOT_BENCH_CLI ?? join(root, 'bin', 'rblbot.js');
const bare = join(root, 'bench', 'bare-udp-check.mjs');
const checkChild = join(dirname(cli), '..', 'bench', 'resolvers-check-child.mjs');

interface Run {
  /** The whole process. */
  readonly ms: number;
  /** The lookups (or checks) alone, without start-up. */
  readonly lookupsMs: number;
  readonly lost: number;
  readonly found: number;
}

/** `rblbot check` as a user runs it (the whole process), then the same checks alone in a fresh process. */
async function rblbotRun(kind: ResolverKind, ips: readonly string[], zonesFile: string): Promise<Run> {
  const whole = await withFreshResolver(kind, {}, (resolver) =>
    timedProcess(process.execPath, [cli, 'check', '--json', '--resolver', resolver.address, '--zones', zonesFile, ...ips]),
  );
  let lost = 0;
  let found = 0;
  for (const line of whole.stdout.split('\n')) {
    if (!line.trim()) continue;
    const report = JSON.parse(line) as { summary: { listed: number; timeout: number; error: number } };
    lost += report.summary.timeout + report.summary.error;
    found += report.summary.listed;
  }
  const alone = await withFreshResolver(kind, {}, async (resolver) => {
    const { stdout } = await timedProcess(process.execPath, [checkChild, resolver.address, zonesFile, ...ips]);
    return JSON.parse(stdout) as { ms: number; lost: number; found: number };
  });
  // Lost and found: the worse of the two runs.
  return { ms: whole.ms, lookupsMs: alone.ms, lost: Math.max(lost, alone.lost), found: Math.min(found, alone.found) };
}

async function bareRun(kind: ResolverKind, ips: readonly string[]): Promise<Run> {
  return withFreshResolver(kind, {}, async (resolver) => {
    const { ms, stdout } = await timedProcess(process.execPath, [bare, resolver.address, FIXTURE_ZONES.join(','), ...ips]);
    const result = JSON.parse(stdout) as { lost: number; found: number; ms: number };
    return { ms, lookupsMs: result.ms, lost: result.lost, found: result.found };
  });
}

export const suite: BenchSuite = {
  name: 'resolvers',
  async run() {
    const title = 'Behind real resolvers: rbldnsd with 50 lists, cold cache, whole `rblbot check` process vs a bare 64-in-flight UDP script';
    // In the order of each row's cells.
    const columns = [
      'resolver',
      'IPs',
      'lost (of lookups)',
      'listings found',
      'rblbot s',
      'bare script s',
      'bare lost',
      'ratio',
      'goal',
      'rblbot checks alone s',
      'bare lookups alone s',
      'ratio alone',
    ];
    const missing = missingPrograms(['rbldnsd', 'unbound', 'dnsmasq']);
    if (missing) return [{ title, columns, rows: [], notes: [`skipped: ${missing}`] }];

    const dir = mkdtempSync(join(tmpdir(), 'rblbot-bench-resolvers-'));
    const zonesFile = join(dir, 'zones.json');
    writeFileSync(zonesFile, fixtureZonesFile(root));
    const rows: (string | number)[][] = [];
    try {
      for (const kind of ['unbound', 'dnsmasq'] as const) {
        for (const count of [1, 100]) {
          const ips = FIXTURE_IPS.slice(0, count);
          const expected = expectedListings(count).size;
          const lookups = count * (FIXTURE_ZONES.length + 1);
          const runs = count === 1 ? 7 : 5;
          const ours: Run[] = [];
          const theirs: Run[] = [];
          // Alternate which goes first, each against fresh servers (a cold cache every time).
          for (let i = 0; i < runs; i++) {
            if (i % 2 === 0) {
              theirs.push(await bareRun(kind, ips));
              ours.push(await rblbotRun(kind, ips, zonesFile));
            } else {
              ours.push(await rblbotRun(kind, ips, zonesFile));
              theirs.push(await bareRun(kind, ips));
            }
          }
          const oursMs = median(ours.map((r) => r.ms));
          const theirsMs = median(theirs.map((r) => r.ms));
          const oursAlone = median(ours.map((r) => r.lookupsMs));
          const theirsAlone = median(theirs.map((r) => r.lookupsMs));
          const lost = Math.max(...ours.map((r) => r.lost));
          const found = Math.min(...ours.map((r) => r.found));
          const ratio = oursMs / theirsMs;
          rows.push([
            kind === 'unbound' ? 'Unbound, 1 thread' : 'dnsmasq, defaults',
            count,
            `${lost} of ${lookups}`,
            `${found} of ${expected}`,
            (oursMs / 1000).toFixed(2),
            (theirsMs / 1000).toFixed(2),
            Math.max(...theirs.map((r) => r.lost)),
            ratio.toFixed(2),
            lost === 0 && found === expected && ratio <= 1.5 ? 'met' : 'MISSED',
            (oursAlone / 1000).toFixed(3),
            (theirsAlone / 1000).toFixed(3),
            (oursAlone / theirsAlone).toFixed(2),
          ]);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const table: BenchTable = {
      title,
      columns,
      rows,
      notes: [
        'each run starts rbldnsd and the resolver afresh (cold cache); times are medians of 7 (1 IP) or 5 (100 IPs) runs, alternating which goes first; lost and found are the worst run',
        'lost = lookups of a check that ended as timeout or error; the bare script does the same A, PTR and TXT lookups with dns.promises (c-ares, its default retries), 64 in flight',
        'goal: nothing lost, every listing found, ratio (rblbot / bare, whole process) ≤ 1.5',
        '"checks alone": the same work timed inside a fresh process from the first lookup to the last answer (rblbot: the compiled checker, bench/resolvers-check-child.mjs), against fresh servers again: what the transport does, without the CLI\'s start-up (issue 17 part 4)',
        `rblbot: ${cli}`,
      ],
    };
    return [table];
  },
};
