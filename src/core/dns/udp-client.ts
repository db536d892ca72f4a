/**
 * Lookups over UDP that are not lost: each resolver gets as many at once as its
 * congestion window allows (congestion.ts), the rest wait their turn here, and every
 * lookup is asked again — after about twice the resolver's round trip, then backing off —
 * until it is answered or its time is up.
 *
 * Why not c-ares: it retries on its own schedule (its timeout, doubled per try, the same
 * for every server), so a short per-lookup budget gets one try or none, and it has no
 * notion of how much a resolver takes at once.
 *
 * Several resolvers: a lookup goes to the first one with room that answers; a retry of a
 * lookup its resolver has not answered goes to another one that does. A resolver that
 * answers nothing at all for a whole lookup budget (or cannot be reached) is "down": it
 * gets a few lookups to find out when it is back, and while every resolver is down,
 * lookups beyond those end at once instead of waiting for one budget after another.
 */
import { DueHeap } from './due-heap.js';
import { responseOutcome, type Outcome, type OutcomeSink } from './outcome.js';
import { Query } from './query.js';
import { turnNow } from './turn-clock.js';
import { MAX_RETRY_MS } from './congestion.js';
import { ServerLane, type AnsweredSend, type LaneDown, type LaneOwner } from './udp-lane.js';
import { splitServer } from './servers.js';
import { typeName, type HotResponse, type QueryType } from './wire.js';

/** Takes over a lookup whose UDP answer was truncated (TC): ask over TCP in the time left. */
export type TruncatedHandler = (type: QueryType, name: string, remainingMs: number, sink: OutcomeSink) => void;

const RCODE_REFUSED = 5;
const REFUSED: HotResponse = { rcode: RCODE_REFUSED, truncated: false, records: [] };

/** Turns a retry waits at most for the answers still arriving (32 per socket per turn). */
const MAX_DEFERRALS = 16;

export class UdpClient implements LaneOwner {
  readonly lanes: readonly ServerLane[];
  /** Lookups waiting for room in a window, in order of arrival (from `head` on). */
  private waiting: Query[] = [];
  private head = 0;
  private readonly due = new DueHeap<Query>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private dueRunScheduled = false;
  /** Answers read since the due lookups were last looked at, and turns waited for more. */
  private answersSinceLook = 0;
  private deferrals = 0;

  constructor(
    servers: readonly string[],
    readonly timeoutMs: number,
    private readonly onTruncated?: TruncatedHandler,
  ) {
    this.lanes = servers.map((server) => {
      const { host, port } = splitServer(server);
      return new ServerLane(server, host, port, this);
    });
    if (process.env.RBLBOT_DNS_STATS) {
      process.on('exit', () => {
        for (const lane of this.lanes) process.stderr.write(`DNSSTATS ${lane.server} ${JSON.stringify(lane.stats)} window=${lane.window.size} srtt=${lane.roundTrip.ms} rto=${lane.roundTrip.retryAfter()}\n`);
      });
    }
  }

  /**
   * Look `name` up and hand the outcome to `sink` (always later, never during this call),
   * within `budgetMs` of its first send. The query returned can be cancelled.
   */
  lookup(type: QueryType, name: string, sink: OutcomeSink, budgetMs = this.timeoutMs): Query {
    const query = new Query(type, name, budgetMs, sink);
    if (budgetMs <= 0) {
      this.settleLater(query, this.timedOut(query));
      return query;
    }
    if (this.head === this.waiting.length) {
      const lane = this.pickLane();
      if (lane) {
        this.start(query, lane, true);
        return query;
      }
      if (!this.anyResponsive()) {
        this.settleLater(query, this.downOutcome(query, this.lanes[0]!));
        return query;
      }
    }
    this.waiting.push(query);
    return query;
  }

  /** Stop waiting for `query` (answered another way): it ends as a timeout nobody reads. */
  cancel(query: Query): void {
    if (query.done) return;
    query.lane?.release(query);
    this.dropDue(query);
    this.settle(query, this.timedOut(query));
    this.pump();
  }

  /** Lookups in flight on every resolver (not those waiting for room). */
  get inFlight(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.inFlight;
    return n;
  }

  // --- LaneOwner ---

