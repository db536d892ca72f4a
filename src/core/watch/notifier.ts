/**
 * The port through which core sends unsolicited messages (watch alerts) to a chat
 * channel. Each adapter implements it for its platform; core never knows which.
 */
import type { Reply } from '../../reply/reply.js';

/** A channel on one workspace (Slack team) or guild (Discord server). */
export interface ChannelRef {
  readonly platform: 'slack' | 'discord' | 'console';
  readonly workspaceId: string;
  readonly channelId: string;
}

export interface Notifier {
  readonly platform: ChannelRef['platform'];
  /**
   * Deliver one message. `idempotencyKey` is stable across retries of the same alert
   * (Discord uses it as the message nonce with enforce_nonce so a retry after a crash
   * is not posted twice). Throws when delivery failed and may be retried.
   */
  send(channel: ChannelRef, reply: Reply, idempotencyKey: string): Promise<void>;
}
