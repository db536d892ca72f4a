/**
 * Turns what the user gave us (a saved .eml, pasted NDR text, one SMTP line) into a
 * BounceDocument: the human-readable text, RFC 3464 per-recipient fields, and the few
 * headers that tell failures from auto-replies and feedback reports.
 *
 * MIME structure and decoding (multipart, quoted-printable, base64, charsets) happen in
 * mime.ts, with postal-mime; everything here works on already-decoded text.
 */
import { decodeHTML } from 'entities';
import { readMimeMessage } from './mime.js';
import { MAX_INPUT_BYTES } from './types.js';
import { UserError } from '../../reply/errors.js';

export interface DsnFields {
  /** Lower-case field name → unfolded value (first occurrence). */
  readonly [name: string]: string;
}

export interface BounceDocument {
  readonly kind: 'mime' | 'text';
  /** Top-level headers of the message (lower-case names), empty for pasted text. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly from: string;
  /** The human-readable text; the returned original message may follow the error text (reader.ts cuts it). */
  readonly body: string;
  /** Per-message DSN fields (Reporting-MTA, Arrival-Date…), if any. */
  readonly dsnMessage: DsnFields | null;
  /** One entry per recipient group of a delivery-status part (or pasted DSN fields). */
  readonly dsnRecipients: readonly DsnFields[];
  /** A message/feedback-report part or report-type=feedback-report was present. */
  readonly feedbackReport: DsnFields | null;
  /** Header block of the returned original message, when the bounce carries it as a part. */
  readonly originalHeaders: string | null;
}

export type InputProblem = 'empty' | 'binary' | 'toolarge';

