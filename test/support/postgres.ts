/**
 * A real PostgreSQL server for tests, started in a temporary folder on a free loopback
 * port: Debian's postgresql package (its initdb and pg_ctl live in
 * /usr/lib/postgresql/<version>/bin, off PATH). initdb refuses to run as root, so as root
 * the cluster belongs to the `postgres` user the package creates. Each test takes a fresh
 * database of its own (createDatabase), so tests in one file do not see each other's rows.
 *
 * When no server can be started, startPostgres() resolves to a reason instead, and the
 * test files skip with it (`.ci/run` installs the package, so CI never skips).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  readonly port: number;
  readonly version: string;
  /** A URL to database `db` (default: the maintenance database `postgres`). */
  url(db?: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(): Promise<string>;
  stop(): void;
}

function findBinDir(): string | null {
  const candidates: string[] = [];
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(root, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) ?? null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

let databases = 0;

/** Start a server, or return why not (a sentence for the skip message). */
export async function startPostgres(): Promise<TestPostgres | string> {
  const bin = findBinDir();
  if (!bin) return 'PostgreSQL is not installed (no initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH): apt-get install postgresql';
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  // As root, everything runs as the package's `postgres` user, which must own the folder.
  const run = (file: string, args: string[]): void => {
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args], { stdio: 'pipe' });
    else execFileSync(path.join(bin, file), args, { stdio: 'pipe' });
  };
  try {
    if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8', '--locale=C']);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `initdb failed: ${describe(err)}`;
  }
  let port = 0;
  let started = false;
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    port = await freePort();
    // fsync off: a test cluster need not survive a power cut, and commits get ~10x faster.
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    try {
      run('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', '-t', '30', 'start']);
      started = true;
    } catch {
      // The port was taken between choosing and binding: try another.
    }
  }
  if (!started) {
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-500) : '';
    fs.rmSync(dir, { recursive: true, force: true });
    return `pg_ctl could not start the server: ${tail}`;
  }
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
    else spawnSync(path.join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies still takes its server with it.
  process.once('exit', stop);
  const url = (db = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const version = path.basename(path.dirname(bin));
  return {
    port,
    version,
    url,
    async createDatabase() {
      const name = `t_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}

function describe(err: unknown): string {
  const e = err as { stderr?: Buffer; message?: string };
  return (e.stderr?.toString().trim() || e.message || String(err)).slice(0, 400);
}
