/**
 * Real SMTP servers on 127.0.0.1 for the relay tests: smtp-server configured with a
 * recipient policy (open, closed, percent-hack only, greylisting…), and a raw scripted
 * server for misbehaviour smtp-server will not do (silence, hanging up, odd greetings).
 * Both record every command line a client sent, so tests can assert DATA never came.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export const LOCAL_DOMAIN = 'relay.test';
const LOCAL_USERS = new Set(['postmaster', 'alice']);

export type RcptPolicy = (address: SMTPServerAddress, session: SMTPServerSession) => { code: number; message: string } | undefined;

export const policies = {
  open: (): undefined => undefined,
  /** Accepts only known users at its own domain, like a correctly set up MX. */
  closed: (a: SMTPServerAddress) => closedRule(a.address),
  /** Closed, except that it decodes user%domain@own and relays it (old Sendmail habit). */
  percentOnly: (a: SMTPServerAddress) => {
    const [local = '', domain = ''] = splitAddress(a.address);
    if (domain === LOCAL_DOMAIN && local.includes('%')) return undefined;
    return closedRule(a.address);
  },
  greylist: () => ({ code: 451, message: '4.7.1 Greylisted, please try again later' }),
  /** Postfix's default defer_unauth_destination: 454 for relaying, not a temporary hiccup. */
  postfixDefer: (a: SMTPServerAddress) => {
    const refusal = closedRule(a.address);
    return refusal?.code === 554 ? { code: 454, message: '4.7.1 <' + a.address + '>: Relay access denied' } : refusal;
  },
  /** Accepts anything at its own domain (catch-all) and decodes nothing. */
  catchAll: (a: SMTPServerAddress) => {
    const [, domain = ''] = splitAddress(a.address);
    return domain === LOCAL_DOMAIN ? undefined : { code: 554, message: '5.7.1 Relay access denied' };
  },
} satisfies Record<string, RcptPolicy>;

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return at < 0 ? [address, ''] : [address.slice(0, at), address.slice(at + 1).toLowerCase()];
}

function closedRule(address: string): { code: number; message: string } | undefined {
  const [local, domain] = splitAddress(address);
  if (domain !== LOCAL_DOMAIN) return { code: 554, message: '5.7.1 Relay access denied' };
  if (!LOCAL_USERS.has(local.toLowerCase())) return { code: 550, message: '5.1.1 User unknown' };
  return undefined;
}

export interface TestSmtp {
  readonly port: number;
  /** Every command line received, in order, across all connections. */
  readonly commands: string[];
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

export async function startSmtp(policy: RcptPolicy, options: { tls?: boolean; name?: string } = {}): Promise<TestSmtp> {
  const commands: string[] = [];
  const state = { connections: 0 };
  const here = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
  const logger = {
    // smtp-server logs each client line as debug({tnx:'command'}, 'C:', line).
    debug: (entry: { tnx?: string }, _message: string, line?: string) => {
      if (entry?.tnx === 'command' && typeof line === 'string') commands.push(line);
    },
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    trace: () => undefined,
    fatal: () => undefined,
  };
  const server = new SMTPServer({
    name: options.name ?? `mx.${LOCAL_DOMAIN}`,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: readFileSync(`${here}key.pem`), cert: readFileSync(`${here}cert.pem`) } : {}),
    logger: logger as never,
    // Its reverse lookup of the client would go to the system resolver; not wanted in tests.
    disableReverseLookup: true,
    onConnect(_session, cb) {
      state.connections++;
      cb();
    },
    onRcptTo(address, session, cb) {
      const refusal = policy(address, session);
      if (!refusal) return cb();
      const err = new Error(refusal.message) as Error & { responseCode: number };
      err.responseCode = refusal.code;
      cb(err);
    },
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => cb());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    commands,
    get connections() {
      return state.connections;
    },
    set connections(v: number) {
      state.connections = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a scripted server does with a command line: a reply to send, 'drop' or 'silent'. */
export type Script = (line: string) => string | 'drop' | 'silent';

/**
 * A raw TCP server speaking just enough SMTP: `greeting` first (or nothing when null),
 * then `script` answers each line.
 */
export async function startScripted(greeting: string | null, script: Script): Promise<TestSmtp> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (greeting !== null) socket.write(`${greeting}\r\n`);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        commands.push(line);
        const answer = script(line);
        if (answer === 'drop') {
          socket.destroy();
          return;
        }
        if (answer !== 'silent') socket.write(`${answer}\r\n`);
        if (/^QUIT/i.test(line)) socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    commands,
    get connections() {
      return state.connections;
    },
    set connections(v: number) {
      state.connections = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The verbs a client sent (MAIL, RCPT, DATA…), upper-case. */
export function verbs(commands: readonly string[]): string[] {
  return commands.map((c) => (c.split(/[\s:]/)[0] ?? '').toUpperCase());
}
