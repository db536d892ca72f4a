/**
 * Reading .eml bounces: only the parts a diagnosis needs are decoded, the rest are
 * stepped over, and nothing limits how far into a message the error may appear.
 * Messages are built here as real MIME (CRLF line ends, real base64 and
 * quoted-printable), then diagnosed end to end.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseBounce } from '../../support/diagnose.js';
import { read } from '../../../src/core/diagnose/reader.js';
import { readDocument } from '../../../src/core/diagnose/input.js';
import type { Diagnosis } from '../../../src/core/diagnose/types.js';

const CRLF = '\r\n';
const lines = (...l: string[]) => l.join(CRLF);
const base64Lines = (text: string | Buffer) =>
  (Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')).toString('base64').replace(/.{76}/g, `$&${CRLF}`);

const HEAD = lines(
  'Return-Path: <>',
  'Received: from mx.example.net (mx.example.net [198.51.100.25]) by mail.example.org with ESMTP',
  'From: Mail Delivery System <MAILER-DAEMON@mail.example.org>',
  'To: sales@example.org',
  'Subject: Undelivered Mail Returned to Sender',
  'Date: Wed, 25 Nov 2026 10:14:06 +0100',
  'MIME-Version: 1.0',
);

const SPAMHAUS =
  '554 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.45';

async function diagnose(eml: string | Uint8Array): Promise<Diagnosis> {
  const r = await diagnoseBounce(typeof eml === 'string' ? new Uint8Array(Buffer.from(eml, 'utf8')) : eml);
  expect(r.error).toBeUndefined();
  expect(r.inputKind).toBe('mime');
  expect(r.diagnoses.length).toBeGreaterThan(0);
  return r.diagnoses[0]!;
}

describe('large .eml bounces', () => {
  it('finds an error that comes after 3,000 lines of a session transcript', async () => {
    const transcript = Array.from(
      { length: 3200 },
      (_, i) => ` 09:12:${String(i % 60).padStart(2, '0')}.123: Waiting for the remote queue (attempt ${i})`,
    );
    const eml = lines(
      HEAD,
      'Content-Type: text/plain; charset=us-ascii',
      'Content-Transfer-Encoding: 7bit',
      '',
      'The attached message had PERMANENT fatal delivery errors!',
      '',
      '--- Session Transcript ---',
      ...transcript,
      ' 09:13:01.286: --> RCPT To:<lucas@example.net>',
      ` 09:13:01.611: <-- ${SPAMHAUS}`,
      '--- End Transcript ---',
      '',
    );
    expect(eml.split(CRLF).length).toBeGreaterThan(3000);
    const d = await diagnose(eml);
    expect(d).toMatchObject({ reason: 'blocked', replyCode: 554, status: '5.7.1', senderIp: '203.0.113.45', recipient: 'lucas@example.net' });
    expect(d.lists.map((l) => l.zone)).toEqual(['zen.spamhaus.org']);
  });

  it('reads a delivery report whose text part follows a 4,000-line attachment', async () => {
    const attachment = base64Lines(Buffer.alloc(230_000, 0x42));
    expect(attachment.split(CRLF).length).toBeGreaterThan(3000);
    const eml = lines(
      HEAD,
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      'This is a MIME-encapsulated message.',
      '',
      '--b1',
      'Content-Type: application/octet-stream; name="scan.pdf"',
      'Content-Disposition: attachment; filename="scan.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'I=E2=80=99m sorry to have to inform you that your message could not be',
      'delivered to one or more recipients.',
      '',
      '<lucas@example.net>: host mx.example.net[198.51.100.25] said: ' + SPAMHAUS,
      '',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mail.example.org',
      '',
      'Final-Recipient: rfc822; lucas@example.net',
      'Action: failed',
      'Status: 5.7.1',
      'Remote-MTA: dns; mx.example.net',
      `Diagnostic-Code: smtp; ${SPAMHAUS}`,
      '',
      '--b1--',
      '',
    );
    const d = await diagnose(eml);
    expect(d).toMatchObject({
      reason: 'blocked',
      recipient: 'lucas@example.net',
      senderIp: '203.0.113.45',
      remote: { host: 'mx.example.net', ip: '198.51.100.25' },
    });
    expect(d.lists.map((l) => l.zone)).toEqual(['zen.spamhaus.org']);
    const doc = await readDocument(new Uint8Array(Buffer.from(eml, 'utf8')));
    // The attachment was stepped over, the quoted-printable text decoded.
    expect(doc.body).toContain('I\u2019m sorry to have to inform you');
    expect(doc.body).not.toContain('QkJC');
  });
});

describe('parts decoded or skipped', () => {
  it('does not read the returned message of a delivery report', async () => {
    const eml = lines(
      HEAD,
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b2"',
      '',
      '--b2',
      'Content-Type: text/plain',
      '',
      `<lucas@example.net>: ${SPAMHAUS}`,
      '',
      '--b2',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; lucas@example.net',
      'Action: failed',
      'Status: 5.7.1',
      '',
      '--b2',
      'Content-Type: message/rfc822',
      '',
      'Received: from client.example.org (client.example.org [192.0.2.99]) by mail.example.org',
      'From: sales@example.org',
      'Subject: Offer 2026-311',
      '',
      'Our offer says 550 5.1.1 in the text; it is not the answer.',
      '--b2--',
      '',
    );
    const doc = await readDocument(new Uint8Array(Buffer.from(eml, 'utf8')));
    expect(doc.body).not.toContain('Our offer');
    expect(doc.dsnRecipients).toHaveLength(1);
    const d = await diagnose(eml);
    expect(d).toMatchObject({ reason: 'blocked', senderIp: '203.0.113.45', status: '5.7.1' });
  });

  it('reads an SMTPUTF8 report (RFC 6533): global delivery status, the returned headers as message/global-headers', async () => {
    const eml = lines(
      HEAD,
      'Content-Type: multipart/report; report-type=delivery-status; boundary="g1"',
      '',
      '--g1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Delivery to the following recipient failed permanently.',
      '',
      '--g1',
      'Content-Type: message/global-delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; lucas@example.net',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '',
      '--g1',
      'Content-Type: message/global-headers',
      '',
      'From: sales@example.org',
      'To: lucas@example.net',
      'Subject: listed on zen.spamhaus.org, blocked as spam',
      '',
      '--g1--',
      '',
    );
    const doc = await readDocument(new Uint8Array(Buffer.from(eml, 'utf8')));
    expect(doc.dsnRecipients).toHaveLength(1);
    expect(doc.originalHeaders).toContain('To: lucas@example.net');
    expect(doc.body).not.toContain('zen.spamhaus.org');
    const d = await diagnose(eml);
    expect(d).toMatchObject({ reason: 'mailboxfull', recipient: 'lucas@example.net', status: '5.2.2', lists: [] });
  });

  it('reads a bounce forwarded as an attachment, and still not its own returned copy', async () => {
    const bounce = lines(
      HEAD,
      'Content-Type: multipart/report; report-type=delivery-status; boundary="in1"',
      '',
      '--in1',
      'Content-Type: text/plain',
      '',
      `<lucas@example.net>: host mx.example.net[198.51.100.25] said: ${SPAMHAUS} (in reply to RCPT TO command)`,
      '',
      '--in1',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; lucas@example.net',
      'Action: failed',
      'Status: 5.7.1',
      '',
      '--in1',
      'Content-Type: message/rfc822',
      '',
      'From: sales@example.org',
      'To: lucas@example.net',
      'Subject: Offer',
      '',
      'Your mailbox is full, says 552 5.2.2 in the text; it is not the answer.',
      '--in1--',
    );
    const forwarded = lines(
      'From: Sales <sales@example.org>',
      'To: helpdesk@example.org',
      'Subject: FW: this mail could not be delivered',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="fw1"',
      '',
      '--fw1',
      'Content-Type: text/plain',
      '',
      'Our mail could not be delivered, see the attached bounce.',
      '',
      '--fw1',
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="Undelivered Mail Returned to Sender.eml"',
      '',
      bounce,
      '',
      '--fw1--',
      '',
    );
    const doc = await readDocument(new Uint8Array(Buffer.from(forwarded, 'utf8')));
    expect(doc.dsnRecipients).toHaveLength(1);
    expect(doc.body).not.toContain('mailbox is full');
    const d = await diagnose(forwarded);
    expect(d).toMatchObject({ reason: 'blocked', recipient: 'lucas@example.net', status: '5.7.1', senderIp: '203.0.113.45' });
  });

  it('does not read an attached message that is no bounce (the returned original of a plain-text bounce)', async () => {
    const eml = lines(
      HEAD,
      'Content-Type: multipart/mixed; boundary="pt1"',
      '',
      '--pt1',
      'Content-Type: text/plain',
      '',
      'Delivery to the following recipient failed: lucas@example.net',
      '',
      '--pt1',
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment',
      '',
      'From: sales@example.org',
      'To: lucas@example.net',
      'Subject: Offer',
      '',
      'Our IP is listed on zen.spamhaus.org and your mailbox is full.',
      '--pt1--',
      '',
    );
    const doc = await readDocument(new Uint8Array(Buffer.from(eml, 'utf8')));
    expect(doc.body).not.toContain('zen.spamhaus.org');
    expect(doc.originalHeaders).toContain('To: lucas@example.net');
  });

  it('decodes base64 padded on every line (through postal-mime) and an unknown charset', async () => {
    const words = ['Remote server replied: ', '550 5.7.1 Message rejected ', 'due to local policy (BL)', ' - contact tosa@rx.t-online.de'];
    const padded = words.map((w) => Buffer.from(w, 'latin1').toString('base64')).join(CRLF);
    expect(padded.split(CRLF)[0]).toMatch(/=$/);
    const eml = lines(
      HEAD,
      'Content-Type: multipart/mixed; boundary="b3"',
      '',
      '--b3',
      'Content-Type: text/plain; charset=x-unheard-of',
      '',
      'Delivery to the following recipient failed permanently:',
      '',
      '    kunde@t-online.de',
      '',
      '--b3',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: base64',
      '',
      padded,
      '--b3--',
      '',
    );
    const doc = await readDocument(new Uint8Array(Buffer.from(eml, 'utf8')));
    expect(doc.body).toContain('Remote server replied: 550 5.7.1 Message rejected due to local policy (BL) - contact tosa@rx.t-online.de');
    expect(doc.body).toContain('kunde@t-online.de');
    const d = await diagnose(eml);
    expect(d).toMatchObject({ reason: 'blocked', replyCode: 550, providerCode: 'BL' });
  });

  it('reads the HTML when an alternative has no plain text, and skips HTML that has one', async () => {
    const html = (msg: string) =>
      `<html><body><p>Delivery has failed to these recipients:</p><p><b>lucas@example.net</b></p><p>Remote Server returned '${msg}'</p></body></html>`;
    const onlyHtml = lines(
      HEAD,
      'Content-Type: multipart/alternative; boundary="b4"',
      '',
      '--b4',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(html('550 5.7.606 Access denied, banned sending IP [203.0.113.45]')),
      '--b4--',
      '',
    );
    const d = await diagnose(onlyHtml);
    expect(d).toMatchObject({ reason: 'blocked', providerCode: '5.7.606', senderIp: '203.0.113.45' });

    const both = lines(
      HEAD,
      'Content-Type: multipart/alternative; boundary="b5"',
      '',
      '--b5',
      'Content-Type: text/plain; charset=utf-8',
      '',
      "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'",
      '',
      '--b5',
      'Content-Type: text/html; charset=utf-8',
      '',
      html('550 5.7.606 Access denied, banned sending IP [203.0.113.45]'),
      '--b5--',
      '',
    );
    const doc = await readDocument(new Uint8Array(Buffer.from(both, 'utf8')));
    expect(doc.body).toContain('RecipNotFound');
    expect(doc.body).not.toContain('5.7.606');
    expect((await diagnose(both)).reason).toBe('userunknown');

    // An empty plain-text alternative does not hide the HTML one.
    const emptyPlain = both.replace("Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", ' ');
    expect(emptyPlain).not.toContain('RecipNotFound');
    expect(await diagnose(emptyPlain)).toMatchObject({ reason: 'blocked', providerCode: '5.7.606', senderIp: '203.0.113.45' });
  });

  it('decodes every HTML character reference of an HTML-only NDR, named and numeric', async () => {
    const html = [
      '<html><body>',
      '<p>La remise &agrave; ces destinataires ou groupes a &eacute;chou&eacute;&nbsp;:</p>',
      '<p><b>&#108;ucas@example.net</b></p>',
      '<p>Le serveur distant a retourn&eacute; &#x27;550 5.7.606 Acc&egrave;s refus&eacute;, banned sending IP [203.0.113.45]&#39;</p>',
      '</body></html>',
    ].join('');
    const eml = lines(HEAD, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(html), '');
    const doc = await readDocument(new Uint8Array(Buffer.from(eml, 'utf8')));
    expect(doc.body).toContain('La remise à ces destinataires ou groupes a échoué :');
    expect(doc.body).toContain('lucas@example.net');
    expect(doc.body).toContain("'550 5.7.606 Accès refusé, banned sending IP [203.0.113.45]'");
    expect(doc.body).not.toMatch(/&[a-z#0-9]+;/i);
    expect(await diagnose(eml)).toMatchObject({ reason: 'blocked', providerCode: '5.7.606', senderIp: '203.0.113.45' });
  });

  it('reads a bounce forwarded inline as message/rfc822 and cuts a returned message after the error', async () => {
    const forwarded = lines(
      'From: Alice Admin <alice@example.org>',
      'To: helpdesk@example.org',
      'Subject: Fwd: Undeliverable',
      'Date: Wed, 25 Nov 2026 11:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: text/plain',
      '',
      'Can you look at this one?',
      '',
      '--outer',
      'Content-Type: message/rfc822',
      '',
      HEAD,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      `<lucas@example.net>: host mx.example.net[198.51.100.25] said: 554 5.7.1 Service unavailable; Client host [203.0.113.45] blocked using =`,
      'zen.spamhaus.org',
      '--outer--',
      '',
    );
    const d = await diagnose(forwarded);
    expect(d).toMatchObject({ reason: 'blocked', senderIp: '203.0.113.45', recipient: 'lucas@example.net' });
    expect(d.lists.map((l) => l.zone)).toEqual(['zen.spamhaus.org']);

    const returned = lines(
      HEAD,
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: text/plain',
      '',
      `kunde@example.net: ${SPAMHAUS}`,
      '',
      '--m',
      'Content-Type: message/rfc822',
      '',
      'Received: from client.example.org ([192.0.2.99]) by mail.example.org',
      'From: sales@example.org',
      'Subject: Offer',
      '',
      'Sehr geehrte Damen und Herren',
      '--m--',
      '',
    );
    const doc = await readDocument(new Uint8Array(Buffer.from(returned, 'utf8')));
    expect(doc.body).toContain('zen.spamhaus.org');
    // The returned copy stays in the document but never reaches a recipient's words.
    const reading = read(doc);
    expect(reading.blocks.map((b) => b.recipient)).toEqual(['kunde@example.net']);
    for (const block of reading.blocks) expect(block.text).not.toContain('Sehr geehrte');
  });

  it('diagnoses a 1 MB message with 26,000 parts after its text part', async () => {
    const many = `From: a@b.example\r\nSubject: Undeliverable\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n<lucas@example.net>: ${SPAMHAUS}\r\n${'--x\r\nContent-Type: image/png\r\n\r\nAAAA\r\n'.repeat(26_000)}--x--\r\n`;
    expect(many.length).toBeGreaterThan(900 * 1024);
    expect(many.length).toBeLessThan(1024 * 1024);
    const d = await diagnose(many);
    expect(d).toMatchObject({ reason: 'blocked', recipient: 'lucas@example.net', senderIp: '203.0.113.45' });
  });
});
