/**
 * A per-zone token bucket. Lists publish fair-use limits (landscape pitfall 8), so each
 * list gets at most `perSecond` lookups a second across all checks, sustained, with a
 * burst of two seconds' worth: a one-off check of a thousand addresses goes out at once,
 * a 10,000-address recheck settles at the sustained rate.
 */
export class ZoneRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    // Date.now: the bucket needs milliseconds, and performance.now costs microseconds
    // per call until the JIT has warmed up, on a path taken for every lookup.
    private readonly now: () => number = Date.now,
  ) {
    this.burst = 2 * perSecond;
  }

  /**
   * Take a token for a lookup to `zone`: undefined when it may be sent now, else a
   * promise that resolves when it may (no promise on the common path: bulk checks call
   * this a quarter of a million times).
   */
  take(zone: string): Promise<void> | undefined {
    const now = this.now();
    let bucket = this.buckets.get(zone);
    if (!bucket) {
      bucket = { tokens: this.burst, updated: now };
      this.buckets.set(zone, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (Math.max(0, now - bucket.updated) * this.perSecond) / 1000);
    bucket.updated = now;
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return undefined;
    // In debt: wait until the bucket has refilled past this lookup's token.
    const waitMs = (-bucket.tokens * 1000) / this.perSecond;
    return new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
