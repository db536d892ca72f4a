/**
 * Starts the bot: builds the core once, starts every chat adapter whose credentials are
 * present (with none, the console adapter), the zone health probe, and stops everything
 * gracefully on SIGINT/SIGTERM or, for the console, at the end of input.
 */
import { commands } from '../../commands/index.js';
import { runConsole, shouldUseColor } from '../adapters/console/index.js';
import { createConsoleNotifier } from '../adapters/console/notifier.js';
import type { Notifier } from '../core/watch/notifier.js';
import { startWatching } from '../core/watch/index.js';
import { SharedHttpServer } from '../adapters/http-server.js';
import type { Readable, Writable } from 'node:stream';
import type { AppConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { buildServices } from './services.js';
import { buildWatchService } from './watch-service.js';
import { probeSummary } from '../core/check/earned.js';
import { startMetricsEndpoint } from './metrics/endpoint.js';
import { createHealthCheck } from './metrics/health.js';
import type { PrometheusMetrics } from './metrics/prometheus.js';
import type { Services } from '../../commands/types.js';
import { packageVersion } from '../core/package-root.js';

/**
 * How often a running bot re-probes zone health (RFC 5782 test points, two lookups per
 * zone). Within the checker's 10-minute trust in a verdict, so checks never wait for one.
 */
const PROBE_EVERY_MS = 5 * 60_000;

/** The process's streams and environment, as the bot and every subcommand see them. */
export interface ProcessIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
}

interface Running {
  readonly name: string;
  stop(): Promise<void>;
}

