/**
 * When the watch store fails: a full disk (SQLite's max_page_count makes the real
 * SQLITE_FULL), a corrupt file at start-up, and several processes opening one new file at
 * once. The cause is named in one sentence, /watch says so instead of "failed unexpectedly",
 * and the other commands keep working.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { dispatchCommand } from '../../../commands/dispatch.js';
import { SqliteWatchStore } from '../../../src/core/watch/sqlite-store.js';
import { switchToWal } from '../../../src/core/watch/sqlite-wal.js';
import { renderText } from '../../../src/reply/render.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { startHarness, tempDbFile, type Harness } from '../../support/watch-harness.js';

let dns: TestDnsServer;
let h: Harness | undefined;
beforeAll(async () => {
  dns = await TestDnsServer.start();
});
afterAll(async () => {
  await dns.close();
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const invocation = { platform: 'console' as const, workspaceId: 'console', channelId: 'console', user: { id: 'op', isAdmin: true } };

describe('a full disk', () => {
  it('answers /watch with the cause, tells the operator once, and /rbl keeps working', async () => {
    h = await startHarness({ dns });
    const problems: string[] = [];
    h.service.onStoreProblem((p) => problems.push(p));
    const services = { checker: h.service.checker, watches: h.service };
    const run = (name: string, text: string) => dispatchCommand({ commands, services }, { name, text, invocation }).then((r) => renderText(r));
    expect(await run('watch', 'add 203.0.113.5')).toContain('Now watching');
    // The database may not grow any more: the next write fails as on a full disk.
    const { db } = h.store as SqliteWatchStore;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const added = await run('watch', 'add 203.0.113.0/26');
    expect(added).toContain('The watch database is not usable right now: the disk is full (SQLITE_FULL).');
    expect(added).toContain('/rbl, /diagnose and /relay still work');
    expect(added).not.toContain('failed unexpectedly');
    expect(problems).toEqual(['the disk is full (SQLITE_FULL)']);
    expect(await run('rbl', '192.0.2.1')).toMatch(/192\.0\.2\.1 is not listed/);
    expect(await run('watch', 'list')).toContain('203.0.113.5');
  });
});

function bot(input: string, db: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
      env: { PATH: process.env.PATH, RBLBOT_RESOLVERS: dns.address, RBLBOT_TIMEOUT_MS: '1000', RBLBOT_DB: db, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('a corrupt database file at start-up', () => {
  it('names the cause in one sentence, and only /watch is off', async () => {
    const file = tempDbFile();
    fs.mkdirSync(file.replace(/\/[^/]+$/, ''), { recursive: true });
    fs.writeFileSync(file, 'not a database: this file was overwritten by something else entirely.'.repeat(20));
    const { code, stdout, stderr } = await bot('/watch list\n/rbl 192.0.2.1\n', file);
    expect(code).toBe(0);
    expect(stderr.trim()).toBe(
      `rblbot: The watch database ${file} is not usable: the file is not an SQLite database (corrupt, or a different file) (SQLITE_NOTADB). /watch is unavailable until it is fixed; every other command still works.`,
    );
    expect(stdout).toContain('Watches are unavailable: the file is not an SQLite database');
    expect(stdout).toMatch(/192\.0\.2\.1 is not listed/);
  });
});

describe('several processes opening one new database file at once', () => {
  it('all succeed: no "database is locked"', async () => {
    const file = tempDbFile();
    const runs = Array.from(
      { length: 6 },
      (_, i) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/open-watch-store.ts', file, String(i)]);
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.on('close', (code) => resolve({ code, stderr }));
        }),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    const store = new SqliteWatchStore(file);
    expect(store.schemaVersion()).toBe(5);
    expect((await store.stats(Date.now())).watches).toBe(6);
    await store.close();
  });
});

describe('a new file locked by another process while it switches to WAL', () => {
  it('waits for the lock instead of failing with "database is locked"', async () => {
    const file = tempDbFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Another process holds the file exclusively for 1.5 s.
    const holder = spawn(process.execPath, [
      '-e',
      `const Database = require('better-sqlite3');
       const db = new Database(process.argv[1]);
       db.exec('BEGIN EXCLUSIVE');
       process.stdout.write('locked\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
       db.exec('COMMIT');
       db.close();`,
      file,
    ]);
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
    });
    const db = new Database(file);
    try {
      // No busy timeout, so SQLite answers at once, as it does to one of two processes
      // that would otherwise wait for each other.
      db.pragma('busy_timeout = 0');
      expect(() => db.pragma('journal_mode = WAL')).toThrow(/database is locked/);
      switchToWal(db, 10_000);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
      holder.kill();
    }
  });
});
