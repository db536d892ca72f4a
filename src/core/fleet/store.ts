/**
 * The storage port of the fleet: the replicas of one bot sharing one database. Each
 * replica writes a heartbeat row; a named lease (e.g. the Discord gateway connection) is
 * held by one replica at a time and passes to another when its holder stops renewing it.
 * Both watch stores (SQLite and PostgreSQL) implement it, so one process on SQLite is
 * simply a fleet of one.
 */

export interface ReplicaBeat {
  /** Unique per process start: `${host}:${pid}:${random}`. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  readonly startedAt: number;
}

export interface ReplicaInfo extends ReplicaBeat {
  readonly lastSeen: number;
}

export interface LeaseInfo {
  readonly name: string;
  readonly owner: string;
  readonly until: number;
  readonly acquiredAt: number;
}

export interface FleetStore {
  /** Record that this replica is alive at `now`. */
  heartbeat(replica: ReplicaBeat, now: number): Promise<void>;
  /** Replicas whose last heartbeat is at or after `since`, oldest first. */
  liveReplicas(since: number): Promise<ReplicaInfo[]>;
  /** Forget this replica (a clean shutdown) and replicas not seen since `before`. */
  removeReplicas(ids: readonly string[], before: number): Promise<void>;
  /**
   * Take or renew the lease `name` for `owner` until `until`: succeeds when it is free,
   * expired (its `until` is not after `now`) or already ours. True when `owner` holds it.
   */
  tryLease(name: string, owner: string, until: number, now: number): Promise<boolean>;
  /** Give the lease up at once (shutdown), if `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
  leases(): Promise<LeaseInfo[]>;
}
