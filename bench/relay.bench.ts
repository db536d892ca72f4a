/**
 * Relay probe cost against loopback SMTP servers: how long one full probe (15 tricks,
 * RSET between them, catch-all control, QUIT) takes compared with a bare session
 * (connect, greeting, EHLO, QUIT) to the same server, how much STARTTLS adds, and how
 * a domain with several MX hosts scales under the concurrency cap.
 */
import { performance } from 'node:perf_hooks';
import { createRelayDns, createRelayTester } from '../src/core/relay/index.js';
import { SmtpSession, type TranscriptEntry } from '../src/core/relay/smtp-session.js';
import { TestDnsServer } from '../test/support/dns-server.js';
import { policies, startSmtp } from '../test/support/relay.js';
import type { BenchSuite, BenchTable } from './types.js';

const ROUNDS = 20;

async function median(fn: () => Promise<unknown>, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function bareSession(port: number): Promise<void> {
  const transcript: TranscriptEntry[] = [];
  const s = await SmtpSession.connect({ ip: '127.0.0.1', port, connectTimeoutMs: 2000, commandTimeoutMs: 5000, transcript });
  await s.readReply();
  await s.command('EHLO bench.invalid');
  await s.quit(2000);
}

export const suite: BenchSuite = {
  name: 'relay',
  async run(): Promise<BenchTable[]> {
    const dns = await TestDnsServer.start();
    const closed = await startSmtp(policies.closed);
    const tlsClosed = await startSmtp(policies.closed, { tls: true });
    const open = await startSmtp(policies.open);
    try {
      const tester = createRelayTester({
        dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }),
        allowPrivate: true,
        defaultPort: closed.port,
        concurrency: 4,
      });
      const bare = await median(() => bareSession(closed.port));
      const rows: (string | number)[][] = [];
      const probe = async (label: string, port: number): Promise<void> => {
        const before = (port === closed.port ? closed : port === open.port ? open : tlsClosed).commands.length;
        const ms = await median(() => tester.test(`127.0.0.1:${port}`));
        const after = (port === closed.port ? closed : port === open.port ? open : tlsClosed).commands.length;
        rows.push([label, ms.toFixed(1), (ms / bare).toFixed(1), Math.round((after - before) / ROUNDS)]);
      };
      rows.push(['bare session (connect, EHLO, QUIT)', bare.toFixed(1), '1.0', 2]);
      await probe('full probe, closed server', closed.port);
      await probe('full probe, open server', open.port);
      await probe('full probe, closed server with STARTTLS', tlsClosed.port);

      // One domain, n MX hosts all pointing at the closed server.
      const scale: (string | number)[][] = [];
      let one = 0;
      for (const n of [1, 2, 4, 6]) {
        const domain = `bench${n}.relay.test`;
        for (let i = 0; i < n; i++) {
          dns.add(domain, 'MX', { preference: 10 + i, exchange: `mx${i}.${domain}` });
          dns.add(`mx${i}.${domain}`, 'A', '127.0.0.1');
        }
        const ms = await median(() => tester.test(domain), 10);
        if (n === 1) one = ms;
        scale.push([n, ms.toFixed(1), (ms / one).toFixed(2)]);
      }
      return [
        {
          title: 'One relay probe against a loopback smtp-server',
          columns: ['what', 'median ms', 'x bare session', 'commands sent'],
          rows,
          notes: [
            'A probe is ~45 commands in one connection; on loopback it should cost a few bare sessions, not 15 (one per trick).',
            'smtp-server waits 100 ms before greeting (its early-talker check), so every row includes that; the rest is the probe.',
            'Over the internet each command is one round trip, so expect roughly 45 x RTT per server plus greylisting/tarpit delays.',
          ],
        },
        {
          title: 'Domain with n MX hosts (concurrency cap 4)',
          columns: ['MX hosts', 'median ms', 'x one host'],
          rows: scale,
          notes: ['Up to 4 hosts are probed at once, so 2-4 hosts should cost about one host; 6 about two.'],
        },
      ];
    } finally {
      await Promise.all([dns.close(), closed.close(), tlsClosed.close(), open.close()]);
    }
  },
};
