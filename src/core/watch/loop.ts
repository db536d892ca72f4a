/**
 * A background loop that runs one step, then sleeps for as long as the step says (until
 * the next watch is due, the next alert may be retried), unless poked awake earlier.
 * Used by the scheduler and the outbox sender; a step never overlaps the previous one.
 */
import type { Clock } from './clock.js';

export interface LoopOptions {
  readonly clock: Clock;
  /** Runs one round; returns how long to sleep (ms) before the next, 0 to go again. */
  readonly step: (signal: AbortSignal) => Promise<number>;
  /** Never sleep longer than this without looking again. */
  readonly maxSleepMs: number;
  /** A failed step is logged and retried after this long. */
  readonly errorDelayMs: number;
  readonly onError: (err: unknown) => void;
}

export class WakeableLoop {
  private running = false;
  private busy = false;
  private poked = false;
  private wake: (() => void) | undefined;
  private cancelTimer: (() => void) | undefined;
  private done: Promise<void> = Promise.resolve();
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly options: LoopOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.busy = true;
    this.done = this.run();
  }

  /** Run a step soon (new watch added, new alert queued) instead of sleeping on. */
  poke(): void {
    if (!this.running) return;
    if (this.wake) {
      this.busy = true;
      this.wake();
    } else {
      this.poked = true;
    }
  }

  /** Resolves when the loop is asleep (or stopped) — tests wait for a round to finish. */
  settled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stop looping. An in-flight step is told to abandon its work (signal) and given up
   * to `boundMs` of wall time; returns whether it finished within that bound.
   */
  async stop(boundMs: number): Promise<boolean> {
    if (!this.running) return true;
    this.running = false;
    this.abort.abort();
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.done.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), boundMs);
      }),
    ]);
    clearTimeout(timer);
    return finished;
  }

  private async run(): Promise<void> {
    const { clock, step, maxSleepMs, errorDelayMs, onError } = this.options;
    while (this.running) {
      this.busy = true;
      this.poked = false;
      let wait: number;
      try {
        wait = await step(this.abort.signal);
      } catch (err) {
        if (!this.running) break;
        onError(err);
        wait = errorDelayMs;
      }
      if (!this.running) break;
      if (this.poked || wait <= 0) {
        // Let timers and I/O run between back-to-back rounds.
        await new Promise((r) => setImmediate(r));
        continue;
      }
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          this.cancelTimer?.();
          this.cancelTimer = undefined;
          this.wake = undefined;
          resolve();
        };
        this.wake = finish;
        this.cancelTimer = clock.setTimer(Math.min(wait, maxSleepMs), () => {
          this.busy = true;
          finish();
        });
        this.busy = false;
        this.flushIdle();
      });
    }
    this.busy = false;
    this.flushIdle();
  }

  private flushIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
