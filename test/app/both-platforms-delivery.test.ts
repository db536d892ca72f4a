/**
 * Alerts that cannot be delivered, end to end: the real entry point (src/cli.ts) with Slack
 * and Discord both configured, the recording fakes answering with the platforms' real error
 * codes. A channel the platform refuses (Slack not_in_channel, Discord 50013) is paused,
 * /watch list in it says why and how to fix it, its alerts are held and arrive as one
 * message once a /watch command shows the bot can post again; a 429 is waited out for its
 * Retry-After and then delivered.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertReply } from '../../src/core/watch/reply.js';
import { SqliteWatchStore } from '../../src/core/watch/sqlite-store.js';
import type { WatchChange } from '../../src/core/watch/types.js';
import { TestDnsServer } from '../support/dns-server.js';
import { DISCORD_ERRORS, FakeDiscord, rateLimited as discordRateLimited } from '../support/fake-discord.js';
import { FakeSlack, postSigned, rateLimited, slackError, slashCommand } from '../support/fake-slack.js';
import { ADMIN_PERMS, APP_ID, BOT_CAN_POST, CHANNEL_ID, GUILD_ID, chatInput } from '../support/discord-payloads.js';
import { tempDbFile } from '../support/watch-harness.js';
import { freePort, startBotProcess, type BotProcess } from '../support/bot-process.js';

const SECRET = 'delivery-secret';
const SLACK_TEAM = 'T0TEST';
let dns: TestDnsServer;
let slack: FakeSlack;
let discord: FakeDiscord;
let bot: BotProcess;
let port: number;
let privateKey: KeyObject;
/** Whether the bot has been invited to Slack's C0NOTIN (the fake answers accordingly). */
let invited = false;

const change = (target: string): WatchChange => ({
  target,
  label: target,
  zone: 'bl.spamcop.net',
  name: 'SpamCop Blocking List (SCBL)',
  listType: 'block',
  query: target,
  now: 'listed',
  codes: ['127.0.0.2'],
  meaning: 'listed (IP transmitted mail reported to SpamCop / hit traps)',
  removalUrl: null,
  lookupUrl: null,
});

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr so far:\n${bot.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const slackPosts = (channel: string) => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
const discordPosts = (channel: string) => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel}/messages`);

beforeAll(async () => {
  dns = await TestDnsServer.start();
  slack = await FakeSlack.start();
  discord = await FakeDiscord.start();
  const pair = generateKeyPairSync('ed25519');
  privateKey = pair.privateKey;
  const publicHex = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');

  // Slack: the bot is not in C0NOTIN (Slack answers not_in_channel, HTTP 200), and C0RATE is
  // rate limited once (HTTP 429, Retry-After: 2).
  let rateLimitedOnce = false;
  slack.on('chat.postMessage', (b) => {
    if (b.channel === 'C0NOTIN' && !invited) return slackError('not_in_channel');
    if (b.channel === 'C0RATE' && !rateLimitedOnce) {
      rateLimitedOnce = true;
      return rateLimited(2);
    }
    return { ok: true, channel: b.channel, ts: `1700000001.${String(slack.calls.length).padStart(6, '0')}` };
  });
  slack.on('conversations.info', (b) => ({
    ok: true,
    channel: {
      id: b.channel,
      name: 'mail-ops',
      is_channel: true,
      is_private: false,
      is_archived: false,
      is_member: b.channel !== 'C0NOTIN' || invited,
    },
  }));
  // Discord: the bot lacks Send Messages in CHANNEL_ID (50013) until told otherwise; channel 557 answers one 429.
  discord.failures.push(
    { match: new RegExp(`^POST /channels/${CHANNEL_ID}/messages$`), ...DISCORD_ERRORS.missingPermissions, times: 1000 },
    { match: /^POST \/channels\/557\/messages$/, ...discordRateLimited(2) },
  );

  // The alerts a running bot would have queued: two for the Slack channel the bot is not in.
  const file = tempDbFile();
  const store = new SqliteWatchStore(file);
  const alert = (platform: 'slack' | 'discord', workspaceId: string, channelId: string, target: string) => ({
    channel: { platform, workspaceId, channelId },
    reply: alertReply([change(target)]),
  });
  await store.commitCycle({
    owner: 'seed',
    now: Date.now(),
    claimed: [],
    states: [],
    reschedule: [],
    alerts: [
      alert('slack', SLACK_TEAM, 'C0NOTIN', '203.0.113.1'),
      alert('slack', SLACK_TEAM, 'C0NOTIN', '203.0.113.2'),
      alert('slack', SLACK_TEAM, 'C0RATE', '203.0.113.3'),
      alert('discord', GUILD_ID, CHANNEL_ID, '203.0.113.4'),
      alert('discord', GUILD_ID, '557', '203.0.113.5'),
    ],
  });
  await store.close();

  port = await freePort();
  bot = startBotProcess({
    SLACK_BOT_TOKEN: 'xoxb-both',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: 'both-token',
    DISCORD_APP_ID: APP_ID,
    DISCORD_PUBLIC_KEY: publicHex,
    DISCORD_API_URL: discord.api,
    PORT: String(port),
    RBLBOT_DB: file,
    RBLBOT_RESOLVERS: dns.address,
    LOG_LEVEL: 'warn',
  });
  await bot.waitForStderr(/^Slack: [\s\S]*^Discord: |^Discord: [\s\S]*^Slack: /m);
}, 90_000);

afterAll(async () => {
  await bot?.stop('SIGKILL');
  await Promise.all([slack?.close(), discord?.close(), dns?.close()]);
});

async function slackWatch(text: string, channelId: string, id: string): Promise<string> {
  const res = await postSigned(
    `http://127.0.0.1:${port}/slack/events`,
    SECRET,
    slashCommand({ command: '/watch', text, responseUrl: slack.responseUrl(id), channelId, userId: 'U0USER' }),
  );
  expect(res.status).toBe(200);
  return JSON.stringify((await slack.waitForRespond(id)).body);
}

