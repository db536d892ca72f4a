import { describe, expect, it } from 'vitest';
import { parseTarget, privateAddressReason, RelayTargetError, shortenTranscript } from '../../../src/core/relay/index.js';
import { arpaName } from '../../../src/core/dns/reverse.js';
import { ReplyParseError, ReplyParser } from '../../../src/core/relay/smtp-reply.js';

describe('SMTP reply parser', () => {
  it('joins multi-line replies that arrive in odd chunks', () => {
    const p = new ReplyParser();
    expect(p.push('220 mx.example.com ESMTP\r\n250-mx.exa')).toEqual({ replies: [{ code: 220, lines: ['mx.example.com ESMTP'] }] });
    expect(p.push('mple.com\r\n250-PIPELINING\r')).toEqual({ replies: [] });
    expect(p.push('\n250-STARTTLS\n250 8BITMIME\r\n354')).toEqual({
      replies: [{ code: 250, lines: ['mx.example.com', 'PIPELINING', 'STARTTLS', '8BITMIME'] }],
    });
    expect(p.push(' go ahead\r\n')).toEqual({ replies: [{ code: 354, lines: ['go ahead'] }] });
  });

  it('accepts a bare code and several replies in one chunk', () => {
    expect(new ReplyParser().push('250\r\n221 Bye\r\n').replies).toEqual([
      { code: 250, lines: [''] },
      { code: 221, lines: ['Bye'] },
    ]);
  });

  it('refuses what is not SMTP, keeping the replies before it', () => {
    expect(new ReplyParser().push('HTTP/1.1 400 Bad Request\r\n').error).toBeInstanceOf(ReplyParseError);
    expect(new ReplyParser().push('250-a\r\n251 b\r\n').error?.message).toMatch(/changed the reply code/);
    expect(new ReplyParser().push('2'.repeat(5000)).error?.message).toMatch(/longer than/);
    const mixed = new ReplyParser().push('220 go ahead\r\njunk\r\n');
    expect(mixed.replies).toEqual([{ code: 220, lines: ['go ahead'] }]);
    expect(mixed.error).toBeInstanceOf(ReplyParseError);
  });
});

