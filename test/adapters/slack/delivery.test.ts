/**
 * Watch alerts to Slack against the answers Slack really gives: `{ok:false,error:…}` with
 * HTTP 200 for refusals, HTTP 429 with Retry-After for rate limits, msg_blocks_too_long
 * for long blocks. A refused channel is paused with the fix shown in /watch list; /watch
 * add warns at once when the bot is not in the channel; a long alert stays within Slack's
 * budget and carries its full report as a file in the thread.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { watchCommand } from '../../../commands/watch.js';
import { helpCommand } from '../../../commands/help.js';
import type { CommandDefinition } from '../../../commands/types.js';
import { SharedHttpServer } from '../../../src/adapters/http-server.js';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/index.js';
import { SLACK_LIMITS, renderSlack } from '../../../src/adapters/slack/render.js';
import { loadConfig } from '../../../src/app/config.js';
import { DeliveryError, type ChannelRef } from '../../../src/core/watch/notifier.js';
import { PROBE_EVERY_MS } from '../../../src/core/watch/sender.js';
import type { Reply } from '../../../src/reply/reply.js';
import { TestDnsServer } from '../../support/dns-server.js';
import {
  BLOCK_TEXT_LIMIT,
  FakeSlack,
  HttpAnswer,
  blockTextLength,
  postSigned,
  rateLimited,
  slackError,
  slashCommand,
} from '../../support/fake-slack.js';
import { HOUR, startHarness, type Harness } from '../../support/watch-harness.js';

const SECRET = 'delivery-secret';
const IP = '203.0.113.5';
let dns: TestDnsServer;
let fake: FakeSlack;
let http: SharedHttpServer;
let slack: SlackAdapter;
let h: Harness;
let eventsUrl: string;
let seq = 0;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  fake = await FakeSlack.start();
  h = await startHarness({ dns });
  http = new SharedHttpServer();
  const list: CommandDefinition[] = [watchCommand];
  list.push(helpCommand(() => list));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-t',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_ADMIN_IDS: 'U0ADMIN',
    LOG_LEVEL: 'silent',
  });
  slack = await startSlack({
    config,
    services: { checker: h.service.checker, watches: h.service },
    commands: list,
    http,
    apiRetries: 0,
    progressDelayMs: 60_000,
  });
  h.running.sender.register(slack.notifier);
  eventsUrl = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}/slack/events`;
});
afterAll(async () => {
  await slack?.stop();
  await http?.close();
  await h?.stop();
  await fake?.close();
  await dns?.close();
});
afterEach(() => {
  for (const m of ['chat.postMessage', 'conversations.info', 'files.completeUploadExternal']) fake.reset(m);
  dns.unlistIp(IP, 'bl.spamcop.net');
});

const channel = (id: string): ChannelRef => ({ platform: 'slack', workspaceId: 'T0TEST', channelId: id });
const alert = (title = 'Watch: 203.0.113.5 listed'): Reply => ({
  visibility: 'channel',
  title,
  level: 'bad',
  blocks: [{ kind: 'verdict', level: 'bad', text: ['Listed.'] }],
});

async function sendError(channelId: string): Promise<DeliveryError> {
  const err = await slack.notifier.send(channel(channelId), alert(), `k-${channelId}`).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

/** Run /watch … in a channel as an admin; resolves with the answer posted to the response_url. */
async function watch(text: string, channelId: string) {
  const id = `d${++seq}`;
  const res = await postSigned(
    eventsUrl,
    SECRET,
    slashCommand({ command: '/watch', text, responseUrl: fake.responseUrl(id), channelId, userId: 'U0ADMIN' }),
  );
  expect(res.status).toBe(200);
  const answer = await fake.waitForRespond(id);
  return JSON.stringify(answer.body.blocks);
}

