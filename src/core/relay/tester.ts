/**
 * The relay-test service: target → addresses → one probe per address → one report.
 * Commands and the CLI only see the RelayTester interface.
 */
import pLimit from 'p-limit';
import { SlidingWindowLimiter, type RateDecision } from '../user-limit.js';
import { createRelayDns } from './dns.js';
import type { RelayDns } from './dns.js';
import { probeHost } from './probe.js';
import { planTarget } from './relay-target.js';
import type { HostReport, RelayReport, Verdict } from './types.js';

export interface RelayTestOptions {
  /** Override the configured SMTP timeouts for this test (CLI --timeout). */
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
}

export interface RelayTester {
  /** Test a target. Throws RelayTargetError for input that cannot be tested. */
  test(input: string, options?: RelayTestOptions): Promise<RelayReport>;
  /** Whether private/loopback targets are allowed (for help texts). */
  readonly allowPrivate: boolean;
  /**
   * Count one chat-started test for `userKey` against the per-user limit (tests per
   * window). Chat commands call it; the CLI does not.
   */
  takeUserTest(userKey: string): RateDecision;
  /** Return a use taken by takeUserTest when the target turned out untestable. */
  refundUserTest(userKey: string): void;
}

export interface RelayTesterOptions {
  readonly dns: RelayDns;
  readonly allowPrivate?: boolean;
  /** Port used when the target names none (25). Tests point MX targets at a loopback port. */
  readonly defaultPort?: number;
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  readonly hostBudgetMs?: number;
  /** Connections per server (reconnects after the server hangs up). */
  readonly maxConnectionsPerHost?: number;
  /** Addresses tested per target. */
  readonly maxHosts?: number;
  readonly maxMx?: number;
  /** Servers probed at once across all tests in this process. */
  readonly concurrency?: number;
  readonly heloName?: string;
  readonly externalDomain?: string;
  /** Chat tests per user per window (default 3 per 10 minutes). */
  readonly perUserLimit?: number;
  readonly perUserWindowMs?: number;
  /** Clock for the rate limit (tests). */
  readonly now?: () => number;
}

export const RELAY_DEFAULTS = {
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 20_000,
  hostBudgetMs: 120_000,
  maxConnectionsPerHost: 3,
  maxHosts: 6,
  maxMx: 4,
  concurrency: 4,
  externalDomain: 'example.com',
  perUserLimit: 3,
  perUserWindowMs: 10 * 60_000,
} as const;

export function createRelayTester(options: RelayTesterOptions): RelayTester {
  const limit = pLimit(options.concurrency ?? RELAY_DEFAULTS.concurrency);
  const allowPrivate = options.allowPrivate ?? false;
  const limiter = new SlidingWindowLimiter(
    options.perUserLimit ?? RELAY_DEFAULTS.perUserLimit,
    options.perUserWindowMs ?? RELAY_DEFAULTS.perUserWindowMs,
    options.now,
  );
  return {
    allowPrivate,
    takeUserTest: (userKey) => limiter.take(userKey),
    refundUserTest: (userKey) => limiter.refund(userKey),
    async test(input, testOptions = {}) {
      const started = Date.now();
      const plan = await planTarget(input, {
        dns: options.dns,
        defaultPort: options.defaultPort ?? 25,
        allowPrivate,
        maxHosts: options.maxHosts ?? RELAY_DEFAULTS.maxHosts,
        maxMx: options.maxMx ?? RELAY_DEFAULTS.maxMx,
      });
      const probeOptions = {
        dns: options.dns,
        connectTimeoutMs: testOptions.connectTimeoutMs ?? options.connectTimeoutMs ?? RELAY_DEFAULTS.connectTimeoutMs,
        commandTimeoutMs: testOptions.commandTimeoutMs ?? options.commandTimeoutMs ?? RELAY_DEFAULTS.commandTimeoutMs,
        hostBudgetMs: options.hostBudgetMs ?? RELAY_DEFAULTS.hostBudgetMs,
        maxConnections: options.maxConnectionsPerHost ?? RELAY_DEFAULTS.maxConnectionsPerHost,
        heloName: options.heloName,
        externalDomain: options.externalDomain ?? RELAY_DEFAULTS.externalDomain,
      };
      const hosts = await Promise.all(
        plan.hosts.map((h): Promise<HostReport> => {
          const skipped = h.refused ?? h.unresolved;
          if (skipped !== undefined) {
            return Promise.resolve({
              host: h.host,
              ip: h.ip,
              port: h.port,
              preference: h.preference,
              verdict: 'inconclusive',
              reason: skipped,
              tls: null,
              attempts: [],
              failure: 'not-tested',
              transcript: [],
            });
          }
          return limit(() => probeHost(h, plan.ownDomain, probeOptions));
        }),
      );
      const notes = [...plan.notes];
      const tried = hosts.filter((h) => h.failure !== 'not-tested');
      if (tried.length > 0 && tried.every((h) => h.failure === 'connect-timeout') && tried.some((h) => h.port === 25)) {
        notes.push(
          'Every connection to port 25 timed out. That usually means the network this bot runs on blocks outgoing port 25 (most cloud and home providers do), not that the servers are down.',
        );
      }
      return {
        target: plan.target.display,
        verdict: overallVerdict(hosts),
        via: plan.via,
        hosts,
        notes,
        startedAt: new Date(started).toISOString(),
        ms: Date.now() - started,
      };
    },
  };
}

export function overallVerdict(hosts: readonly HostReport[]): Verdict {
  if (hosts.some((h) => h.verdict === 'open')) return 'open';
  if (hosts.length > 0 && hosts.every((h) => h.verdict === 'closed')) return 'closed';
  return 'inconclusive';
}

/** Build a tester from configuration values (tests and tools that build a tester alone). */
export function relayTesterFromConfig(config: {
  readonly resolvers?: readonly string[];
  readonly dnsTimeoutMs: number;
  readonly allowPrivate: boolean;
  readonly connectTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  readonly heloName?: string;
  readonly externalDomain?: string;
  readonly perUserLimit?: number;
  readonly dns?: RelayDns;
}): RelayTester {
  return createRelayTester({
    dns: config.dns ?? createRelayDns({ resolvers: config.resolvers, timeoutMs: config.dnsTimeoutMs }),
    allowPrivate: config.allowPrivate,
    connectTimeoutMs: config.connectTimeoutMs,
    commandTimeoutMs: config.commandTimeoutMs,
    heloName: config.heloName,
    externalDomain: config.externalDomain,
    perUserLimit: config.perUserLimit,
  });
}