async function discordWatchList(appPermissions: string): Promise<string> {
  const raw = chatInput('watch', [{ name: 'list', type: ApplicationCommandOptionType.Subcommand, options: [] }], {
    permissions: ADMIN_PERMS,
    appPermissions,
  });
  const body = JSON.stringify(raw);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
  const res = await fetch(`http://127.0.0.1:${port}/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    body,
  });
  expect(res.status).toBe(200);
  const immediate = JSON.stringify(await res.json());
  const edits = await discord.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${raw.token}/messages/@original`);
  return immediate + JSON.stringify(edits.at(-1)!.body);
}

describe('alerts that cannot be delivered, with Slack and Discord in one process', () => {
  it('Slack not_in_channel: paused, /watch list says why and how to fix it, the held alerts arrive as one message after the invite', async () => {
    await until(() => slackPosts('C0NOTIN').length >= 1, 'the refused Slack post');
    const paused = await slackWatch('list', 'C0NOTIN', 'notin1');
    expect(paused).toContain('Alerts to this channel are paused');
    expect(paused).toContain('@rblbot is not a member of this channel');
    expect(paused).toContain('/invite @rblbot');
    expect(paused).toContain('2 alerts are held');
    // Paused means no retries: one refused attempt, not a back-off series.
    expect(slackPosts('C0NOTIN')).toHaveLength(1);

    invited = true;
    const resumed = await slackWatch('list', 'C0NOTIN', 'notin2');
    expect(resumed).not.toContain('paused');
    await until(() => slackPosts('C0NOTIN').length >= 2, 'the held alerts');
    await new Promise((r) => setTimeout(r, 1500));
    const after = slackPosts('C0NOTIN').slice(1);
    expect(after).toHaveLength(1);
    const text = JSON.stringify(after[0]!.body);
    expect(text).toContain('2 held alerts');
    expect(text).toContain('203.0.113.1');
    expect(text).toContain('203.0.113.2');
    expect(text).toContain('could not post here');
  });

  it('Slack 429: waits the Retry-After, then delivers', async () => {
    await until(() => slackPosts('C0RATE').length >= 2, 'the Slack post after the rate limit');
    const [limited, delivered] = slackPosts('C0RATE');
    expect(JSON.stringify(limited!.body)).toContain('203.0.113.3');
    expect(JSON.stringify(delivered!.body)).toContain('203.0.113.3');
    expect(slackPosts('C0RATE')).toHaveLength(2);
  });

  it('Discord 50013: paused, /watch list names the missing permission, resumes with what was held once it is granted', async () => {
    await until(() => discordPosts(CHANNEL_ID).length >= 1, 'the refused Discord post');
    const withoutSend = (BigInt(BOT_CAN_POST) & ~PermissionFlagsBits.SendMessages).toString();
    const paused = await discordWatchList(withoutSend);
    expect(paused).toContain('paused');
    expect(paused).toContain('Send Messages');
    expect(discordPosts(CHANNEL_ID)).toHaveLength(1);

    discord.failures.splice(0, discord.failures.length);
    await discordWatchList(BOT_CAN_POST);
    await until(() => discordPosts(CHANNEL_ID).length >= 2, 'the held Discord alert');
    const held = JSON.stringify(discordPosts(CHANNEL_ID)[1]!.body);
    expect(held).toContain('203.0.113.4');
    expect(held).toContain('could not post here');
  });

  it('Discord 429: waits the Retry-After, then delivers', async () => {
    await until(() => discordPosts('557').length >= 2, 'the Discord post after the rate limit');
    expect(discordPosts('557')).toHaveLength(2);
    expect(JSON.stringify(discordPosts('557')[1]!.body)).toContain('203.0.113.5');
  });

  it('stops on SIGTERM with status 0, having logged the pauses and nothing unhandled', async () => {
    expect(await bot.stop('SIGTERM')).toBe(0);
    expect(bot.stderr()).toMatch(/alerts to a channel paused/);
    expect(bot.stderr()).not.toMatch(/unhandled|action is not a function/i);
  });
});
