/**
 * Starts the bot: builds the core once, starts every chat adapter whose credentials are
 * present (with none, the console adapter), the watch scheduler and outbox, the zone
 * health probe, and stops everything gracefully on SIGINT/SIGTERM or, for the console, at
 * the end of input.
 *
 * What the operator sees on stderr: one sentence per chat adapter once it is up ("Slack:
 * Socket Mode, connected as @rblbot to Acme."), nothing for a platform that is not
 * configured, and one sentence per failed attempt when a platform cannot be reached (it is
 * tried again with back-off while the rest of the bot runs). A partial configuration or a
 * refused token stops start-up with exit status 2 and one sentence.
 */
import { commands } from '../../commands/index.js';
import { runConsole, shouldUseColor } from '../adapters/console/index.js';
import { createConsoleNotifier } from '../adapters/console/notifier.js';
import type { Notifier } from '../core/watch/notifier.js';
import { databaseLocation, startWatching, type WatchingHandle, type WatchService } from '../core/watch/index.js';
import { storeProblem, storeProblemSentence } from '../core/watch/store-problem.js';
import { SharedHttpServer } from '../adapters/http-server.js';
import type { Readable, Writable } from 'node:stream';
import type { AppConfig } from './config.js';
import { connectWithRetry } from './connect.js';
import { createLogger, type Logger } from './logger.js';
import { planPlatforms, type PlatformPlan } from './platforms.js';
import { buildServices } from './services.js';
import { buildWatchService } from './watch-service.js';
import { probeSummary } from '../core/check/earned.js';
import type { Services } from '../../commands/types.js';
import { setCommandPrefix } from '../reply/command-names.js';
import { startMetricsEndpoint } from './metrics/endpoint.js';
import { createHealthCheck } from './metrics/health.js';
import type { PrometheusMetrics } from './metrics/prometheus.js';
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

/** A chat adapter once connected: what the bot needs of it. */
interface StartedAdapter {
  readonly notifier: Notifier;
  describe(port?: number): string;
  stop(): Promise<void>;
}

