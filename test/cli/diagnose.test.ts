/**
 * `rblbot diagnose` as a user runs it: the real CLI entry point through tsx, files in a
 * temp folder, the live check pointed at the loopback DNS server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsServer } from '../support/dns-server.js';

let dns: TestDnsServer;
let dir: string;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bounces');

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.listIp('203.0.113.5', 'zen.spamhaus.org', ['127.0.0.2']);
  dir = mkdtempSync(join(tmpdir(), 'rblbot-diagnose-'));
  writeFileSync(join(dir, 'zen.txt'), '554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org\n');
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'big.txt'), 'x'.repeat(1024 * 1024 + 10));
  writeFileSync(join(dir, 'user.txt'), '550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown\n');
});
afterAll(() => dns.close());

function rblbot(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'diagnose', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, RBLBOT_RESOLVERS: dns.address, RBLBOT_TIMEOUT_MS: '800' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('rblbot diagnose', () => {
  it('prints the JSON contract for one file without live lookups', async () => {
    const { code, stdout } = await rblbot([join(FIXTURES, 'postfix-dsn-zen-spamhaus.eml'), '--json', '--no-live']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    const d = out.diagnoses[0];
    for (const key of [
      'reason',
      'permanent',
      'replyCode',
      'status',
      'recipient',
      'remote',
      'senderIp',
      'lists',
      'providerCode',
      'summary',
      'advice',
      'live',
    ])
      expect(d).toHaveProperty(key);
    expect(d.remote).toEqual({ host: 'mx1.example.net', ip: '198.51.100.25' });
    expect(d.lists[0]).toMatchObject({ zone: 'zen.spamhaus.org', target: '203.0.113.5' });
    expect(d.live).toMatchObject({ state: 'skipped' });
    expect(dns.queries).toEqual([]);
  });

  it('re-checks live through --resolver', async () => {
    const { code, stdout } = await rblbot([join(dir, 'zen.txt'), '--json', '--resolver', dns.address]);
    expect(code).toBe(0);
    const d = JSON.parse(stdout).diagnoses[0];
    expect(d.live.state).toBe('checked');
    expect(d.live.named).toEqual([expect.objectContaining({ zone: 'zen.spamhaus.org', status: 'listed' })]);
    expect(d.advice[0].kind).toBe('delist');
  });

  it('prints one JSON line per file in order; an unusable file gets an error line and exit 2', async () => {
    const files = [join(dir, 'user.txt'), join(dir, 'missing.txt'), join(dir, 'empty.txt'), join(dir, 'big.txt'), join(dir, 'zen.txt')];
    const { code, stdout } = await rblbot([...files, '--json', '--no-live']);
    expect(code).toBe(2);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(files);
    expect(lines[0].diagnoses[0].reason).toBe('userunknown');
    expect(lines[1].error).toMatch(/no such file/);
    expect(lines[2].error).toMatch(/nothing to diagnose/i);
    expect(lines[3].error).toMatch(/1 MB/);
    expect(lines[4].diagnoses[0].reason).toBe('blocked');
  });

  it('reads stdin and prints a text report', async () => {
    const { code, stdout } = await rblbot(['--no-live'], "550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. (S3140)\n");
    expect(code).toBe(0);
    expect(stdout).toMatch(/Microsoft/);
    expect(stdout).toMatch(/S3140/);
    expect(stdout).toMatch(/1\. /);
  });

  it('refuses over 1 MB and empty input with one sentence and exit 2', async () => {
    const big = await rblbot([join(dir, 'big.txt'), '--no-live']);
    expect(big.code).toBe(2);
    expect(big.stderr.trim().split('\n')).toHaveLength(1);
    expect(big.stderr).toMatch(/refused above 1 MB/);
    const empty = await rblbot(['-', '--no-live'], '');
    expect(empty.code).toBe(2);
  });

  it('rejects an unknown option', async () => {
    const { code, stderr } = await rblbot(['--bogus']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bogus/);
  });
});
