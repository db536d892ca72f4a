/**
 * A per-zone token bucket. Lists publish fair-use limits (landscape pitfall 8), so each
 * list gets at most `perSecond` lookups a second across all checks, sustained, with a
 * burst of two seconds' worth: a one-off check of a thousand addresses goes out at once,
 * a 10,000-address recheck settles at the sustained rate.
 */

/** A zone's bucket, in thousandths of a token: whole numbers, so the hot path makes no heap numbers. */
class Bucket {
  constructor(
    public milliTokens: number,
    public updated: number,
  ) {}
}

/** One lookup's cost, in thousandths of a token. */
const COST = 1000;

export class ZoneRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Thousandths of a token gained per millisecond: the rate per second. */
  private perMs: number;
  private burst: number;

  constructor(
    private readonly perSecond: number,
    // Date.now: the bucket needs milliseconds, and performance.now costs microseconds
    // per call until the JIT has warmed up, on a path taken for every lookup.
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perSecond;
    this.burst = 2 * perSecond * COST;
  }

  /**
   * This process is one of `replicas` sharing the budget: take an equal share of it
   * (at least one lookup a second). Buckets above the new burst are trimmed to it.
   */
  setShare(replicas: number): void {
    const rate = Math.max(1, Math.floor(this.perSecond / Math.max(1, replicas)));
    if (rate === this.perMs) return;
    this.perMs = rate;
    this.burst = 2 * rate * COST;
    for (const bucket of this.buckets.values()) bucket.milliTokens = Math.min(bucket.milliTokens, this.burst);
  }

  /** Lookups per second per zone this process may send now. */
  get rate(): number {
    return this.perMs;
  }

  /**
   * Take a token for a lookup to `zone`: undefined when it may be sent now, else a
   * promise that resolves when it may (no promise on the common path: bulk checks call
   * this a quarter of a million times). `now` lets a caller taking many at once read
   * the clock once.
   */
  take(zone: string, now = this.now()): Promise<void> | undefined {
    let bucket = this.buckets.get(zone);
    if (!bucket) {
      bucket = new Bucket(this.burst, now);
      this.buckets.set(zone, bucket);
    } else if (now > bucket.updated) {
      bucket.milliTokens = Math.min(this.burst, bucket.milliTokens + (now - bucket.updated) * this.perMs);
      bucket.updated = now;
    }
    bucket.milliTokens -= COST;
    if (bucket.milliTokens >= 0) return undefined;
    // In debt: wait until the bucket has refilled past this lookup's token.
    const waitMs = Math.ceil(-bucket.milliTokens / this.perMs);
    return new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
