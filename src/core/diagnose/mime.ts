/**
 * Reads the parts of a MIME message that a diagnosis needs: the top-level headers, the
 * human-readable text parts, message/delivery-status and message/feedback-report. Every
 * other part (the returned original message, text/rfc822-headers, attachments) is
 * stepped over without being decoded, so a large attachment costs one boundary scan.
 *
 * Why not hand the whole message to postal-mime: it decodes every part through a Blob
 * (about 10 µs per body line on Node 20) and awaits every line, which made .eml
 * diagnosis the slowest input by far and forced a cap on how much of a message it saw.
 * Here postal-mime still does the decoding that needs a MIME library (format=flowed,
 * base64 padded mid-body, charsets only it knows, RFC 2047 words, address lists), but
 * only for the parts we read. Parts sent as 7bit/8bit/binary need no transfer decoding
 * and go straight through TextDecoder; plain base64 goes through Node's own base64
 * decoder first, quoted-printable through libqp (postal-mime's was a fifth of the time
 * of an .eml diagnosis). What is read here is the structure: header blocks,
 * Content-Type parameters and boundary lines.
 */
import { decode as decodeQuotedPrintable } from 'libqp';
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import { BOUNCE_SENDER, BOUNCE_SUBJECT } from './bounce-words.js';

/** Nested multiparts deeper than this are skipped (each level looks at its range's "--" lines). */
const MAX_DEPTH = 12;
/** A message/rfc822 part inside a message/rfc822 part inside the bounce is still read. */
const MAX_MESSAGE_DEPTH = 2;
/** Real bounces have a handful of parts; beyond this many the rest are not looked at. */
const MAX_PARTS = 1000;
/** Text parts decoded into the body; the rest are skipped. */
const MAX_TEXT_PARTS = 50;
/** Longest header value parsed for parameters (a longer Content-Type is junk). */
const MAX_PARAM_HEADER = 4000;
/** Most body lines of a non-quoted-printable part that postal-mime is given (see text()). */
const MAX_POSTAL_LINES = 2000;
/** Delivery-status and feedback-report parts are read up to this many bytes. */
const MAX_REPORT_BYTES = 262_144;

export interface MimeText {
  /** Decoded text/plain content, or text/html still to be turned into text. */
  readonly kind: 'plain' | 'html';
  readonly text: string;
}

export interface MimeMessage {
  /** Top-level headers: lower-case name → unfolded raw value of the first occurrence. */
  readonly headers: ReadonlyMap<string, string>;
  /** Subject with RFC 2047 encoded words decoded. */
  readonly subject: string;
  /** `Name <address>` of the first From mailbox, else the raw From header. */
  readonly from: string;
  /** Inline text parts in document order (one representation per multipart/alternative). */
  readonly texts: readonly MimeText[];
  /** Decoded message/delivery-status (and global-delivery-status) parts. */
  readonly deliveryStatus: readonly string[];
  /** Decoded message/feedback-report part, if any. */
  readonly feedbackReport: string | null;
  /** Header block of the returned message (message/rfc822, text/rfc822-headers), if any. */
  readonly originalHeaders: string | null;
}

interface Part {
  /** Byte offsets into the message: headers start, body start, end (exclusive). */
  readonly start: number;
  readonly bodyStart: number;
  readonly end: number;
  readonly headers: Map<string, string>;
  /** Lower-case media type ("text/plain"). */
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
  readonly disposition: string;
  /** Lower-case transfer encoding token ("base64", "quoted-printable", "7bit", ""). */
  readonly encoding: string;
  readonly children: Part[];
  /** Nesting level in the whole message, inner messages included. */
  readonly depth: number;
}

const headerDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Parse a message given as bytes (or a string, which is sent as UTF-8). */
export async function readMimeMessage(raw: string | Uint8Array): Promise<MimeMessage> {
  let buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // A UTF-8 byte order mark would otherwise glue itself to the first header name.
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  const src: Source = { buf, dashLines: dashLines(buf), parts: 0 };
  const root = readPart(src, 0, buf.length, 0, 'text/plain');
  let collector = new Collector(src, true);
  await collector.collect(root, 0);
  if (collector.texts.every((t) => t.text.trim() === '') && collector.skippedHtml) {
    // The plain-text alternative was empty: read the HTML ones after all.
    collector = new Collector(src, false);
    await collector.collect(root, 0);
  }
  const headers = root.headers;
  const subjectRaw = headers.get('subject');
  return {
    headers,
    subject: subjectRaw ? decodeWords(subjectRaw) : '',
    // Parsed on first use: the diagnosis itself never reads it.
    get from() {
      const fromRaw = headers.get('from') ?? '';
      const mailbox = fromRaw ? addressParser(fromRaw)[0] : undefined;
      return mailbox && 'address' in mailbox && mailbox.address ? `${mailbox.name} <${mailbox.address}>` : fromRaw;
    },
    texts: collector.texts,
    deliveryStatus: collector.deliveryStatus,
    feedbackReport: collector.feedbackReport,
    originalHeaders: collector.originalHeaders,
  };
}

