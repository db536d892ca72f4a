import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/reply/reply.js';
import { renderText, sanitizeTerminalText } from '../../src/reply/render.js';

const ESC = '\u001b';

function reply(partial: Partial<Reply> = {}): Reply {
  return {
    visibility: 'channel',
    title: 'Blocklist check: 203.0.113.5',
    level: 'bad',
    blocks: [
      { kind: 'verdict', level: 'bad', text: ['203.0.113.5 is listed on 1 of 3 lists'] },
      {
        kind: 'fields',
        fields: [
          { label: 'PTR', value: ['mail.example.com'] },
          { label: 'FCrDNS', value: ['yes'] },
        ],
      },
      {
        kind: 'list',
        heading: 'Listed',
        items: [
          {
            level: 'bad',
            title: [{ bold: 'SpamCop' }, ' (bl.spamcop.net)'],
            lines: [['Code: ', { code: '127.0.0.2' }], [{ link: 'https://www.spamcop.net/bl.shtml', label: 'Removal' }]],
          },
        ],
      },
      { kind: 'context', text: ['2 lists clean'] },
    ],
    ...partial,
  };
}

describe('renderText', () => {
  it('renders plain text without any escape sequence when colour is off', () => {
    const text = renderText(reply());
    expect(text).not.toContain(ESC);
    expect(text).toBe(
      [
        'Blocklist check: 203.0.113.5',
        '✗ 203.0.113.5 is listed on 1 of 3 lists',
        '  PTR:    mail.example.com',
        '  FCrDNS: yes',
        '',
        'Listed',
        '  ✗ SpamCop (bl.spamcop.net)',
        '      Code: 127.0.0.2',
        '      Removal: https://www.spamcop.net/bl.shtml',
        '',
        '2 lists clean',
        '',
      ].join('\n'),
    );
  });

  it('adds ANSI colour only when asked, and the same text remains underneath', () => {
    const colored = renderText(reply(), { color: true });
    expect(colored).toContain(`${ESC}[31m`); // red for a bad verdict
    expect(colored).toContain(`${ESC}[1m`); // bold title
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderText(reply()));
  });

  it('shows links as "label: url"', () => {
    const text = renderText(reply({ blocks: [{ kind: 'text', text: ['See ', { link: 'https://example.org/x', label: 'the docs' }] }] }));
    expect(text).toContain('See the docs: https://example.org/x');
  });

  it('strips escape sequences and control characters from untrusted text, in every kind of block', () => {
    const evil = `ok${ESC}[2J${ESC}[H${ESC}]0;pwned\u0007${ESC}[31mred\rover\u0008\u009b31mx\u202eevil\u0000`;
    const text = renderText(
      reply({
        title: evil,
        blocks: [
          { kind: 'verdict', level: 'warn', text: [evil] },
          { kind: 'fields', fields: [{ label: evil, value: [evil, { code: evil }, { bold: evil }] }] },
          { kind: 'list', heading: evil, items: [{ title: [evil], lines: [[{ link: evil, label: evil }]] }] },
          { kind: 'text', text: [evil] },
          { kind: 'code', text: evil },
          { kind: 'context', text: [evil] },
        ],
      }),
    );
    expect(text).not.toContain(ESC);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('okred');
    expect(text).not.toContain('pwned');
  });

  it('keeps colour output free of injected sequences: only the renderer’s own SGR codes remain', () => {
    const colored = renderText(reply({ blocks: [{ kind: 'verdict', level: 'ok', text: [`a${ESC}[5mb${ESC}[?25l`] }] }), { color: true });
    const sequences = colored.match(/\u001b\[[0-9;?]*[A-Za-z]/g) ?? [];
    for (const s of sequences) expect(s).toMatch(/^\u001b\[(0|1|2|4|31|32|33|36)m$/);
    expect(colored).not.toContain('[5m');
  });

  it('indents every line of multi-line text so it stays inside its item, and keeps code lines', () => {
    const text = renderText(
      reply({
        blocks: [
          { kind: 'list', heading: 'Listed', items: [{ title: ['X'], lines: [['first\nsecond']] }] },
          { kind: 'code', text: '550 5.7.1 blocked\r\nusing zen.spamhaus.org' },
        ],
      }),
    );
    expect(text).toContain('      first\n      second');
    expect(text).toContain('    550 5.7.1 blocked\n    using zen.spamhaus.org');
  });
});

describe('sanitizeTerminalText', () => {
  it('removes CSI, OSC and 8-bit control sequences but keeps ordinary Unicode', () => {
    expect(sanitizeTerminalText(`${ESC}[1;31mListed${ESC}[0m`)).toBe('Listed');
    expect(sanitizeTerminalText(`${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`)).toBe('click');
    expect(sanitizeTerminalText('a\u009b2Jb')).toBe('ab');
    expect(sanitizeTerminalText('Müller — 東京 ✓')).toBe('Müller — 東京 ✓');
    expect(sanitizeTerminalText('tab\there')).toBe('tab    here');
  });

  it('never lets a control character or escape through, whatever the input', () => {
    const controlHeavy = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\u001b', '[', ']', '\u0007', '\u009b', '\r', '\n', '\t', '\u007f', '\u202e', ';', '2', 'J', 'm'),
        fc.integer({ min: 0, max: 0x2100 }).map((c) => String.fromCharCode(c)),
      ),
    });
    fc.assert(
      fc.property(controlHeavy, (input) => {
        const out = sanitizeTerminalText(input);
        expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        // Rendering adds only its own layout: still nothing a terminal would act on.
        const rendered = renderText({
          visibility: 'channel',
          title: input,
          level: 'info',
          blocks: [{ kind: 'verdict', level: 'ok', text: [input] }],
        });
        expect(rendered).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 500 },
    );
  });
});
