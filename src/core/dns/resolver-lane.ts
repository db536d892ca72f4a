/**
 * One resolver: its UDP sockets and TCP connection, the lookups in flight on it by message
 * ID, and what we have learnt of it (round trip, congestion window, whether it answers,
 * whether TCP is worth using with it).
 *
 * UDP sockets are connected to the resolver, so the kernel drops datagrams from anyone
 * else and tells us (ECONNREFUSED) when nothing listens there. An answer must also carry
 * the ID of a send in flight and repeat its question byte for byte (RFC 5452 §9.1); IDs
 * are random, and lookups are spread over a few sockets (a few source ports).
 *
 * A lookup asked again keeps its ID and its socket, as stub resolvers do: dnsmasq takes
 * the same question from another port or under another ID for a second client of the
 * query it already forwarded and forwards nothing, so when its forward was lost, every
 * such retry waited with it (issue 17: single lookups stuck for 1.5 s). Only a retry from
 * the same port with the same ID makes it forward again.
 *
 * TCP (tcp.ts) carries a lookup's first send once the connection is up — it costs a third
 * of UDP's system calls and trips into JavaScript — and only while it serves well: a
 * resolver that leaves TCP queries unanswered until their UDP retry answers them (dnsmasq
 * works through a TCP connection one query at a time; Unbound drops TCP queries past its
 * limits as it drops UDP ones) gets UDP alone for ten minutes. Retries always go over UDP,
 * except for a lookup whose UDP answer was truncated.
 */
import dgram from 'node:dgram';
import { closeSync, openSync, readSync } from 'node:fs';
import { CongestionWindow, RoundTrip } from './congestion.js';
import type { Query, QueryHolder } from './query.js';
import { TcpStream } from './tcp.js';
import { messageId, queryFrameLength, readResponseAt, writeQueryFrame, type HotResponse } from './wire.js';

/** A lookup sent once on its lane was answered (`only`), or one sent more than once (`resent`: which send is answered, its ID cannot say). */
export type AnsweredSend = 'only' | 'resent';

/** What a lane reports to the client that owns it. */
export interface LaneOwner {
  /** `query`, in flight on `lane`, has this response, to its only send or to one of several. */
  answered(lane: ResolverLane, query: Query, response: HotResponse, send: AnsweredSend): void;
  /** The resolver cannot be reached at all (nothing listens, no route). */
  unreachable(lane: ResolverLane, reason: string): void;
  /** `query`'s latest send is lost for sure (its TCP connection closed): ask again now. */
  lostNow(lane: ResolverLane, query: Query): void;
  /** `query` cannot be answered: its UDP answer was truncated and TCP is not to be had. */
  failed(lane: ResolverLane, query: Query, message: string): void;
}

/** Why a resolver is down. */
export interface LaneDown {
  readonly failure: 'TIMEOUT' | 'ERROR';
  /** Ends the failure message: "no DNS server answering (connection refused)". */
  readonly reason: string;
}

export interface LaneOptions {
  /** Use TCP for first sends when it serves well (default true); TCP for truncated answers regardless. */
  readonly tcp?: boolean;
  /**
   * Open no TCP connection while fewer lookups than this are in flight here (default 0).
   * A one-IP check (about 70 lookups with its lists' test points) is over in one round
   * trip on UDP; a connection would only add a handshake and a socket to it.
   */
  readonly udpBeforeTcp?: number;
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

/** After TCP to a resolver was refused, leave it to UDP for this long. */
const TCP_REFUSED_PAUSE_MS = 60_000;
/** A resolver whose TCP queries keep being answered by their UDP retry first: UDP alone for this long. */
const TCP_POOR_PAUSE_MS = 10 * 60_000;
/** Judge TCP after this many lookups sent over it were answered over UDP. */
const TCP_MISSES_TO_JUDGE = 16;

/** Random 16-bit IDs, drawn from the system's CSPRNG a thousand at a time (one call per ID costs a microsecond). */
const randomIds = new Uint16Array(1024);
let nextRandom = randomIds.length;

function randomId(): number {
  if (nextRandom === randomIds.length) {
    fillRandom(randomIds);
    nextRandom = 0;
  }
  return randomIds[nextRandom++]!;
}

/**
 * The kernel's CSPRNG, read from /dev/urandom where there is one. Not node:crypto: loading
 * it (OpenSSL) costs a one-IP `rblbot check` 10–25% of its whole run (bench/startup.bench.ts),
 * for 2 KB of random bytes. Web Crypto elsewhere (Windows).
 */
function fillRandom(ids: Uint16Array): void {
  const bytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      let filled = 0;
      while (filled < bytes.length) {
        const read = readSync(fd, bytes, filled, bytes.length - filled, null);
        if (read <= 0) throw new Error('short read from /dev/urandom');
        filled += read;
      }
      return;
    } finally {
      closeSync(fd);
    }
  } catch {
    globalThis.crypto.getRandomValues(ids);
  }
}

