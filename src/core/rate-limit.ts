/**
 * A per-zone token bucket: each list gets at most `perSecond` lookups a second across all
 * checks, with a burst of one second's worth. Lists publish fair-use limits (landscape
 * pitfall 8); a bulk recheck must not hammer one of them.
 */
export class ZoneRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Take a token for a lookup to `zone`: undefined when it may be sent now, else a
   * promise that resolves when it may (no promise on the common path: bulk checks call
   * this a quarter of a million times).
   */
  take(zone: string): Promise<void> | undefined {
    const now = this.now();
    let bucket = this.buckets.get(zone);
    if (!bucket) {
      bucket = { tokens: this.perSecond, updated: now };
      this.buckets.set(zone, bucket);
    }
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.updated) * this.perSecond) / 1000);
    bucket.updated = now;
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return undefined;
    // In debt: wait until the bucket has refilled past this lookup's token.
    const waitMs = (-bucket.tokens * 1000) / this.perSecond;
    return new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
