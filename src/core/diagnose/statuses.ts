/**
 * SMTP codes as data: what an enhanced status code (RFC 3463, RFC 7505, RFC 7372) means
 * in Sisimai's reason vocabulary, how to pick the status and the reply code out of a
 * server's words, and which of two statuses to believe (a DSN's generic `Status:` field
 * or the specific one inside its Diagnostic-Code).
 *
 * The table and the preference rules are facts from the IANA status registry and from how
 * Sisimai reads them; the code is ours.
 */
import type { Reason } from './types.js';

/** Enhanced status → reason. Codes missing here say nothing on their own. */
export const STATUS_REASONS: Readonly<Record<string, Reason>> = {
  '2.1.5': 'delivered',
  '4.1.6': 'hasmoved',
  '4.1.7': 'rejected',
  '4.1.8': 'rejected',
  '4.1.9': 'systemerror',
  '4.2.1': 'blocked',
  '4.2.2': 'mailboxfull',
  '4.2.3': 'exceedlimit',
  '4.2.4': 'filtered',
  '4.3.1': 'systemfull',
  '4.3.2': 'notaccept',
  '4.3.3': 'systemerror',
  '4.3.5': 'systemerror',
  '4.4.1': 'expired',
  '4.4.2': 'networkerror',
  '4.4.3': 'systemerror',
  '4.4.4': 'networkerror',
  '4.4.5': 'systemfull',
  '4.4.6': 'networkerror',
  '4.4.7': 'expired',
  '4.4.8': 'networkerror',
  '4.5.3': 'systemerror',
  '4.5.5': 'systemerror',
  '4.6.0': 'contenterror',
  '4.6.2': 'contenterror',
  '4.6.5': 'contenterror',
  '4.7.1': 'blocked',
  '4.7.2': 'blocked',
  '4.7.5': 'securityerror',
  '4.7.6': 'securityerror',
  '4.7.7': 'securityerror',
  '4.7.12': 'securityerror',
  '4.7.15': 'securityerror',
  '4.7.16': 'mesgtoobig',
  '4.7.24': 'authfailure',
  '4.7.25': 'requireptr',
  '4.7.26': 'authfailure',
  '5.1.0': 'userunknown',
  '5.1.1': 'userunknown',
  '5.1.2': 'hostunknown',
  '5.1.3': 'userunknown',
  '5.1.4': 'filtered',
  '5.1.6': 'hasmoved',
  '5.1.7': 'rejected',
  '5.1.8': 'rejected',
  '5.1.9': 'systemerror',
  '5.1.10': 'notaccept',
  '5.2.0': 'filtered',
  '5.2.1': 'filtered',
  '5.2.2': 'mailboxfull',
  '5.2.3': 'exceedlimit',
  '5.2.4': 'filtered',
  '5.3.0': 'systemerror',
  '5.3.1': 'systemfull',
  '5.3.2': 'notaccept',
  '5.3.3': 'systemerror',
  '5.3.4': 'mesgtoobig',
  '5.3.5': 'systemerror',
  '5.4.0': 'networkerror',
  '5.4.3': 'systemerror',
  '5.4.4': 'hostunknown',
  '5.5.2': 'syntaxerror',
  '5.5.3': 'toomanyconn',
  '5.5.4': 'systemerror',
  '5.5.5': 'systemerror',
  '5.5.6': 'syntaxerror',
  '5.6.0': 'contenterror',
  '5.6.1': 'contenterror',
  '5.6.2': 'contenterror',
  '5.6.3': 'contenterror',
  '5.6.5': 'contenterror',
  '5.6.6': 'contenterror',
  '5.6.7': 'contenterror',
  '5.6.8': 'contenterror',
  '5.6.9': 'contenterror',
  '5.7.0': 'securityerror',
  '5.7.1': 'securityerror',
  '5.7.2': 'securityerror',
  '5.7.3': 'securityerror',
  '5.7.4': 'securityerror',
  '5.7.5': 'securityerror',
  '5.7.6': 'securityerror',
  '5.7.7': 'securityerror',
  '5.7.8': 'securityerror',
  '5.7.9': 'securityerror',
  '5.7.10': 'securityerror',
  '5.7.11': 'securityerror',
  '5.7.13': 'suspend',
  '5.7.14': 'securityerror',
  '5.7.15': 'securityerror',
  '5.7.16': 'mesgtoobig',
  '5.7.17': 'hasmoved',
  '5.7.18': 'hasmoved',
  '5.7.19': 'securityerror',
  '5.7.20': 'authfailure',
  '5.7.21': 'authfailure',
  '5.7.22': 'authfailure',
  '5.7.23': 'authfailure',
  '5.7.24': 'authfailure',
  '5.7.25': 'requireptr',
  '5.7.26': 'authfailure',
  '5.7.27': 'notaccept',
  '5.7.28': 'spamdetected',
  '5.7.29': 'authfailure',
  '5.7.30': 'failedstarttls',
};

