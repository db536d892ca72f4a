/**
 * The blocklist checker: turns a target into one lookup per applicable zone, runs them
 * all at once under shared caps (a global concurrency limit and a per-zone rate), and
 * classifies every answer into exactly one of listed / clean / refused / timeout / error.
 */
import ipaddr from 'ipaddr.js';
import pLimit, { type LimitFunction } from 'p-limit';
import type { CheckReport, CheckSummary, LookupResult, ZoneKind } from './types.js';
import { classifyAnswer } from './answers.js';
import { loadCatalogue, type ActiveZone, type Catalogue } from './catalogue.js';
import { createDns, type Dns } from '../dns/resolver.js';
import { isPublicResolver } from '../dns/servers.js';
import { type Outcome } from '../dns/outcome.js';
import { probeZones, type ZoneHealth } from './health.js';
import { LookupSlots } from './lookup-slots.js';
import { ZoneRateLimiter } from './rate-limit.js';
import { isCheckableAddress, parseTarget, registrableDomain, type Target } from './targets.js';
import { reverseName } from '../dns/reverse.js';
import { TurnShare } from './turn-share.js';
import { lookUpZones, type ZoneLookupContext } from './zone-lookups.js';
import type { MetricsSink } from '../metrics.js';

export interface CheckOptions {
  /** Zones (catalogue zone names) to query in addition to the active ones, e.g. a list a bounce named. */
  readonly alsoZones?: readonly string[];
  /** Query only these zones (catalogue zone names). */
  readonly onlyZones?: readonly string[];
}

export interface Checker {
  readonly catalogue: Catalogue;
  readonly dns: Dns;
  /** Check one target. Throws TargetError (a friendly sentence) for input that cannot be checked. */
  check(input: string, options?: CheckOptions): Promise<CheckReport>;
  /** How many zones a check of this kind of target queries ("checking 41 lists…"). */
  zoneCount(kind: ZoneKind): number;
  /** Query every active zone's RFC 5782 test points and remember the verdicts for later checks. */
  probe(): Promise<ZoneHealth[]>;
  /** The last probe's verdict per zone. */
  health(): ReadonlyMap<string, ZoneHealth>;
  /** This process is one of `replicas` sharing one database: use that share of the per-zone rate. */
  setRateShare(replicas: number): void;
  /** Lookups per second per zone this process may send (its share of RBLBOT_ZONE_RATE). */
  zoneRate(): number;
}

export interface CheckerOptions {
  readonly catalogue?: Catalogue;
  readonly dns?: Dns;
  /** host[:port] resolvers; default the system's. Ignored when `dns` is given. */
  readonly resolvers?: readonly string[];
  readonly timeoutMs?: number;
  /** Blocklist lookups over pipelined TCP (default true); ignored when `dns` is given. */
  readonly tcp?: boolean;
  /** Lookups in flight at once across all checks. */
  readonly concurrency?: number;
  /** Lookups per second per zone across all checks. */
  readonly zoneRate?: number;
  readonly zonesFile?: string;
  readonly keys?: { readonly SPAMHAUS_DQS_KEY?: string; readonly ABUSIX_KEY?: string };
  /** Where each lookup's outcome and time are counted (/metrics); none by default. */
  readonly metrics?: MetricsSink;
}

/** Checks set up per turn of the event loop; each makes a few dozen lookups. */
const CHECKS_PER_TURN = 8;

/** Shared by every result without codes (most of them); never mutated. */
const NO_CODES: readonly string[] = Object.freeze([]);

/** Zone verdicts that make a zone's answers meaningless; such zones are left out of checks. */
const UNUSABLE = new Set<ZoneHealth['state']>(['lists-everything']);

