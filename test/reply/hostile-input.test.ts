/**
 * One hostile-input test for every renderer that escapes (each adapter's render.ts and
 * the terminal renderer): the same untrusted text — a pasted bounce, a DNS TXT record, a
 * target — is put in every place a Reply can carry text, and each rendering must stay
 * inert: no mention or broadcast can form, no link other than the explicit http(s) ones,
 * no terminal escape, no markup that breaks out of its block.
 */
import { describe, expect, it } from 'vitest';
import { renderDiscord } from '../../src/adapters/discord/render.js';
import { renderSlack } from '../../src/adapters/slack/render.js';
import { renderText } from '../../src/reply/render.js';
import type { Inline, Reply } from '../../src/reply/reply.js';

/** Text an attacker controls: mentions, markup, links, escapes, bidi overrides, NULs. */
const HOSTILE = [
  '@everyone @here <!channel> <!here> <!everyone> <@U024BE7LH> <#C024BE7LH> <!subteam^S0123|devs>',
  '<@&123456789012345678> <@123456789012345678> <#123456789012345678>',
  '<https://evil.example/|click me> [click](https://evil.example/) <javascript:alert(1)|x>',
  '*bold* _it_ ~strike~ `code` ``` fence ``` > quote # heading ||spoiler||',
  '\u001b[2J\u001b]0;pwned\u0007\u001b[31mred\u009b31m \u0000\u0008\u007f',
  'right-to-left \u202eexe.txt\u202c and \u2066isolate\u2069',
  '&amp; &lt; &gt; & < >',
].join('\n');

const EVIL_URL = 'javascript:alert(document.cookie)';

function hostileReply(): Reply {
  const inline: Inline[] = [
    HOSTILE,
    { bold: HOSTILE },
    { code: HOSTILE },
    { link: EVIL_URL, label: HOSTILE },
    { link: 'https://ok.example/a?b=<c>|d', label: HOSTILE },
  ];
  return {
    visibility: 'channel',
    title: HOSTILE,
    level: 'bad',
    blocks: [
      { kind: 'verdict', level: 'bad', text: inline },
      { kind: 'fields', fields: [{ label: HOSTILE, value: inline }] },
      { kind: 'list', heading: HOSTILE, items: [{ level: 'bad', title: inline, lines: [inline, [HOSTILE]] }] },
      { kind: 'text', text: inline },
      { kind: 'code', text: HOSTILE },
      { kind: 'context', text: inline },
    ],
    fullText: HOSTILE,
  };
}

/** Every string value anywhere in a JSON-like value, with the key that holds it. */
function strings(value: unknown, key = ''): { key: string; text: string }[] {
  if (typeof value === 'string') return [{ key, text: value }];
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, k));
  return [];
}

describe('every renderer keeps hostile text inert', () => {
  it('terminal (src/reply/render.ts): no control character, escape or bidi override survives', () => {
    for (const color of [false, true]) {
      const out = renderText(hostileReply(), { color });
      // Colour mode adds the renderer's own SGR codes only: strip exactly those, then nothing may remain.
      const own = out.replace(/\u001b\[(?:0|1|2|4|31|32|33|36)m/g, '');
      expect(own).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(own).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      expect(out).toContain('@everyone'); // shown, as text: a terminal has nobody to ping
      expect(out).not.toContain(EVIL_URL);
    }
  });

  it('Slack (adapters/slack/render.ts): no mention, broadcast or foreign link can form', () => {
    const message = renderSlack(hostileReply());
    // Slack parses control sequences ("<!channel>", "<@U…>", "<url|label>") only in mrkdwn: the
    // fallback text and mrkdwn text objects. rich_text elements are literal by construction.
    const mrkdwn = [
      message.text,
      ...strings(message.blocks)
        .filter((s) => s.key === 'text')
        .map((s) => s.text),
    ].filter((t) => JSON.stringify(message).includes(`"type":"mrkdwn","text":${JSON.stringify(t)}`) || t === message.text);
    expect(mrkdwn.length).toBeGreaterThan(0);
    for (const text of mrkdwn) {
      expect(text).not.toMatch(/<[!@#]/);
      expect(text).not.toMatch(/<(?!https:\/\/ok\.example\/)[a-z]+:/i);
      expect(text).not.toMatch(/(^|[^\u200b])@(everyone|here|channel)\b/);
    }
    expect(JSON.stringify(message)).not.toContain(EVIL_URL);
    // Links only as explicit link elements to the allowed URL.
    for (const { key, text } of strings(message.blocks)) if (key === 'url') expect(text).toMatch(/^https:\/\/ok\.example\//);
    // Nothing is a user, channel, usergroup or broadcast element.
    expect(JSON.stringify(message.blocks)).not.toMatch(/"type":"(user|channel|usergroup|broadcast)"/);
  });

  it('Discord (adapters/discord/render.ts): mentions are off and defused, markup escaped, links only allowed ones', () => {
    const message = renderDiscord(hostileReply());
    expect(message.allowed_mentions).toEqual({ parse: [] });
    const all = strings(message)
      .filter(({ key }) => key !== 'url' && key !== 'contentType')
      .map((s) => s.text)
      .join('\n');
    // Where Discord renders markdown (not footers, not inside our code blocks or inline code spans).
    const markdown = strings(message.embeds)
      .filter(({ key }) => ['title', 'description', 'name', 'value'].includes(key))
      .map((s) => s.text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, ''))
      .join('\n');
    // A zero-width space after "@" or "<" stops every mention form even where allowed_mentions does not apply.
    expect(all).not.toMatch(/@(everyone|here)/i);
    expect(all).not.toMatch(/<[@#][&!]?\d/);
    expect(all).not.toContain(EVIL_URL);
    // The only markdown links are the explicit http(s) one.
    for (const [, url] of markdown.matchAll(/(?<!\\)\]\(<?([^)\s>]+)>?\)/g)) expect(url).toMatch(/^https:\/\/ok\.example\//);
    // A fence in the text cannot close our code block early: every ``` we emit is paired.
    for (const { text } of strings(message)) expect((text.match(/```/g) ?? []).length % 2).toBe(0);
  });
});
