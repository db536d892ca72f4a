/**
 * Messages that look like bounces but report no failure: feedback reports (RFC 5965 ARF,
 * Microsoft JMRP, Amazon SES complaint notifications), auto-replies (RFC 3834), delivery
 * reports (2.x.x DSNs, SES delivery notifications). Amazon SES bounce notifications
 * (JSON, not a DSN) are read here too.
 */
import type { BounceDocument, DsnFields } from './input.js';
import type { Reason } from './types.js';
import { MAILBOX } from './text.js';

export interface Notice {
  readonly reason: Reason;
  readonly recipient: string | null;
  readonly status?: string | null;
  readonly diagnostic?: string | null;
  readonly feedbackType?: string;
  readonly senderIp?: string | null;
  readonly dsn?: DsnFields | null;
  readonly action?: string | null;
  /** The receiving server's address as the notification states it (SES remoteMtaIp). */
  readonly remoteIp?: string | null;
}

const EMAIL = new RegExp(MAILBOX);

function address(v: string | undefined | null): string | null {
  const m = v ? EMAIL.exec(v.slice(0, 500)) : null;
  return m ? m[0].toLowerCase() : null;
}

function ip(v: string | undefined): string | null {
  const t = v?.trim() ?? '';
  return /^[0-9a-f.:]{2,45}$/i.test(t) ? t : null;
}

/** A feedback report (ARF, JMRP, Apple unsubscribe): one notice per reported recipient. */
export function feedbackNotices(doc: BounceDocument): Notice[] | null {
  const ct = (doc.headers.get('content-type') ?? '').toLowerCase();
  const fromRaw = doc.headers.get('from') ?? doc.from;
  const arf = doc.feedbackReport !== null || /report-type\s{0,3}=\s{0,3}"?feedback-report/.test(ct);
  const jmrp = /complaint about message from/i.test(doc.subject) && /staff@hotmail\.com|complaints@email-abuse\.amazonses\.com/i.test(fromRaw);
  const apple = /^true$/i.test(doc.headers.get('x-apple-unsubscribe') ?? '');
  if (!arf && !jmrp && !apple) return null;
  const fb = doc.feedbackReport ?? {};
  const type = (fb['feedback-type'] ?? (apple ? 'opt-out' : 'abuse')).trim().toLowerCase().slice(0, 40);
  const rcpt =
    address(fb['original-rcpt-to']) ??
    address(fb['removal-recipient']) ??
    address(/^x-hmxmroriginalrecipient:\s*([^\r\n]{1,300})/im.exec(doc.originalHeaders ?? '')?.[1]) ??
    address(/^to:\s*([^\r\n]{1,300})/im.exec(doc.originalHeaders ?? '')?.[1]) ??
    (apple ? address(fromRaw) : null);
  // JMRP has no Source-IP field: "complaint about message from 203.0.113.111" (subject),
  // "received from IP 203.0.113.111" (body).
  const senderIp =
    ip(fb['source-ip']) ??
    ip(/complaint about message from ([0-9A-Fa-f.:]{2,45})/i.exec(doc.subject)?.[1]) ??
    ip(/received from IP ([0-9A-Fa-f.:]{2,45}[0-9A-Fa-f])/i.exec(doc.body.slice(0, 5000))?.[1]);
  return [{ reason: 'feedback', recipient: rcpt, feedbackType: type, senderIp }];
}

interface SesRecipient {
  emailAddress?: string;
  status?: string;
  diagnosticCode?: string;
  action?: string;
}

/** The SES notification object in a message body (raw, or wrapped in an SNS envelope). */
function sesObject(body: string): Record<string, unknown> | null {
  const at = body.indexOf('{');
  if (at < 0 || !body.includes('notificationType')) return null;
  let text = body.slice(at, body.lastIndexOf('}') + 1);
  // Some mail clients wrap long JSON lines with "!" continuation markers.
  text = text.replace(/!\n /g, '');
  try {
    let obj = JSON.parse(text) as Record<string, unknown>;
    if (typeof obj.Message === 'string' && obj.Message.includes('notificationType')) obj = JSON.parse(obj.Message) as Record<string, unknown>;
    return typeof obj.notificationType === 'string' ? obj : null;
  } catch {
    return null;
  }
}

const SES_SUBTYPES: Readonly<Record<string, Reason>> = {
  Suppressed: 'suppressed',
  OnAccountSuppressionList: 'suppressed',
  MailboxFull: 'mailboxfull',
  MessageTooLarge: 'mesgtoobig',
  ContentRejected: 'contenterror',
  AttachmentRejected: 'securityerror',
};

/**
 * An Amazon SES notification. Bounces become per-recipient facts (the caller classifies
 * them like DSN fields); complaints are feedback; deliveries are deliveries.
 */
