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

/** Lookups in flight per resolver before anything is known of it: a bare script's 64 lose nothing behind dnsmasq or Unbound. */
export const INITIAL_WINDOW = 64;
/** Never fewer in flight than this: a check of one address still goes out at once. */
export const MIN_WINDOW = 8;
/** Never more: the IDs of one socket, and more than any resolver we measured takes. */
export const MAX_WINDOW = 1024;

/** Ask again no sooner than this: a busy event loop alone can delay an answer by 10 ms. */
export const MIN_RETRY_MS = 5;
/** The first retry before any round trip was measured (RFC 6298 says 1 s; a resolver on the LAN answers in under 50 ms). */
export const INITIAL_RETRY_MS = 250;
/** A retry waits at most this long, however slow the resolver has been. */
export const MAX_RETRY_MS = 2000;

/**
 * The round-trip estimate of one resolver (RFC 6298 §2): smoothed time and its variation,
 * from lookups answered on their first try only (Karn's rule: an answer to a retried
 * lookup may answer either question).
 */
export class RoundTrip {
  private smoothed = -1;
  private variation = 0;

  /** Milliseconds from sending to the answer of a lookup asked once. */
  sample(ms: number): void {
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
 * The congestion window of one resolver (RFC 5681 §3.1): slow start doubles it every round
 * trip while answers come back, past the threshold it grows by one per round trip, and a
 * loss halves it — once per round trip of lookups, however many of them were lost.
 */
export class CongestionWindow {
  private window: number = INITIAL_WINDOW;
  private threshold: number = MAX_WINDOW;
  /** Lookups first sent before this (a performance.now() time) belong to a round already cut. */
  private cutAt = -Infinity;

  /** Lookups this resolver may have in flight now. */
  get size(): number {
    return Math.floor(this.window);
  }

  /** A lookup was answered on its first try. */
  grow(): void {
    if (this.window < this.threshold) this.window += 1;
    else this.window += 1 / this.window;
    if (this.window > MAX_WINDOW) this.window = MAX_WINDOW;
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
  }
}
