/**
 * Discord's answers about delivery, in the bot's terms: a REST error becomes a
 * DeliveryError the outbox sender knows how to treat (pause the channel, wait, back off),
 * and an interaction's `app_permissions` tells at a /watch command whether the bot can
 * post its alerts in that channel.
 *
 * Discord answers refusals with an HTTP status and a JSON error code (discord.com/developers,
 * "JSON Error Codes"): 10003 Unknown Channel (404), 50001 Missing Access (403), 50013
 * Missing Permissions (403); rate limits with HTTP 429, Retry-After (seconds) and a JSON
 * retry_after. @discordjs/rest throws DiscordAPIError (code, status), RateLimitError
 * (retryAfter in ms; only when told to reject instead of waiting) or HTTPError (5xx).
 */
import { DiscordAPIError, HTTPError, PermissionFlagsBits, RateLimitError } from 'discord.js';
import { DeliveryError, type ChannelAccess } from '../../core/watch/notifier.js';

/** What an alert needs in its channel: to see it, post, show embeds, attach the full report. */
const NEEDED: readonly { readonly bit: bigint; readonly name: string }[] = [
  { bit: PermissionFlagsBits.ViewChannel, name: 'View Channel' },
  { bit: PermissionFlagsBits.SendMessages, name: 'Send Messages' },
  { bit: PermissionFlagsBits.EmbedLinks, name: 'Embed Links' },
  { bit: PermissionFlagsBits.AttachFiles, name: 'Attach Files' },
];

const ALL_NEEDED = NEEDED.map((p) => p.name)
  .join(', ')
  .replace(/, ([^,]+)$/, ' and $1');

function permissionFix(bot: string): string {
  return `Give @${bot} ${ALL_NEEDED} in this channel (Edit Channel → Permissions).`;
}

/** Refusals that retrying cannot fix: the channel's delivery is paused until someone acts. */
function refusal(code: number | string, status: number, bot: string): { problem: string; fix: string } | undefined {
  switch (code) {
    case 10003:
      return { problem: 'Discord does not know this channel any more (deleted).', fix: 'Add the watches in another channel.' };
    case 10004:
      return { problem: `@${bot} is no longer in this server.`, fix: `Invite @${bot} to the server again (its OAuth2 install link).` };
    case 50001:
      return { problem: `@${bot} cannot see this channel (Missing Access).`, fix: permissionFix(bot) };
    case 50013:
      return { problem: `@${bot} lacks a permission it needs to post here (Missing Permissions).`, fix: permissionFix(bot) };
    case 50008:
      return { problem: 'Messages cannot be sent in this kind of channel.', fix: 'Add the watches in a text channel.' };
  }
  if (status === 401) {
    return {
      problem: 'Discord no longer accepts DISCORD_TOKEN.',
      fix: "The bot's operator must set DISCORD_TOKEN to the bot's current token and restart rblbot.",
    };
  }
  return undefined;
}

/** A failed post, classified for the outbox sender. */
export function discordDeliveryError(err: unknown, bot: string): DeliveryError {
  if (err instanceof RateLimitError) {
    const ms = Math.max(err.retryAfter, err.timeToReset, 1000);
    return new DeliveryError(`Discord asked to wait ${Math.ceil(ms / 1000)} s before posting again.`, 'rate-limited', {
      code: '429',
      retryAfterMs: ms,
    });
  }
  if (err instanceof DiscordAPIError) {
    const refused = refusal(err.code, err.status, bot);
    if (refused) return new DeliveryError(refused.problem, 'channel', { code: String(err.code), fix: refused.fix });
    return new DeliveryError(`Discord did not take the message (${err.code}, HTTP ${err.status}): ${err.message}`, 'temporary', {
      code: String(err.code),
    });
  }
  if (err instanceof HTTPError) {
    return new DeliveryError(`Discord answered HTTP ${err.status}.`, 'temporary', { code: String(err.status) });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/^Expected token to be set/.test(message)) {
    // After a 401, @discordjs/rest drops the token and refuses every later request itself.
    const refused = refusal(0, 401, bot)!;
    return new DeliveryError(refused.problem, 'channel', { code: '0', fix: refused.fix });
  }
  return new DeliveryError(`Could not reach Discord: ${message}`, 'temporary', { code: 'request_failed' });
}

/**
 * What the interaction says about the bot's permissions in the channel it came from
 * (`app_permissions`, the bot's computed permissions there, overwrites included).
 */
export function discordChannelAccess(appPermissions: string | undefined, bot: string): ChannelAccess {
  if (appPermissions === undefined) return { state: 'unknown', why: 'Discord did not say what rblbot may do in this channel.' };
  let bits: bigint;
  try {
    bits = BigInt(appPermissions);
  } catch {
    return { state: 'unknown', why: 'Discord sent unreadable permissions for this channel.' };
  }
  if ((bits & PermissionFlagsBits.Administrator) !== 0n) return { state: 'ok' };
  const missing = NEEDED.filter((p) => (bits & p.bit) === 0n).map((p) => p.name);
  if (missing.length === 0) return { state: 'ok' };
  const code = missing.includes('View Channel') ? '50001' : '50013';
  return {
    state: 'blocked',
    code,
    problem: `@${bot} lacks ${missing.join(', ').replace(/, ([^,]+)$/, ' and $1')} in this channel.`,
    fix: permissionFix(bot),
  };
}

/** An operator without DISCORD_TOKEN can answer commands (HTTP mode) but never post alerts. */
export const NO_TOKEN = {
  code: 'no_token',
  problem: 'This rblbot has no Discord bot token, so it cannot post alerts anywhere.',
  fix: "The bot's operator must set DISCORD_TOKEN and restart rblbot.",
} as const;

export const NO_TOKEN_ACCESS: ChannelAccess = { state: 'blocked', ...NO_TOKEN };
