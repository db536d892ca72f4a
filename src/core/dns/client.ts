/**
 * Lookups that are not lost: each resolver gets as many sends at once as its congestion
 * window allows (congestion.ts), the rest wait their turn here, and every lookup is asked
 * again — after about twice the resolver's round trip, then backing off — until it is
 * answered or its time is up. Sends go over UDP, or over TCP where that serves well
 * (resolver-lane.ts).
 *
 * Why not c-ares: it retries on its own schedule (its timeout, doubled per try, the same
 * for every server), so a short per-lookup budget gets one try or none, and it has no
 * notion of how much a resolver takes at once.
 *
 * The window counts sends that are neither answered nor presumed lost (a retry wait after
 * they left); a lookup due to be asked again waits for room like a new one, ahead of them.
 * So a resolver that sheds load gets no more than it answers, retries included.
 *
 * Several resolvers: a lookup goes to the first one with room that answers; a retry of a
 * lookup its resolver has not answered since goes to another one that does. A resolver that
 * answers none of several lookups for a whole lookup budget (or cannot be reached) is
 * "down": it gets a few lookups to find out when it is back, and while every resolver is
 * down, lookups beyond those end at once instead of waiting for one budget after another.
 */
import { DueHeap } from './due-heap.js';
import { responseOutcome, type Outcome, type OutcomeSink } from './outcome.js';
import { Query } from './query.js';
import { MAX_RETRY_MS } from './congestion.js';
import { ResolverLane, type AnsweredSend, type LaneDown, type LaneOptions, type LaneOwner } from './resolver-lane.js';
import { splitServer } from './servers.js';
import { typeName, type HotResponse, type QueryType } from './wire.js';

const RCODE_REFUSED = 5;
const REFUSED: HotResponse = { rcode: RCODE_REFUSED, truncated: false, records: [] };

/**
 * A lookup refused this many times by a resolver that answers others is refused for real
 * (a resolver may refuse some zones): dnsmasq's overload clears within a few retry waits.
 */
const MAX_REFUSALS = 4;

/** A resolver is down when a lookup ran out of time and this many lookups in a row went unanswered. */
const DOWN_AFTER_UNANSWERED = 8;

/** Turns a retry waits at most for the answers still arriving (32 per socket per turn). */
const MAX_DEFERRALS = 16;

