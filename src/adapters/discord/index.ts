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
   * Open the gateway connection (gateway mode; again after stop()), or check the bot token
   * with the REST API (HTTP mode with DISCORD_TOKEN). Throws PlatformRefused when Discord
   * refuses the token, a plain error when Discord cannot be reached (the caller tries again).
   */
  connect(): Promise<void>;
  /** One sentence for the operator once it is up. */
  describe(port?: number): string;
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
  const token = config.DISCORD_TOKEN;
  // Answers and alerts go through REST clients of their own, so they keep working while
  // the gateway connection is down (another replica holds it) and across reconnections.
  const rest = createDiscordRest(api, token);
  const newClient = (): Client => {
    const c = new Client({
      // Slash and context-menu commands need no privileged intent; Guilds keeps channel info.
      intents: [GatewayIntentBits.Guilds],
      // Default for anything discord.js itself sends; every message we send sets it too.
      allowedMentions: { parse: [], repliedUser: false },
      rest: discordRestOptions(api),
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
  let lastName = 'rblbot';
  const botName = () => (lastName = client.user?.username ?? lastName);
  const handler = new InteractionHandler({
    commands: options.commands,
    services: options.services,
    rest,
    logger,
    canPost: true,
    botName,
    followUpWindowMs: options.followUpWindowMs,
  });

  return {
    mode: 'gateway',
    rest,
    get client() {
      return client;
    },
    handler,
    notifier: new DiscordNotifier(createAlertRest(api, token), true, botName),
    connect: async () => {
      if (destroyed) {
        client = newClient();
        destroyed = false;
      }
      try {
        await client.login(token);
      } catch (err) {
        throw refusedOrUnreachable(err);
      }
      logger.debug({ user: client.user?.tag }, 'discord: connected to the gateway');
    },
    describe: () => `Discord: gateway, connected as @${botName()} to ${client.guilds.cache.size} server${client.guilds.cache.size === 1 ? '' : 's'}.`,
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

export { GATEWAY_LEASE };

export interface GatewayLeaseOptions {
  readonly store: FleetStore;
  readonly clock: Clock;
  readonly owner: string;
  readonly leaseMs: number;
}

/**
 * Build, connect, and hand back what the bot needs: the notifier for alerts, its line, stop().
 * With `gatewayLease`, gateway mode connects only while this replica holds the gateway lease
 * (Discord would deliver each interaction to every connection otherwise) and takes it
 * over when its holder dies; HTTP interactions mode needs no lease (any replica answers).
 */
export async function startDiscord(options: DiscordOptions & { readonly gatewayLease?: GatewayLeaseOptions }): Promise<RunningDiscord> {
  const adapter = createDiscordAdapter(options);
  const lease = options.gatewayLease;
  if (adapter.mode === 'http' || !lease) {
    try {
      await adapter.connect();
    } catch (err) {
      await adapter.stop().catch(() => undefined);
      throw err;
    }
    return { notifier: adapter.notifier, mode: adapter.mode, describe: (port) => adapter.describe(port), stop: () => adapter.stop() };
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
  const standby = !holder.held;
  if (standby) options.logger?.info?.({}, 'discord: another replica holds the gateway; this one takes over if it stops');
  return {
    notifier: adapter.notifier,
    mode: adapter.mode,
    describe: (port) =>
      holder.held ? adapter.describe(port) : 'Discord: gateway held by another replica; this one posts alerts and takes over if it stops.',
    stop: () => holder.stop(),
  };
}
