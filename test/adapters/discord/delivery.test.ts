/**
 * Watch alerts to Discord against the answers Discord really gives: JSON error codes with
 * their HTTP statuses (10003, 50001, 50013, 401), 429 with Retry-After, 5xx. A refused
 * channel is paused with the fix shown in /watch list; /watch add reads the interaction's
 * app_permissions and warns at once; the next /watch command with the permissions back
 * resumes the channel and posts what was held.
 */
import { ApplicationCommandOptionType, GatewayDispatchEvents, PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { watchCommand } from '../../../commands/watch.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/index.js';
import { DiscordNotifier } from '../../../src/adapters/discord/notifier.js';
import { createAlertRest } from '../../../src/adapters/discord/rest.js';
import { DeliveryError, type ChannelRef } from '../../../src/core/watch/notifier.js';
import type { Reply } from '../../../src/reply/reply.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { DISCORD_ERRORS, FakeDiscord, rateLimited, type RecordedRequest } from '../../support/fake-discord.js';
import { ADMIN_PERMS, APP_ID, BOT_CAN_POST, GUILD_ID, chatInput, str } from '../../support/discord-payloads.js';
import { RecordingLogger, visibleText } from '../../support/discord.js';
import { HOUR, startHarness, type Harness } from '../../support/watch-harness.js';

const IP = '203.0.113.5';
let fake: FakeDiscord;
let dns: TestDnsServer;
let h: Harness;
let adapter: DiscordAdapter;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  dns = await TestDnsServer.start();
  h = await startHarness({ dns });
  adapter = createDiscordAdapter({
    config: { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: undefined, DISCORD_API_URL: fake.api },
    services: { checker: h.service.checker, watches: h.service },
    commands: [watchCommand],
    logger: new RecordingLogger(),
  });
  h.running.sender.register(adapter.notifier);
});
afterAll(async () => {
  await adapter.stop();
  await h.stop();
  await fake.close();
  await dns.close();
});
afterEach(() => {
  fake.reset();
  dns.unlistIp(IP, 'bl.spamcop.net');
});

const channel = (id: string): ChannelRef => ({ platform: 'discord', workspaceId: GUILD_ID, channelId: id });
const alert: Reply = {
  visibility: 'channel',
  title: 'Watch: 203.0.113.5 listed',
  level: 'bad',
  blocks: [{ kind: 'verdict', level: 'bad', text: ['Listed.'] }],
};
const posts = (channelId: string) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`;

async function sendError(channelId: string): Promise<DeliveryError> {
  const err = await adapter.notifier.send(channel(channelId), alert, `k-${channelId}`).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

/** /watch <sub> in a channel as a server admin, with the bot's permissions there; resolves with the final answer's text. */
async function watch(sub: string, channelId: string, appPermissions = BOT_CAN_POST, target?: string): Promise<string> {
  const raw = {
    ...chatInput('watch', [{ name: sub, type: ApplicationCommandOptionType.Subcommand, options: target ? [str('target', target)] : [] }], {
      permissions: ADMIN_PERMS,
      appPermissions,
    }),
    channel_id: channelId,
    channel: { id: channelId, type: 0 },
  };
  adapter.client!.ws.emit(GatewayDispatchEvents.InteractionCreate, raw, 0);
  const edits = await fake.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${raw.token}/messages/@original`);
  return visibleText(edits.at(-1)!.body);
}

