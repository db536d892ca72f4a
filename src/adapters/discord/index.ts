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
import { LeaseHolder } from '../../core/fleet/lease.js';
import { GATEWAY_LEASE } from './lease-name.js';
import type { FleetStore } from '../../core/fleet/store.js';
import type { Clock } from '../../core/watch/clock.js';

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
  /** Open the gateway connection (gateway mode; again after stop()); nothing to do in HTTP mode. */
  connect(): Promise<void>;
  /** Close the gateway connection; alerts and HTTP answers keep working over REST. */
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
  const token = config.DISCORD_TOKEN;
  // Answers and alerts go through a REST client of their own, so they keep working while
  // the gateway connection is down (another replica holds it) and across reconnections.
  const rest = new REST({ api, version: '10' }).setToken(token);
  const handler = new InteractionHandler({ commands: options.commands, services: options.services, rest, logger });
  const newClient = (): Client => {
    const c = new Client({
      // Slash and context-menu commands need no privileged intent; Guilds keeps channel info.
      intents: [GatewayIntentBits.Guilds],
      // Default for anything discord.js itself sends; every message we send sets it too.
      allowedMentions: { parse: [], repliedUser: false },
      rest: { api },
    });
    c.rest.setToken(token);
    // The raw dispatch, not discord.js's Interaction objects: the HTTP endpoint receives the
    // very same payload, so both paths share one handler.
    c.ws.on(GatewayDispatchEvents.InteractionCreate, (raw: APIInteraction) => {
      void handler.handle(raw, gatewayResponder(rest, raw));
    });
    c.on('error', (err) => logger.error({ err: describe(err) }, 'discord: client error'));
    return c;
  };
  // A destroyed discord.js client cannot log in again: a later connect() (this replica
  // taking the gateway lease back) builds a new one.
  let client = newClient();
  let destroyed = false;

  return {
    mode: 'gateway',
    rest,
    get client() {
      return client;
    },
    handler,
    notifier: new DiscordNotifier(rest),
    connect: async () => {
      if (destroyed) {
        client = newClient();
        destroyed = false;
      }
      await client.login(token);
      logger.info?.({ user: client.user?.tag }, 'discord: connected to the gateway');
    },
    stop: async () => {
      destroyed = true;
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

export { GATEWAY_LEASE };

export interface GatewayLeaseOptions {
  readonly store: FleetStore;
  readonly clock: Clock;
  readonly owner: string;
  readonly leaseMs: number;
}

/**
 * Build, connect, and hand back what main needs: the notifier for alerts and stop(). With
 * `gatewayLease`, gateway mode connects only while this replica holds the gateway lease
 * (Discord would deliver each interaction to every connection otherwise) and takes it
 * over when its holder dies; HTTP interactions mode needs no lease (any replica answers).
 */
export async function startDiscord(
  options: DiscordOptions & { readonly gatewayLease?: GatewayLeaseOptions },
): Promise<{ notifier: Notifier; mode: 'gateway' | 'http'; stop(): Promise<void> }> {
  const adapter = createDiscordAdapter(options);
  const lease = options.gatewayLease;
  if (adapter.mode === 'http' || !lease) {
    await adapter.connect();
    return { notifier: adapter.notifier, mode: adapter.mode, stop: () => adapter.stop() };
  }
  const holder = new LeaseHolder({
    ...lease,
    name: GATEWAY_LEASE,
    onAcquired: () => adapter.connect(),
    onLost: async () => {
      options.logger?.info?.({}, 'discord: gateway lease lost, disconnecting');
      await adapter.stop();
    },
    onError: (err) => options.logger?.error({ err: describe(err) }, 'discord: gateway lease'),
  });
  await holder.begin();
  if (!holder.held) options.logger?.info?.({}, 'discord: another replica holds the gateway; this one takes over if it stops');
  return { notifier: adapter.notifier, mode: adapter.mode, stop: () => holder.stop() };
}
