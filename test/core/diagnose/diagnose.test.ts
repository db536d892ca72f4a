/**
 * Unit behaviour of bounce diagnosis without live lookups: what is extracted from
 * single lines and pasted NDRs, how loose list names map to catalogue zones, provider
 * codes, the advice given, and refusal of unusable input.
 */
import { describe, expect, it } from 'vitest';
import { diagnosisReply, diagnosisText, toJson } from '../../../src/core/diagnose/index.js';
import { diagnoseBounce } from '../../support/diagnose.js';
import type { Diagnosis } from '../../../src/core/diagnose/types.js';
import type { Inline } from '../../../src/reply/reply.js';

async function one(text: string): Promise<Diagnosis> {
  const r = await diagnoseBounce(text);
  expect(r.error).toBeUndefined();
  expect(r.diagnoses.length).toBeGreaterThan(0);
  return r.diagnoses[0]!;
}

const zones = (d: Diagnosis) => d.lists.map((l) => l.zone).sort();
const kinds = (d: Diagnosis) => d.advice.map((a) => a.kind);

describe('a single SMTP reply line', () => {
  it('extracts code, status, sending IP and the named zone', async () => {
    const d = await one(
      '554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5',
    );
    expect(d).toMatchObject({ reason: 'blocked', permanent: true, replyCode: 554, status: '5.7.1', senderIp: '203.0.113.5' });
    expect(zones(d)).toEqual(['bl.spamcop.net']);
    expect(d.lists[0]!.target).toBe('203.0.113.5');
    expect(d.blocklistProblem).toBe(true);
    expect(kinds(d)[0]).toBe('recheck');
  });

  it('joins multi-line 550-5.7.1 continuations and keeps the server words readable', async () => {
    const d = await one(
      [
        '550-5.7.1 [203.0.113.60 12] Our system has detected that this message is',
        '550-5.7.1 likely suspicious due to the very low reputation of the sending IP',
        '550 5.7.1 address. https://support.google.com/mail/answer/188131 - gsmtp',
      ].join('\r\n'),
    );
    expect(d.reason).toBe('badreputation');
    expect(d.senderIp).toBe('203.0.113.60');
    expect(d.diagnostic).toContain('very low reputation of the sending IP address');
    expect(d.diagnostic).not.toMatch(/550-5\.7\.1 likely/);
  });

  it('reads a temporary refusal as temporary', async () => {
    const d = await one(
      '421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
    );
    expect(d).toMatchObject({ permanent: false, providerCode: 'TSS04', senderIp: '203.0.113.7', reason: 'badreputation' });
    expect(kinds(d)).toContain('temporary');
  });

  it('reads a reply code that ends in a colon, as older Yahoo bounces write it', async () => {
    const d = await one("554: delivery error: dd This user doesn't have a yahoo.com account (ghost@yahoo.com) [0] - mta1027.mail.gq1.yahoo.com");
    expect(d).toMatchObject({ replyCode: 554, permanent: true });
    // A clock time is not a reply code.
    const later = await one('Delivery to bob@example.net was retried until 12:30: connection timed out');
    expect(later.replyCode).toBeNull();
  });
});

