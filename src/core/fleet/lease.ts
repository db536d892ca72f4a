/**
 * A job that runs on one replica at a time (the Discord gateway connection): every replica
 * runs a LeaseHolder for it; the one that takes the lease starts the job and renews the
 * lease every `renewEveryMs`; the others keep trying. When the holder dies its lease runs
 * out after `leaseMs` and the next try by another replica takes over, so the job is back
 * within leaseMs + renewEveryMs. A holder that cannot renew (database unreachable) stops
 * the job before its lease can have run out, so two replicas never run it at once.
 */
import type { Clock } from '../watch/clock.js';
import { WakeableLoop } from '../watch/loop.js';
import type { FleetStore } from './store.js';

export interface LeaseHolderOptions {
  readonly store: FleetStore;
  readonly clock: Clock;
  readonly name: string;
  readonly owner: string;
  /** Default 30 s. */
  readonly leaseMs?: number;
  /** Default a third of the lease. */
  readonly renewEveryMs?: number;
  /** The lease is ours: start the job. A throw gives the lease back (another replica may try). */
  readonly onAcquired: () => Promise<void>;
  /** The lease is gone (or we stop): stop the job. */
  readonly onLost: () => Promise<void>;
  readonly onError?: (err: unknown) => void;
}

export class LeaseHolder {
  private readonly loop: WakeableLoop;
  private holding = false;
  private renewedAt = 0;
  readonly leaseMs: number;
  private readonly renewEveryMs: number;

  constructor(private readonly options: LeaseHolderOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    const every = options.renewEveryMs ?? Math.floor(this.leaseMs / 3);
    this.renewEveryMs = every;
    const onError = options.onError ?? ((err) => console.error(`lease ${options.name}:`, err));
    this.loop = new WakeableLoop({
      clock: options.clock,
      maxSleepMs: every,
      errorDelayMs: every,
      onError,
      step: async () => {
        await this.round(onError);
        return every;
      },
    });
  }

  /** True while this replica holds the lease and runs the job. */
  get held(): boolean {
    return this.holding;
  }

  start(): void {
    this.loop.start();
  }

  /**
   * Try once now, then keep trying in the background. A failure to start the job on this
   * first try is thrown (after giving the lease back), so a refused token stops start-up
   * with its reason instead of being retried quietly.
   */
  async begin(): Promise<void> {
    await this.round((err) => {
      throw err;
    });
    this.start();
  }

  settled(): Promise<void> {
    return this.loop.settled();
  }

  /** Stop trying; stop the job and give the lease up at once so another replica takes over. */
  async stop(boundMs = 5000): Promise<void> {
    await this.loop.stop(boundMs);
    if (this.holding) {
      this.holding = false;
      await this.options.onLost();
      await this.options.store.releaseLease(this.options.name, this.options.owner);
    }
  }

  private async round(onError: (err: unknown) => void): Promise<void> {
    const { store, clock, name, owner } = this.options;
    const now = clock.now();
    let ours: boolean;
    try {
      ours = await store.tryLease(name, owner, now + this.leaseMs, now);
    } catch (err) {
      // Cannot tell: keep the job only if the last renewal surely holds until the next try.
      onError(err);
      if (this.holding && clock.now() + this.renewEveryMs >= this.renewedAt + this.leaseMs) await this.lose();
      return;
    }
    if (ours) {
      this.renewedAt = now;
      if (this.holding) return;
      this.holding = true;
      try {
        await this.options.onAcquired();
      } catch (err) {
        this.holding = false;
        await store.releaseLease(name, owner);
        onError(err);
      }
    } else if (this.holding) {
      await this.lose();
    }
  }

  private async lose(): Promise<void> {
    this.holding = false;
    await this.options.onLost();
  }
}
