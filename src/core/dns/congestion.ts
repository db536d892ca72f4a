/**
 * How many lookups one resolver gets at once, and when an unanswered one is asked again:
 * TCP's congestion control (RFC 5681) and retransmission timer (RFC 6298), applied to
 * DNS lookups over UDP.
 *
 * Why: resolvers drop what they cannot take. dnsmasq forwards at most 150 queries at
 * once (dns-forward-max) and drops the rest; Unbound drops queries past its per-thread
 * limit; a UDP socket's buffer drops answers once a few hundred wait in it. A check that
 * sends a thousand lookups at once into one of them loses hundreds (issue 17: 412–1,270
 * of 5,000). With a window that grows while answers come back and halves when a lookup
 * had to be asked again, and every lookup asked again until its time is up, a resolver
 * that sheds load makes a check slower instead of wrong.
 */

/**
 * Lookups in flight per resolver before anything is known of it: enough for one check of
 * 50 lists, their test points and the PTR in one round trip, and fewer than dnsmasq
 * forwards at once (150) or a resolver's 208 KB socket buffer holds (about 200 queries).
 */
export const INITIAL_WINDOW = 128;
/** Never fewer in flight than this: a check of one address still goes out at once. */
export const MIN_WINDOW = 8;
/** Never more: the IDs of one socket, and more than any resolver we measured takes. */
export const MAX_WINDOW = 1024;

/**
 * Ask again no sooner than this. A busy event loop alone (a garbage collection: 10–40 ms
 * on a loaded 2-core machine) can delay an answer that long; behind a fresh resolver on
 * loopback the round trip falls to 2–5 ms once its cache is warm, and 5 ms made dozens
 * of needless retries per 5,000 lookups, each halving the window (issue 17).
 */
export const MIN_RETRY_MS = 20;
/** The first retry before any round trip was measured (RFC 6298 says 1 s; a resolver on the LAN answers in under 50 ms). */
export const INITIAL_RETRY_MS = 250;
/** A retry waits at most this long, however slow the resolver has been. */
export const MAX_RETRY_MS = 2000;

/**
 * Queueing a resolver may show before its window stops growing: answers this much (or the
 * shortest round trip, if longer) slower than the shortest round trip mean lookups wait in
 * its queue, and more of them would only wait longer, then be dropped.
 */
const QUEUE_SLACK_MS = 5;
/** The shortest round trip is the least of this long, and the one before. */
const MIN_PERIOD_MS = 30_000;

/**
 * The round-trip estimate of one resolver (RFC 6298 §2): smoothed time and its variation,
 * from sends whose answer is known to answer them (every send has its own ID), and the
 * shortest round trip lately (as TCP Vegas uses it).
 */
export class RoundTrip {
  private smoothed = -1;
  private variation = 0;
  private latest = -1;
  private minThisPeriod = Infinity;
  private minLastPeriod = Infinity;
  private periodStartedAt = -Infinity;

  /** Milliseconds from a send to its answer, at `now`. */
  sample(ms: number, now = 0): void {
    if (now - this.periodStartedAt >= MIN_PERIOD_MS) {
      this.minLastPeriod = this.minThisPeriod;
      this.minThisPeriod = Infinity;
      this.periodStartedAt = now;
    }
    if (ms < this.minThisPeriod) this.minThisPeriod = ms;
    this.latest = ms;
    if (this.smoothed < 0) {
      this.smoothed = ms;
      this.variation = ms / 2;
      return;
    }
    this.variation = 0.75 * this.variation + 0.25 * Math.abs(this.smoothed - ms);
    this.smoothed = 0.875 * this.smoothed + 0.125 * ms;
  }

  /** The smoothed round trip, or -1 before the first answer. */
  get ms(): number {
    return this.smoothed;
  }

  /** The shortest round trip lately (Infinity before the first answer). */
  get shortest(): number {
    return Math.min(this.minThisPeriod, this.minLastPeriod);
  }

  /**
   * Are answers coming about as fast as they can, so that more lookups at once would help?
   * Judged on the latest answer, not the smoothed time: that one lags by eight answers,
   * and slow start doubles the window in fewer.
   */
  unqueued(): boolean {
    if (this.latest < 0) return true;
    const shortest = this.shortest;
    return this.latest - shortest <= Math.max(QUEUE_SLACK_MS, shortest);
  }

  /**
   * How long to wait before asking again the first time: about twice the round trip, more
   * when answers vary (RFC 6298's SRTT + 4·RTTVAR), within MIN_RETRY_MS…MAX_RETRY_MS.
   */
  retryAfter(): number {
    if (this.smoothed < 0) return INITIAL_RETRY_MS;
    const wait = Math.max(2 * this.smoothed, this.smoothed + 4 * this.variation);
    return Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, wait));
  }
}

