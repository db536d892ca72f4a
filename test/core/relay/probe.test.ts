import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRelayDns, createRelayTester, RelayTargetError, type RelayTester } from '../../../src/core/relay/index.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { closedPort, policies, startScripted, startSmtp, verbs, type TestSmtp } from '../../support/relay.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function smtp(...args: Parameters<typeof startSmtp>): Promise<TestSmtp> {
  const s = await startSmtp(...args);
  cleanups.push(() => s.close());
  return s;
}

async function dnsServer(): Promise<TestDnsServer> {
  const d = await TestDnsServer.start();
  cleanups.push(() => d.close());
  return d;
}

async function tester(overrides: Partial<Parameters<typeof createRelayTester>[0]> = {}): Promise<RelayTester> {
  const dns = overrides.dns ? undefined : await dnsServer();
  return createRelayTester({
    dns: createRelayDns({ resolvers: dns ? [dns.address] : [], timeoutMs: 1000 }),
    allowPrivate: true,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 5000,
    ...overrides,
  });
}

describe('relay probe against real SMTP servers', () => {
  it('finds an open relay, names the attempt, never sends DATA and says QUIT', async () => {
    const server = await smtp(policies.open);
    const report = await (await tester()).test(`127.0.0.1:${server.port}`);
    expect(report.verdict).toBe('open');
    const host = report.hosts[0]!;
    expect(host.verdict).toBe('open');
    expect(host.reason).toMatch(/external sender to external recipient/);
    expect(host.attempts[0]).toMatchObject({ name: 'plain', from: 'sender@example.com', to: '<relaytest@example.com>', accepted: true });
    expect(host.attempts[0]!.reply).toMatch(/^250/);
    const sent = verbs(server.commands);
    expect(sent).not.toContain('DATA');
    expect(sent.at(-1)).toBe('QUIT');
    expect(sent).toContain('RSET');
    // Own domain came from the greeting "220 mx.relay.test".
    expect(host.ownDomain).toBe('relay.test');
    expect(host.ownDomainSource).toBe('greeting');
    expect(host.tls).toBeNull();
  });

  it('never uses the server\'s own domain as the "external" one', async () => {
    const server = await smtp(policies.open, { name: 'mx.example.com' });
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.ownDomain).toBe('example.com');
    expect(host.attempts[0]!.to).toBe('<relaytest@example.net>');
    expect(server.commands.filter((c) => /^RCPT TO:<relaytest@example\.com>/.test(c))).toEqual([]);
  });

  it('calls a correctly configured server closed after trying every trick', async () => {
    const server = await smtp(policies.closed);
    const report = await (await tester()).test(`127.0.0.1:${server.port}`);
    const host = report.hosts[0]!;
    expect(host.verdict).toBe('closed');
    expect(report.verdict).toBe('closed');
    expect(host.attempts.length).toBeGreaterThanOrEqual(12);
    expect(host.attempts.every((a) => !a.accepted && a.outcome === 'rejected')).toBe(true);
    const names = host.attempts.map((a) => a.name);
    for (const n of ['plain', 'null-sender', 'own-sender', 'percent-hack', 'quoted', 'bang-path', 'double-at', 'ip-literal', 'source-route']) {
      expect(names).toContain(n);
    }
    // Every RCPT line the server saw, and one RSET between attempts.
    const rcpts = server.commands.filter((c) => /^RCPT TO:/i.test(c));
    expect(rcpts).toContain('RCPT TO:<relaytest%example.com@relay.test>');
    expect(rcpts).toContain('RCPT TO:<"relaytest@example.com"@relay.test>');
    expect(rcpts).toContain('RCPT TO:<example.com!relaytest@relay.test>');
    expect(rcpts).toContain('RCPT TO:<relaytest@[192.0.2.1]>');
    expect(server.commands).toContain('MAIL FROM:<>');
    expect(server.commands).toContain('MAIL FROM:<postmaster@relay.test>');
    expect(verbs(server.commands)).not.toContain('DATA');
    expect(verbs(server.commands).at(-1)).toBe('QUIT');
  });

  it('catches a server that is open only to the percent hack', async () => {
    const server = await smtp(policies.percentOnly);
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('open');
    const accepted = host.attempts.filter((a) => a.accepted);
    expect(accepted.map((a) => a.name).sort()).toEqual(['percent-hack']);
    expect(accepted[0]!.ambiguous).toBeUndefined();
    expect(host.reason).toMatch(/percent hack/);
    expect(host.attempts.find((a) => a.name === 'plain')!.accepted).toBe(false);
    // The control check (a made-up local user) was asked and refused.
    expect(server.commands.some((c) => /^RCPT TO:<nosuchuser-[0-9a-f]+@relay\.test>$/.test(c))).toBe(true);
  });

  it('does not call a catch-all mailbox an open relay', async () => {
    const server = await smtp(policies.catchAll);
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.reason).toMatch(/catch-all/);
    expect(host.attempts.filter((a) => a.accepted).every((a) => a.ambiguous)).toBe(true);
  });

  it('reports greylisting (451) as inconclusive, not closed', async () => {
    const server = await smtp(policies.greylist);
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.reason).toMatch(/greylisted/);
    expect(host.attempts[0]!.outcome).toBe('temporary');
    expect(host.attempts[0]!.reply).toMatch(/^451/);
  });

  it('treats a 450 temporary error as inconclusive', async () => {
    const server = await smtp(() => ({ code: 450, message: '4.2.0 Mailbox busy' }));
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.reason).toMatch(/temporary errors/);
  });

  it("counts Postfix's 454 Relay access denied as a refusal", async () => {
    const server = await smtp(policies.postfixDefer);
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.attempts[0]!.reply).toMatch(/^454/);
    expect(host.verdict).toBe('closed');
  });

  it('upgrades with STARTTLS, reports the self-signed certificate and goes on', async () => {
    const server = await smtp(policies.closed, { tls: true });
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.tls).toMatchObject({ offered: true, ok: true, subject: 'mx.relay.test', selfSigned: true, trusted: false });
    expect(host.tls!.altNames).toEqual(['mx.relay.test', 'smtp.relay.test']);
    expect(host.verdict).toBe('closed');
    const sent = verbs(server.commands);
    expect(sent.slice(0, 3)).toEqual(['EHLO', 'STARTTLS', 'EHLO']);
    expect(sent).not.toContain('DATA');
    expect(sent.at(-1)).toBe('QUIT');
  });

  it('reports a failed TLS handshake and tests again without TLS', async () => {
    let connection = 0;
    const server = await startScripted('220 tls.relay.test ESMTP', (line) => {
      if (/^EHLO/i.test(line)) {
        connection++;
        return '250-tls.relay.test\r\n250-PIPELINING\r\n250 STARTTLS';
      }
      // Agrees to TLS, then answers the ClientHello with plain text: the handshake fails.
      if (/^STARTTLS/i.test(line)) return '220 go ahead\r\nthis is not TLS';
      if (/^RCPT/i.test(line)) return '554 5.7.1 Relay access denied';
      return '250 OK';
    });
    cleanups.push(() => server.close());
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.tls).toMatchObject({ offered: true, ok: false });
    expect(host.tls!.error).toMatch(/TLS handshake failed/);
    expect(connection).toBe(2);
    expect(host.verdict).toBe('closed');
    expect(verbs(server.commands).filter((v) => v === 'STARTTLS')).toHaveLength(1);
  });

  it('says inconclusive when the server hangs up, without hammering it', async () => {
    const server = await startScripted('220 drop.relay.test ESMTP', (line) => {
      if (/^EHLO/i.test(line)) return '250 drop.relay.test';
      return 'drop';
    });
    cleanups.push(() => server.close());
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.failure).toBe('dropped');
    expect(host.reason).toMatch(/could not be made/);
    expect(server.connections).toBe(1);
    expect(host.attempts.every((a) => a.outcome === 'untested')).toBe(true);
  });

  it('reconnects when the server hangs up after a few refusals, within the connection bound', async () => {
    let rcpts = 0;
    const server = await startScripted('220 picky.relay.test ESMTP', (line) => {
      if (/^EHLO/i.test(line)) return '250 picky.relay.test';
      if (/^RCPT/i.test(line)) {
        rcpts++;
        return rcpts % 4 === 0 ? '421 4.7.0 Too many errors, closing' : '554 5.7.1 Relay access denied';
      }
      if (/^(MAIL|RSET|QUIT)/i.test(line)) return '250 OK';
      return '502 no';
    });
    cleanups.push(() => server.close());
    const host = (await (await tester({ maxConnectionsPerHost: 3 })).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(server.connections).toBe(3);
    expect(host.verdict).toBe('inconclusive');
    expect(host.attempts.filter((a) => a.outcome === 'rejected').length).toBeGreaterThanOrEqual(9);
    expect(host.attempts.some((a) => a.outcome === 'untested')).toBe(true);
  });

  it('times out on a silent server', async () => {
    const server = await startScripted(null, () => 'silent');
    cleanups.push(() => server.close());
    const host = (await (await tester({ commandTimeoutMs: 300 })).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.failure).toBe('timeout');
    expect(host.reason).toMatch(/stopped answering.*300 ms/);
    expect(host.transcript.join('\n')).toMatch(/no reply within 300 ms/);
  });

  it('times out on a server that greets and then goes silent mid-conversation', async () => {
    const server = await startScripted('220 slow.relay.test ESMTP', (line) => (/^EHLO/i.test(line) ? '250 slow.relay.test' : 'silent'));
    cleanups.push(() => server.close());
    const host = (await (await tester({ commandTimeoutMs: 300 })).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.failure).toBe('timeout');
    expect(server.connections).toBe(1);
  });

  it('says so when the server hangs up before greeting', async () => {
    const net = await import('node:net');
    const rude = net.createServer((socket) => socket.destroy());
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => rude.close(() => r())));
    const port = (rude.address() as AddressInfo).port;
    const host = (await (await tester()).test(`127.0.0.1:${port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.failure).toBe('dropped');
    expect(host.reason).toMatch(/without greeting us/);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const report = await (await tester()).test(`127.0.0.1:${port}`);
    expect(report.verdict).toBe('inconclusive');
    expect(report.hosts[0]!.failure).toBe('refused');
    expect(report.hosts[0]!.reason).toMatch(/refused/);
  });

  it('falls back to HELO and takes the own domain from the PTR when the greeting names nobody', async () => {
    const server = await startScripted('220 ESMTP ready', (line) => {
      if (/^EHLO/i.test(line)) return '502 5.5.1 EHLO not supported';
      if (/^HELO/i.test(line)) return '250 Hello';
      if (/^RCPT/i.test(line)) return '554 5.7.1 Relaying denied';
      return '250 OK';
    });
    cleanups.push(() => server.close());
    const dns = await dnsServer();
    dns.add('1.0.0.127.in-addr.arpa', 'PTR', 'mail.ptr-domain.test');
    const t = await tester({ dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }) });
    const host = (await t.test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(verbs(server.commands).slice(0, 2)).toEqual(['EHLO', 'HELO']);
    expect(host.ownDomain).toBe('ptr-domain.test');
    expect(host.ownDomainSource).toBe('ptr');
    expect(server.commands).toContain('MAIL FROM:<postmaster@ptr-domain.test>');
    expect(host.verdict).toBe('closed');
  });

  it('answers a refused greeting (554) as inconclusive with the reason', async () => {
    const server = await startScripted('554 5.7.1 You are not welcome here', () => '503 no');
    cleanups.push(() => server.close());
    const host = (await (await tester()).test(`127.0.0.1:${server.port}`)).hosts[0]!;
    expect(host.verdict).toBe('inconclusive');
    expect(host.failure).toBe('greeting');
    expect(host.reason).toMatch(/not welcome/);
  });
});

describe('relay targets', () => {
  it('tests each MX host of a domain by preference, with the domain as own domain', async () => {
    const server = await smtp(policies.closed);
    const dns = await dnsServer();
    dns.add('relay.test', 'MX', { preference: 20, exchange: 'mx-b.relay.test' });
    dns.add('relay.test', 'MX', { preference: 10, exchange: 'mx-a.relay.test' });
    dns.add('mx-a.relay.test', 'A', '127.0.0.1');
    dns.add('mx-b.relay.test', 'A', '127.0.0.1');
    const t = createRelayTester({
      dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }),
      allowPrivate: true,
      defaultPort: server.port,
    });
    const report = await t.test('relay.test');
    expect(report.via).toBe('mx');
    expect(report.hosts.map((h) => [h.host, h.preference])).toEqual([
      ['mx-a.relay.test', 10],
      ['mx-b.relay.test', 20],
    ]);
    expect(report.hosts.every((h) => h.ownDomain === 'relay.test' && h.ownDomainSource === 'target')).toBe(true);
    expect(report.verdict).toBe('closed');
    expect(server.connections).toBe(2);
  });

  it("uses the domain's own address when it has no MX (implicit MX)", async () => {
    const server = await smtp(policies.open);
    const dns = await dnsServer();
    dns.add('bare.relay.test', 'A', '127.0.0.1');
    const t = createRelayTester({ dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }), allowPrivate: true });
    const report = await t.test(`bare.relay.test:${server.port}`);
    expect(report.via).toBe('address');
    expect(report.hosts[0]).toMatchObject({ host: 'bare.relay.test', ip: '127.0.0.1', port: server.port, verdict: 'open' });
  });

  it('refuses loopback and private targets unless allowed', async () => {
    const dns = await dnsServer();
    dns.add('inside.relay.test', 'MX', { preference: 10, exchange: 'mx.inside.relay.test' });
    dns.add('mx.inside.relay.test', 'A', '10.1.2.3');
    const t = createRelayTester({ dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }) });
    for (const target of ['127.0.0.1', '10.0.0.5:25', '[::1]:25', '100.64.1.1', '169.254.0.1', 'inside.relay.test']) {
      const err = await t.test(target).catch((e: unknown) => e);
      expect(err, target).toBeInstanceOf(RelayTargetError);
      expect((err as RelayTargetError).problem).toBe('refused');
      expect((err as Error).message).toMatch(/RBLBOT_ALLOW_PRIVATE=1/);
    }
  });

  it('rejects nonsense with a sentence', async () => {
    const dns = await dnsServer();
    const t = createRelayTester({ dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }) });
    for (const target of ['', 'not a host', 'host:99999', 'nxdomain.relay.test', '1.2.3.4:0']) {
      const err = await t.test(target).catch((e: unknown) => e);
      expect(err, target).toBeInstanceOf(RelayTargetError);
      expect((err as RelayTargetError).problem).toBe('bad-input');
    }
  });

  it('refuses a null-MX domain', async () => {
    const dns = await dnsServer();
    dns.add('nomail.relay.test', 'MX', { preference: 0, exchange: '.' });
    const t = createRelayTester({ dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }) });
    await expect(t.test('nomail.relay.test')).rejects.toThrow(/null MX/);
  });

  it('says the DNS failed rather than that the domain does not exist', async () => {
    const dns = await dnsServer();
    dns.rule({ suffix: 'slow.relay.test', behaviour: 'silent' });
    const t = createRelayTester({ dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 300 }) });
    const err = (await t.test('slow.relay.test').catch((e: unknown) => e)) as RelayTargetError;
    expect(err).toBeInstanceOf(RelayTargetError);
    expect(err.problem).toBe('dns');
  });
});
