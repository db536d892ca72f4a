/**
 * /healthz: 200 when the process, its store and its resolver work, 503 with the reasons
 * otherwise — for a load balancer, Kubernetes or a monitoring check.
 *
 * - store: a small query (the watch counts) answers within the deadline;
 * - resolver: one DNS question through the configured resolvers (the positive RFC 5782
 *   test point of an active IPv4 list) gets an answer — listed, NXDOMAIN or the list's
 *   refusal code all prove the resolver works; a timeout, SERVFAIL or REFUSED does not;
 * - process: the event loop is not stalled (a health request waiting seconds behind
 *   blocked code says so itself) and the watch scheduler is not far behind.
 *
 * The resolver's answer is reused for 10 s so frequent probes do not become DNS load.
 */
import type { Checker } from '../../core/check/checker.js';
import { reverseName } from '../../core/dns/reverse.js';
import type { WatchStore } from '../../core/watch/store.js';

export interface HealthSources {
  readonly checker: Checker;
  readonly store?: WatchStore;
  /** When the earliest watch was due (the scheduler is behind when this is long past). */
  readonly nextDueAt?: () => Promise<number | null>;
  readonly now?: () => number;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

const RESOLVER_CACHE_MS = 10_000;
/** Checks take a minute for 10,000 targets; a scheduler 15 minutes behind is stuck, not busy. */
const SCHEDULER_LAG_MS = 15 * 60_000;
const DEADLINE_MS = 5000;

export function createHealthCheck(sources: HealthSources): () => Promise<HealthReport> {
  const now = sources.now ?? Date.now;
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
    const [store, dns, scheduler] = await Promise.all([
      sources.store ? withDeadline(storeCheck(sources.store), 'the store did not answer') : undefined,
      withDeadline(resolver(), 'the resolver check did not finish'),
      sources.nextDueAt ? withDeadline(schedulerCheck(sources.nextDueAt, now), 'the schedule could not be read') : undefined,
    ]);
    if (store) checks.store = store;
    checks.resolver = dns;
    if (scheduler) checks.scheduler = scheduler;
    const waited = performance.now() - started;
    checks.process =
      waited > DEADLINE_MS
        ? { ok: false, detail: `the health check took ${Math.round(waited)} ms: the event loop is stalled` }
        : { ok: true, detail: `pid ${process.pid}, up ${Math.round(process.uptime())} s` };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
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
