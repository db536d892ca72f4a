/**
 * Starts the bot: builds the core once, starts every chat adapter whose credentials are
 * present (with none, the console adapter), the zone health probe, and stops everything
 * gracefully on SIGINT/SIGTERM or, for the console, at the end of input.
 */
import { commands } from '../commands/index.js';
import { runConsole } from './adapters/console.js';
import { SharedHttpServer } from './adapters/http-server.js';
import type { CliIO } from './cli/types.js';
import type { AppConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { buildServices } from './services.js';
import type { Services } from './core/services.js';

/** How often a long-running bot re-probes zone health (RFC 5782 test points). */
const PROBE_EVERY_MS = 6 * 60 * 60 * 1000;

interface Running {
  readonly name: string;
  stop(): Promise<void>;
}

export async function startBot(config: AppConfig, io: Omit<CliIO, 'services'>): Promise<number> {
  const logger = createLogger(config.LOG_LEVEL);
  let services: Services;
  try {
    services = buildServices(config);
  } catch (err) {
    io.stderr.write(`rblbot: ${(err as Error).message}\n`);
    return 2;
  }
  const running: Running[] = [];
  const chat = await startChatAdapters(config, services, logger, running);

  if (!chat) {
    logger.info('no chat tokens configured: starting the console adapter');
    const output = io.stdout as NodeJS.WriteStream;
    const color = Boolean(output.isTTY) && !io.env.NO_COLOR;
    await runConsole({ services, commands, input: io.stdin, output: io.stdout, color, logger });
    await stopAll(running, logger);
    return 0;
  }

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

/** Start Slack and Discord when configured; false when neither is. */
async function startChatAdapters(config: AppConfig, services: Services, logger: Logger, running: Running[]): Promise<boolean> {
  // One HTTP server for every adapter that takes inbound HTTP (Discord interactions, Slack HTTP mode).
  const http = new SharedHttpServer();
  let started = false;
  if (config.DISCORD_TOKEN || config.DISCORD_PUBLIC_KEY) {
    // discord.js takes seconds to load: only when Discord is configured.
    const { startDiscord } = await import('./adapters/discord.js');
    const discord = await startDiscord({ config, services, commands, http, logger: logger.child({ adapter: 'discord' }) });
    running.push({ name: 'discord', stop: () => discord.stop() });
    logger.info({ mode: discord.mode }, 'discord adapter started');
    started = true;
  }
  if (http.hasRoutes) {
    const port = await http.listen(config.PORT);
    running.push({ name: 'http server', stop: () => http.close() });
    logger.info({ port }, 'listening for HTTP (Discord interactions at /interactions)');
  }
  return started;
}

/** Keep a zone that starts answering "listed" for everything out of verdicts. */
function startHealthProbes(services: Services, logger: Logger, running: Running[]): void {
  const probe = (): void => {
    services.checker.probe().then(
      (health) => {
        const bad = health.filter((h) => h.state !== 'healthy' && h.state !== 'no-test-point');
        logger.info({ zones: health.length, unhealthy: bad.map((h) => `${h.zone}: ${h.state}`) }, 'zone health probed');
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