export class InputError extends UserError {
  constructor(
    readonly problem: InputProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Longest logical line we keep; longer lines are cut so no scan is ever quadratic. */
export const MAX_LINE = 4000;

/** Text saved as UTF-16 (Windows Notepad "Unicode") is text, not binary: decode it. */
function fromUtf16(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const n = Math.min(bytes.length, 2048) & ~1;
  // UTF-16 text of Latin script is full of zero bytes; without any it is not UTF-16.
  const zero = bytes.indexOf(0);
  if (zero < 0 || zero >= n) return null;
  let oddZero = 0;
  let evenZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  if (oddZero > n * 0.4 && evenZero < n * 0.05) return new TextDecoder('utf-16le').decode(bytes);
  if (evenZero > n * 0.4 && oddZero < n * 0.05) return new TextDecoder('utf-16be').decode(bytes);
  return null;
}

/** The characters controlWeight counts. */
const CONTROL = /[\0-\x08\x0b\x0e-\x1a\x1c-\x1f]/;

/** How much a character counts towards "this is binary": NUL a lot, other controls 1. */
function controlWeight(c: number): number {
  if (c === 0) return 10;
  return c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27 ? 1 : 0;
}

/** Decode bytes or take a string; refuse empty, binary and oversized input. */
export function checkInput(raw: string | Uint8Array): string | Uint8Array {
  if (typeof raw !== 'string' && raw.byteLength <= MAX_INPUT_BYTES * 2) {
    const text = fromUtf16(raw);
    if (text !== null) raw = text;
  }
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (size > MAX_INPUT_BYTES) {
    throw new InputError(
      'toolarge',
      `That is ${Math.ceil(size / 1024)} KB; bounces are refused above 1 MB. Paste only the error part (the lines with the 5xx/4xx reply), or save the bounce without attachments.`,
    );
  }
  // The first 8 KB, as character codes (bytes read as Latin-1): no copy of the input.
  const n = Math.min(8192, raw.length);
  let blank = true;
  let control = 0;
  if (typeof raw === 'string') {
    for (let i = 0; i < n; i++) control += controlWeight(raw.charCodeAt(i));
  } else {
    // Read as Latin-1 so native regex scans do the common case (no control characters).
    const sample = Buffer.from(raw.buffer, raw.byteOffset, n).toString('latin1');
    blank = !/[^\t-\r \xa0]/.test(sample);
    if (CONTROL.test(sample)) for (let i = 0; i < n; i++) control += controlWeight(sample.charCodeAt(i));
  }
  if (typeof raw === 'string' ? raw.slice(0, 8192).trim() === '' : blank) {
    throw new InputError(
      'empty',
      'There is nothing to diagnose: paste a bounce message (the whole text or the error line, e.g. "550 5.7.1 …"), or attach the .eml file.',
    );
  }
  if (control > n / 50) {
    throw new InputError('binary', 'That looks like a binary file, not a bounce. Send the bounce as text or as a saved .eml message.');
  }
  return raw;
}

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]{0,60}:/;
const MESSAGE_HEADERS =
  /^(received|from|to|subject|date|message-id|return-path|mime-version|content-type|delivered-to|x-[a-z0-9-]+|auto-submitted|reply-to|sender|dkim-signature|arc-[a-z-]+|authentication-results):/i;

/**
 * Does the text start with an RFC 5322 header block? Pasted DSN fields ("Final-Recipient:
 * …") also look like headers, so we want at least two real message headers.
 */
export function looksLikeMessage(text: string): boolean {
  // The first 200 lines of the first 16 KB, read in place up to the blank line.
  const limit = Math.min(text.length, 16384);
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let known = 0;
  let core = 0;
  for (let n = 0; n < 200; n++) {
    // Text that ends right after a line break ends the header block like a blank line.
    if (pos >= limit) return known >= 2 && core >= 1;
    const eol = text.indexOf('\n', pos);
    // A last line cut by the 16 KB limit is not a whole line (and no blank line follows).
    if (eol < 0 || eol >= limit) return false;
    const line = text.slice(pos, eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol);
    pos = eol + 1;
    if (line === '') return known >= 2 && core >= 1;
    if (/^[ \t]/.test(line)) continue;
    if (!HEADER_LINE.test(line)) return false;
    if (MESSAGE_HEADERS.test(line)) known++;
    if (/^(?:received|from|subject|date|message-id|mime-version|content-type|return-path):/i.test(line)) core++;
  }
  return false;
}

/** Parse a whole message as MIME; falls back to plain text if that fails. */
export async function readDocument(raw: string | Uint8Array): Promise<BounceDocument> {
  // looksLikeMessage reads the first 16 KB only; an .eml is not decoded as a whole here.
  const head = typeof raw === 'string' ? raw.slice(0, 16384) : decodeLoose(raw.subarray(0, 16384));
  if (looksLikeMessage(head)) {
    try {
      return await readMime(raw);
    } catch {
      // A broken MIME structure still has readable text; use it as pasted text.
    }
  }
  return readText(typeof raw === 'string' ? raw : decodeLoose(raw));
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

function decodeLoose(bytes: Uint8Array): string {
  const utf8 = UTF8.decode(bytes);
  // Mostly-invalid UTF-8 is more likely Latin-1 (old NDRs, pasted from Windows tools).
  let bad = 0;
  for (let at = utf8.indexOf('\uFFFD'); at >= 0 && at < 65536 && bad <= 8; at = utf8.indexOf('\uFFFD', at + 1)) bad++;
  return bad > 8 ? Buffer.from(bytes).toString('latin1') : utf8;
}

async function readMime(raw: string | Uint8Array): Promise<BounceDocument> {
  const email = await readMimeMessage(raw);
  const { headers } = email;
  let dsnMessage: DsnFields | null = null;
  const dsnRecipients: DsnFields[] = [];
  for (const status of email.deliveryStatus) {
    const groups = parseFieldGroups(status);
    const [first, ...rest] = groups;
    if (first && !('final-recipient' in first) && !('original-recipient' in first)) {
      dsnMessage = first;
      dsnRecipients.push(...rest);
    } else dsnRecipients.push(...groups);
  }
  let feedbackReport: DsnFields | null = email.feedbackReport === null ? null : (parseFieldGroups(email.feedbackReport)[0] ?? {});
  const contentType = (headers.get('content-type') ?? '').toLowerCase();
  if (!feedbackReport && /report-type\s*=\s*"?feedback-report/.test(contentType)) feedbackReport = {};

  const plain = email.texts.map((t) => (t.kind === 'html' ? htmlToText(t.text) : t.text));
  const body = plain.join('\n');
  if (dsnRecipients.length === 0) {
    const pasted = pastedDsn(cutOriginalMessage(body));
    dsnMessage ??= pasted.message;
    dsnRecipients.push(...pasted.recipients);
  }
  return {
    kind: 'mime',
    headers,
    subject: email.subject,
    get from() {
      return email.from;
    },
    body,
    dsnMessage,
    dsnRecipients,
    feedbackReport,
    originalHeaders: email.originalHeaders,
  };
}

/** Pasted text: it may still carry DSN fields (people paste the whole report). */
function readText(text: string): BounceDocument {
  const body = text;
  const pasted = pastedDsn(cutOriginalMessage(text));
  const feedback = /^feedback-type:\s*\S/im.test(body.slice(0, 65536)) ? (parseFieldGroups(body).find((g) => 'feedback-type' in g) ?? {}) : null;
  const subject = /^subject:[ \t]*([^\r\n]{0,300})/im.exec(body.slice(0, 8192))?.[1]?.trim() ?? '';
  const from = /^from:[ \t]*([^\r\n]{0,300})/im.exec(body.slice(0, 8192))?.[1]?.trim() ?? '';
  const headers = new Map<string, string>();
  const auto = /^auto-submitted:[ \t]*([^\r\n]{0,100})/im.exec(body.slice(0, 8192))?.[1];
  if (auto) headers.set('auto-submitted', auto.trim());
  return {
    kind: 'text',
    headers,
    subject,
    from,
    body,
    dsnMessage: pasted.message,
    dsnRecipients: pasted.recipients,
    feedbackReport: feedback,
    originalHeaders: null,
  };
}

/** DSN fields found in plain text (people paste the whole report): per-message and per-recipient groups. */
function pastedDsn(body: string): { message: DsnFields | null; recipients: DsnFields[] } {
  if (!/^(?:final-recipient|original-recipient|diagnostic-code|action):/im.test(body.slice(0, 200_000))) return { message: null, recipients: [] };
  const groups = parseFieldGroups(body);
  const recipients = groups.filter(
    (g) => 'final-recipient' in g || 'original-recipient' in g || 'diagnostic-code' in g || ('status' in g && 'action' in g),
  );
  const message = groups.find((g) => 'reporting-mta' in g && !recipients.includes(g)) ?? null;
  return { message, recipients };
}

/**
 * Where an NDR starts quoting the message that bounced. Everything after it is the
 * sender's own message (its Received headers hold IPs that are not the answer).
 */
const ORIGINAL_MARKERS: RegExp[] = [
  /^-{2,}\s*this is a copy of the message/i,
  /^-{2,}\s*original message (?:follows|headers?)/i,
  /^original message headers:?\s*$/i,
  /^-{2,}\s*below this line is a copy of the message/i,
  /^-{2,}\s*message header follows/i,
  /^-{2,}\s*returned message/i,
  /^-{2,}\s*(?:the )?(?:original|undelivered) message/i,
  /^content-description:\s*undelivered message/i,
  /^content-type:\s*(?:message\/rfc822|text\/rfc822-headers)/i,
  /^\s*-{2,}\s*forwarded message\s*-{2,}/i,
];

const HAS_REPLY = /[245][0-9]{2}[ -]|[245]\.[0-9]{1,3}\.[0-9]{1,3}/;

export function cutOriginalMessage(text: string): string {
  let start = 0;
  for (let n = 0; n < 20000 && start < text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // Cheap filter first: every marker starts with "-", "o"/"O" or "c"/"C" after blanks.
    let i = start;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    const c = text.charCodeAt(i) | 0x20;
    if (end - i >= 10 && (text.charCodeAt(i) === 45 || c === 0x6f || c === 0x63)) {
      const line = text.slice(i, Math.min(end, i + 200)).trim();
      // A forwarded bounce starts with "-----Original Message-----": cut only after the error.
      for (const m of ORIGINAL_MARKERS)
        if (m.test(line) && HAS_REPLY.test(text.slice(Math.max(0, start - 100_000), start))) return text.slice(0, start);
    }
    start = end + 1;
  }
  return text;
}

/**
 * Parse RFC 822-style field groups (as in message/delivery-status): groups are separated
 * by blank lines, a line starting with white space continues the previous field.
 * Lines that are not fields are ignored, so this also works on pasted prose.
 */
export function parseFieldGroups(text: string): DsnFields[] {
  const groups: Record<string, string>[] = [];
  let current: Record<string, string> = {};
  let lastKey: string | null = null;
  let count = 0;
  const flush = () => {
    if (Object.keys(current).length) groups.push(current);
    current = {};
    lastKey = null;
  };
  for (let rawLine of text.split('\n')) {
    if (++count > 20000) break;
    if (rawLine.endsWith('\r')) rawLine = rawLine.slice(0, -1);
    const line = rawLine.length > MAX_LINE ? rawLine.slice(0, MAX_LINE) : rawLine;
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (/^[ \t]/.test(line) && lastKey) {
      if (current[lastKey]!.length < MAX_LINE) current[lastKey] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]{0,40}):[ \t]*(.*)$/.exec(line);
    if (m) {
      const key = m[1]!.toLowerCase();
      if (key === 'final-recipient' && ('final-recipient' in current || 'original-recipient' in current) && 'final-recipient' in current) flush();
      if (!(key in current)) current[key] = m[2]!.trim();
      lastKey = key in current ? key : null;
    } else lastKey = null;
  }
  flush();
  return groups;
}

/** Crude but linear HTML → text for HTML-only NDRs (Exchange sends some). */
export function htmlToText(html: string): string {
  let text = html.slice(0, 1024 * 1024);
  // Drop <style>/<script> bodies with indexOf, not a lazy regex (which can go quadratic).
  for (const tag of ['style', 'script']) {
    let out = '';
    let pos = 0;
    const lower = text.toLowerCase();
    for (;;) {
      const open = lower.indexOf(`<${tag}`, pos);
      if (open < 0) break;
      const close = lower.indexOf(`</${tag}`, open);
      out += text.slice(pos, open);
      if (close < 0) {
        pos = text.length;
        break;
      }
      pos = close + tag.length + 2;
    }
    text = out + text.slice(pos);
  }
  const stripped = text.replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, '\n').replace(/<[^<>]{0,2000}>/g, '');
  // Every named and numeric reference (entities, the decoder of htmlparser2): NDRs in French
  // or Spanish write "d&eacute;livr&eacute;" and "&#233;". No-break spaces read as spaces,
  // as the phrase tables expect.
  return decodeHTML(stripped).replace(/\u00a0/g, ' ');
}
