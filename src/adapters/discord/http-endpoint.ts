/**
 * Discord's HTTP interactions endpoint (/interactions on the shared server): verifies
 * the Ed25519 signature (401 otherwise, as Discord requires), then hands the payload to
 * the same InteractionHandler the gateway uses. The handler's first response (PONG,
 * defer, modal) becomes this request's HTTP response; later edits go over REST.
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
/** Discord gives up after 3 s; answer before that even if the handler is stuck. */
const RESPONSE_DEADLINE_MS = 2500;

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text);
}

export function interactionsRoute(publicKey: KeyObject, handler: InteractionHandler, logger: Logger): RouteHandler {
  return async (req, res) => {
    if (req.method !== 'POST') return send(res, 405, 'method not allowed\n');
    const body = await readBody(req);
    if (!body) return send(res, 413, 'too large\n');
    const signature = req.headers['x-signature-ed25519'];
    const timestamp = req.headers['x-signature-timestamp'];
    if (
      !verifyDiscordSignature(
        publicKey,
        typeof signature === 'string' ? signature : undefined,
        typeof timestamp === 'string' ? timestamp : undefined,
        body,
      )
    ) {
      return send(res, 401, 'invalid request signature\n');
    }
    let raw: APIInteraction;
    try {
      raw = JSON.parse(body.toString('utf8')) as APIInteraction;
    } catch {
      return send(res, 400, 'bad json\n');
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