describe('Discord refusals, classified', () => {
  it.each([
    ['unknownChannel', '10003', /does not know this channel/, /another channel/],
    ['missingAccess', '50001', /cannot see this channel/, /View Channel, Send Messages, Embed Links and Attach Files/],
    ['missingPermissions', '50013', /lacks a permission/, /View Channel, Send Messages, Embed Links and Attach Files/],
  ] as const)('%s pauses the channel, with the fix', async (name, code, problem, fix) => {
    fake.failures.push({ match: /^POST \/channels\/C-\w+\/messages$/, ...DISCORD_ERRORS[name] });
    const err = await sendError(`C-${name}`);
    expect(err).toMatchObject({ kind: 'channel', code });
    expect(err.message).toMatch(problem);
    expect(err.fix).toMatch(fix);
    expect(fake.requests.filter(posts(`C-${name}`))).toHaveLength(1);
  });

  it('a revoked token (401) pauses too, and stays refused after the client drops the token', async () => {
    // Its own client: after a 401, @discordjs/rest forgets the token for good.
    const revoked = new DiscordNotifier(createAlertRest(fake.api, 'revoked-token'));
    fake.failures.push({ match: /messages$/, ...DISCORD_ERRORS.unauthorized });
    for (let i = 0; i < 2; i++) {
      const err = await revoked.send(channel('C-401'), alert, 'k401').then(
        () => undefined,
        (e: unknown) => e as DeliveryError,
      );
      expect(err).toMatchObject({ kind: 'channel', message: 'Discord no longer accepts DISCORD_TOKEN.' });
      expect(err!.fix).toContain('DISCORD_TOKEN');
    }
    expect(fake.requests.filter(posts('C-401'))).toHaveLength(1);
  });

  it('a 429 says how long to wait (Retry-After), without the client waiting or retrying', async () => {
    fake.failures.push({ match: /messages$/, ...rateLimited(7.5) });
    const started = Date.now();
    const err = await sendError('C-busy');
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(7500);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fake.requests.filter(posts('C-busy'))).toHaveLength(1);
  });

  it('a server error is temporary, tried once by the client', async () => {
    fake.failures.push({ match: /messages$/, ...DISCORD_ERRORS.serverError });
    expect(await sendError('C-down')).toMatchObject({ kind: 'temporary' });
    expect(fake.requests.filter(posts('C-down'))).toHaveLength(1);
  });
});

describe('/watch and the bot’s permissions in the channel', () => {
  it('warns at /watch add when the bot lacks a permission, naming it and the fix', async () => {
    const noEmbeds = (BigInt(BOT_CAN_POST) & ~PermissionFlagsBits.EmbedLinks & ~PermissionFlagsBits.AttachFiles).toString();
    const text = await watch('add', 'C-noembed', noEmbeds, IP);
    expect(text).toContain('Now watching');
    expect(text).toContain('Alerts cannot reach this channel yet');
    expect(text).toContain('lacks Embed Links and Attach Files in this channel');
    expect(text).toContain('Give @rblbot View Channel, Send Messages, Embed Links and Attach Files in this channel');
    expect((await h.service.delivery(channel('C-noembed'))).pause).toMatchObject({ code: '50013' });
  });

  it('pauses on 50013, shows it in /watch list, and resumes with what was held once the permissions are back', async () => {
    expect(await watch('add', 'C-perm', BOT_CAN_POST, IP)).not.toContain('cannot reach');
    fake.failures.push({ match: /^POST \/channels\/C-perm\/messages$/, ...DISCORD_ERRORS.missingPermissions, times: 1000 });
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    await h.advance(HOUR);
    // One try for the alert and one per 15-minute probe: never a flood of retries.
    expect(fake.requests.filter(posts('C-perm')).length).toBeLessThanOrEqual(1 + 4);
    const noSend = (BigInt(BOT_CAN_POST) & ~PermissionFlagsBits.SendMessages).toString();
    const list = await watch('list', 'C-perm', noSend);
    expect(list).toContain('Alerts to this channel are paused');
    expect(list).toContain('lacks Send Messages in this channel');
    expect(list).toContain('1 alert is held');

    fake.failures.length = 0;
    const before = fake.requests.filter(posts('C-perm')).length;
    const after = await watch('list', 'C-perm');
    expect(after).not.toContain('paused');
    await h.advance(0);
    const sent = fake.requests.filter(posts('C-perm')).slice(before);
    expect(sent).toHaveLength(1);
    expect(visibleText(sent[0]!.body)).toContain('203.0.113.5');
    expect((await h.service.delivery(channel('C-perm'))).pause).toBeNull();
  });
});