  answered(lane: ServerLane, query: Query, response: HotResponse, send: AnsweredSend): void {
    const now = turnNow();
    this.answersSinceLook++;
    if (response.rcode === RCODE_REFUSED && now - lane.servedAt <= this.timeoutMs) {
      this.shed(lane, query, now);
      return;
    }
    if (response.rcode !== RCODE_REFUSED) lane.servedAt = now;
    if (send === 'retry') {
      // Only a retry was answered: the resolver (or a buffer on the way) dropped the first.
      lane.window.lost(query.laneSentAt, now);
    } else {
      // The first send was answered (a retry, if any, was needless: the answer was late).
      lane.roundTrip.sample(now - query.laneSentAt);
      // Grow only a window in use: one filled to half at least.
      if (send === 'only' && 2 * lane.inFlight >= lane.window.size) lane.window.grow();
    }
    lane.release(query);
    this.dropDue(query);
    if (response.truncated && this.onTruncated) {
      query.done = true;
      this.onTruncated(query.type, query.name, query.deadline - now, query.sink);
    } else {
      this.settle(query, responseOutcome(response, query.type, query.name));
    }
    this.pump();
  }

  /**
   * REFUSED from a resolver that answers our other lookups: dnsmasq says so when it has
   * 150 queries in flight upstream already. Load shed, not a refusal: slow down and ask again.
   */
  private shed(lane: ServerLane, query: Query, now: number): void {
    lane.stats.shed++;
    lane.window.lost(query.laneSentAt, now);
    query.refused = true;
    this.due.remove(query);
    const backoff = Math.min(MAX_RETRY_MS, lane.roundTrip.retryAfter() * 2 ** (query.sends - 1));
    query.dueAt = Math.min(now + backoff, query.deadline);
    this.due.push(query);
    this.armTimer();
  }

  unreachable(lane: ServerLane, reason: string): void {
    this.markDown(lane, { failure: 'ERROR', reason: `no DNS server answering (${reason})` });
    for (const query of lane.queriesInFlight()) {
      lane.release(query);
      const other = this.otherLaneWithRoom(lane);
      if (other && other.send(query)) {
        query.laneSentAt = turnNow();
        continue; // its deadline and retry time stand
      }
      this.dropDue(query);
      this.settle(query, this.downOutcome(query, lane));
    }
    this.pump();
  }

  // --- sending ---

