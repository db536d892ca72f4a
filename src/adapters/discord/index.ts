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
import { Client, GatewayDispatchEvents, GatewayIntentBits, REST, Routes, type APIInteraction } from 'discord.js';
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
}

export interface DiscordAdapter {
  readonly mode: 'gateway' | 'http';
  readonly rest: REST;
  /** The discord.js client (gateway mode only). */
  readonly client?: Client;
  readonly handler: InteractionHandler;
  /** Posts watch alerts; needs DISCORD_TOKEN. */
  readonly notifier: Notifier;
  /** Open the gateway connection (gateway mode); nothing to do in HTTP mode. */
  connect(): Promise<void>;
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
    const rest = new REST({ api, version: '10' });
    if (config.DISCORD_TOKEN) rest.setToken(config.DISCORD_TOKEN);
    const handler = new InteractionHandler({ commands: options.commands, services: options.services, rest, logger });
    options.http.route(INTERACTIONS_PATH, interactionsRoute(key, handler, logger));
    return {
      mode: 'http',
      rest,
      handler,
      notifier: new DiscordNotifier(rest, Boolean(config.DISCORD_TOKEN)),
      connect: async () => {},
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
    rest: { api },
  });
  client.rest.setToken(config.DISCORD_TOKEN);
  const rest = client.rest;
  const handler = new InteractionHandler({ commands: options.commands, services: options.services, rest, logger });

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
    notifier: new DiscordNotifier(rest),
    connect: async () => {
      await client.login(config.DISCORD_TOKEN);
      logger.info?.({ user: client.user?.tag }, 'discord: connected to the gateway');
    },
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

/** Build, connect, and hand back what main needs: the notifier for alerts and stop(). */
export async function startDiscord(options: DiscordOptions): Promise<{ notifier: Notifier; mode: 'gateway' | 'http'; stop(): Promise<void> }> {
  const adapter = createDiscordAdapter(options);
  await adapter.connect();
  return { notifier: adapter.notifier, mode: adapter.mode, stop: () => adapter.stop() };
}
