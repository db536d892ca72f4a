/**
 * Watch alerts to Slack channels: chat.postMessage with the bot token (post.ts keeps the
 * message within Slack's size and attaches the full report), and every failure classified
 * for the outbox sender (delivery.ts): refused for this channel, rate limited, or temporary.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../app/logger.js';
import { DeliveryError, type ChannelRef, type Notifier } from '../../core/watch/notifier.js';
import type { Reply } from '../../reply/reply.js';
import { slackDeliveryError } from './delivery.js';
import { postReply } from './post.js';

/**
 * Posts alerts (the bot must be a member of the channel). Its own Web API client makes a
 * single attempt with a short timeout and rejects rate-limited calls instead of waiting:
 * the outbox retries with back-off and honours Retry-After itself, and a client retrying
 * in the background could post an alert twice.
 */
export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;

  constructor(
    private readonly client: InstanceType<typeof webApi.WebClient>,
    private readonly teamId: string | undefined,
    /** The bot's name as people invite it (/invite @name). */
    private readonly botName: string,
    private readonly logger: Logger,
  ) {}

  async send(channel: ChannelRef, reply: Reply, _idempotencyKey: string): Promise<void> {
    if (channel.platform !== 'slack') throw new Error(`SlackNotifier cannot send to a ${channel.platform} channel.`);
    if (this.teamId && channel.workspaceId && channel.workspaceId !== this.teamId) {
      throw new DeliveryError(`This bot token belongs to Slack workspace ${this.teamId}, not ${channel.workspaceId}.`, 'channel', {
        code: 'other_workspace',
        fix: `Run rblbot with the bot token of workspace ${channel.workspaceId} to deliver these alerts.`,
      });
    }
    // Slack has no idempotency key for chat.postMessage; the outbox marks the row sent right after this returns.
    try {
      await postReply(this.client, channel.channelId, reply, this.logger);
    } catch (err) {
      throw slackDeliveryError(err, this.botName);
    }
  }
}
