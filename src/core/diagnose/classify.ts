/**
 * The order in which reasons are tried, as data, and the small engine that walks it.
 * It follows Sisimai's published decision order:
 *
 *   1. the bounce writer's own reading (format table), unless it is one of the readings
 *      that may still be refined (RETRYABLE);
 *   2. a 2.x.x status is a delivery, not a failure;
 *   3. a local delivery agent's message (procmail, maildrop, dovecot, …);
 *   4. the provider's rules (rhosts.ts), by recipient domain or refusing host;
 *   5. PROBE_ORDER: each reason checks status, reply code, failed command and phrases;
 *   6. PHRASE_ORDER: phrases only, then the status table, then the status class
 *      (x.6 → contenterror, x.7 → securityerror), a local program → mailererror, a
 *      syntax reply → syntaxerror, a delay → expired, a refusal at HELO → blocked;
 *   7. an auto-reply's words → vacation; some text → onhold; nothing → undefined.
 */
import { BEFORE_DATA, type SmtpCommand } from './commands.js';
import { phrasesIn } from './reasons.js';
import { rhostReason, type Rhost } from './rhosts.js';
import { statusReason } from './statuses.js';
import type { Reason } from './types.js';

/** Readings that other evidence may still replace (Sisimai's "retry" set). */
export const RETRYABLE: ReadonlySet<Reason | ''> = new Set<Reason | ''>([
  '',
  'undefined',
  'onhold',
  'systemerror',
  'securityerror',
  'expired',
  'networkerror',
  'hostunknown',
  'userunknown',
]);

/** Reasons that say something definite. */
export function isExplicit(r: Reason | null | undefined): r is Reason {
  return !!r && r !== 'undefined' && r !== 'onhold';
}

/** Tried first: each may use the status, the reply code and the failed command. */
export const PROBE_ORDER: readonly Reason[] = [
  'mailboxfull',
  'mesgtoobig',
  'exceedlimit',
  'suspend',
  'hasmoved',
  'norelaying',
  'authfailure',
  'userunknown',
  'filtered',
  'requireptr',
  'notcompliantrfc',
  'badreputation',
  'contenterror',
  'rejected',
  'hostunknown',
  'spamdetected',
  'speeding',
  'toomanyconn',
  'blocked',
];

/** Tried next, on phrases alone. */
export const PHRASE_ORDER: readonly Reason[] = [
  'mailboxfull',
  'authfailure',
  'badreputation',
  'speeding',
  'spamdetected',
  'virusdetected',
  'policyviolation',
  'norelaying',
  'systemerror',
  'networkerror',
  'suspend',
  'contenterror',
  'systemfull',
  'notaccept',
  'expired',
  'failedstarttls',
  'securityerror',
  'suppressed',
  'mailererror',
];

export interface Facts {
  /** What the bounce writer's own wording says (format table), if anything. */
  readonly formatReason: Reason | null;
  readonly status: string | null;
  readonly reply: number | null;
  readonly command: SmtpCommand | null;
  /** DSN Action (failed, delayed, delivered, relayed, expanded) or what the text says. */
  readonly action: string | null;
  /** Lower-cased, squeezed server words. */
  readonly lower: string;
  /** The server words as written. */
  readonly text: string;
  /** Diagnostic type of the DSN: SMTP, X-UNIX, X-POSTFIX … ('' when unknown). */
  readonly diagnosticType: string;
  readonly rhost: Rhost | null;
}

/** Whether the server's words carry a reason's phrases (reasons.ts phrasesIn). */
type Says = (reason: Reason) => boolean;

/** Reasons whose own status (via the status table) proves them in the probe. */
const STATUS_PROVES: ReadonlySet<Reason> = new Set<Reason>([
  'mailboxfull',
  'mesgtoobig',
  'exceedlimit',
  'authfailure',
  'requireptr',
  'contenterror',
  'rejected',
  'toomanyconn',
  'blocked',
  'spamdetected',
]);

/** A user-unknown status does not hold when the words say one of these instead. */
const NOT_USERUNKNOWN: readonly Reason[] = ['norelaying', 'blocked', 'mailboxfull', 'hasmoved', 'rejected', 'notaccept'];

