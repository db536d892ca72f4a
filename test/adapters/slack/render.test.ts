import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/reply/reply.js';
import { SLACK_LIMITS, escapeMrkdwn, renderSlack, safeUrl } from '../../../src/adapters/slack/render.js';

const reply = (blocks: Reply['blocks'], extra: Partial<Reply> = {}): Reply => ({
  visibility: 'channel',
  title: 'Blocklist check: 203.0.113.5',
  level: 'bad',
  blocks,
  ...extra,
});

describe('escapeMrkdwn', () => {
  it('escapes &, < and > so no mention, channel, group or link can form', () => {
    const out = escapeMrkdwn('<!channel> <!here> <!everyone> <@U123> <#C1|x> <!subteam^S1|@ops> <http://evil|click> a & b &amp;');
    expect(out).not.toMatch(/[<>]/);
    expect(out).toBe(
      '&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; &lt;#C1|x&gt; &lt;!subteam^S1|@ops&gt; &lt;http://evil|click&gt; a &amp; b &amp;amp;',
    );
  });

  it('disarms formatting openers but leaves underscores inside words alone', () => {
    expect(escapeMrkdwn('*bold* _it_ ~s~ `c`')).not.toMatch(/(^|\s)[*_~`]/);
    expect(escapeMrkdwn('user_name@example.com')).toBe('user_name@example.com');
    // Doubled markers: each one is checked on its own, so none can open formatting.
    expect(escapeMrkdwn('**bold** __it__ ~~s~~ ``c``')).not.toMatch(/(^|[^\p{L}\p{N}])[*_~`]/u);
  });

  it('defuses bare @here/@channel/@everyone', () => {
    expect(escapeMrkdwn('ping @here and @channel')).not.toMatch(/@(here|channel)/);
  });
});

describe('safeUrl', () => {
  it('accepts http(s) and mailto: only (src/reply/links.ts) and encodes characters that would end a mrkdwn link', () => {
    expect(safeUrl('https://www.spamcop.net/bl.shtml?203.0.113.5')).toBe('https://www.spamcop.net/bl.shtml?203.0.113.5');
    expect(safeUrl('https://example.org/a|b<c>')).toBe('https://example.org/a%7Cb%3Cc%3E');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('mailto:postmaster@example.org?subject=Delist%20203.0.113.5')).toBe('mailto:postmaster@example.org?subject=Delist%20203.0.113.5');
    expect(safeUrl('data:text/html,<b>x</b>')).toBeNull();
    expect(safeUrl('file:///etc/passwd')).toBeNull();
    expect(safeUrl('https://user:pw@example.org/')).toBeNull();
    expect(safeUrl('not a url')).toBeNull();
  });
});

