/**
 * Builds the core services once from configuration. The bot (start-bot.ts) and the CLI
 * (src/cli/run.ts) both come through here, so a command answers the same everywhere.
 */
import type { Services } from '../../commands/types.js';
import { createDiagnoser } from '../core/diagnose/index.js';
import { createRelayTester, relayDnsFrom } from '../core/relay/index.js';
import { buildChecker, type ServiceOverrides } from './checker-service.js';
import type { AppConfig } from './config.js';

export type { ServiceOverrides };

export function buildServices(config: AppConfig, overrides: ServiceOverrides = {}): Services {
  const checker = buildChecker(config, overrides);
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
  const diagnoser = createDiagnoser({ catalogue: checker.catalogue, checker });
  return { checker, relay, diagnoser, ...(overrides.metrics ? { metrics: overrides.metrics } : {}) };
}
