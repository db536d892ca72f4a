/**
 * Issue 13: one test per class of misses the engine had (filtered by failed command,
 * bounces without a reply code, the returned message, over-broad "blocked", delay and
 * destination reasons, non-bounces, recipient segmentation), the three everyday cases
 * (Gmail "not authorized to send directly", ordinary text, SBL + PBL advice order) and the
 * removal routes advice gives. The corpus test covers the same classes over real layouts;
 * these pin each rule on a minimal input so a broken rule names itself.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChecker, type Checker } from '../../../src/core/check/checker.js';
import { createDiagnoser, diagnosisText, NO_FAILURE, toJson, type Diagnoser, type Diagnosis } from '../../../src/core/diagnose/index.js';
import { diagnoseBounce } from '../../support/diagnose.js';
import { TestDnsServer } from '../../support/dns-server.js';

async function one(text: string): Promise<Diagnosis> {
  const r = await diagnoseBounce(text);
  expect(r.error).toBeUndefined();
  expect(r.diagnoses).toHaveLength(1);
  return r.diagnoses[0]!;
}

const postfix = (reply: string, command: string) =>
  `<ann@example.net>: host mx.example.net[198.51.100.7] said: ${reply} (in reply to ${command} command)`;

describe('everyday case: Gmail "not authorized to send email directly"', () => {
  const GMAIL =
    "<paul@example.com>: host gmail-smtp-in.l.google.com[198.51.100.27] said: 550-5.7.1 [203.0.113.78] The IP you're using to send mail is not authorized to 550-5.7.1 send email directly to our servers. Please use the SMTP relay at your 550-5.7.1 service provider instead. For more information, go to 550 5.7.1  https://support.google.com/mail/?p=NotAuthorizedError a640c23a62f3a-aa5f1b2c3d4si2233445566b.512 - gsmtp (in reply to MAIL FROM command)";

  it('is blocked, with smarthost, PBL and PTR advice and no postmaster@gmail.com', async () => {
    const d = await one(GMAIL);
    expect(d.reason).toBe('blocked');
    expect(d.senderIp).toBe('203.0.113.78');
    const advice = d.advice.map((a) => a.text).join('\n');
    expect(advice).toMatch(/relay|smarthost/i);
    expect(advice).toMatch(/PBL/);
    expect(advice).toMatch(/PTR|reverse DNS/i);
    expect(advice).not.toMatch(/SPF|DKIM/);
    expect(JSON.stringify(d.advice)).not.toMatch(/postmaster@(?:gmail|google)/i);
  });
});

describe('everyday case: ordinary text is no bounce', () => {
  for (const text of ['hi, can you check the rbl for our server?', 'spam', 'Our mail to a customer keeps getting blocked, any idea why?']) {
    it(JSON.stringify(text), async () => {
      const r = await diagnoseBounce(text);
      expect(r.error).toBeUndefined();
      expect(r.diagnoses).toEqual([]);
      expect(diagnosisText(r)).toBe(NO_FAILURE);
      expect(toJson(r)).toMatchObject({ diagnoses: [] });
    });
  }
});

describe('a bare phrase pasted alone', () => {
  it('gets the reason its words say, and no command makes user-unknown words filtered', async () => {
    expect((await one('mailbox full')).reason).toBe('mailboxfull');
    expect((await one('Recipient address rejected: User unknown')).reason).toBe('filtered');
  });
});

describe('everyday case: zen answers SBL and PBL', () => {
  let dns: TestDnsServer;
  let checker: Checker;
  let diagnoser: Diagnoser;
  beforeAll(async () => {
    dns = await TestDnsServer.start();
    checker = createChecker({ resolvers: [dns.address], timeoutMs: 1500 });
    diagnoser = createDiagnoser({ catalogue: checker.catalogue, checker });
  });
  afterAll(() => dns.close());
  beforeEach(() => dns.reset());

  it('gives the SBL advice before the PBL advice', async () => {
    // 127.0.0.2 = SBL, 127.0.0.10 = PBL (ISP-maintained).
    dns.listIp('203.0.113.5', 'zen.spamhaus.org', ['127.0.0.2', '127.0.0.10']);
    const bounce = postfix('554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org', 'RCPT TO');
    const r = await diagnoser.withLiveCheck(await diagnoser.diagnose(bounce));
    const d = r.diagnoses[0]!;
    const texts = d.advice.map((a) => a.text);
    // The zone's name says "SBL+CSS+XBL+PBL"; the advice for each listing says which it is about.
    const sbl = texts.findIndex((t) => /SBL lists/.test(t));
    const pbl = texts.findIndex((t) => /PBL is/.test(t));
    expect(sbl).toBeGreaterThanOrEqual(0);
    expect(pbl).toBeGreaterThanOrEqual(0);
    expect(sbl).toBeLessThan(pbl);
  });
});

describe('class 1: the failed command decides userunknown or filtered', () => {
  const unknown = '550 5.1.1 <ann@example.net>: Recipient address rejected: User unknown in local recipient table';
  it('answers RCPT: userunknown', async () => {
    expect((await one(postfix(unknown, 'RCPT TO'))).reason).toBe('userunknown');
  });
  it('answers end of DATA without a 5.1.x status: filtered', async () => {
    expect((await one(postfix('550 <ann@example.net>: User unknown', 'end of DATA'))).reason).toBe('filtered');
  });
  it('reads Sendmail ">>> DATA", Exim "after RCPT TO:" and qmail "does not like recipient"', async () => {
    // No 5.1.x status here: a 5.1.1 would say userunknown whatever the command.
    const sendmail = [
      '----- Transcript of session follows -----',
      '... while talking to mx.example.net.:',
      '>>> DATA',
      '<<< 550 <ann@example.net>... User unknown',
      '550 <ann@example.net>... User unknown',
    ].join('\n');
    expect((await diagnoseBounce(sendmail)).diagnoses[0]!.reason).toBe('filtered');
    const exim = [
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  ann@example.net',
      '    host mx.example.net [198.51.100.7]',
      '    SMTP error from remote mail server after RCPT TO:<ann@example.net>:',
      '    550 No such user here',
    ].join('\n');
    expect((await one(exim)).reason).toBe('userunknown');
    const qmail = [
      'Hi. This is the qmail-send program at mail.example.org.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
      '<ann@example.net>:',
      '198.51.100.7 does not like recipient.',
      'Remote host said: 550 no such mailbox here',
    ].join('\n');
    expect((await one(qmail)).reason).toBe('userunknown');
  });
  it('takes 5.2.0 after DATA as filtered', async () => {
    expect((await one(postfix('550 5.2.0 <ann@example.net>... Rejected by recipient filter', 'end of DATA'))).reason).toBe('filtered');
  });
});

describe('class 2: bounces without a reply code', () => {
  it('reads an Exim retry timeout as expired', async () => {
    const exim = [
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  ann@example.net',
      '    retry timeout exceeded',
    ].join('\n');
    const d = await one(exim);
    expect(d).toMatchObject({ reason: 'expired', recipient: 'ann@example.net', replyCode: null });
  });
  it('reads an Exim pipe failure as mailererror', async () => {
    const exim = [
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  pipe to |/usr/local/bin/ticket-import',
      '    generated by support@example.org',
      '    local delivery failed',
      '',
      'The following text was generated during the delivery attempt:',
      '',
      '------ pipe to |/usr/local/bin/ticket-import',
      '       generated by support@example.org ------',
      '',
      'Traceback: database is locked',
    ].join('\n');
    const d = await one(exim);
    expect(d.recipient).toBe('support@example.org');
    expect(['mailererror', 'systemerror']).toContain(d.reason);
  });
});

describe('class 3: the returned message never decides', () => {
  it('ignores list names, "spam" and "blocked" in the quoted copy', async () => {
    const text = [
      '<ann@example.net>: host mx.example.net[198.51.100.7] said: 550 5.1.1 <ann@example.net>: Recipient address rejected: User unknown (in reply to RCPT TO command)',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'Subject: Re: why was my mail blocked using zen.spamhaus.org? spf=pass, not spam',
      '',
      'Our IP 203.0.113.9 was blocked, content filter said spam.',
    ].join('\n');
    const d = await one(text);
    expect(d).toMatchObject({ reason: 'userunknown', lists: [], senderIp: null });
  });
});

describe('class 4: no catch-all "blocked"', () => {
  const cases: [string, string, string][] = [
    ['550 5.7.1 <bob@example.org>: Sender address rejected: Access denied', 'MAIL FROM', 'rejected'],
    ['550 5.7.1 Message rejected as spam by Content Filtering', 'end of DATA', 'spamdetected'],
    ['550-5.7.1 This message is not RFC 5322 compliant. There are multiple From headers', 'end of DATA', 'notcompliantrfc'],
    ['421 4.7.0 Too many concurrent connections from this IP', 'RCPT TO', 'toomanyconn'],
    ['550 5.7.1 Message rejected due to local policy violation', 'end of DATA', 'policyviolation'],
  ];
  for (const [reply, command, reason] of cases) {
    it(`${reason}: ${reply.slice(0, 50)}`, async () => {
      expect((await one(postfix(reply, command))).reason).toBe(reason);
    });
  }
});

describe('class 5: delay and destination reasons', () => {
  it('prefers the specific status in the Diagnostic-Code over a generic Status: 5.0.0', async () => {
    const dsn = [
      'Final-Recipient: rfc822; ann@example.net',
      'Action: failed',
      'Status: 5.0.0',
      'Diagnostic-Code: smtp; 550 5.1.1 <ann@example.net>: User unknown',
    ].join('\n');
    expect(await one(dsn)).toMatchObject({ status: '5.1.1', reason: 'userunknown' });
  });
  it('reads a null MX (RFC 7505) as notaccept', async () => {
    const text = '<ann@nullmx.example>: Domain nullmx.example does not accept mail (nullMX)';
    expect((await one(text)).reason).toBe('notaccept');
    expect((await one('550 5.1.10 RESOLVER.ADR.RecipientDomainNullMX; Recipient domain has null MX')).reason).toBe('notaccept');
  });
  it("reads qmail's (#5.1.1)", async () => {
    const text = [
      'Hi. This is the qmail-send program at mail.example.org.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
      '<ann@example.net>:',
      'Sorry, no mailbox here by that name. (#5.1.1)',
    ].join('\n');
    expect(await one(text)).toMatchObject({ status: '5.1.1', reason: 'userunknown' });
  });
  it('calls a delay notice expired only when nothing more specific is said', async () => {
    const dsn = [
      'Final-Recipient: rfc822; ann@example.net',
      'Action: delayed',
      'Status: 4.4.1',
      'Diagnostic-Code: X-Postfix; connect to mx.example.net[198.51.100.7]:25: Connection timed out',
    ].join('\n');
    expect((await one(dsn)).reason).toBe('expired');
  });
  it("reads Postfix's warning banner in pasted text (no DSN fields) as a delay", async () => {
    const text = [
      'This is the mail system at host mail.example.org.',
      '',
      '####################################################################',
      '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
      '####################################################################',
      '',
      'Your message could not be delivered for more than 4 hour(s).',
      '',
      '<ann@example.net>: connect to mx.example.net[198.51.100.7]:25: Connection refused',
    ].join('\n');
    const d = await one(text);
    expect(d.permanent).toBe(false);
    expect(d.reason).toBe('expired');
  });
});

describe('class 6: reports that are no failure', () => {
  it('reads a JMRP complaint without ARF fields as feedback', async () => {
    const eml = [
      'From: staff@hotmail.com',
      'To: jmrp@example.org',
      'Subject: complaint about message from 203.0.113.111',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report for an email message received from IP 203.0.113.111 on Thu, 10 Dec 2026 09:02:13 -0800.',
    ].join('\r\n');
    expect(await one(eml)).toMatchObject({ reason: 'feedback', senderIp: '203.0.113.111' });
  });
  it('reads an SES complaint notification as feedback', async () => {
    const json = JSON.stringify({
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'reader@example.com' }], complaintFeedbackType: 'abuse' },
      mail: { source: 'news@example.org' },
    });
    expect(await one(json)).toMatchObject({ reason: 'feedback', recipient: 'reader@example.com' });
  });
  it('reads a reply marked only by X-Autoreply as vacation', async () => {
    const eml = [
      'From: Ann <ann@example.net>',
      'To: bob@example.org',
      'Subject: Re: meeting',
      'X-Autoreply: yes',
      '',
      'Thanks, I will answer when I can.',
    ].join('\r\n');
    expect((await one(eml)).reason).toBe('vacation');
  });
  it('reads a 2.x.x report as delivered', async () => {
    const eml = [
      'From: MAILER-DAEMON@mail.example.org',
      'To: bob@example.org',
      'Subject: Successful Mail Delivery Report',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Your message was successfully delivered to the destination(s) listed below.',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mail.example.org',
      '',
      'Final-Recipient: rfc822; ann@example.net',
      'Action: delivered',
      'Status: 2.0.0',
      'Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4dF',
      '',
      '--b--',
    ].join('\r\n');
    expect(await one(eml)).toMatchObject({ reason: 'delivered', recipient: 'ann@example.net' });
  });
});

describe('class 7: recipients come from the recipient blocks only', () => {
  it('ignores envelope-from lines, summary addresses and quoted headers', async () => {
    const text = [
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  ann@example.net',
      '    host mx.example.net [198.51.100.7]',
      '    SMTP error from remote mail server after RCPT TO:<ann@example.net>:',
      '    550 5.1.1 No such user',
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      'Return-path: <bob@example.org>',
      'Envelope-from: bob@example.org',
      'From: Bob <bob@example.org>',
      'To: ann@example.net, carl@example.net',
      'Cc: dora@example.net',
      '',
      'Please forward to postmaster@example.net if needed.',
    ].join('\n');
    const r = await diagnoseBounce(text);
    expect(r.diagnoses.map((d) => d.recipient)).toEqual(['ann@example.net']);
  });
  it('gives Domino\'s one "because:" text to every address listed above it', async () => {
    const text = [
      'Your message',
      '',
      '  Subject: Minutes',
      '',
      'was not delivered to:',
      '',
      '  ann@example.net',
      '  ben@example.net',
      '',
      'because:',
      '',
      '  552 5.2.2 Mailbox quota exceeded',
    ].join('\n');
    const r = await diagnoseBounce(text);
    expect(r.diagnoses.map((d) => [d.recipient, d.reason, d.status])).toEqual([
      ['ann@example.net', 'mailboxfull', '5.2.2'],
      ['ben@example.net', 'mailboxfull', '5.2.2'],
    ]);
  });
});

describe('removal routes', () => {
  it('sends Outlook.com blocks to the Microsoft delist portal, never to postmaster@', async () => {
    const d = await one(
      postfix(
        "550 5.7.1 Unfortunately, messages from [203.0.113.31] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
        'RCPT TO',
      ),
    );
    const links = d.advice.flatMap((a) => a.links.map((l) => l.url));
    expect(links.some((u) => /sender\.office\.com|go\.microsoft\.com/.test(u))).toBe(true);
    expect(links.some((u) => /^mailto:postmaster@(?:outlook|hotmail)/i.test(u))).toBe(false);
  });
  it('asks a small receiver with a prefilled mailto sent from outside the blocked domain', async () => {
    const d = await one(
      postfix('554 5.7.1 Your IP 203.0.113.45 is blocked by our local policy. Contact postmaster@smallisp.example to be removed.', 'RCPT TO'),
    );
    const request = d.advice.find((a) => a.links.some((l) => l.url.startsWith('mailto:')))!;
    expect(request).toBeDefined();
    const url = request.links.find((l) => l.url.startsWith('mailto:'))!.url;
    expect(url).toMatch(/^mailto:postmaster@smallisp\.example\?subject=/);
    expect(decodeURIComponent(url)).toMatch(/203\.0\.113\.45/);
    expect(decodeURIComponent(url)).toMatch(/blocked by our local policy/);
    expect(request.text).toMatch(/outside|another (?:domain|address)|not (?:from|in) the blocked/i);
  });
});
