/**
 * Applies the format table to a bounce: recognises its writer, keeps the error text
 * (from the writer's start marker up to where the returned original message begins, so
 * the quoted message never decides anything), and splits that text into one block per
 * failed recipient, next to the RFC 3464 fields of the same recipient.
 */
import { findCommand, type SmtpCommand } from './commands.js';
import { DSN_FORMAT, FORMATS, GENERIC_DELAYED, GENERIC_ORIGINAL, TEXT_FORMAT, type Format, type Signal } from './formats.js';
import { mayMatch, prefiltered, type Prefiltered } from './literals.js';
import type { BounceDocument, DsnFields } from './input.js';
import { MAX_LINE } from './input.js';
import { logicalLines, MAILBOX } from './text.js';

export interface RecipientBlock {
  /** Lower-cased address, or null when the bounce names none. */
  readonly recipient: string | null;
  /** The recipient's own logical lines of the error text. */
  readonly text: string;
  readonly dsn: DsnFields | null;
}

export interface Reading {
  readonly format: Format;
  readonly blocks: readonly RecipientBlock[];
  /** Error text before the first recipient (the writer's explanation, sometimes the reply). */
  readonly preamble: string;
  /** The whole error text, without the returned message. */
  readonly region: string;
  /** Header lines of the returned original message ('' when absent). */
  readonly original: string;
  /** The writer says the message is only delayed, still queued. */
  readonly delayed: boolean;
}

const MAX_LINES = 20_000;
const MAX_BLOCK_LINES = 400;
const MAX_RECIPIENTS = 200;

const ADDRESS = new RegExp(String.raw`<?(${MAILBOX})>?`);
const ROLE = /^(?:postmaster|mailer-daemon|delist|delist-request|tosa|icloudadmin|abuse_rbl)@/i;
/**
 * An Exim main-log line for a failed ("**") or deferred ("==") address, with or without its
 * date, time and message id: "2026-12-01 10:25:10 1tABeF-0002aB-Cd ** a@b R=dnslookup …".
 * The address follows the flag; the envelope sender in "MAIL FROM:<…>" later on is not it.
 */
const EXIM_LOG = new RegExp(
  String.raw`^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})? (?:[+-]\d{4} )?(?:\[\d{1,10}\] )?)?(?:[A-Za-z0-9]{6,11}-[A-Za-z0-9]{6,11}-[A-Za-z0-9]{2,4} )?(?:\*\*|==) <?(${MAILBOX})>?(?=[\s:]|$)`,
);
/** A line that starts with a recipient: bare, in angle brackets, or after a DSN field name or "To:". */
const LEADING_ADDRESS = new RegExp(
  String.raw`^\s{0,12}(?:final-recipient:\s{0,3}rfc822;\s{0,3}|original-recipient:\s{0,3}rfc822;\s{0,3}|to:\s{0,3})?<?(${MAILBOX})>?(?:[\s:,(]|$)`,
  'i',
);

/** Plain address from a DSN recipient field ("rfc822; <a@b>"). */
export function dsnAddress(value: string | undefined): string | null {
  if (!value) return null;
  const v = value.replace(/^[a-z0-9-]{1,20};\s*/i, '');
  const m = ADDRESS.exec(v.slice(0, 400));
  return m ? m[1]!.toLowerCase() : v.trim().slice(0, 200) || null;
}

function physicalLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start <= text.length && out.length < MAX_LINES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, Math.min(end, start + MAX_LINE));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    out.push(line);
    start = end + 1;
  }
  return out;
}

interface DetectContext {
  readonly doc: BounceDocument;
  readonly from: string;
  readonly received: string;
  readonly head: string;
  readonly lowerHead: string;
}

function holds(s: Signal, c: DetectContext): boolean {
  if (s.subject && !s.subject.test(c.doc.subject)) return false;
  if (s.from && !s.from.test(c.from)) return false;
  if (s.header) {
    const v = c.doc.headers.get(s.header);
    if (v === undefined) return false;
    if (s.value && !s.value.test(v)) return false;
  }
  if (s.received && !s.received.test(c.received)) return false;
  if (s.messageId && !s.messageId.test(c.doc.headers.get('message-id') ?? '')) return false;
  if (s.body && !(mayMatch(BODY_PATTERNS.get(s.body)!, c.lowerHead) && s.body.test(c.head))) return false;
  return true;
}

