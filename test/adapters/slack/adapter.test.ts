/**
 * The Slack adapter end to end: a real Bolt app (HTTPReceiver behind the shared HTTP server
 * on 127.0.0.1) receives signed requests as Slack sends them; the Web API and response_urls
 * point at a fake Slack that records every call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpCommand } from '../../../commands/help.js';
import { rblCommand } from '../../../commands/rbl.js';
import type { CommandDefinition } from '../../../commands/types.js';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/index.js';
import { SharedHttpServer } from '../../../src/adapters/http-server.js';
import { loadConfig } from '../../../src/app/config.js';
import { createChecker } from '../../../src/core/check/checker.js';
import type { Services } from '../../../commands/types.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { FakeSlack, postSigned, slashCommand, type RecordedCall } from '../../support/fake-slack.js';
import { Gate, adminCommand, boomCommand, echoCommand, longCommand, pasteCommand, slowCommand } from '../../support/slack-test-commands.js';

const SECRET = 'test-signing-secret-0123456789';

let dns: TestDnsServer;
let fake: FakeSlack;
let http: SharedHttpServer;
let slack: SlackAdapter;
let eventsUrl: string;
let gate = new Gate();
let seq = 0;
const list: CommandDefinition[] = [echoCommand, slowCommand(() => gate), boomCommand, longCommand, pasteCommand, adminCommand, rblCommand];
list.push(helpCommand(() => list));

beforeAll(async () => {
  dns = await TestDnsServer.start();
  const services: Services = { checker: createChecker({ resolvers: [dns.address], timeoutMs: 400 }) };
  fake = await FakeSlack.start();
  http = new SharedHttpServer();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_ADMIN_IDS: 'U0BOSS',
    LOG_LEVEL: 'silent',
  });
  slack = await startSlack({
    config,
    services,
    commands: list,
    http,
    progressDelayMs: 0,
    apiRetries: 0,
  });
  const port = await http.listen(0, '127.0.0.1');
  eventsUrl = `http://127.0.0.1:${port}/slack/events`;
});

afterAll(async () => {
  await slack?.stop();
  await http?.close();
  await fake?.close();
  await dns?.close();
});

/** Send `/command text` and return the response_url id its answers go to. */
async function slash(command: string, text: string, userId?: string) {
  const id = `r${++seq}`;
  const res = await postSigned(eventsUrl, SECRET, slashCommand({ command, text, responseUrl: fake.responseUrl(id), ...(userId ? { userId } : {}) }));
  return { id, res };
}

function interactive(payload: Record<string, unknown>) {
  return postSigned(eventsUrl, SECRET, { payload: JSON.stringify(payload) });
}

/** Every string anywhere in a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** mrkdwn text objects in blocks, plus the top-level fallback. */
function mrkdwnTexts(body: Record<string, any>): string[] {
  const out: string[] = [body.text];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(body.blocks);
  return out;
}

/** Rich text element types used anywhere in blocks. */
function richElementTypes(blocks: unknown): Set<string> {
  const types = new Set<string>();
  const walk = (v: unknown, inRich: boolean) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, inRich));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (inRich && typeof o.type === 'string') types.add(o.type);
      const rich = inRich || o.type === 'rich_text';
      Object.values(o).forEach((x) => walk(x, rich));
    }
  };
  walk(blocks, false);
  return types;
}

