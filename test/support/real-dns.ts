/**
 * Real DNS servers from Debian on loopback, for tests and benchmarks behind the resolvers
 * admins really run: rbldnsd (the UDP-only server most DNSBL mirrors run) serving the
 * fixture zones (dnsbl-fixture.ts), and in front of it a fresh Unbound (one thread, cold
 * cache) or dnsmasq (default settings: 150 concurrent forwards).
 *
 * Packages: rbldnsd, unbound, dnsmasq-base. missingPrograms() says which are absent, so
 * callers can skip with a message instead of failing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { FIXTURE_PARENT, FIXTURE_ZONES, rbldnsdData } from './dnsbl-fixture.js';

export type Program = 'rbldnsd' | 'unbound' | 'dnsmasq';

/** The Debian package that brings each program. */
export const PACKAGE_OF: Record<Program, string> = { rbldnsd: 'rbldnsd', unbound: 'unbound', dnsmasq: 'dnsmasq-base' };

const SEARCH_PATH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Where a program is installed, or null. */
export function findProgram(name: Program): string | null {
  for (const dir of SEARCH_PATH) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/** The programs of `wanted` that are not installed, as a sentence for a skip message, or null. */
export function missingPrograms(wanted: readonly Program[]): string | null {
  const missing = wanted.filter((p) => !findProgram(p));
  if (missing.length === 0) return null;
  return `${missing.join(', ')} not installed (apt-get install -y ${missing.map((p) => PACKAGE_OF[p]).join(' ')})`;
}

/** A server process on 127.0.0.1:port. */
export interface RunningServer {
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1 right now (a server started next takes it). */
async function freePort(): Promise<number> {
  for (;;) {
    const tcp = net.createServer();
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (tcp.address() as net.AddressInfo).port;
    const udp = dgram.createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (free) return port;
  }
}

/** One UDP query; true when any answer came back within `ms`. */
function answers(port: number, name: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => finish(false), ms);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    socket.on('error', () => finish(false));
    socket.on('message', () => finish(true));
    const query = dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
    socket.send(query, port, '127.0.0.1');
  });
}

/** Start `command`, wait until it answers `probeName` on `port`, or fail with its output. */
async function startServer(
  name: string,
  command: string,
  args: string[],
  port: number,
  probeName: string,
  cleanup: () => void,
): Promise<RunningServer> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exit;
      clearTimeout(killer);
    }
    cleanup();
  };
  const deadline = Date.now() + 10_000;
  while (!(await answers(port, probeName, 200))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start (${exited ? `exited ${child.exitCode}` : 'no answer in 10 s'}): ${output.trim().slice(-2000)}`);
    }
  }
  return { address: `127.0.0.1:${port}`, port, stop };
}

/** A folder every server (some drop privileges) can read. */
function workDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * rbldnsd serving the 50 fixture zones (ip4set) and in-addr.arpa (empty, so every PTR
 * lookup is "no such name") over UDP, as it only does.
 */
export async function startRbldnsd(): Promise<RunningServer> {
  const program = findProgram('rbldnsd');
  if (!program) throw new Error(missingPrograms(['rbldnsd'])!);
  const { dir, remove } = workDir('rblbot-rbldnsd-');
  const datasets: string[] = [];
  FIXTURE_ZONES.forEach((zone, z) => {
    const file = join(dir, `${zone}.ip4set`);
    writeFileSync(file, rbldnsdData(z), { mode: 0o644 });
    datasets.push(`${zone}:ip4set:${file}`);
  });
  const reverse = join(dir, 'in-addr.arpa.ip4set');
  writeFileSync(reverse, '# nothing has a PTR record\n', { mode: 0o644 });
  datasets.push(`in-addr.arpa:ip4set:${reverse}`);
  const port = await freePort();
  // -n: stay in the foreground; -4: IPv4 only; -c 0: no reload checks. As root it drops to
  // the rbldns user (it refuses to run as root), hence the readable folder.
  const args = ['-n', '-4', '-c', '0', '-b', `127.0.0.1/${port}`, ...datasets];
  return startServer('rbldnsd', program, args, port, `2.0.0.127.${FIXTURE_ZONES[0]}`, remove);
}

export interface ListenOptions {
  /**
   * The port on 127.0.0.1 (default: a free one). 53 serves tools that take their resolver
   * only from /etc/resolv.conf, which has no port (the peers bench runs rblcheck so).
   */
  readonly port?: number;
}

/**
 * A fresh Unbound (cold cache) with one thread and otherwise its defaults, forwarding the
 * fixture zones and in-addr.arpa to `upstream` (rbldnsd).
 */
export async function startUnbound(upstream: RunningServer, options: ListenOptions = {}): Promise<RunningServer> {
  const program = findProgram('unbound');
  if (!program) throw new Error(missingPrograms(['unbound'])!);
  const { dir, remove } = workDir('rblbot-unbound-');
  const port = options.port ?? (await freePort());
  const conf = join(dir, 'unbound.conf');
  writeFileSync(
    conf,
    [
      'server:',
      '  interface: 127.0.0.1',
      `  port: ${port}`,
      '  num-threads: 1',
      '  do-ip6: no',
      '  access-control: 127.0.0.0/8 allow',
      // Run in place, as whoever started it, logging to stderr.
      '  username: ""',
      '  chroot: ""',
      `  directory: "${dir}"`,
      `  pidfile: "${join(dir, 'unbound.pid')}"`,
      '  use-syslog: no',
      '  logfile: ""',
      // The upstream is on loopback, which Unbound refuses to query by default.
      '  do-not-query-localhost: no',
      // .test is one of Unbound's built-in empty zones (RFC 6761): let the forward answer.
      '  local-zone: "test." nodefault',
      'forward-zone:',
      `  name: "${FIXTURE_PARENT}."`,
      `  forward-addr: 127.0.0.1@${upstream.port}`,
      'forward-zone:',
      '  name: "in-addr.arpa."',
      `  forward-addr: 127.0.0.1@${upstream.port}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  // -d: foreground. The probe name is not a fixture lookup, so the cache stays cold for them.
  return startServer('unbound', program, ['-d', '-c', conf], port, `1.0.0.127.${FIXTURE_ZONES[0]}`, remove);
}

/** A fresh dnsmasq with its default settings (150 concurrent forwards, 150 cache entries) forwarding to `upstream`. */
export async function startDnsmasq(upstream: RunningServer, options: ListenOptions = {}): Promise<RunningServer> {
  const program = findProgram('dnsmasq');
  if (!program) throw new Error(missingPrograms(['dnsmasq'])!);
  const { dir, remove } = workDir('rblbot-dnsmasq-');
  const port = options.port ?? (await freePort());
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    `--port=${port}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--no-resolv',
    '--no-hosts',
    `--pid-file=${join(dir, 'dnsmasq.pid')}`,
    `--server=/${FIXTURE_PARENT}/127.0.0.1#${upstream.port}`,
    `--server=/in-addr.arpa/127.0.0.1#${upstream.port}`,
  ];
  return startServer('dnsmasq', program, args, port, `1.0.0.127.${FIXTURE_ZONES[0]}`, remove);
}