/** Each body signal with its literal prefilter (literals.ts). */
const BODY_PATTERNS: ReadonlyMap<RegExp, Prefiltered> = new Map(
  FORMATS.flatMap((f) => [...f.signals, ...(f.required ?? [])].flatMap((sig) => (sig.body ? [[sig.body, prefiltered(sig.body)] as const] : []))),
);

/**
 * Per format, its evidence in pasted text as one multi-line pattern each: the `pasted` line,
 * and start sentences of 24 characters or more (short ones such as "<" or "Your message"
 * are no evidence). Built once: testing each line of a paste against every format's
 * patterns one by one cost more than the rest of the reading.
 */
const PASTED_EVIDENCE: ReadonlyMap<Format, readonly Prefiltered[]> = new Map(
  FORMATS.map((f) => {
    const own = f.recipients?.length ? (f.start ?? []).filter((re) => re.source.length >= 24) : [];
    const all = [...(f.pasted ? [f.pasted] : []), ...own];
    return [f, all.map((re) => prefiltered(new RegExp(re.source, re.flags.includes('m') ? re.flags : `${re.flags}m`)))] as const;
  }),
);

function signalsHold(f: Format, c: DetectContext): boolean {
  if (f.required && !f.required.every((s) => holds(s, c))) return false;
  const need = f.need ?? 1;
  let n = 0;
  // Header signals first; the body scans only when they can still make up the count.
  let bodySignals = 0;
  for (const s of f.signals) {
    if (s.body) bodySignals++;
    else if (holds(s, c) && ++n >= need) return true;
  }
  if (n + bodySignals < need) return false;
  for (const s of f.signals) if (s.body && holds(s, c) && ++n >= need) return true;
  return false;
}

/** Formats whose signals hold for this message, in table order. */
export function candidates(doc: BounceDocument): Format[] {
  const head = doc.body.length > 8192 ? doc.body.slice(0, 8192) : doc.body;
  const c: DetectContext = {
    doc,
    from: doc.headers.get('from') ?? doc.from,
    received: doc.headers.get('received') ?? '',
    head,
    lowerHead: head.toLowerCase(),
  };
  // Pasted text has no headers: the writer's own lines are evidence enough.
  const pasted = doc.kind === 'text' ? c.head : '';
  return FORMATS.filter(
    (f) => signalsHold(f, c) || (pasted !== '' && PASTED_EVIDENCE.get(f)!.some((p) => mayMatch(p, c.lowerHead) && p.re.test(pasted))),
  );
}

/** A reply code or enhanced status: the text before a generic marker is an error, not a forward wrapper. */
const HAS_REPLY = /(?:^|\s)[245][0-9]{2}[ -]|[245]\.[0-9]{1,3}\.[0-9]{1,3}|^(?:diagnostic-code|status):/im;

/** Failure wording before a generic marker: the marker ends a bounce without reply codes (MailEnable, Courier texts). */
const FAILURE_WORDS =
  /could not be (?:delivered|reached)|couldn't be delivered|cannot be delivered|could not deliver|error delivering|giving up|undeliverable|delivery (?:has )?failed|failed permanently|permanent error/i;

const MAX_REGION_LINES = 6000;

const DIVIDER = /^[|=*-]{3,}[^\n]{0,200}[|=*-]{3,}\s*$/;

function firstMatch(lines: readonly string[], from: number, patterns: readonly RegExp[]): number {
  if (patterns.length === 0) return -1;
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    for (const re of patterns) if (re.test(l)) return i;
  }
  return -1;
}

/**
 * Where the returned message starts: the writer's marker, or a generic one. A generic
 * marker right at the top of pasted text may wrap a forwarded bounce, so it counts only
 * after the writer's start marker or after some error text.
 */
function cutIndex(lines: readonly string[], start: number, startFound: boolean, format: Format): number {
  const own = firstMatch(lines, start + 1, format.original ?? []);
  let at = own >= 0 ? own : lines.length;
  for (let i = start + 1; i < at; i++) {
    // Sendmail indents its markers ("   ----- Original message follows -----").
    const l = lines[i]!.charCodeAt(0) === 0x20 ? lines[i]!.trimStart() : lines[i]!;
    // Every generic marker starts with "-", "|", "o"/"O" or "c"/"C" (a cheap filter first).
    const c = l.charCodeAt(0) | 0x20;
    if (l === '' || (c !== 0x2d && c !== 0x7c && c !== 0x6f && c !== 0x63) || !GENERIC_ORIGINAL.some((re) => re.test(l))) continue;
    const before = lines.slice(Math.max(start, i - 400), i).join('\n');
    if (startFound || HAS_REPLY.test(before) || FAILURE_WORDS.test(before)) {
      at = i;
      break;
    }
  }
  const headers = headerRun(lines, start + 1, at);
  return headers >= 0 ? headers : at;
}

