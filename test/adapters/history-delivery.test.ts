/**
 * /watch history on the chat platforms, against the recording fakes: in Slack the text
 * answer goes to the response_url and the picture is uploaded to the channel with
 * files.uploadV2 (upload URL, the PNG's bytes, completion into the channel); in Discord
 * the PNG is attached to the edited answer and shown in its embed.
 */
import { ApplicationCommandOptionType, GatewayDispatchEvents } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/adapters/discord/index.js';
import { SharedHttpServer } from '../../src/adapters/http-server.js';
import { startSlack, type SlackAdapter } from '../../src/adapters/slack/index.js';
import { loadConfig } from '../../src/app/config.js';
import type { ChannelRef } from '../../src/core/watch/notifier.js';
import { ADMIN_PERMS, APP_ID, CHANNEL_ID, GUILD_ID, chatInput, str } from '../support/discord-payloads.js';
import { RecordingLogger } from '../support/discord.js';
import { TestDnsServer } from '../support/dns-server.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeSlack, postSigned, slashCommand } from '../support/fake-slack.js';
import { startHarness, type Harness } from '../support/watch-harness.js';

const IP = '203.0.113.5';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
let dns: TestDnsServer;
let h: Harness;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns.listIp(IP, 'bl.spamcop.net');
  h = await startHarness({ dns });
});
afterAll(async () => {
  await h?.stop();
  await dns?.close();
});

describe('/watch history in Slack', () => {
  const SECRET = 'history-secret';
  let fake: FakeSlack;
  let http: SharedHttpServer;
  let slack: SlackAdapter;
  let url: string;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    // Named otherwise than "rblbot", as an installed app may be: refusals must use its real name.
    fake.on('auth.test', () => ({ ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'mailbot', team_id: 'T0TEST', user_id: 'UBOT' }));
    http = new SharedHttpServer();
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-t', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' });
    slack = await startSlack({
      config,
      services: { checker: h.service.checker, watches: h.service },
      commands,
      http,
      apiRetries: 0,
      progressDelayMs: 60_000,
    });
    url = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}/slack/events`;
    const channel: ChannelRef = { platform: 'slack', workspaceId: 'T0TEST', channelId: 'C0CHAN' };
    await h.service.add(channel, IP, { createdBy: 'admin' });
  });
  afterAll(async () => {
    await slack?.stop();
    await http?.close();
    await fake?.close();
  });

  it('answers with the summary, then uploads the picture to the channel', async () => {
    const res = await postSigned(url, SECRET, slashCommand({ command: '/watch', text: `history ${IP} 7`, responseUrl: fake.responseUrl('h1') }));
    expect(res.status).toBe(200);
    const answer = await fake.waitForRespond('h1');
    expect(answer.body.response_type).toBe('in_channel');
    expect(JSON.stringify(answer.body.blocks)).toContain('1 listing on 1 list in the last 7 days');
    expect(JSON.stringify(answer.body.blocks)).toContain('the picture follows as a file');

    const complete = await fake.waitFor((c) => c.method === 'files.completeUploadExternal');
    const getUrl = fake.callsTo('files.getUploadURLExternal');
    const upload = fake.callsTo('upload');
    expect(getUrl).toHaveLength(1);
    expect(getUrl[0]!.body.filename).toBe(`history-${IP}-7d.png`);
    expect(upload).toHaveLength(1);
    expect(upload[0]!.bytes!.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(Number(getUrl[0]!.body.length)).toBe(upload[0]!.bytes!.length);
    expect(complete.body.channel_id).toBe('C0CHAN');
    expect(complete.body.files).toEqual([{ id: 'F0001', title: `Listing history of ${IP}` }]);
    // The order a person sees: the text answer, then the picture.
    const order = fake.calls
      .map((c) => c.method)
      .filter((m) => ['respond', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal'].includes(m));
    expect(order).toEqual(['respond', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
  });

  it('tells the caller privately when the picture cannot be uploaded', async () => {
    fake.on('files.getUploadURLExternal', () => ({ ok: false, error: 'not_in_channel' }));
    await postSigned(url, SECRET, slashCommand({ command: '/watch', text: `history ${IP}`, responseUrl: fake.responseUrl('h2') }));
    const notice = await fake.waitForRespond('h2', 1);
    expect(notice.body.response_type).toBe('ephemeral');
    const text = JSON.stringify(notice.body.blocks);
    expect(text).toContain('@mailbot is not a member of this channel');
    expect(text).toContain('/invite @mailbot');
    expect(text).not.toContain('@rblbot');
  });
});

describe('/watch history in Discord', () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    adapter = createDiscordAdapter({
      config: { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: undefined, DISCORD_API_URL: fake.api },
      services: { checker: h.service.checker, watches: h.service },
      commands,
      logger: new RecordingLogger(),
    });
    await h.service.add({ platform: 'discord', workspaceId: GUILD_ID, channelId: CHANNEL_ID }, IP, { createdBy: 'admin' });
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });

  it('attaches the PNG and shows it in the embed', async () => {
    const raw = chatInput('watch', [{ name: 'history', type: ApplicationCommandOptionType.Subcommand, options: [str('target', IP)] }], {
      permissions: ADMIN_PERMS,
    });
    adapter.client!.ws.emit(GatewayDispatchEvents.InteractionCreate, raw, 0);
    const isEdit = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${raw.token}/messages/@original`;
    const edits = await fake.waitFor(isEdit, 1);
    const edit = edits[edits.length - 1]!;
    const png = edit.files.find((f) => f.name.endsWith('.png'))!;
    expect(png.name).toBe(`history-${IP}-30d.png`);
    expect(png.type).toBe('image/png');
    expect(png.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(edit.body.embeds[0].image).toEqual({ url: `attachment://${png.name}` });
    expect(edit.body.attachments).toContainEqual({ id: edit.files.indexOf(png), filename: png.name });
    expect(edit.body.embeds[0].description).toContain('1 listing on 1 list in the last 30 days');
  });
});
