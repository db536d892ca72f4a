/**
 * Delivers a command's answer through Slack's response_url: an optional interim message
 * ("checking 60 lists…") shown only when the work takes longer than a moment, then the
 * final answer replacing it. A response_url takes at most 5 posts within 30 minutes, so
 * one command uses at most three (interim, delete, final).
 */
import type { Logger } from '../../app/logger.js';
import type { Reply } from '../../reply/reply.js';
import { renderSlack } from './render.js';

/** POST a JSON message to a response_url; throws on a non-2xx answer (e.g. an expired URL). */
export async function postToResponseUrl(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  // Drain the body so the connection can be reused.
  await res.text().catch(() => '');
  if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
}

export function responseBody(reply: Reply, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { text, blocks } = renderSlack(reply);
  return {
    response_type: reply.visibility === 'channel' ? 'in_channel' : 'ephemeral',
    text,
    blocks,
    unfurl_links: false,
    unfurl_media: false,
    ...extra,
  };
}

export class ResponseUrlDelivery {
  private pending: Reply | undefined;
  private timer: NodeJS.Timeout | undefined;
  private interim: Promise<Reply | undefined> | undefined;
  private finished = false;

  constructor(
    private readonly url: string,
    /** How long work may run before the interim message is shown. */
    private readonly progressDelayMs: number,
    private readonly logger: Logger,
  ) {}

  /** Remember an interim answer; it is posted only if the final one is not ready in time. */
  progress(reply: Reply): Promise<void> {
    if (this.finished || this.interim) return Promise.resolve();
    this.pending = reply;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const shown = this.pending;
        if (this.finished || !shown) return;
        this.interim = postToResponseUrl(this.url, responseBody(shown)).then(
          () => shown,
          (error: unknown) => {
            this.logger.warn({ err: error }, 'Slack: could not post the interim answer');
            return undefined;
          },
        );
      }, this.progressDelayMs);
      this.timer.unref?.();
    }
    return Promise.resolve();
  }

  /** Post the final answer, replacing the interim one when it was shown. */
  async final(reply: Reply): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const shown = this.interim ? await this.interim : undefined;
    if (shown && shown.visibility === reply.visibility) {
      await postToResponseUrl(this.url, responseBody(reply, { replace_original: true }));
      return;
    }
    if (shown) {
      // An in-channel "checking…" cannot turn into an ephemeral error (or back): remove it first.
      await postToResponseUrl(this.url, { delete_original: true }).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'Slack: could not remove the interim answer'),
      );
    }
    await postToResponseUrl(this.url, responseBody(reply));
  }
}
