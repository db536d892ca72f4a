/**
 * The DNS wire format (RFC 1035 §4) for the message pairs of a blocklist check: an A query
 * (one per list), a PTR query (one per address), a TXT query (the reason of a listing),
 * AAAA (a host name's addresses), and their answers. MX goes through c-ares.
 *
 * Why not dns-packet here: a bulk recheck makes tens of thousands of these lookups, and
 * its general encoder and decoder (objects for every section and record) cost about
 * 6 µs per lookup, a third of the whole lookup's budget. These two functions only read
 * and write what an A lookup needs, with every length checked.
 */

export const TYPE_A = 1;
const NON_ASCII = /[^\x00-\x7f]/;
export const TYPE_PTR = 12;
export const TYPE_TXT = 16;
export const TYPE_AAAA = 28;
export type QueryType = typeof TYPE_A | typeof TYPE_PTR | typeof TYPE_TXT | typeof TYPE_AAAA;

/** "A", "PTR", "TXT" or "AAAA", as lookup messages name the type. */
export function typeName(type: QueryType): string {
  switch (type) {
    case TYPE_A:
      return 'A';
    case TYPE_PTR:
      return 'PTR';
    case TYPE_TXT:
      return 'TXT';
    default:
      return 'AAAA';
  }
}
const CLASS_IN = 1;

/**
 * A standard query (RD set) for `name` of the given type, class IN, preceded by the two-byte
 * length that DNS over TCP puts before every message (RFC 1035 §4.2.2). Null when the name
 * cannot be put on the wire as given (non-ASCII, an empty or over-long label, over 253
 * characters): the caller then asks c-ares, which reports the problem properly.
 */
export function encodeQueryFrame(id: number, name: string, type: QueryType): Buffer | null {
  const frame = Buffer.allocUnsafe(queryFrameLength(name));
  const written = writeQueryFrame(frame, 0, id, name, type);
  return written < 0 ? null : frame.subarray(0, written);
}

/** The most bytes the frame of a query for `name` takes. */
export function queryFrameLength(name: string): number {
  // length prefix (2) + header (12) + labels (name + 1 length byte + the root) + type and class (4)
  return 2 + 12 + name.length + 2 + 4;
}

/**
 * encodeQueryFrame into `target` at `offset`, so that many queries share one buffer (and
 * one write). Returns the bytes written, or -1 when the name cannot be encoded; the
 * caller makes sure queryFrameLength(name) bytes fit.
 */
export function writeQueryFrame(target: Buffer, offset: number, id: number, name: string, type: QueryType): number {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed.length === 0 || trimmed.length > 253 || NON_ASCII.test(trimmed)) return -1;
  const messageLength = 12 + trimmed.length + 2 + 4;
  put16(target, offset, messageLength);
  put16(target, offset + 2, id);
  put16(target, offset + 4, 0x0100); // QR=0, opcode QUERY, RD=1
  put16(target, offset + 6, 1); // one question
  put16(target, offset + 8, 0); // no answer records
  put16(target, offset + 10, 0); // no authority records
  put16(target, offset + 12, 0); // no additional records
  // The name's characters go one place to the right of where they would be as text;
  // each dot's place then takes the length of the label that follows it.
  const nameStart = offset + 15;
  target.write(trimmed, nameStart, 'latin1');
  let lengthAt = offset + 14;
  let labelStart = 0;
  for (;;) {
    const dot = trimmed.indexOf('.', labelStart);
    const labelEnd = dot < 0 ? trimmed.length : dot;
    const labelLength = labelEnd - labelStart;
    if (labelLength === 0 || labelLength > 63) return -1;
    target[lengthAt] = labelLength;
    if (dot < 0) break;
    lengthAt = nameStart + dot;
    labelStart = dot + 1;
  }
  let end = nameStart + trimmed.length;
  target[end++] = 0; // the root label
  put16(target, end, type);
  put16(target, end + 2, CLASS_IN);
  return end + 4 - offset;
}

