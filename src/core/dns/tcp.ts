/**
 * Blocklist A lookups over one pipelined TCP connection to a resolver (RFC 7766 §6.2.1):
 * many queries written at once, answers matched by ID and question as they come back,
 * in any order.
 *
 * Why TCP for the hot path: a bulk recheck puts a thousand lookups in flight. Over UDP
 * every query and every answer is its own system call and an answer is dropped whenever a
 * socket's buffer is full; over one TCP stream, hundreds of queries leave in one write,
 * hundreds of answers arrive in one read, and nothing is lost.
 *
 * Every resolver must accept DNS over TCP (RFC 7766 §5), but not all do it well, so UDP
 * stays the safety net: when the connection cannot be opened or closes mid-way, waiting
 * lookups are asked over UDP in the time they have left; a lookup TCP has not answered
 * within a second is asked over UDP as well (first answer wins); and a resolver whose
 * UDP answers keep winning (one that works through pipelined queries one at a time) is
 * left to UDP for ten minutes.
 */
import net from 'node:net';
import { messageId, queryFrameLength, readResponseAt, typeName, writeQueryFrame, type HotType } from './wire.js';
import type { DnsFailure, Outcome, OutcomeSink } from './outcome.js';

/** Asks the same question over UDP, within the time the lookup has left (or until `stop`). */
export type UdpFallback = (type: HotType, name: string, remainingMs: number, stop?: AbortSignal) => Promise<Outcome<string[]>>;

/** One lookup waiting for its answer: the only object the connection keeps per lookup. */
class Pending {
  done = false;
  /**
   * Set when it was also asked over UDP, as TCP was slow to answer; aborting it stops
   * that UDP question once the lookup is settled either way.
   */
  hedge: AbortController | null = null;
  constructor(
    readonly id: number,
    readonly type: HotType,
    readonly name: string,
    /** The query as sent (`chunk[start…end)`), to match the answer's question against. */
    readonly chunk: Buffer,
    readonly start: number,
    readonly end: number,
    /** performance.now() (whole ms) when it was queued; it times out at sentAt + timeoutMs. */
    readonly sentAt: number,
    readonly sink: OutcomeSink,
  ) {}
}

/** The answer nine lookups in ten get; shared, as nothing reads its text. */
const NXDOMAIN: Outcome<string[]> = Object.freeze({ failure: 'NXDOMAIN', message: 'no such name' });

/** Queries are written into buffers of this size, each sent whole in one write. */
const CHUNK_BYTES = 16 * 1024;

/** Close a connection nobody used for this long; resolvers close idle ones themselves after 10–30 s. */
const IDLE_CLOSE_MS = 5000;
/** After a connection could not be opened, use UDP for this long before trying TCP again. */
const RETRY_TCP_AFTER_MS = 60_000;
/** Ask over UDP as well when TCP has not answered within this long (or half the timeout). */
const HEDGE_AFTER_MS = 1000;
/**
 * A resolver that answers pipelined queries one at a time (dnsmasq does) makes the later
 * ones wait for all before them: when UDP keeps winning the hedged lookups, use UDP alone
 * for this long.
 */
const SERIAL_TCP_PAUSE_MS = 10 * 60_000;

