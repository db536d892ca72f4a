/**
 * The MetricsSink (src/core/metrics.ts) on prom-client, and what /metrics shows.
 *
 * The per-lookup metrics are counted in plain arrays and handed to prom-client's registry
 * as ready values at scrape time: a bulk recheck makes a quarter of a million lookups,
 * and prom-client's own counters validate and hash their labels on every increment. The
 * gauges read the store and the checker when scraped (one stats query per scrape).
 * rblbot_listed (one series per watched address × list, 200,000 of them at 10,000 watched
 * addresses) is written as text directly, rebuilt only when a listing can have changed
 * (listed.ts), and sent after the registry's output without copying the two together.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Checker } from '../../core/check/checker.js';
import type { LookupStatus } from '../../core/check/types.js';
import type { AlertOutcome, CommandOutcome, MetricsSink } from '../../core/metrics.js';
import type { WatchStore } from '../../core/watch/store.js';
import { createListedGauge } from './listed.js';
import type { StoreStats } from '../../core/watch/store.js';

const LOOKUP_STATUSES: readonly LookupStatus[] = ['listed', 'clean', 'refused', 'timeout', 'error'];
/** Seconds; a blocklist lookup takes 1–100 ms through a nearby resolver, and times out at 4 s by default. */
const LOOKUP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8];
/** Seconds; a cycle of a few targets takes well under a second, 10,000 targets about a minute. */
const CYCLE_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export interface MetricsSources {
  readonly checker?: Checker;
  readonly store?: WatchStore;
}

/** One zone's lookups: counts per status, and its duration histogram. */
interface ZoneStats {
  readonly byStatus: Float64Array;
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

export interface PrometheusMetrics {
  readonly sink: MetricsSink;
  readonly registry: Registry;
  readonly contentType: string;
  /** Where the gauges read from (set once the store and checker exist). */
  sources: MetricsSources;
  /** The whole exposition (text format 0.0.4), UTF-8, in the pieces to send one after the other. */
  parts(): Promise<Buffer[]>;
  /** The whole exposition as one buffer. */
  render(): Promise<Buffer>;
}

export function createPrometheusMetrics(sources: MetricsSources = {}): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const zones = new Map<string, ZoneStats>();
  const listed = createListedGauge(() => metrics.sources);
  // Set while a scrape runs, so its gauges and rblbot_listed share one stats query.
  let scrapeCounts: Promise<StoreStats> | undefined;
  const storeCounts = (): Promise<StoreStats | undefined> => scrapeCounts ?? metrics.sources.store?.stats(Date.now()) ?? Promise.resolve(undefined);
  const statusIndex = new Map(LOOKUP_STATUSES.map((s, i) => [s, i]));

  const alerts = new Counter({
    name: 'rblbot_alerts_total',
    help: 'Attempts to deliver a watch alert, by platform and outcome (sent, failed: retried later).',
    labelNames: ['platform', 'outcome'],
    registers: [registry],
  });
  const commands = new Counter({
    name: 'rblbot_commands_total',
    help: 'Chat commands run, by command, platform and outcome (ok, denied, invalid input, failed).',
    labelNames: ['command', 'platform', 'outcome'],
    registers: [registry],
  });
  const cycles = new Histogram({
    name: 'rblbot_watch_cycle_duration_seconds',
    help: 'Wall time of one watch recheck cycle (scheduler round or /watch check).',
    buckets: CYCLE_BUCKETS,
    registers: [registry],
  });

  const metrics: PrometheusMetrics = {
    registry,
    contentType: registry.contentType,
    sources,
    sink: {
      lookup(zone, status, seconds) {
        let z = zones.get(zone);
        if (!z) {
          z = { byStatus: new Float64Array(LOOKUP_STATUSES.length), buckets: new Float64Array(LOOKUP_BUCKETS.length), sum: 0, count: 0 };
          zones.set(zone, z);
        }
        z.byStatus[statusIndex.get(status) ?? 4]!++;
        for (let i = 0; i < LOOKUP_BUCKETS.length; i++) if (seconds <= LOOKUP_BUCKETS[i]!) z.buckets[i]!++;
        z.sum += seconds;
        z.count++;
      },
      watchCycle: (seconds) => {
        cycles.observe(seconds);
        listed.refreshSoon();
      },
      alert: (platform: string, outcome: AlertOutcome) => alerts.inc({ platform, outcome }),
      command: (command: string, platform: string, outcome: CommandOutcome) => commands.inc({ command, platform, outcome }),
    },
    async parts() {
      // The store's counts once per scrape: rblbot_watches, rblbot_outbox_pending and rblbot_listed's mark share them.
      const counts = metrics.sources.store?.stats(Date.now());
      scrapeCounts = counts;
      try {
        const [rest, listedBytes] = await Promise.all([registry.metrics(), counts ? counts.then((c) => listed.exposition(c)) : Buffer.alloc(0)]);
        return [Buffer.from(rest), listedBytes];
      } finally {
        if (scrapeCounts === counts) scrapeCounts = undefined;
      }
    },
    async render() {
      return Buffer.concat(await metrics.parts());
    },
  };

  // Values computed at scrape time: prom-client's registry formats them like its own metrics.
  registry.registerMetric(
    computed('rblbot_lookups_total', 'Blocklist lookups, by zone and outcome (listed, clean, refused, timeout, error).', 'counter', () =>
      [...zones].flatMap(([zone, z]) => LOOKUP_STATUSES.map((status, i) => ({ labels: { zone, status }, value: z.byStatus[i]! }))),
    ),
  );
  registry.registerMetric(
    computed('rblbot_lookup_duration_seconds', 'Time from sending a blocklist lookup to its outcome, by zone.', 'histogram', () =>
      [...zones].flatMap(([zone, z]): ComputedValue[] => [
        ...LOOKUP_BUCKETS.map((le, i) => ({ metricName: 'rblbot_lookup_duration_seconds_bucket', labels: { zone, le }, value: z.buckets[i]! })),
        { metricName: 'rblbot_lookup_duration_seconds_bucket', labels: { zone, le: '+Inf' }, value: z.count },
        { metricName: 'rblbot_lookup_duration_seconds_sum', labels: { zone }, value: z.sum },
        { metricName: 'rblbot_lookup_duration_seconds_count', labels: { zone }, value: z.count },
      ]),
    ),
  );
  registry.registerMetric(
    computed(
      'rblbot_zone_healthy',
      "1 when the zone's RFC 5782 test points answered as they should through the configured resolver at the last probe, else 0.",
      'gauge',
      () => [...(metrics.sources.checker?.health().values() ?? [])].map((h) => ({ labels: { zone: h.zone }, value: h.state === 'healthy' ? 1 : 0 })),
    ),
  );
  registry.registerMetric(
    computed('rblbot_watches', 'Watches (a channel watching one address or name; each address of a range counts).', 'gauge', async () => {
      const c = await storeCounts();
      return c ? [{ labels: {}, value: c.watches }] : [];
    }),
  );
  registry.registerMetric(
    computed('rblbot_outbox_pending', 'Watch alerts waiting to be delivered (new, or being retried).', 'gauge', async () => {
      const c = await storeCounts();
      return c ? [{ labels: {}, value: c.pendingAlerts }] : [];
    }),
  );
  return metrics;
}

interface ComputedValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/** A metric whose values are computed when scraped, in the shape prom-client's registry formats. */
function computed(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', values: () => ComputedValue[] | Promise<ComputedValue[]>) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    async get() {
      return { name, help, type, aggregator: 'sum', values: await values() };
    },
    reset() {},
  } as unknown as Parameters<Registry['registerMetric']>[0];
}
