/**
 * One SMTP client connection for the relay probe, over node:net with an optional
 * STARTTLS upgrade (node:tls). It only knows how to send one command line and wait
 * for one reply, each under a timeout, and records everything in a transcript. What
 * to send is the probe's business (probe.ts); this module never sends DATA on its own.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ReplyParser, replyLines, type SmtpReply } from './smtp-reply.js';
import type { TlsReport } from './types.js';

export type TranscriptEntry = { readonly dir: 'C' | 'S' | '*'; readonly text: string };

export type ConnectFailure = 'timeout' | 'refused' | 'reset' | 'unreachable' | 'other';

/** Connecting failed before any SMTP was spoken. */
export class ConnectError extends Error {
  override name = 'ConnectError';
  constructor(
    readonly kind: ConnectFailure,
    message: string,
  ) {
    super(message);
  }
}

export type SessionFailure = 'timeout' | 'closed' | 'protocol';

/** The conversation broke: the server went silent, hung up or spoke garbage. */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly kind: SessionFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionOptions {
  readonly ip: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Shared with other connections to the same host so the transcript reads as one story. */
  readonly transcript: TranscriptEntry[];
}

/** Transcript bound per host; a chatty server cannot grow it without limit. */
const MAX_TRANSCRIPT = 2000;

export class SmtpSession {
  private socket: net.Socket;
  private parser = new ReplyParser();
  private replies: SmtpReply[] = [];
  private waiter: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void } | undefined;
  private failure: SessionError | undefined;
  /** Set while waiting for the answer to STARTTLS. */
  private upgrading = false;
  private readonly onData = (chunk: string): void => this.receive(chunk);
  private readonly onEnd = (): void => this.fail(new SessionError('closed', 'the server closed the connection'));
  private readonly onError = (err: NodeJS.ErrnoException): void =>
    this.fail(new SessionError('closed', `the connection broke (${err.code ?? err.message})`));

  private constructor(
    socket: net.Socket,
    private readonly options: SessionOptions,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connect; rejects with ConnectError (timeout, refused, reset, unreachable). */
  static connect(options: SessionOptions): Promise<SmtpSession> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: options.ip, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError('timeout', `no answer to the connection attempt within ${options.connectTimeoutMs} ms`));
      }, options.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        const session = new SmtpSession(socket, options);
        session.note(`connected to ${formatAddress(options.ip, options.port)}`);
        resolve(session);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(connectError(err));
      });
    });
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get closed(): boolean {
    return this.failure !== undefined || this.socket.destroyed;
  }

  note(text: string): void {
    this.record('*', text);
  }

  /** Wait for the next reply (the banner, or the answer to a command already sent). */
  readReply(timeoutMs = this.options.commandTimeoutMs): Promise<SmtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        const err = new SessionError('timeout', `no reply within ${timeoutMs} ms`);
        this.record('*', err.message);
        // A server that stopped answering mid-conversation is not worth keeping open.
        this.failure = err;
        this.socket.destroy();
        reject(err);
      }, timeoutMs);
      this.waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Send one command line and wait for its reply. */
  async command(line: string, timeoutMs?: number): Promise<SmtpReply> {
    // Addresses may embed names taken from the server's greeting or PTR: never let
    // them smuggle a second command (or DATA) into the line.
    if (/[\r\n\0]/.test(line)) throw new Error('refusing to send a command containing a line break');
    if (/^DATA\b/i.test(line)) throw new Error('the relay probe never sends DATA');
    if (this.failure) throw this.failure;
    this.record('C', line);
    this.socket.write(`${line}\r\n`);
    return this.readReply(timeoutMs);
  }

  /** Send STARTTLS; after its answer nothing more is read in plaintext. */
  async sendStartTls(): Promise<SmtpReply> {
    this.upgrading = true;
    try {
      const reply = await this.command('STARTTLS');
      if (reply.code !== 220) this.attach(this.socket, false);
      return reply;
    } finally {
      this.upgrading = false;
    }
  }

  /**
   * Upgrade to TLS after a 220 answer to STARTTLS. Certificates are not verified
   * (a relay test must go on with self-signed ones) but what was found is reported.
   */
  async startTls(servername: string | undefined): Promise<TlsReport> {
    this.detach(this.socket);
    // Anything the server sent before the handshake was plaintext injection; drop it.
    this.replies = [];
    this.parser = new ReplyParser();
    const plain = this.socket;
    // The TLS layer reports errors from now on; a stray one on the raw socket must not crash us.
    plain.on('error', () => undefined);
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        socket: plain,
        servername: servername && net.isIP(servername) === 0 ? servername : undefined,
        rejectUnauthorized: false,
      });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new SessionError('timeout', `TLS handshake did not finish within ${this.options.commandTimeoutMs} ms`));
      }, this.options.commandTimeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        s.destroy();
        reject(new SessionError('protocol', `TLS handshake failed (${err.code ?? err.message})`));
      });
    }).catch((err: SessionError) => {
      this.failure = err;
      this.record('*', err.message);
      throw err;
    });
    this.socket = secure;
    this.attach(secure);
    const report = describeTls(secure, servername);
    this.record(
      '*',
      `TLS established: ${report.protocol ?? '?'}, certificate for ${report.subject ?? '(no name)'}${report.selfSigned ? ' (self-signed)' : ''}`,
    );
    return report;
  }

  /** Send QUIT (best effort, short wait) and close. */
  async quit(timeoutMs: number): Promise<void> {
    if (!this.closed) {
      try {
        await this.command('QUIT', timeoutMs);
      } catch {
        // The server may hang up without answering QUIT; nothing to do about it.
      }
    }
    this.close();
  }

  close(): void {
    this.detach(this.socket);
    this.socket.on('error', () => undefined);
    this.socket.destroy();
    if (!this.failure) this.failure = new SessionError('closed', 'connection closed');
  }

  private attach(socket: net.Socket, setEncoding = true): void {
    if (setEncoding) socket.setEncoding('utf8');
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.off('error', this.onError);
  }

  private receive(chunk: string): void {
    const { replies, error } = this.parser.push(chunk);
    for (const reply of replies) {
      for (const line of replyLines(reply)) this.record('S', line);
      const waiter = this.waiter;
      if (waiter) {
        this.waiter = undefined;
        waiter.resolve(reply);
      } else if (this.replies.length < 50) this.replies.push(reply);
      if (this.upgrading) {
        // Whatever follows the answer to STARTTLS in plaintext is injected junk: stop
        // reading until the TLS layer takes over the socket.
        this.upgrading = false;
        this.detach(this.socket);
        return;
      }
    }
    if (error) {
      this.fail(new SessionError('protocol', error.message));
      this.socket.destroy();
    }
  }

  private fail(err: SessionError): void {
    if (this.failure) return;
    this.failure = err;
    this.record('*', err.message);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
  }

  private record(dir: TranscriptEntry['dir'], text: string): void {
    const t = this.options.transcript;
    if (t.length < MAX_TRANSCRIPT) t.push({ dir, text });
  }
}