  /** The first resolver that answers and has room; while none answers, the first with room (to find out when one is back). */
  private pickLane(): ServerLane | undefined {
    let fallback: ServerLane | undefined;
    let anyResponsive = false;
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i]!;
      if (lane.responsive) {
        anyResponsive = true;
        if (lane.hasRoom()) return lane;
      } else if (!fallback && lane.hasRoom()) fallback = lane;
    }
    return anyResponsive ? undefined : fallback;
  }

  private otherLaneWithRoom(not: ServerLane): ServerLane | undefined {
    return this.lanes.find((lane) => lane !== not && lane.responsive && lane.hasRoom());
  }

  private anyResponsive(): boolean {
    return this.lanes.some((lane) => lane.responsive);
  }

  /** First send of `query` on `lane`. `fresh`: inside lookup(), where the outcome must wait for a later turn. */
  private start(query: Query, lane: ServerLane, fresh = false): void {
    if (!lane.send(query)) {
      const outcome: Outcome<string[]> = { failure: 'ERROR', message: `${what(query)}: not a name that can be looked up` };
      if (fresh) this.settleLater(query, outcome);
      else this.settle(query, outcome);
      return;
    }
    const now = turnNow();
    query.firstSentAt = now;
    query.deadline = now + query.budgetMs;
    query.laneSentAt = now;
    query.lastSentAt = now;
    query.sends = 1;
    query.dueAt = Math.min(now + lane.roundTrip.retryAfter(), query.deadline);
    this.due.push(query);
    this.armTimer();
  }

  /** Start waiting lookups while some resolver has room. */
  private pump(): void {
    while (this.head < this.waiting.length) {
      const query = this.waiting[this.head]!;
      if (query.done) {
        this.head++;
        continue;
      }
      const lane = this.pickLane();
      if (!lane) break;
      this.head++;
      this.start(query, lane);
    }
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  // --- retries and deadlines ---

  private armTimer(): void {
    const next = this.due.peek();
    if (!next) {
      this.clearTimer();
      return;
    }
    if (this.timer && this.timerAt <= next.dueAt) return;
    this.clearTimer();
    this.timerAt = next.dueAt;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, next.dueAt - performance.now()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.dueRunScheduled) return;
    this.dueRunScheduled = true;
    this.answersSinceLook = 0;
    this.deferrals = 0;
    setImmediate(this.afterReading);
  }

  /**
   * Timers run before the event loop reads sockets, and each turn reads at most 32
   * datagrams per socket: answers already in would look lost. Let turns go by while they
   * bring answers (a few at most), then see what is still unanswered.
   */
  private readonly afterReading = (): void => {
    if (this.answersSinceLook > 0 && this.deferrals < MAX_DEFERRALS) {
      this.answersSinceLook = 0;
      this.deferrals++;
      setImmediate(this.afterReading);
      return;
    }
    this.dueRunScheduled = false;
    this.runDue();
  };

  private runDue(): void {
    const now = performance.now();
    for (let next = this.due.peek(); next && next.dueAt <= now; next = this.due.peek()) {
      this.due.pop();
      if (now >= next.deadline) this.giveUp(next);
      else this.retry(next, now);
    }
    this.armTimer();
    this.pump();
  }

  /** Ask again; on another resolver when this one has answered nothing since the lookup was first sent. */
  private retry(query: Query, now: number): void {
    let lane = query.lane as ServerLane;
    const other = lane.lastAnswerAt < query.firstSentAt || !lane.responsive ? this.otherLaneWithRoom(lane) : undefined;
    if (other) {
      lane.release(query);
      other.send(query); // it was encoded once, so it encodes again
      lane = other;
      query.laneSentAt = turnNow();
    } else lane.resend(query);
    query.sends++;
    query.lastSentAt = now;
    const backoff = Math.min(MAX_RETRY_MS, lane.roundTrip.retryAfter() * 2 ** (query.sends - 1));
    query.dueAt = Math.min(now + backoff, query.deadline);
    this.due.push(query);
  }

  /** No answer within the lookup's budget. A resolver silent all that time is down. */
  private giveUp(query: Query): void {
    const lane = query.lane as ServerLane;
    lane.release(query);
    if (lane.responsive && lane.lastAnswerAt < query.firstSentAt) {
      this.markDown(lane, { failure: 'TIMEOUT', reason: `no answer within ${this.timeoutMs} ms (the resolver stopped answering)` });
    }
    // Refused while the resolver was shedding load, and never answered: say what it said.
    this.settle(query, query.refused ? responseOutcome(REFUSED, query.type, query.name) : this.timedOut(query));
  }

  private markDown(lane: ServerLane, down: LaneDown): void {
    const wasResponsive = lane.responsive;
    lane.responsive = false;
    lane.down = down;
    if (wasResponsive) lane.window.collapse(turnNow());
    if (this.anyResponsive()) return;
    // Every resolver is down: the lookups waiting for room would each wait a whole budget
    // for nothing. They end now; the ones in flight find out when a resolver is back.
    const waiting = this.waiting.slice(this.head);
    this.waiting = [];
    this.head = 0;
    for (const query of waiting) if (!query.done) this.settle(query, this.downOutcome(query, lane));
  }

  // --- ending ---

  private dropDue(query: Query): void {
    this.due.remove(query);
    if (this.due.size === 0) this.clearTimer();
  }

  private timedOut(query: Query): Outcome<string[]> {
    return { failure: 'TIMEOUT', message: `${what(query)}: no answer within ${query.budgetMs} ms` };
  }

  /** The outcome of a lookup that `lane`, down, cannot take. */
  private downOutcome(query: Query, lane: ServerLane): Outcome<string[]> {
    const down = lane.down ?? { failure: 'TIMEOUT', reason: `no answer within ${this.timeoutMs} ms` };
    return { failure: down.failure, message: `${what(query)}: ${down.reason}` };
  }

  private settle(query: Query, outcome: Outcome<string[]>): void {
    if (query.done) return;
    query.done = true;
    query.sink.settle(outcome);
  }

  private settleLater(query: Query, outcome: Outcome<string[]>): void {
    queueMicrotask(() => this.settle(query, outcome));
  }
}

/** "A name" / "PTR name", the way failure messages start. */
function what(query: Query): string {
  return `${typeName(query.type)} ${query.name}`;
}
