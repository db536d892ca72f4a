/**
 * The global cap on lookups in flight. p-limit (used for the coarser caps) wraps every
 * call in several promises and a queue entry; a bulk recheck makes a quarter of a
 * million lookups, so this hot path takes a slot with a counter and queues only when
 * the cap is reached.
 */
export class LookupSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(private readonly max: number) {}

  /** Take a slot if one is free (the hot path: no promise); the caller must release() it. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  /**
   * Start `task` with a slot taken as soon as one is free; `task` must release() it. One
   * promise per waiting task: a bulk check queues most of its lookups here.
   */
  whenFree<T>(task: () => Promise<T>): Promise<T> {
    if (this.tryAcquire()) return task();
    return new Promise<T>((resolve) =>
      this.waiting.push(() => {
        this.active++;
        resolve(task());
      }),
    );
  }

  /** Give a slot back, and with it the turn to the longest waiting. */
  release(): void {
    this.active--;
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as () => void;
      // Compact the queue now and then instead of shifting on every release.
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
    }
  }

  /** Run `task` when a slot is free; the slot is released when its promise settles. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.whenFree(() => {
      const promise = task();
      const release = (): void => this.release();
      promise.then(release, release);
      return promise;
    });
  }
}
