/**
 * /healthz: 200 when the process, its store and its resolver work, 503 with the reasons
 * otherwise — for a load balancer, Kubernetes or a monitoring check.
 *
 * - store: a small query (the watch counts) answers within the deadline;
 * - resolver: one DNS question through the configured resolvers (the positive RFC 5782
 *   test point of an active IPv4 list) gets an answer — listed, NXDOMAIN or the list's
 *   refusal code all prove the resolver works; a timeout, SERVFAIL or REFUSED does not;
 * - process: the event loop is not stalled (a health request waiting seconds behind
 *   blocked code says so itself) and the watch scheduler is not far behind;
 * - replicas: this replica's heartbeat is on record (a replica whose beats fail has its
 *   leases expire and its work taken over: it is out of the fleet), and the body lists
 *   every live replica, as `rblbot status` does.
 *
 * The resolver's answer is reused for 10 s so frequent probes do not become DNS load.
 */
import type { Checker } from '../../core/check/checker.js';
import type { ReplicaInfo } from '../../core/fleet/store.js';
import { reverseName } from '../../core/dns/reverse.js';
import type { WatchStore } from '../../core/watch/store.js';

export interface HealthSources {
  readonly checker: Checker;
  readonly store?: WatchStore;
  /** When the earliest watch was due (the scheduler is behind when this is long past). */
  readonly nextDueAt?: () => Promise<number | null>;
  readonly now?: () => number;
  /** This process in the fleet on the store: its replica id, and how recent a heartbeat counts as alive (RBLBOT_LEASE). */
  readonly fleet?: { readonly self: string; readonly liveWithinMs: number };
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
  /** The replicas with a heartbeat within the lease (this one marked `self`), when the store could say. */
  readonly replicas?: readonly (ReplicaInfo & { readonly self: boolean })[];
}

const RESOLVER_CACHE_MS = 10_000;
/** Checks take a minute for 10,000 targets; a scheduler 15 minutes behind is stuck, not busy. */
const SCHEDULER_LAG_MS = 15 * 60_000;
const DEADLINE_MS = 5000;

export function createHealthCheck(sources: HealthSources): () => Promise<HealthReport> {
  const now = sources.now ?? Date.now;
  const startedAt = Date.now();
  let resolverCache: { at: number; result: Promise<{ ok: boolean; detail: string }> } | undefined;

  const resolver = (): Promise<{ ok: boolean; detail: string }> => {
    if (resolverCache && now() - resolverCache.at < RESOLVER_CACHE_MS) return resolverCache.result;
    const result = askResolver(sources.checker);
    resolverCache = { at: now(), result };
    return result;
  };

  return async () => {
    const started = performance.now();
    const checks: Record<string, { ok: boolean; detail: string }> = {};
    let replicas: (ReplicaInfo & { self: boolean })[] | undefined;
    const fleetCheck = async (store: WatchStore, fleet: NonNullable<HealthSources['fleet']>) => {
      const result = await replicaCheck(store, fleet, startedAt);
      replicas = result.replicas;
      return result.check;
    };
    const [store, dns, scheduler, fleet] = await Promise.all([
      sources.store ? withDeadline(storeCheck(sources.store), 'the store did not answer') : undefined,
      withDeadline(resolver(), 'the resolver check did not finish'),
      sources.nextDueAt ? withDeadline(schedulerCheck(sources.nextDueAt, now), 'the schedule could not be read') : undefined,
      sources.store && sources.fleet ? withDeadline(fleetCheck(sources.store, sources.fleet), 'the replicas could not be read') : undefined,
    ]);
    if (store) checks.store = store;
    checks.resolver = dns;
    if (scheduler) checks.scheduler = scheduler;
    if (fleet) checks.replicas = fleet;
    const waited = performance.now() - started;
    checks.process =
      waited > DEADLINE_MS
        ? { ok: false, detail: `the health check took ${Math.round(waited)} ms: the event loop is stalled` }
        : { ok: true, detail: `pid ${process.pid}, up ${Math.round(process.uptime())} s` };
    return { ok: Object.values(checks).every((c) => c.ok), checks, ...(replicas ? { replicas } : {}) };
  };
}

