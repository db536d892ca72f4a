/**
 * Time as the scheduler and sender see it. Production uses the system clock; tests use
 * ManualClock and move time forward themselves, so "an hour later" takes no time.
 */
export interface Clock {
  now(): number;
  /** Call `fn` after `ms` (of this clock's time); returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** setTimeout cannot wait longer than ~24.8 days; loops re-evaluate well before that. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    return () => clearTimeout(t);
  },
};

/** A clock that only moves when told to; timers fire in order during advance(). */
export class ManualClock implements Clock {
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(private t = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }

  /** Timers still waiting (for tests asserting that a loop sleeps until a due time). */
  pendingTimers(): number[] {
    return this.timers.map((x) => x.at).sort((a, b) => a - b);
  }
}