/** The reason an enhanced status names on its own, or null. */
export function statusReason(status: string | null): Reason | null {
  return status ? (STATUS_REASONS[status] ?? null) : null;
}

/** SMTP reply codes that exist (RFC 5321, 4954, 5248, 7504), by class. */
const REPLY_CODES = new Set([
  211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 421, 422, 430, 432, 450, 451, 452, 453, 454, 455, 458, 459, 500, 501, 502, 503, 504, 521,
  523, 524, 525, 530, 533, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556,
]);

export function isReplyCode(code: number): boolean {
  return REPLY_CODES.has(code);
}

/** A status written without its class digit in a Sisimai-style table ("7.1" of "5.7.1"). */
export function statusTail(status: string): string {
  return status.slice(2);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Every enhanced status in a text, in order of appearance, skipping IPv4 addresses and
 * version numbers ("v5.1.1"). "x.0.0" and "4.4.7" say little and come last.
 */
export function statusesIn(text: string): string[] {
  const found: string[] = [];
  const weak: string[] = [];
  const t = text.length > 20_000 ? text.slice(0, 20_000) : text;
  for (let i = t.indexOf('.'); i > 0 && found.length + weak.length < 20; i = t.indexOf('.', i + 1)) {
    const cls = t.charCodeAt(i - 1);
    if (cls !== 50 && cls !== 52 && cls !== 53) continue; // 2, 4, 5
    const before = i >= 2 ? t.charCodeAt(i - 2) : 32;
    if (isDigit(before) || before === 46 || before === 86 || before === 118) continue; // digit, ".", "V", "v"
    // subject: one digit 0-7, then "."
    const subject = t.charCodeAt(i + 1);
    if (subject < 48 || subject > 55 || t.charCodeAt(i + 2) !== 46) continue;
    // detail: 1-3 digits, not followed by a digit or ".digit" (an IPv4 address)
    let j = i + 3;
    while (j < t.length && j < i + 6 && isDigit(t.charCodeAt(j))) j++;
    if (j === i + 3 || (j < t.length && isDigit(t.charCodeAt(j)))) continue;
    if (t.charCodeAt(j) === 46 && isDigit(t.charCodeAt(j + 1))) continue;
    const code = t.slice(i - 1, j);
    if (code.endsWith('.0.0') || code === '4.4.7') weak.push(code);
    else found.push(code);
  }
  return [...found, ...weak];
}

/** The status a text states (Sisimai's choice among several), or null. */
export function findStatus(text: string, replyClass?: string): string | null {
  let all = statusesIn(text);
  if (replyClass) {
    const same = all.filter((s) => s[0] === replyClass);
    if (same.length) all = same;
  }
  if (all.length === 0) return null;
  let chosen = all[0]!;
  for (const s of all.slice(1)) chosen = preferStatus(chosen, s, null) ?? chosen;
  return chosen;
}

/**
 * Which status to report when the DSN `Status:` field and the status in the server's words
 * differ: the one of the reply's class, then the more specific one (x.0.0 and X.Y.0 are
 * placeholders; 4.4.7, 4.7.0, 5.3.x and the x.5.x protocol codes are vaguer than what
 * the server said).
 */
export function preferStatus(field: string | null, inMessage: string | null, reply: number | null): string | null {
  if (!field) return inMessage;
  if (!inMessage) return field;
  if (field.length < 5) return inMessage;
  if (inMessage.length < 5) return field;
  const replyClass = reply === null ? null : String(reply)[0];
  if (replyClass && field[0] !== inMessage[0]) {
    if (replyClass === field[0]) return field;
    if (replyClass === inMessage[0]) return inMessage;
  }
  if (field === inMessage) return field;
  const fieldZero = field.indexOf('.0') > 0;
  const messageZero = inMessage.indexOf('.0') > 0;
  if (field.endsWith('.0.0') || /^[245]\.0\.0$/.test(field)) return /\.0\.0$/.test(inMessage) ? field : inMessage;
  if (fieldZero && !messageZero) return inMessage;
  if (/\.0\.0$/.test(inMessage)) return field;
  if (field === '4.4.7' || field === '4.7.0' || field.startsWith('5.3.')) return inMessage;
  if (/^[245]\.5\.[1245]$/.test(field)) return inMessage;
  if (field === '5.1.1') return messageZero || inMessage.startsWith('5.5.') ? field : inMessage;
  if (field === '5.1.3' && inMessage.startsWith('5.7.')) return inMessage;
  return field;
}

/** A Sisimai-invented placeholder status ("5.0.910"): not something a server said. */
export function isPseudoStatus(status: string): boolean {
  return /^[45]\.0\.9\d\d$/.test(status);
}
