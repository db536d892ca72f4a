/**
 * A fake Discord REST API on 127.0.0.1 for tests: records every request (JSON bodies and
 * multipart uploads decoded) and answers like Discord would for the routes rblbot uses.
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

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Served at GET /cdn/<name>. */
  readonly cdn = new Map<string, Buffer>();
  /** Status to answer for requests whose path matches, once each (e.g. simulate an outage). */
  readonly failures: { match: RegExp; status: number }[] = [];
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

  static async start(): Promise<FakeDiscord> {
    const server = http.createServer((req, res) => {
      void fake.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
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

    const failure = this.failures.findIndex((f) => f.match.test(`${req.method} ${path}`));
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      return void res.writeHead(f!.status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'fake failure', code: 0 }));
    }

    const json = (status: number, data: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
    if (/^\/interactions\/[^/]+\/[^/]+\/callback$/.test(path)) return void res.writeHead(204).end();
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
