/**
 * The blocklist checker built from configuration: all that `rblbot check`, `zones` and
 * `diagnose` need, kept apart from the relay tester and the watch store so that those
 * commands load neither (bench/startup.bench.ts).
 */
import { createChecker, type Checker } from '../core/check/checker.js';
import type { AppConfig } from './config.js';
import type { MetricsSink } from '../core/metrics.js';

export interface ServiceOverrides {
  /** host[:port] list replacing RBLBOT_RESOLVERS (from --resolver). */
  readonly resolvers?: readonly string[];
  readonly timeoutMs?: number;
  /** Zone config file replacing RBLBOT_ZONES_FILE (from --zones). */
  readonly zonesFile?: string;
  /** Counts lookups and commands for /metrics (the bot, when RBLBOT_METRICS_LISTEN is set). */
  readonly metrics?: MetricsSink;
}

export function buildChecker(config: AppConfig, overrides: ServiceOverrides = {}): Checker {
  return createChecker({
    resolvers: overrides.resolvers ?? splitList(config.RBLBOT_RESOLVERS),
    timeoutMs: overrides.timeoutMs ?? config.RBLBOT_TIMEOUT_MS,
    tcp: config.RBLBOT_DNS_TCP,
    zonesFile: overrides.zonesFile ?? config.RBLBOT_ZONES_FILE,
    concurrency: config.RBLBOT_CONCURRENCY,
    zoneRate: config.RBLBOT_ZONE_RATE,
    keys: { SPAMHAUS_DQS_KEY: config.SPAMHAUS_DQS_KEY, ABUSIX_KEY: config.ABUSIX_KEY },
    perUserLimit: config.RBLBOT_RBL_PER_USER,
    metrics: overrides.metrics,
  });
}

export function splitList(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}