/** The message bytes, where its "--" lines start, and how many parts were read so far. */
interface Source {
  readonly buf: Buffer;
  readonly dashLines: Int32Array;
  parts: number;
}

/**
 * Offsets of every line that starts with "--" (the only lines that can be MIME
 * delimiters), found in one pass so that each multipart level looks at those lines only
 * instead of searching the whole range again for its boundary.
 */
function dashLines(buf: Buffer): Int32Array {
  // indexOf costs a native call per match: past a few hundred "--" lines (an adversarial
  // message is nothing else) a byte loop is faster.
  const out: number[] = [];
  if (buf[0] === 45 && buf[1] === 45) out.push(0);
  let i = buf.indexOf('\n--', 0, 'latin1');
  for (; i >= 0 && out.length < 256; i = buf.indexOf('\n--', i + 3, 'latin1')) out.push(i + 1);
  if (i >= 0) {
    const last = buf.length - 2;
    for (; i < last; i++) if (buf[i] === 10 && buf[i + 1] === 45 && buf[i + 2] === 45) out.push(i + 1);
  }
  return Int32Array.from(out);
}

/** Read one entity's header block and, for a multipart, split its body into child parts. */
function readPart(src: Source, start: number, end: number, depth: number, defaultType: string): Part {
  const { buf } = src;
  src.parts++;
  // The header block ends at the first empty line; a part without one is all headers.
  let bodyStart = end;
  if (buf[start] === 10) bodyStart = start + 1;
  else if (buf[start] === 13 && buf[start + 1] === 10) bodyStart = start + 2;
  else {
    // A byte loop that stops at the blank line (two native searches would each run to
    // the end of a large part when its line ends are the other kind).
    for (let i = start; i < end; i++) {
      if (buf[i] !== 10) continue;
      if (buf[i + 1] === 10) {
        bodyStart = i + 2;
        break;
      }
      if (buf[i + 1] === 13 && buf[i + 2] === 10) {
        bodyStart = i + 3;
        break;
      }
    }
  }
  bodyStart = Math.min(bodyStart, end);
  const headers = parseHeaders(headerDecoder.decode(buf.subarray(start, bodyStart)));
  const { type, params } = contentType(headers.get('content-type'), defaultType);
  const disposition = /^\s{0,20}([a-z-]{1,40})/i.exec(headers.get('content-disposition') ?? '')?.[1]?.toLowerCase() ?? '';
  const cte = (headers.get('content-transfer-encoding') ?? '').slice(0, MAX_PARAM_HEADER).replace(/\([^()]{0,200}\)/g, '');
  const encoding = /[a-z0-9-]{1,40}/i.exec(cte)?.[0]?.toLowerCase() ?? '';
  const part: Part = { start, bodyStart, end, headers, type, params, disposition, encoding, children: [], depth };
  const boundary = params.get('boundary');
  if (type.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    for (const [s, e] of splitMultipart(src, bodyStart, end, boundary)) {
      if (src.parts >= MAX_PARTS) break;
      part.children.push(readPart(src, s, e, depth + 1, childDefault));
    }
  }
  return part;
}

/**
 * Header lines → map of the first occurrence of each name. Folded lines are joined
 * keeping their white space, as postal-mime does.
 */
function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let key: string | null = null;
  let value = '';
  // A trailing empty line ends the last field (the block ends with the blank line).
  for (let line of `${block}\n`.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if ((line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) && key !== null) {
      value += line;
      continue;
    }
    // Every Received header is kept (one per line): bounce writers are recognised by them.
    if (key === 'received' && headers.has(key)) headers.set(key, `${headers.get(key)}\n${trimBlanks(value)}`);
    else if (key !== null && !headers.has(key)) headers.set(key, trimBlanks(value));
    key = null;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    key = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
  }
  return headers;
}

