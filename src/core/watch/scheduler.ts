/**
 * The one recheck scheduler: a single loop that runs every due watch (earliest first,
 * in batches), then sleeps exactly until the next one is due — no per-watch timers and
 * no coarse tick. Adding or removing a watch pokes it to re-read the schedule.
 */
import type { Clock } from './clock.js';
import { WakeableLoop } from './loop.js';
import type { WatchService } from './service.js';

export interface SchedulerOptions {
  /** Most watches rechecked in one cycle; more due ones run in the next, straight after. */
  readonly batchSize?: number;
  /** Look at the schedule at least this often even with nothing due (default a day). */
  readonly maxSleepMs?: number;
  readonly onError?: (err: unknown) => void;
  readonly onCycle?: (result: Awaited<ReturnType<WatchService['runDue']>>) => void;
}

export class WatchScheduler {
  private readonly loop: WakeableLoop;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly service: WatchService,
    clock: Clock,
    options: SchedulerOptions = {},
  ) {
    const batchSize = options.batchSize ?? 20_000;
    this.loop = new WakeableLoop({
      clock,
      maxSleepMs: options.maxSleepMs ?? 86_400_000,
      errorDelayMs: 30_000,
      onError: options.onError ?? ((err) => console.error('watch scheduler:', err)),
      step: async (signal) => {
        const result = await service.runDue(batchSize, signal);
        if (result.targets > 0) options.onCycle?.(result);
        if (result.abandoned) return 0;
        const next = await service.nextDueAt();
        if (next === null) return Number.POSITIVE_INFINITY;
        return Math.max(0, next - clock.now());
      },
    });
    this.unsubscribe = service.onScheduleChanged(() => this.loop.poke());
  }

  start(): void {
    this.loop.start();
  }

  /** Resolves once the scheduler is asleep again (tests advance the clock, then wait for this). */
  settled(): Promise<void> {
    return this.loop.settled();
  }

  /** Stop scheduling; in-flight checks get `boundMs` to finish or are abandoned uncommitted. */
  async stop(boundMs: number): Promise<boolean> {
    this.unsubscribe();
    return this.loop.stop(boundMs);
  }
}