describe('Slack refusals, classified', () => {
  it.each([
    ['not_in_channel', {}, /@rblbot is not a member of this channel/, /\/invite @rblbot/],
    ['channel_not_found', {}, /private and @rblbot is not in it, or it was deleted/, /\/invite @rblbot/],
    ['is_archived', {}, /archived/, /Unarchive it/],
    ['missing_scope', { needed: 'chat:write', provided: 'commands' }, /lacks the chat:write/, /manifest\.yml/],
    ['account_inactive', {}, /uninstalled or its token revoked/, /SLACK_BOT_TOKEN/],
  ] as const)('%s pauses the channel, with the fix', async (code, extra, problem, fix) => {
    fake.on('chat.postMessage', () => slackError(code, extra));
    const err = await sendError(`C-${code}`);
    expect(err).toMatchObject({ kind: 'channel', code });
    expect(err.message).toMatch(problem);
    expect(err.fix).toMatch(fix);
    // One attempt: the outbox decides what comes next, never the client.
    expect(fake.callsTo('chat.postMessage').filter((c) => c.body.channel === `C-${code}`)).toHaveLength(1);
  });

  it('a 429 says how long to wait (Retry-After), without the client waiting or retrying', async () => {
    fake.on('chat.postMessage', () => rateLimited(30));
    const started = Date.now();
    const err = await sendError('C-busy');
    expect(err).toMatchObject({ kind: 'rate-limited', retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C-busy')).toHaveLength(1);
  });

  it('an outage (HTTP 503, fatal_error) is temporary', async () => {
    fake.on('chat.postMessage', () => new HttpAnswer(503, 'upstream connect error'));
    expect(await sendError('C-down')).toMatchObject({ kind: 'temporary' });
    fake.on('chat.postMessage', () => slackError('fatal_error'));
    expect(await sendError('C-down2')).toMatchObject({ kind: 'temporary', code: 'fatal_error' });
  });
});

describe('long alerts', () => {
  const long: Reply = {
    visibility: 'channel',
    title: 'Watch: 120 changes on 203.0.113.0/25',
    level: 'bad',
    blocks: [
      {
        kind: 'list',
        heading: 'Newly listed',
        items: Array.from({ length: 120 }, (_, i) => ({
          level: 'bad' as const,
          title: [{ bold: `203.0.113.${i}` }, ' listed on SpamCop Blocking List (SCBL) (bl.spamcop.net)'],
          lines: [['listed (IP transmitted mail reported to SpamCop / hit traps)'], ['Answer: ', { code: '127.0.0.2' }]],
        })),
      },
    ],
    fullText: Array.from({ length: 120 }, (_, i) => `LISTED  203.0.113.${i} on SpamCop Blocking List (SCBL) (bl.spamcop.net)`).join('\n'),
  };

  it('stays under the posting budget and attaches the full report in the thread', async () => {
    await slack.notifier.send(channel('C-long'), long, 'k-long');
    const [post] = fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C-long');
    expect(blockTextLength(post!.body.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.postedChars + SLACK_LIMITS.headerText);
    expect(JSON.stringify(post!.body.blocks)).toContain("the full report is in rblbot-report.txt, attached in this message's thread");
    const complete = fake.callsTo('files.completeUploadExternal').at(-1)!;
    expect(complete.body.channel_id).toBe('C-long');
    expect(complete.body.thread_ts).toMatch(/^1700000000\./);
    const fileId = complete.body.files[0].id as string;
    const uploaded = fake.uploads().find((u) => u.fileId === fileId)!;
    expect(uploaded.text).toBe(long.fullText);
    expect(fake.callsTo('files.getUploadURLExternal').at(-1)!.body.filename).toBe('rblbot-report.txt');
  });

  it('posts the plain text with the file when Slack still refuses the blocks', async () => {
    // A workspace whose limit is lower than our budget: every block message is refused.
    fake.on('chat.postMessage', (b) => (b.blocks ? slackError('msg_blocks_too_long') : { ok: true, channel: b.channel, ts: '1700000001.000001' }));
    await slack.notifier.send(channel('C-strict'), alert('Watch: short but refused'), 'k-strict');
    const posts = fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C-strict');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body.blocks).toBeUndefined();
    expect(posts[1]!.body.text).toContain('Watch: short but refused');
    expect(posts[1]!.body.text).toContain('rblbot-report.txt');
    expect(fake.callsTo('files.completeUploadExternal').at(-1)!.body).toMatchObject({ channel_id: 'C-strict', thread_ts: '1700000001.000001' });
  });

  it('the fake refuses what the old 36,000-character budget let through', () => {
    // Guards the test above: without the budget, this alert would be refused by Slack.
    expect(blockTextLength(renderSlack(long).blocks)).toBeGreaterThan(BLOCK_TEXT_LIMIT);
  });
});

describe('/watch in a channel the bot cannot post to', () => {
  it('warns at /watch add with the fix, shows the pause in /watch list, and resumes once the bot is invited', async () => {
    fake.on('conversations.info', (b) => ({
      ok: true,
      channel: { id: b.channel, is_channel: true, is_private: false, is_archived: false, is_member: false },
    }));
    const added = await watch(`add ${IP}`, 'C-notin');
    expect(added).toContain('Alerts cannot reach this channel yet');
    expect(added).toContain('/invite @rblbot');
    expect(added).toContain('Now watching');

    // A listing appears; its alert is refused the way Slack refuses it, and held.
    fake.on('chat.postMessage', (b) => (b.channel === 'C-notin' ? slackError('not_in_channel') : { ok: true, ts: '1.1' }));
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    const listed = await watch('list', 'C-notin');
    expect(listed).toContain('Alerts to this channel are paused');
    expect(listed).toContain('Invite it with /invite @rblbot in this channel.');
    expect(listed).toContain('1 alert is held');
    const triesBefore = fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C-notin').length;
    await h.advance(HOUR);
    // Within an hour: one try per 15-minute probe at most, never a flood of retries.
    const tries = fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C-notin').length - triesBefore;
    expect(tries).toBeLessThanOrEqual(HOUR / PROBE_EVERY_MS);

    // Invited: the next /watch command there sees it (conversations.info) and the held alert goes out.
    fake.reset('chat.postMessage');
    fake.reset('conversations.info');
    const after = await watch('list', 'C-notin');
    expect(after).not.toContain('paused');
    await h.advance(0);
    const delivered = fake
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === 'C-notin')
      .at(-1)!;
    expect(JSON.stringify(delivered.body.blocks)).toContain('203.0.113.5');
    expect(JSON.stringify(delivered.body.blocks)).toContain('Held since');
    expect((await h.service.delivery(channel('C-notin'))).pause).toBeNull();
  });

  it('says so at /watch add in an archived or unknown private channel', async () => {
    fake.on('conversations.info', (b) =>
      b.channel === 'C-arch' ? { ok: true, channel: { id: b.channel, is_archived: true, is_member: true } } : slackError('channel_not_found'),
    );
    expect(await watch(`add ${IP}`, 'C-arch')).toContain('This channel is archived.');
    expect(await watch(`add ${IP}`, 'G-private')).toContain('it is private and @rblbot is not in it');
  });

  it('adds without a warning where the bot is a member, and says when it could not tell', async () => {
    expect(await watch(`add ${IP}`, 'C-member')).not.toContain('cannot reach');
    fake.on('conversations.info', () => slackError('missing_scope', { needed: 'channels:read', provided: 'commands,chat:write' }));
    const unknown = await watch(`add ${IP}`, 'C-old-install');
    expect(unknown).toContain('Could not check that rblbot can post here');
    expect(unknown).toContain('channels:read');
    expect((await h.service.delivery(channel('C-old-install'))).pause).toBeNull();
  });
});