export async function startBot(config: AppConfig, io: ProcessIO): Promise<number> {
  const logger = createLogger(config.LOG_LEVEL);
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  // Before any adapter registers a command: every name people see carries the prefix.
  setCommandPrefix(config.RBLBOT_COMMAND_PREFIX);
  let plan: PlatformPlan;
  try {
    plan = planPlatforms(config);
  } catch (err) {
    say(`rblbot: ${(err as Error).message}`);
    return 2;
  }
  // A stray rejected promise in an adapter or library must not take every channel's bot
  // down with it (Node's default is to exit): log it and keep serving.
  const onRejection = (reason: unknown): void => logger.error({ err: reason }, 'unhandled promise rejection');
  process.on('unhandledRejection', onRejection);
  try {
    return await run(config, io, plan, logger, say);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

async function run(config: AppConfig, io: ProcessIO, plan: PlatformPlan, logger: Logger, say: (line: string) => void): Promise<number> {
  // Metrics are counted from the start (the checker and dispatcher report into them) and served once everything runs.
  // prom-client loads only when metrics are on.
  const metrics = config.RBLBOT_METRICS_LISTEN ? (await import('./metrics/prometheus.js')).createPrometheusMetrics() : undefined;
  let services: Services;
  try {
    services = buildServices(config, { metrics: metrics?.sink });
  } catch (err) {
    say(`rblbot: ${(err as Error).message}`);
    return 2;
  }
  const location = databaseLocation(config.RBLBOT_DB);
  try {
    // Watches persist in SQLite or PostgreSQL.
    const watches = await buildWatchService(config, services.checker, (err) => logger.warn({ err }, 'database connection failed'), metrics?.sink);
    services = { ...services, watches };
    logger.info({ engine: watches.store.engine, db: watches.store.location, replica: watches.replicaId }, 'watch database open');
  } catch (err) {
    // A database that cannot be opened (corrupt, full disk, no such folder) costs /watch only:
    // the operator reads why, and /rbl, /diagnose and /relay keep working.
    const problem = storeProblem(err) ?? (err instanceof Error ? err.message : String(err));
    say(`rblbot: ${storeProblemSentence(location, problem)}`);
    services = { ...services, watchesUnavailable: problem };
  }
  if (services.watches) watchStoreProblems(services.watches, location, logger, say);
  const running: Running[] = [];

  if (metrics && config.RBLBOT_METRICS_LISTEN) {
    try {
      await startOperations(config.RBLBOT_METRICS_LISTEN, services, metrics, logger, running);
    } catch (err) {
      await stopAll(running, logger);
      await services.watches?.store.close();
      say(`rblbot: cannot serve metrics on RBLBOT_METRICS_LISTEN: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
  }

  if (!plan.slack && !plan.discord) {
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
    if (stopReading.signal.aborted) {
      // Stopped by a signal: a command abandoned after the grace period (a slow relay test)
      // must not keep the process alive past the service manager's patience.
      setTimeout(() => process.exit(0), 1000).unref();
    }
    return 0;
  }

  const watching = startWatches(services, [], logger, running);
  startHealthProbes(services, logger, running);

  // One HTTP server for every adapter that takes inbound HTTP (Discord interactions, Slack HTTP mode).
  const http = plan.slack === 'http' || plan.discord === 'http' ? new SharedHttpServer() : undefined;
  let port: number | undefined;
  if (http) {
    try {
      port = await http.listen(config.PORT);
    } catch (err) {
      await stopAll(running, logger);
      say(`rblbot: cannot listen on port ${config.PORT}: ${(err as Error).message}`);
      return 2;
    }
    running.push({ name: 'http server', stop: () => http.close() });
  }

  // Shutdown (a signal) or a fatal refusal, whichever comes first.
  const stopping = new AbortController();
  let fatal: string | undefined;
  const done = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    stopping.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const connect = (platform: 'Slack' | 'Discord', target: string, start: () => Promise<StartedAdapter>): Promise<void> =>
    connectWithRetry(start, { platform, target, say, signal: stopping.signal }).then(
      (adapter) => {
        if (stopping.signal.aborted) return adapter.stop();
        running.push({ name: platform, stop: () => adapter.stop() });
        watching?.sender.register(adapter.notifier);
        say(adapter.describe(port));
      },
      (err: unknown) => {
        if (stopping.signal.aborted) return;
        // A refused token or an incomplete setup: one sentence, no stack trace, exit 2.
        fatal = err instanceof Error ? err.message : String(err);
        stopping.abort();
      },
    );

  const connecting: Promise<void>[] = [];
  if (plan.slack) {
    const target = `Slack's Web API at ${config.SLACK_API_URL ?? 'https://slack.com/api'}`;
    connecting.push(
      connect('Slack', target, async () => {
        // Bolt is loaded only when Slack is configured (Socket Mode, or HTTP mode at /slack/events).
        const { startSlack } = await import('../adapters/slack/index.js');
        return startSlack({ config, services, commands, http, logger: logger.child({ adapter: 'slack' }) });
      }),
    );
  }
  if (plan.discord) {
    const { DEFAULT_DISCORD_API } = await import('../adapters/discord/index.js');
    const target = `Discord's API at ${config.DISCORD_API_URL ?? DEFAULT_DISCORD_API}`;
    connecting.push(
      connect('Discord', target, async () => {
        // discord.js takes seconds to load: only when Discord is configured.
        const { startDiscord } = await import('../adapters/discord/index.js');
        const watches = services.watches;
        return startDiscord({
          config,
          services,
          commands,
          http,
          logger: logger.child({ adapter: 'discord' }),
          // One gateway connection per bot, whatever the number of replicas.
          gatewayLease: watches && { store: watches.store, clock: watches.clock, owner: watches.replicaId, leaseMs: config.RBLBOT_LEASE },
        });
      }),
    );
  }

  await done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await Promise.allSettled(connecting);
  await stopAll(running, logger);
  if (fatal !== undefined) {
    say(`rblbot: ${fatal}`);
    return 2;
  }
  return 0;
}

/** How often the same storage problem is said again while it lasts. */
const STORE_PROBLEM_REPEAT_MS = 10 * 60_000;

/** Tell the operator, in one sentence on stderr and not more than every 10 minutes, when the watch store fails. */
function watchStoreProblems(watches: WatchService, location: string, logger: Logger, say: (line: string) => void): void {
  let last: { problem: string; at: number } | undefined;
  watches.onStoreProblem((problem) => {
    const now = Date.now();
    if (last && last.problem === problem && now - last.at < STORE_PROBLEM_REPEAT_MS) return;
    last = { problem, at: now };
    say(`rblbot: ${storeProblemSentence(location, problem)}`);
    logger.error({ problem }, 'watch database unusable');
  });
}

/** The watch scheduler and alert outbox; stopped within stopAll's bound, then the database closes. */
function startWatches(services: Services, notifiers: Notifier[], logger: Logger, running: Running[]): WatchingHandle | undefined {
  const watches = services.watches;
  if (!watches) return undefined;
  const watching = startWatching({
    service: watches,
    notifiers,
    version: packageVersion(),
    // Three beats per lease: a replica misses two before others take its work.
    heartbeatMs: Math.floor(watches.leaseMs / 3),
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
    onError: (err) => {
      // A failing store (disk full) makes every round fail: said once through onStoreProblem, not logged each time.
      if (!watches.noteStoreFailure(err)) logger.warn({ err }, 'watch');
    },
    sender: {
      onPauseChange: (channel, pause) =>
        pause
          ? logger.warn({ channel, code: pause.code, problem: pause.problem }, 'alerts to a channel paused: the platform refuses it')
          : logger.info({ channel }, 'alerts to a channel resumed'),
    },
  });
  running.push({ name: 'watches', stop: () => watching.stop(4000) });
  return watching;
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