/**
 * Slow start ends when a round with a bigger window brings fewer than this many times the
 * answers per millisecond of the best round before: more lookups at once no longer make
 * the resolver answer faster, they only wait in its queue until it drops them. (BBR's
 * start-up asks for 25% more; a doubled window that is not the limit brings twice the
 * rate, and less than 50% more is noise: warm-up.)
 */
const RATE_GAIN = 1.5;
/** A round's rate is judged on this many answers at least. */
const MIN_ROUND_ANSWERS = 32;

/**
 * The congestion window of one resolver (RFC 5681 §3.1): slow start doubles it every round
 * while answers come back faster for it, past the threshold it grows by one per round
 * trip, and a loss halves it — once per round trip of lookups, however many of them were
 * lost.
 *
 * Slow start is judged on the rate of answers, not on loss alone: a lost lookup is noticed
 * a retry wait late, many round trips on a fast link, and by then slow start would have
 * overshot the resolver many times over. Measured (issue 17, 100 addresses × 50 lists
 * behind a fresh Unbound or dnsmasq on a 2-core machine): 16 to 128 lookups in flight all
 * gave the same rate; 256 made dnsmasq drop hundreds, and windows of 300–800 cost
 * 200–1,200 retries. So the first round only measures, and each doubling must pay for
 * itself in answers per millisecond, or the window goes back to the best round's size.
 */
export class CongestionWindow {
  private window: number = INITIAL_WINDOW;
  private threshold: number = MAX_WINDOW;
  /** Lookups first sent before this (a performance.now() time) belong to a round already cut. */
  private cutAt = -Infinity;
  /** The slow-start round under way: since when, from what window, its answers, and whether the window was in use all along. */
  private roundStartedAt = -Infinity;
  private roundBase: number = INITIAL_WINDOW;
  private roundAnswers = 0;
  private roundInUse = true;
  /** The best rate of a slow-start round (answers per ms), and the window that reached it. */
  private bestRate = 0;
  private bestWindow: number = INITIAL_WINDOW;

  /** Lookups this resolver may have in flight now. */
  get size(): number {
    return Math.floor(this.window);
  }

  /**
   * A lookup was answered on its first try, at `now`. `roundMs`: how long a slow-start
   * round lasts at least — the retry wait, how long a loss takes to show. `inUse`: the
   * window is filled (to half at least), so its size is what limits the rate; `unqueued`:
   * answers come about as fast as they can (RoundTrip.unqueued). The window grows only
   * when both hold.
   */
  answered(now: number, roundMs: number, inUse: boolean, unqueued: boolean): void {
    if (this.window >= this.threshold) {
      if (inUse && unqueued) this.window = Math.min(MAX_WINDOW, this.window + 1 / this.window);
      return;
    }
    if (this.roundStartedAt === -Infinity) this.startRound(now);
    else if (now - this.roundStartedAt >= roundMs && this.roundAnswers >= MIN_ROUND_ANSWERS) this.endRound(now);
    this.roundAnswers++;
    if (!inUse) this.roundInUse = false;
    // The first round only measures the rate at the initial window.
    else if (unqueued && this.bestRate > 0 && this.window < 2 * this.roundBase) this.window = Math.min(MAX_WINDOW, this.window + 1);
  }

  private startRound(now: number): void {
    this.roundStartedAt = now;
    this.roundBase = this.window;
    this.roundAnswers = 0;
    this.roundInUse = true;
  }

  private endRound(now: number): void {
    if (this.roundInUse) {
      const rate = this.roundAnswers / Math.max(1, now - this.roundStartedAt);
      if (rate >= RATE_GAIN * this.bestRate) {
        this.bestRate = rate;
        this.bestWindow = this.window;
      } else {
        // A bigger window, no more answers: back to the best round's, and grow slowly from there.
        this.window = Math.max(MIN_WINDOW, Math.min(this.window, this.bestWindow));
        this.threshold = this.window;
        return;
      }
    }
    this.startRound(now);
  }

  /**
   * A lookup first sent at `sentAt` had to be asked again before it was answered: the
   * resolver (or a socket buffer on the way) dropped it. Halve the window, unless a loss
   * of the same round already did.
   */
  lost(sentAt: number, now: number): void {
    if (sentAt < this.cutAt) return;
    this.cutAt = now;
    this.threshold = Math.max(MIN_WINDOW, Math.floor(this.window / 2));
    this.window = this.threshold;
  }

  /** Nothing comes back at all: fall to the minimum, and start over once answers do. */
  collapse(now: number): void {
    this.cutAt = now;
    this.threshold = Math.max(MIN_WINDOW, Math.floor(this.window / 2));
    this.window = MIN_WINDOW;
    // What was measured before says nothing of the resolver that comes back.
    this.bestRate = 0;
    this.roundStartedAt = -Infinity;
  }
}