const RCODE_FAILURES: Record<number, DnsFailure> = { 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' };

export class TcpPipeline {
  private socket: net.Socket | null = null;
  private connected = false;
  private unusableUntil = 0;
  /**
   * Waiting lookups by message ID. An array of all 65,536 IDs rather than a Map: found
   * and freed by index, and it never rehashes while a bulk check fills it.
   */
  private readonly byId: (Pending | undefined)[] = new Array<Pending | undefined>(0x10000).fill(undefined);
  private waiting = 0;
  /**
   * In send order, which is also the order of their hedge times and deadlines (the same
   * delays for all): one timer and two read positions serve them all.
   */
  private readonly bySendTime: Pending[] = [];
  /** The first entry that may still time out, and the first that may still be hedged. */
  private head = 0;
  private hedgeHead = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly hedgeAfterMs: number;
  /** Hedged lookups answered first over UDP, and first over TCP. */
  private udpWins = 0;
  private tcpWins = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  /** Filled chunks waiting for the connection, and the chunk being filled. */
  private sealed: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkUsed = 0;
  private flushScheduled = false;
  private received: Buffer = Buffer.alloc(0);
  // Math.random, not crypto: IDs on a TCP stream cannot be spoofed off-path, and loading
  // node:crypto cost a one-IP CLI check several milliseconds (bench/startup.bench.ts).
  private nextId = Math.floor(Math.random() * 65536);
  /** performance.now() of this turn of the event loop, or -1 (see turnNow). */
  private turnStartedAt = -1;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
    private readonly overUdp: UdpFallback,
  ) {
    this.hedgeAfterMs = Math.min(HEDGE_AFTER_MS, timeoutMs / 2);
  }

  /** Lookups waiting for an answer on this connection. */
  get inFlight(): number {
    return this.waiting;
  }

  /** True once the connection is open (and until it closes). */
  get open(): boolean {
    return this.connected;
  }

  /** False for a while after TCP to this resolver failed to open. */
  usable(): boolean {
    return this.unusableUntil === 0 || Date.now() >= this.unusableUntil;
  }

  /**
   * Look up the A (or PTR) records of `name` and hand the outcome to `sink`, always
   * later, never during this call. False when this connection cannot take it now.
   */
  lookup(type: HotType, name: string, sink: OutcomeSink): boolean {
    if (!this.usable() || this.waiting >= 0xffff) return false;
    const frameLength = queryFrameLength(name);
    if (this.chunkUsed + frameLength > this.chunk.length) {
      this.sealChunk(frameLength);
      // A full chunk leaves at once: the resolver starts on it while more are written.
      this.writeSealed();
    }
    const id = this.freeId();
    const start = this.chunkUsed;
    const written = writeQueryFrame(this.chunk, start, id, name, type);
    if (written < 0) return false;
    this.chunkUsed += written;
    const entry = new Pending(id, type, name, this.chunk, start, start + written, this.turnNow(), sink);
    this.byId[id] = entry;
    this.waiting++;
    this.bySendTime.push(entry);
    if (!this.timer) this.armTimer();
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (!this.socket) this.connect();
    else if (this.connected) this.scheduleFlush();
    return true;
  }

  /**
   * The time, read once per turn of the event loop: the lookups of one turn leave in one
   * write and share a deadline, and performance.now costs microseconds per call until the
   * JIT has warmed up.
   */
  private turnNow(): number {
    if (this.turnStartedAt < 0) {
      // Whole milliseconds (rounded up, so no deadline comes early): a small integer is
      // stored in every waiting lookup without a heap number for each.
      this.turnStartedAt = Math.ceil(performance.now());
      setImmediate(() => {
        this.turnStartedAt = -1;
      });
    }
    return this.turnStartedAt;
  }

  /** Set the filled part of the chunk aside for the next write and start a fresh chunk. */
  private sealChunk(atLeast = 0): void {
    if (this.chunkUsed === 0 && atLeast <= this.chunk.length) return;
    if (this.chunkUsed > 0) this.sealed.push(this.chunk.subarray(0, this.chunkUsed));
    // Queries waiting for their answers keep a reference to the old chunk: never reuse it.
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, atLeast));
    this.chunkUsed = 0;
  }

  /**
   * The next ID not in use. Counting up from a random start is enough here: unlike a UDP
   * answer, a forged TCP answer would have to guess the connection's sequence numbers.
   */
  private freeId(): number {
    do this.nextId = (this.nextId + 1) & 0xffff;
    while (this.byId[this.nextId] !== undefined);
    return this.nextId;
  }

  private connect(): void {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.connected = false;
    // Never keep the process alive for the connection itself; waiting lookups keep it
    // alive through their deadline timer.
    socket.unref();
    this.connectTimer = setTimeout(() => socket.destroy(new Error('connect timeout')), Math.min(1000, this.timeoutMs));
    this.connectTimer.unref();
    socket.once('connect', () => {
      clearTimeout(this.connectTimer!);
      this.connected = true;
      this.scheduleFlush();
    });
    socket.on('data', (chunk: Buffer) => {
      // A connection closed for idleness has nothing more to say to the current one's framing.
      if (this.socket === socket) this.onData(chunk);
    });
    socket.on('error', () => {
      // 'close' follows and does the work.
    });
    socket.once('close', () => this.onClose(socket));
  }

  /** Queries made in the same turn of the event loop leave in one write. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.sealChunk();
      this.writeSealed();
    });
  }

  private writeSealed(): void {
    if (!this.socket || !this.connected) return;
    for (const chunk of this.sealed) this.socket.write(chunk);
    this.sealed = [];
  }

  private onData(chunk: Buffer): void {
    const data = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let offset = 0;
    while (data.length - offset >= 2) {
      const length = (data[offset]! << 8) | data[offset + 1]!;
      if (data.length - offset - 2 < length) break;
      this.onMessage(data, offset + 2, offset + 2 + length);
      offset += 2 + length;
    }
    this.received = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
    // Lookups started by these answers (freed slots) leave now, not a turn later.
    if (this.chunkUsed > 0) {
      this.sealChunk();
      this.writeSealed();
    }
  }

  /** The message at `data[at…end)`. */
  private onMessage(data: Buffer, at: number, end: number): void {
    const id = messageId(data, at, end);
    const entry = id < 0 ? undefined : this.byId[id];
    if (!entry) return;
    const answer = readResponseAt(data, at, end, entry.chunk, entry.start, entry.end);
    if (!answer) return; // not the answer to this question: keep waiting for it
    if (entry.hedge) this.tcpWins++;
    if (answer.rcode === 3) this.settle(entry, NXDOMAIN);
    else if (answer.rcode === 0)
      this.settle(
        entry,
        answer.records.length > 0 ? { value: [...answer.records] } : { failure: 'NODATA', message: `${what(entry)}: no record of that type` },
      );
    else {
      const failure = RCODE_FAILURES[answer.rcode] ?? 'ERROR';
      this.settle(entry, { failure, message: `${what(entry)}: the server answered ${failure === 'ERROR' ? `rcode ${answer.rcode}` : failure}` });
    }
  }

  private settle(entry: Pending, outcome: Outcome<string[]> | Promise<Outcome<string[]>>): void {
    if (entry.done) return;
    entry.done = true;
    // A TCP answer (or timeout) ends the hedge's UDP question: it would otherwise wait, and
    // hold a CLI run open, until the deadline.
    entry.hedge?.abort();
    this.byId[entry.id] = undefined;
    this.waiting--;
    if (this.waiting === 0) this.becameIdle();
    // Last: the sink may start new lookups on this connection at once.
    if (outcome instanceof Promise) void outcome.then((o) => entry.sink.settle(o));
    else entry.sink.settle(outcome);
  }

  /** Set the one timer for the next hedge or deadline, whichever comes first. */
  private armTimer(): void {
    // A lookup started by a sink while onTimer runs may have armed one already: one timer only.
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const queue = this.bySendTime;
    while (this.head < queue.length && queue[this.head]!.done) this.head++;
    if (this.head > 1024 && this.head * 2 > queue.length) {
      queue.splice(0, this.head);
      this.hedgeHead = Math.max(0, this.hedgeHead - this.head);
      this.head = 0;
    }
    this.hedgeHead = Math.max(this.hedgeHead, this.head);
    while (this.hedgeHead < queue.length && (queue[this.hedgeHead]!.done || queue[this.hedgeHead]!.hedge)) this.hedgeHead++;
    const next = queue[this.head];
    if (!next) {
      this.forgetQueue();
      return;
    }
    const toHedge = queue[this.hedgeHead];
    const at = Math.min(next.sentAt + this.timeoutMs, toHedge ? toHedge.sentAt + this.hedgeAfterMs : Infinity);
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, at - performance.now()));
  }

  private onTimer(): void {
    const now = performance.now();
    const queue = this.bySendTime;
    while (this.hedgeHead < queue.length) {
      const entry = queue[this.hedgeHead]!;
      if (!entry.done && !entry.hedge && entry.sentAt + this.hedgeAfterMs > now) break;
      this.hedgeHead++;
      if (!entry.done && !entry.hedge) this.askOverUdpToo(entry, now);
    }
    while (this.head < queue.length) {
      const entry = queue[this.head]!;
      if (!entry.done && entry.sentAt + this.timeoutMs > now) break;
      this.head++;
      this.settle(entry, { failure: 'TIMEOUT', message: `${what(entry)}: no answer within ${this.timeoutMs} ms` });
    }
    this.armTimer();
  }

  /**
   * TCP is slow with this one: ask over UDP too and take whichever answers first. Only a
   * real answer from UDP counts; its timeouts and errors leave the lookup to TCP.
   */
  private askOverUdpToo(entry: Pending, now: number): void {
    entry.hedge = new AbortController();
    void this.overUdp(entry.type, entry.name, entry.sentAt + this.timeoutMs - now, entry.hedge.signal).then((outcome) => {
      if (entry.done || ('failure' in outcome && (outcome.failure === 'TIMEOUT' || outcome.failure === 'ERROR'))) return;
      this.udpWins++;
      if (this.udpWins >= 16 && this.udpWins > 3 * this.tcpWins) {
        this.unusableUntil = Date.now() + SERIAL_TCP_PAUSE_MS;
        this.udpWins = 0;
        this.tcpWins = 0;
      }
      this.settle(entry, outcome);
    });
  }

  private forgetQueue(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.bySendTime.length = 0;
    this.head = 0;
    this.hedgeHead = 0;
  }

  private becameIdle(): void {
    // Nothing waits: drop the timer, or it would hold a finished CLI run open.
    this.forgetQueue();
    if (this.idleTimer || !this.socket) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.waiting > 0 || !this.socket) return;
      // Forget it first: a lookup made while it closes opens a new connection.
      const socket = this.socket;
      this.socket = null;
      this.connected = false;
      socket.end();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    clearTimeout(this.connectTimer!);
    if (!this.connected) this.unusableUntil = Date.now() + RETRY_TCP_AFTER_MS;
    this.socket = null;
    this.connected = false;
    this.received = Buffer.alloc(0);
    this.sealed = [];
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.chunkUsed = 0;
    // Whatever was still waiting goes back to the caller to ask over UDP in the time left.
    const now = performance.now();
    for (const entry of this.byId.filter((e): e is Pending => e !== undefined)) {
      this.settle(entry, this.overUdp(entry.type, entry.name, entry.sentAt + this.timeoutMs - now));
    }
  }
}

/** "A name" / "PTR name", the way failure messages start. */
function what(entry: Pending): string {
  return `${typeName(entry.type)} ${entry.name}`;
}
