import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayCli } from '../../src/cli/relay.js';
import { relayTesterFromConfig } from '../../src/core/relay/index.js';
import { TestDnsServer } from '../support/dns-server.js';
import { cliIO } from '../support/relay-helpers.js';
import { policies, startSmtp, type TestSmtp } from '../support/relay.js';

let dns: TestDnsServer;
let open: TestSmtp;
let closed: TestSmtp;
let grey: TestSmtp;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  [open, closed, grey] = await Promise.all([startSmtp(policies.open), startSmtp(policies.closed, { tls: true }), startSmtp(policies.greylist)]);
  dns.add('open.relay.test', 'A', '127.0.0.1');
});
afterAll(async () => {
  await Promise.all([dns.close(), open.close(), closed.close(), grey.close()]);
});

function io(allowPrivate = true) {
  return cliIO((o) =>
    relayTesterFromConfig({
      resolvers: o?.resolvers ?? ['127.0.0.1:9'],
      dnsTimeoutMs: 1000,
      allowPrivate,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 5000,
    }),
  );
}

describe('rblbot relay', () => {
  it('prints the documented JSON shape and exits 1 for an open relay', async () => {
    const cli = io();
    const status = await relayCli.run(['open.relay.test:' + open.port, '--json', '--resolver', dns.address], cli);
    expect(status).toBe(1);
    expect(cli.overrides[0]).toEqual({ resolvers: [dns.address] });
    const json = JSON.parse(cli.out());
    expect(json.target).toBe(`open.relay.test:${open.port}`);
    expect(json.hosts).toHaveLength(1);
    const host = json.hosts[0];
    expect(host).toMatchObject({ host: 'open.relay.test', ip: '127.0.0.1', port: open.port, verdict: 'open', tls: null });
    expect(host.attempts[0]).toEqual(
      expect.objectContaining({ from: 'sender@example.com', to: '<relaytest@example.com>', accepted: true, reply: expect.stringMatching(/^250/) }),
    );
    for (const a of host.attempts) expect(Object.keys(a)).toEqual(expect.arrayContaining(['from', 'to', 'reply', 'accepted']));
  });

  it('exits 0 when every server is closed, and reports TLS in JSON', async () => {
    const cli = io();
    const status = await relayCli.run([`127.0.0.1:${closed.port}`, '--json'], cli);
    expect(status).toBe(0);
    const host = JSON.parse(cli.out()).hosts[0];
    expect(host.verdict).toBe('closed');
    expect(host.tls).toMatchObject({ offered: true, ok: true, subject: 'mx.relay.test', selfSigned: true });
  });

  it('exits 3 when nothing is open but a server greylisted us', async () => {
    const cli = io();
    expect(await relayCli.run([`127.0.0.1:${grey.port}`], cli)).toBe(3);
    expect(cli.out()).toMatch(/inconclusive/);
    expect(cli.out()).toMatch(/greylisted/);
  });

  it('exits 2 for a private target without RBLBOT_ALLOW_PRIVATE, with one sentence', async () => {
    const cli = io(false);
    const before = open.connections;
    expect(await relayCli.run([`127.0.0.1:${open.port}`, '--json'], cli)).toBe(2);
    expect(cli.err()).toMatch(/loopback.*RBLBOT_ALLOW_PRIVATE=1/);
    expect(cli.err().trim().split('\n')).toHaveLength(1);
    expect(cli.out()).toBe('');
    expect(open.connections).toBe(before); // refused before connecting
  });

  it('exits 2 for bad input and bad options', async () => {
    for (const argv of [
      [],
      ['a', 'b'],
      ['not a host'],
      ['127.0.0.1', '--timeout', 'soon'],
      ['127.0.0.1', '--bogus'],
      ['127.0.0.1', '--resolver', 'dns.example'],
    ]) {
      const cli = io();
      expect(await relayCli.run(argv, cli), argv.join(' ')).toBe(2);
      expect(cli.err()).not.toBe('');
      expect(cli.err()).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('uses --timeout for the SMTP conversation', async () => {
    const net = await import('node:net');
    const sockets: Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const cli = io();
      expect(await relayCli.run([`127.0.0.1:${port}`, '--timeout', '200', '--json'], cli)).toBe(3);
      const host = JSON.parse(cli.out()).hosts[0];
      expect(host.verdict).toBe('inconclusive');
      expect(host.reason).toMatch(/200 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
