/**
 * rblbot against the checkers admins use instead (issue 17 part 3: "faster than every peer
 * where they all find every listing"), each as a whole process behind the same fresh
 * resolver (rbldnsd serving the 50 fixture lists, Unbound or dnsmasq in front, cold cache):
 *
 * - the `dnsbl` npm package (batch(): A lookups only, 64 in flight; a lookup that fails
 *   counts as "not listed", so a lost answer is a missed listing);
 * - rblcheck, Debian's C checker (one lookup at a time through the C library's resolver).
 *   It reads its resolver only from /etc/resolv.conf, which has no port: the resolver
 *   listens on 127.0.0.1:53 and rblcheck runs in a private mount namespace whose
 *   resolv.conf names it (needs root and unshare; skipped with the reason otherwise).
 *
 * rblbot does more per address (its PTR and FCrDNS, the lists' test points, TXT reasons);
 * the peers do only the A lookups.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedListings, FIXTURE_IPS, FIXTURE_ZONES, fixtureZonesFile } from '../test/support/dnsbl-fixture.js';
import { missingPrograms, type RunningServer } from '../test/support/real-dns.js';
import { withFreshResolver, type ResolverKind } from './fresh-resolver.js';
import { median, timedProcess } from './timing.js';
import type { BenchSuite, BenchTable } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = process.env.RBLBOT_BENCH_CLI ?? join(root, 'bin', 'rblbot.js');
const dnsblPeer = join(root, 'bench', 'peer-dnsbl.mjs');

interface Outcome {
  /** The whole process, start to exit. */
  readonly ms: number;
  /** From the spawn until the last of its output reached us (timing.ts): its answer, complete. */
  readonly answerMs: number;
  readonly found: number;
}

interface Tool {
  readonly name: string;
  /** Resolver port the tool needs (rblcheck: 53), else any. */
  readonly port?: number;
  run(resolver: RunningServer, ips: readonly string[]): Promise<Outcome>;
}

function rblbotTool(zonesFile: string): Tool {
  return {
    name: 'rblbot check',
    async run(resolver, ips) {
      const { ms, outputMs, stdout } = await timedProcess(process.execPath, [
        cli,
        'check',
        '--json',
        '--resolver',
        resolver.address,
        '--zones',
        zonesFile,
        ...ips,
      ]);
      const found = stdout
        .split('\n')
        .filter((line) => line.trim())
        .reduce((n, line) => n + (JSON.parse(line) as { summary: { listed: number } }).summary.listed, 0);
      return { ms, answerMs: outputMs, found };
    },
  };
}

const dnsblTool: Tool = {
  name: 'dnsbl (npm), 64 in flight',
  async run(resolver, ips) {
    const { ms, outputMs, stdout } = await timedProcess(process.execPath, [dnsblPeer, resolver.address, FIXTURE_ZONES.join(','), ...ips]);
    return { ms, answerMs: outputMs, found: (JSON.parse(stdout) as { found: number }).found };
  },
};

function rblcheckTool(resolvConf: string): Tool {
  return {
    name: 'rblcheck (Debian), one at a time',
    port: 53,
    async run(_resolver, ips) {
      const services = FIXTURE_ZONES.flatMap((zone) => ['-s', zone]);
      // -c: only the lists named here. It prints "<ip> listed by <zone>" or "<ip> not listed by <zone>".
      const script = 'mount --bind "$0" /etc/resolv.conf && exec rblcheck "$@"';
      const args = ['-m', '--propagation', 'private', 'sh', '-c', script, resolvConf, '-c', ...services, ...ips];
      // rblcheck exits with the number of listings it found.
      const { ms, outputMs, stdout } = await timedProcess('unshare', args, { ok: (code) => code !== null && code < 126 });
      return { ms, answerMs: outputMs, found: stdout.split('\n').filter((line) => /^\S+ listed by /.test(line)).length };
    },
  };
}

/** Why rblcheck cannot run here, or null. */
function rblcheckMissing(resolvConf: string): string | null {
  try {
    execFileSync('rblcheck', ['-v'], { stdio: 'ignore' });
  } catch {
    return 'rblcheck is not installed (apt-get install rblcheck)';
  }
  try {
    execFileSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf', resolvConf], { stdio: 'ignore' });
  } catch {
    return 'rblcheck needs a private mount namespace for its resolv.conf (root and unshare)';
  }
  return null;
}

/**
 * Resolver, how far away the lists are, how many IPs. 0 ms is the resolvers bench's setting
 * (rbldnsd answering on loopback at once, so even a cold cache costs next to nothing);
 * 20 ms is closer to real blocklists, which are a network away from any resolver.
 */
