/**
 * A real DNS server on 127.0.0.1 (UDP, and TCP on the same port numbers with pipelining
 * as RFC 7766 describes; real DNS packets via dns-packet) for tests and benchmarks. It
 * serves fixture records and has switches to misbehave like real lists and resolvers do:
 * latency, silence (timeouts), SERVFAIL, REFUSED, truncation over UDP, and shedding load
 * past a number of queries in flight (as Unbound drops them and dnsmasq refuses them).
 *
 * Records are keyed by lower-case owner name. Anything not defined answers NXDOMAIN,
 * which is how a DNSBL says "not listed" — except the RFC 5782 positive test points,
 * which every zone lists as real lists do (see `testPoints`).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export type RecordType = 'A' | 'AAAA' | 'TXT' | 'PTR' | 'MX' | 'CNAME';

export interface FixtureRecord {
  type: RecordType;
  /** A/AAAA/PTR/CNAME: a string; TXT: a string; MX: { preference, exchange } */
  data: string | { preference: number; exchange: string };
  ttl?: number;
}

/**
 * nxdomain: "no such name" even where a record (or an RFC 5782 test point) exists.
 * truncate: over UDP an empty answer with the TC bit (as for an answer too big for UDP); over TCP the records.
 */
export type Behaviour = 'answer' | 'silent' | 'servfail' | 'refused' | 'nxdomain' | 'truncate';

export interface Rule {
  /** Applies to query names equal to or ending in `.${suffix}`. */
  suffix: string;
  behaviour?: Behaviour;
  latencyMs?: number;
}

export class TestDnsServer {
  private readonly sockets: dgram.Socket[] = [];
  private readonly tcpServers: net.Server[] = [];
  private readonly tcpConnections = new Set<net.Socket>();
  /** Accept DNS over TCP as well (a resolver that only speaks UDP: set false before start). */
  tcp = true;
  private readonly records = new Map<string, FixtureRecord[]>();
  private rules: Rule[] = [];
  /** Latency applied to every answer unless a rule says otherwise. */
  latencyMs = 0;
  /** Every query name received, in order (lower-case). */
  readonly queries: string[] = [];
  /** The type of each of `queries` ('A', 'TXT', 'PTR', …), at the same index. */
  readonly queryTypes: string[] = [];
  /** Keep the query log bounded in long benchmarks. */
  recordQueries = true;
  /**
   * Like every list that follows RFC 5782, list the positive test points under any zone
   * (A 127.0.0.2 for 2.0.0.127.<zone>, the ::ffff:7f00:2 nibble name, test.<zone>,
   * dbltest.com.<zone> and _dnsbl_.test.<zone>) unless a record or rule says otherwise.
   * Turn off to play a resolver that answers NXDOMAIN for everything (filtering,
   * captive-portal, or unable to reach the lists).
   */
  testPoints = true;
  /**
   * Shed load over UDP: a query that arrives while this many are waiting for their answer
   * (their latency) is dropped (Unbound past its limit) or answered REFUSED (dnsmasq past its
   * 150 forwards), as `shedWith` says. Null: take everything. Needs a latency to bite.
   */
  shedBeyond: number | null = null;
  shedWith: 'drop' | 'refused' = 'drop';
  /** Queries shed so far, and UDP queries received (retries included). */
  shed = 0;
  udpQueries = 0;
  /** UDP queries waiting for their answer now. */
  private waitingUdp = 0;
  readonly ports: number[] = [];
  private closed = false;

  /** Start listening on `count` ports (several "resolvers" for load spreading). */
  static async start(count = 1, options: { tcp?: boolean } = {}): Promise<TestDnsServer> {
    const server = new TestDnsServer();
    server.tcp = options.tcp ?? true;
    for (let i = 0; i < count; i++) await server.listen();
    return server;
  }

  /** "127.0.0.1:PORT" of the first port, the form RBLBOT_RESOLVERS and --resolver take. */
  get address(): string {
    return `127.0.0.1:${this.ports[0]}`;
  }