/** Header names of a returned message: a run of three of them is its header block. */
const CORE_HEADER = /^(?:received|return-path|from|to|subject|date|message-id):/i;
const ANY_HEADER = /^[A-Za-z][A-Za-z0-9-]{1,60}:/;

/**
 * The first line of a returned message quoted without any marker: a run of header lines at
 * the start of a line ("Received:", "From:", "Subject:", … three different ones at least)
 * after the error text has given its reply code or status.
 * Writers that list the original's headers as part of their text (Messaging Server, Domino,
 * Exchange 2003: "  Subject: …") indent them, or put them before the error. -1 if none.
 */
function headerRun(lines: readonly string[], from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const l = lines[i]!;
    // Every core header starts with r, f, t, s, d or m (a cheap filter first).
    const c = l.charCodeAt(0) | 0x20;
    if (c !== 0x72 && c !== 0x66 && c !== 0x74 && c !== 0x73 && c !== 0x64 && c !== 0x6d) continue;
    if (!CORE_HEADER.test(l)) continue;
    const names = new Set<string>();
    let j = i;
    for (; j < Math.min(to, i + 30); j++) {
      const h = lines[j]!;
      if (h === '') break;
      if (h.charCodeAt(0) === 0x20 || h.charCodeAt(0) === 0x09) continue;
      if (!ANY_HEADER.test(h)) break;
      if (CORE_HEADER.test(h)) names.add(h.slice(0, h.indexOf(':')).toLowerCase());
    }
    if (names.size >= 3) {
      const before = lines.slice(Math.max(from - 1, i - 400), i).join('\n');
      // A reply code or status, not failure words alone: a pasted "Undeliverable: …" line may
      // head the bounce's own From/To/Subject block (Outlook's copy of a message it shows).
      if (HAS_REPLY.test(before)) return i;
    }
    // The rest of this run is no better a start: each line is looked at once or twice.
    i = Math.max(i, j - 1);
  }
  return -1;
}

function recipientOf(line: string, patterns: readonly RegExp[]): string | null | undefined {
  for (const re of patterns) {
    const m = re.exec(line.length > 600 ? line.slice(0, 600) : line);
    if (m) return m[1] ? m[1].toLowerCase().replace(/[.>]+$/, '') : null;
  }
  return undefined;
}

/**
 * The recipient a logical line introduces in text of unknown format ("<a@b>: …",
 * "  a@b", "RCPT TO:<a@b>", "delivery to a@b failed"), ignoring envelope senders and
 * role addresses (postmaster@, delist@) the text only mentions.
 */
export function genericRecipient(line: string): string | undefined {
  const head = line.slice(0, 600);
  if (/^\s{0,4}(?:from|envelope-from|return-path|reply-to|sender|x-[a-z-]{1,40}|original-mail-from|mail from)\s{0,2}:/i.test(head)) return undefined;
  const logged = EXIM_LOG.exec(head);
  if (logged) return logged[1]!.toLowerCase();
  const lead = LEADING_ADDRESS.exec(head);
  if (lead && !ROLE.test(lead[1]!)) return lead[1]!.toLowerCase();
  const rcpt = /rcpt to:?\s{0,3}<([^<>\s]{1,254})>/i.exec(head);
  if (rcpt && rcpt[1]!.includes('@')) return rcpt[1]!.toLowerCase();
  if (!head.includes('@')) return undefined;
  const re = new RegExp(ADDRESS.source, 'g');
  let m: RegExpExecArray | null;
  for (let n = 0; n < 5 && (m = re.exec(head)); n++) {
    if (ROLE.test(m[1]!)) continue;
    const before = head.slice(Math.max(0, m.index - 60), m.index).toLowerCase();
    if (
      /(?:\bto|recipients?|rcpt|permanently|failed|address(?:es)?|\bfor|mailbox|user|delivery to|deliver(?: your message)? to|宛先|あて先|受信者)\W{0,16}$/.test(
        before,
      ) &&
      !/\bfrom\W{0,6}$/.test(before)
    ) {
      return m[1]!.toLowerCase();
    }
  }
  return undefined;
}

interface Block {
  recipient: string | null;
  lines: string[];
}

