/**
 * Slack's answers about delivery, in the bot's terms: a Web API error becomes a
 * DeliveryError the outbox sender knows how to treat (pause the channel, wait, back off),
 * with the sentence and the fix people in the channel see in /watch list; and
 * conversations.info tells, at a /watch command, whether the bot can post there.
 *
 * Slack answers refusals with HTTP 200 and `{ ok: false, error: "<code>" }`, rate limits
 * with HTTP 429 and Retry-After (seconds). The WebClient turns these into errors with
 * `code` slack_webapi_platform_error (and `data.error`) or slack_webapi_rate_limited_error
 * (and `retryAfter`).
 */
import type { webApi } from '@slack/bolt';
import { DeliveryError, type ChannelAccess } from '../../core/watch/notifier.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** What the people of a channel read when Slack refuses it for good, and what they can do. */
interface Refusal {
  readonly problem: string;
  readonly fix: string;
}

/**
 * Refusals that retrying cannot fix (docs.slack.dev, chat.postMessage "Errors"): the channel's
 * delivery is paused until someone acts. `bot` is the bot's name as people invite it.
 */
function refusal(code: string, bot: string, needed?: string): Refusal | undefined {
  const invite = `Invite it with /invite @${bot} in this channel.`;
  const reinstall = 'Reinstall the Slack app from manifest.yml (npm run manifest writes it), then restart rblbot.';
  switch (code) {
    case 'not_in_channel':
      return { problem: `@${bot} is not a member of this channel.`, fix: invite };
    case 'channel_not_found':
      return { problem: `Slack does not show this channel to @${bot}: it is private and @${bot} is not in it, or it was deleted.`, fix: invite };
    case 'is_archived':
      return { problem: 'This channel is archived.', fix: 'Unarchive it, or add the watches in another channel.' };
    case 'missing_scope':
      return { problem: `The Slack app lacks the ${needed ?? 'permission (scope)'} it needs to post here.`, fix: reinstall };
    case 'account_inactive':
    case 'token_revoked':
    case 'invalid_auth':
    case 'not_authed':
      return {
        problem: 'Slack no longer accepts the bot token: the app was uninstalled or its token revoked.',
        fix: 'Reinstall the Slack app and set SLACK_BOT_TOKEN to its new token.',
      };
    case 'restricted_action':
    case 'restricted_action_read_only_channel':
    case 'restricted_action_thread_only_channel':
    case 'restricted_action_non_threadable_channel':
    case 'ekm_access_denied':
    case 'team_access_not_granted':
    case 'no_permission':
      return {
        problem: `Workspace or channel settings do not let @${bot} post here (${code}).`,
        fix: `Ask a workspace admin to let @${bot} post in this channel.`,
      };
    default:
      return undefined;
  }
}

/** Codes that mean "this message", not "this channel": sent again in plain form, not retried as is. */
export const MESSAGE_REJECTIONS: ReadonlySet<string> = new Set([
  'msg_blocks_too_long',
  'msg_too_long',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'too_many_attachments',
]);

interface WebApiErrorShape {
  code?: string;
  data?: { error?: string; needed?: string };
  retryAfter?: number;
  statusCode?: number;
}

/** Slack's error code of a failed Web API call ("not_in_channel"), or the client's own code. */
export function slackErrorCode(err: unknown): string {
  const e = err as WebApiErrorShape;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  return e?.data?.error ?? e?.code ?? 'request_failed';
}

/** A failed post, classified for the outbox sender. */
export function slackDeliveryError(err: unknown, bot: string): DeliveryError {
  const e = err as WebApiErrorShape;
  if (e?.code === 'slack_webapi_rate_limited_error') {
    const seconds = typeof e.retryAfter === 'number' && e.retryAfter > 0 ? e.retryAfter : 1;
    return new DeliveryError(`Slack asked to wait ${seconds} s before posting again.`, 'rate-limited', {
      code: 'ratelimited',
      retryAfterMs: seconds * 1000,
    });
  }
  const code = slackErrorCode(err);
  const refused = refusal(code, bot, e?.data?.needed);
  if (refused) return new DeliveryError(refused.problem, 'channel', { code, fix: refused.fix });
  const detail = e?.statusCode ? `HTTP ${e.statusCode}` : err instanceof Error ? err.message : String(err);
  return new DeliveryError(`Slack did not take the message (${code}): ${detail}`, 'temporary', { code });
}

/**
 * Can the bot post in this channel? conversations.info answers for channels the token may
 * see (scopes channels:read and groups:read); a private channel the bot is not in is
 * "channel_not_found". A direct message with the bot always works.
 */
export async function slackChannelAccess(client: WebClient, channelId: string, bot: string): Promise<ChannelAccess> {
  if (channelId.startsWith('D')) return { state: 'ok' };
  try {
    const info = await client.conversations.info({ channel: channelId });
    const channel = info.channel;
    if (channel?.is_archived) return blocked('is_archived', bot);
    if (channel?.is_member === false) return blocked('not_in_channel', bot);
    return { state: 'ok' };
  } catch (err) {
    const code = slackErrorCode(err);
    if (code === 'missing_scope') {
      const needed = (err as WebApiErrorShape).data?.needed ?? 'channels:read';
      return { state: 'unknown', why: `the Slack app lacks the ${needed} scope; reinstall it from manifest.yml.` };
    }
    if (code === 'channel_not_found') return blocked(code, bot);
    const refused = refusal(code, bot);
    if (refused) return { state: 'blocked', code, ...refused };
    return { state: 'unknown', why: `Slack did not answer conversations.info (${code}).` };
  }
}

function blocked(code: string, bot: string): ChannelAccess {
  return { state: 'blocked', code, ...refusal(code, bot)! };
}
