/**
 * Slack and Discord in one process, as a user runs it: the real entry point (src/cli.ts)
 * with both platforms configured (Slack HTTP mode, Discord HTTP interactions), the Web API
 * and REST pointed at the recording fakes. Every path that carries a file works with the
 * other platform loaded too: a long Discord alert and a long Discord answer are uploaded
 * as multipart (once broken by Slack's undici 7 as the process-wide dispatcher), a long
 * Slack alert carries its report through files.uploadV2.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ApplicationCommandOptionType, InteractionResponseType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertReply } from '../../src/core/watch/reply.js';
import { SqliteWatchStore } from '../../src/core/watch/sqlite-store.js';
import type { WatchChange } from '../../src/core/watch/types.js';
import { TestDnsServer } from '../support/dns-server.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeSlack, postSigned, slashCommand } from '../support/fake-slack.js';
import { ADMIN_PERMS, APP_ID, CHANNEL_ID, GUILD_ID, chatInput } from '../support/discord-payloads.js';
import { tempDbFile } from '../support/watch-harness.js';
import { freePort, startBotProcess, type BotProcess } from '../support/bot-process.js';

const SECRET = 'both-secret';
let dns: TestDnsServer;
let slack: FakeSlack;
let discord: FakeDiscord;
let bot: BotProcess;
let port: number;
let privateKey: KeyObject;

/** 120 confirmed listings: more than fits in one Slack post (8,000) or one Discord message (6,000). */
const changes: WatchChange[] = Array.from({ length: 120 }, (_, i) => ({
  target: `203.0.113.${i}`,
  label: '203.0.113.0/25',
  zone: 'bl.spamcop.net',
  name: 'SpamCop Blocking List (SCBL)',
  listType: 'block',
  query: `203.0.113.${i}`,
  now: 'listed',
  codes: ['127.0.0.2'],
  meaning: 'listed (IP transmitted mail reported to SpamCop / hit traps)',
  removalUrl: `https://www.spamcop.net/bl.shtml?203.0.113.${i}`,
  lookupUrl: null,
}));
const longAlert = alertReply(changes);

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr so far:\n${bot.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dns = await TestDnsServer.start();
  slack = await FakeSlack.start();
  discord = await FakeDiscord.start();
  discord.cdn.set('unused', Buffer.from(''));
  const pair = generateKeyPairSync('ed25519');
  privateKey = pair.privateKey;
  const publicHex = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');

  // The database as a running bot would have left it: busy channels, and one long alert per platform queued.
  const file = tempDbFile();
  const store = new SqliteWatchStore(file);
  const now = Date.now();
  const many = (prefix: string) => Array.from({ length: 150 }, (_, i) => ({ target: `${prefix}.${i}`, label: `${prefix}.${i}` }));
  const limits = { perChannel: 300, perWorkspace: 2000 };
  const add = { intervalMs: 3_600_000, nextDue: () => now + 86_400_000, createdBy: 'test', now, limits };
  await store.addWatches({ channel: { platform: 'slack', workspaceId: 'T0TEST', channelId: 'C0BUSY' }, watches: many('198.51.100'), ...add });
  await store.addWatches({ channel: { platform: 'discord', workspaceId: GUILD_ID, channelId: CHANNEL_ID }, watches: many('203.0.113'), ...add });
  await store.commitCycle({
    owner: 'test',
    now,
    claimed: [],
    states: [],
    reschedule: [],
    alerts: [
      { channel: { platform: 'slack', workspaceId: 'T0TEST', channelId: 'C0ALERTS' }, reply: longAlert },
      { channel: { platform: 'discord', workspaceId: GUILD_ID, channelId: '555' }, reply: longAlert },
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

async function interaction(payload: object): Promise<{ status: number; body: { type?: number } }> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
  const res = await fetch(`http://127.0.0.1:${port}/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    body,
  });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as { type?: number }) : {} };
}

describe('Slack and Discord in one process', () => {
  it('says once per adapter that it is up, and nothing else', () => {
    // The two connect at once, so either may come first.
    const lines = bot
      .stderr()
      .split('\n')
      .filter((l) => /^(Slack|Discord): /.test(l))
      .sort();
    expect(lines).toEqual([
      `Discord: HTTP interactions at /interactions on port ${port}, as @rblbot.`,
      `Slack: HTTP mode at /slack/events on port ${port}, as @rblbot in Test.`,
    ]);
  });

  it('posts a long Discord alert with the full report attached (multipart upload)', async () => {
    const [post] = await discord.waitFor((r) => r.method === 'POST' && r.path === '/channels/555/messages');
    expect(post!.files.map((f) => f.name)).toEqual(['rblbot-report.txt']);
    expect(post!.files[0]!.text).toBe(longAlert.fullText);
    expect(post!.body.nonce).toBeTruthy();
  });

  it('posts a long Slack alert within the budget, with its report as a file in the thread', async () => {
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS');
    expect(JSON.stringify(post.body.blocks)).toContain('rblbot-report.txt');
    const complete = await slack.waitFor((c) => c.method === 'files.completeUploadExternal' && c.body.channel_id === 'C0ALERTS');
    expect(complete.body.thread_ts).toBeTruthy();
    await until(() => slack.uploads().length > 0, 'the Slack upload');
    expect(slack.uploads()[0]!.text).toBe(longAlert.fullText);
  });

  it('answers a busy /watch list on Discord with the full list attached', async () => {
    const raw = chatInput('watch', [{ name: 'list', type: ApplicationCommandOptionType.Subcommand, options: [] }], { permissions: ADMIN_PERMS });
    const first = await interaction(raw);
    expect(first.status).toBe(200);
    expect(first.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const edits = await discord.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${raw.token}/messages/@original`);
    const final = edits.at(-1)!;
    expect(final.files.map((f) => f.name)).toEqual(['rblbot-report.txt']);
    expect(final.files[0]!.text).toContain('203.0.113.149');
  });

  it('answers /watch list on Slack in the same process', async () => {
    const res = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      slashCommand({ command: '/watch', text: 'list', responseUrl: slack.responseUrl('both1'), channelId: 'C0BUSY' }),
    );
    expect(res.status).toBe(200);
    const answer = await slack.waitForRespond('both1');
    expect(JSON.stringify(answer.body.blocks)).toContain('150 watches');
  });

  it('stops on SIGTERM with status 0', async () => {
    expect(await bot.stop('SIGTERM')).toBe(0);
    expect(bot.stderr()).not.toMatch(/action is not a function|unhandled/i);
  });
});