describe('slash commands', () => {
  it('acknowledges before the work is done, shows "checking…", then replaces it in the channel', async () => {
    gate = new Gate();
    const { id, res } = await slash('/slow', '203.0.113.5');
    // The HTTP answer (Slack's ack) came back while the command is still blocked on the gate.
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const interim = await fake.waitForRespond(id, 0);
    expect(interim.body.response_type).toBe('in_channel');
    expect(JSON.stringify(interim.body.blocks)).toContain('checking 60 lists…');
    expect(fake.callsTo('respond', `/respond/${id}`)).toHaveLength(1);

    gate.open();
    const final = await fake.waitForRespond(id, 1);
    expect(final.body.replace_original).toBe(true);
    expect(final.body.response_type).toBe('in_channel');
    expect(final.body.text).toContain('Blocklist check: 203.0.113.5');
    expect(final.body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Blocklist check: 203.0.113.5', emoji: false } });
    expect(JSON.stringify(final.body.blocks)).toContain('is not listed');
  });

  it('removes an in-channel "checking…" when the answer turns out to be private', async () => {
    gate = new Gate();
    const { id } = await slash('/slow', 'refuse-me');
    await fake.waitForRespond(id, 0);
    gate.open();
    const final = await fake.waitForRespond(id, 2);
    const posts = fake.callsTo('respond', `/respond/${id}`);
    expect(posts[0]!.body.response_type).toBe('in_channel');
    expect(posts[1]!.body).toEqual({ delete_original: true });
    expect(final.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(final.body.blocks)).toContain('cannot be checked');
  });

  it('posts a fast answer once, without an interim message', async () => {
    const { id, res } = await slash('/echo', 'hello');
    expect(res.status).toBe(200);
    const answer = await fake.waitForRespond(id);
    expect(answer.body.response_type).toBe('in_channel');
    expect(answer.body.replace_original).toBeUndefined();
    expect(answer.body.text).toContain('Echo: hello');
    expect(Array.isArray(answer.body.blocks)).toBe(true);
  });

  it('answers help and usage errors only to the caller', async () => {
    const help = await slash('/echo', 'help');
    const helpAnswer = await fake.waitForRespond(help.id);
    expect(helpAnswer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(helpAnswer.body.blocks)).toContain('Repeat text (test only)');

    const bad = await slash('/echo', '   ');
    const badAnswer = await fake.waitForRespond(bad.id);
    expect(badAnswer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(badAnswer.body.blocks)).toContain('/echo needs a text.');
    expect(JSON.stringify(badAnswer.body.blocks)).toContain('Usage: /echo &lt;text&gt;');
  });

  it('makes mention and link injection inert', async () => {
    const evil =
      '<!channel> <!here> <!everyone> <@U123> <#C999|general> <!subteam^S1|@ops> *bold* _it_ ~s~ `code` <http://evil.example|click> & @here';
    // As Slack delivers typed text: &, <, > escaped as entities (the adapter decodes them, so the command sees the raw text).
    const { id } = await slash('/echo', evil.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    const answer = await fake.waitForRespond(id);
    // No mrkdwn string (fallback text, context blocks) contains a raw control character.
    for (const raw of mrkdwnTexts(answer.body)) {
      // Our own, explicit link is the only markup allowed.
      const text = raw.replace(/<https:\/\/example\.org\/x\|([^<>]*)>/g, '$1');
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(text).not.toContain('*bold*');
      expect(text).not.toMatch(/(^|\s)@here/);
    }
    // Rich text carries the text literally, and the only elements are text and our own link.
    const types = richElementTypes(answer.body.blocks);
    for (const t of ['broadcast', 'user', 'channel', 'usergroup']) expect(types.has(t)).toBe(false);
    const all = strings(answer.body.blocks);
    expect(all).toContain(`You said `);
    expect(all.some((s) => s.includes('<!channel>'))).toBe(true); // literal, inside rich_text text elements
    // Links only from explicit Inline links with http(s) URLs: the javascript: one became plain text.
    const urls = JSON.stringify(answer.body.blocks).match(/"url":"[^"]*"/g) ?? [];
    expect(urls).toEqual(['"url":"https://example.org/remove?ip=1"']);
    expect(JSON.stringify(answer.body.blocks)).not.toContain('javascript:');
  });

  it('keeps a long answer within Slack limits and says what was left out', async () => {
    const { id } = await slash('/long', '');
    const answer = await fake.waitForRespond(id);
    const blocks = answer.body.blocks as any[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks[0].text.text.length).toBeLessThanOrEqual(150);
    for (const block of blocks) {
      const chars = strings(block).join('').length;
      expect(chars).toBeLessThanOrEqual(3000 + 200);
    }
    expect(JSON.stringify(blocks.at(-1))).toMatch(/… \d+ more not shown/);
    expect(answer.body.text.length).toBeGreaterThan(0);
    expect(answer.body.text.length).toBeLessThanOrEqual(3000);
  });

  it('answers a failing handler with a friendly message and keeps serving', async () => {
    const { id } = await slash('/boom', '');
    const answer = await fake.waitForRespond(id);
    expect(answer.body.response_type).toBe('ephemeral');
    const text = JSON.stringify(answer.body);
    expect(text).toContain('failed unexpectedly');
    expect(text).not.toContain('kaboom');

    const next = await slash('/echo', 'still here');
    const nextAnswer = await fake.waitForRespond(next.id);
    expect(nextAnswer.body.text).toContain('still here');
  });

  it('posts with the Web API when the response_url has expired', async () => {
    const res = await postSigned(
      eventsUrl,
      SECRET,
      slashCommand({ command: '/echo', text: 'late answer', responseUrl: fake.responseUrl('gone-1'), channelId: 'C0LATE' }),
    );
    expect(res.status).toBe(200);
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0LATE');
    expect(call.body.text).toContain('late answer');
    expect(fake.callsTo('respond', '/respond/gone-1')).toHaveLength(1);
  });

  it('refuses admin commands to non-admins and allows SLACK_ADMIN_IDS', async () => {
    const denied = await slash('/admin', '', 'U0USER');
    const deniedAnswer = await fake.waitForRespond(denied.id);
    expect(deniedAnswer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(deniedAnswer.body)).toContain('Only admins may run /admin');
    expect(fake.callsTo('users.info').some((c) => c.body.user === 'U0USER')).toBe(true);

    const allowed = await slash('/admin', '', 'U0BOSS');
    const allowedAnswer = await fake.waitForRespond(allowed.id);
    expect(JSON.stringify(allowedAnswer.body)).toContain('hello admin U0BOSS');
  });

  it('treats a workspace admin (users.info) as an admin', async () => {
    fake.on('users.info', (b) => ({ ok: true, user: { id: b.user, is_admin: b.user === 'U0WSADMIN' } }));
    const { id } = await slash('/admin', '', 'U0WSADMIN');
    const answer = await fake.waitForRespond(id);
    expect(JSON.stringify(answer.body)).toContain('hello admin U0WSADMIN');
  });
});

describe('/rbl with the real checker on the test DNS server', () => {
  it('answers in the channel: listings first with meaning and removal link, timeouts said plainly, TXT inert', async () => {
    dns.reset();
    dns.listIp(
      '203.0.113.5',
      'zen.spamhaus.org',
      ['127.0.0.4'],
      'Listed <!channel> by XBL <http://evil.example|click> see https://check.spamhaus.org/',
    );
    dns.listIp('203.0.113.5', 'bl.spamcop.net');
    dns.rule({ suffix: 'psbl.surriel.com', behaviour: 'silent' });
    const { id, res } = await slash('/rbl', '203.0.113.5');
    expect(res.status).toBe(200);
    const final = await fake.waitFor((c) => c.method === 'respond' && c.path === `/respond/${id}` && JSON.stringify(c.body).includes('Spamhaus'));
    expect(final.body.response_type).toBe('in_channel');
    const blocks = final.body.blocks as any[];
    expect(blocks[0].text.text).toBe('Blocklist check: 203.0.113.5');
    expect(blocks.length).toBeLessThanOrEqual(50);
    const json = JSON.stringify(blocks);
    // Listings come before what could not be checked, which comes before the clean count.
    const listedAt = json.indexOf('zen.spamhaus.org');
    const timeoutAt = json.indexOf('Could not check');
    expect(listedAt).toBeGreaterThan(-1);
    expect(timeoutAt).toBeGreaterThan(listedAt);
    expect(json).toContain('XBL');
    expect(json).toContain('"url":"https://www.spamcop.net/bl.shtml?203.0.113.5"');
    // The TXT record's mention and link syntax stay literal text, never mrkdwn.
    for (const raw of mrkdwnTexts(final.body)) expect(raw).not.toMatch(/<!channel>|<http:\/\/evil/);
    expect(richElementTypes(blocks).has('broadcast')).toBe(false);
    expect(json).not.toContain('"url":"http://evil.example"');
    expect(final.body.text).toMatch(/203\.0\.113\.5/);
  });

  it('refuses a private address with a sentence, only to the caller', async () => {
    const { id } = await slash('/rbl', '10.1.2.3');
    const answer = await fake.waitFor((c) => c.method === 'respond' && c.path === `/respond/${id}` && c.body.response_type === 'ephemeral');
    expect(JSON.stringify(answer.body.blocks)).toMatch(/private/i);
  });
});

describe('request signatures', () => {
  it('refuses a wrong signature', async () => {
    const id = `r${++seq}`;
    const res = await postSigned(eventsUrl, SECRET, slashCommand({ command: '/echo', text: 'hi', responseUrl: fake.responseUrl(id) }), {
      signWith: 'not-the-secret',
    });
    expect(res.status).toBe(401);
  });

  it('refuses a stale timestamp even when correctly signed', async () => {
    const id = `r${++seq}`;
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const res = await postSigned(eventsUrl, SECRET, slashCommand({ command: '/echo', text: 'hi', responseUrl: fake.responseUrl(id) }), {
      timestamp: tenMinutesAgo,
    });
    expect(res.status).toBe(401);
    // And a fresh, valid request afterwards still gets its answer (proving the refused one was never run).
    const ok = await slash('/echo', 'fresh');
    await fake.waitForRespond(ok.id);
    expect(fake.callsTo('respond', `/respond/${id}`)).toHaveLength(0);
  });

  it('answers GET on the events path with 405', async () => {
    const res = await fetch(eventsUrl);
    expect(res.status).toBe(405);
  });
});

describe('forms and message shortcuts', () => {
  it('opens a form for a text command run with no text, and runs the submission', async () => {
    const { id } = await slash('/paste', '');
    const open = await fake.waitFor(
      (c: RecordedCall) => c.method === 'views.open' && typeof c.body.view === 'object' && c.body.view.private_metadata?.includes(id),
    );
    expect(open.body.trigger_id).toBe('1337.42.abcdef');
    const view = open.body.view;
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe('paste_modal');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    const input = view.blocks[0];
    expect(input.type).toBe('input');
    expect(input.element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 3000 });

    const bounce = 'Remote-MTA: dns; mx.example.net\nDiagnostic-Code: smtp; 550 5.7.1 blocked using zen.spamhaus.org';
    const res = await interactive({
      type: 'view_submission',
      team: { id: 'T0TEST', domain: 'test' },
      user: { id: 'U0USER', name: 'alice', team_id: 'T0TEST' },
      api_app_id: 'A0APP',
      token: 'legacy',
      trigger_id: '1337.43.abcdef',
      view: {
        id: 'V0001',
        team_id: 'T0TEST',
        type: 'modal',
        callback_id: 'paste_modal',
        private_metadata: view.private_metadata,
        state: { values: { [input.block_id]: { [input.element.action_id]: { type: 'plain_text_input', value: bounce } } } },
        hash: 'h',
      },
      response_urls: [],
    });
    expect(res.status).toBe(200);
    const answer = await fake.waitForRespond(id);
    expect(answer.body.response_type).toBe('in_channel');
    expect(JSON.stringify(answer.body.blocks)).toContain(`${bounce.length} characters from U0USER in C0CHAN`);
  });

  it('asks for text when the form is submitted empty', async () => {
    const res = await interactive({
      type: 'view_submission',
      team: { id: 'T0TEST', domain: 'test' },
      user: { id: 'U0USER', name: 'alice', team_id: 'T0TEST' },
      api_app_id: 'A0APP',
      token: 'legacy',
      trigger_id: '1.2.3',
      view: {
        id: 'V0002',
        type: 'modal',
        callback_id: 'paste_modal',
        private_metadata: JSON.stringify({ c: 'C0CHAN' }),
        state: { values: { text_input: { text: { type: 'plain_text_input', value: '  ' } } } },
        hash: 'h',
      },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors: { text_input: 'Paste the text first.' } });
  });

  it('answers a form with no response_url privately with chat.postEphemeral', async () => {
    const res = await interactive({
      type: 'view_submission',
      team: { id: 'T0TEST', domain: 'test' },
      user: { id: 'U0USER', name: 'alice', team_id: 'T0TEST' },
      api_app_id: 'A0APP',
      token: 'legacy',
      trigger_id: '1.2.5',
      view: {
        id: 'V0003',
        type: 'modal',
        callback_id: 'paste_modal',
        private_metadata: JSON.stringify({ c: 'C0PRIV' }),
        state: { values: { text_input: { text: { type: 'plain_text_input', value: 'hello form' } } } },
        hash: 'h',
      },
    });
    expect(res.status).toBe(200);
    const call = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.channel === 'C0PRIV');
    expect(call.body.user).toBe('U0USER');
    expect(JSON.stringify(call.body.blocks)).toContain('10 characters from U0USER in C0PRIV');
  });

  it('runs a message shortcut on the message text', async () => {
    const id = `r${++seq}`;
    const text = '550 5.7.1 Service unavailable; client host [203.0.113.5] blocked using b.barracudacentral.org &lt;x&gt;';
    const res = await interactive({
      type: 'message_action',
      callback_id: 'paste_message',
      trigger_id: '1.2.4',
      response_url: fake.responseUrl(id),
      message_ts: '1700000000.000001',
      message: { type: 'message', user: 'U0OTHER', ts: '1700000000.000001', text },
      user: { id: 'U0USER', name: 'alice', team_id: 'T0TEST' },
      channel: { id: 'C0BOUNCE', name: 'bounces' },
      team: { id: 'T0TEST', domain: 'test' },
      token: 'legacy',
      action_ts: '1700000000.1',
    });
    expect(res.status).toBe(200);
    const answer = await fake.waitForRespond(id);
    // Slack's &lt;/&gt; escaping was undone before the command saw the text.
    const decodedLength = text.replace('&lt;', '<').replace('&gt;', '>').length;
    expect(JSON.stringify(answer.body.blocks)).toContain(`${decodedLength} characters from U0USER in C0BOUNCE`);
  });
});