export interface HotResponse {
  /** RFC 1035 RCODE: 0 no error, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, … */
  readonly rcode: number;
  readonly truncated: boolean;
  /**
   * The answer section's records of the query's type: dotted addresses for A, RFC 5952
   * text for AAAA, names (lower-case, no trailing dot) for PTR, one string per record for
   * TXT (its character-strings joined). A CNAME chain's final records are included.
   */
  readonly records: readonly string[];
}

const NO_RECORDS: readonly string[] = Object.freeze([]);

/** Answers without records (nine in ten are NXDOMAIN), one shared object per rcode and TC bit. */
const WITHOUT_RECORDS: HotResponse[] = Array.from({ length: 32 }, (_, i) =>
  Object.freeze({ rcode: i >> 1, truncated: (i & 1) === 1, records: NO_RECORDS }),
);

function withoutRecords(rcode: number, truncated: boolean): HotResponse {
  return WITHOUT_RECORDS[(rcode << 1) | (truncated ? 1 : 0)]!;
}

/** The ID of the message at `at` (to find the query it answers); -1 when too short. */
export function messageId(data: Buffer, at = 0, end = data.length): number {
  return end - at >= 12 ? get16(data, at) : -1;
}

/**
 * Read the response to the query frame at `queryFrame[frameStart…frameEnd)` (as written
 * by writeQueryFrame). Null when it is malformed, not a response, or asks another question
 * than the query did: RFC 7766 §7 has clients match answers on the question, not only the
 * ID. Compared as bytes, ignoring ASCII case, so the hot path builds no strings.
 */
export function readResponse(message: Buffer, queryFrame: Buffer, frameStart = 0, frameEnd = queryFrame.length): HotResponse | null {
  return readResponseAt(message, 0, message.length, queryFrame, frameStart, frameEnd);
}

/**
 * readResponse for the message at `data[at…end)`, read where it lies: a TCP read holds
 * hundreds of answers, and a Buffer view for each costs more than reading it.
 * Compression pointers count from `at`, the message's first byte.
 */
export function readResponseAt(data: Buffer, at: number, end: number, queryFrame: Buffer, frameStart: number, frameEnd: number): HotResponse | null {
  if (end - at < 12) return null;
  const flags = get16(data, at + 2);
  if ((flags & 0x8000) === 0 || (flags & 0x7800) !== 0) return null; // not a response, or not QUERY
  if (get16(data, at + 4) !== 1) return null;
  // The question: the query's own bytes from the name to the class.
  const questionStart = frameStart + 14;
  const questionLength = frameEnd - questionStart;
  const questionEnd = at + 12 + questionLength;
  if (questionEnd > end) return null;
  if (!sameQuestion(data, at + 12, queryFrame, questionStart, questionLength)) return null;
  const rcode = flags & 0x000f;
  const truncated = (flags & 0x0200) !== 0;
  const answerCount = get16(data, at + 6);
  if (rcode !== 0 || answerCount === 0) return withoutRecords(rcode, truncated);
  const type = get16(queryFrame, frameEnd - 4);
  let offset = questionEnd;
  const records: string[] = [];
  for (let i = 0; i < answerCount; i++) {
    const owner = skipName(data, offset, end);
    if (owner < 0 || owner + 10 > end) return null;
    const recordType = get16(data, owner);
    const recordClass = get16(data, owner + 2);
    const dataLength = get16(data, owner + 8);
    const rdata = owner + 10;
    if (rdata + dataLength > end) return null;
    if (recordType === type && recordClass === CLASS_IN) {
      const record = readRecord(type, data, at, rdata, rdata + dataLength, end);
      if (record === null) return null;
      records.push(record);
    }
    offset = rdata + dataLength;
  }
  return { rcode, truncated, records };
}

/**
 * The text of one record of `type` whose data is `data[start…end)`, in the message at
 * `data[at…messageEnd)` (a name's compression pointers reach back into it); null when malformed.
 */
