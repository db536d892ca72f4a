/**
 * A sliding-window limit per key ("3 relay tests per user per 10 minutes"). In memory:
 * a restart forgets it, which is fine for a courtesy limit that protects third-party
 * servers from a chat user hammering them.
 */
export interface RateDecision {
  readonly allowed: boolean;
  /** When refused: how long until the oldest use leaves the window. */
  readonly retryAfterMs: number;
  readonly limit: number;
  readonly windowMs: number;
}

export class SlidingWindowLimiter {
  private readonly uses = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record a use of `key` if the limit allows it. */
  take(key: string): RateDecision {
    const now = this.now();
    const recent = (this.uses.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.uses.set(key, recent);
      return { allowed: false, retryAfterMs: this.windowMs - (now - recent[0]!), limit: this.limit, windowMs: this.windowMs };
    }
    recent.push(now);
    this.uses.set(key, recent);
    // Keep the map from growing with one-off users.
    if (this.uses.size > 10_000) this.prune(now);
    return { allowed: true, retryAfterMs: 0, limit: this.limit, windowMs: this.windowMs };
  }

  /** Give back the latest use of `key` (the action it was taken for never happened). */
  refund(key: string): void {
    this.uses.get(key)?.pop();
  }

  private prune(now: number): void {
    for (const [key, times] of this.uses) {
      if (times.every((t) => now - t >= this.windowMs)) this.uses.delete(key);
    }
  }
}
