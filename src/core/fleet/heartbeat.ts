/**
 * Each replica's heartbeat: every `intervalMs` it records that it is alive, renews the
 * leases it holds (through `onBeat`), and counts the live replicas (those seen within
 * `liveWithinMs`), which sets its share of the fleet-wide query budget. A replica that
 * stops cleanly deletes its row; one that dies drops out of the count after `liveWithinMs`.
 */
import type { Clock } from '../watch/clock.js';
import { WakeableLoop } from '../watch/loop.js';
import type { FleetStore, ReplicaBeat, ReplicaInfo } from './store.js';

export const DEFAULT_HEARTBEAT_MS = 10_000;

/** Rows of replicas gone this long are deleted (status shows the recently dead a while). */
const FORGET_AFTER_MS = 24 * 3_600_000;

export interface HeartbeatOptions {
  readonly store: FleetStore;
  readonly clock: Clock;
  readonly replica: ReplicaBeat;
  readonly intervalMs?: number;
  /** Default three intervals: one missed beat is not death. */
  readonly liveWithinMs?: number;
  /** Runs on every beat (renew leases). */
  readonly onBeat?: () => Promise<void>;
  /** The live replicas after each beat (this one included). */
  readonly onLive?: (replicas: readonly ReplicaInfo[]) => void;
  readonly onError?: (err: unknown) => void;
}

export class Heartbeat {
  private readonly loop: WakeableLoop;
  readonly intervalMs: number;
  readonly liveWithinMs: number;
  private live: readonly ReplicaInfo[] = [];

  constructor(private readonly options: HeartbeatOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_MS;
    this.liveWithinMs = options.liveWithinMs ?? 3 * this.intervalMs;
    const { store, clock, replica } = options;
    this.loop = new WakeableLoop({
      clock,
      maxSleepMs: this.intervalMs,
      errorDelayMs: this.intervalMs,
      onError: options.onError ?? ((err) => console.error('heartbeat:', err)),
      step: async () => {
        const now = clock.now();
        await store.heartbeat(replica, now);
        await options.onBeat?.();
        this.live = await store.liveReplicas(now - this.liveWithinMs);
        options.onLive?.(this.live);
        return this.intervalMs;
      },
    });
  }

  /** The live replicas as of the last beat. */
  get replicas(): readonly ReplicaInfo[] {
    return this.live;
  }

  start(): void {
    this.loop.start();
  }

  settled(): Promise<void> {
    return this.loop.settled();
  }

  /** Stop beating and delete this replica's row, so the others' shares grow at once. */
  async stop(boundMs: number): Promise<void> {
    await this.loop.stop(boundMs);
    await this.options.store.removeReplicas([this.options.replica.id], this.options.clock.now() - FORGET_AFTER_MS);
  }
}