describe('lists named loosely', () => {
  const cases: [string, string[]][] = [
    [
      '550 5.7.1 Service unavailable, Client host [203.0.113.5] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/203.0.113.5 (AS16012611)',
      ['zen.spamhaus.org'],
    ],
    [
      '554 Service unavailable; Client host [203.0.113.5] blocked using Barracuda Reputation; http://www.barracudanetworks.com/reputation/?r=1&ip=203.0.113.5',
      ['b.barracudacentral.org'],
    ],
    [
      '550 5.7.1 Mail from IP 203.0.113.5 was rejected due to listing in Spamhaus SBL. For details please see http://www.spamhaus.org/query/bl?ip=203.0.113.5',
      ['sbl.spamhaus.org'],
    ],
    [
      "553 5.7.1 [BL21] Connections will not be accepted from 203.0.113.5, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/errors/550-bl21.html",
      ['pbl.spamhaus.org'],
    ],
    [
      '550 Net 203.0.113.0/24 is UCEPROTECT-Level2 listed because 12 abusers are hosted by AS64500. See http://www.uceprotect.net/rblcheck.php?ipr=203.0.113.5',
      ['dnsbl-2.uceprotect.net'],
    ],
    ['554 5.7.1 Rejected: 203.0.113.5 listed at SpamCop', ['bl.spamcop.net']],
    ['550 5.7.1 Rejected because 203.0.113.5 is in a black list at NiX Spam', ['ix.dnsbl.manitu.net']],
    ['554 5.7.1 Client host [203.0.113.5] blocked using zen.spamhaus.org and b.barracudacentral.org', ['b.barracudacentral.org', 'zen.spamhaus.org']],
  ];
  for (const [line, expected] of cases) {
    it(line.slice(0, 70), async () => {
      const d = await one(line);
      expect(zones(d)).toEqual(expected);
      expect(d.reason).toBe('blocked');
    });
  }

  it('names the target of a domain list', async () => {
    const d = await one(
      '554 5.7.1 <bob@spammy.example>: Sender address [bob@spammy.example] blocked using dbl.spamhaus.org; https://www.spamhaus.org/query/domain/spammy.example',
    );
    expect(d.lists[0]).toMatchObject({ zone: 'dbl.spamhaus.org', target: 'spammy.example' });
  });

  it('knows dead lists and says the receiver is misconfigured', async () => {
    const d = await one('554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using dnsbl.sorbs.net');
    expect(d.lists[0]).toMatchObject({ zone: 'dnsbl.sorbs.net', defunct: true });
    expect(kinds(d)[0]).toBe('receiver-misconfigured');
    expect(kinds(d)).toContain('postmaster');
    expect(d.summary).toMatch(/no longer exists/);
  });

  it('reads Spamhaus open-resolver text as the receiver\u2019s fault', async () => {
    const d = await one(
      '554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; Error: open resolver; https://check.spamhaus.org/returnc/pub/198.51.100.53/',
    );
    expect(kinds(d)[0]).toBe('receiver-misconfigured');
    expect(d.advice[0]!.text).toMatch(/probably not listed/);
  });

  it('does not invent lists in unrelated text', async () => {
    const d = await one('550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table');
    expect(d.lists).toEqual([]);
    expect(d.reason).toBe('userunknown');
    expect(d.blocklistProblem).toBe(false);
    expect(d.summary).toMatch(/Not a blocklist problem/);
  });
});

