/**
 * The global cap on lookups in flight. p-limit (used for the coarser caps) wraps every
 * call in several promises and a queue entry; a bulk recheck makes a quarter of a
 * million lookups, so this hot path takes a slot with a counter and queues only when
 * the cap is reached.
 */

/** Work that needs a slot; start() runs with the slot taken and must see that it is released. */
export interface SlotJob {
  start(): void;
}

export class LookupSlots {
  private active = 0;
  private readonly waiting: (SlotJob | undefined)[] = [];
  private head = 0;

  constructor(private readonly max: number) {}

  /** Take a slot if one is free (the hot path: no promise); the caller must release() it. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  /**
   * Start `job` now if a slot is free, else when one is, in order of arrival. The job
   * itself is the queue entry: a bulk check queues most of its lookups here, and no
   * promise or closure is made for any of them.
   */
  start(job: SlotJob): void {
    if (this.tryAcquire()) job.start();
    else this.waiting.push(job);
  }

  /** start() for a task that returns a promise: resolves to the task's result. */
  whenFree<T>(task: () => Promise<T>): Promise<T> {
    if (this.tryAcquire()) return task();
    return new Promise<T>((resolve) => this.waiting.push({ start: () => resolve(task()) }));
  }

  /** Give a slot back: it passes straight to the longest waiting job, if any. */
  release(): void {
    if (this.head === this.waiting.length) {
      this.active--;
      if (this.head > 0) {
        this.waiting.length = 0;
        this.head = 0;
      }
      return;
    }
    const next = this.waiting[this.head]!;
    this.waiting[this.head++] = undefined;
    // Compact the queue now and then instead of shifting on every release.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    next.start();
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
