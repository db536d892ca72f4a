/** `rblbot relay` as a user runs it: the real entry point, configuration from the environment. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsServer } from '../support/dns-server.js';
import { policies, startSmtp, verbs, type TestSmtp } from '../support/relay.js';

let dns: TestDnsServer;
let open: TestSmtp;
let closed: TestSmtp;
let grey: TestSmtp;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  [open, closed, grey] = await Promise.all([startSmtp(policies.open), startSmtp(policies.closed), startSmtp(policies.greylist)]);
  dns.add('open.relay.test', 'A', '127.0.0.1');
});
afterAll(async () => {
  await Promise.all([dns.close(), open.close(), closed.close(), grey.close()]);
});

function rblbot(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'relay', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, RBLBOT_RESOLVERS: dns.address, RBLBOT_ALLOW_PRIVATE: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('rblbot relay (spawned)', () => {
  it('exits 1 for an open relay found through DNS, with the JSON contract', async () => {
    const { code, stdout, stderr } = await rblbot([`open.relay.test:${open.port}`, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.target).toBe(`open.relay.test:${open.port}`);
    const host = report.hosts[0];
    for (const key of ['host', 'ip', 'port', 'verdict', 'tls', 'attempts']) expect(host).toHaveProperty(key);
    expect(host).toMatchObject({ host: 'open.relay.test', ip: '127.0.0.1', verdict: 'open', tls: null });
    for (const key of ['from', 'to', 'reply', 'accepted']) expect(host.attempts[0]).toHaveProperty(key);
    expect(verbs(open.commands)).not.toContain('DATA');
  });

  it('exits 0 for a closed server and prints a readable answer', async () => {
    const { code, stdout } = await rblbot([`127.0.0.1:${closed.port}`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/is not an open relay/);
    expect(stdout).toMatch(/No message was sent/);
  });

  it('exits 3 when greylisted', async () => {
    const { code } = await rblbot([`127.0.0.1:${grey.port}`, '--json']);
    expect(code).toBe(3);
  });

  it('exits 2 and says why for a loopback target without RBLBOT_ALLOW_PRIVATE', async () => {
    const before = closed.connections;
    const { code, stdout, stderr } = await rblbot([`127.0.0.1:${closed.port}`], { RBLBOT_ALLOW_PRIVATE: '0' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/loopback address.*RBLBOT_ALLOW_PRIVATE=1/);
    expect(closed.connections).toBe(before);
  });

  it('refuses IPv4 in other notations and every special-purpose range, as /rbl does', async () => {
    // 010.0.0.1 would become 8.0.0.1 in a URL parser, 0x7f.1 would become 127.0.0.1.
    const octal = await rblbot(['010.0.0.1'], { RBLBOT_ALLOW_PRIVATE: '0' });
    expect(octal.code).toBe(2);
    expect(octal.stderr).toMatch(/not a dotted-decimal IPv4 address/);
    const nat64 = await rblbot(['[64:ff9b::a9fe:a9fe]:25'], { RBLBOT_ALLOW_PRIVATE: '0' });
    expect(nat64.code).toBe(2);
    expect(nat64.stderr).toMatch(/NAT64.*169\.254\.169\.254.*only contacts public addresses/);
  });

  it('is listed in rblbot --help and has its own help', async () => {
    const help = await rblbot(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit status: 0 all closed, 1 any open/);
  });
});
