import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeQueryFrame,
  messageId,
  readResponse,
  readResponseAt,
  TYPE_A,
  TYPE_AAAA,
  TYPE_PTR,
  TYPE_TXT,
  type QueryType,
} from '../../../src/core/dns/wire.js';

/** The query frame, which these tests need to exist. */
function frameOf(id: number, name: string, type: QueryType = TYPE_A): Buffer {
  const frame = encodeQueryFrame(id, name, type);
  if (!frame) throw new Error(`no frame for ${name}`);
  return frame;
}

/** A response encoded by dns-packet (an independent encoder) for the given question. */
function response(
  id: number,
  question: { name: string; type: 'A' | 'PTR' | 'TXT' | 'AAAA' },
  options: { rcode?: number; answers?: dnsPacket.Answer[]; tc?: boolean } = {},
): Buffer {
  const flags = 0x8000 | 0x0100 | 0x0080 | (options.tc ? 0x0200 : 0) | (options.rcode ?? 0);
  return dnsPacket.encode({ id, type: 'response', flags, questions: [{ ...question, class: 'IN' }], answers: options.answers ?? [] });
}

/** Name labels as wire bytes (length + text each), without the root. */
function labels(name: string): Buffer {
  return Buffer.concat(name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])));
}

/** A record header: owner bytes, type, class IN, TTL 60, data length. */
function rr(owner: Buffer, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([owner, fixed, data]);
}

/** A hand-built response: header, the query's own question bytes, then raw answer records. */
function handBuilt(frame: Buffer, answers: Buffer[], flags = 0x8180): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(frame.readUInt16BE(2), 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, frame.subarray(14), ...answers]);
}

const pointer = (offset: number): Buffer => Buffer.from([0xc0 | (offset >> 8), offset & 0xff]);

describe('encodeQueryFrame', () => {
  it('writes a standard query that dns-packet decodes to the same id, name, type and RD, after a correct length prefix', () => {
    for (const [type, typeName] of [
      [TYPE_A, 'A'],
      [TYPE_PTR, 'PTR'],
    ] as const) {
      const frame = frameOf(0xbeef, '2.0.0.127.zen.spamhaus.org', type);
      expect(frame.readUInt16BE(0)).toBe(frame.length - 2);
      const decoded = dnsPacket.decode(frame.subarray(2));
      expect(decoded.id).toBe(0xbeef);
      expect(decoded.type).toBe('query');
      expect(decoded.flag_rd).toBe(true);
      expect(decoded.flags! & 0x7800).toBe(0); // opcode QUERY
      expect(decoded.flag_qr).toBe(false);
      expect(decoded.questions).toEqual([{ name: '2.0.0.127.zen.spamhaus.org', type: typeName, class: 'IN' }]);
      expect(decoded.answers).toEqual([]);
      expect(decoded.authorities).toEqual([]);
      expect(decoded.additionals).toEqual([]);
      expect(messageId(frame.subarray(2))).toBe(0xbeef);
    }
  });

  it('gives the same frame for a name with and without its trailing dot', () => {
    expect(frameOf(7, 'example.org.')).toEqual(frameOf(7, 'example.org'));
    expect(frameOf(7, 'a.')).toEqual(frameOf(7, 'a'));
  });

  it('rejects names that cannot go on the wire as given', () => {
    const label63 = 'a'.repeat(63);
    expect(encodeQueryFrame(1, 'bücher.example', TYPE_A)).toBeNull();
    expect(encodeQueryFrame(1, 'a..b', TYPE_A)).toBeNull();
    expect(encodeQueryFrame(1, '.a', TYPE_A)).toBeNull();
    expect(encodeQueryFrame(1, 'a..', TYPE_A)).toBeNull();
    expect(encodeQueryFrame(1, '', TYPE_A)).toBeNull();
    expect(encodeQueryFrame(1, '.', TYPE_A)).toBeNull();
    expect(encodeQueryFrame(1, `${'a'.repeat(64)}.example`, TYPE_A)).toBeNull();
    expect(encodeQueryFrame(1, `example.${'a'.repeat(64)}`, TYPE_A)).toBeNull();
    // 4 × 63 + 3 dots = 255 characters: too long; 253 is the most a name can have.
    expect(encodeQueryFrame(1, [label63, label63, label63, label63].join('.'), TYPE_A)).toBeNull();
    const longest = [label63, label63, label63, 'a'.repeat(61)].join('.');
    expect(longest).toHaveLength(253);
    const frame = frameOf(1, longest);
    expect(dnsPacket.decode(frame.subarray(2)).questions?.[0]?.name).toBe(longest);
    expect(encodeQueryFrame(1, `${longest}a`, TYPE_A)).toBeNull();
    // A 63-character label is fine.
    expect(dnsPacket.decode(frameOf(1, `${label63}.example`).subarray(2)).questions?.[0]?.name).toBe(`${label63}.example`);
  });

  it('round-trips any name of ASCII labels through dns-packet', () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9_-]{1,63}$/);
    const name = fc
      .array(label, { minLength: 1, maxLength: 8 })
      .map((l) => l.join('.'))
      .filter((n) => n.length <= 253);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), name, fc.constantFrom(TYPE_A, TYPE_PTR), (id, n, type) => {
        const frame = frameOf(id, n, type);
        expect(frame.readUInt16BE(0)).toBe(frame.length - 2);
        const decoded = dnsPacket.decode(frame.subarray(2));
        expect(decoded.id).toBe(id);
        expect(decoded.questions?.[0]).toEqual({ name: n, type: type === TYPE_A ? 'A' : 'PTR', class: 'IN' });
      }),
      { numRuns: 300 },
    );
  });
});

