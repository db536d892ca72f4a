/**
 * Operations benchmarks: drawing a listing history picture, and one /metrics scrape.
 *
 * Goals: a 90-day history of 25 lists rendered (Vega-Lite → SVG → PNG) in under 200 ms;
 * /metrics with 10,000 watched addresses in under 100 ms, its size reported. References
 * from the same run: a small 30-day, two-list picture, and reading the target states
 * alone (the scrape's share spent in the database).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchSuite, BenchTable } from './types.js';
import { createPrometheusMetrics } from '../src/app/metrics/prometheus.js';
import { createChecker } from '../src/core/check/checker.js';
import { buildTimeline } from '../src/core/watch/history.js';
import { historyChartSpec } from '../src/core/watch/history-chart.js';
import { SqliteWatchStore } from '../src/core/watch/sqlite-store.js';
import type { TargetState } from '../src/core/watch/types.js';
import { renderPicture, renderSvg } from '../src/reply/picture.js';
import { DAY, FIXTURE_TO, busyHistory, fixtureHistory } from '../test/support/history-fixture.js';
import { median } from './timing.js';

const WATCHED = 10_000;
const RUNS = 9;

/** Median wall and CPU milliseconds of `fn` over RUNS runs, after one warm-up; `before` runs untimed ahead of each. */
async function time(fn: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  await before?.();
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await before?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function historyPicture(): Promise<BenchTable> {
  const small = buildTimeline('203.0.113.5', ['203.0.113.5'], fixtureHistory(), FIXTURE_TO - 30 * DAY, FIXTURE_TO);
  const from = FIXTURE_TO - 90 * DAY;
  const busy = buildTimeline('203.0.113.5', ['203.0.113.5'], busyHistory(25, 90, FIXTURE_TO, 30), from, FIXTURE_TO);
  const flapping = buildTimeline('203.0.113.5', ['203.0.113.5'], busyHistory(25, 90), from, FIXTURE_TO);
  const rows: (string | number)[][] = [];
  let reference = 0;
  for (const [name, t] of [
    ['30 days, 2 lists (reference)', small],
    ['90 days, 25 lists, each listed ~3 times', busy],
    ['90 days, 25 lists flapping every few days', flapping],
  ] as const) {
    const spans = t.lanes.reduce((n, l) => n + l.spans.length, 0);
    const svg = await time(() => renderSvg(historyChartSpec(t)));
    const total = await time(() => renderPicture(historyChartSpec(t)));
    const picture = await renderPicture(historyChartSpec(t));
    if (reference === 0) reference = total.wall;
    rows.push([
      name,
      spans,
      svg.wall.toFixed(1),
      total.wall.toFixed(1),
      total.cpu.toFixed(1),
      `${picture.width}×${picture.height}`,
      `${(picture.png.length / 1024).toFixed(0)} KiB`,
      (total.wall / reference).toFixed(2),
    ]);
  }
  return {
    title: 'History picture (median of 9 after a warm-up)',
    columns: ['history', 'spans', 'SVG ms', 'PNG ms', 'PNG CPU ms', 'pixels', 'size', '× reference'],
    rows,
    notes: [
      'Goal: the 90-day, 25-list picture under 200 ms (PNG ms: timeline → Vega-Lite → SVG → PNG at 2×, or less for a tall picture: at most 1.25 million pixels). The flapping row is a stress case (~1,300 spans).',
      'CPU ms includes resvg’s worker thread; on a busy machine wall time exceeds it.',
    ],
  };
}

async function metricsScrape(): Promise<BenchTable> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-bench-'));
  const store = new SqliteWatchStore(path.join(dir, 'watch.db'));
  try {
    const channel = { platform: 'console' as const, workspaceId: 'W', channelId: 'C' };
    const targets = Array.from({ length: WATCHED }, (_, i) => `11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const now = Date.now();
    await store.addWatches({
      channel,
      watches: targets.map((target) => ({ target, label: target })),
      intervalMs: 3_600_000,
      nextDue: () => now + 3_600_000,
      createdBy: 'bench',
      now,
      limits: { perChannel: WATCHED, perWorkspace: WATCHED },
    });
    // One address in a hundred listed on one list, the rest confirmed clean (stored as no zones).
    const states: TargetState[] = targets.map((target, i) => ({
      target,
      baselined: true,
      lastChecked: now,
      lastError: null,
      zones:
        i % 100 === 0
          ? {
              [`bl.spamcop.net|${target}`]: {
                zone: 'bl.spamcop.net',
                name: 'SpamCop',
                listType: 'block',
                query: target,
                confirmed: 'listed',
                pending: null,
                pendingCount: 0,
              },
            }
          : {},
    }));
    await store.commitCycle({ owner: 'bench', now, claimed: [], states, alerts: [], reschedule: [], history: [] });
    const metrics = createPrometheusMetrics();
    const checker = createChecker({ resolvers: ['127.0.0.1:9'], timeoutMs: 200, metrics: metrics.sink });
    metrics.sources = { checker, store };
    for (const z of checker.catalogue.active) for (let i = 0; i < 100; i++) metrics.sink.lookup(z.zone, i % 10 ? 'clean' : 'listed', i / 1000);

    // A confirmed change (here: one more history event) moves the mark and rebuilds rblbot_listed.
    let changes = 0;
    const change = () => {
      const target = targets[changes++ % WATCHED]!;
      return store.appendHistory([
        {
          target,
          zone: 'bl.spamcop.net',
          query: target,
          name: 'SpamCop',
          listType: 'block',
          kind: 'clean',
          at: now,
          until: now,
          count: 1,
          alerted: false,
          detail: null,
          continues: false,
        },
      ]);
    };
    const read = await time(() => store.watchedStates());
    const changed = await time(() => metrics.parts(), change);
    const scrape = await time(() => metrics.parts());
    const parts = await metrics.parts();
    const text = Buffer.concat(parts).toString();
    const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    const listed = text.split('\n').filter((l) => l.startsWith('rblbot_listed{')).length;
    return {
      title: `/metrics with ${WATCHED.toLocaleString('en-US')} watched addresses (median of 9 after a warm-up)`,
      columns: ['step', 'ms', 'CPU ms', '× reference'],
      rows: [
        ['read the target states (reference)', read.wall.toFixed(1), read.cpu.toFixed(1), '1.00'],
        [
          'scrape after a listing changed (rblbot_listed rebuilt)',
          changed.wall.toFixed(1),
          changed.cpu.toFixed(1),
          (changed.wall / read.wall).toFixed(2),
        ],
        ['scrape, no listing changed since the last', scrape.wall.toFixed(1), scrape.cpu.toFixed(1), (scrape.wall / read.wall).toFixed(2)],
      ],
      notes: [
        'Goal: the whole scrape under 100 ms. Between listing changes (nearly every scrape) a scrape is the registry, one stats query and the newest history id; after a change the 200,000 rblbot_listed lines are rebuilt, and a recheck cycle of this process rebuilds them at once so its next scrape does not wait.',
        `Size: ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MiB, ${series.toLocaleString('en-US')} series, of which rblbot_listed ${listed.toLocaleString('en-US')} (every watched address × every IPv4 list but allow-lists).`,
      ],
    };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const suite: BenchSuite = {
  name: 'operations',
  async run() {
    return [await historyPicture(), await metricsScrape()];
  },
};