/** Trim spaces and tabs by index (a regex for the trailing run can go quadratic). */
function trimBlanks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return s.slice(a, b);
}

const MEDIA_TYPE = /^[ \t]*([a-z0-9!#$&^_.+-]{1,80}\/[a-z0-9!#$&^_.+-]{1,80})/i;
const NO_PARAMS: ReadonlyMap<string, string> = new Map();

/**
 * Media type and parameters of a Content-Type value. Parameters (boundary, charset,
 * format) matter only for multipart and text parts; the others keep just their type.
 */
function contentType(value: string | undefined, fallback: string): { type: string; params: ReadonlyMap<string, string> } {
  if (value === undefined) return { type: fallback, params: NO_PARAMS };
  const m = MEDIA_TYPE.exec(value);
  if (!m) return { type: fallback, params: NO_PARAMS };
  const type = m[1]!.toLowerCase();
  if (!type.startsWith('multipart/') && !type.startsWith('text/')) return { type, params: NO_PARAMS };
  return { type, params: parameters(value.slice(m[0].length, MAX_PARAM_HEADER)) };
}

/** Index after blanks and (possibly nested) comments in parentheses from `i`. */
function skipBlanks(text: string, i: number): number {
  const n = text.length;
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] !== '(') return i;
    let depth = 0;
    for (; i < n; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) {
        i++;
        break;
      }
    }
  }
}

/**
 * `; name=value; name="quoted \"value\""` → lower-case name → value (RFC 2045 5.1). The
 * first occurrence of a name wins; white space around "=" and comments in parentheses
 * outside quotes are tolerated, as mail clients do. (Node's util.MIMEType follows the
 * stricter web rules and costs about 10 µs a call.) One pass over the characters.
 */
function parameters(text: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    const semi = text.indexOf(';', i);
    if (semi < 0) break;
    i = skipBlanks(text, semi + 1);
    const nameStart = i;
    while (i < n && text[i] !== '=' && text[i] !== ';') i++;
    const name = text.slice(nameStart, i).trim().toLowerCase();
    if (text[i] !== '=') continue;
    i = skipBlanks(text, i + 1);
    let value: string;
    if (text[i] === '"') {
      i++;
      const parts: string[] = [];
      let from = i;
      for (; i < n && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          parts.push(text.slice(from, i));
          from = ++i;
        }
      }
      parts.push(text.slice(from, i));
      value = parts.join('');
      if (i < n) i++;
    } else {
      const start = i;
      while (i < n && text[i] !== ';' && text[i] !== ' ' && text[i] !== '\t' && text[i] !== '(') i++;
      value = text.slice(start, i);
    }
    if (name && !params.has(name)) params.set(name, value);
  }
  return params;
}

/**
 * Byte ranges of the body parts of a multipart entity (RFC 2046 5.1.1): a delimiter is a
 * line "--boundary" with optional "--" (the close delimiter) and trailing white space.
 * The line break before a delimiter belongs to it, the preamble and epilogue are dropped.
 * Only the "--" lines inside the range are compared, so this is linear in their number.
 */
function splitMultipart(src: Source, start: number, end: number, boundary: string): [number, number][] {
  const { buf, dashLines: dashes } = src;
  const value = Buffer.from(boundary, 'utf8');
  const parts: [number, number][] = [];
  let partStart = -1;
  // First "--" line at or after start (binary search).
  let lo = 0;
  let hi = dashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dashes[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < dashes.length; k++) {
    const at = dashes[k]!;
    const after = at + 2 + value.length;
    if (after > end) break;
    let j = 0;
    while (j < value.length && buf[at + 2 + j] === value[j]) j++;
    if (j < value.length) continue;
    let i = after;
    let close = false;
    if (i + 1 < end && buf[i] === 45 && buf[i + 1] === 45) {
      close = true;
      i += 2;
    }
    while (i < end && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) i++;
    if (i < end && buf[i] !== 10) continue;
    if (partStart >= 0) {
      let partEnd = at > start ? at - 1 : at;
      if (partEnd > partStart && buf[partEnd - 1] === 13) partEnd--;
      parts.push([partStart, Math.max(partStart, partEnd)]);
    }
    if (close) return parts;
    partStart = Math.min(i + 1, end);
  }
  if (partStart >= 0) parts.push([partStart, end]);
  return parts;
}

const textDecoders = new Map<string, TextDecoder | null>();