describe('messageId', () => {
  it('reads the ID, or -1 for a message shorter than a header', () => {
    expect(messageId(Buffer.from([0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(0x1234);
    expect(messageId(Buffer.from([0x12, 0x34]))).toBe(-1);
  });
});

describe('readResponse', () => {
  const name = '5.113.0.203.zen.spamhaus.org';

  it('reads several A records', () => {
    const frame = frameOf(42, name);
    const answers: dnsPacket.Answer[] = ['127.0.0.2', '127.0.0.4', '127.0.0.10'].map((data) => ({ name, type: 'A', class: 'IN', ttl: 60, data }));
    expect(readResponse(response(42, { name, type: 'A' }, { answers }), frame)).toEqual({
      rcode: 0,
      truncated: false,
      records: ['127.0.0.2', '127.0.0.4', '127.0.0.10'],
    });
  });

  it('follows a CNAME chain to the A records and skips the CNAMEs', () => {
    const frame = frameOf(42, name);
    const answers: dnsPacket.Answer[] = [
      { name, type: 'CNAME', class: 'IN', ttl: 60, data: 'alias.example.net' },
      { name: 'alias.example.net', type: 'CNAME', class: 'IN', ttl: 60, data: 'final.example.net' },
      { name: 'final.example.net', type: 'A', class: 'IN', ttl: 60, data: '127.0.0.3' },
    ];
    expect(readResponse(response(42, { name, type: 'A' }, { answers }), frame)?.records).toEqual(['127.0.0.3']);
  });

  it('skips records of another class or type in the answer section', () => {
    const frame = frameOf(42, name);
    const answers: dnsPacket.Answer[] = [
      { name, type: 'TXT', class: 'IN', ttl: 60, data: 'listed' },
      { name, type: 'A', class: 'CH', ttl: 60, data: '10.0.0.1' },
      { name, type: 'A', class: 'IN', ttl: 60, data: '127.0.0.2' },
    ];
    expect(readResponse(response(42, { name, type: 'A' }, { answers }), frame)?.records).toEqual(['127.0.0.2']);
  });

  it('reports NXDOMAIN, SERVFAIL, REFUSED and NOERROR without records as rcodes with no records', () => {
    const frame = frameOf(42, name);
    for (const rcode of [3, 2, 5, 0]) {
      expect(readResponse(response(42, { name, type: 'A' }, { rcode }), frame)).toEqual({ rcode, truncated: false, records: [] });
    }
  });

  it('reads TXT records, joining the character-strings of each record', () => {
    const frame = frameOf(42, name, TYPE_TXT);
    const answers: dnsPacket.Answer[] = [
      { name, type: 'TXT', class: 'IN', ttl: 60, data: ['Listed by ', 'Example: see https://example.net/?ip=203.0.113.5'] },
      { name, type: 'TXT', class: 'IN', ttl: 60, data: 'second record' },
    ];
    expect(readResponse(response(42, { name, type: 'TXT' }, { answers }), frame)?.records).toEqual([
      'Listed by Example: see https://example.net/?ip=203.0.113.5',
      'second record',
    ]);
  });

  it('refuses a TXT record whose character-string runs past its data', () => {
    const frame = frameOf(42, name, TYPE_TXT);
    const bad = rr(pointer(12), TYPE_TXT, Buffer.from([10, 0x61, 0x62]));
    expect(readResponse(handBuilt(frame, [bad]), frame)).toBeNull();
  });

  it('writes AAAA addresses as RFC 5952 text, as c-ares does', () => {
    const cases: [string, string][] = [
      ['2001:db8::25', '2001:db8::25'],
      ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
      ['::', '::'],
      ['::1', '::1'],
      ['fe80::', 'fe80::'],
      ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
      ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ];
    for (const [data, text] of cases) {
      const frame = frameOf(7, 'mail.example', TYPE_AAAA);
      const answers: dnsPacket.Answer[] = [{ name: 'mail.example', type: 'AAAA', class: 'IN', ttl: 60, data }];
      expect(readResponse(response(7, { name: 'mail.example', type: 'AAAA' }, { answers }), frame)?.records).toEqual([text]);
    }
  });

  it('reports the truncation bit', () => {
    const frame = frameOf(42, name);
    expect(readResponse(response(42, { name, type: 'A' }, { tc: true }), frame)?.truncated).toBe(true);
  });

  it('reads PTR names written with compression pointers, lower-cased', () => {
    const arpa = '5.113.0.203.in-addr.arpa';
    const frame = frameOf(9, arpa, TYPE_PTR);
    // The question name starts at 12; "in-addr.arpa" at 12 + 2 + 4 + 2 + 4 = 24.
    const inAddr = 12 + labels('5.113.0.203').length;
    expect(frame.subarray(14 + inAddr - 12, 14 + inAddr - 12 + 8).toString('latin1')).toBe('\x07in-addr');
    const first = rr(pointer(12), TYPE_PTR, Buffer.concat([labels('Mail.Example'), Buffer.from([3]), Buffer.from('COM'), Buffer.from([0])]));
    // The second target: "backup" then a pointer into the first record's data ("example.com").
    const firstDataAt = 12 + (frame.length - 14) + 2 + 10;
    const exampleAt = firstDataAt + 5; // after "\x04Mail"
    const second = rr(pointer(12), TYPE_PTR, Buffer.concat([labels('backup'), pointer(exampleAt)]));
    // And one that is only a pointer to the suffix in the question.
    const third = rr(pointer(12), TYPE_PTR, Buffer.concat([labels('x'), pointer(inAddr)]));
    const message = handBuilt(frame, [first, second, third]);
    // dns-packet, decoding independently, agrees on what the message says.
    expect(dnsPacket.decode(message).answers?.map((a) => (a as { data: unknown }).data)).toEqual([
      'Mail.Example.COM',
      'backup.Example.COM',
      'x.in-addr.arpa',
    ]);
    expect(readResponse(message, frame)).toEqual({
      rcode: 0,
      truncated: false,
      records: ['mail.example.com', 'backup.example.com', 'x.in-addr.arpa'],
    });
  });

  it('reads PTR answers encoded by dns-packet', () => {
    const arpa = '1.0.0.127.in-addr.arpa';
    const frame = frameOf(1000, arpa, TYPE_PTR);
    const answers: dnsPacket.Answer[] = [{ name: arpa, type: 'PTR', class: 'IN', ttl: 60, data: 'localhost' }];
    expect(readResponse(response(1000, { name: arpa, type: 'PTR' }, { answers }), frame)?.records).toEqual(['localhost']);
  });

  it('returns null for an answer to another question: other name, other type, other class, or more questions', () => {
    const frame = frameOf(42, name);
    const a: dnsPacket.Answer[] = [{ name, type: 'A', class: 'IN', ttl: 60, data: '127.0.0.2' }];
    expect(readResponse(response(42, { name: '6.113.0.203.zen.spamhaus.org', type: 'A' }, { answers: a }), frame)).toBeNull();
    expect(readResponse(response(42, { name: `${name}.evil`, type: 'A' }, { answers: a }), frame)).toBeNull();
    // Same length, one letter different (and one differing in a letter other than by case).
    expect(readResponse(response(42, { name: '5.113.0.203.zen.spamhaus.orh', type: 'A' }, { answers: a }), frame)).toBeNull();
    expect(readResponse(response(42, { name: '5.113.0.203.zen.spamhaus.oRh', type: 'A' }, { answers: a }), frame)).toBeNull();
    expect(readResponse(response(42, { name: name.slice(2), type: 'A' }, { answers: a }), frame)).toBeNull();
    expect(readResponse(response(42, { name, type: 'PTR' }, { answers: a }), frame)).toBeNull();
    const otherClass = dnsPacket.encode({ id: 42, type: 'response', flags: 0x8180, questions: [{ name, type: 'A', class: 'CH' }], answers: a });
    expect(readResponse(otherClass, frame)).toBeNull();
    const two = dnsPacket.encode({
      id: 42,
      type: 'response',
      flags: 0x8180,
      questions: [
        { name, type: 'A', class: 'IN' },
        { name, type: 'A', class: 'IN' },
      ],
      answers: a,
    });
    expect(readResponse(two, frame)).toBeNull();
    const none = dnsPacket.encode({ id: 42, type: 'response', flags: 0x8180, questions: [], answers: a });
    expect(readResponse(none, frame)).toBeNull();
  });

  it('accepts a question echoed in other letter case (DNS 0x20), but not other bytes that differ by 0x20', () => {
    const frame = frameOf(42, 'abc.example.org');
    const a: dnsPacket.Answer[] = [{ name: 'AbC.eXample.ORG', type: 'A', class: 'IN', ttl: 60, data: '127.0.0.2' }];
    expect(readResponse(response(42, { name: 'AbC.eXample.ORG', type: 'A' }, { answers: a }), frame)?.records).toEqual(['127.0.0.2']);
    // '-' (0x2d) and '\r' (0x0d) differ by 0x20 but are not the same letter.
    const dashed = frameOf(42, 'a-b.example.org');
    const cr = handBuilt(dashed, []);
    cr[12 + 2] = 0x0d;
    expect(readResponse(cr, dashed)).toBeNull();
    // A length byte (3) and '#' (0x23) differ by 0x20 too.
    const lengthChanged = handBuilt(dashed, []);
    lengthChanged[12] = 0x23;
    expect(readResponse(lengthChanged, dashed)).toBeNull();
    // The type: A (1) and 0x21.
    const typeChanged = handBuilt(dashed, []);
    typeChanged[typeChanged.length - 3] = 0x21;
    expect(readResponse(typeChanged, dashed)).toBeNull();
  });

  it('returns null for a query (QR unset) or another opcode', () => {
    const frame = frameOf(42, name);
    expect(readResponse(frame.subarray(2), frame)).toBeNull();
    const notify = handBuilt(frame, [], 0x8000 | (4 << 11));
    expect(readResponse(notify, frame)).toBeNull();
    expect(readResponse(handBuilt(frame, [], 0x8000), frame)).toEqual({ rcode: 0, truncated: false, records: [] });
  });

  it('returns null for an A record whose data is not four bytes', () => {
    const frame = frameOf(42, name);
    expect(readResponse(handBuilt(frame, [rr(pointer(12), TYPE_A, Buffer.from([127, 0, 0]))]), frame)).toBeNull();
    expect(readResponse(handBuilt(frame, [rr(pointer(12), TYPE_A, Buffer.from([127, 0, 0, 2, 9]))]), frame)).toBeNull();
  });

  it('returns null, never throws, for a response cut at any length', () => {
    const arpa = '5.113.0.203.in-addr.arpa';
    const cases: [Buffer, Buffer][] = [];
    const aFrame = frameOf(42, name);
    cases.push([
      aFrame,
      response(42, { name, type: 'A' }, { answers: ['127.0.0.2', '127.0.0.3'].map((data) => ({ name, type: 'A', class: 'IN', ttl: 60, data })) }),
    ]);
    const ptrFrame = frameOf(43, arpa, TYPE_PTR);
    cases.push([
      ptrFrame,
      response(43, { name: arpa, type: 'PTR' }, { answers: [{ name: arpa, type: 'PTR', class: 'IN', ttl: 60, data: 'mail.example.com' }] }),
    ]);
    cases.push([ptrFrame, handBuilt(ptrFrame, [rr(pointer(12), TYPE_PTR, Buffer.concat([labels('x'), pointer(12)]))])]);
    for (const [frame, full] of cases) {
      expect(readResponse(full, frame)?.records.length).toBeGreaterThan(0);
      for (let length = 0; length < full.length; length++) {
        const cut = full.subarray(0, length);
        let result: ReturnType<typeof readResponse> = null;
        expect(() => (result = readResponse(cut, frame))).not.toThrow();
        expect(result).toBeNull();
      }
    }
  });

  it('returns null for compression pointers that loop or point forwards', () => {
    const arpa = '5.113.0.203.in-addr.arpa';
    const frame = frameOf(9, arpa, TYPE_PTR);
    const dataAt = 12 + (frame.length - 14) + 2 + 10;
    // A pointer to itself.
    expect(readResponse(handBuilt(frame, [rr(pointer(12), TYPE_PTR, pointer(dataAt))]), frame)).toBeNull();
    // A pointer forwards, to a proper name after it.
    const forward = rr(pointer(12), TYPE_PTR, Buffer.concat([pointer(dataAt + 2), labels('host'), Buffer.from([0])]));
    expect(readResponse(handBuilt(frame, [forward]), frame)).toBeNull();
    // Two labels whose pointers send the reader round in a circle: "a" then a pointer back
    // to the "a" label's length byte.
    const circle = rr(pointer(12), TYPE_PTR, Buffer.concat([labels('a'), pointer(dataAt)]));
    expect(readResponse(handBuilt(frame, [circle]), frame)).toBeNull();
    // A pointer into the middle of a label that reads forwards into a pointer back to it.
    const middle = Buffer.concat([Buffer.from([5]), Buffer.from([1, 0x41]), Buffer.from('bcd'), pointer(dataAt + 1)]);
    expect(readResponse(handBuilt(frame, [rr(pointer(12), TYPE_PTR, Buffer.concat([pointer(dataAt + 1)]))]), frame)).toBeNull();
    expect(() => readResponse(handBuilt(frame, [rr(pointer(12), TYPE_PTR, middle)]), frame)).not.toThrow();
    // A pointer past the end of the message.
    expect(readResponse(handBuilt(frame, [rr(pointer(12), TYPE_PTR, pointer(0x3fff))]), frame)).toBeNull();
    // The reserved label types 0x40 and 0x80.
    expect(readResponse(handBuilt(frame, [rr(pointer(12), TYPE_PTR, Buffer.from([0x41, 0]))]), frame)).toBeNull();
    expect(readResponse(handBuilt(frame, [rr(pointer(12), TYPE_PTR, Buffer.from([0x81, 0]))]), frame)).toBeNull();
  });

  it('reads a message where it lies inside a larger read, pointers counted from its own start', () => {
    const arpa = '5.113.0.203.in-addr.arpa';
    const frame = frameOf(9, arpa, TYPE_PTR);
    const inAddr = 12 + labels('5.113.0.203').length;
    const answer = rr(pointer(12), TYPE_PTR, Buffer.concat([labels('mx'), pointer(inAddr)]));
    const message = handBuilt(frame, [answer]);
    // Junk on both sides, as in a TCP read holding several framed answers.
    const before = Buffer.from('\x00\x05junk!\x00\x30');
    const after = Buffer.from([0, 12, 1, 2, 3]);
    const data = Buffer.concat([before, message, after]);
    const at = before.length;
    expect(messageId(data, at, at + message.length)).toBe(9);
    expect(readResponseAt(data, at, at + message.length, frame, 0, frame.length)).toEqual({
      rcode: 0,
      truncated: false,
      records: ['mx.in-addr.arpa'],
    });
    // The message's end is where it ends, not where the read does: cut one byte short, it is malformed.
    expect(readResponseAt(data, at, at + message.length - 1, frame, 0, frame.length)).toBeNull();
    expect(messageId(data, at, at + 11)).toBe(-1);
    // A pointer that would be valid counted from the read's start (not the message's) is not followed.
    const shifted = handBuilt(frame, [rr(pointer(12), TYPE_PTR, Buffer.concat([labels('mx'), pointer(inAddr + at)]))]);
    const data2 = Buffer.concat([before, shifted, after]);
    expect(readResponseAt(data2, at, at + shifted.length, frame, 0, frame.length)?.records).not.toEqual(['mx.in-addr.arpa']);
  });

  it('returns null for a PTR name that runs past its record data', () => {
    const arpa = '5.113.0.203.in-addr.arpa';
    const frame = frameOf(9, arpa, TYPE_PTR);
    const target = Buffer.concat([labels('mail.example.com'), Buffer.from([0])]);
    const record = rr(pointer(12), TYPE_PTR, target);
    record.writeUInt16BE(target.length - 3, 2 + 8); // data length shorter than the name
    const message = Buffer.concat([handBuilt(frame, [record])]);
    expect(readResponse(message, frame)).toBeNull();
  });

  it('never throws on random bytes, random bytes after a valid header and question, or mutated answers', () => {
    const frame = frameOf(0x1234, name);
    const prefix = handBuilt(frame, []);
    const good = response(
      0x1234,
      { name, type: 'A' },
      { answers: ['127.0.0.2', '127.0.0.9'].map((data) => ({ name, type: 'A', class: 'IN', ttl: 60, data })) },
    );
    const ptrFrame = frameOf(0x1234, '1.0.0.127.in-addr.arpa', TYPE_PTR);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 5 }), (bytes, answerCount) => {
        const random = Buffer.from(bytes);
        readResponse(random, frame);
        readResponse(random, ptrFrame);
        const tail = Buffer.concat([prefix, random]);
        tail.writeUInt16BE(answerCount, 6);
        const result = readResponse(tail, frame);
        if (result) for (const r of result.records) expect(r).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
        const ptrTail = Buffer.concat([handBuilt(ptrFrame, []), random]);
        ptrTail.writeUInt16BE(answerCount, 6);
        readResponse(ptrTail, ptrFrame);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (edits) => {
        const mutated = Buffer.from(good);
        for (const [at, value] of edits) mutated[at] = value;
        readResponse(mutated, frame);
      }),
      { numRuns: 2000 },
    );
  });
});