/**
 * The "lookup" of a socket's addresses: resolvers are IP addresses (servers.ts parses them
 * so) and sockets bind to the wildcard address, so there is nothing to resolve, and
 * node:dns, which dgram would load for it, stays unloaded.
 */
function literalAddress(address: string, family: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}

/** One connected UDP socket and what waits for its connection. */
class LaneSocket {
  connected = false;
  /** Messages sent before the socket was connected (a turn at most). */
  unsent: Buffer[] = [];

  constructor(
    readonly socket: dgram.Socket,
    /**
     * Sees the error of a send: the kernel reports "port unreachable" on whichever call
     * comes next, often a send, and Node drops a send's error unless it has a callback.
     */
    readonly afterSend: (err: Error | null) => void,
    /** Does anyone listen? Until the resolver has answered, every send is watched for that error. */
    readonly unproven: () => boolean,
  ) {}

  send(message: Buffer, offset: number, length: number): void {
    if (!this.connected) this.unsent.push(message.subarray(offset, offset + length));
    // A callback costs a turn of its own per send: only while it may tell us something.
    else if (this.unproven()) this.socket.send(message, offset, length, this.afterSend);
    else this.socket.send(message, offset, length);
  }
}

export class ResolverLane implements QueryHolder {
  readonly window = new CongestionWindow();
  readonly roundTrip = new RoundTrip();
  /** Lookups sent and not yet answered or given up. */
  inFlight = 0;
  /**
   * Sends not yet answered nor presumed lost (after a retry wait): what the window limits
   * (RFC 6675's "pipe"). A lookup backing off between sends for seconds — a list that is
   * down — is out of it meanwhile, and does not hold the window shut.
   */
  pipe = 0;
  /** Lookups on this resolver due to be asked again, waiting for room in its window; they go before new ones. */
  readonly retries: Query[] = [];
  /** False once a lookup got no answer at all in its time, or the resolver is unreachable; true again on any answer. */
  responsive = true;
  /** Why it is not responsive: how a lookup it cannot take ends. */
  down: LaneDown | null = null;
  /** Lookups sent here since its last answer. */
  unanswered = 0;
  /** performance.now() of its last answer, and of its last answer other than REFUSED. */
  lastAnswerAt = -Infinity;
  servedAt = -Infinity;
  /** What it has done, for tests and diagnosis. */
  readonly stats = { sent: 0, overTcp: 0, retries: 0, answeredAfterRetry: 0, needlessRetries: 0, shed: 0, maxPipe: 0 };

  private readonly sockets: LaneSocket[] = [];
  private nextSocket = 0;
  /**
   * Lookups in flight by message ID. A Map, not a 65,536-slot array: filling that array
   * took 3–4 ms of a one-IP `rblbot check` (a process of about 150 ms), every run.
   */
  private readonly byId = new Map<number, Query>();
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkUsed = 0;
  private readonly tcp: TcpStream;
  private readonly tcpWanted: boolean;
  private readonly udpBeforeTcp: number;
  /** performance.now() until which first sends stay on UDP. */
  private tcpOffUntil = 0;
  /** Lookups first sent over TCP and answered over it, or first answered by their UDP retry. */
  private tcpHits = 0;
  private tcpMisses = 0;

  constructor(
    /** host:port, as the user gave it. */
    readonly server: string,
    private readonly host: string,
    private readonly port: number,
    private readonly owner: LaneOwner,
    options: LaneOptions = {},
  ) {
    this.tcpWanted = options.tcp ?? true;
    this.udpBeforeTcp = options.udpBeforeTcp ?? 0;
    this.tcp = new TcpStream(host, port, {
      message: (data, at, end) => this.onMessage(data, at, end, true),
      closed: (refused) => this.onTcpClosed(refused),
    });
  }

  /** Is the TCP connection up (first sends go over it)? */
  get tcpConnected(): boolean {
    return this.tcp.connected;
  }

  /** Room in the window for one more lookup. */
  hasRoom(): boolean {
    return this.pipe < this.window.size;
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
    query.resent = false;
    query.lane = this;
    this.byId.set(id, query);
    this.inFlight++;
    this.stats.sent++;
    query.firstOverTcp = this.tcpUsable();
    query.socket = -1;
    if (query.firstOverTcp) {
      this.stats.overTcp++;
      this.tcp.write(query.chunk, query.start, query.end);
    } else {
      // The message without the two-byte length that only DNS over TCP puts first.
      query.socket = this.nextSocketIndex();
      this.socketAt(query.socket).send(query.chunk, query.start + 2, written - 2);
    }
    query.lastOverTcp = query.firstOverTcp;
    return true;
  }

  /**
   * Send `query` (in flight here) again, the same bytes under the same ID: over UDP from
   * the socket of its first UDP send (see the top of this file), or over TCP after a
   * truncated answer.
   */
  resend(query: Query): void {
    this.stats.retries++;
    query.resent = true;
    query.lastOverTcp = query.needsTcp;
    if (query.needsTcp) this.tcp.write(query.chunk!, query.start, query.end);
    else {
      if (query.socket < 0) query.socket = this.nextSocketIndex();
      this.socketAt(query.socket).send(query.chunk!, query.start + 2, query.end - query.start - 2);
    }
  }

