/**
 * Property tests: whatever is pasted, diagnosis answers (never throws) with a
 * well-formed result. Inputs are built from the pieces real bounces are made of, so
 * the generator reaches the extraction code, not only the "not a bounce" path.
 * Speed on adversarial input is measured in bench/diagnose.bench.ts, not here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnosisReply, diagnosisText, NO_FAILURE, REASONS, toJson } from '../../../src/core/diagnose/index.js';
import { diagnoseBounce } from '../../support/diagnose.js';
import type { DiagnoseResult } from '../../../src/core/diagnose/types.js';

const PIECES = [
  '550',
  '550-',
  '554 ',
  '421-4.7.0 ',
  '5.7.1 ',
  '4.4.7',
  '#5.1.1',
  '<<< ',
  '>>> RCPT To:<',
  'RCPT TO:<a@b.example>',
  '<bob@example.net>: ',
  'host mx.example.net[198.51.100.7] said: ',
  'host mx.example.net [198.51.100.7]',
  'Client host [203.0.113.5] ',
  'blocked using ',
  'zen.spamhaus.org',
  'dnsbl.sorbs.net',
  'Spamhaus',
  'SpamCop',
  'Barracuda Reputation',
  'https://www.spamhaus.org/query/ip/203.0.113.5',
  '?ip=2001:db8::1',
  '[2001:db8::25]',
  '(S3140)',
  '[TSS09]',
  '[BL21]',
  'UnsolicitedRateLimitError',
  "Remote Server returned '",
  "'",
  'Final-Recipient: rfc822; ',
  'Status: ',
  'Action: failed',
  'Diagnostic-Code: smtp; ',
  'Remote-MTA: dns; ',
  'Content-Type: multipart/report; boundary="b"',
  '--b',
  'Content-Type: message/delivery-status',
  'Subject: Undelivered Mail',
  'From: MAILER-DAEMON',
  'Auto-Submitted: auto-replied',
  'Feedback-Type: abuse',
  '\n',
  '\n    ',
  '\r\n',
  '\n\n',
  ' ',
  '\t',
  '[',
  ']',
  '<',
  '>',
  '@',
  '.',
  ':',
  '(in reply to RCPT TO command)',
  'open resolver',
  'returnc',
  'user unknown',
  'mailbox full',
  'reverse dns',
  '------ This is a copy of the message',
  '=?utf-8?B?w6k=?=',
  'Content-Transfer-Encoding: base64',
  'Content-Transfer-Encoding: quoted-printable',
  '=C3=A9=\n',
];

const bounceLike = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 }), fc.ipV4(), fc.ipV6(), fc.emailAddress()), { maxLength: 120 })
  .map((parts) => parts.join(''));

function wellFormed(r: DiagnoseResult): void {
  if (r.error) {
    expect(r.diagnoses).toEqual([]);
    return;
  }
  // Text that is not a bounce answers "no delivery error found" with no diagnoses.
  if (r.diagnoses.length === 0) expect(diagnosisText(r)).toBe(NO_FAILURE);
  for (const d of r.diagnoses) {
    expect(REASONS).toContain(d.reason);
    expect(typeof d.summary).toBe('string');
    expect(d.summary.length).toBeGreaterThan(0);
    expect(d.advice.length).toBeGreaterThan(0);
    if (d.replyCode !== null) expect(d.replyCode).toBeGreaterThanOrEqual(200);
    if (d.status !== null) expect(d.status).toMatch(/^[245]\.\d{1,3}\.\d{1,3}$/);
    for (const l of d.lists) expect(typeof l.zone).toBe('string');
  }
  // Rendering and JSON never throw either.
  diagnosisReply(r);
  JSON.stringify(toJson(r));
}

describe('fuzzing diagnosis', () => {
  it('never throws on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 2000 }), async (text) => wellFormed(await diagnoseBounce(text))),
      { numRuns: 300 },
    );
  });

  it('never throws on bounce-like text', async () => {
    await fc.assert(
      fc.asyncProperty(bounceLike, async (text) => wellFormed(await diagnoseBounce(text))),
      { numRuns: 600 },
    );
  });

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), async (bytes) => wellFormed(await diagnoseBounce(bytes))),
      { numRuns: 200 },
    );
  });

  it('never throws on MIME-shaped input with random parts', async () => {
    const mime = fc
      .tuple(
        fc.array(bounceLike, { maxLength: 6 }),
        fc.constantFrom('base64', 'quoted-printable', '7bit', 'x-bogus'),
        fc.constantFrom('utf-8', 'iso-2022-jp', 'windows-1252', 'x-unknown'),
      )
      .map(([parts, cte, charset]) =>
        [
          'From: MAILER-DAEMON <m@example.org>',
          'Subject: Undelivered Mail Returned to Sender',
          'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
          '',
          ...parts.flatMap((p, i) => [
            '--b',
            `Content-Type: ${i % 2 ? 'message/delivery-status' : `text/plain; charset=${charset}`}`,
            `Content-Transfer-Encoding: ${cte}`,
            '',
            p,
          ]),
          '--b--',
        ].join('\n'),
      );
    await fc.assert(
      fc.asyncProperty(mime, async (text) => wellFormed(await diagnoseBounce(text))),
      { numRuns: 200 },
    );
  });

  it('never throws on nested MIME trees with random types, encodings and broken delimiters', async () => {
    const leaf = fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'text/html',
          'text/plain; format=flowed',
          'message/delivery-status',
          'message/rfc822',
          'text/rfc822-headers',
          'image/png',
          'multipart/mixed',
          '',
        ),
        fc.constantFrom('base64', 'quoted-printable', '7bit', '', 'x-bogus (comment)'),
        fc.constantFrom('', 'Content-Disposition: attachment', 'Content-Disposition: inline'),
        bounceLike,
      )
      .map(([type, cte, disp, body]) =>
        [type && `Content-Type: ${type}`, cte && `Content-Transfer-Encoding: ${cte}`, disp, '', body]
          .filter((l, i) => l !== '' || i === 3)
          .join('\r\n'),
      );
    const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(
            fc.constantFrom('mixed', 'alternative', 'report', 'related'),
            fc.constantFrom('b1', 'b2', '=_x', 'b1b'),
            fc.array(tie('node'), { maxLength: 4 }),
            fc.boolean(),
          )
          .map(([sub, b, kids, closed]) =>
            [`Content-Type: multipart/${sub}; boundary="${b}"`, '', 'preamble', ...kids.flatMap((k) => [`--${b}`, k]), closed ? `--${b}--` : ''].join(
              '\r\n',
            ),
          ),
      ),
    })).node;
    const message = tree.map((t) => `From: MAILER-DAEMON <m@example.org>\r\nSubject: Undeliverable\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n${t}`);
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const r = await diagnoseBounce(text);
        wellFormed(r);
        expect(r.inputKind).toBe('mime');
      }),
      { numRuns: 300 },
    );
  });

  it('stays well-formed on large repetitive input', async () => {
    for (const unit of [
      '550-5.7.1 ',
      '<a@b.example>: 550 5.1.1 x\n',
      ' a\n',
      '[',
      'a@',
      'Final-Recipient: rfc822; a@b.c\nStatus: 5.1.1\n\n',
      '--b\n',
    ]) {
      const text = unit.repeat(Math.floor((1024 * 1024 - 200) / unit.length));
      wellFormed(await diagnoseBounce(text));
    }
  });
});