function split(logical: readonly string[], find: (line: string) => string | null | undefined): { blocks: Block[]; preamble: string[] } {
  const blocks: Block[] = [];
  const byRecipient = new Map<string, Block>();
  const preamble: string[] = [];
  let current: Block | null = null;
  for (const line of logical) {
    const r = line === '' ? undefined : find(line);
    if (r !== undefined && (current === null || r !== current.recipient)) {
      const known: Block | undefined = r === null ? undefined : byRecipient.get(r);
      if (known) current = known;
      else if (blocks.length < MAX_RECIPIENTS) {
        current = { recipient: r, lines: [] };
        blocks.push(current);
        if (r !== null) byRecipient.set(r, current);
      }
    }
    if (current) {
      if (current.lines.length < MAX_BLOCK_LINES) current.lines.push(line);
    } else if (preamble.length < MAX_BLOCK_LINES * 2) preamble.push(line);
  }
  return { blocks, preamble };
}

/**
 * The To: address of the returned message's headers, or the envelope recipient a writer
 * lists in place of them (Verizon's "Message details:" block, "  RCPT TO: a@b").
 */
function originalTo(original: string): string | null {
  const m = /^to:[ \t]{0,8}([^\r\n]{1,500})/im.exec(original) ?? /^[ \t]{0,4}rcpt to:[ \t]{0,8}([^\r\n]{1,500})/im.exec(original);
  if (!m) return null;
  const a = ADDRESS.exec(m[1]!);
  return a ? a[1]!.toLowerCase() : null;
}

/** A DSN recipient group that reports a success (RFC 3464 actions delivered, relayed, expanded; or a 2.x.x status). */
function succeeded(g: DsnFields): boolean {
  const action = (g.action ?? '').trim().toLowerCase();
  if (action) return action === 'delivered' || action === 'relayed' || action === 'expanded';
  return (g.status ?? '').trim().startsWith('2.');
}