  /** Count `query`'s latest send in the pipe. */
  enterPipe(query: Query): void {
    query.inPipe = true;
    this.pipe++;
    if (this.pipe > this.stats.maxPipe) this.stats.maxPipe = this.pipe;
  }

  /** `query`'s latest send is answered or presumed lost. */
  leavePipe(query: Query): void {
    if (!query.inPipe) return;
    query.inPipe = false;
    this.pipe--;
  }

  /** Let go of `query`: answered, given up, or moved to another resolver. Its IDs are free again. */
  release(query: Query): void {
    if (query.lane !== this) return;
    this.leavePipe(query);
    query.waitingForRoom = false;
    this.byId.delete(query.id);
    this.inFlight--;
    query.lane = null;
    if (this.inFlight === 0) this.tcp.idle();
  }

  /** The lookups in flight here (rare: when the resolver turns out to be unreachable). */
  queriesInFlight(): Query[] {
    return [...this.byId.values()];
  }

  /** May a first send go over TCP now? Opens the connection when it would be wanted: no lookup waits for it. */
  private tcpUsable(): boolean {
    if (!this.tcpWanted || (this.tcpOffUntil > 0 && performance.now() < this.tcpOffUntil)) return false;
    if (this.tcp.connected) return true;
    if (!this.tcp.open && this.inFlight > this.udpBeforeTcp) this.tcp.connect();
    return false;
  }

  private onTcpClosed(refused: boolean): void {
    if (refused) this.tcpOffUntil = performance.now() + TCP_REFUSED_PAUSE_MS;
    // Whatever waited for an answer over it is lost: ask again now (over UDP, or over a new
    // connection for the truncated).
    for (const query of this.queriesInFlight()) {
      if (!query.lastOverTcp) continue;
      if (query.needsTcp && refused) this.owner.failed(this, query, 'the answer was too big for UDP, and TCP to the resolver was refused');
      else this.owner.lostNow(this, query);
    }
  }

  /** Judge TCP by a lookup first sent over it: answered there (`hit`), or first by its UDP retry. */
  private judgeTcp(hit: boolean): void {
    if (hit) this.tcpHits++;
    else this.tcpMisses++;
    if (this.tcpMisses >= TCP_MISSES_TO_JUDGE && this.tcpMisses > 3 * this.tcpHits) {
      this.tcpOffUntil = performance.now() + TCP_POOR_PAUSE_MS;
      this.tcpHits = 0;
      this.tcpMisses = 0;
    }
  }

  /** A random ID not in flight here (RFC 5452 §4.3: never predictable). */
  private freeId(): number {
    for (;;) {
      const id = randomId();
      if (!this.byId.has(id)) return id;
    }
  }

  /** The sockets in turn: the index of the next one. */
  private nextSocketIndex(): number {
    const i = this.nextSocket;
    this.nextSocket = (i + 1) % SOCKETS_PER_LANE;
    return i;
  }

  /** Socket `i`, opened when first needed. */
  private socketAt(i: number): LaneSocket {
    return this.sockets[i] ?? this.open(i);
  }

  private open(index: number): LaneSocket {
    const socket = dgram.createSocket({
      type: this.host.includes(':') ? 'udp6' : 'udp4',
      recvBufferSize: RECEIVE_BUFFER_BYTES,
      lookup: literalAddress,
    });
    const lane = new LaneSocket(socket, this.onSocketError, () => !this.responsive || this.lastAnswerAt < 0);
    this.sockets[index] = lane;
    // The socket never holds the process open; lookups in flight do, through their timer.
    socket.unref();
    socket.on('message', (message: Buffer) => this.onMessage(message, 0, message.length, false));
    socket.on('error', this.onSocketError);
    socket.connect(this.port, this.host, () => {
      lane.connected = true;
      for (const message of lane.unsent) socket.send(message, this.onSocketError);
      lane.unsent = [];
    });
    return lane;
  }

  private readonly onSocketError = (err: NodeJS.ErrnoException | null): void => {
    if (err?.code && UNREACHABLE.has(err.code)) this.owner.unreachable(this, err.code === 'ECONNREFUSED' ? 'connection refused' : err.code);
  };

  /** A message at `data[at…end)`, from a UDP socket or the TCP connection (`overTcp`). */
  private onMessage(data: Buffer, at: number, end: number, overTcp: boolean): void {
    const id = messageId(data, at, end);
    const query = id < 0 ? undefined : this.byId.get(id);
    if (!query) return;
    const response = readResponseAt(data, at, end, query.chunk!, query.start, query.end);
    if (!response) return; // not the answer to this question: keep waiting for it
    this.lastAnswerAt = performance.now();
    this.unanswered = 0;
    this.responsive = true;
    this.down = null;
    if (query.firstOverTcp && !query.needsTcp) this.judgeTcp(overTcp);
    this.owner.answered(this, query, response, query.resent ? 'resent' : 'only');
  }
}
