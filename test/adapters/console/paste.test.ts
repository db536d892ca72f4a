import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { runConsole } from '../../../src/adapters/console/index.js';
import { createChecker } from '../../../src/core/check/checker.js';
import { TestDnsServer } from '../../support/dns-server.js';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.listIp('203.0.113.5', 'zen.spamhaus.org', ['127.0.0.2']);
});
afterAll(() => dns.close());

async function session(text: string): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d) => (out += d));
  const done = runConsole({ services: { checker: createChecker({ resolvers: [dns.address], timeoutMs: 1000 }) }, commands, input, output });
  input.end(text);
  await done;
  return out;
}

const bounce = [
  '<user@example.net>: host mx.example.net[198.51.100.25] said: 554 5.7.1 Service unavailable;',
  '    Client host [203.0.113.5] blocked using zen.spamhaus.org (in reply to RCPT TO command)',
];

it('collects a multi-line paste after /diagnose until a lone "." and answers once', async () => {
  const out = await session(['/diagnose', ...bounce, '.', '/rbl 10.0.0.1', ''].join('\n'));
  expect(out.match(/^Bounce diagnosis/gm)).toHaveLength(1);
  expect(out).toMatch(/Rejected by:\s+mx\.example\.net \[198\.51\.100\.25\]/);
  expect(out).toMatch(/Sending IP blamed:\s+203\.0\.113\.5/);
  expect(out).not.toMatch(/is not a command/); // the pasted lines were not taken for commands
  expect(out).toMatch(/10\.0\.0\.1 is a private address/);
});

it('treats the end of input as the end of an unfinished paste', async () => {
  const out = await session(['/diagnose', ...bounce].join('\n'));
  expect(out).toMatch(/Bounce diagnosis/);
  expect(out).toMatch(/zen\.spamhaus\.org/);
});

it('ends a piped paste at the next slash command, which then runs', async () => {
  const out = await session(['/diagnose', ...bounce, '/rbl 10.0.0.1', ''].join('\n'));
  expect(out.match(/^Bounce diagnosis/gm)).toHaveLength(1);
  expect(out).toMatch(/zen\.spamhaus\.org/);
  expect(out).toMatch(/10\.0\.0\.1 is a private address/);
  // The command's line was not pasted into the bounce.
  expect(out.indexOf('Bounce diagnosis')).toBeLessThan(out.indexOf('10.0.0.1 is a private address'));
});

it('keeps pasted lines that only start with a command word', async () => {
  const relay = [
    '/diagnose',
    '<user@example.net>: host mx.example.net[198.51.100.25] said:',
    'relay access denied (in reply to RCPT TO command)',
    '.',
  ];
  const out = await session(relay.join('\n'));
  expect(out).not.toMatch(/is not a command|Relay test|Usage/i);
  expect(out).toMatch(/Bounce diagnosis/);
  expect(out).toMatch(/relay/i);
});

it('answers a bare /diagnose at the end of input with what to paste', async () => {
  for (const text of ['/diagnose\n', '/diagnose', '/diagnose\n.\n']) {
    const out = await session(text);
    expect(out).toMatch(/Paste the bounce/);
  }
});
