/**
 * A real DNS server on 127.0.0.1 (UDP, real DNS packets via dns-packet) for tests and
 * benchmarks. It serves fixture records and has switches to misbehave like real lists
 * and resolvers do: latency, silence (timeouts), SERVFAIL, REFUSED.
 *
 * Records are keyed by lower-case owner name. Anything not defined answers NXDOMAIN,
 * which is how a DNSBL says "not listed".
 */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export type RecordType = 'A' | 'AAAA' | 'TXT' | 'PTR' | 'MX' | 'CNAME';

export interface FixtureRecord {
  type: RecordType;
  /** A/AAAA/PTR/CNAME: a string; TXT: a string; MX: { preference, exchange } */
  data: string | { preference: number; exchange: string };
  ttl?: number;
}

export type Behaviour = 'answer' | 'silent' | 'servfail' | 'refused';

export interface Rule {
  /** Applies to query names equal to or ending in `.${suffix}`. */
  suffix: string;
  behaviour?: Behaviour;
  latencyMs?: number;
}

export class TestDnsServer {
  private readonly sockets: dgram.Socket[] = [];
  private readonly records = new Map<string, FixtureRecord[]>();
  private rules: Rule[] = [];
  /** Latency applied to every answer unless a rule says otherwise. */
  latencyMs = 0;
  /** Every query name received, in order (lower-case). */
  readonly queries: string[] = [];
  /** Keep the query log bounded in long benchmarks. */
  recordQueries = true;
  readonly ports: number[] = [];

  /** Start listening on `count` UDP ports (several "resolvers" for load spreading). */
  static async start(count = 1): Promise<TestDnsServer> {
    const server = new TestDnsServer();
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

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
      socket.on('message', (msg, rinfo) => this.onMessage(socket, msg, rinfo));
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        this.ports.push(socket.address().port);
        this.sockets.push(socket);
        resolve();
      });
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
    else this.records.set(key, (this.records.get(key) ?? []).filter((r) => r.type !== type));
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

  /** Forget every record, rule and logged query. */
  reset(): this {
    this.records.clear();
    this.rules = [];
    this.queries.length = 0;
    this.latencyMs = 0;
    return this;
  }

  clearRules(): this {
    this.rules = [];
    return this;
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.sockets.length = 0;
  }

  /**
   * The common case of a benchmark, a name with no records and no rule, answered
   * NXDOMAIN straight from the query's bytes: decoding and re-encoding every packet made
   * this server, not the client under test, the bottleneck of bulk benchmarks.
   */
  private answerNxdomainFast(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): boolean {
    const question = readQuestion(msg);
    if (!question || this.records.has(question.name) || this.ruleFor(question.name)) return false;
    if (this.recordQueries) this.queries.push(question.name);
    const response = Buffer.from(msg.subarray(0, question.end));
    // QR + AA + the query's RD + RA, rcode 3 (NXDOMAIN); one question, no other sections.
    response[2] = 0x84 | (msg[2]! & 0x01);
    response[3] = 0x80 | 3;
    response.writeUInt16BE(0, 6);
    response.writeUInt32BE(0, 8);
    const send = (): void => {
      socket.send(response, rinfo.port, rinfo.address);
    };
    if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
    else send();
    return true;
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

  private onMessage(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.answerNxdomainFast(socket, msg, rinfo)) return;
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // garbage: real servers drop it too
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    if (this.recordQueries) this.queries.push(name);
    const rule = this.ruleFor(name);
    const behaviour = rule?.behaviour ?? 'answer';
    if (behaviour === 'silent') return;

    let rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' = 'NOERROR';
    const answers: dnsPacket.Answer[] = [];
    if (behaviour === 'servfail') rcode = 'SERVFAIL';
    else if (behaviour === 'refused') rcode = 'REFUSED';
    else {
      const records = this.records.get(name);
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
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcodeNumber(rcode),
      questions: [question],
      answers,
    });
    const send = (): void => {
      socket.send(response, rinfo.port, rinfo.address);
    };
    const latency = rule?.latencyMs ?? this.latencyMs;
    if (latency > 0) setTimeout(send, latency);
    else send();
  }
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