/** Read the bounce with one format; null when the format finds no recipient in it. */
export function readWith(doc: BounceDocument, format: Format, lines: readonly string[] = physicalLines(doc.body)): Reading | null {
  const startAt = format.start?.length ? firstMatch(lines, 0, format.start) : -1;
  if (format.needsStart && startAt < 0) return null;
  // A divider line ("|------ Failed addresses follow: ------|") is no error text; keeping it
  // would join the indented recipient lines under it into one logical line.
  const start = startAt >= 0 && DIVIDER.test(lines[startAt]!) ? startAt + 1 : Math.max(0, startAt);
  const cut = cutIndex(lines, start, startAt >= 0, format);
  const ignore = format.ignore;
  // The error text of a real bounce is short; a session transcript runs to a few thousand
  // lines. Reading at most 6,000 keeps each format's attempt bounded on 1 MB of text.
  const regionLines = lines.slice(start, Math.min(cut, start + MAX_REGION_LINES));
  const regionText = (ignore ? regionLines.filter((l) => !ignore.some((re) => re.test(l))) : regionLines).join('\n');
  const original = doc.originalHeaders ?? (cut < lines.length ? lines.slice(cut + 1, cut + 300).join('\n') : '');
  const logical = logicalLines(regionText);
  const patterns = format.recipients;
  const own = patterns && patterns.length ? split(logical, (l) => recipientOf(l, patterns)) : null;
  // A writer's recipient lines missing (and no DSN fields): this is not that writer's bounce.
  if (own && own.blocks.length === 0 && doc.dsnRecipients.length === 0 && !format.recipientFromOriginal) return null;
  const found = own && own.blocks.length ? own : split(logical, genericRecipient);
  let { preamble } = found;
  let blocks: Block[] = found.blocks;
  // Notes writes the reason first, then the address: that reason is the first recipient's.
  if (format.errorFirst && own?.blocks.length && preamble.length) {
    blocks = [{ recipient: blocks[0]!.recipient, lines: [...preamble, ...blocks[0]!.lines] }, ...blocks.slice(1)];
    preamble = [];
  }

  // Domino lists every address, then one "because:" text: each bare address line gets it.
  if (format.sharedError && own && blocks.length > 1) {
    const shared = blocks.find((b) => b.lines.length > 1)?.lines.slice(1) ?? [];
    blocks = blocks.map((b) => (b.lines.length > 1 ? b : { recipient: b.recipient, lines: [...b.lines, ...shared] }));
  }

  // A recipient only mentioned (no error text of its own) next to ones with errors is no failure.
  if (!own?.blocks.length && blocks.length > 1) {
    const withError = blocks.filter((b) => HAS_REPLY.test(b.lines.join('\n')));
    if (withError.length > 0 && withError.length < blocks.length && !HAS_REPLY.test(preamble.join('\n'))) blocks = withError;
  }

  const out: RecipientBlock[] = [];
  if (doc.dsnRecipients.length > 0) {
    // A report that relayed or delivered some recipients and failed others: the failures only.
    const failed = doc.dsnRecipients.filter((g) => !succeeded(g));
    for (const dsn of (failed.length > 0 ? failed : doc.dsnRecipients).slice(0, MAX_RECIPIENTS)) {
      const rcpt = dsnAddress(dsn['final-recipient']) ?? dsnAddress(dsn['original-recipient']) ?? dsnAddress(dsn['x-actual-recipient']);
      const mine = blocks.filter((b) => b.recipient !== null && (b.recipient === rcpt || b.recipient === dsnAddress(dsn['original-recipient'])));
      const text =
        mine.length > 0
          ? mine.map((b) => b.lines.join('\n')).join('\n')
          : doc.dsnRecipients.length === 1 && blocks.length === 1
            ? blocks[0]!.lines.join('\n')
            : '';
      out.push({ recipient: rcpt, text, dsn });
    }
  } else {
    for (const b of blocks) {
      const text = b.lines.join('\n');
      // "pipe to |/prog … generated by a@b", "an undisclosed address (generated from a@b)"
      const alias = b.recipient === null ? /generated (?:from|by) <?([^\s<>()]{1,64}@[A-Za-z0-9.-]{1,253}[A-Za-z0-9])/i.exec(text)?.[1] : undefined;
      out.push({ recipient: b.recipient ?? alias?.toLowerCase() ?? null, text, dsn: null });
    }
    if (out.length === 0) {
      const failed = doc.headers.get('x-failed-recipients');
      const listed = failed
        ? failed
            .split(',')
            .map((s) => dsnAddress(s))
            .filter((s): s is string => !!s)
        : [];
      for (const r of listed.slice(0, MAX_RECIPIENTS)) out.push({ recipient: r, text: preamble.join('\n'), dsn: null });
    }
    if (out.length === 0 && format.recipientFromOriginal) {
      const to = originalTo(original);
      // The whole error text is that recipient's.
      if (to) out.push({ recipient: to, text: preamble.join('\n'), dsn: null });
    }
    // A writer that names no recipient at all (a pasted Google Groups notice) still failed one.
    if (out.length === 0 && format.defaultReason) out.push({ recipient: null, text: preamble.join('\n'), dsn: null });
  }
  if (out.length === 0) return null;
  const delayedMarkers = [...GENERIC_DELAYED, ...(format.delayed ?? [])];
  // The writer's delay markers are line patterns ("# THIS IS A WARNING ONLY", Postfix's row
  // of "#"): tried on each of the error text's first 300 lines.
  const head = regionLines.slice(0, 300);
  const delayed = delayedMarkers.some((re) => re.test(doc.subject)) || (format.delayed?.some((re) => head.some((l) => re.test(l))) ?? false);
  return { format, blocks: out, preamble: preamble.join('\n'), region: regionText, original, delayed };
}

/** Read a bounce with the first format that recognises it and finds its recipients. */
export function read(doc: BounceDocument): Reading {
  const lines = physicalLines(doc.body);
  for (const format of candidates(doc)) {
    // ARF reports and SES JSON notifications were answered by notices.ts already.
    if (format.id === 'arf') continue;
    const r = readWith(doc, format, lines);
    if (r) return r;
  }
  const generic = doc.dsnRecipients.length > 0 ? DSN_FORMAT : TEXT_FORMAT;
  return (
    readWith(doc, generic, lines) ?? {
      format: generic,
      blocks: [{ recipient: null, text: '', dsn: null }],
      preamble: '',
      region: lines.join('\n'),
      original: '',
      delayed: GENERIC_DELAYED.some((re) => re.test(doc.subject)),
    }
  );
}

/** The failed command in a block, with the writer's transcript conventions. */
export function blockCommand(format: Format, text: string): SmtpCommand | null {
  if (format.id === 'sendmail' || format.id === 'v5sendmail' || format.id === 'courier') {
    const m = />>> ?([A-Za-z]{4}(?: [A-Za-z]{2,4})?)/.exec(text);
    if (m) return findCommand(`>>> ${m[1]!.toUpperCase()}`);
  }
  return findCommand(text);
}
