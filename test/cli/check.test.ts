import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsServer } from '../support/dns-server.js';

let dns: TestDnsServer;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.listIp('203.0.113.5', 'zen.spamhaus.org', ['127.0.0.2'], 'see https://check.spamhaus.org/');
});
afterAll(() => dns.close());

/** Runs the real CLI entry point as a user would (through tsx, no build needed). */
function rblbot(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, RBLBOT_RESOLVERS: dns.address, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('rblbot check', () => {
  it('exits 1 when listed and prints one JSON object per target with the contract fields', async () => {
    const { code, stdout } = await rblbot(['check', '203.0.113.5', '198.51.100.1', '--json', '--timeout', '800']);
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.target)).toEqual(['203.0.113.5', '198.51.100.1']);
    for (const key of ['target', 'kind', 'ptr', 'fcrdns', 'results', 'summary']) expect(lines[0]).toHaveProperty(key);
    for (const key of ['listed', 'clean', 'refused', 'timeout', 'error']) expect(lines[0].summary).toHaveProperty(key);
    const zen = lines[0].results.find((r: { zone: string }) => r.zone === 'zen.spamhaus.org');
    for (const key of ['zone', 'name', 'listType', 'query', 'status', 'codes', 'meaning', 'txt', 'removalUrl', 'ms']) expect(zen).toHaveProperty(key);
    expect(zen).toMatchObject({ status: 'listed', query: '203.0.113.5', codes: ['127.0.0.2'] });
    expect(lines[1].summary.listed).toBe(0);
  });

  it('exits 0 when nothing is listed, with a readable text answer', async () => {
    const { code, stdout } = await rblbot(['check', '198.51.100.1']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/198\.51\.100\.1 is not listed on any of \d+ lists/);
  });

  it('exits 2 for bad input but still checks the valid targets', async () => {
    const { code, stdout, stderr } = await rblbot(['check', '10.0.0.1', '203.0.113.5', '--json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/10\.0\.0\.1 is a private address/);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(JSON.parse(stdout.trim()).target).toBe('203.0.113.5');
  });

  it('exits 2 for usage errors with one sentence', async () => {
    const unknown = await rblbot(['check', '--bogus', '203.0.113.5']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --bogus/);
    expect((await rblbot(['check'])).code).toBe(2);
    expect((await rblbot(['check', '203.0.113.5', '--timeout', 'soon'])).stderr).toMatch(/--timeout takes milliseconds/);
    expect((await rblbot(['frobnicate'])).stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('exits 3 when nothing could be checked', async () => {
    const silent = await TestDnsServer.start();
    silent.rule({ suffix: 'arpa', behaviour: 'silent' });
    for (const zone of ['org', 'net', 'com', 'de', 'cz', 'io', 'ch', 'zone']) silent.rule({ suffix: zone, behaviour: 'silent' });
    const { code, stdout } = await rblbot(['check', '203.0.113.9', '--resolver', silent.address, '--timeout', '200']);
    await silent.close();
    expect(code).toBe(3);
    expect(stdout).toMatch(/203\.0\.113\.9 could not be checked: none of the \d+ lists gave an answer/);
  });

  it('shows help and the version', async () => {
    const help = await rblbot(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/rblbot check/);
    expect((await rblbot(['check', '--help'])).stdout).toMatch(/Exit status: 0 not listed/);
    expect((await rblbot(['--version'])).stdout).toMatch(/^rblbot \d+\.\d+\.\d+/);
  });

  it('stops with a sentence naming a bad configuration variable', async () => {
    const { code, stderr } = await rblbot(['check', '203.0.113.5'], { RBLBOT_TIMEOUT_MS: 'fast' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/RBLBOT_TIMEOUT_MS must be a whole number/);
  });
});

describe('rblbot zones', () => {
  it('lists active, off and dead zones, and probes health', async () => {
    const { code, stdout } = await rblbot(['zones', '--json']);
    expect(code).toBe(0);
    const data = JSON.parse(stdout);
    expect(data.active.map((z: { zone: string }) => z.zone)).toContain('zen.spamhaus.org');
    expect(data.off.find((z: { zone: string }) => z.zone === 'sbl.spamhaus.org').reason).toMatch(/covered by zen/);
    expect(data.defunct.map((d: { name: string }) => d.name).join()).toMatch(/SORBS/);

    dns.listIp('127.0.0.2', 'bl.spamcop.net');
    const probe = await rblbot(['zones', '--probe', '--timeout', '300']);
    expect(probe.code).toBe(0);
    expect(probe.stdout).toMatch(/bl\.spamcop\.net.*\[healthy\]/);
    expect(probe.stdout).toMatch(/psbl\.surriel\.com.*\[no-test-point/);
  });
});
