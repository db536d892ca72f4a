/**
 * Discord's HTTP interactions endpoint (/interactions on the shared server): verifies
 * the Ed25519 signature (401 otherwise, as Discord requires), then hands the payload to
 * the same InteractionHandler the gateway uses. The handler's first response (PONG,
 * defer, modal) becomes this request's HTTP response; later edits go over REST.
 *
 * A correctly signed request is still refused when it is a replay: its signed timestamp
 * is more than 5 minutes from now, or its interaction id was already handled. A body over
 * the size cap is answered 413 (not a reset connection), and a body that is valid JSON but
 * not an interaction (`null`, an array, no type) 400.
 */
import type http from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { APIInteraction, APIInteractionResponse } from 'discord.js';
import type { RouteHandler } from '../http-server.js';
import type { InteractionHandler } from './interactions.js';
import type { Logger } from '../../app/logger.js';
import { verifyDiscordSignature } from './signature.js';

/** Interactions with a resolved message can be large, but not this large. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** An oversized body is read and dropped up to this much, so the 413 reaches the client; beyond it the connection is cut. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
/** Discord gives up after 3 s; answer before that even if the handler is stuck. */
const RESPONSE_DEADLINE_MS = 2500;
/** How far a signed timestamp may be from now (Slack's rule too): older requests are replays. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

type Body = { readonly bytes: Buffer } | { readonly tooLarge: true };

function readBody(req: http.IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        resolve({ tooLarge: true });
        return;
      }
      // Past the cap, keep reading (and dropping) so that the client is done sending and reads the 413.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? { tooLarge: true } : { bytes: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text);
}

/** The interaction ids handled in the last MAX_CLOCK_SKEW_MS (older ones are refused by their timestamp anyway). */
class RecentIds {
  private readonly seen = new Map<string, number>();

  /** False when `id` was already seen. */
  add(id: string, now: number): boolean {
    for (const [old, at] of this.seen) {
      if (at > now - 2 * MAX_CLOCK_SKEW_MS) break;
      this.seen.delete(old);
    }
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    return true;
  }
}

/** What every interaction has; anything else is not one. */
function isInteraction(value: unknown): value is APIInteraction {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'number' && typeof v.id === 'string' && typeof v.application_id === 'string' && typeof v.token === 'string';
}

export function interactionsRoute(publicKey: KeyObject, handler: InteractionHandler, logger: Logger, now: () => number = Date.now): RouteHandler {
  const recent = new RecentIds();
  return async (req, res) => {
    if (req.method !== 'POST') return send(res, 405, 'method not allowed\n');
    const body = await readBody(req);
    if ('tooLarge' in body) return send(res, 413, 'request body too large\n');
    const signature = req.headers['x-signature-ed25519'];
    const timestamp = req.headers['x-signature-timestamp'];
    if (
      !verifyDiscordSignature(
        publicKey,
        typeof signature === 'string' ? signature : undefined,
        typeof timestamp === 'string' ? timestamp : undefined,
        body.bytes,
      )
    ) {
      return send(res, 401, 'invalid request signature\n');
    }
    // The timestamp is signed, so this check cannot be forged around.
    const signedAt = Number(timestamp) * 1000;
    if (!Number.isFinite(signedAt) || Math.abs(now() - signedAt) > MAX_CLOCK_SKEW_MS) {
      logger.warn({ timestamp }, 'discord: refused a signed request with a stale timestamp (replay?)');
      return send(res, 401, 'stale request timestamp\n');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      return send(res, 400, 'bad json\n');
    }
    if (!isInteraction(raw)) return send(res, 400, 'not an interaction\n');
    if (!recent.add(raw.id, now())) {
      logger.warn({ interaction: raw.id }, 'discord: refused an interaction already handled (replay)');
      return send(res, 401, 'interaction already handled\n');
    }

    let answer!: (response: APIInteractionResponse) => void;
    const first = new Promise<APIInteractionResponse | undefined>((resolve) => {
      answer = resolve;
      setTimeout(() => resolve(undefined), RESPONSE_DEADLINE_MS).unref();
    });
    // Edits over REST must not overtake the HTTP response that acknowledges the
    // interaction, so the handler continues only once the response has been written.
    const written = new Promise<void>((resolve) => res.once('finish', () => resolve()).once('close', () => resolve()));
    void handler.handle(raw, async (response) => {
      answer(response);
      await written;
    });
    const response = await first;
    if (response) return send(res, 200, response);
    logger.error({ interaction: raw.id }, 'discord: no initial response within the deadline');
    send(res, 500, 'no response\n');
  };
}
