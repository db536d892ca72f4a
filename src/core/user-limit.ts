/**
 * A sliding-window limit per key ("3 relay tests per user per 10 minutes", "300
 * addresses checked per user per 10 minutes"). In memory: a restart forgets it, which is
 * fine for a courtesy limit that protects third-party servers and blocklists from a chat
 * user hammering them. A use may cost more than one (a range of 256 addresses).
 */
export interface RateDecision {
  readonly allowed: boolean;
  /** When refused: how long until the oldest use leaves the window. */
  readonly retryAfterMs: number;
  readonly limit: number;
  readonly windowMs: number;
}

/** One use: when, and how much of the limit it took. */
interface Use {
  readonly at: number;
  readonly cost: number;
}

export class SlidingWindowLimiter {
  private readonly uses = new Map<string, Use[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record a use of `key` costing `cost` if the limit allows it (a use costing more than the whole limit never is). */
  take(key: string, cost = 1): RateDecision {
    const now = this.now();
    const recent = (this.uses.get(key) ?? []).filter((u) => now - u.at < this.windowMs);
    let used = recent.reduce((sum, u) => sum + u.cost, 0);
    if (used + cost > this.limit) {
      this.uses.set(key, recent);
      // Wait until enough old uses have left the window to make room for this one.
      let retryAfterMs = this.windowMs;
      for (const u of recent) {
        used -= u.cost;
        if (used + cost <= this.limit) {
          retryAfterMs = this.windowMs - (now - u.at);
          break;
        }
      }
      return { allowed: false, retryAfterMs, limit: this.limit, windowMs: this.windowMs };
    }
    recent.push({ at: now, cost });
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
    for (const [key, uses] of this.uses) {
      if (uses.every((u) => now - u.at >= this.windowMs)) this.uses.delete(key);
    }
  }
}
