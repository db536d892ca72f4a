/**
 * The blocklist checker: turns a target into one lookup per applicable zone, runs them
 * all at once under shared caps (a global concurrency limit and a per-zone rate), and
 * classifies every answer into exactly one of listed / clean / refused / timeout / error.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { CheckReport, CheckSummary, LookupResult, ZoneKind } from './types.js';
import { classifyAnswer } from './answers.js';
import { loadCatalogue, type ActiveZone, type Catalogue } from './catalogue.js';
import { createDns, type Dns } from '../dns/resolver.js';
import { isPublicResolver } from '../dns/servers.js';
import { type DnsFailure, type Outcome } from '../dns/outcome.js';
import { probeZone, type ZoneHealth } from './health.js';
import { earnedResult, FAILURE_MEANING, resolverProblem } from './earned.js';
import { LookupSlots } from './lookup-slots.js';
import { canonicalAddress } from '../address-policy.js';
import { SlidingWindowLimiter, type RateDecision } from '../user-limit.js';
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
  /**
   * Query every active zone's RFC 5782 test points and remember the verdicts for later
   * checks (the bot does this at start-up and every few minutes; a check whose zones have
   * no fresh verdict probes them itself, beside its own lookups).
   */
  probe(): Promise<ZoneHealth[]>;
  /** The latest verdict per zone. */
  health(): ReadonlyMap<string, ZoneHealth>;
  /**
   * Count `addresses` chat-started checks (a range counts each address) for `userKey`
   * against the per-user limit. Chat commands call it; the CLI does not.
   */
  takeUserChecks(userKey: string, addresses: number): RateDecision;
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
  /** How long a zone's test-point verdict is trusted before a check probes it again (default 10 minutes). */
  readonly healthMaxAgeMs?: number;
  /** Addresses of one name checked on the IP lists (default 10); the rest are named in a note. */
  readonly maxAddressesPerName?: number;
  /** Addresses one chat user may check per window (default 300 per 10 minutes: a /24 and more). */
  readonly perUserLimit?: number;
  readonly perUserWindowMs?: number;
  /** Clock for the per-user limit (tests). */
  readonly now?: () => number;
  /** Where each lookup's outcome and time are counted (/metrics); none by default. */
  readonly metrics?: MetricsSink;
}

/** Checks set up per turn of the event loop; each makes a few dozen lookups. */
const CHECKS_PER_TURN = 8;

/**
 * Checks under way at which a new one still asks each zone's TXT reason beside its A
 * record (one round trip for a listing instead of two). A CLI run or a chat /rbl of a
 * few targets does; a bulk recheck, whose queries it would double, does not.
 */
const EAGER_TXT_CHECKS = 5;

/**
 * Lookups in flight on a resolver before a TCP connection to it is opened. A one-IP check
 * makes about 200 (50 lists' A and TXT, their two test points, the PTR). Behind a fresh
 * Unbound or dnsmasq (issue 17, 100 addresses × 50 lists) UDP alone was faster: Unbound
 * 1.06 s against 1.28–1.34 s with TCP, and dnsmasq leaves pipelined TCP queries waiting
 * until their UDP retry (about 130 retries a check). So TCP is kept for windows larger
 * than those resolvers settle at (about 128), where it saves system calls.
 */
const UDP_BEFORE_TCP = 512;

/** Shared by every result without codes (most of them); never mutated. */
const NO_CODES: readonly string[] = Object.freeze([]);

/**
 * A zone's test-point verdict is trusted this long. The bot re-probes every 5 minutes
 * (start-bot.ts), so its checks never wait for a probe; a one-shot CLI check has none
 * and probes beside its own lookups, which costs it no time.
 */
const HEALTH_MAX_AGE_MS = 10 * 60_000;

/**
 * Addresses of one name checked on the IP lists. Mail hosts have a handful; a name with
 * 200 A records would cost 200 × 23 lookups (and minutes of a list's fair-use budget).
 */
