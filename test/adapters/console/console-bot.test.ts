/**
 * The whole bot as `npm start` runs it with no chat tokens: the real entry point, the
 * console adapter on a pipe, a real SQLite file for watches and the loopback DNS server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestDnsServer } from '../../support/dns-server.js';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.listIp('203.0.113.5', 'bl.spamcop.net');
});
afterAll(() => dns.close());

function bot(input: string, db: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
      env: { PATH: process.env.PATH, RBLBOT_RESOLVERS: dns.address, RBLBOT_TIMEOUT_MS: '1000', RBLBOT_DB: db, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
    child.stdin.end(input);
  });
}

it('runs piped commands in order, so a watch added on one line is listed on the next, and keeps it across restarts', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'rblbot-bot-')), 'watches.db');
  const first = await bot('/watch add 203.0.113.5\n/watch list\n/rbl 203.0.113.5\n', db);
  expect(first.code).toBe(0);
  const [add, list, rbl] = first.stdout.split(/^» line \d+: .*\n/m).slice(1);
  expect(add).toMatch(/Now watching 203\.0\.113\.5/);
  expect(list).toMatch(/1 watch/);
  expect(list).toMatch(/203\.0\.113\.5/);
  expect(rbl).toMatch(/203\.0\.113\.5 is listed on 1 of/);

  const second = await bot('/watch list\n', db);
  expect(second.stdout).toMatch(/1 watch/);
});