export class LookupClient implements LaneOwner {
  readonly lanes: readonly ResolverLane[];
  /** New lookups waiting for room in a window, in order of arrival (from `head` on). */
  private waiting: Query[] = [];
  private head = 0;
  /** Every lookup in flight, by the time its next event is due: presumed lost, asked again, or out of time. */
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
    options: LaneOptions = {},
  ) {
    this.lanes = servers.map((server) => {
      const { host, port } = splitServer(server);
      return new ResolverLane(server, host, port, this, options);
    });
  }

  /**
   * Look `name` up and hand the outcome to `sink` (always later, never during this call),
   * within `budgetMs` of its first send.
   */
  lookup(type: QueryType, name: string, sink: OutcomeSink, budgetMs = this.timeoutMs): void {
    const query = new Query(type, name, budgetMs, sink);
    if (budgetMs <= 0) {
      this.settleLater(query, this.timedOut(query));
      return;
    }
    if (this.head === this.waiting.length) {
      const lane = this.pickLane();
      if (lane) {
        this.start(query, lane, true);
        return;
      }
      if (!this.anyResponsive()) {
        this.settleLater(query, this.downOutcome(query, this.lanes[0]!));
        return;
      }
    }
    this.waiting.push(query);
  }

  // --- what the lanes report ---

  answered(lane: ResolverLane, query: Query, response: HotResponse, send: AnsweredSend): void {
    const now = performance.now();
    this.answersSinceLook++;
    if (response.rcode === RCODE_REFUSED) {
      // REFUSED from a resolver that answers our other lookups is load shed (dnsmasq says so
      // past 150 queries in flight upstream): slow down and ask again. From one that answers
      // nothing else it may be either: ask once more, and take a second REFUSED at its word.
      const shedding = now - lane.servedAt <= this.timeoutMs;
      if ((shedding && query.refusals < MAX_REFUSALS) || query.refusals === 0) {
        this.askAgainLater(lane, query, now, shedding);
        return;
      }
    } else lane.servedAt = now;
    if (send === 'resent') {
      // Every send of a lookup carries its ID, so only the time says which one is answered.
      // Sooner after the latest send than any round trip lately: an earlier send's answer,
      // late — the retry was needless and nothing was lost (as TCP's Eifel detection, RFC
      // 3522, tells by timestamps): no cut, and the late round trip counts, which lengthens
      // the retry wait. Otherwise the resolver (or a buffer on the way) dropped a send.
      if (now - query.lastSentAt < lane.roundTrip.shortest) {
        lane.stats.needlessRetries++;
        if (query.prevSentAt === query.laneSentAt) lane.roundTrip.sample(now - query.laneSentAt, now);
      } else {
        lane.stats.answeredAfterRetry++;
        // (A first send over TCP is not lost on the way: it was slow, which the lane holds
        // against TCP, not against the window.)
        if (!(query.firstOverTcp && query.prevSentAt === query.laneSentAt)) lane.window.lost(query.prevSentAt, now);
      }
    } else {
      lane.roundTrip.sample(now - query.laneSentAt, now);
      // Grow only a window in use (filled to half at least) on a resolver not queueing.
      lane.window.answered(now, lane.roundTrip.retryAfter(), 2 * lane.pipe >= lane.window.size, lane.roundTrip.unqueued());
    }
    if (response.truncated && !query.needsTcp) {
      // Too big for UDP: the same question over TCP (RFC 7766 §5), and its retries too.
      query.needsTcp = true;
      lane.resend(query);
      return;
    }
    lane.release(query);
    this.dropDue(query);
    this.settle(query, responseOutcome(response, query.type, query.name));
    this.pump();
  }

  lostNow(lane: ResolverLane, query: Query): void {
    if (query.done || query.lane !== lane) return;
    lane.leavePipe(query);
    if (query.waitingForRoom) return;
    this.due.remove(query);
    query.resendAt = 0;
    query.dueAt = 0;
    this.due.push(query);
    this.armTimer();
  }

  failed(lane: ResolverLane, query: Query, message: string): void {
    if (query.done) return;
    lane.release(query);
    this.dropDue(query);
    this.settle(query, { failure: 'ERROR', message: `${what(query)}: ${message}` });
    this.pump();
  }

  unreachable(lane: ResolverLane, reason: string): void {
    this.markDown(lane, { failure: 'ERROR', reason: `no DNS server answering (${reason})` });
    const now = performance.now();
    for (const query of lane.queriesInFlight()) {
      lane.release(query);
      this.dropDue(query);
      const other = this.otherLaneWithRoom(lane);
      if (other && other.send(query)) this.sent(query, other, now, true);
      else this.settle(query, this.downOutcome(query, lane));
    }
    this.pump();
  }

  // --- sending ---

  /** The first resolver that answers and has room; while none answers, the first with room (to find out when one is back). */
  private pickLane(): ResolverLane | undefined {
    let fallback: ResolverLane | undefined;
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

  private otherLaneWithRoom(not: ResolverLane): ResolverLane | undefined {
    return this.lanes.find((lane) => lane !== not && lane.responsive && lane.hasRoom());
  }

  private anyResponsive(): boolean {
    return this.lanes.some((lane) => lane.responsive);
  }

  /** First send of `query` on `lane`. `fresh`: inside lookup(), where the outcome must wait for a later turn. */
  private start(query: Query, lane: ResolverLane, fresh = false): void {
    if (!lane.send(query)) {
      const outcome: Outcome<string[]> = { failure: 'ERROR', message: `${what(query)}: not a name that can be looked up` };
      if (fresh) this.settleLater(query, outcome);
      else this.settle(query, outcome);
      return;
    }
    const now = performance.now();
    query.firstSentAt = now;
    query.deadline = now + query.budgetMs;
    query.sends = 0;
    this.sent(query, lane, now, true);
  }

  /**
   * Book a send of `query` on `lane` (`first`: its first there): it counts in the window
   * until answered or presumed lost a retry wait later, and is asked again after a wait
   * that doubles with every send.
   */
  private sent(query: Query, lane: ResolverLane, now: number, first: boolean): void {
    if (first) {
      query.laneSentAt = now;
      lane.unanswered++;
    }
    query.sends++;
    query.prevSentAt = query.sends === 1 ? now : query.lastSentAt;
    query.lastSentAt = now;
    lane.enterPipe(query);
    const wait = lane.roundTrip.retryAfter();
    query.lostAt = now + wait;
    query.resendAt = now + Math.min(MAX_RETRY_MS, wait * 2 ** (query.sends - 1));
    query.dueAt = Math.min(query.lostAt, query.deadline);
    this.due.push(query);
    this.armTimer();
  }

  /** Ask `query` again now: on another resolver when its own has answered nothing since it was first sent. */
  private askAgain(query: Query, now: number): void {
    const lane = query.lane as ResolverLane;
    if (lane.lastAnswerAt < query.firstSentAt || !lane.responsive) {
      const other = this.otherLaneWithRoom(lane);
      if (other) {
        lane.release(query);
        other.send(query); // it was encoded once, so it encodes again
        this.sent(query, other, now, true);
        return;
      }
    }
    if (!lane.hasRoom()) {
      // Behind the lane's other retries, ahead of new lookups; its deadline still stands.
      query.waitingForRoom = true;
      lane.retries.push(query);
      query.dueAt = query.deadline;
      this.due.push(query);
      return;
    }
    lane.resend(query);
    this.sent(query, lane, now, false);
  }

  /** A REFUSED send: out of the window, asked again after the usual wait. `shedding`: the resolver is overloaded. */
  private askAgainLater(lane: ResolverLane, query: Query, now: number, shedding: boolean): void {
    if (shedding) {
      lane.stats.shed++;
      lane.window.lost(query.lastSentAt, now);
    }
    query.refusals++;
    lane.leavePipe(query);
    if (query.waitingForRoom) return;
    this.due.remove(query);
    query.resendAt = Math.max(query.resendAt, now + lane.roundTrip.retryAfter());
    query.dueAt = Math.min(query.resendAt, query.deadline);
    this.due.push(query);
    this.armTimer();
    this.pump();
  }

  /** Start what waits while resolvers have room: their retries first, then new lookups. */
  private pump(): void {
    const now = performance.now();
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i]!;
      const retries = lane.retries;
      let taken = 0;
      while (taken < retries.length && lane.hasRoom()) {
        const query = retries[taken++]!;
        if (query.done || query.lane !== lane || !query.waitingForRoom) continue;
        query.waitingForRoom = false;
        this.due.remove(query);
        this.askAgain(query, now);
      }
      if (taken > 0) retries.splice(0, taken);
    }
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

  // --- the timer: sends presumed lost, retries, deadlines ---

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
      const lane = next.lane as ResolverLane;
      if (now >= next.deadline) {
        this.giveUp(next);
        continue;
      }
      if (next.waitingForRoom) continue; // (its deadline is its due time, handled above)
      // Its latest send is presumed lost: out of the window.
      lane.leavePipe(next);
      if (now >= next.resendAt) this.askAgain(next, now);
      else {
        next.dueAt = Math.min(next.resendAt, next.deadline);
        this.due.push(next);
      }
    }
    this.armTimer();
    this.pump();
  }

  /** No answer within the lookup's budget. A resolver silent all that time is down. */
  private giveUp(query: Query): void {
    const lane = query.lane as ResolverLane;
    lane.release(query);
    // One list that never answers (its servers are down) proves nothing about the
    // resolver; many lookups in a row without any answer do.
    if (lane.responsive && lane.lastAnswerAt < query.firstSentAt && lane.unanswered >= DOWN_AFTER_UNANSWERED) {
      this.markDown(lane, { failure: 'TIMEOUT', reason: `no answer within ${this.timeoutMs} ms (the resolver stopped answering)` });
    }
    // Refused while the resolver was shedding load, and never answered: say what it said.
    this.settle(query, query.refusals > 0 ? responseOutcome(REFUSED, query.type, query.name) : this.timedOut(query));
  }

  private markDown(lane: ResolverLane, down: LaneDown): void {
    const wasResponsive = lane.responsive;
    lane.responsive = false;
    lane.down = down;
    if (wasResponsive) lane.window.collapse(performance.now());
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
  private downOutcome(query: Query, lane: ResolverLane): Outcome<string[]> {
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