export function createChecker(options: CheckerOptions = {}): Checker {
  const catalogue = options.catalogue ?? loadCatalogue({ zonesFile: options.zonesFile, keys: options.keys });
  const dns = options.dns ?? createDns({ servers: options.resolvers, timeoutMs: options.timeoutMs, tcp: options.tcp });
  const concurrency = options.concurrency ?? 1024;
  const slots = new LookupSlots(concurrency);
  // Checks waiting for lookup slots would each hold a few dozen suspended lookups; letting
  // only enough checks start to fill the lookup cap keeps a 10,000-target recheck's memory
  // flat without slowing it down.
  const checkSlots: LimitFunction = pLimit(Math.max(8, Math.ceil(concurrency / 8)));
  const rate = new ZoneRateLimiter(options.zoneRate ?? 500);
  // A few checks set up per turn of the event loop (see TurnShare): enough to keep the
  // lookup slots full, few enough that answers are read while the rest are set up.
  const checkStarts = new TurnShare(CHECKS_PER_TURN);
  let healthByZone = new Map<string, ZoneHealth>();
  const publicResolvers = dns.servers.filter(isPublicResolver);
  const metrics = options.metrics;

  /**
   * One zone's DNS outcome as its result. Synchronous but for listings and refusals,
   * which also fetch the TXT reason: nine answers in ten are NXDOMAIN.
   */
  function readAnswer(
    zone: ActiveZone,
    query: string,
    name: string,
    outcome: Outcome<string[]>,
    started: number,
  ): LookupResult | Promise<LookupResult> {
    if ('failure' in outcome && (outcome.failure === 'NXDOMAIN' || outcome.failure === 'NODATA')) {
      // The common case, built directly. No links: a 10,000-target recheck holds a quarter
      // of a million results, and two fresh URL strings each would double its memory.
      return {
        zone: zone.zone,
        name: zone.name,
        listType: zone.listType,
        query,
        status: 'clean',
        codes: NO_CODES,
        meaning: null,
        txt: null,
        removalUrl: null,
        lookupUrl: null,
        fix: null,
        ms: elapsed(started),
      };
    }
    const base = {
      zone: zone.zone,
      name: zone.name,
      query,
      removalUrl: fill(zone.removalUrl, query),
      lookupUrl: fill(zone.lookupUrl, query),
    };
    if ('value' in outcome) {
      const codes = outcome.value.sort(byNumericValue);
      const verdict = classifyAnswer(zone, codes);
      if (verdict.status !== 'listed' && verdict.status !== 'refused') return { ...base, ...verdict, codes, txt: null, ms: elapsed(started) };
      // The reason is for humans only (SURBL: automate on the A record); never let it fail the lookup.
      return dns.resolveTxt(name).then(
        (records) => ({
          ...base,
          ...verdict,
          codes,
          txt: redactKey(records.length > 0 ? records.join(' ') : null, zone, name),
          ms: elapsed(started),
        }),
        () => ({ ...base, ...verdict, codes, txt: null, ms: elapsed(started) }),
      );
    }
    const common = { ...base, listType: zone.listType, codes: NO_CODES, txt: null, ms: elapsed(started) };
    switch (outcome.failure) {
      case 'TIMEOUT':
        return {
          ...common,
          status: 'timeout',
          meaning: `no answer within ${dns.timeoutMs} ms`,
          fix: 'Not the same as clean: the list or your resolver is slow or down. Check again later.',
        };
      case 'SERVFAIL':
        if (zone.servfailMeansRefused)
          return {
            ...common,
            status: 'refused',
            meaning: zone.servfailMeansRefused,
            fix: `Check that ${zone.key ?? 'your key'} is enabled for this list.`,
          };
        return {
          ...common,
          status: 'error',
          meaning: 'the resolver answered SERVFAIL',
          fix: 'The list could not be reached through your resolver; not the same as clean. Check again later or use another resolver.',
        };
      case 'REFUSED':
        return {
          ...common,
          status: 'error',
          meaning: 'the resolver answered REFUSED',
          fix: 'Your resolver refused the query: allow recursion for this host or set RBLBOT_RESOLVERS.',
        };
      default:
        // The message names the query, and with it any access key: show the keyless zone.
        return { ...common, status: 'error', meaning: outcome.message.split(zone.queryZone).join(zone.zone), fix: null };
    }
  }

  function zonesFor(kind: ZoneKind, options: CheckOptions): ActiveZone[] {
    let zones: ActiveZone[];
    if (options.onlyZones) {
      zones = options.onlyZones.map((z) => resolveZone(z)).filter((z): z is ActiveZone => z !== undefined);
    } else {
      zones = catalogue.activeFor(kind).filter((z) => !UNUSABLE.has(healthByZone.get(z.zone)?.state ?? 'healthy'));
      for (const extra of options.alsoZones ?? []) {
        const z = resolveZone(extra);
        if (z && !zones.some((a) => a.zone === z.zone)) zones.push(z);
      }
    }
    return zones.filter((z) => z.kinds.includes(kind));
  }

  /** A catalogue zone by name, active or not (a bounce may name a list that is off by default); never a dead one. */
  function resolveZone(name: string): ActiveZone | undefined {
    const key = name.toLowerCase();
    const active = catalogue.active.find((z) => z.zone === key);
    if (active) return active;
    const known = catalogue.find(key);
    if (!known || known.key || catalogue.defunctFor(key)) return undefined;
    return { ...known, queryZone: known.zone };
  }

  const lookups: ZoneLookupContext = { dns, slots, rate, read: readAnswer };

  function checkAddress(ip: string, kind: ZoneKind, options: CheckOptions): Promise<LookupResult[]> {
    return lookUpZones(lookups, zonesFor(kind, options), ip, reverseName(ip));
  }

  function checkName(name: string, options: CheckOptions): Promise<LookupResult[]> {
    return lookUpZones(lookups, zonesFor('domain', options), name, name);
  }

  async function reverseDns(ip: string): Promise<{ ptr: string | null; fcrdns: boolean | null }> {
    // Most addresses checked in bulk have no PTR: no exception for that.
    const outcome = await dns.lookupPtr(ip);
    if ('failure' in outcome) return { ptr: null, fcrdns: outcome.failure === 'NXDOMAIN' || outcome.failure === 'NODATA' ? false : null };
    const names = outcome.value;
    const ptr = names[0]?.replace(/\.$/, '').toLowerCase() ?? null;
    if (!ptr) return { ptr: null, fcrdns: false };
    try {
      const forward = await dns.resolveAddresses(ptr);
      const target = ipaddr.parse(ip).toNormalizedString();
      return { ptr, fcrdns: forward.some((a) => ipaddr.isValid(a) && ipaddr.parse(a).toNormalizedString() === target) };
    } catch {
      return { ptr, fcrdns: null };
    }
  }

  function check(input: string, options: CheckOptions = {}): Promise<CheckReport> {
    return checkSlots(() => {
      const wait = checkStarts.take();
      return wait ? wait.then(() => runCheck(input, options)) : runCheck(input, options);
    });
  }

  async function runCheck(input: string, options: CheckOptions): Promise<CheckReport> {
    const started = Date.now();
    const target: Target = parseTarget(input);
    const notes: string[] = [];
    let results: LookupResult[];
    let ptr: string | null = null;
    let fcrdns: boolean | null = null;
    let addresses: string[] = [];
    let registrable: string | null = null;

    if (target.kind === 'domain') {
      registrable = registrableDomain(target.value);
      const resolving = dns.resolveAddresses(target.value).catch((err: unknown) => {
        notes.push(
          `Could not resolve ${target.value} to addresses (${err instanceof Error ? err.message : String(err)}); only the domain lists were checked.`,
        );
        return [] as string[];
      });
      const nameChecks = [checkName(target.value, options), ...(registrable ? [checkName(registrable, options)] : [])];
      const resolved = await resolving;
      addresses = resolved.map((a) => ipaddr.parse(a).toString());
      const checkable = addresses.filter(isCheckableAddress);
      const skipped = addresses.filter((a) => !isCheckableAddress(a));
      if (skipped.length > 0)
        notes.push(`${target.value} resolves to ${skipped.join(', ')}, which public lists cannot list (private or reserved); skipped.`);
      const ipChecks = checkable.map((a) => checkAddress(a, ipaddr.parse(a).kind() === 'ipv4' ? 'ipv4' : 'ipv6', options));
      results = (await Promise.all([...nameChecks, ...ipChecks])).flat();
    } else {
      const [zoneResults, rdns] = await Promise.all([checkAddress(target.value, target.kind, options), reverseDns(target.value)]);
      results = zoneResults;
      ptr = rdns.ptr;
      fcrdns = rdns.fcrdns;
    }

    const excluded = [...healthByZone.values()].filter(
      (h) => UNUSABLE.has(h.state) && catalogue.activeFor(target.kind).some((z) => z.zone === h.zone),
    );
    for (const h of excluded) notes.push(`${h.name} (${h.zone}) was left out: its last health probe showed it ${h.detail}.`);
    notes.push(...resolverNotes(results));
    // Counted once the check is done, from its results: nothing is added to the lookups' hot path.
    if (metrics) for (const r of results) metrics.lookup(r.zone, r.status, r.ms / 1000);

    return {
      target: target.value,
      input: target.input,
      kind: target.kind,
      ptr,
      fcrdns,
      addresses,
      registrableDomain: registrable,
      results,
      summary: summarise(results),
      notes,
      ms: elapsed(started),
    };
  }

  function resolverNotes(results: readonly LookupResult[]): string[] {
    const refusedByResolver = results.some(
      (r) => r.status === 'refused' && /public|open resolver|shared resolver|resolver/i.test(`${r.meaning} ${r.fix}`),
    );
    if (publicResolvers.length > 0) {
      return [
        `Your DNS resolver (${publicResolvers.join(', ')}) is a public DNS service. Lists such as Spamhaus and URIBL refuse queries that come through one, so those lists cannot be checked: run your own recursive resolver without forwarding (set RBLBOT_RESOLVERS), or set SPAMHAUS_DQS_KEY.`,
      ];
    }
    if (refusedByResolver) {
      return [
        'Some lists refused to answer your DNS resolver (it looks like a public, shared or cloud resolver to them). Run your own recursive resolver without forwarding (set RBLBOT_RESOLVERS), or set SPAMHAUS_DQS_KEY for Spamhaus.',
      ];
    }
    return [];
  }

  return {
    catalogue,
    dns,
    check,
    zoneCount: (kind) => zonesFor(kind, {}).length,
    async probe() {
      const report = await probeZones(catalogue.active, dns, rate, (task) => slots.run(task));
      healthByZone = new Map(report.map((h) => [h.zone, h]));
      return report;
    },
    health: () => healthByZone,
    setRateShare: (replicas) => rate.setShare(replicas),
    zoneRate: () => rate.rate,
  };
}

export function summarise(results: readonly LookupResult[]): CheckSummary {
  const summary = { listed: 0, clean: 0, refused: 0, timeout: 0, error: 0, allowed: 0 };
  for (const r of results) {
    if (r.status === 'listed') {
      if (r.listType === 'allow') summary.allowed++;
      else summary.listed++;
    } else summary[r.status]++;
  }
  return summary;
}

function fill(template: string | null, query: string): string | null {
  return template ? template.replace('{query}', encodeURIComponent(query)) : null;
}

/** A TXT record can echo the query name, and with it a DQS/Abusix key: never show it. */
function redactKey(txt: string | null, zone: ActiveZone, name: string): string | null {
  if (!txt || !zone.key || zone.queryZone === zone.zone) return txt;
  const key = zone.queryZone.slice(0, zone.queryZone.length - zone.zone.length + '<key>'.length);
  return txt.split(name).join(name.replace(zone.queryZone, zone.zone)).split(key).join('<key>');
}

function byNumericValue(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * Milliseconds since `started` (from Date.now): a lookup's `ms` is whole milliseconds, and
 * performance.now costs microseconds per call until the JIT has warmed up.
 */
function elapsed(started: number): number {
  return Math.max(0, Date.now() - started);
}
