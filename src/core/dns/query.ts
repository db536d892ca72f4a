/**
 * One lookup from the moment it is asked until its outcome is handed over: the only object
 * the client keeps per lookup (it is also its entry in the due heap).
 */
import type { DueEntry } from './due-heap.js';
import type { OutcomeSink } from './outcome.js';
import type { QueryType } from './wire.js';

/** Where a query in flight is: the lane (one resolver) that sent it. */
export interface QueryHolder {
  release(query: Query): void;
}

export class Query implements DueEntry {
  dueAt = 0;
  heapIndex = -1;
  /** Its message ID on `lane`, while in flight: every send there carries it (resolver-lane.ts says why). */
  id = -1;
  /** The lane's UDP socket it goes out on (-1: none yet, its first send went over TCP). */
  socket = -1;
  /** Sent more than once on its lane. */
  resent = false;
  lane: QueryHolder | null = null;
  /** Its latest send counts in its lane's window (not answered, not presumed lost). */
  inPipe = false;
  /** Due to be asked again, it waits for room in its lane's window. */
  waitingForRoom = false;
  /** The query as sent (`chunk[start…end)`, with the two-byte length DNS over TCP puts first). */
  chunk: Buffer | null = null;
  start = 0;
  end = 0;
  /** When it was first sent (performance.now()), or -1 while it waits for room. */
  firstSentAt = -1;
  /** When it was first sent on its present lane, sent the time before last, and last sent. */
  laneSentAt = 0;
  prevSentAt = 0;
  lastSentAt = 0;
  /** Times it was sent, over all resolvers. */
  sends = 0;
  /** Its latest send is presumed lost at `lostAt`; it is asked again at `resendAt` (backing off). */
  lostAt = 0;
  resendAt = 0;
  /** It gives up at this time (firstSentAt + its budget). */
  deadline = 0;
  /** Its first send on its lane went over TCP, its latest did; its UDP answer was truncated, so it goes over TCP. */
  firstOverTcp = false;
  lastOverTcp = false;
  needsTcp = false;
  /** Times a resolver answered it REFUSED (it is asked again while that looks like load shed). */
  refusals = 0;
  done = false;

  constructor(
    readonly type: QueryType,
    readonly name: string,
    /** Milliseconds it may take from its first send. */
    readonly budgetMs: number,
    readonly sink: OutcomeSink,
  ) {}
}
