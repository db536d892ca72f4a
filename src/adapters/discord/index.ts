/**
 * The Discord adapter (discord.js 14). Two ways in, one handler:
 *
 * - gateway mode (DISCORD_TOKEN): a discord.js client with only the Guilds intent;
 *   slash and context-menu commands arrive as INTERACTION_CREATE dispatches.
 * - HTTP interactions mode (DISCORD_PUBLIC_KEY): Discord POSTs interactions to
 *   /interactions on the shared HTTP server; no gateway connection is opened even when
 *   DISCORD_TOKEN is set (the token is then used for REST only: alerts).
 *
 * Both feed the raw interaction to the same InteractionHandler; answers and alerts go
 * over REST (DISCORD_API_URL, default https://discord.com/api).
 */
import { Client, DiscordAPIError, GatewayDispatchEvents, GatewayIntentBits, Routes, type APIInteraction, type REST } from 'discord.js';
import { PlatformRefused } from '../../app/connect.js';
import { pino } from 'pino';
import type { CommandDefinition } from '../../../commands/types.js';
import { ConfigError, type AppConfig } from '../../app/config.js';
import type { Notifier } from '../../core/watch/notifier.js';
import type { Services } from '../../../commands/types.js';
import type { SharedHttpServer } from '../http-server.js';
import { interactionsRoute } from './http-endpoint.js';
import { InteractionHandler, type InitialResponder } from './interactions.js';
import { DiscordNotifier } from './notifier.js';
import type { Logger } from '../../app/logger.js';
import { describe } from './run-command.js';
import { parsePublicKey, PublicKeyError } from './signature.js';
import { createAlertRest, createDiscordRest, discordRestOptions } from './rest.js';

export const DEFAULT_DISCORD_API = 'https://discord.com/api';
export const INTERACTIONS_PATH = '/interactions';

type DiscordConfig = Pick<AppConfig, 'DISCORD_TOKEN' | 'DISCORD_APP_ID' | 'DISCORD_PUBLIC_KEY' | 'DISCORD_API_URL'> &
  Partial<Pick<AppConfig, 'LOG_LEVEL'>>;

export interface DiscordOptions {
  readonly config: DiscordConfig;
  readonly services: Services;
  readonly commands: readonly CommandDefinition[];
  /** The shared HTTP server; required in HTTP interactions mode (the caller listens on PORT). */
  readonly http?: SharedHttpServer;
  readonly logger?: Logger;
  /** How long Discord accepts answers to an interaction (default 15 minutes; tests shorten it). */
  readonly followUpWindowMs?: number;
}

export interface DiscordAdapter {
  readonly mode: 'gateway' | 'http';
  readonly rest: REST;
  /** The discord.js client (gateway mode only). */
  readonly client?: Client;
  readonly handler: InteractionHandler;
  /** Posts watch alerts; needs DISCORD_TOKEN. */
  readonly notifier: Notifier;
  /**
   * Open the gateway connection (gateway mode), or check the bot token with the REST API
   * (HTTP mode with DISCORD_TOKEN). Throws PlatformRefused when Discord refuses the token,
   * a plain error when Discord cannot be reached (the caller tries again).
   */
  connect(): Promise<void>;
  /** One sentence for the operator once it is up. */
  describe(port?: number): string;
  stop(): Promise<void>;
}

/** True when the configuration asks for Discord at all. */
export function discordConfigured(config: DiscordConfig): boolean {
  return Boolean(config.DISCORD_TOKEN || config.DISCORD_PUBLIC_KEY);
}

