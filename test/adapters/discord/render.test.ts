import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Block, Inline, Level, Reply } from '../../../src/reply/reply.js';
import { escapeDiscord, LEVEL_COLOURS, REPORT_FILENAME, renderDiscord, renderInline } from '../../../src/adapters/discord/render.js';
import { expectWithinLimits, visibleText } from '../../support/discord.js';

const level = fc.constantFrom<Level>('ok', 'info', 'warn', 'bad', 'error');
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ maxLength: 3000 }),
  fc.constantFrom('@everyone', '<@123>', '**x**', '[x](http://evil)', '```', '\n# h\n'),
);
const inline: fc.Arbitrary<Inline> = fc.oneof(
  text,
  fc.record({ bold: text }),
  fc.record({ code: text }),
  fc.record({ link: fc.constantFrom('https://example.org/a(b)', 'javascript:alert(1)', 'not a url'), label: text }),
);
const inlines = fc.array(inline, { maxLength: 4 });
const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constant('verdict' as const), level, text: inlines }),
  fc.record({ kind: fc.constant('fields' as const), fields: fc.array(fc.record({ label: text, value: inlines }), { maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('list' as const),
    heading: text,
    items: fc.array(fc.record({ level, title: inlines, lines: fc.array(inlines, { maxLength: 3 }) }), { maxLength: 80 }),
  }),
  fc.record({ kind: fc.constant('text' as const), text: inlines }),
  fc.record({ kind: fc.constant('code' as const), text }),
  fc.record({ kind: fc.constant('context' as const), text: inlines }),
);
const reply: fc.Arbitrary<Reply> = fc.record({
  visibility: fc.constantFrom('channel' as const, 'ephemeral' as const),
  title: text,
  level,
  blocks: fc.array(block, { maxLength: 8 }),
});

describe('renderDiscord', () => {
  it('stays within every embed limit for any reply, attaching the report when it cuts', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const message = renderDiscord(r);
        expectWithinLimits(message.embeds);
        expect(message.allowed_mentions).toEqual({ parse: [] });
        expect(message.embeds.every((e) => e.color === LEVEL_COLOURS[r.level])).toBe(true);
        const cut = /not shown here/.test(visibleText(message));
        expect(message.files.map((f) => f.name)).toEqual(cut ? [REPORT_FILENAME] : []);
        expect(visibleText(message)).not.toMatch(/@everyone|<@123>/);
      }),
      { numRuns: 150 },
    );
  });

  it('puts listed zones before refusals and clean results, and context in the footer', () => {
    const message = renderDiscord({
      visibility: 'channel',
      title: 'Blocklist check: 203.0.113.5',
      level: 'bad',
      blocks: [
        { kind: 'verdict', level: 'bad', text: ['203.0.113.5 is listed on 1 of 40 lists'] },
        { kind: 'list', heading: 'Could not check', items: [{ level: 'warn', title: ['psbl'], lines: [['timeout']] }] },
        {
          kind: 'list',
          heading: 'Listed on',
          items: [
            {
              level: 'bad',
              title: ['SpamCop'],
              lines: [['Spam seen'], [{ link: 'https://www.spamcop.net/bl.shtml?203.0.113.5', label: 'Request removal' }]],
            },
          ],
        },
        { kind: 'context', text: ['38 lists clean'] },
      ],
    });
    const description = message.embeds[0]!.description!;
    expect(description.indexOf('Listed on')).toBeLessThan(description.indexOf('Could not check'));
    expect(description).toContain('[Request removal](<https://www.spamcop.net/bl.shtml?203.0.113.5>)');
    expect(message.embeds.at(-1)!.footer!.text).toBe('38 lists clean');
  });

  it('emits links only for http(s) Inline links', () => {
    expect(renderInline([{ link: 'javascript:alert(1)', label: 'click' }])).toBe('click');
    expect(renderInline([{ link: 'https://example.org/a(b)', label: 'x]y' }])).toBe('[x\\]y](<https://example.org/a%28b%29>)');
    expect(renderInline(['see https://evil.example/x_y'])).toBe('see `https://evil.example/x_y`');
  });

  it('escapes a long pasted text completely', () => {
    // (discord.js escapeMarkdown is quadratic: this input would stall it for minutes.)
    const long = 'ab_c*d '.repeat(20_000);
    const escaped = escapeDiscord(long);
    expect(escaped).not.toMatch(/[^\\][*_]/);
    expect(escaped.length).toBe(long.length + 40_000);
  });
});