describe('provider codes', () => {
  const cases: [string, string, string][] = [
    [
      "550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
      'S3140',
      'blocked',
    ],
    ['553 5.7.2 [TSS09] All messages from 203.0.113.5 will be permanently deferred; Retrying will NOT succeed.', 'TSS09', 'blocked'],
    ['550 5.7.26 Unauthenticated email from example.org is not accepted due to domain\u2019s DMARC policy.', '', 'authfailure'],
    [
      '421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address. https://support.google.com/mail/?p=UnsolicitedRateLimitError',
      'UnsolicitedRateLimitError',
      'blocked',
    ],
    [
      '554 mx.comcast.net comcast 203.0.113.5 found on one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000010',
      'BL000010',
      'blocked',
    ],
    ['554 Blocked - see https://ipcheck.proofpoint.com/?ip=203.0.113.5', 'PDR', 'blocked'],
    ["554 Your access to this mail system has been rejected due to the sending MTA's poor reputation.", 'SBRS', 'badreputation'],
    ['554 IP=203.0.113.5 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)', 'BL', 'blocked'],
    ['451 4.7.650 The mail server [203.0.113.5] has been temporarily rate limited due to IP reputation. (S775)', '', 'badreputation'],
  ];
  for (const [line, code, reason] of cases) {
    it(`${code || reason}: ${line.slice(0, 50)}`, async () => {
      const d = await one(line);
      expect(d.reason).toBe(reason);
      if (code) expect(d.providerCode).toBe(code);
    });
  }

  it('sends a private block to the provider form, with no public list', async () => {
    const d = await one("550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. (S3150)");
    expect(d.lists).toEqual([]);
    const priv = d.advice.find((a) => a.kind === 'private-block')!;
    expect(priv.links.map((l) => l.url)).toContain('https://go.microsoft.com/fwlink/?LinkID=614866');
  });

  it('sends a small ISP\u2019s local block to postmaster@ the recipient domain', async () => {
    const r = await diagnoseBounce(
      '<p.rossi@isp.example>: host mx.isp.example[198.51.100.9] said: 550 5.7.1 Rejected by local policy: connections from 203.0.113.102 are not accepted (in reply to RCPT TO command)',
    );
    const d = r.diagnoses[0]!;
    expect(d).toMatchObject({
      reason: 'blocked',
      recipient: 'p.rossi@isp.example',
      senderIp: '203.0.113.102',
      remote: { host: 'mx.isp.example', ip: '198.51.100.9' },
    });
    const pm = d.advice.find((a) => a.kind === 'postmaster')!;
    expect(pm.text).toMatch(/postmaster@isp\.example/);
    expect(pm.text).toMatch(/outside your own blocked domain/);
  });

  it('points exploited-host listings at the relay test', async () => {
    const d = await one('550 5.7.1 Rejected: 203.0.113.5 is listed on xbl.spamhaus.org (exploited host)');
    expect(kinds(d)).toContain('relay-test');
  });
});

describe('advice for problems that are not blocklists', () => {
  const cases: [string, string, string][] = [
    ['550 5.7.25 Client host rejected: cannot find your reverse hostname, [203.0.113.88]', 'requireptr', 'fix-ptr'],
    ['552 5.2.2 <a@example.net>: mailbox full', 'mailboxfull', 'wait'],
    ['552 5.3.4 Message size exceeds fixed limit', 'mesgtoobig', 'fix-size'],
    ['554 5.7.1 <a@example.net>: Relay access denied', 'norelaying', 'fix-relay'],
    // Sisimai: greylisting worded "please try again in" is an anti-spam measure.
    ['451 4.7.1 Greylisted, please try again in 300 seconds', 'spamdetected', 'wait'],
    ['450 Greylisting in action, please come back later', 'onhold', 'wait'],
    ['550 5.1.2 Host unknown: domain not found', 'hostunknown', 'fix-address'],
    ['421 4.7.0 Too many connections from your IP, slow down', 'toomanyconn', 'rate'],
  ];
  for (const [line, reason, kind] of cases) {
    it(`${reason}`, async () => {
      const d = await one(line);
      expect(d.reason).toBe(reason);
      expect(kinds(d)).toContain(kind);
    });
  }
});

describe('several recipients and non-failures', () => {
  it('gives one diagnosis per failed recipient of an Exim bounce', async () => {
    const text = [
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  alice@example.org',
      '    host mx1.example.org [198.51.100.7]',
      '    SMTP error from remote mail server after RCPT TO:<alice@example.org>:',
      '    550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown',
      '  carol@example.org',
      '    host mx1.example.org [198.51.100.7]',
      '    SMTP error from remote mail server after RCPT TO:<carol@example.org>:',
      '    550 5.7.1 Rejected because 203.0.113.5 is in a black list at zen.spamhaus.org',
      '',
      '------ This is a copy of the message, including all the headers. ------',
      'Received: from [10.0.0.5] (helo=pc) by mail.example.com with esmtpa',
      'To: dave@example.org',
    ].join('\n');
    const r = await diagnoseBounce(text);
    expect(r.diagnoses.map((d) => [d.recipient, d.reason])).toEqual([
      ['alice@example.org', 'userunknown'],
      ['carol@example.org', 'blocked'],
    ]);
    expect(r.diagnoses[1]!.senderIp).toBe('203.0.113.5');
    expect(r.diagnoses[1]!.remote).toEqual({ host: 'mx1.example.org', ip: '198.51.100.7' });
  });

  it('recognises an out-of-office reply', async () => {
    const d = await one(
      'From: Bob <bob@example.net>\nTo: a@example.org\nSubject: Out of Office: Invoice\nAuto-Submitted: auto-replied\nDate: Fri, 27 Nov 2026 08:00:00 +0000\n\nI am out of the office until Monday.\n',
    );
    expect(d.reason).toBe('vacation');
    expect(d.advice[0]!.kind).toBe('none');
  });
});

