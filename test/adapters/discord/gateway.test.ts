import { GatewayDispatchEvents, InteractionResponseType, MessageFlags, ApplicationCommandOptionType } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/index.js';
import { createChecker } from '../../../src/core/check/checker.js';
import { REPORT_FILENAME } from '../../../src/adapters/discord/render.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { FakeDiscord, type RecordedRequest } from '../../support/fake-discord.js';
import { ADMIN_PERMS, APP_ID, CHANNEL_ID, chatInput, messageCommand, modalSubmit, str } from '../../support/discord-payloads.js';
import { expectWithinLimits, RecordingLogger, visibleText } from '../../support/discord.js';
import { LONG_ITEMS, testCommands } from '../../support/discord-test-commands.js';

let fake: FakeDiscord;
let dns: TestDnsServer;
let adapter: DiscordAdapter;
let logger: RecordingLogger;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  dns = await TestDnsServer.start();
  logger = new RecordingLogger();
  adapter = createDiscordAdapter({
    config: { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: undefined, DISCORD_API_URL: fake.api },
    services: { checker: createChecker({ resolvers: [dns.address], timeoutMs: 400 }) },
    commands: testCommands,
    logger,
  });
});
afterAll(async () => {
  await adapter.stop();
  await fake.close();
  await dns.close();
});
beforeEach(() => {
  fake.reset();
  dns.reset();
});

/** Exactly what discord.js does with a gateway INTERACTION_CREATE dispatch. */
function feed(raw: object): { token: string; id: string } {
  adapter.client!.ws.emit(GatewayDispatchEvents.InteractionCreate, raw, 0);
  return raw as { token: string; id: string };
}

const isCallback = (token: string) => (r: RecordedRequest) => r.path.startsWith('/interactions/') && r.path.includes(`/${token}/`);
const isEdit = (token: string) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${token}/messages/@original`;
const isFollowUp = (token: string) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/webhooks/${APP_ID}/${token}`;

/** Wait for the final edit (the last PATCH after any progress edits). */
async function finalEdit(token: string, count = 1): Promise<RecordedRequest> {
  const edits = await fake.waitFor(isEdit(token), count);
  return edits[edits.length - 1]!;
}

function expectNoMentions(requests: readonly RecordedRequest[]): void {
  const sends = requests.filter(
    (r) =>
      (r.method === 'PATCH' || r.method === 'POST') &&
      !(
        r.path.endsWith('/callback') &&
        [InteractionResponseType.DeferredChannelMessageWithSource, InteractionResponseType.Modal].includes(r.body?.type)
      ),
  );
  expect(sends.length).toBeGreaterThan(0);
  for (const r of sends) {
    const message = r.path.endsWith('/callback') ? r.body.data : r.body;
    expect(message.allowed_mentions, `${r.method} ${r.path}`).toEqual({ parse: [] });
  }
}