describe('notifier', () => {
  it('posts alerts with chat.postMessage, blocks, fallback text and no unfurling', async () => {
    expect(slack.teamId).toBe('T0TEST');
    await slack.notifier.send(
      { platform: 'slack', workspaceId: 'T0TEST', channelId: 'C0ALERTS' },
      {
        visibility: 'channel',
        title: 'Watch: 203.0.113.5 is now listed',
        level: 'bad',
        blocks: [{ kind: 'verdict', level: 'bad', text: ['Listed on <!channel> zen'] }],
      },
      'alert-1',
    );
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS');
    expect(call.body.unfurl_links).toBe('false');
    expect(call.body.text).toContain('Watch: 203.0.113.5 is now listed');
    expect(call.body.text).not.toContain('<!channel>');
    expect(call.body.blocks[0].type).toBe('header');
  });

  it('explains a post Slack refused, in one attempt (the outbox retries, not the client)', async () => {
    fake.on('chat.postMessage', (b) =>
      b.channel === 'C0NOTIN' ? { ok: false, error: 'not_in_channel' } : { ok: true, channel: b.channel, ts: '1.2' },
    );
    await expect(
      slack.notifier.send(
        { platform: 'slack', workspaceId: 'T0TEST', channelId: 'C0NOTIN' },
        { visibility: 'channel', title: 't', level: 'info', blocks: [] },
        'k2',
      ),
    ).rejects.toThrow(/@rblbot is not a member of this channel/);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0NOTIN')).toHaveLength(1);
  });

  it('refuses a channel of another workspace', async () => {
    await expect(
      slack.notifier.send(
        { platform: 'slack', workspaceId: 'T0OTHER', channelId: 'C1' },
        { visibility: 'channel', title: 't', level: 'info', blocks: [] },
        'k',
      ),
    ).rejects.toThrow(/workspace/);
  });
});
