/**
 * Runs the commands of piped console input side by side, at most `limit` at once, each
 * started in input order. A stateful command (/watch) is a barrier: it starts once every
 * earlier command is done, and later ones wait for it, so a script reads as it was typed.
 * On shutdown the queue is dropped: what runs finishes, what waits never starts.
 */

export interface QueuedJob {
  readonly stateful: boolean;
  /** Starts the work; resolves when it is done (never rejects). */
  readonly start: () => Promise<void>;
  /** Called instead of start when the queue is dropped. */
  readonly drop: () => void;
}

export class LineQueue {
  private readonly waiting: QueuedJob[] = [];
  private running = 0;
  private barrier = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  push(job: QueuedJob): void {
    this.waiting.push(job);
    this.pump();
  }

  /** Never start what waits; returns how many were dropped. */
  drop(): number {
    const dropped = this.waiting.splice(0);
    for (const job of dropped) job.drop();
    this.settle();
    return dropped.length;
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.waiting.length > 0 && !this.barrier) {
      const next = this.waiting[0]!;
      if (next.stateful ? this.running > 0 : this.running >= this.limit) break;
      this.waiting.shift();
      this.running++;
      this.barrier = next.stateful;
      void next.start().finally(() => {
        this.running--;
        if (next.stateful) this.barrier = false;
        this.pump();
        this.settle();
      });
    }
  }

  private settle(): void {
    if (this.running > 0 || this.waiting.length > 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}