/**
 * Heartbeats are written with each replica's wall clock: the window is wall time too. For
 * the first `liveWithinMs` after start-up a missing beat is the first one not written yet.
 */
async function replicaCheck(
  store: WatchStore,
  fleet: NonNullable<HealthSources['fleet']>,
  startedAt: number,
): Promise<{ check: { ok: boolean; detail: string }; replicas: (ReplicaInfo & { self: boolean })[] }> {
  const now = Date.now();
  const live = await store.liveReplicas(now - fleet.liveWithinMs);
  const replicas = live.map((r) => ({ ...r, self: r.id === fleet.self }));
  const within = `heartbeat within ${Math.round(fleet.liveWithinMs / 1000)} s`;
  const others = replicas.filter((r) => !r.self).length;
  const othersText = `${others} other ${others === 1 ? 'replica' : 'replicas'} alive`;
  if (replicas.some((r) => r.self)) {
    return { check: { ok: true, detail: others === 0 ? `this replica alone (${within})` : `this replica and ${othersText} (${within})` }, replicas };
  }
  if (now - startedAt < fleet.liveWithinMs)
    return { check: { ok: true, detail: `starting: first heartbeat not written yet; ${othersText}` }, replicas };
  return {
    check: { ok: false, detail: `this replica (${fleet.self}) has no ${within}: its work passes to the others; ${othersText}` },
    replicas,
  };
}
async function storeCheck(store: WatchStore): Promise<{ ok: boolean; detail: string }> {
  try {
    const c = await store.stats(Date.now());
    return { ok: true, detail: `${c.watches} watches, ${c.pendingAlerts} alerts pending` };
  } catch (err) {
    return { ok: false, detail: `the store failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function schedulerCheck(nextDueAt: () => Promise<number | null>, now: () => number): Promise<{ ok: boolean; detail: string }> {
  const due = await nextDueAt();
  if (due === null) return { ok: true, detail: 'nothing watched' };
  const behind = now() - due;
  if (behind > SCHEDULER_LAG_MS) return { ok: false, detail: `a watch has been due for ${Math.round(behind / 60_000)} minutes: rechecks are stuck` };
  return { ok: true, detail: behind > 0 ? `rechecking (${Math.round(behind / 1000)} s behind)` : 'on schedule' };
}

async function askResolver(checker: Checker): Promise<{ ok: boolean; detail: string }> {
  const zone = checker.catalogue.activeFor('ipv4')[0];
  const servers = checker.dns.servers.join(', ');
  if (!zone) return { ok: true, detail: 'no IPv4 list is active; nothing to ask' };
  const point = zone.testPoint.positive ?? '127.0.0.2';
  const name = `${/^\d+\.\d+\.\d+\.\d+$/.test(point) ? reverseName(point) : point}.${zone.queryZone}`;
  const started = performance.now();
  const outcome = await checker.dns.lookupA(name);
  const ms = Math.round(performance.now() - started);
  if ('value' in outcome || outcome.failure === 'NXDOMAIN' || outcome.failure === 'NODATA') {
    return { ok: true, detail: `${servers} answered in ${ms} ms` };
  }
  const why = outcome.failure === 'TIMEOUT' ? `did not answer within ${checker.dns.timeoutMs} ms` : `answered ${outcome.failure}`;
  return { ok: false, detail: `the resolver ${servers} ${why} (asked ${zone.zone}'s test point)` };
}

async function withDeadline<T extends { ok: boolean; detail: string }>(work: Promise<T>, what: string): Promise<{ ok: boolean; detail: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<{ ok: boolean; detail: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `${what} within ${DEADLINE_MS} ms` }), DEADLINE_MS);
      }),
    ]);
  } catch (err) {
    return { ok: false, detail: `${what}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
  }
}
