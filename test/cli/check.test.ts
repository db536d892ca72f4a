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

  it('keeps the README promise on a dead resolver: exit 3, the failure said once naming it, PTR unknown', async () => {
    const silent = await TestDnsServer.start();
    for (const zone of ['org', 'net', 'com', 'de', 'cz', 'io', 'ch', 'zone', 'arpa']) silent.rule({ suffix: zone, behaviour: 'silent' });
    const text = await rblbot(['check', '203.0.113.9', '--resolver', silent.address, '--timeout', '200']);
    const json = await rblbot(['check', '203.0.113.9', '--resolver', silent.address, '--timeout', '200', '--json']);
    await silent.close();
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/203\.0\.113\.9 could not be checked/);
    expect(text.stdout).toContain(`No answer from your resolver ${silent.address} within 200 ms for any of the`);
    expect(text.stdout).toContain('PTR:    unknown (no answer within 200 ms)');
    expect(text.stdout).toContain('FCrDNS: unknown');
    expect(text.stdout).not.toMatch(/clean|not listed on/);
    expect(text.stdout.trim().split('\n').length).toBeLessThanOrEqual(15);
    // JSON keeps every result.
    const report = JSON.parse(json.stdout);
    expect(json.code).toBe(3);
    expect(report.results.length).toBeGreaterThan(10);
    expect(report.results.every((r: { status: string }) => r.status === 'timeout')).toBe(true);
    expect(report).toMatchObject({ ptr: null, fcrdns: null, ptrError: 'no answer within 200 ms' });
    expect(report.resolverProblem).toContain(silent.address);
  });

  it('keeps the README promise when nothing listens at the resolver address (connection refused)', async () => {
    const { code, stdout } = await rblbot(['check', '203.0.113.9', '--resolver', '127.0.0.1:9', '--timeout', '500']);
    expect(code).toBe(3);
    expect(stdout).toContain('Nothing answers DNS at 127.0.0.1:9 (connection refused)');
    expect(stdout).not.toMatch(/PTR: +none/);
    expect(stdout.trim().split('\n').length).toBeLessThanOrEqual(15);
  });

  it('keeps the README promise on a resolver that answers NXDOMAIN for everything: blames it once, exit 3', async () => {
    const hiding = await TestDnsServer.start();
    hiding.testPoints = false;
    const text = await rblbot(['check', '203.0.113.9', '--resolver', hiding.address, '--timeout', '500']);
    const json = await rblbot(['check', '203.0.113.9', '--resolver', hiding.address, '--timeout', '500', '--json']);
    const probe = await rblbot(['zones', '--probe', '--resolver', hiding.address, '--timeout', '500']);
    await hiding.close();
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(
      new RegExp(
        `Your resolver ${hiding.address.replace(/\./g, '\\.')} is not returning blocklist answers: even the test point 127\\.0\\.0\\.2 is not listed on (\\d+) of \\1 lists\\. Use your own recursive resolver, see docs/resolvers\\.md\\.`,
      ),
    );
    expect(text.stdout).not.toMatch(/✓|not listed on any|clean/);
    expect(text.stdout.trim().split('\n').length).toBeLessThanOrEqual(15);
    const report = JSON.parse(json.stdout);
    expect(json.code).toBe(3);
    expect(report.summary.clean).toBe(0);
    expect(report.results.every((r: { status: string; meaning: string }) => r.status === 'error' && /test point/.test(r.meaning))).toBe(true);
    expect(probe.code).toBe(3);
    expect(probe.stdout.trim().split('\n').at(-1)).toMatch(/^Health: 0 of \d+ lists healthy; .*is not returning blocklist answers/);
  });

  it('checks a range in one compact answer naming only the listed addresses', async () => {
    dns.listIp('203.0.113.3', 'bl.spamcop.net', ['127.0.0.2']);
    const text = await rblbot(['check', '203.0.113.0/29', '--timeout', '800']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/2 of 8 addresses in 203\.0\.113\.0\/29 are listed/);
    expect(text.stdout).toContain('203.0.113.3');
    expect(text.stdout).toContain('203.0.113.5');
    expect(text.stdout).not.toContain('203.0.113.4');
    const json = await rblbot(['check', '203.0.113.0/30', '--json', '--timeout', '800']);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.target)).toEqual(['203.0.113.0', '203.0.113.1', '203.0.113.2', '203.0.113.3']);
    expect(lines.every((l) => l.range === '203.0.113.0/30')).toBe(true);
    dns.unlistIp('203.0.113.3', 'bl.spamcop.net');
    const big = await rblbot(['check', '203.0.112.0/23']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/512 addresses; at most a \/24/);
  });

  it('says a port is not part of a target, and refuses IPv4 in other notations', async () => {
    const port = await rblbot(['check', '203.0.113.5:25']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/has a port \(:25\); ports are not part of a blocklist target.*Give just 203\.0\.113\.5/);
    const v6port = await rblbot(['check', '[2001:db8::25]:587']);
    expect(v6port.stderr).toMatch(/ports are not part of a blocklist target.*Give just 2001:db8::25/);
    const octal = await rblbot(['check', '010.0.0.1']);
    expect(octal.code).toBe(2);
    expect(octal.stderr).toMatch(/not a dotted-decimal IPv4 address/);
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

    const probe = await rblbot(['zones', '--probe', '--timeout', '300']);
    expect(probe.code).toBe(0);
    expect(probe.stdout).toMatch(/bl\.spamcop\.net.*\[healthy\]/);
    expect(probe.stdout.trim().split('\n').at(-1)).toMatch(
      /^Health: All \d+ lists answer their test points through your resolver 127\.0\.0\.1:\d+\.$/,
    );

    // One list without its test point: exit 1, named in the summary and in JSON.
    dns.rule({ suffix: '2.0.0.127.psbl.surriel.com', behaviour: 'nxdomain' });
    const sick = await rblbot(['zones', '--probe', '--timeout', '300']);
    const sickJson = await rblbot(['zones', '--probe', '--json', '--timeout', '300']);
    dns.clearRules();
    expect(sick.code).toBe(1);
    expect(sick.stdout).toMatch(/psbl\.surriel\.com.*\[no-test-point: not listing its positive test point 127\.0\.0\.2\]/);
    expect(sick.stdout.trim().split('\n').at(-1)).toMatch(/^Health: \d+ of \d+ lists healthy; 1 unhealthy: psbl\.surriel\.com \(no-test-point\)\.$/);
    expect(sickJson.code).toBe(1);
    expect(JSON.parse(sickJson.stdout).probe).toMatchObject({ unhealthy: 1 });
  });
});
