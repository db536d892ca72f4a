/**
 * A small fake of Slack for tests, on 127.0.0.1: it answers Web API methods under /api/
 * (auth.test, views.open, chat.postMessage, users.info, conversations.info, the three steps
 * of files.uploadV2, …) and accepts response_url posts under /respond/, recording every
 * call. Failures are answered as Slack answers them: HTTP 200 with `{ok:false,error:…}`,
 * and HTTP 429 with a Retry-After header for rate limits (see slackError, rateLimited).
 * Also signs requests the way Slack does.
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

/** A non-200 answer (Slack uses 429 with Retry-After; a 5xx stands for an outage). */
export class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> | string,
    readonly headers: Record<string, string> = {},
  ) {}
}

type MethodHandler = (body: Record<string, any>) => Record<string, unknown> | HttpAnswer;

/** Slack's answer to a refused call: HTTP 200 and `{ ok: false, error }` (plus e.g. `needed` for missing_scope). */
export function slackError(error: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ok: false, error, ...extra };
}

/** Slack's rate-limit answer: HTTP 429, Retry-After in seconds, `{ ok: false, error: 'ratelimited' }`. */
export function rateLimited(retryAfterSeconds: number): HttpAnswer {
  return new HttpAnswer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterSeconds) });
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  private waiters: { match: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  private readonly handlers = new Map<string, MethodHandler>();
  /** File ids handed out by files.getUploadURLExternal (F0001, F0002, …). */
  fileSeq = 0;
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  /** Listen on `port` (default: any free one). */
  static async start(port = 0): Promise<FakeSlack> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void fake.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    // The handler above runs only after this line: no request arrives before listen().
    const fake = new FakeSlack(server, (server.address() as { port: number }).port);
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

  /** Back to the default answer of a method. */
  reset(method: string): void {
    this.handlers.delete(method);
  }

  /** Files uploaded with files.uploadV2 (step 2: the bytes sent to the upload URL), by file id. */
  uploads(): { fileId: string; text: string }[] {
    return this.calls.filter((c) => c.method === 'upload').map((c) => ({ fileId: c.path.split('/').pop()!, text: String(c.body.text) }));
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

  private async handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const contentType = req.headers['content-type'] ?? '';
    let answer: Record<string, unknown> | HttpAnswer;
    let method: string;
    let body: Record<string, any>;
    let file: Buffer | undefined;
    if (path.startsWith('/respond/gone')) {
      // An expired response_url.
      this.calls.push({ method: 'respond', path, body: parseBody(contentType, raw.toString('utf8')) });
      res.writeHead(404, { 'content-type': 'text/plain' }).end('expired_url');
      return;
    } else if (path.startsWith('/upload/')) {
      // Step 2 of files.uploadV2: the file's bytes, posted to the URL step 1 handed out.
      method = 'upload';
      file = await uploadedBytes(contentType, raw);
      body = { text: file.toString('utf8') };
      answer = new HttpAnswer(200, `OK - ${raw.length}`);
    } else if (path.startsWith('/respond/')) {
      method = 'respond';
      body = parseBody(contentType, raw.toString('utf8'));
      answer = { ok: true };
    } else if (path.startsWith('/api/')) {
      method = path.slice('/api/'.length);
      body = parseBody(contentType, raw.toString('utf8'));
      const handler = this.handlers.get(method) ?? DEFAULTS[method];
      answer = handler ? handler.call(this, body) : { ok: true };
    } else {
      res.writeHead(404).end();
      return;
    }
    const call: RecordedCall = {
      method,
      path,
      body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(file ? { bytes: file } : {}),
    };
    this.calls.push(call);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(call)) return true;
      w.resolve(call);
      return false;
    });
    if (answer instanceof HttpAnswer) {
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers }).end(text);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }
}

/** The bytes of an uploaded file: the raw body, or the one file part of a multipart form. */
async function uploadedBytes(contentType: string, raw: Buffer): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return raw;
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  for (const value of form.values()) if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  return Buffer.alloc(0);
}

let postSeq = 0;

/** Where the fake's chat.postMessage starts answering msg_blocks_too_long. */
export const BLOCK_TEXT_LIMIT = 12_000;

/** Characters of every `text` string inside blocks (what Slack's cumulative limit counts). */
export function blockTextLength(blocks: unknown): number {
  if (Array.isArray(blocks)) return blocks.reduce((n: number, b) => n + blockTextLength(b), 0);
  if (!blocks || typeof blocks !== 'object') return 0;
  let n = 0;
  for (const [key, value] of Object.entries(blocks)) {
    if (key === 'text' && typeof value === 'string') n += value.length;
    else if (key === 'url' && typeof value === 'string') n += value.length;
    else n += blockTextLength(value);
  }
  return n;
}

const DEFAULTS: Record<string, (this: FakeSlack, body: Record<string, any>) => Record<string, unknown> | HttpAnswer> = {
  'auth.test': () => ({ ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'rblbot', team_id: 'T0TEST', user_id: 'UBOT', bot_id: 'BBOT' }),
  // The bot is a member of every channel unless a test says otherwise.
  'conversations.info': (b) => ({
    ok: true,
    channel: { id: b.channel, name: 'mail-ops', is_channel: true, is_private: false, is_archived: false, is_member: true },
  }),
  'files.getUploadURLExternal': function (b) {
    const id = `F${String(++this.fileSeq).padStart(4, '0')}`;
    return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id, filename: b.filename };
  },
  'files.completeUploadExternal': (b) => ({
    ok: true,
    files: (Array.isArray(b.files) ? b.files : []).map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title ?? '' })),
  }),
  'views.open': (b) => ({ ok: true, view: { id: 'V0001', ...(typeof b.view === 'object' ? b.view : {}) } }),
  // Slack refuses blocks whose text adds up to about 12,000 characters (bolt-js issues 2509, 2867).
  'chat.postMessage': (b) =>
    blockTextLength(b.blocks) > BLOCK_TEXT_LIMIT
      ? slackError('msg_blocks_too_long')
      : { ok: true, channel: b.channel, ts: `1700000000.${String(++postSeq).padStart(6, '0')}` },
  'chat.postEphemeral': () => ({ ok: true, message_ts: '1700000000.000200' }),
  'users.info': (b) => ({ ok: true, user: { id: b.user, is_admin: false, is_owner: false } }),
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
