/**
 * One resolver over UDP: its sockets, the lookups in flight on it by message ID, and what
 * we have learnt of it (round trip, congestion window, whether it answers at all).
 *
 * The sockets are connected to the resolver, so the kernel drops datagrams from anyone
 * else and tells us (ECONNREFUSED) when nothing listens there. An answer must also carry
 * the ID of a send in flight and repeat its question byte for byte (RFC 5452 §9.1); IDs
 * are random, and lookups are spread over a few sockets (a few source ports).
 */
import dgram from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import { CongestionWindow, RoundTrip } from './congestion.js';
import type { Query, QueryHolder } from './query.js';
import { turnNow } from './turn-clock.js';
import { messageId, queryFrameLength, readResponseAt, writeQueryFrame, type HotResponse } from './wire.js';

/** Which send of a lookup an answer answers. */
export type AnsweredSend = 'only' | 'first' | 'retry';

/** What a lane reports to the client that owns it. */
export interface LaneOwner {
  /** `query`, in flight on `lane`, has this response, to its only send, its first of several, or a retry. */
  answered(lane: ServerLane, query: Query, response: HotResponse, send: AnsweredSend): void;
  /** The resolver cannot be reached at all (nothing listens, no route). */
  unreachable(lane: ServerLane, reason: string): void;
}

/** Why a resolver is down. */
export interface LaneDown {
  readonly failure: 'TIMEOUT' | 'ERROR';
  /** Ends the failure message: "no DNS server answering (connection refused)". */
  readonly reason: string;
}

/** Queries are written into buffers of this size; a query keeps its buffer until it is settled. */
const CHUNK_BYTES = 16 * 1024;

/**
 * Sockets per resolver. The event loop reads at most 32 datagrams per socket per turn
 * (libuv), and each socket has its own receive buffer: a few of them let a burst of
 * answers in without drops, and give a few source ports.
 */
const SOCKETS_PER_LANE = 4;

/**
 * Ask for this much receive buffer per socket (the kernel caps it at net.core.rmem_max):
 * the usual 208 KB holds about 250 answers.
 */
const RECEIVE_BUFFER_BYTES = 1 << 20;

/** Socket errors that mean the resolver cannot be reached (as opposed to a passing shortage). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM', 'EADDRNOTAVAIL']);

/** Random 16-bit IDs, drawn from the system's CSPRNG a thousand at a time (one call per ID costs a microsecond). */
const randomIds = new Uint16Array(1024);
let nextRandom = randomIds.length;

function randomId(): number {
  if (nextRandom === randomIds.length) {
    randomFillSync(randomIds);
    nextRandom = 0;
  }
  return randomIds[nextRandom++]!;
}

/** One connected socket and what waits for its connection. */
class LaneSocket {
  connected = false;
  /** Messages sent before the socket was connected (a turn at most). */
  unsent: Buffer[] = [];

  constructor(readonly socket: dgram.Socket) {}

  send(message: Buffer, offset: number, length: number): void {
    if (this.connected) this.socket.send(message, offset, length);
    else this.unsent.push(message.subarray(offset, offset + length));
  }
}

export class ServerLane implements QueryHolder {
  readonly window = new CongestionWindow();
  readonly roundTrip = new RoundTrip();
  /** Lookups sent and not yet answered or given up. */
  inFlight = 0;
  /** False once a lookup got no answer at all in its time, or the resolver is unreachable; true again on any answer. */
  responsive = true;
  /** Why it is not responsive: how a lookup it cannot take ends. */
  down: LaneDown | null = null;
  /** turnNow() of its last answer, and of its last answer other than REFUSED. */
  lastAnswerAt = -Infinity;
  servedAt = -Infinity;
  readonly stats = { sent: 0, retries: 0, answeredAfterRetry: 0, needlessRetries: 0, shed: 0, maxInFlight: 0 };

  private readonly sockets: LaneSocket[] = [];
  private nextSocket = 0;
  private readonly byId: (Query | undefined)[] = new Array<Query | undefined>(0x10000).fill(undefined);
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkUsed = 0;

  constructor(
    /** host:port, as the user gave it. */
    readonly server: string,
    private readonly host: string,
    private readonly port: number,
    private readonly owner: LaneOwner,
  ) {}