const SCENARIOS: readonly (readonly [ResolverKind, number, number])[] = [
  ['unbound', 0, 1],
  ['unbound', 0, 100],
  ['dnsmasq', 0, 1],
  ['dnsmasq', 0, 100],
  ['unbound', 20, 1],
  ['unbound', 20, 100],
  ['dnsmasq', 20, 1],
  ['dnsmasq', 20, 100],
];

export const suite: BenchSuite = {
  name: 'peers',
  async run() {
    const title = 'rblbot against peer checkers: whole processes behind the same fresh resolver (rbldnsd, 50 lists, cold cache)';
    const columns = ['resolver', 'lists away', 'IPs', 'tool', 'whole process s', 'answer ready s', 'listings found', 'rblbot faster?'];
    const missing = missingPrograms(['rbldnsd', 'unbound', 'dnsmasq']);
    if (missing) return [{ title, columns, rows: [], notes: [`skipped: ${missing}`] }];

    const dir = mkdtempSync(join(tmpdir(), 'rblbot-bench-peers-'));
    const zonesFile = join(dir, 'zones.json');
    const resolvConf = join(dir, 'resolv.conf');
    writeFileSync(zonesFile, fixtureZonesFile(root));
    writeFileSync(resolvConf, 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n');
    const notes: string[] = [];
    const rblcheckWhy = rblcheckMissing(resolvConf);
    if (rblcheckWhy) notes.push(`rblcheck skipped: ${rblcheckWhy}`);
    const tools = [rblbotTool(zonesFile), dnsblTool, ...(rblcheckWhy ? [] : [rblcheckTool(resolvConf)])];
    const rows: (string | number)[][] = [];
    try {
      for (const [kind, listsAwayMs, count] of SCENARIOS) {
        const ips = FIXTURE_IPS.slice(0, count);
        const expected = expectedListings(count).size;
        const runs = count === 1 ? 5 : 3;
        const outcomes = new Map<Tool, Outcome[]>(tools.map((tool) => [tool, []]));
        // Round-robin, each run against fresh servers, so load drifts hit every tool alike.
        for (let i = 0; i < runs; i++) {
          for (const tool of tools) {
            // A one-at-a-time tool with the lists 20 ms away needs 100 IPs × 50 lists × 20 ms: one run says enough.
            if (i > 0 && tool.port === 53 && listsAwayMs > 0 && count > 1) continue;
            try {
              outcomes.get(tool)!.push(await withFreshResolver(kind, { listsAwayMs, port: tool.port }, (resolver) => tool.run(resolver, ips)));
            } catch (err) {
              notes.push(`${tool.name} behind ${kind}, lists ${listsAwayMs} ms away, ${count} IPs: ${(err as Error).message}`);
            }
          }
        }
        const summary = tools.map((tool) => {
          const runsOf = outcomes.get(tool)!;
          if (runsOf.length === 0) return { tool, ms: NaN, answerMs: NaN, found: 0 };
          return {
            tool,
            ms: median(runsOf.map((o) => o.ms)),
            answerMs: median(runsOf.map((o) => o.answerMs)),
            found: Math.min(...runsOf.map((o) => o.found)),
          };
        });
        const ours = summary[0]!;
        const seconds = (ms: number) => (Number.isNaN(ms) ? '—' : (ms / 1000).toFixed(2));
        for (const { tool, ms, answerMs, found } of summary) {
          // Answer against answer: when each tool's whole output had reached us (the kinder
          // figure for a peer that holds its process open long after).
          const verdict =
            tool === ours.tool
              ? ''
              : found !== expected
                ? 'peer misses listings'
                : ours.answerMs < answerMs
                  ? `yes (${(answerMs / ours.answerMs).toFixed(2)}×)`
                  : `NO (${(ours.answerMs / answerMs).toFixed(2)}× slower)`;
          const resolverName = kind === 'unbound' ? 'Unbound, 1 thread' : 'dnsmasq, defaults';
          rows.push([resolverName, `${listsAwayMs} ms`, count, tool.name, seconds(ms), seconds(answerMs), `${found} of ${expected}`, verdict]);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    notes.unshift(
      'medians of 5 (1 IP) or 3 (100 IPs) runs (rblcheck with the lists 20 ms away and 100 IPs: 1 run), round-robin, fresh rbldnsd and resolver per run; "listings found" is the worst run',
      '"lists away": rbldnsd answers at once (0 ms) or behind a relay holding each query 20 ms (test/support/delay-relay.ts), as real lists are a network away from the resolver',
      "goal (issue 17): rblbot faster than every peer that finds every listing; rblbot also asks PTR, FCrDNS, the lists' test points and TXT reasons, the peers only A records",
      '"answer ready": from the spawn until the last of the tool\'s output reached the bench, the same for every tool; tools are compared on it. The dnsbl package prints as soon as its batch() resolves, long before its process ends (a timer it does not clear holds the process for its 5 s timeout)',
    );
    const table: BenchTable = { title, columns, rows, notes };
    return [table];
  },
};
