/**
 * Every Discord REST client of the bot, each with its own HTTP dispatcher.
 *
 * Why not the process-wide one: undici keeps a single global dispatcher per process
 * (globalThis[Symbol.for('undici.globalDispatcher.1')]), and whichever undici loads first
 * installs its own Agent there. @slack/bolt brings undici 7 (Socket Mode needs ^7), while
 * @discordjs/rest is built against undici 6; with Slack loaded first, every Discord request
 * went through an undici 7 Agent, and undici 6 multipart bodies (any message with a file)
 * failed inside it with "action is not a function". The two ranges do not overlap, so one
 * version for both is not possible; instead each Discord client gets an Agent from the very
 * undici that @discordjs/rest itself loads, and the global one no longer matters.
 */
import { createRequire } from 'node:module';
import { REST, type RESTOptions } from 'discord.js';

interface UndiciAgentModule {
  Agent: new (options?: { connections?: number; keepAliveTimeout?: number }) => NonNullable<RESTOptions['agent']>;
}

let undiciOfRest: UndiciAgentModule | undefined;

/** The undici that @discordjs/rest resolves (its own nested copy, or a shared one: whichever it loads). */
function restUndici(): UndiciAgentModule {
  if (!undiciOfRest) {
    const here = createRequire(import.meta.url);
    const restEntry = createRequire(here.resolve('discord.js')).resolve('@discordjs/rest');
    undiciOfRest = createRequire(restEntry)('undici') as UndiciAgentModule;
  }
  return undiciOfRest;
}

/** A dispatcher of Discord's own undici, for one REST client. */
export function discordAgent(): NonNullable<RESTOptions['agent']> {
  const { Agent } = restUndici();
  return new Agent({ keepAliveTimeout: 10_000 });
}

/** REST options every Discord client of the bot shares: the API base and its own dispatcher. */
export function discordRestOptions(api: string, extra: Partial<RESTOptions> = {}): Partial<RESTOptions> {
  return { api, version: '10', agent: discordAgent(), ...extra };
}

/** A REST client for the interaction webhooks and commands (see discordRestOptions). */
export function createDiscordRest(api: string, token?: string, extra: Partial<RESTOptions> = {}): REST {
  const rest = new REST(discordRestOptions(api, extra));
  if (token) rest.setToken(token);
  return rest;
}

/**
 * The alerts' own client: a single attempt with a 10-second timeout, and a rate limit
 * thrown back (RateLimitError with Retry-After) instead of waited out inside the client,
 * so the outbox honours it without holding a send open or counting it as a failure.
 */
export function createAlertRest(api: string, token: string | undefined): REST {
  return createDiscordRest(api, token, { retries: 0, timeout: 10_000, rejectOnRateLimit: () => true });
}