/** Build the adapter without connecting (tests drive `client.ws` or the HTTP route directly). */
export function createDiscordAdapter(options: DiscordOptions): DiscordAdapter {
  const { config } = options;
  const logger = options.logger ?? pino({ name: 'discord', level: config.LOG_LEVEL ?? 'info' });
  const api = config.DISCORD_API_URL ?? DEFAULT_DISCORD_API;

  if (config.DISCORD_PUBLIC_KEY) {
    let key;
    try {
      key = parsePublicKey(config.DISCORD_PUBLIC_KEY);
    } catch (err) {
      if (err instanceof PublicKeyError) throw new ConfigError(`Bad configuration: ${err.message}`);
      throw err;
    }
    if (!options.http) throw new Error('Discord HTTP interactions mode needs the shared HTTP server.');
    const rest = createDiscordRest(api, config.DISCORD_TOKEN);
    const canPost = Boolean(config.DISCORD_TOKEN);
    const handler = new InteractionHandler({
      commands: options.commands,
      services: options.services,
      rest,
      logger,
      canPost,
      followUpWindowMs: options.followUpWindowMs,
    });
    options.http.route(INTERACTIONS_PATH, interactionsRoute(key, handler, logger));
    let botName = 'rblbot';
    return {
      mode: 'http',
      rest,
      handler,
      notifier: new DiscordNotifier(createAlertRest(api, config.DISCORD_TOKEN), canPost, () => botName),
      connect: async () => {
        if (!config.DISCORD_TOKEN) return;
        try {
          const me = (await rest.get(Routes.user('@me'))) as { username?: string };
          if (me.username) botName = me.username;
        } catch (err) {
          throw refusedOrUnreachable(err);
        }
      },
      describe: (port) =>
        `Discord: HTTP interactions at ${INTERACTIONS_PATH}${port ? ` on port ${port}` : ''}` +
        (config.DISCORD_TOKEN ? `, as @${botName}.` : '; no DISCORD_TOKEN, so watch alerts cannot be posted.'),
      stop: async () => {},
    };
  }

  if (!config.DISCORD_TOKEN) {
    throw new ConfigError('Bad configuration: Discord needs DISCORD_TOKEN (gateway mode) or DISCORD_PUBLIC_KEY (HTTP interactions mode).');
  }
  const client = new Client({
    // Slash and context-menu commands need no privileged intent; Guilds keeps channel info.
    intents: [GatewayIntentBits.Guilds],
    // Default for anything discord.js itself sends; every message we send sets it too.
    allowedMentions: { parse: [], repliedUser: false },
    rest: discordRestOptions(api),
  });
  client.rest.setToken(config.DISCORD_TOKEN);
  const rest = client.rest;
  const botName = () => client.user?.username ?? 'rblbot';
  const handler = new InteractionHandler({
    commands: options.commands,
    services: options.services,
    rest,
    logger,
    canPost: true,
    botName,
    followUpWindowMs: options.followUpWindowMs,
  });

  // The raw dispatch, not discord.js's Interaction objects: the HTTP endpoint receives the
  // very same payload, so both paths share one handler.
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (raw: APIInteraction) => {
    void handler.handle(raw, gatewayResponder(rest, raw));
  });
  client.on('error', (err) => logger.error({ err: describe(err) }, 'discord: client error'));

  return {
    mode: 'gateway',
    rest,
    client,
    handler,
    notifier: new DiscordNotifier(createAlertRest(api, config.DISCORD_TOKEN), true, botName),
    connect: async () => {
      try {
        await client.login(config.DISCORD_TOKEN);
      } catch (err) {
        throw refusedOrUnreachable(err);
      }
      logger.debug({ user: client.user?.tag }, 'discord: connected to the gateway');
    },
    describe: () => `Discord: gateway, connected as @${botName()} to ${client.guilds.cache.size} server${client.guilds.cache.size === 1 ? '' : 's'}.`,
    stop: async () => {
      await client.destroy();
    },
  };
}

/** Over the gateway, the initial response is a REST call to the interaction callback. */
export function gatewayResponder(rest: REST, raw: APIInteraction): InitialResponder {
  return async (response) => {
    await rest.post(Routes.interactionCallback(raw.id, raw.token), { body: response, auth: false });
  };
}

/** A refused token stops start-up; anything else (network, 5xx) is worth another try. */
function refusedOrUnreachable(err: unknown): Error {
  const status = err instanceof DiscordAPIError ? err.status : undefined;
  const code = (err as { code?: unknown }).code;
  if (status === 401 || code === 'TokenInvalid') {
    return new PlatformRefused('Discord refused DISCORD_TOKEN: copy the bot token again (Developer Portal → your app → Bot → Reset Token).');
  }
  if (code === 'DisallowedIntents') {
    return new PlatformRefused('Discord refused the gateway intents: rblbot needs only Guilds; check the bot settings in the Developer Portal.');
  }
  return err instanceof Error ? err : new Error(String(err));
}

export interface RunningDiscord {
  readonly notifier: Notifier;
  readonly mode: 'gateway' | 'http';
  describe(port?: number): string;
  stop(): Promise<void>;
}

/** Build, connect, and hand back what the bot needs: the notifier for alerts, its line, stop(). */
export async function startDiscord(options: DiscordOptions): Promise<RunningDiscord> {
  const adapter = createDiscordAdapter(options);
  try {
    await adapter.connect();
  } catch (err) {
    await adapter.stop().catch(() => undefined);
    throw err;
  }
  return { notifier: adapter.notifier, mode: adapter.mode, describe: (port) => adapter.describe(port), stop: () => adapter.stop() };
}