describe('target parsing', () => {
  it.each([
    ['203.0.113.5', { kind: 'ip', value: '203.0.113.5', port: undefined }],
    ['203.0.113.5:2525', { kind: 'ip', value: '203.0.113.5', port: 2525 }],
    ['[2001:db8::25]:587', { kind: 'ip', value: '2001:db8::25', port: 587, display: '[2001:db8::25]:587' }],
    ['2001:DB8::25', { kind: 'ip', value: '2001:db8::25' }],
    ['[203.0.113.5]', { kind: 'ip', value: '203.0.113.5', display: '203.0.113.5' }],
    ['postmaster@[IPv6:2001:db8::25]', { kind: 'ip', value: '2001:db8::25' }],
    ['Mail.Example.COM.', { kind: 'name', value: 'mail.example.com', display: 'mail.example.com' }],
    ['example.com:25', { kind: 'name', value: 'example.com', port: 25 }],
    ['postmaster@example.com', { kind: 'name', value: 'example.com' }],
    ['smtp://mx.example.net', { kind: 'name', value: 'mx.example.net' }],
    ['bücher.example', { kind: 'name', value: 'xn--bcher-kva.example' }],
  ])('%s', (input, expected) => {
    expect(parseTarget(input)).toMatchObject(expected);
  });

  it.each([
    '',
    'localhost',
    'a b.example',
    'example.com:0',
    'example.com:65536',
    '[example.com]:25',
    '1:2:3',
    '-bad-.example',
    '010.0.0.1',
    '0x7f.1',
    '127.1:25',
  ])('rejects %j', (input) => {
    expect(() => parseTarget(input)).toThrow(RelayTargetError);
  });

  it('says why IPv4 in another notation is refused instead of reading it as another address', () => {
    expect(() => parseTarget('010.0.0.1')).toThrow(/not a dotted-decimal IPv4 address.*8\.0\.0\.1/);
    expect(() => parseTarget('0x7f.1:25')).toThrow(/not a dotted-decimal IPv4 address.*127\.0\.0\.1/);
  });

  it('knows which addresses are private', () => {
    expect(privateAddressReason('10.1.2.3')).toMatch(/private/);
    expect(privateAddressReason('127.0.0.1')).toMatch(/loopback/);
    expect(privateAddressReason('100.64.0.9')).toMatch(/carrier-grade NAT/);
    expect(privateAddressReason('fe80::1')).toMatch(/link-local/);
    expect(privateAddressReason('fd00::1')).toMatch(/unique-local/);
    expect(privateAddressReason('::ffff:192.168.1.1')).toMatch(/private/);
    // The same policy as /rbl: every special-purpose range, not just the private ones.
    expect(privateAddressReason('64:ff9b::a9fe:a9fe')).toMatch(/NAT64 .*169\.254\.169\.254/);
    expect(privateAddressReason('fec0::1')).toMatch(/site-local/);
    expect(privateAddressReason('240.0.0.1')).toMatch(/reserved/);
    expect(privateAddressReason('198.18.0.1')).toMatch(/benchmarking/);
    expect(privateAddressReason('2002:a00:1::1')).toMatch(/6to4.*10\.0\.0\.1/);
    // Documentation ranges are allowed (examples, tests), as are public addresses.
    expect(privateAddressReason('203.0.113.5')).toBeUndefined();
    expect(privateAddressReason('2001:db8::1')).toBeUndefined();
    expect(privateAddressReason('8.8.8.8')).toBeUndefined();
  });

  it('builds reverse names', () => {
    expect(arpaName('203.0.113.5')).toBe('5.113.0.203.in-addr.arpa');
    expect(arpaName('2001:db8::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });
});

describe('transcript shortening', () => {
  it('collapses EHLO lists, drops RSET, cuts long lines and elides the middle', () => {
    const lines = ['* connected', 'S: 220 hi', 'C: EHLO me', 'S: 250-mx', 'S: 250-PIPELINING', 'S: 250 STARTTLS', `S: 550 ${'x'.repeat(300)}`];
    for (let i = 0; i < 100; i++) lines.push(`C: RCPT TO:<a${i}@example.com>`, 'S: 554 no', 'C: RSET', 'S: 250 ok');
    const short = shortenTranscript(lines, 20, 80);
    expect(short.length).toBeLessThanOrEqual(20);
    expect(short[3]).toBe('S: 250-mx');
    expect(short[4]).toBe('   (+2 more lines)');
    expect(short[5]!.length).toBe(80);
    expect(short).not.toContain('C: RSET');
    expect(short.some((l) => /lines left out/.test(l))).toBe(true);
    expect(short.at(-1)).toBe('S: 554 no');
  });

  it('keeps the exchange where a relay recipient was accepted, even from the middle', () => {
    const lines = ['* connected', 'S: 220 hi'];
    for (let i = 0; i < 60; i++) {
      lines.push('C: MAIL FROM:<s@example.com>', 'S: 250 ok', `C: RCPT TO:<r${i}@example.com>`, i === 30 ? 'S: 250 Accepted' : 'S: 554 no');
    }
    const short = shortenTranscript(lines, 30);
    expect(short.length).toBeLessThanOrEqual(30);
    const at = short.indexOf('C: RCPT TO:<r30@example.com>');
    expect(at).toBeGreaterThan(0);
    expect(short[at + 1]).toBe('S: 250 Accepted');
    expect(short[at - 2]).toBe('C: MAIL FROM:<s@example.com>');
  });
});

describe('connect failures', async () => {
  const { connectStop } = await import('../../../src/core/relay/probe.js');
  const { ConnectError } = await import('../../../src/core/relay/smtp-session.js');
  it('blames a blocked port 25 when connecting to it times out', () => {
    const stop = connectStop(new ConnectError('timeout', 'no answer within 10000 ms'), 25, false);
    expect(stop.failure).toBe('connect-timeout');
    expect(stop.reason).toMatch(/blocks outgoing port 25/);
    expect(connectStop(new ConnectError('timeout', 'x'), 2525, false).reason).not.toMatch(/port 25 /);
    expect(connectStop(new ConnectError('refused', 'the connection was refused'), 25, false).failure).toBe('refused');
  });
});