/** A TextDecoder for a charset label, or null when the runtime does not know the label. */
function decoderFor(charset: string | undefined): TextDecoder | null {
  const label = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
  let decoder = textDecoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    if (textDecoders.size < 200) textDecoders.set(label, decoder);
  }
  return decoder;
}

/** Walks the part tree and decodes only what the diagnosis reads. */
class Collector {
  readonly texts: MimeText[] = [];
  readonly deliveryStatus: string[] = [];
  feedbackReport: string | null = null;
  /** Header block of the returned message: its To: names the recipient when a bounce does not. */
  originalHeaders: string | null = null;
  /** A report's returned message is evidence, not text to read (postal-mime does the same). */
  private report = false;

  /** An HTML alternative was passed over for a plain-text one. */
  skippedHtml = false;

  constructor(
    private readonly src: Source,
    /** Read the plain-text representation of a multipart/alternative, not its HTML. */
    private readonly preferPlain: boolean,
  ) {}

  async collect(root: Part, messageDepth: number): Promise<void> {
    if (messageDepth === 0) this.report = hasReportPart(root);
    await this.visit(root, messageDepth, false);
  }

  /** `skipHtml`: inside a multipart/alternative that has a plain-text representation. */
  private async visit(part: Part, messageDepth: number, skipHtml: boolean): Promise<void> {
    if (part.children.length) {
      // One representation of an alternative: the plain text if there is one, else the HTML.
      if (part.type === 'multipart/alternative' && this.preferPlain) skipHtml ||= leaves(part).some(isInlinePlain);
      for (const child of part.children) await this.visit(child, messageDepth, skipHtml);
      return;
    }
    if (part.type.startsWith('multipart/')) return;
    switch (part.type) {
      case 'text/plain':
      case 'text/html':
        if (part.disposition === 'attachment' || this.texts.length >= MAX_TEXT_PARTS) return;
        if (part.type === 'text/html' && skipHtml) {
          this.skippedHtml = true;
          return;
        }
        this.texts.push({ kind: part.type === 'text/html' ? 'html' : 'plain', text: await this.text(part) });
        return;
      case 'message/delivery-status':
      case 'message/global-delivery-status':
        if (this.deliveryStatus.length < 10) this.deliveryStatus.push(await this.text(part, MAX_REPORT_BYTES));
        return;
      case 'message/feedback-report':
        this.feedbackReport ??= await this.text(part, MAX_REPORT_BYTES);
        return;
      // RFC 6533 (SMTPUTF8) reports return the original as message/global-headers or message/global.
      case 'text/rfc822-headers':
      case 'message/global-headers':
      case 'message/global':
        this.originalHeaders ??= this.headerBlock(part);
        return;
      case 'message/rfc822': {
        const readable =
          !this.report &&
          messageDepth < MAX_MESSAGE_DEPTH &&
          part.depth < MAX_DEPTH &&
          this.src.parts < MAX_PARTS &&
          part.encoding !== 'base64' &&
          part.encoding !== 'quoted-printable';
        const inner = readable ? readPart(this.src, part.bodyStart, part.end, part.depth + 1, 'text/plain') : null;
        // A bounce forwarded as an attachment ("Forward as attachment" in a mail client) is the
        // message to read, not a returned copy: read it whole, without a returned-message marker.
        const forwardedBounce = inner !== null && messageDepth === 0 && part.disposition === 'attachment' && looksLikeBounce(inner);
        if (!forwardedBounce) this.originalHeaders ??= this.headerBlock(part);
        if (inner === null || (part.disposition === 'attachment' && !forwardedBounce)) return;
        // The forwarded message's own returned copy is evidence, as in any report.
        if (hasReportPart(inner)) this.report = true;
        // A message forwarded inline is read like the bounce itself, after a marker that lets
        // cutOriginalMessage drop it when the error came first.
        if (!forwardedBounce) this.texts.push({ kind: 'plain', text: '----- Original message -----' });
        await this.visit(inner, messageDepth + 1, false);
        return;
      }
      default:
        return;
    }
  }

  /** The first lines of a part's body up to its blank line (a header block), at most 16 KB, unencoded. */
  private headerBlock(part: Part): string | null {
    if (part.encoding === 'base64' || part.encoding === 'quoted-printable') return null;
    const { buf } = this.src;
    const end = Math.min(part.end, part.bodyStart + 16384);
    const text = headerDecoder.decode(buf.subarray(part.bodyStart, end));
    const blank = text.search(/\r?\n\r?\n/);
    return blank >= 0 ? text.slice(0, blank) : text;
  }