describe('gateway interactions', () => {
  it('defers at once, then edits the original with the real checker’s answer as embeds', async () => {
    dns.listIp('203.0.113.5', 'bl.spamcop.net', ['127.0.0.2'], 'Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5');
    dns.rule({ suffix: 'psbl.surriel.com', behaviour: 'silent' });
    const raw = feed(chatInput('check', [str('target', '203.0.113.5')]));

    const [callback] = await fake.waitFor(isCallback(raw.token));
    expect(callback!.path).toBe(`/interactions/${raw.id}/${raw.token}/callback`);
    expect(callback!.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource });
    expect(callback!.headers.authorization).toBeUndefined(); // interaction endpoints use the token in the URL

    // progress edit first, then the answer
    const edit = await finalEdit(raw.token, 2);
    const order = fake.requests.map((r) => r.method);
    expect(order[0]).toBe('POST');
    expect(order.slice(1)).toEqual(['PATCH', 'PATCH']);
    expect(edit.body.embeds[0].title).toBe('Blocklist check: 203.0.113.5');
    expect(edit.body.embeds[0].color).toBe(0xe74c3c);
    const text = visibleText(edit.body);
    // listed zones come first, with meaning and a removal link; the timeout is said plainly
    expect(text.indexOf('SpamCop')).toBeGreaterThan(-1);
    expect(text.indexOf('Listed on')).toBeLessThan(text.indexOf('Could not check'));
    expect(text).toMatch(/\[Request removal\]\(<https:\/\/www\.spamcop\.net\/bl\.shtml\?203\.0\.113\.5>\)/);
    expect(text).toMatch(/timeout/);
    expect(edit.body.embeds.at(-1).footer.text).toMatch(/lists clean/);
    expectWithinLimits(edit.body.embeds);
    expectNoMentions(fake.requests);
  });

  it('keeps a very long answer within embed limits and attaches the full report', async () => {
    const raw = feed(chatInput('long'));
    const edit = await finalEdit(raw.token);
    expectWithinLimits(edit.body.embeds);
    expect(visibleText(edit.body)).toMatch(/more not shown here.*full report is attached/s);
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]!.name).toBe(REPORT_FILENAME);
    expect(edit.files[0]!.text).toContain(`zone-${LONG_ITEMS - 1}.example.org`);
    expect(edit.body.attachments).toEqual([{ id: 0, filename: REPORT_FILENAME }]);
    expectNoMentions(fake.requests);
  });

  it('makes mention and markdown injection inert', async () => {
    const evil = '@everyone @here <@123> <@&456> <#789> **x** __u__ [x](http://evil.example) # big\n> quote ```';
    const raw = feed(chatInput('echo', [str('text', evil)]));
    const edit = await finalEdit(raw.token);
    const text = visibleText(edit.body);
    expect(text).not.toMatch(/@everyone|@here/);
    expect(text).not.toMatch(/<@123>|<@&456>|<#789>/);
    // footers show no markdown at all, so only the parts that do are checked for markup
    const footer = edit.body.embeds.at(-1).footer.text as string;
    expect(footer).toContain('**x**');
    const markdown = text.replace(footer, '').replace(/```[\s\S]*?```/g, '');
    expect(markdown).not.toContain('**x**');
    expect(markdown).not.toContain('__u__');
    expect(markdown).not.toContain('](http://evil');
    expect(markdown).not.toMatch(/^# big/m);
    expect(markdown).not.toMatch(/^> quote/m);
    // the code block cannot be closed early by the pasted backticks
    expect(text.replace(footer, '').match(/```/g)).toHaveLength(2);
    // the only link is the one the Reply asked for
    expect(text.match(/\]\(</g)).toHaveLength(1);
    expect(text).toContain('[Delist](<https://example.org/delist?ip=1>)');
    expectNoMentions(fake.requests);
  });

  it('answers an ephemeral reply privately, replacing the public “thinking…”', async () => {
    const raw = feed(chatInput('secret'));
    const [followUp] = await fake.waitFor(isFollowUp(raw.token));
    expect(followUp!.body.flags).toBe(MessageFlags.Ephemeral);
    expect(visibleText(followUp!.body)).toContain('hello');
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/${raw.token}/messages/@original`))).toBe(true);

    // the private answer still arrives when the "thinking…" cannot be removed
    fake.failures.push({ match: /^DELETE /, status: 404 });
    const again = feed(chatInput('secret'));
    const [second] = await fake.waitFor(isFollowUp(again.token));
    expect(visibleText(second!.body)).toContain('hello');
    expectNoMentions(fake.requests);
  });

  it('answers a handler error with a friendly private message and keeps serving', async () => {
    const raw = feed(chatInput('boom'));
    const [followUp] = await fake.waitFor(isFollowUp(raw.token));
    expect(followUp!.body.flags).toBe(MessageFlags.Ephemeral);
    const text = visibleText(followUp!.body);
    expect(text).toMatch(/failed unexpectedly/);
    expect(text).not.toContain('kaboom');
    expect(logger.errors.some((e) => JSON.stringify(e.details).includes('kaboom'))).toBe(true);

    // a REST failure while answering is also survived
    fake.failures.push({ match: /^PATCH /, status: 400 });
    const broken = feed(chatInput('echo', [str('text', 'first')]));
    await fake.waitFor(isFollowUp(broken.token));

    const next = feed(chatInput('echo', [str('text', 'still here')]));
    const edit = await finalEdit(next.token);
    expect(visibleText(edit.body)).toContain('still here');
    expectNoMentions(fake.requests);
  });

  it('opens a modal for an empty text command and runs the command on submit', async () => {
    const raw = feed(chatInput('paste'));
    const [callback] = await fake.waitFor(isCallback(raw.token));
    expect(callback!.body.type).toBe(InteractionResponseType.Modal);
    const modal = callback!.body.data;
    expect(modal.title).toBe('Diagnose a bounce');
    expect(modal.custom_id).toBe('rblbot:modal:paste');
    expect(modal.components[0]).toMatchObject({
      type: 18,
      label: 'Paste the bounce message',
      component: { type: 4, style: 2, custom_id: 'text', max_length: 4000 },
    });
    // no defer before a modal: it must be the first response
    expect(fake.requests).toHaveLength(1);

    const submit = feed(modalSubmit(modal.custom_id, '550 5.7.1 blocked using zen.spamhaus.org @everyone'));
    const [deferred] = await fake.waitFor(isCallback(submit.token));
    expect(deferred!.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const edit = await finalEdit(submit.token);
    const text = visibleText(edit.body);
    expect(text).toContain('Read 50 characters');
    expect(text).toContain('zen.spamhaus.org');
    expect(text).not.toContain('@everyone');
    expectNoMentions(fake.requests);
  });

  it('diagnoses a message through the context-menu command', async () => {
    const raw = feed(messageCommand('Diagnose bounce', { content: 'Remote-MTA: dns; mx.example.net\n550 5.7.1 Service unavailable' }));
    const [callback] = await fake.waitFor(isCallback(raw.token));
    expect(callback!.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const edit = await finalEdit(raw.token);
    expect(visibleText(edit.body)).toContain('550 5.7.1 Service unavailable');

    const empty = feed(messageCommand('Diagnose bounce', { content: '' }));
    const [notice] = await fake.waitFor(isCallback(empty.token));
    expect(notice!.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(notice!.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(visibleText(notice!.body.data)).toMatch(/no text/);

    // a message that only carries the bounce as an attached file is read from the file
    fake.cdn.set('dsn.txt', Buffer.from('Final-Recipient: rfc822; bob@example.net\nStatus: 5.7.1\n'));
    const withFile = feed(
      messageCommand('Diagnose bounce', {
        content: '',
        attachments: [
          { id: '9', filename: 'dsn.txt', size: 55, url: fake.cdnUrl('dsn.txt'), proxy_url: fake.cdnUrl('dsn.txt'), content_type: 'text/plain' },
        ],
      }),
    );
    expect(visibleText((await finalEdit(withFile.token)).body)).toContain('Status: 5.7.1');
    expectNoMentions(fake.requests);
  });

  it('reads an attached .eml from the file option, and refuses one that is too big', async () => {
    fake.cdn.set('bounce.eml', Buffer.from('From: MAILER-DAEMON\n\n550 5.7.1 listed at bl.spamcop.net\n'));
    const attachment = (id: string, filename: string, size: number) => ({
      id,
      filename,
      size,
      url: fake.cdnUrl(filename),
      proxy_url: fake.cdnUrl(filename),
      content_type: 'message/rfc822',
    });
    const raw = feed(
      chatInput('paste', [{ name: 'file', type: ApplicationCommandOptionType.Attachment, value: '42' }], {
        resolved: { attachments: { '42': attachment('42', 'bounce.eml', 60) } },
      }),
    );
    const edit = await finalEdit(raw.token);
    expect(visibleText(edit.body)).toContain('listed at bl.spamcop.net');
    expect(fake.requests.some((r) => r.path === '/cdn/bounce.eml')).toBe(false); // CDN requests are not API calls

    const big = feed(
      chatInput('paste', [{ name: 'file', type: ApplicationCommandOptionType.Attachment, value: '43' }], {
        resolved: { attachments: { '43': attachment('43', 'huge.eml', 5_000_000) } },
      }),
    );
    const [followUp] = await fake.waitFor(isFollowUp(big.token));
    expect(visibleText(followUp!.body)).toMatch(/larger than 1024 KB/);
  });

  it('enforces an admin-only subcommand from the member’s permissions', async () => {
    const add = [
      {
        name: 'add',
        type: ApplicationCommandOptionType.Subcommand,
        options: [str('target', 'example.com'), { name: 'every', type: ApplicationCommandOptionType.Integer, value: 6 }],
      },
    ];
    const denied = feed(chatInput('guard', add));
    // Refused at once and privately: no public "thinking…" to take back.
    const [refusal] = await fake.waitFor(isCallback(denied.token));
    expect(refusal!.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refusal!.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(visibleText(refusal!.body.data)).toMatch(/Only admins may run \/guard add.*Manage Server/s);

    const allowed = feed(chatInput('guard', add, { permissions: ADMIN_PERMS }));
    const edit = await finalEdit(allowed.token);
    expect(visibleText(edit.body)).toContain('ran add');
    expect(visibleText(edit.body)).toContain('"every":6');

    const list = feed(chatInput('guard', [{ name: 'list', type: ApplicationCommandOptionType.Subcommand, options: [] }]));
    expect(visibleText((await finalEdit(list.token)).body)).toContain('ran list');
  });

  it('posts alerts to a channel with the idempotency key as an enforced nonce', async () => {
    await adapter.notifier.send(
      { platform: 'discord', workspaceId: 'g', channelId: CHANNEL_ID },
      {
        visibility: 'channel',
        title: 'Now listed: 203.0.113.5',
        level: 'bad',
        blocks: [{ kind: 'verdict', level: 'bad', text: ['@everyone listed on <@1>'] }],
      },
      'watch-17:zen:listed:2026-11-27T22:00:00Z',
    );
    const [post] = await fake.waitFor((r) => r.path === `/channels/${CHANNEL_ID}/messages`);
    expect(post!.headers.authorization).toBe('Bot test-token');
    expect(post!.body.enforce_nonce).toBe(true);
    expect(post!.body.nonce.length).toBeLessThanOrEqual(25);
    expect(post!.body.allowed_mentions).toEqual({ parse: [] });
    expect(visibleText(post!.body)).not.toContain('@everyone');

    // same key → same nonce, so a retry cannot double-post
    await adapter.notifier.send(
      { platform: 'discord', workspaceId: 'g', channelId: CHANNEL_ID },
      { visibility: 'channel', title: 'x', level: 'bad', blocks: [] },
      'watch-17:zen:listed:2026-11-27T22:00:00Z',
    );
    const posts = await fake.waitFor((r) => r.path === `/channels/${CHANNEL_ID}/messages`, 2);
    expect(posts[1]!.body.nonce).toBe(posts[0]!.body.nonce);

    fake.failures.push({ match: /messages$/, status: 403 });
    await expect(
      adapter.notifier.send(
        { platform: 'discord', workspaceId: 'g', channelId: CHANNEL_ID },
        { visibility: 'channel', title: 'x', level: 'bad', blocks: [] },
        'k',
      ),
    ).rejects.toThrow();
  });
});
