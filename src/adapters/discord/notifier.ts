/**
 * Watch alerts to a Discord channel over REST (works in gateway and HTTP mode alike, so
 * alerts never depend on a gateway connection). The alert's idempotency key becomes
 * the message nonce with enforce_nonce, so Discord returns the earlier message instead
 * of posting a duplicate when a retry follows a send whose answer was lost. Failures are
 * classified for the outbox sender (delivery.ts).
 */
import { createHash } from 'node:crypto';
import { Routes, type REST } from 'discord.js';
import type { ChannelRef, Notifier } from '../../core/watch/notifier.js';
import { DeliveryError } from '../../core/watch/notifier.js';
import type { Reply } from '../../reply/reply.js';
import { renderDiscord } from './render.js';
import { messageRequest } from './message-request.js';
import { discordDeliveryError, NO_TOKEN } from './delivery.js';

/** Discord accepts nonces up to 25 characters; longer keys are hashed to fit, stably. */
export function nonceFor(idempotencyKey: string): string {
  if (idempotencyKey.length <= 25) return idempotencyKey;
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 25);
}

export class DiscordNotifier implements Notifier {
  readonly platform = 'discord' as const;

  /**
   * `rest` is the notifier's own client (createAlertRest): one attempt, and a 429 thrown
   * back rather than waited out, so the outbox keeps the schedule. `hasToken` false (HTTP
   * mode without DISCORD_TOKEN): alerts cannot be posted, and say so.
   */
  constructor(
    private readonly rest: REST,
    private readonly hasToken = true,
    private readonly botName: () => string = () => 'rblbot',
  ) {}

  async send(channel: ChannelRef, reply: Reply, idempotencyKey: string): Promise<void> {
    if (!this.hasToken) {
      throw new DeliveryError(NO_TOKEN.problem, 'channel', { code: NO_TOKEN.code, fix: NO_TOKEN.fix });
    }
    const { body, files } = messageRequest(renderDiscord(reply));
    try {
      await this.rest.post(Routes.channelMessages(channel.channelId), {
        body: { ...body, nonce: nonceFor(idempotencyKey), enforce_nonce: true },
        files,
      });
    } catch (err) {
      throw discordDeliveryError(err, this.botName());
    }
  }
}
