/**
 * A stand-in chat platform for the multi-replica tests: replicas POST their alerts here
 * (test/fixtures/replica.ts). Like Discord with a message nonce, a second post with the
 * same idempotency key is acknowledged but not shown again; every attempt is kept, so a
 * test sees both what users saw (`shown`) and what was sent (`accepted`).
 *
 * `acceptAfterMs` holds each request before accepting it: a sender killed meanwhile
 * closes the connection and the alert counts as never accepted, as on a real platform
 * whose request never completed.
 */
import http from 'node:http';

export interface Posted {
  readonly key: string;
  readonly channel: { readonly channelId: string };
  readonly title: string;
  /** The alert's full text: one LISTED/CLEARED line per change. */
  readonly text: string;
  readonly replica: string;
}

export class AlertRecorder {
  readonly accepted: Posted[] = [];
  readonly attempts: Posted[] = [];
  acceptAfterMs = 0;
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<AlertRecorder> {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const posted = { ...(JSON.parse(body) as Omit<Posted, 'replica'>), replica: String(req.headers['x-replica']) };
        recorder.attempts.push(posted);
        const accept = (): void => {
          if (res.socket?.destroyed || req.socket.destroyed) return;
          recorder.accepted.push(posted);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        };
        if (recorder.acceptAfterMs > 0) setTimeout(accept, recorder.acceptAfterMs);
        else accept();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const recorder = new AlertRecorder(server, `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts`);
    return recorder;
  }

  /** One entry per idempotency key: what users saw. */
  get shown(): Posted[] {
    const seen = new Map<string, Posted>();
    for (const p of this.accepted) if (!seen.has(p.key)) seen.set(p.key, p);
    return [...seen.values()];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
