/**
 * A small fake of Slack for tests, on 127.0.0.1: it answers Web API methods under /api/
 * (auth.test, views.open, chat.postMessage, users.info, …) and accepts response_url posts
 * under /respond/, recording every call. Also signs requests the way Slack does.
 */
import crypto from 'node:crypto';
import http from 'node:http';

export interface RecordedCall {
  /** Web API method ("chat.postMessage") or "respond". */
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, any>;
  readonly authorization?: string;
  /** The raw bytes of a file upload (files.uploadV2 sends them to the upload URL). */
  readonly bytes?: Buffer;
}

type MethodHandler = (body: Record<string, any>) => Record<string, unknown>;

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  private waiters: { match: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  private readonly handlers = new Map<string, MethodHandler>();
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeSlack> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void fake.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // The handler above runs only after this line: no request arrives before listen().
    const fake = new FakeSlack(server, port);
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  /** Override a Web API method's answer. */
  on(method: string, handler: MethodHandler): void {
    this.handlers.set(method, handler);
  }

  callsTo(method: string, path?: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (path === undefined || c.path === path));
  }

  /** Resolves with the first recorded call (past or future) matching `match`. */
  waitFor(match: (c: RecordedCall) => boolean, skip = 0): Promise<RecordedCall> {
    const seen = this.calls.filter(match);
    if (seen.length > skip) return Promise.resolve(seen[skip]!);
    let remaining = skip - seen.length;
    return new Promise((resolve) => {
      this.waiters.push({
        match: (c) => {
          if (!match(c)) return false;
          if (remaining > 0) {
            remaining--;
            return false;
          }
          return true;
        },
        resolve,
      });
    });
  }

  /** The n-th (0-based) post to a response_url id. */
  waitForRespond(id: string, nth = 0): Promise<RecordedCall> {
    return this.waitFor((c) => c.method === 'respond' && c.path === `/respond/${id}`, nth);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, bytes: Buffer, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/upload/')) {
      // files.uploadV2's second step: the file, sent (as a form) to the URL files.getUploadURLExternal gave.
      const type = req.headers['content-type'] ?? '';
      let file = bytes;
      if (type.startsWith('multipart/form-data')) {
        const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': type } }).formData();
        const part = [...form.values()].find((v) => typeof v !== 'string');
        if (part) file = Buffer.from(await part.arrayBuffer());
      }
      this.record({ method: 'upload', path, body: {}, bytes: file });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - 1');
      return;
    }
    const raw = bytes.toString('utf8');
    const body = parseBody(req.headers['content-type'] ?? '', raw);
    let answer: Record<string, unknown>;
    let method: string;
    if (path.startsWith('/respond/gone')) {
      // An expired response_url.
      this.calls.push({ method: 'respond', path, body });
      res.writeHead(404, { 'content-type': 'text/plain' }).end('expired_url');
      return;
    } else if (path.startsWith('/respond/')) {
      method = 'respond';
      answer = { ok: true };
    } else if (path.startsWith('/api/')) {
      method = path.slice('/api/'.length);
      const handler = this.handlers.get(method) ?? DEFAULTS[method];
      answer = handler ? handler(body) : { ok: true };
      if (method === 'files.getUploadURLExternal' && !this.handlers.has(method)) {
        const id = `F${String(this.calls.filter((c) => c.method === method).length + 1).padStart(4, '0')}`;
        answer = { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id };
      }
    } else {
      res.writeHead(404).end();
      return;
    }
    this.record({ method, path, body, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(call)) return true;
      w.resolve(call);
      return false;
    });
  }
}

const DEFAULTS: Record<string, MethodHandler> = {
  'auth.test': () => ({ ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'rblbot', team_id: 'T0TEST', user_id: 'UBOT', bot_id: 'BBOT' }),
  'views.open': (b) => ({ ok: true, view: { id: 'V0001', ...(typeof b.view === 'object' ? b.view : {}) } }),
  'chat.postMessage': (b) => ({ ok: true, channel: b.channel, ts: '1700000000.000100' }),
  'chat.postEphemeral': () => ({ ok: true, message_ts: '1700000000.000200' }),
  'users.info': (b) => ({ ok: true, user: { id: b.user, is_admin: false, is_owner: false } }),
  'files.completeUploadExternal': (b) => ({ ok: true, files: (Array.isArray(b.files) ? b.files : []).map((f: { id: string }) => ({ id: f.id })) }),
};

/** Web API calls arrive form-encoded with JSON-encoded structured fields; response_url posts as JSON. */
function parseBody(contentType: string, raw: string): Record<string, any> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, any>) : {};
  const out: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Slack's v0 request signature. */
export function signSlackRequest(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface PostResult {
  readonly status: number;
  readonly body: string;
}

/** POST a form-encoded, signed request to the bot's /slack/events, as Slack would. */
export async function postSigned(
  url: string,
  secret: string,
  form: Record<string, string>,
  options: { timestamp?: number; signWith?: string } = {},
): Promise<PostResult> {
  const body = new URLSearchParams(form).toString();
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    ...signSlackRequest(options.signWith ?? secret, body, options.timestamp),
  };
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

/** A slash command payload. */
export function slashCommand(fields: { command: string; text: string; responseUrl: string; userId?: string; channelId?: string }) {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0TEST',
    team_domain: 'test',
    channel_id: fields.channelId ?? 'C0CHAN',
    channel_name: 'mail-ops',
    user_id: fields.userId ?? 'U0USER',
    user_name: 'alice',
    command: fields.command,
    text: fields.text,
    api_app_id: 'A0APP',
    response_url: fields.responseUrl,
    trigger_id: '1337.42.abcdef',
  };
}
