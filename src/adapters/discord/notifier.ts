/**
 * Watch alerts to a Discord channel over REST (works in gateway and HTTP mode alike, so
 * alerts never depend on a gateway connection). The alert's idempotency key becomes
 * the message nonce with enforce_nonce, so Discord returns the earlier message instead
 * of posting a duplicate when a retry follows a send whose answer was lost.
 */
import { createHash } from 'node:crypto';
import { Routes, type REST } from 'discord.js';
import type { ChannelRef, Notifier } from '../../core/watch/notifier.js';
import type { Reply } from '../../reply/reply.js';
import { renderDiscord } from './render.js';
import { messageRequest } from './message-request.js';

/** Discord accepts nonces up to 25 characters; longer keys are hashed to fit, stably. */
export function nonceFor(idempotencyKey: string): string {
  if (idempotencyKey.length <= 25) return idempotencyKey;
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 25);
}

export class DiscordNotifier implements Notifier {
  readonly platform = 'discord' as const;

  /** `hasToken` false (HTTP mode without DISCORD_TOKEN): alerts cannot be posted, and say so. */
  constructor(
    private readonly rest: REST,
    private readonly hasToken = true,
  ) {}

  async send(channel: ChannelRef, reply: Reply, idempotencyKey: string): Promise<void> {
    if (!this.hasToken) throw new Error('Discord alerts need DISCORD_TOKEN (the bot token) to post to channels.');
    const { body, files } = messageRequest(renderDiscord(reply));
    await this.rest.post(Routes.channelMessages(channel.channelId), {
      body: { ...body, nonce: nonceFor(idempotencyKey), enforce_nonce: true },
      files,
    });
  }
}
