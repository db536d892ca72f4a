/**
 * The port through which core sends unsolicited messages (watch alerts) to a chat
 * channel. Each adapter implements it for its platform; core never knows which.
 *
 * A failed send tells the outbox sender how to go on by throwing a DeliveryError:
 * - `channel`: the platform refuses this channel for good (the bot is not in it, it was
 *   archived or deleted, a permission is missing). Retrying cannot help until someone
 *   acts, so the channel's delivery is paused and /watch list says what to do.
 * - `rate-limited`: the platform asked to wait `retryAfterMs`; not a failure.
 * - `temporary` (and any other error): an outage or a timeout; retried with back-off.
 */
import type { Reply } from '../../reply/reply.js';

/** A channel on one workspace (Slack team) or guild (Discord server). */
export interface ChannelRef {
  readonly platform: 'slack' | 'discord' | 'console';
  readonly workspaceId: string;
  readonly channelId: string;
}

/** One string per channel, for maps and logs. */
export function channelKey(channel: ChannelRef): string {
  return `${channel.platform}:${channel.workspaceId}:${channel.channelId}`;
}

export type DeliveryFailureKind = 'channel' | 'rate-limited' | 'temporary';

export interface DeliveryErrorDetails {
  /** The platform's own code: Slack's error string (not_in_channel), Discord's JSON code (50013). */
  readonly code: string;
  /** What the people in the channel can do about it (`channel` failures), e.g. "/invite @rblbot". */
  readonly fix?: string;
  /** `rate-limited`: how long the platform asked to wait. */
  readonly retryAfterMs?: number;
}

/** A send that failed, classified for the sender. `message` is the problem in one sentence. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  readonly code: string;
  readonly fix: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    readonly kind: DeliveryFailureKind,
    details: DeliveryErrorDetails,
  ) {
    super(message);
    this.code = details.code;
    this.fix = details.fix;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Whether the bot can post in a channel, as the adapter can tell at the moment of a
 * command there (Discord: the interaction's app permissions; Slack: conversations.info).
 */
export type ChannelAccess =
  | { readonly state: 'ok' }
  | { readonly state: 'blocked'; readonly code: string; readonly problem: string; readonly fix: string }
  /** The adapter could not tell (a scope to ask with is missing, the API did not answer). */
  | { readonly state: 'unknown'; readonly why: string };

export interface Notifier {
  readonly platform: ChannelRef['platform'];
  /**
   * Deliver one message. `idempotencyKey` is stable across retries of the same alert
   * (Discord uses it as the message nonce with enforce_nonce so a retry after a crash
   * is not posted twice). Throws when delivery failed: a DeliveryError says how to go on.
   */
  send(channel: ChannelRef, reply: Reply, idempotencyKey: string): Promise<void>;
}