export async function startBot(config: AppConfig, io: ProcessIO): Promise<number> {
  const logger = createLogger(config.LOG_LEVEL);
  // A stray rejected promise in an adapter or library must not take every channel's bot
  // down with it (Node's default is to exit): log it and keep serving.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  // Metrics are counted from the start (the checker and dispatcher report into them) and served once everything runs.
  // prom-client loads only when metrics are on.
  const metrics = config.RBLBOT_METRICS_LISTEN ? (await import('./metrics/prometheus.js')).createPrometheusMetrics() : undefined;
  let services: Services;
  try {
    services = buildServices(config, { metrics: metrics?.sink });
  } catch (err) {
    io.stderr.write(`rblbot: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    // Watches persist in SQLite or PostgreSQL; a database that cannot be opened stops start-up with its reason.
    const watches = await buildWatchService(config, services.checker, (err) => logger.warn({ err }, 'database connection failed'), metrics?.sink);
    services = { ...services, watches };
    logger.info({ engine: watches.store.engine, db: watches.store.location, replica: watches.replicaId }, 'watch database open');
  } catch (err) {
    io.stderr.write(`rblbot: cannot open the watch database: ${(err as Error).message}\n`);
    return 2;
  }
  const running: Running[] = [];
  let notifiers: Notifier[];
  try {
    notifiers = await startChatAdapters(config, services, logger, running);
  } catch (err) {
    // A refused token or an incomplete setup: one sentence, no stack trace.
    await stopAll(running, logger);
    await services.watches?.store.close();
    io.stderr.write(`rblbot: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (metrics && config.RBLBOT_METRICS_LISTEN) {
    try {
      await startOperations(config.RBLBOT_METRICS_LISTEN, services, metrics, logger, running);
    } catch (err) {
      await stopAll(running, logger);
      await services.watches?.store.close();
      io.stderr.write(`rblbot: cannot serve metrics on RBLBOT_METRICS_LISTEN: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }

  if (notifiers.length === 0) {
    logger.debug({}, 'no chat tokens configured: starting the console adapter');
    const color = shouldUseColor(io.stdout, io.env);
    startWatches(services, [createConsoleNotifier(io.stdout, { color })], logger, running);
    startHealthProbes(services, logger, running);
    // SIGTERM (a service manager stopping us) or SIGINT on a pipe ends the session like end
    // of input: reading stops, the commands in flight still answer. A second signal kills.
    const stopReading = new AbortController();
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'shutting down: answering the commands in flight');
      stopReading.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await runConsole({ services, commands, input: io.stdin, output: io.stdout, color, logger, stop: stopReading.signal });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await stopAll(running, logger);
    return 0;
  }

  startWatches(services, notifiers, logger, running);
  startHealthProbes(services, logger, running);
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      void stopAll(running, logger).then(() => resolve(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

/** Start Slack and Discord when configured; their notifiers (none: no chat platform is configured). */
async function startChatAdapters(config: AppConfig, services: Services, logger: Logger, running: Running[]): Promise<Notifier[]> {
  // One HTTP server for every adapter that takes inbound HTTP (Discord interactions, Slack HTTP mode).
  const http = new SharedHttpServer();
  const notifiers: Notifier[] = [];
  if (config.SLACK_APP_TOKEN || config.SLACK_SIGNING_SECRET) {
    // Bolt is loaded only when Slack is configured (Socket Mode, or HTTP mode at /slack/events).
    const { startSlack } = await import('../adapters/slack/index.js');
    const slack = await startSlack({ config, services, commands, http, logger: logger.child({ adapter: 'slack' }) });
    running.push({ name: 'slack', stop: () => slack.stop() });
    notifiers.push(slack.notifier);
  }
  if (config.DISCORD_TOKEN || config.DISCORD_PUBLIC_KEY) {
    // discord.js takes seconds to load: only when Discord is configured.
    const { startDiscord } = await import('../adapters/discord/index.js');
    const watches = services.watches;
    const discord = await startDiscord({
      config,
      services,
      commands,
      http,
      logger: logger.child({ adapter: 'discord' }),
      // One gateway connection per bot, whatever the number of replicas.
      gatewayLease: watches && { store: watches.store, clock: watches.clock, owner: watches.replicaId, leaseMs: config.RBLBOT_LEASE },
    });
    running.push({ name: 'discord', stop: () => discord.stop() });
    logger.info({ mode: discord.mode }, 'discord adapter started');
    notifiers.push(discord.notifier);
  }
  if (http.hasRoutes) {
    const port = await http.listen(config.PORT);
    running.push({ name: 'http server', stop: () => http.close() });
    logger.info({ port }, 'listening for HTTP (Slack at /slack/events, Discord interactions at /interactions)');
  }
  return notifiers;
}

/** The watch scheduler and alert outbox; stopped within stopAll's bound, then the database closes. */
function startWatches(services: Services, notifiers: Notifier[], logger: Logger, running: Running[]): void {
  const watches = services.watches;
  if (!watches) return;
  const watching = startWatching({
    service: watches,
    notifiers,
    version: packageVersion(),
    // Three beats per lease: a replica misses two before others take its work.
    heartbeatMs: Math.floor(watches.leaseMs / 3),
    onError: (err) => logger.warn({ err }, 'watch'),
    onLiveReplicas: (replicas) => {
      const before = watches.checker.zoneRate();
      watches.checker.setRateShare(replicas.length);
      if (watches.checker.zoneRate() !== before) {
        logger.info(
          { replicas: replicas.length, zoneRate: watches.checker.zoneRate() },
          'live replicas changed: new share of the per-list query budget',
        );
      }
    },
  });
  running.push({ name: 'watches', stop: () => watching.stop(4000) });
}

/**
 * GET /metrics and /healthz on their own listener. rblbot_zone_healthy has values from
 * the zone health probes, which every bot (chat or console) runs.
 */
async function startOperations(
  listen: { host: string; port: number },
  services: Services,
  metrics: PrometheusMetrics,
  logger: Logger,
  running: Running[],
): Promise<void> {
  const watches = services.watches;
  metrics.sources = { checker: services.checker, store: watches?.store };
  const health = createHealthCheck({
    checker: services.checker,
    store: watches?.store,
    nextDueAt: watches ? () => watches.nextDueAt() : undefined,
    // Live as `rblbot status` counts them: a heartbeat within the lease.
    fleet: watches && { self: watches.replicaId, liveWithinMs: watches.leaseMs },
  });
  const endpoint = await startMetricsEndpoint(listen, metrics, health);
  running.push({ name: 'metrics endpoint', stop: () => endpoint.close() });
  logger.info({ address: endpoint.address }, 'serving /metrics and /healthz');
}

/**
 * Verdicts are earned: every zone's test points are probed at start-up and every few
 * minutes, so that a zone (or a resolver) that stops answering them cannot make a check
 * "clean". A resolver that fails most of them is logged as the problem it is.
 */
function startHealthProbes(services: Services, logger: Logger, running: Running[]): void {
  const probe = (): void => {
    services.checker.probe().then(
      (health) => {
        const summary = probeSummary(health, services.checker.dns.servers);
        const unhealthy = health.filter((h) => h.state !== 'healthy').map((h) => `${h.zone}: ${h.state}`);
        if (summary.healthy === 0 && health.length > 0) logger.error({ zones: health.length, unhealthy }, summary.sentence);
        else if (summary.unhealthy > 0) logger.warn({ zones: health.length, unhealthy }, summary.sentence);
        else logger.debug({ zones: health.length }, 'zone health probed: every list answers its test points');
      },
      (err: unknown) => logger.warn({ err }, 'zone health probe failed'),
    );
  };
  probe();
  const timer = setInterval(probe, PROBE_EVERY_MS);
  timer.unref();
  running.push({ name: 'health probes', stop: async () => clearInterval(timer) });
}

/** Stop in reverse start order, each within a bound, so one stuck part cannot hang shutdown. */
async function stopAll(running: Running[], logger: Logger): Promise<void> {
  for (const part of [...running].reverse()) {
    await Promise.race([part.stop(), new Promise((r) => setTimeout(r, 5000).unref())]).catch((err: unknown) =>
      logger.warn({ err, part: part.name }, 'failed to stop cleanly'),
    );
  }
}