function readRecord(type: number, data: Buffer, at: number, start: number, end: number, messageEnd: number): string | null {
  switch (type) {
    case TYPE_A:
      return end - start === 4 ? `${data[start]}.${data[start + 1]}.${data[start + 2]}.${data[start + 3]}` : null;
    case TYPE_AAAA:
      return end - start === 16 ? ipv6Text(data, start) : null;
    case TYPE_TXT: {
      // One or more character-strings, each a length byte and that many bytes (RFC 1035 §3.3.14).
      const parts: string[] = [];
      let offset = start;
      while (offset < end) {
        const length = data[offset]!;
        if (offset + 1 + length > end) return null;
        parts.push(data.toString('utf8', offset + 1, offset + 1 + length));
        offset += 1 + length;
      }
      return parts.join('');
    }
    default: {
      const target = readName(data, at, start, messageEnd);
      return target && target.end <= end ? target.name : null;
    }
  }
}

/**
 * Sixteen address bytes as RFC 5952 text (lower-case, the longest run of two or more zero
 * groups as "::"), IPv4-mapped addresses as ::ffff:a.b.c.d — what inet_ntop and c-ares give.
 */
function ipv6Text(data: Buffer, start: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(get16(data, start + 2 * i));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${data[start + 12]}.${data[start + 13]}.${data[start + 14]}.${data[start + 15]}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** A (possibly compressed) name at `offset` of the message at `data[at…end)`: its text and where the field ends. */
function readName(data: Buffer, at: number, offset: number, end: number): { name: string; end: number } | null {
  let name = '';
  let fieldEnd = -1;
  // Every pointer must point backwards, so pointers cannot loop; the cap is a second guard.
  for (let hops = 0; hops < 128; hops++) {
    if (offset >= end) return null;
    const length = data[offset]!;
    if (length === 0) return { name: name.toLowerCase(), end: fieldEnd < 0 ? offset + 1 : fieldEnd };
    if ((length & 0xc0) === 0xc0) {
      if (offset + 1 >= end) return null;
      const target = at + (((length & 0x3f) << 8) | data[offset + 1]!);
      if (target >= offset) return null;
      if (fieldEnd < 0) fieldEnd = offset + 2;
      offset = target;
      continue;
    }
    if (length > 63 || offset + 1 + length > end) return null;
    name += (name ? '.' : '') + data.toString('latin1', offset + 1, offset + 1 + length);
    offset += 1 + length;
  }
  return null;
}

/**
 * The question bytes match, letters compared without case (RFC 4343), nothing else may
 * differ. A byte loop rather than Buffer#compare: the question is a few dozen bytes, and
 * compare's argument checks allocate on every call until the JIT has warmed up.
 */
function sameQuestion(data: Buffer, at: number, queryFrame: Buffer, questionStart: number, questionLength: number): boolean {
  for (let i = 0; i < questionLength; i++) {
    const a = data[at + i]!;
    const b = queryFrame[questionStart + i]!;
    if (a === b) continue;
    const folded = a | 0x20;
    if (folded !== (b | 0x20) || folded < 0x61 || folded > 0x7a) return false;
  }
  return true;
}

/** Where the name at `offset` ends (before `end`), without reading it; -1 when malformed. */
function skipName(data: Buffer, offset: number, end: number): number {
  for (;;) {
    if (offset >= end) return -1;
    const length = data[offset]!;
    if (length === 0) return offset + 1;
    if ((length & 0xc0) === 0xc0) return offset + 2 <= end ? offset + 2 : -1;
    if (length > 63) return -1;
    offset += 1 + length;
  }
}

/*
 * Two-byte big-endian fields by hand: Buffer's readUInt16BE/writeUInt16BE are JavaScript
 * functions with range checks on Node 20, a dozen calls per lookup on the hot path, and
 * every offset here is checked against the length already.
 */
function get16(buf: Uint8Array, offset: number): number {
  return (buf[offset]! << 8) | buf[offset + 1]!;
}

function put16(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 8;
  buf[offset + 1] = value & 0xff;
}