  /** All ports, comma separated, for RBLBOT_RESOLVERS. */
  get addresses(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  /** A UDP port, and unless turned off a TCP listener on the same port number. */
  private async listen(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const socket = await this.bindUdp();
      const port = socket.address().port;
      if (!this.tcp) {
        this.keep(socket, port);
        return;
      }
      try {
        this.tcpServers.push(await this.listenTcp(port));
        this.keep(socket, port);
        return;
      } catch (err) {
        // The TCP port number was taken by someone else: try another pair.
        socket.close();
        if (attempt >= 20) throw err;
      }
    }
  }

  private keep(socket: dgram.Socket, port: number): void {
    this.sockets.push(socket);
    this.ports.push(port);
  }

  private bindUdp(): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
      socket.on('message', (msg, rinfo) => {
        this.udpQueries++;
        if (this.shedBeyond !== null && this.waitingUdp >= this.shedBeyond) {
          this.shed++;
          const end = this.shedWith === 'refused' ? questionEnd(msg) : -1;
          if (end > 0) {
            const refused = Buffer.allocUnsafe(end);
            writeRcode(msg, end, refused, 0, 5);
            socket.send(refused, rinfo.port, rinfo.address);
          }
          return;
        }
        const answer = this.answer(msg, false);
        if (!answer) return;
        const send = (): void => {
          // A delayed answer may fall due after close(): the socket is gone, nobody waits.
          if (this.closed) return;
          socket.send(answer.response, rinfo.port, rinfo.address);
        };
        if (answer.latencyMs > 0) {
          this.waitingUdp++;
          setTimeout(() => {
            this.waitingUdp--;
            send();
          }, answer.latencyMs);
        } else send();
      });
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve(socket));
    });
  }

  /**
   * DNS over TCP: two-byte length before each message, many queries pipelined on one
   * connection, answered as soon as each is ready (out of order, as RFC 7766 allows).
   * Answers that are ready together go out in one write.
   */
  private listenTcp(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((conn) => {
        this.tcpConnections.add(conn);
        conn.setNoDelay(true);
        conn.on('close', () => this.tcpConnections.delete(conn));
        conn.on('error', () => conn.destroy());
        let buffered: Buffer = Buffer.alloc(0);
        let batch: Buffer[] = [];
        const flush = (): void => {
          const out = batch;
          batch = [];
          if (!conn.destroyed) conn.write(out.length === 1 ? out[0]! : Buffer.concat(out));
        };
        const queue = (response: Buffer): void => {
          const frame = Buffer.allocUnsafe(2 + response.length);
          frame.writeUInt16BE(response.length, 0);
          response.copy(frame, 2);
          if (batch.push(frame) === 1) setImmediate(flush);
        };
        conn.on('data', (chunk: Buffer) => {
          buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
          let offset = 0;
          // Bare NXDOMAIN answers (see answer()) are written straight into one buffer.
          const bare = this.answersAreBare();
          const direct = bare ? Buffer.allocUnsafe(buffered.length) : null;
          let directLength = 0;
          while (buffered.length - offset >= 2) {
            const length = buffered.readUInt16BE(offset);
            if (buffered.length - offset - 2 < length) break;
            const query = buffered.subarray(offset + 2, offset + 2 + length);
            offset += 2 + length;
            const end = direct && !(this.testPoints && isTestPoint(query)) ? questionEnd(query) : -1;
            if (direct && end > 0) {
              direct.writeUInt16BE(end, directLength);
              writeRcode(query, end, direct, directLength + 2, 3);
              directLength += 2 + end;
              continue;
            }
            const answer = this.answer(query, true);
            if (!answer) continue;
            if (answer.latencyMs > 0) setTimeout(() => queue(answer.response), answer.latencyMs);
            else queue(answer.response);
          }
          buffered = buffered.subarray(offset);
          if (direct && directLength > 0) conn.write(direct.subarray(0, directLength));
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  }

  /** Add a record (appends: several A records for one name are allowed). */
  add(name: string, type: RecordType, data: FixtureRecord['data'], ttl = 0): this {
    const key = name.toLowerCase().replace(/\.$/, '');
    const list = this.records.get(key) ?? [];
    list.push({ type, data, ttl });
    this.records.set(key, list);
    return this;
  }

  /** Remove every record of a name (or only those of one type). */
  remove(name: string, type?: RecordType): this {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (!type) this.records.delete(key);
    else
      this.records.set(
        key,
        (this.records.get(key) ?? []).filter((r) => r.type !== type),
      );
    return this;
  }

  /** List an IPv4 address on a zone with the given codes (and an optional TXT reason). */
  listIp(ip: string, zone: string, codes: string[] = ['127.0.0.2'], txt?: string): this {
    const name = `${ip.split('.').reverse().join('.')}.${zone}`;
    for (const code of codes) this.add(name, 'A', code);
    if (txt !== undefined) this.add(name, 'TXT', txt);
    return this;
  }

  unlistIp(ip: string, zone: string): this {
    return this.remove(`${ip.split('.').reverse().join('.')}.${zone}`);
  }

  /** Set how names under `suffix` behave (latest rule for a suffix wins). */
  rule(rule: Rule): this {
    this.rules = this.rules.filter((r) => r.suffix !== rule.suffix.toLowerCase());
    this.rules.push({ ...rule, suffix: rule.suffix.toLowerCase() });
    return this;
  }

  /** The names asked for with this record type, in order (a check asks A; TXT only for reasons). */
  asked(type: RecordType = 'A'): string[] {
    return this.queries.filter((_, i) => this.queryTypes[i] === type);
  }

  /** Forget the logged queries (names and types together). */
  clearQueries(): this {
    this.queries.length = 0;
    this.queryTypes.length = 0;
    return this;
  }

  private log(name: string, type: number | string): void {
    this.queries.push(name);
    this.queryTypes.push(typeof type === 'string' ? type : (TYPE_NAMES[type] ?? String(type)));
  }

  /** Forget every record, rule and logged query. */
  reset(): this {
    this.records.clear();
    this.rules = [];
    this.queries.length = 0;
    this.queryTypes.length = 0;
    this.latencyMs = 0;
    this.shedBeyond = null;
    this.shedWith = 'drop';
    this.shed = 0;
    this.udpQueries = 0;
    return this;
  }

  clearRules(): this {
    this.rules = [];
    return this;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const conn of this.tcpConnections) conn.destroy();
    await Promise.all([
      ...this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ...this.tcpServers.map((s) => new Promise<void>((r) => s.close(() => r()))),
    ]);
    this.sockets.length = 0;
    this.tcpServers.length = 0;
  }

  private ruleFor(name: string): Rule | undefined {
    let best: Rule | undefined;
    for (const r of this.rules) {
      if (name === r.suffix || name.endsWith(`.${r.suffix}`)) {
        if (!best || r.suffix.length > best.suffix.length) best = r;
      }
    }
    return best;
  }

  /**
   * Nothing to look up, log or delay: every query gets NXDOMAIN at once (a benchmark's
   * server). Such answers are built from the query's bytes without reading the name.
   */
  private answersAreBare(): boolean {
    return this.records.size === 0 && this.rules.length === 0 && !this.recordQueries && this.latencyMs === 0;
  }

  /** The response to one query and how long to hold it, or null to stay silent. */
  private answer(msg: Buffer, overTcp: boolean): { response: Buffer; latencyMs: number } | null {
    // The common case of a benchmark, a name with no records and no rule, answered
    // NXDOMAIN straight from the query's bytes: decoding and re-encoding every packet made
    // this server, not the client under test, the bottleneck of bulk benchmarks.
    const bare = this.records.size === 0 && this.rules.length === 0 && !this.recordQueries && !(this.testPoints && isTestPoint(msg));
    const bareEnd = bare ? questionEnd(msg) : -1;
    const plain = bareEnd > 0 ? null : readQuestion(msg);
    const unknown = plain && !this.records.has(plain.name) && !this.ruleFor(plain.name) && !(this.testPoints && isTestPoint(msg));
    const end = bareEnd > 0 ? bareEnd : unknown ? plain.end : -1;
    if (end > 0) {
      if (this.recordQueries && plain) this.log(plain.name, msg.readUInt16BE(plain.end - 4));
      const response = Buffer.allocUnsafe(end);
      writeRcode(msg, end, response, 0, 3);
      return { response, latencyMs: this.latencyMs };
    }
    // A test point's A record, written straight from the query like NXDOMAIN above: a
    // checker probes every zone, and encoding each answer made this server the slow part.
    const testPointEnd =
      plain &&
      this.testPoints &&
      msg.readUInt16BE(plain.end - 4) === 1 &&
      !this.records.has(plain.name) &&
      !this.ruleFor(plain.name) &&
      isTestPoint(msg)
        ? plain.end
        : -1;
    if (testPointEnd > 0) {
      if (this.recordQueries) this.log(plain!.name, 1);
      return { response: testPointAnswer(msg, testPointEnd), latencyMs: this.latencyMs };
    }
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return null; // garbage: real servers drop it too
    }
    const question = query.questions?.[0];
    if (!question) return null;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    if (this.recordQueries) this.log(name, question.type);
    const rule = this.ruleFor(name);
    const behaviour = rule?.behaviour ?? 'answer';
    if (behaviour === 'silent') return null;

    let rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' = 'NOERROR';
    let truncated = false;
    const answers: dnsPacket.Answer[] = [];
    if (behaviour === 'servfail') rcode = 'SERVFAIL';
    else if (behaviour === 'refused') rcode = 'REFUSED';
    else if (behaviour === 'nxdomain') rcode = 'NXDOMAIN';
    else if (behaviour === 'truncate' && !overTcp) truncated = true;
    else {
      const records = this.records.get(name) ?? (this.testPoints && isTestPoint(msg) ? TEST_POINT_RECORDS : undefined);
      if (!records || records.length === 0) rcode = 'NXDOMAIN';
      else {
        for (const r of records) {
          if (r.type !== question.type && !(r.type === 'CNAME')) continue;
          answers.push(toAnswer(name, r));
        }
      }
    }
    const response = dnsPacket.encode({
      id: query.id,
      type: 'response',
      // QR + AA + RD + RA, with the rcode in the low bits
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER |
        dnsPacket.RECURSION_DESIRED |
        dnsPacket.RECURSION_AVAILABLE |
        (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
        rcodeNumber(rcode),
      questions: [question],
      answers,
    });
    return { response, latencyMs: rule?.latencyMs ?? this.latencyMs };
  }
}

const TYPE_NAMES: Record<number, string> = { 1: 'A', 5: 'CNAME', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA' };

/** What a positive test point answers (RFC 5782: 127.0.0.2). */
const TEST_POINT_RECORDS: FixtureRecord[] = [{ type: 'A', data: '127.0.0.2', ttl: 0 }];

/** The first labels of the positive test points, as they appear on the wire; a zone must follow. */
const TEST_POINT_PREFIXES = [
  '\x012\x010\x010\x03127', // 127.0.0.2
  '\x012\x010\x010\x010\x010\x010\x01f\x017\x01f\x01f\x01f\x01f\x010', // ::ffff:7f00:2 (the rest is zeros)
  '\x04test',
  '\x07dbltest\x03com',
  '\x07_dnsbl_\x04test',
];

/** Is this logged query name one of the RFC 5782 test points (positive or negative) a checker probes zones with? */
export function isTestPointName(name: string): boolean {
  return /^(2\.0\.0\.127|1\.0\.0\.127|[12]\.0\.0\.0\.0\.0\.f\.7\.f\.f\.f\.f(\.0){20}|test|invalid|dbltest\.com|_dnsbl_\.test|_dnsblneg_\.test)\./.test(
    name,
  );
}

/** Is this a query for a positive test point under some zone? Read from the bytes, for the bare fast path. */
function isTestPoint(msg: Buffer): boolean {
  if (msg.length < 17) return false;
  // A quick look at the first label first: a bulk benchmark asks this of every query.
  const length = msg[12]!;
  const first = msg[13]! | 0x20;
  if (!((length === 1 && first === 0x32) || (length === 4 && first === 0x74) || (length === 7 && (first === 0x64 || first === 0x7f)))) return false;
  const head = msg.toString('latin1', 12, Math.min(msg.length, 12 + 40)).toLowerCase();
  // charCodeAt past the end is NaN: a test point with nothing after it is not under a zone.
  return TEST_POINT_PREFIXES.some((p) => head.startsWith(p) && head.charCodeAt(p.length) > 0);
}

/**
 * The question name of a plain query (one question, no compression) and where the
 * question ends, or null for anything else. Lower-case, without the trailing dot.
 */
function readQuestion(msg: Buffer): { name: string; end: number } | null {
  if (msg.length < 17 || msg.readUInt16BE(4) !== 1 || (msg[2]! & 0x80) !== 0) return null;
  let offset = 12;
  let name = '';
  for (;;) {
    const length = msg[offset];
    if (length === undefined || length > 63) return null;
    offset++;
    if (length === 0) break;
    if (offset + length > msg.length) return null;
    name += (name ? '.' : '') + msg.toString('latin1', offset, offset + length);
    offset += length;
  }
  const end = offset + 4;
  return end <= msg.length ? { name: name.toLowerCase(), end } : null;
}

/** Where the question of a plain query (one question, no compression) ends; -1 otherwise. */
function questionEnd(msg: Buffer): number {
  if (msg.length < 17 || msg.readUInt16BE(4) !== 1 || (msg[2]! & 0x80) !== 0) return -1;
  let offset = 12;
  for (;;) {
    const length = msg[offset];
    if (length === undefined || length > 63) return -1;
    offset += 1 + length;
    if (length === 0) break;
  }
  return offset + 4 <= msg.length ? offset + 4 : -1;
}

/** An answer to `query` (its header and question, `end` bytes) with no records and `rcode` (3 NXDOMAIN, 5 REFUSED) into `target`. */
function writeRcode(query: Buffer, end: number, target: Buffer, at: number, rcode: number): void {
  query.copy(target, at, 0, end);
  // QR + AA + the query's RD + RA, the rcode; one question, no other sections.
  target[at + 2] = 0x84 | (query[2]! & 0x01);
  target[at + 3] = 0x80 | rcode;
  target.writeUInt16BE(0, at + 6);
  target.writeUInt32BE(0, at + 8);
}

/** The answer A 127.0.0.2 to `query` (its header and question, `end` bytes): RFC 5782's positive test point. */
function testPointAnswer(query: Buffer, end: number): Buffer {
  const response = Buffer.allocUnsafe(end + 16);
  query.copy(response, 0, 0, end);
  // QR + AA + the query's RD + RA, rcode 0; one question, one answer.
  response[2] = 0x84 | (query[2]! & 0x01);
  response[3] = 0x80;
  response.writeUInt16BE(1, 6);
  response.writeUInt32BE(0, 8);
  // The question's name (a pointer to offset 12), A, IN, TTL 0, four bytes of address.
  response.writeUInt16BE(0xc00c, end);
  response.writeUInt16BE(1, end + 2);
  response.writeUInt16BE(1, end + 4);
  response.writeUInt32BE(0, end + 6);
  response.writeUInt16BE(4, end + 10);
  response.set([127, 0, 0, 2], end + 12);
  return response;
}

function rcodeNumber(rcode: string): number {
  return { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 }[rcode] ?? 0;
}

function toAnswer(name: string, r: FixtureRecord): dnsPacket.Answer {
  const ttl = r.ttl ?? 0;
  switch (r.type) {
    case 'MX':
      return { name, type: 'MX', ttl, class: 'IN', data: r.data as { preference: number; exchange: string } };
    case 'TXT':
      return { name, type: 'TXT', ttl, class: 'IN', data: [String(r.data)] };
    default:
      return { name, type: r.type, ttl, class: 'IN', data: String(r.data) } as dnsPacket.Answer;
  }
}