describe('unusable input', () => {
  it('refuses empty input with what was expected', async () => {
    const r = await diagnoseBounce('   \n  ');
    expect(r.inputKind).toBe('empty');
    expect(r.error).toMatch(/paste a bounce/);
  });
  it('reads text saved as UTF-16 instead of calling it binary', async () => {
    const text = '\ufeff554 5.7.1 Client host [203.0.113.5] blocked using bl.spamcop.net\r\n';
    const le = Buffer.from(text, 'utf16le');
    const r = await diagnoseBounce(new Uint8Array(le));
    expect(r.error).toBeUndefined();
    expect(r.diagnoses[0]!.lists.map((l) => l.zone)).toEqual(['bl.spamcop.net']);
  });
  it('refuses binary input', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7) % 256);
    const r = await diagnoseBounce(bytes);
    expect(r.inputKind).toBe('binary');
  });
  it('refuses input over 1 MB', async () => {
    const r = await diagnoseBounce('a'.repeat(1024 * 1024 + 1));
    expect(r.inputKind).toBe('toolarge');
    expect(r.error).toMatch(/1 MB/);
  });
  it('answers ordinary text with "no delivery error found" and no diagnoses', async () => {
    for (const text of ['Hi team, lunch at noon?', 'Can you check why my mail to bob@example.net never arrived? I sent it at 10:05.']) {
      const r = await diagnoseBounce(text);
      expect(r.error).toBeUndefined();
      expect(r.diagnoses).toEqual([]);
      expect(diagnosisText(r)).toMatch(/^No delivery error found/);
      expect(toJson(r)).toMatchObject({ diagnoses: [] });
    }
  });
});

describe('reply and JSON', () => {
  it('keeps pasted text out of links and exposes the contract fields', async () => {
    const r = await diagnoseBounce(
      '550 5.7.1 <@everyone> blocked, see https://evil.example/phish and <!channel> [203.0.113.5] blocked using zen.spamhaus.org',
    );
    const reply = diagnosisReply(r);
    const links: string[] = [];
    const walk = (i: Inline | readonly Inline[] | undefined): void => {
      if (!i) return;
      if (Array.isArray(i)) return i.forEach(walk);
      if (typeof i === 'object' && 'link' in (i as object)) links.push((i as { link: string }).link);
    };
    for (const b of reply.blocks) {
      if (b.kind === 'list')
        for (const it of b.items) {
          walk(it.title);
          it.lines?.forEach(walk);
        }
      if (b.kind === 'text' || b.kind === 'verdict' || b.kind === 'context') walk(b.text);
      if (b.kind === 'fields') for (const f of b.fields) walk(f.value);
    }
    expect(links.length).toBeGreaterThan(0);
    expect(links.some((l) => l.includes('evil.example'))).toBe(false);
    const json = toJson(r) as { diagnoses: Record<string, unknown>[] };
    for (const key of [
      'reason',
      'permanent',
      'replyCode',
      'status',
      'recipient',
      'remote',
      'senderIp',
      'lists',
      'providerCode',
      'summary',
      'advice',
      'live',
    ]) {
      expect(json.diagnoses[0]).toHaveProperty(key);
    }
  });
});