  /** Decoded content of a leaf part as text. */
  private async text(part: Part, maxBytes = Infinity): Promise<string> {
    const { buf } = this.src;
    const flowed = /^flowed$/i.test(part.params.get('format') ?? '');
    const isText = part.type === 'text/plain' || part.type === 'text/html';
    const decoder = isText ? decoderFor(part.params.get('charset')) : decoderFor('utf-8');
    const qp = part.encoding === 'quoted-printable';
    const long = !qp && lineCountOver(buf, part.bodyStart, part.end, MAX_POSTAL_LINES);
    // A long format=flowed part keeps its soft line breaks rather than go through postal-mime.
    if (decoder && (!flowed || long)) {
      let bytes: Uint8Array | null = buf.subarray(part.bodyStart, part.end);
      if (part.encoding === 'base64') bytes = base64(bytes);
      // libqp (nodemailer's) decodes in one synchronous pass over the bytes.
      else if (qp) bytes = decodeQuotedPrintable(bytes);
      if (bytes) {
        // postal-mime hands out lines ending in LF; do the same for the parts read here.
        return decoder.decode(bytes.subarray(0, Math.min(bytes.length, maxBytes))).replace(/\r+\n/g, '\n');
      }
    }
    // Flowed, base64 padded inside, or a charset only postal-mime knows:
    // postal-mime decodes the part (its own headers and body form a single-part entity).
    // It copies every line (or base64 unit) of such parts through a Blob, about 10 µs
    // each, so only quoted-printable (which it buffers) goes in whole; the rare others are
    // cut at MAX_POSTAL_LINES lines.
    const end = long ? lineStartAfter(buf, part.bodyStart, part.end, MAX_POSTAL_LINES) : part.end;
    const email = await PostalMime.parse(buf.subarray(part.start, end), {
      attachmentEncoding: 'arraybuffer',
      maxNestingDepth: 1,
      maxRfc822NestingDepth: 0,
    });
    if (part.type === 'text/plain') return email.text ?? '';
    if (part.type === 'text/html') return email.html ?? '';
    const content = email.attachments[0]?.content;
    if (content === undefined) return email.text ?? '';
    if (typeof content === 'string') return content;
    const bytes = content instanceof Uint8Array ? content : new Uint8Array(content);
    return headerDecoder.decode(bytes.subarray(0, Math.min(bytes.length, maxBytes)));
  }
}

/** Does the range hold more than `max` lines? Stops counting at max. */
function lineCountOver(buf: Buffer, start: number, end: number, max: number): boolean {
  return lineStartAfter(buf, start, end, max) < end;
}

/** Offset just after the `n`th line break in the range (or its end). */
function lineStartAfter(buf: Buffer, start: number, end: number, n: number): number {
  let pos = start;
  for (let i = 0; i < n; i++) {
    const lf = buf.indexOf(10, pos);
    if (lf < 0 || lf >= end) return end;
    pos = lf + 1;
  }
  return pos;
}

/**
 * Base64 through Node's own decoder, which skips line breaks and stray characters but
 * stops at the first "=". Bodies padded in the middle (some mailers pad every line)
 * return null and go to postal-mime, which decodes them unit by unit.
 */
function base64(body: Uint8Array): Uint8Array | null {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const pad = text.indexOf('=');
  if (pad >= 0 && /[A-Za-z0-9+/]/.test(text.slice(pad))) return null;
  return Buffer.from(text, 'base64');
}

function leaves(part: Part, out: Part[] = []): Part[] {
  if (part.children.length === 0) out.push(part);
  for (const c of part.children) leaves(c, out);
  return out;
}

function isInlinePlain(p: Part): boolean {
  return p.type === 'text/plain' && p.disposition !== 'attachment';
}

/** An attached message that is itself a bounce (a report, or a mail system's failure notice). */
function looksLikeBounce(message: Part): boolean {
  if (hasReportPart(message)) return true;
  const from = message.headers.get('from') ?? '';
  const subject = decodeWords(message.headers.get('subject') ?? '');
  return BOUNCE_SENDER.test(from) || BOUNCE_SUBJECT.test(subject);
}

function hasReportPart(root: Part): boolean {
  return leaves(root).some(
    (p) => p.type === 'message/delivery-status' || p.type === 'message/global-delivery-status' || p.type === 'message/feedback-report',
  );
}