  /** Room in the window for one more lookup. */
  hasRoom(): boolean {
    return this.inFlight < this.window.size;
  }

  /** Put `query` in flight here: a fresh ID, its bytes, and off it goes. False when its name cannot go on the wire. */
  send(query: Query): boolean {
    const need = queryFrameLength(query.name);
    if (this.chunkUsed + need > this.chunk.length) {
      // Lookups in flight keep a reference to the old chunk: never reuse it.
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, need));
      this.chunkUsed = 0;
    }
    const id = this.freeId();
    const written = writeQueryFrame(this.chunk, this.chunkUsed, id, query.name, query.type);
    if (written < 0) return false;
    query.chunk = this.chunk;
    query.start = this.chunkUsed;
    query.end = this.chunkUsed + written;
    this.chunkUsed += written;
    query.id = id;
    query.lastId = id;
    query.lane = this;
    this.byId[id] = query;
    this.inFlight++;
    this.stats.sent++;
    if (this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
    // The message without the two-byte length that only DNS over TCP puts first.
    this.socketToUse().send(query.chunk, query.start + 2, written - 2);
    return true;
  }

  /** Send `query` (in flight here) again, under an ID of its own. */
  resend(query: Query): void {
    if (query.lastId !== query.id) (query.olderIds ??= []).push(query.lastId);
    const id = this.freeId();
    this.byId[id] = query;
    query.lastId = id;
    // A copy: the first send's bytes may still sit in a send queue, and they must not change.
    const length = query.end - query.start - 2;
    const message = Buffer.allocUnsafe(length);
    query.chunk!.copy(message, 0, query.start + 2, query.end);
    message[0] = id >> 8;
    message[1] = id & 0xff;
    this.stats.retries++;
    this.socketToUse().send(message, 0, length);
  }

  /** Let go of `query`: answered, given up, or moved to another resolver. Its IDs are free again. */
  release(query: Query): void {
    if (query.lane !== this) return;
    this.byId[query.id] = undefined;
    this.byId[query.lastId] = undefined;
    if (query.olderIds) for (const id of query.olderIds) this.byId[id] = undefined;
    query.olderIds = null;
    this.inFlight--;
    query.lane = null;
  }

  /** The lookups in flight here (rare: when the resolver turns out to be unreachable). */
  queriesInFlight(): Query[] {
    return [...new Set(this.byId.filter((q): q is Query => q !== undefined))];
  }

  /** A random ID not in flight here (RFC 5452 §4.3: never predictable). */
  private freeId(): number {
    for (;;) {
      const id = randomId();
      if (this.byId[id] === undefined) return id;
    }
  }

  /** The sockets in turn, opened as they are first needed. */
  private socketToUse(): LaneSocket {
    const i = this.nextSocket;
    this.nextSocket = (i + 1) % SOCKETS_PER_LANE;
    return this.sockets[i] ?? this.open(i);
  }

  private open(index: number): LaneSocket {
    const socket = dgram.createSocket({ type: this.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
    const lane = new LaneSocket(socket);
    this.sockets[index] = lane;
    // The socket never holds the process open; lookups in flight do, through their timer.
    socket.unref();
    socket.on('message', (message: Buffer) => this.onMessage(message));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code && UNREACHABLE.has(err.code)) this.owner.unreachable(this, err.code === 'ECONNREFUSED' ? 'connection refused' : err.code);
    });
    socket.connect(this.port, this.host, () => {
      lane.connected = true;
      for (const message of lane.unsent) socket.send(message);
      lane.unsent = [];
    });
    return lane;
  }

  private onMessage(message: Buffer): void {
    const id = messageId(message);
    const query = id < 0 ? undefined : this.byId[id];
    if (!query) return;
    const response = readResponseAt(message, 0, message.length, query.chunk!, query.start, query.end);
    if (!response) return; // not the answer to this question: keep waiting for it
    this.lastAnswerAt = turnNow();
    this.responsive = true;
    this.down = null;
    const send: AnsweredSend = query.lastId === query.id ? 'only' : id === query.id ? 'first' : 'retry';
    if (send === 'first') this.stats.needlessRetries++;
    else if (send === 'retry') this.stats.answeredAfterRetry++;
    this.owner.answered(this, query, response, send);
  }
}