describe('renderSlack', () => {
  it('puts a plain-text header first and escapes the fallback text', () => {
    const msg = renderSlack(reply([{ kind: 'verdict', level: 'bad', text: ['<!channel> listed on ', { bold: '2' }, ' lists'] }]));
    expect(msg.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Blocklist check: 203.0.113.5', emoji: false } });
    expect(msg.text).toContain('Blocklist check: 203.0.113.5');
    expect(msg.text).toContain('&lt;!channel&gt; listed on 2 lists');
  });

  it('renders list items in order with links only from explicit http(s) Inline links', () => {
    const msg = renderSlack(
      reply([
        {
          kind: 'list',
          heading: 'Listed on',
          items: [
            {
              level: 'bad',
              title: ['Spamhaus ZEN'],
              lines: [['XBL: exploited host'], [{ link: 'https://check.spamhaus.org/', label: 'Request removal' }]],
            },
            { level: 'bad', title: ['SpamCop'], lines: [[{ link: 'ftp://x', label: 'bad link' }]] },
          ],
        },
      ]),
    );
    const rich = msg.blocks[1] as any;
    expect(rich.type).toBe('rich_text');
    expect(rich.elements[0].elements[0]).toEqual({ type: 'text', text: 'Listed on', style: { bold: true } });
    const list = rich.elements[1];
    expect(list).toMatchObject({ type: 'rich_text_list', style: 'bullet' });
    expect(JSON.stringify(list.elements[0])).toContain('Spamhaus ZEN');
    expect(list.elements[0].elements).toContainEqual({ type: 'link', url: 'https://check.spamhaus.org/', text: 'Request removal' });
    expect(JSON.stringify(list.elements[1])).not.toContain('"link"');
    expect(JSON.stringify(list.elements[1])).toContain('bad link');
  });

  it('truncates a long title to the header limit', () => {
    const msg = renderSlack(reply([], { title: 'x'.repeat(400) }));
    const header = msg.blocks[0] as any;
    expect(header.text.text.length).toBe(SLACK_LIMITS.headerText);
    expect(header.text.text.endsWith('…')).toBe(true);
  });

  it('splits many list items across blocks and caps the message size with a visible note', () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ level: 'bad' as const, title: [`zone${i}.example`], lines: [['m'.repeat(300)]] }));
    const msg = renderSlack(reply([{ kind: 'list', heading: 'Listed on', items }], { fullText: 'all of it' }));
    expect(msg.blocks.length).toBeGreaterThan(3);
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(JSON.stringify(msg.blocks).length).toBeLessThan(SLACK_LIMITS.messageChars * 2);
    const last = msg.blocks.at(-1) as any;
    expect(last.type).toBe('context');
    const shown = msg.blocks.slice(1, -1).reduce((n, b: any) => n + b.elements.at(-1).elements.length, 0);
    expect(last.elements[0].text).toContain(`… ${600 - shown} more not shown`);
    expect(last.elements[0].text).toContain('CLI');
  });

  it('never sends more than 50 blocks', () => {
    const blocks = Array.from({ length: 120 }, (_, i) => ({ kind: 'text' as const, text: [`paragraph ${i}`] }));
    const msg = renderSlack(reply(blocks));
    expect(msg.blocks.length).toBe(SLACK_LIMITS.blocksPerMessage);
    expect(JSON.stringify(msg.blocks.at(-1))).toContain(`… ${120 - 48} more not shown`);
    // 49 blocks in all (header + 48) fit without a note.
    expect(JSON.stringify(renderSlack(reply(blocks.slice(0, 49))).blocks)).not.toContain('more not shown');
  });

  it('does not add a note when everything fits', () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ title: [`zone${i}.example`], lines: [['clean']] }));
    const msg = renderSlack(reply([{ kind: 'list', heading: 'Clean', items }]));
    expect(JSON.stringify(msg.blocks)).not.toContain('more not shown');
    expect(JSON.stringify(msg.blocks)).toContain('zone59.example');
  });

  it('clamps one huge item and a huge code block, visibly', () => {
    const msg = renderSlack(
      reply([
        { kind: 'list', heading: 'Listed on', items: [{ title: ['zone'], lines: [['t'.repeat(50_000)]] }] },
        { kind: 'code', text: 'c'.repeat(50_000) },
      ]),
    );
    const [, list, code] = msg.blocks as any[];
    const itemText = list.elements[1].elements[0].elements.map((e: any) => e.text).join('');
    expect(itemText.length).toBeLessThanOrEqual(SLACK_LIMITS.listItemChars);
    expect(itemText.endsWith('…')).toBe(true);
    const codeText = code.elements[0].elements[0].text as string;
    expect(code.elements[0].type).toBe('rich_text_preformatted');
    expect(codeText.length).toBeLessThanOrEqual(SLACK_LIMITS.richTextChars);
    expect(codeText).toMatch(/more characters not shown$/);
  });

  it('keeps field lines within the field limit and splits fields by size', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ label: `Label ${i}`, value: ['v'.repeat(3000)] }));
    const msg = renderSlack(reply([{ kind: 'fields', fields }]));
    const blocks = msg.blocks.filter((b) => b.type === 'rich_text') as any[];
    expect(blocks.length).toBeGreaterThan(1);
    for (const b of blocks) {
      const chars = b.elements[0].elements.reduce((n: number, e: any) => n + e.text.length, 0);
      expect(chars).toBeLessThanOrEqual(SLACK_LIMITS.richTextChars + 1);
    }
  });

  it('drops control characters and never emits empty rich text', () => {
    const msg = renderSlack(
      reply([
        { kind: 'text', text: ['a\u0000b\u0007c', ''] },
        { kind: 'text', text: [''] },
      ]),
    );
    expect(msg.blocks).toHaveLength(2);
    expect(JSON.stringify(msg.blocks[1])).toContain('"abc"');
  });
});