export const MAX_ADDRESSES_PER_NAME = 10;

/** A zone's latest test-point verdict and the probe under way, if any. */
interface HealthEntry {
  health?: ZoneHealth;
  pending?: Promise<ZoneHealth>;
}

export function createChecker(options: CheckerOptions = {}): Checker {
  const catalogue = options.catalogue ?? loadCatalogue({ zonesFile: options.zonesFile, keys: options.keys });
  const dns = options.dns ?? createDns({ servers: options.resolvers, timeoutMs: options.timeoutMs, tcp: options.tcp, udpBeforeTcp: UDP_BEFORE_TCP });
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
  const healthByZone = new Map<string, HealthEntry>();
  const healthMaxAgeMs = options.healthMaxAgeMs ?? HEALTH_MAX_AGE_MS;
  const maxAddresses = options.maxAddressesPerName ?? MAX_ADDRESSES_PER_NAME;
  const publicResolvers = dns.servers.filter(isPublicResolver);
  const perUser = new SlidingWindowLimiter(options.perUserLimit ?? 300, options.perUserWindowMs ?? 10 * 60_000, options.now);

  /** Probe one zone's test points, once at a time; the verdict is kept for later checks. */
  function probeOne(zone: ActiveZone): Promise<ZoneHealth> {
    const entry = healthByZone.get(zone.zone) ?? {};
    healthByZone.set(zone.zone, entry);
    if (entry.pending) return entry.pending;
    const pending = probeZone(zone, dns, rate, (task) => slots.run(task)).then((health) => {
      entry.health = health;
      entry.pending = undefined;
      return health;
    });
    entry.pending = pending;
    return pending;
  }

  /**
   * Fresh verdicts for these zones: undefined when every one is known (the common case in
   * the bot: no promise), else a promise that settles once the missing ones are probed.
   */
  function healthOf(zones: readonly ActiveZone[]): Promise<unknown> | undefined {
    let waiting: Promise<ZoneHealth>[] | undefined;
    const now = Date.now();
    for (const zone of zones) {
      const entry = healthByZone.get(zone.zone);
      if (entry?.pending) (waiting ??= []).push(entry.pending);
      else if (!entry?.health || now - entry.health.at > healthMaxAgeMs) (waiting ??= []).push(probeOne(zone));
    }
    return waiting && Promise.all(waiting);
  }

  function latestHealth(): Map<string, ZoneHealth> {
    const out = new Map<string, ZoneHealth>();
    for (const [zone, entry] of healthByZone) if (entry.health) out.set(zone, entry.health);
    return out;
  }
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
    eagerTxt?: Promise<string[] | null>,
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
      return (eagerTxt ?? dns.resolveTxt(name)).then(
        (records) => ({
          ...base,
          ...verdict,
          codes,
          txt: redactKey(records && records.length > 0 ? records.join(' ') : null, zone, name),
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
          meaning: FAILURE_MEANING.timeout(dns.timeoutMs),
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
          meaning: FAILURE_MEANING.servfail,
          fix: 'The list could not be reached through your resolver; not the same as clean. Check again later or use another resolver.',
        };
      case 'REFUSED':
        return {
          ...common,
          status: 'error',
          meaning: FAILURE_MEANING.refusedRcode,
          fix: 'Your resolver refused the query: allow recursion for this host or set RBLBOT_RESOLVERS.',
        };
      default:
        if (/connection refused/i.test(outcome.message))
          return {
            ...common,
            status: 'error',
            meaning: FAILURE_MEANING.unreachable,
            fix: 'Nothing listens for DNS at your resolver address: check RBLBOT_RESOLVERS (or --resolver).',
          };
        // The message names the query, and with it any access key: show the keyless zone.
        return { ...common, status: 'error', meaning: outcome.message.split(zone.queryZone).join(zone.zone), fix: null };
    }
  }

  function zonesFor(kind: ZoneKind, options: CheckOptions): readonly ActiveZone[] {
    // The common case (every check of a bulk recheck): the catalogue's own list, no copies.
    if (!options.onlyZones && !options.alsoZones?.length) return catalogue.activeFor(kind);
    let zones: ActiveZone[];
    if (options.onlyZones) {
      zones = options.onlyZones.map((z) => resolveZone(z)).filter((z): z is ActiveZone => z !== undefined);
    } else {
      zones = [...catalogue.activeFor(kind)];
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

  function checkAddress(ip: string, kind: ZoneKind, options: CheckOptions, eagerTxt: boolean): Promise<LookupResult[]> {
    return lookUpZones(lookups, zonesFor(kind, options), ip, reverseName(ip), eagerTxt);
  }

  function checkName(name: string, options: CheckOptions, eagerTxt: boolean): Promise<LookupResult[]> {
    return lookUpZones(lookups, zonesFor('domain', options), name, name, eagerTxt);
  }

  async function reverseDns(ip: string): Promise<{ ptr: string | null; fcrdns: boolean | null; ptrError: string | null }> {
    // Most addresses checked in bulk have no PTR: no exception for that.
    const outcome = await dns.lookupPtr(ip);
    if ('failure' in outcome) {
      if (outcome.failure === 'NXDOMAIN' || outcome.failure === 'NODATA') return { ptr: null, fcrdns: false, ptrError: null };
      // No answer is not "no PTR": both stay unknown, and the reason goes with them.
      return { ptr: null, fcrdns: null, ptrError: ptrFailure(outcome, dns.timeoutMs) };
    }
    const names = outcome.value;
    const ptr = names[0]?.replace(/\.$/, '').toLowerCase() ?? null;
    if (!ptr) return { ptr: null, fcrdns: false, ptrError: null };
    try {
      const forward = await dns.resolveAddresses(ptr);
      const target = canonicalAddress(ip);
      return { ptr, fcrdns: forward.some((a) => canonicalAddress(a) === target), ptrError: null };
    } catch {
      return { ptr, fcrdns: null, ptrError: null };
    }
  }

  /**
   * Checks asked for and not yet answered. Counted when asked and read when the check
   * starts (a later turn: p-limit starts nothing synchronously), so that every check of a
   * bulk recheck or a 100-address `rblbot check`, asked together, sees the crowd — the
   * first five of 100 no longer ask 250 TXT reasons that nothing needs (issue 17).
   */
  let outstanding = 0;

  function check(input: string, options: CheckOptions = {}): Promise<CheckReport> {
    outstanding++;
    // A check (nearly) alone asks the TXT reasons beside the A records.
    const run = (): Promise<CheckReport> => checkTarget(input, options, outstanding <= EAGER_TXT_CHECKS);
    const done = checkSlots(() => {
      const wait = checkStarts.take();
      return wait ? wait.then(run) : run();
    });
    const settled = (): void => void outstanding--;
    done.then(settled, settled);
    return done;
  }

  async function checkTarget(input: string, options: CheckOptions, eagerTxt: boolean): Promise<CheckReport> {
    const started = Date.now();
    const target: Target = parseTarget(input);
    const notes: string[] = [];
    let results: LookupResult[];
    let ptr: string | null = null;
    let fcrdns: boolean | null = null;
    let ptrError: string | null = null;
    let addresses: string[] = [];
    let addressesError: string | null = null;
    let registrable: string | null = null;
    // The zones' test-point verdicts, probed beside the lookups when they are not fresh.
    const probes: (Promise<unknown> | undefined)[] = [];

    if (target.kind === 'domain') {
      registrable = registrableDomain(target.value);
      const resolving = dns.resolveAddresses(target.value).catch((err: unknown) => {
        addressesError = err instanceof Error ? err.message : String(err);
        return [] as string[];
      });
      probes.push(healthOf(zonesFor('domain', options)));
      const nameChecks = [checkName(target.value, options, eagerTxt), ...(registrable ? [checkName(registrable, options, eagerTxt)] : [])];
      const resolved = await resolving;
      addresses = [...new Set(resolved.map((a) => canonicalAddress(a) ?? a))];
      const checkable = addresses.filter(isCheckableAddress);
      const skipped = addresses.filter((a) => !isCheckableAddress(a));
      if (skipped.length > 0)
        notes.push(`${target.value} resolves to ${skipped.join(', ')}, which public lists cannot list (private or reserved); skipped.`);
      if (checkable.length > maxAddresses) {
        const left = checkable.length - maxAddresses;
        notes.push(
          `${target.value} has ${checkable.length} addresses; the first ${maxAddresses} were checked on the IP lists and ${left} ${left === 1 ? 'was' : 'were'} skipped (check them one by one, or as a range).`,
        );
        checkable.length = maxAddresses;
      }
      const kinds = new Set(checkable.map((a) => (a.includes(':') ? 'ipv6' : 'ipv4') as ZoneKind));
      for (const kind of kinds) probes.push(healthOf(zonesFor(kind, options)));
      // A name with many addresses is a bulk check of its own: TXT only for listings.
      const eagerIps = eagerTxt && checkable.length <= 2;
      const ipChecks = checkable.map((a) => checkAddress(a, a.includes(':') ? 'ipv6' : 'ipv4', options, eagerIps));
      results = (await Promise.all([...nameChecks, ...ipChecks])).flat();
    } else {
      probes.push(healthOf(zonesFor(target.kind, options)));
      const [zoneResults, rdns] = await Promise.all([checkAddress(target.value, target.kind, options, eagerTxt), reverseDns(target.value)]);
      results = zoneResults;
      ({ ptr, fcrdns, ptrError } = rdns);
    }

    const pending = probes.filter((p) => p !== undefined);
    if (pending.length > 0) await Promise.all(pending);
    const health = latestHealth();
    results = results.map((r) => earnedResult(r, health.get(r.zone)));
    const problem = resolverProblem(results, health, dns.servers, dns.timeoutMs);
    if (!problem) notes.push(...resolverNotes(results));
    if (problem?.hidesAnswers && ptr === null && ptrError === null) {
      // "No such name" for the PTR from a resolver that says so even for the lists' test points proves nothing.
      fcrdns = null;
      ptrError = NOT_TRUSTED;
    }
    if (problem?.hidesAnswers && target.kind === 'domain' && addresses.length === 0 && addressesError === null) addressesError = NOT_TRUSTED;
    if (metrics) for (const r of results) metrics.lookup(r.zone, r.status, r.ms / 1000);

    return {
      target: target.value,
      input: target.input,
      kind: target.kind,
      ptr,
      fcrdns,
      ptrError,
      addresses,
      addressesError,
      registrableDomain: registrable,
      results,
      summary: summarise(results),
      resolvers: dns.servers,
      resolverProblem: problem?.sentence ?? null,
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
    probe: () => Promise.all(catalogue.active.map(probeOne)),
    takeUserChecks: (userKey, addresses) => perUser.take(userKey, addresses),
    health: latestHealth,
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

/** A "no such name" from a resolver that says so even for the lists' test points proves nothing. */
const NOT_TRUSTED = 'not trusted: this resolver answers "no such name" even for blocklist test points';

/** Why a PTR lookup gave no answer, for `ptrError`. */
function ptrFailure(outcome: { failure: DnsFailure; message: string }, timeoutMs: number): string {
  switch (outcome.failure) {
    case 'TIMEOUT':
      return `no answer within ${timeoutMs} ms`;
    case 'SERVFAIL':
      return 'the resolver answered SERVFAIL';
    case 'REFUSED':
      return 'the resolver answered REFUSED';
    default:
      if (/connection refused/i.test(outcome.message)) return 'nothing answers DNS at the resolver: connection refused';
      // "PTR 5.113.0.203.in-addr.arpa: …": the reason, without the name.
      return outcome.message.replace(/^PTR \S+: /, '');
  }
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