function probe(reason: Reason, f: Facts, statusSays: Reason | null, says: Says): boolean {
  if (f.formatReason === reason) return true;
  switch (reason) {
    case 'mesgtoobig':
      if (statusSays === 'mesgtoobig') return true;
      if (statusSays === 'exceedlimit' || f.status === '5.2.3') return false;
      return says(reason);
    case 'suspend':
      return f.reply === 525 || says(reason);
    case 'norelaying':
      if (f.formatReason === 'securityerror' || f.formatReason === 'systemerror' || f.formatReason === 'undefined') return false;
      if (f.command === 'CONN' || f.command === 'EHLO' || f.command === 'HELO') return false;
      return says(reason);
    case 'userunknown':
      if (statusSays === 'suspend') return false;
      if (statusSays === 'userunknown') return !NOT_USERUNKNOWN.some((r) => says(r));
      return f.command === 'RCPT' && says('userunknown');
    case 'filtered':
      if (statusSays === 'suspend') return false;
      if (statusSays === 'filtered') return says('userunknown') || says('filtered');
      if (f.command && BEFORE_DATA.has(f.command)) return false;
      return says('filtered') || says('userunknown');
    case 'contenterror':
      if (probe('spamdetected', f, statusSays, says)) return false;
      return statusSays === 'contenterror' || says(reason);
    case 'rejected': {
      if (statusSays === 'rejected') return true;
      const temp = statusSays ?? 'undefined';
      if (f.command === 'MAIL') return says(reason);
      if (f.command === 'DATA') return temp !== 'userunknown' && says(reason);
      if (!isExplicit(temp) || temp === 'securityerror' || temp === 'systemerror') return says(reason);
      return false;
    }
    case 'hostunknown':
      if (statusSays === 'hostunknown') return !says('networkerror');
      return says(reason);
    case 'spamdetected':
      if (!f.status) return false;
      if (statusSays === 'spamdetected') return true;
      if (f.command && BEFORE_DATA.has(f.command)) return false;
      return says(reason);
    default:
      if (STATUS_PROVES.has(reason) && statusSays === reason) return true;
      return says(reason);
  }
}

/** Local delivery agents' own words (only for failures after DATA or of unknown command). */
const LOCAL_AGENTS: readonly { readonly marks: readonly string[]; readonly reasons: readonly (readonly [Reason, readonly string[]])[] }[] = [
  {
    marks: ['your message to <', '> was automatically rejected:'],
    reasons: [
      ['mailboxfull', ['not enough disk space', 'quota exceeded']],
      ['userunknown', ["mailbox doesn't exist: "]],
    ],
  },
  {
    marks: ['mail.local: '],
    reasons: [
      ['mailboxfull', ['disc quota exceeded', 'mailbox full or quota exceeded']],
      ['systemerror', ['temporary file write error']],
      ['userunknown', [': invalid mailbox path', ': unknown user:', ': user missing home directory', ': user unknown']],
    ],
  },
  {
    marks: ['procmail: ', '/procmail '],
    reasons: [
      ['mailboxfull', ['quota exceeded while writing', 'user over quota']],
      ['systemerror', ['service unavailable']],
      ['systemfull', ['no space left to finish writing']],
    ],
  },
  {
    marks: ['maildrop: '],
    reasons: [
      ['mailboxfull', ['maildir over quota.']],
      ['userunknown', ['cannot find system user', 'invalid user specified.']],
    ],
  },
  {
    marks: ['vdelivermail: '],
    reasons: [
      ['filtered', ['user does not exist, but will deliver to ']],
      ['mailboxfull', ['domain is over quota', 'user is over quota']],
      ['suspend', ['account is locked email bounced']],
      ['userunknown', ['sorry, no mailbox here by that name.']],
    ],
  },
  {
    marks: ['vdeliver: '],
    reasons: [
      ['mailboxfull', ['delivery failed due to system quota violation']],
      ['userunknown', ['invalid or unknown base user or domain', 'invalid or unknown virtual user', 'user name does not refer to a virtual user']],
    ],
  },
];

