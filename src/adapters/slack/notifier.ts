/**
 * Watch alerts to Slack channels: chat.postMessage with the bot token, and Slack's error
 * codes turned into sentences for whoever reads the outbox error or /watch list.
 */
import type { webApi } from '@slack/bolt';
import type { ChannelRef, Notifier } from '../../core/watch/notifier.js';
import type { Reply } from '../../reply/reply.js';
import { renderSlack } from './render.js';

/** Why a post failed, in words for whoever reads the outbox error or the watch reply. */
const POST_ERRORS: Record<string, string> = {
  not_in_channel: 'rblbot is not a member of this channel: invite it with /invite @rblbot.',
  channel_not_found: 'Slack does not know this channel (deleted, or private and rblbot is not in it).',
  is_archived: 'The channel is archived.',
  invalid_auth: 'Slack refused SLACK_BOT_TOKEN.',
  account_inactive: 'The Slack app was uninstalled or its token revoked.',
  token_revoked: 'The Slack app was uninstalled or its token revoked.',
  missing_scope: 'The Slack app lacks the chat:write scope: reinstall it from manifest.yml.',
};

/** A failed alert post; `code` is Slack's error code (not_in_channel, ratelimited, …). */
export class SlackPostError extends Error {
  override name = 'SlackPostError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Posts alerts with chat.postMessage (the bot must be a member of the channel). Its own
 * Web API client makes a single attempt with a short timeout: the watch outbox retries
 * with back-off, and a client retrying in the background could post an alert twice.
 */
export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;

  constructor(
    private readonly client: InstanceType<typeof webApi.WebClient>,
    private readonly teamId: string | undefined,
  ) {}

  async send(channel: ChannelRef, reply: Reply, _idempotencyKey: string): Promise<void> {
    if (channel.platform !== 'slack') throw new Error(`SlackNotifier cannot send to a ${channel.platform} channel.`);
    if (this.teamId && channel.workspaceId && channel.workspaceId !== this.teamId) {
      throw new Error(`This bot token belongs to Slack workspace ${this.teamId}, not ${channel.workspaceId}.`);
    }
    // Slack has no idempotency key for chat.postMessage; the outbox marks the row sent right after this returns.
    const { text, blocks } = renderSlack(reply);
    try {
      await this.client.chat.postMessage({ channel: channel.channelId, text, blocks, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? (err as { code?: string }).code ?? 'request_failed';
      throw new SlackPostError(POST_ERRORS[code] ?? `Slack did not take the message (${code}): ${(err as Error).message}`, code);
    }
  }
}