export function sesNotices(doc: BounceDocument): { notices: Notice[]; bounces: Notice[] } | null {
  const obj = sesObject(doc.body.length > 262_144 ? doc.body.slice(0, 262_144) : doc.body);
  if (!obj) return null;
  const type = obj.notificationType;
  if (type === 'Complaint') {
    const c = (obj.complaint ?? {}) as { complainedRecipients?: { emailAddress?: string }[]; complaintFeedbackType?: string };
    const list = c.complainedRecipients?.length ? c.complainedRecipients : [{}];
    return {
      notices: list.slice(0, 200).map((r) => ({
        reason: 'feedback' as Reason,
        recipient: address(r.emailAddress),
        feedbackType: (c.complaintFeedbackType ?? 'abuse').toLowerCase().slice(0, 40),
      })),
      bounces: [],
    };
  }
  if (type === 'Delivery') {
    const d = (obj.delivery ?? {}) as { recipients?: string[]; smtpResponse?: string; remoteMtaIp?: string };
    const list = d.recipients?.length ? d.recipients : [null];
    return {
      notices: list.slice(0, 200).map((r) => ({
        reason: 'delivered' as Reason,
        recipient: address(r),
        diagnostic: d.smtpResponse ?? null,
        remoteIp: ip(d.remoteMtaIp),
      })),
      bounces: [],
    };
  }
  if (type === 'Bounce') {
    const b = (obj.bounce ?? {}) as { bouncedRecipients?: SesRecipient[]; bounceSubType?: string; bounceType?: string; remoteMtaIp?: string };
    const sub = b.bounceSubType ? SES_SUBTYPES[b.bounceSubType] : undefined;
    const list = b.bouncedRecipients?.length ? b.bouncedRecipients : [{}];
    return {
      notices: [],
      bounces: list.slice(0, 200).map((r) => ({
        reason: sub ?? 'undefined',
        recipient: address(r.emailAddress),
        status: r.status ?? null,
        diagnostic: r.diagnosticCode ?? null,
        action: r.action ?? (b.bounceType === 'Transient' ? 'delayed' : 'failed'),
        remoteIp: ip(b.remoteMtaIp),
      })),
    };
  }
  return null;
}

const FAILURE_SUBJECT =
  /undeliver|failure|failed|returned|delivery status|not delivered|blocked|rejected|bounce|unzustellbar|non remis|error|zurückgesendet|niet bezorgd|no entregado/i;
const AUTO_SUBJECT =
  /^(?:auto:|auto response:|automatic reply:|out of office:|out of the office:|autoreply:|auto-reply:|automatische antwort:|abwesenheitsnotiz|r[ée]ponse automatique|risposta automatica|respuesta autom[áa]tica|automatisch antwoord|autosvar|automaattinen vastaus|odpowied[źz] automatyczna)/i;
const AUTO_BODY =
  /out of (?:the )?office|i am (?:currently )?(?:away|on (?:vacation|holiday|leave)|out of)|abwesend|limited access to (?:my )?e-?mail|will be back|return(?:ing)? on|i will be traveling/i;

/** An automatic reply (RFC 3834 headers, vacation subjects), from a person's mailbox, not a mail system. */
export function isAutoReply(doc: BounceDocument): boolean {
  if (doc.dsnRecipients.length > 0) return false;
  const fromRaw = (doc.headers.get('from') ?? doc.from).toLowerCase();
  if (/(?:^|[<\s"])(?:root|postmaster|mailer-daemon)@/.test(fromRaw)) return false;
  const subject = doc.subject;
  if (/security information for|mail failure -/i.test(subject)) return false;
  const auto = (doc.headers.get('auto-submitted') ?? '').toLowerCase();
  const header =
    /^auto-(?:generated|replied|notified)/.test(auto) ||
    doc.headers.has('x-autoreply') ||
    doc.headers.has('x-autorespond') ||
    doc.headers.has('x-autoresponse') ||
    /^vacation/i.test(doc.headers.get('x-apple-action') ?? '') ||
    /auto_reply|autoreply/i.test(doc.headers.get('precedence') ?? '');
  if (AUTO_SUBJECT.test(subject)) return true;
  if (!header) return false;
  if (FAILURE_SUBJECT.test(subject)) return false;
  // Auto-generated notices that are bounces in disguise name a reply code; replies do not.
  return AUTO_BODY.test(doc.body.slice(0, 4000)) || !/\b[45][0-9]{2}[ -][45]\.[0-9]{1,3}\.[0-9]{1,3}\b/.test(doc.body.slice(0, 20_000));
}

/** Every DSN recipient was delivered, relayed or expanded: a delivery report. */
export function isDeliveryReport(doc: BounceDocument): boolean {
  const groups = doc.dsnRecipients;
  if (groups.length > 0) {
    return groups.every((g) => {
      const action = (g.action ?? '').trim().toLowerCase();
      const status = (g.status ?? '').trim();
      return action === 'delivered' || action === 'relayed' || action === 'expanded' || (!action && status.startsWith('2.'));
    });
  }
  const head = doc.body.slice(0, 20_000);
  if (/^Successful Mail Delivery Report/i.test(doc.subject)) return true;
  return (
    /(?:was|has been) (?:successfully )?delivered to|delivery to the following recipients? (?:was )?(?:complete|succeeded)|successfully delivered|relayed to non-?DSN-aware|your message was successfully delivered/i.test(
      head,
    ) && !/not (?:been )?delivered|could not|couldn'?t|failed|undeliverable|wasn'?t delivered|[45][0-9]{2}[ -][45]\.[0-9]/i.test(head)
  );
}
