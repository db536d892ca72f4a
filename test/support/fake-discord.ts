/**
 * A fake Discord REST API on 127.0.0.1 for tests: records every request (JSON bodies and
 * multipart uploads decoded) and answers like Discord would for the routes rblbot uses.
 * Failures are answered as Discord answers them: an HTTP status with a JSON error code
 * (discordError: 50013 Missing Permissions…), and 429 with Retry-After (rateLimited).
 * It also serves attachment files, standing in for Discord's CDN.
 */
import http from 'node:http';

export interface RecordedFile {
  readonly name: string;
  readonly text: string;
  readonly bytes: Buffer;
  readonly type: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the /api/v10 prefix, e.g. /interactions/1/tok/callback. */
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;

  readonly body: any;
  readonly files: RecordedFile[];
}

/** A failure to answer for requests whose "METHOD /path" matches, `times` times (default once). */
export interface FakeFailure {
  readonly match: RegExp;
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  times?: number;
}

/** The JSON error codes rblbot meets when posting (discord.com/developers, "JSON Error Codes"). */
export const DISCORD_ERRORS = {
  unknownChannel: { status: 404, body: { message: 'Unknown Channel', code: 10003 } },
  missingAccess: { status: 403, body: { message: 'Missing Access', code: 50001 } },
  missingPermissions: { status: 403, body: { message: 'Missing Permissions', code: 50013 } },
  unauthorized: { status: 401, body: { message: '401: Unauthorized', code: 0 } },
  serverError: { status: 502, body: { message: 'Bad Gateway', code: 0 } },
} as const;

/** Discord's 429: Retry-After in whole seconds, retry_after in the body, and the bucket headers. */
export function rateLimited(seconds: number, global = false): Omit<FakeFailure, 'match'> {
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: seconds, global },
    headers: {
      'retry-after': String(Math.ceil(seconds)),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': String(seconds),
      'x-ratelimit-bucket': 'fake-bucket',
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global ? { 'x-ratelimit-global': 'true' } : {}),
    },
  };
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Served at GET /cdn/<name>. */
  readonly cdn = new Map<string, Buffer>();
  /** Failures to answer for requests whose "METHOD /path" matches (an outage, a refusal). */
  readonly failures: FakeFailure[] = [];
  private waiters: (() => void)[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  /** REST base as DISCORD_API_URL expects it (no version). */
  get api(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  cdnUrl(name: string): string {
    return `http://127.0.0.1:${this.port}/cdn/${name}`;
  }

  /** Listen on `port` (default: any free one). */
  static async start(port = 0): Promise<FakeDiscord> {
    const server = http.createServer((req, res) => {
      void fake.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    // The handler above runs only after this line: no request arrives before listen().
    const fake = new FakeDiscord(server, typeof address === 'object' && address ? address.port : 0);
    return fake;
  }

  reset(): void {
    this.requests.length = 0;
    this.failures.length = 0;
  }

  /** Wait until `count` requests matching `filter` have arrived (the handler runs after the response). */
  async waitFor(filter: (r: RecordedRequest) => boolean, count = 1, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.filter(filter);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for requests; got: ${this.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = req.url ?? '/';

    if (req.method === 'GET' && url.startsWith('/cdn/')) {
      const file = this.cdn.get(decodeURIComponent(url.slice('/cdn/'.length)));
      if (!file) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(file);
    }

    const path = decodeURIComponent(url.replace(/^\/api\/v10/, '').split('?')[0] ?? '/');
    let body: unknown = undefined;
    const files: RecordedFile[] = [];
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      for (const [key, value] of form.entries()) {
        if (key === 'payload_json' && typeof value === 'string') body = JSON.parse(value);
        else if (typeof value !== 'string') {
          const bytes = Buffer.from(await value.arrayBuffer());
          files.push({ name: value.name, text: bytes.toString('utf8'), bytes, type: value.type });
        }
      }
    } else if (raw.length > 0) {
      body = JSON.parse(raw.toString('utf8'));
    }
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, files });
    for (const wake of this.waiters.splice(0)) wake();

    const failure = this.failures.find((f) => f.match.test(`${req.method} ${path}`));
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      const body = failure.body ?? { message: 'fake failure', code: 0 };
      return void res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers }).end(JSON.stringify(body));
    }

    const json = (status: number, data: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
    if (/^\/interactions\/[^/]+\/[^/]+\/callback$/.test(path)) return void res.writeHead(204).end();
    if (path === '/users/@me' && req.method === 'GET') {
      return void json(200, { id: '999000000000000001', username: 'rblbot', discriminator: '0', global_name: null, avatar: null, bot: true });
    }
    if (req.method === 'DELETE') return void res.writeHead(204).end();
    if (/\/commands$/.test(path) && req.method === 'PUT') {
      return void json(
        200,
        (body as object[]).map((c, i) => ({ ...c, id: String(1000 + i), version: '1' })),
      );
    }
    if (/^\/webhooks\//.test(path) || /^\/channels\/[^/]+\/messages$/.test(path)) {
      return void json(200, { id: String(this.requests.length), channel_id: '1', content: '', ...(body as object) });
    }
    json(404, { message: 'Unknown route', code: 0 });
  }
}
