/**
 * The Slack adapter (Bolt 5). Every slash command, form and message shortcut is derived
 * from the CommandDefinitions passed in; nothing here names a command.
 *
 * Modes: Socket Mode when SLACK_BOT_TOKEN + SLACK_APP_TOKEN are set (no public URL); HTTP
 * mode when SLACK_SIGNING_SECRET is set without an app token, served at /slack/events on
 * the shared HTTP server through Bolt's HTTPReceiver, so request signatures are verified
 * by Bolt. SLACK_API_URL points the Web API elsewhere (GovSlack, tests).
 *
 * Flow for each request: acknowledge at once (Slack's 3-second deadline), then do the work
 * and answer through the response_url — interim "checking…" first only if the work takes
 * more than a moment. Any failure is answered with a friendly ephemeral message.
 */
import type http from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { CommandDefinition, Services } from '../../../commands/types.js';
import type { AppConfig } from '../../app/config.js';
import { createLogger, type Logger } from '../../app/logger.js';
import type { Notifier } from '../../core/watch/notifier.js';
import { UserError } from '../../reply/errors.js';
import type { SharedHttpServer } from '../http-server.js';
import { boltLogger } from './bolt-logger.js';
import { SlackListeners } from './listeners.js';
import { SlackNotifier } from './notifier.js';

/** Bolt's default path; Slack's slash-command, interactivity and events URLs all point here. */
export const SLACK_EVENTS_PATH = '/slack/events';

export type SlackMode = 'socket' | 'http';

/** Which mode the configuration asks for, or null when Slack is not configured. */
export function slackMode(config: AppConfig): SlackMode | null {
  if (config.SLACK_APP_TOKEN) return 'socket';
  if (config.SLACK_SIGNING_SECRET) return 'http';
  return null;
}

export interface StartSlackOptions {
  readonly config: AppConfig;
  readonly services: Services;
  readonly commands: readonly CommandDefinition[];
  /** The shared HTTP server (needed in HTTP mode; this adapter only adds its route). */
  readonly http?: SharedHttpServer;
  /** How long a command may work before "checking…" is shown. Default 1000 ms. */
  readonly progressDelayMs?: number;
  /** Web API retries (default: the WebClient's own policy). Tests pass 0. */
  readonly apiRetries?: number;
  /** The bot's logger (src/app/logger.ts); default one at LOG_LEVEL. */
  readonly logger?: Logger;
}

export interface SlackAdapter {
  readonly mode: SlackMode;
  readonly notifier: Notifier;
  /** The Slack workspace (team id) the bot token belongs to. */
  readonly teamId: string | undefined;
  stop(): Promise<void>;
}

export class SlackConfigError extends UserError {}

/**
 * Start the Slack adapter. In HTTP mode the caller listens on the shared server (PORT);
 * this only adds the /slack/events route. Throws SlackConfigError for an incomplete setup
 * and Bolt's error when the bot token is refused (auth.test).
 */
export async function startSlack(options: StartSlackOptions): Promise<SlackAdapter> {
  const { config } = options;
  const mode = slackMode(config);
  if (!mode)
    throw new SlackConfigError('Slack is not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).');
  if (!config.SLACK_BOT_TOKEN) {
    throw new SlackConfigError(
      'SLACK_BOT_TOKEN is missing: copy the "Bot User OAuth Token" (xoxb-…) from your Slack app\'s OAuth & Permissions page.',
    );
  }
  if (mode === 'http' && !options.http) throw new SlackConfigError('Slack HTTP mode needs the shared HTTP server.');

  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const boltLog = boltLogger(logger);
  const slackApiUrl = config.SLACK_API_URL ? `${config.SLACK_API_URL}/` : undefined;
  const clientOptions = {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    ...(options.apiRetries !== undefined ? { retryConfig: { retries: options.apiRetries } } : {}),
  };

  let receiver: InstanceType<typeof HTTPReceiver> | InstanceType<typeof SocketModeReceiver>;
  if (mode === 'socket') {
    receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN!,
      logger: boltLog,
      // Bolt hands installerOptions.clientOptions to the socket client (apps.connections.open).
      // A copy: the socket client writes its own retry policy into the object it is given.
      installerOptions: { clientOptions: { ...clientOptions } },
    });
  } else {
    receiver = new HTTPReceiver({ signingSecret: config.SLACK_SIGNING_SECRET!, logger: boltLog });
  }

  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    receiver,
    logger: boltLog,
    clientOptions,
    // init() below runs auth.test and fails loudly on a bad token, instead of an unhandled rejection.
    deferInitialization: true,
  });
  let teamId: string | undefined;
  try {
    await app.init();
    const auth = await app.client.auth.test();
    teamId = typeof auth.team_id === 'string' ? auth.team_id : undefined;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    throw new SlackConfigError(
      code
        ? `Slack refused SLACK_BOT_TOKEN (${code}): copy the "Bot User OAuth Token" (xoxb-…) of the installed app again.`
        : `Could not reach Slack's Web API${config.SLACK_API_URL ? ` at ${config.SLACK_API_URL}` : ''}: ${(err as Error).message}`,
    );
  }

  const adminIds = new Set(
    (config.SLACK_ADMIN_IDS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const inFlight = new Set<Promise<unknown>>();
  const listeners = new SlackListeners(app, {
    dispatcher: { commands: options.commands, services: options.services, logger },
    progressDelayMs: options.progressDelayMs ?? 1000,
    adminIds,
    logger,
    track: (p) => {
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  });
  listeners.register();
  app.error(async (err) => {
    logger.error({ err }, 'Slack: unhandled error in a listener');
  });

  if (mode === 'socket') {
    await app.start();
  } else {
    const httpReceiver = receiver as InstanceType<typeof HTTPReceiver>;
    options.http!.route(SLACK_EVENTS_PATH, (req: http.IncomingMessage, res: http.ServerResponse) => {
      try {
        httpReceiver.requestListener(req, res);
      } catch {
        // Bolt throws for anything but POST to its endpoint.
        if (!res.headersSent) res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' });
        res.end('method not allowed\n');
      }
    });
  }
  logger.info({ mode, teamId, commands: options.commands.map((c) => c.name) }, 'Slack adapter started');

  let stopped = false;
  return {
    mode,
    teamId,
    notifier: new SlackNotifier(
      new webApi.WebClient(config.SLACK_BOT_TOKEN, {
        ...(slackApiUrl ? { slackApiUrl } : {}),
        retryConfig: { retries: 0 },
        timeout: 10_000,
        logger: boltLog,
      }),
      teamId,
    ),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Let answers in progress finish (bounded), then disconnect.
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (mode === 'socket') await app.stop().catch(() => undefined);
    },
  };
}
