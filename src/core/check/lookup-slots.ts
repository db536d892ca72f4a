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

/**
 * New lookups started in one turn of the event loop; the rest start in the next turns.
 * Starting a 1,000-target recheck's first thousand lookups at once would hold the event
 * loop for tens of milliseconds (other commands wait), and a fresh connection cannot
 * send the first of them before the turn ends. A few hundred per turn keeps the loop
 * responsive and lets the resolver answer while the rest are being written.
 */
const STARTS_PER_TURN = 256;

export class LookupSlots {
  private active = 0;
  private readonly waiting: (SlotJob | undefined)[] = [];
  private head = 0;
  private startedThisTurn = 0;

  constructor(
    private readonly max: number,
    private readonly perTurn = STARTS_PER_TURN,
  ) {}

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
    if (this.head === this.waiting.length && this.startedThisTurn < this.perTurn && this.tryAcquire()) {
      this.countStart();
      job.start();
    } else {
      this.waiting.push(job);
      this.countStart(); // makes sure a next turn comes to start it if a slot is free
    }
  }

  /** Count a start in this turn; the first of a turn arranges the next turn's reset and catch-up. */
  private countStart(): void {
    if (this.startedThisTurn++ === 0) setImmediate(() => this.nextTurn());
  }

  /** A new turn: start waiting jobs on free slots, up to the turn's share. */
  private nextTurn(): void {
    this.startedThisTurn = 0;
    while (this.head < this.waiting.length && this.active < this.max && this.startedThisTurn < this.perTurn) {
      this.active++;
      this.countStart();
      this.shift().start();
    }
  }

  /**
   * start() for a task that returns a promise: resolves to the task's result. For the
   * occasional caller (zone health probes): it takes a free slot without counting
   * against the turn's share of starts.
   */
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
    this.shift().start();
  }

  /** The longest waiting job, taken off the queue. */
  private shift(): SlotJob {
    const next = this.waiting[this.head]!;
    this.waiting[this.head++] = undefined;
    // Compact the queue now and then instead of shifting on every release.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return next;
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
