/**
 * Builds the core services once from configuration. The bot (start-bot.ts) and the CLI
 * (src/cli.ts) both come through here, so a command answers the same everywhere.
 */
import type { Services } from '../../commands/types.js';
import { createChecker, type Checker } from '../core/check/checker.js';
import { createRelayTester, relayDnsFrom } from '../core/relay/index.js';
import { createWatchService, parseDuration, type WatchService } from '../core/watch/index.js';
import type { AppConfig } from './config.js';

export interface ServiceOverrides {
  /** host[:port] list replacing RBLBOT_RESOLVERS (from --resolver). */
  readonly resolvers?: readonly string[];
  readonly timeoutMs?: number;
  /** Zone config file replacing RBLBOT_ZONES_FILE (from --zones). */
  readonly zonesFile?: string;
}

export function buildServices(config: AppConfig, overrides: ServiceOverrides = {}): Services {
  const checker = createChecker({
    resolvers: overrides.resolvers ?? splitList(config.RBLBOT_RESOLVERS),
    timeoutMs: overrides.timeoutMs ?? config.RBLBOT_TIMEOUT_MS,
    tcp: config.RBLBOT_DNS_TCP,
    zonesFile: overrides.zonesFile ?? config.RBLBOT_ZONES_FILE,
    concurrency: config.RBLBOT_CONCURRENCY,
    zoneRate: config.RBLBOT_ZONE_RATE,
    keys: { SPAMHAUS_DQS_KEY: config.SPAMHAUS_DQS_KEY, ABUSIX_KEY: config.ABUSIX_KEY },
    perUserLimit: config.RBLBOT_RBL_PER_USER,
  });
  // The relay test shares the checker's resolvers (MX, A/AAAA, PTR lookups).
  const relay = createRelayTester({
    dns: relayDnsFrom(checker.dns),
    allowPrivate: config.RBLBOT_ALLOW_PRIVATE,
    connectTimeoutMs: config.RBLBOT_RELAY_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: config.RBLBOT_RELAY_TIMEOUT_MS,
    perUserLimit: config.RBLBOT_RELAY_PER_USER,
    heloName: config.RBLBOT_RELAY_HELO,
    externalDomain: config.RBLBOT_RELAY_EXTERNAL_DOMAIN,
  });
  return { checker, relay };
}

/** Open the watch database (creating it) and build the watch service from configuration. */
export function buildWatchService(config: AppConfig, checker: Checker): WatchService {
  return createWatchService({
    checker,
    dbPath: config.RBLBOT_DB,
    minIntervalMs: config.RBLBOT_MIN_INTERVAL ? parseDuration(config.RBLBOT_MIN_INTERVAL) : undefined,
    limits: { perChannel: config.RBLBOT_WATCH_MAX_PER_CHANNEL, perWorkspace: config.RBLBOT_WATCH_MAX_PER_WORKSPACE },
  });
}

export function splitList(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}
