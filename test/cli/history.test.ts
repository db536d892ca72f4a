/**
 * `rblbot history` in-process (runCli, as src/cli.ts calls it) on a real watch database
 * written by real rechecks: the text timeline, --json with the stored events, --png with
 * a real PNG, and one clear sentence for what cannot be answered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { TestDnsServer } from '../support/dns-server.js';
import { HOUR, consoleChannel, startHarness, tempDbFile } from '../support/watch-harness.js';

const IP = '203.0.113.5';
let dns: TestDnsServer;
let file: string;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  file = tempDbFile();
  // The CLI reads with the real clock: write the history around now.
  const { ManualClock } = await import('../../src/core/watch/clock.js');
  const h = await startHarness({ dns, database: { engine: 'sqlite', file }, clock: new ManualClock(Date.now() - 5 * HOUR) });
  await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
  dns.listIp(IP, 'bl.spamcop.net');
  await h.advance(HOUR);
  await h.advance(HOUR);
  await h.stop();
});
afterAll(async () => {
  await dns.close();
});

async function rblbot(args: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d));
  stderr.on('data', (d: Buffer) => (err += d));
  const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, env: { RBLBOT_DB: file, ...env } });
  return { code, stdout: out, stderr: err };
}

describe('rblbot history', () => {
  it('prints the summary and each list’s periods', async () => {
    const r = await rblbot(['history', IP, '--days', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Listing history of ${IP}`);
    expect(r.stdout).toContain('1 listing on 1 list in the last 2 days');
    expect(r.stdout).toContain('Now listed on bl.spamcop.net since');
    expect(r.stdout).toMatch(/bl\.spamcop\.net\n {2}\d{4}-\d\d-\d\d \d\d:\d\d → \d{4}-\d\d-\d\d \d\d:\d\d {2}clean/);
    expect(r.stdout).toContain('alert sent');
  });

  it('gives the events as JSON and writes the picture', async () => {
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-cli-')), 'out', 'history.png');
    const r = await rblbot(['history', IP, '--json', '--png', png]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { events: { kind: string; zone: string }[]; summary: string[]; png: string };
    expect(json.events.map((e) => `${e.kind} ${e.zone}`)).toEqual(['watched ', 'listed bl.spamcop.net']);
    expect(json.summary[0]).toMatch(/^1 listing on 1 list in the last 30 days; listed for 3h( \d+[ms])? in all\.$/);
    expect(json.png).toBe(png);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('answers bad input and a missing database with one sentence and exit 2', async () => {
    expect((await rblbot(['history'])).stderr).toContain('give one target');
    expect((await rblbot(['history', IP, '--days', '0'])).stderr).toContain('--days must be a whole number from 1 to 400');
    const missing = await rblbot(['history', IP], { RBLBOT_DB: '/nonexistent/rblbot.db' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no watch database at /nonexistent/rblbot.db');
    const notWatched = await rblbot(['history', '198.51.100.7']);
    expect(notWatched.code).toBe(0);
    expect(notWatched.stdout).toContain('No history is stored for 198.51.100.7');
  });

  it('stops quietly when its reader closes the pipe early (| head)', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'history', IP, '--days', '2'], {
      env: { ...process.env, RBLBOT_DB: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // Our end is closed before the command writes a line (it takes a second to start), as `head` does once it has enough.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});
