import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayCommand } from '../../commands/relay.js';
import { dispatchCommand } from '../../commands/dispatch.js';
import type { CommandContext } from '../../commands/types.js';
import type { Reply } from '../../src/reply/reply.js';
import { createRelayDns, createRelayTester, type RelayTester } from '../../src/core/relay/index.js';
import { TestDnsServer } from '../support/dns-server.js';
import { servicesWith } from '../support/relay-helpers.js';
import { policies, startSmtp, verbs, type TestSmtp } from '../support/relay.js';

let dns: TestDnsServer;
let open: TestSmtp;
let closed: TestSmtp;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  [open, closed] = await Promise.all([startSmtp(policies.open, { name: 'mail.relay.test Postfix' }), startSmtp(policies.closed)]);
});
afterAll(async () => {
  await Promise.all([dns.close(), open.close(), closed.close()]);
});

function makeTester(now?: () => number): RelayTester {
  return createRelayTester({
    dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }),
    allowPrivate: true,
    commandTimeoutMs: 5000,
    perUserLimit: 2,
    perUserWindowMs: 10 * 60_000,
    now,
  });
}

function context(relay: RelayTester, userId = 'U1', progress: Reply[] = []): CommandContext {
  return {
    invocation: { platform: 'slack', workspaceId: 'T1', channelId: 'C1', user: { id: userId, isAdmin: false } },
    services: servicesWith(relay),
    progress: async (r) => {
      progress.push(r);
    },
  };
}

/** Through the dispatcher, as every platform runs it: it turns the command's UserErrors into answers. */
async function run(text: string, ctx: CommandContext): Promise<Reply> {
  return dispatchCommand(
    { commands: [relayCommand], services: ctx.services },
    { name: 'relay', text, invocation: ctx.invocation, progress: ctx.progress },
  );
}

const allText = (r: Reply): string => JSON.stringify(r.blocks);

describe('/relay', () => {
  it('answers an open relay in the channel with the trick and Postfix advice', async () => {
    const progress: Reply[] = [];
    const reply = await run(`127.0.0.1:${open.port}`, context(makeTester(), 'U-open', progress));
    expect(progress).toHaveLength(1);
    expect(reply.visibility).toBe('channel');
    expect(reply.level).toBe('bad');
    expect(reply.title).toBe(`Open-relay test: 127.0.0.1:${open.port}`);
    expect(reply.blocks[0]).toMatchObject({ kind: 'verdict', level: 'bad' });
    expect(allText(reply)).toMatch(/OPEN RELAY/);
    expect(allText(reply)).toMatch(/external sender to external recipient/);
    // The greeting says Postfix, so only Postfix advice is given.
    expect(allText(reply)).toMatch(/How to close it \(Postfix\)/);
    expect(allText(reply)).toMatch(/reject_unauth_destination/);
    expect(allText(reply)).not.toMatch(/Ms-Exch-SMTP-Accept-Any-Recipient/);
    expect(reply.blocks.some((b) => b.kind === 'code')).toBe(false);
    expect(reply.fullText).toMatch(/C: MAIL FROM:<sender@example.com>/);
    expect(verbs(open.commands)).not.toContain('DATA');
  });

  it('shows the shortened transcript when asked', async () => {
    const reply = await run(`127.0.0.1:${closed.port} transcript:true`, context(makeTester(), 'U-transcript'));
    expect(reply.level).toBe('ok');
    const code = reply.blocks.find((b) => b.kind === 'code');
    expect(code).toBeDefined();
    const text = (code as { text: string }).text;
    expect(text).toMatch(/^\* connected to 127\.0\.0\.1:/);
    expect(text).toMatch(/C: EHLO /);
    expect(text).toMatch(/lines left out/);
    expect(text.split('\n').length).toBeLessThanOrEqual(40);
    expect(text).toMatch(/C: QUIT/);
  });

  it('limits tests per user and says so, then allows again after the window', async () => {
    let now = 1_000_000;
    const relay = makeTester(() => now);
    expect((await run(`127.0.0.1:${closed.port}`, context(relay, 'U-busy'))).level).toBe('ok');
    expect((await run(`127.0.0.1:${closed.port}`, context(relay, 'U-busy'))).level).toBe('ok');
    const before = closed.connections;
    const refused = await run(`127.0.0.1:${closed.port}`, context(relay, 'U-busy'));
    expect(refused.visibility).toBe('ephemeral');
    expect(refused.level).toBe('error');
    expect(allText(refused)).toMatch(/2 relay tests per 10 minutes/);
    expect(closed.connections).toBe(before);
    // Someone else is not affected.
    expect((await run(`127.0.0.1:${closed.port}`, context(relay, 'U-other'))).level).toBe('ok');
    now += 10 * 60_000 + 1;
    expect((await run(`127.0.0.1:${closed.port}`, context(relay, 'U-busy'))).level).toBe('ok');
  });

  it('answers bad and refused targets privately without using the allowance', async () => {
    const relay = createRelayTester({ dns: createRelayDns({ resolvers: [dns.address], timeoutMs: 1000 }), perUserLimit: 1 });
    const bad = await run('not..valid', context(relay, 'U-typo'));
    expect(bad.visibility).toBe('ephemeral');
    expect(allText(bad)).toMatch(/not a valid host/);
    const refused = await run('10.0.0.1', context(relay, 'U-typo'));
    expect(refused.visibility).toBe('ephemeral');
    expect(allText(refused)).toMatch(/private.*RBLBOT_ALLOW_PRIVATE=1/);
    const again = await run('10.0.0.2', context(relay, 'U-typo'));
    expect(allText(again)).not.toMatch(/slow down|relay tests per/);
    // The one allowed test is still there: the refusals did not use it.
    expect(relay.takeUserTest('slack:T1:U-typo').allowed).toBe(true);
    expect(relay.takeUserTest('slack:T1:U-typo').allowed).toBe(false);
  });

  it('says so when the bot was built without a relay tester', async () => {
    const ctx = context(makeTester());
    const reply = await run('203.0.113.5', { ...ctx, services: { checker: ctx.services.checker } });
    expect(reply.visibility).toBe('ephemeral');
    expect(allText(reply)).toMatch(/not set up/);
  });

  it('has a description within Discord limits and a friendly schema error', () => {
    expect(relayCommand.description.length).toBeLessThanOrEqual(100);
    const result = relayCommand.schema.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/Give a domain/);
  });
});