export function formatAddress(ip: string, port: number): string {
  return net.isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function connectError(err: NodeJS.ErrnoException): ConnectError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectError('refused', 'the connection was refused (nothing listens on that port, or a firewall rejects it)');
    case 'ECONNRESET':
      return new ConnectError('reset', 'the connection was reset while connecting');
    case 'ETIMEDOUT':
      return new ConnectError('timeout', 'the connection attempt timed out');
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'EADDRNOTAVAIL':
      return new ConnectError('unreachable', `no route to the server from here (${err.code})`);
    default:
      return new ConnectError('other', `connecting failed (${err.code ?? err.message})`);
  }
}

function describeTls(socket: tls.TLSSocket, servername: string | undefined): TlsReport {
  const cert = socket.getPeerCertificate(true);
  const hasCert = cert && Object.keys(cert).length > 0;
  const cn = hasCert ? firstString(cert.subject?.CN) : undefined;
  const altNames =
    hasCert && cert.subjectaltname
      ? cert.subjectaltname
          .split(/,\s*/)
          .filter((s) => s.startsWith('DNS:'))
          .map((s) => s.slice(4))
      : [];
  const issuerCn = hasCert ? firstString(cert.issuer?.CN) : undefined;
  const authError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  const selfSigned =
    authError === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    authError === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    (hasCert && !socket.authorized && cert.issuerCertificate?.fingerprint256 === cert.fingerprint256);
  let nameMatches: boolean | null = null;
  if (hasCert && servername && net.isIP(servername) === 0) {
    nameMatches = tls.checkServerIdentity(servername, cert) === undefined;
  }
  return {
    offered: true,
    ok: true,
    protocol: socket.getProtocol() ?? undefined,
    cipher: socket.getCipher()?.name,
    subject: cn ?? altNames[0],
    altNames,
    issuer: issuerCn,
    selfSigned: Boolean(selfSigned),
    trusted: socket.authorized,
    trustError: authError,
    nameMatches,
    validTo: hasCert ? cert.valid_to : undefined,
  };
}

function firstString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