function localAgentReason(f: Facts): Reason | null {
  if (!f.lower || (f.command && f.command !== 'DATA')) return null;
  for (const agent of LOCAL_AGENTS) {
    if (!agent.marks.some((m) => f.lower.includes(m))) continue;
    for (const [reason, phrases] of agent.reasons) if (phrases.some((p) => f.lower.includes(p))) return reason;
    return 'mailererror';
  }
  return null;
}

/**
 * A decision and whether it is still open: reached only through a status fallback, the
 * status class, the reply code, the Action field or nothing at all. An open decision on
 * Sisimai's phrases may still be made definite by rblbot's own phrases.
 */
interface Decision {
  readonly reason: Reason | null;
  readonly open: boolean;
}

const done = (reason: Reason | null): Decision => ({ reason, open: false });
const open = (reason: Reason | null): Decision => ({ reason, open: true });

function anotherOne(f: Facts, statusSays: Reason | null, says: Says): Decision {
  if (isExplicit(f.formatReason)) return done(f.formatReason);
  const type = f.diagnosticType.toUpperCase();
  if (RETRYABLE.has(statusSays ?? '') || (type !== 'SMTP' && type !== '')) {
    for (const r of PHRASE_ORDER) if (says(r)) return done(r);
    // A delay notice whose only sign is the generic 4.7.0 (Sendmail's "Deferred: 421 4.7.0 Try
    // again later") is a message still waiting, not a security refusal.
    if (f.action === 'delayed' && f.status === '4.7.0' && (!statusSays || statusSays === 'securityerror')) return open('expired');
    if (statusSays) return RETRYABLE.has(statusSays) ? open(statusSays) : done(statusSays);
    const cls = f.status?.slice(0, 3);
    if (cls === '5.6' || cls === '4.6') return open('contenterror');
    if (cls === '5.7' || cls === '4.7') return open('securityerror');
    if (type.startsWith('X-UNIX')) return done('mailererror');
    if (f.reply !== null && ((f.reply > 400 && f.reply < 408) || (f.reply > 500 && f.reply < 508))) return open('syntaxerror');
    if (f.action === 'delayed' || f.action === 'expired') return open('expired');
    if (f.command === 'EHLO' || f.command === 'HELO') return open('blocked');
    return open(null);
  }
  return done(statusSays);
}

/** Sisimai's generic matcher on one phrase table: probes, then phrases and the status table, then structural fallbacks. */
function decide(f: Facts, says: Says): Decision {
  const statusSays = statusReason(f.status);
  const type = f.diagnosticType.toUpperCase();
  if (type === 'SMTP' || type === '' || type === 'X-POSTFIX') {
    for (const r of PROBE_ORDER) if (probe(r, f, statusSays, says)) return done(r);
  }
  const d = anotherOne(f, statusSays, says);
  const r = d.reason === 'undefined' ? null : d.reason;
  if (!r && f.action === 'delayed') return open('expired');
  if (r) return { reason: r, open: d.open };
  if (says('vacation')) return done('vacation');
  return open(f.lower ? 'onhold' : 'undefined');
}

/**
 * Sisimai's decision on its own phrase lists first; only when that leaves the reason open
 * (a fallback, see Decision) are rblbot's own phrases read, in the same order.
 */
function find(f: Facts): Reason {
  const says = phrasesIn(f.lower);
  const first = decide(f, says.sisimai);
  if (!first.open) return first.reason ?? 'undefined';
  const second = decide(f, says.all);
  return (second.open ? first.reason : second.reason) ?? 'undefined';
}

/** The reason for one failed recipient. */
export function classify(f: Facts): Reason {
  if (f.formatReason && !RETRYABLE.has(f.formatReason)) return f.formatReason;
  if (f.status?.startsWith('2.')) return 'delivered';
  const lda = localAgentReason(f);
  if (isExplicit(lda)) return lda;
  if (f.rhost) {
    const r = rhostReason(f.rhost, { lower: f.lower, text: f.text, status: f.status, reply: f.reply, command: f.command });
    if (isExplicit(r)) return r;
  }
  const r = find(f);
  if (isExplicit(r)) return r;
  if (f.lower) return 'onhold';
  return f.formatReason ?? 'undefined';
}
