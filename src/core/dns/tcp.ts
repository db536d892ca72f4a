/**
 * One pipelined DNS-over-TCP connection to a resolver (RFC 7766 §6.2.1): queries written
 * together in one write, answers read as they come, in any order, and handed to the lane
 * that owns the lookups (resolver-lane.ts), which matches them by ID and question as it does
 * UDP answers.
 *
 * Why TCP at all: over UDP every query and every answer is a system call and a trip into
 * JavaScript of its own; over one TCP stream hundreds of queries leave in one write and
 * hundreds of answers arrive in one read — a check of one address costs half as much, a
 * bulk check a third. The lane uses it only once it is connected (no lookup waits for a
 * connection) and only while it measures well (see ResolverLane).
 */
import net from 'node:net';

/** What the stream reports to its lane. */
export interface TcpStreamEvents {
  /** A message at `data[at…end)`. */
  message(data: Buffer, at: number, end: number): void;
  /** The connection is gone; `refused`: it never came up. */
  closed(refused: boolean): void;
}

/** Close a connection nobody used for this long; resolvers close idle ones themselves after 10–30 s. */
const IDLE_CLOSE_MS = 5000;
/** Give up on a connection that is not up after this long (no lookup waits for it meanwhile). */
const CONNECT_TIMEOUT_MS = 3000;

export class TcpStream {
  private socket: net.Socket | null = null;
  private isConnected = false;
  /** Frames waiting for this turn's write: ranges of query buffers, merged when adjacent. */
  private pending: Buffer[] = [];
  private lastBuffer: Buffer | null = null;
  private lastStart = 0;
  private lastEnd = 0;
  private flushScheduled = false;
  private received: Buffer = Buffer.alloc(0);
  private idleTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly events: TcpStreamEvents,
  ) {}

  get connected(): boolean {
    return this.isConnected;
  }

  /** Is a connection up or on its way? */
  get open(): boolean {
    return this.socket !== null;
  }

  /** Start connecting, if not connected or connecting already. */
  connect(): void {
    if (this.socket) return;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.isConnected = false;
    // Never keep the process alive for the connection itself: lookups keep it alive
    // through their timers.
    socket.unref();
    this.connectTimer = setTimeout(() => socket.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
    this.connectTimer.unref();
    socket.once('connect', () => {
      clearTimeout(this.connectTimer!);
      this.isConnected = true;
      this.flush();
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

  /**
   * Send the query frame at `buffer[start…end)` (with its two-byte length): with the others
   * of this turn in one write, or once connected.
   */
  write(buffer: Buffer, start: number, end: number): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (!this.socket) this.connect();
    if (buffer === this.lastBuffer && start === this.lastEnd) this.lastEnd = end;
    else {
      this.seal();
      this.lastBuffer = buffer;
      this.lastStart = start;
      this.lastEnd = end;
    }
    if (this.isConnected && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Nothing is waiting for an answer: close the connection a while later unless it is used again. */
  idle(): void {
    if (this.idleTimer || !this.socket) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.close();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  /** Close the connection (queries written and not answered are the lane's to ask again). */
  close(): void {
    const socket = this.socket;
    if (!socket) return;
    // Forget it first: a lookup made while it closes opens a new connection.
    this.forget();
    socket.end();
    socket.destroySoon();
  }

  private seal(): void {
    if (this.lastBuffer) this.pending.push(this.lastBuffer.subarray(this.lastStart, this.lastEnd));
    this.lastBuffer = null;
  }

  private flush(): void {
    this.seal();
    if (!this.socket || !this.isConnected || this.pending.length === 0) return;
    const frames = this.pending;
    this.pending = [];
    this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  private onData(chunk: Buffer): void {
    const data = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let offset = 0;
    while (data.length - offset >= 2) {
      const length = (data[offset]! << 8) | data[offset + 1]!;
      if (data.length - offset - 2 < length) break;
      this.events.message(data, offset + 2, offset + 2 + length);
      offset += 2 + length;
    }
    this.received = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
    // Lookups started by these answers leave now, not a turn later.
    this.flush();
  }

  private forget(): void {
    clearTimeout(this.connectTimer!);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.socket = null;
    this.isConnected = false;
    this.received = Buffer.alloc(0);
    this.pending = [];
    this.lastBuffer = null;
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    const refused = !this.isConnected;
    this.forget();
    this.events.closed(refused);
  }
}
