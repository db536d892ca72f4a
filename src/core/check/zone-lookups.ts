/**
 * The blocklist lookups of one check: one per zone, under the per-zone rate and the
 * global slot cap, answered into one array.
 *
 * Why plain objects instead of a promise chain per lookup: a check of 100 addresses
 * makes 2,400 lookups at once, and a promise per layer (slot, lookup, answer) made
 * about 3 KB of garbage each, all of it alive until the answers came, so the garbage
 * collector copied it again and again. Here each lookup is one object that is at once
 * the slot queue's entry and the DNS layer's outcome sink, and a check has one promise.
 */
import type { ActiveZone } from './catalogue.js';
import type { LookupResult } from './types.js';
import type { Dns } from '../dns/resolver.js';
import type { Outcome, OutcomeSink } from '../dns/outcome.js';
import type { LookupSlots, SlotJob } from './lookup-slots.js';
import type { ZoneRateLimiter } from './rate-limit.js';

/**
 * Turns a zone's DNS outcome into its result (a promise only when it also fetches the
 * TXT reason); `txt` is the TXT answer already asked for beside the A lookup, if it was.
 */
export type AnswerReader = (
  zone: ActiveZone,
  query: string,
  name: string,
  outcome: Outcome<string[]>,
  startedAt: number,
  txt?: Promise<string[] | null>,
) => LookupResult | Promise<LookupResult>;

export interface ZoneLookupContext {
  readonly dns: Dns;
  readonly slots: LookupSlots;
  readonly rate: ZoneRateLimiter;
  readonly read: AnswerReader;
}

/**
 * Look `query` up (as `label`) on every zone; the results come in the zones' order. With
 * `eagerTxt`, each zone's TXT reason is asked at the same time as its A record, so that a
 * listing costs one round trip instead of two: worth it for a check alone (the CLI's, a
 * chat /rbl), not for a bulk recheck, whose queries it would double.
 */
export function lookUpZones(
  context: ZoneLookupContext,
  zones: readonly ActiveZone[],
  query: string,
  label: string,
  eagerTxt = false,
): Promise<LookupResult[]> {
  if (zones.length === 0) return Promise.resolve([]);
  return new Promise((resolve) => {
    const batch = new ResultBatch(zones.length, resolve);
    const now = Date.now();
    for (let i = 0; i < zones.length; i++) {
      const zone = zones[i]!;
      const lookup = new ZoneLookup(context, batch, i, zone, query, `${label}.${zone.queryZone}`, eagerTxt);
      const wait = context.rate.take(zone.zone, now);
      if (wait) void wait.then(() => context.slots.start(lookup));
      else context.slots.start(lookup);
    }
  });
}

/** The results of one check's lookups; resolves when the last one is in. */
class ResultBatch {
  private readonly results: LookupResult[];
  private remaining: number;

  constructor(
    count: number,
    private readonly resolve: (results: LookupResult[]) => void,
  ) {
    this.results = new Array<LookupResult>(count);
    this.remaining = count;
  }

  put(index: number, result: LookupResult): void {
    this.results[index] = result;
    if (--this.remaining === 0) this.resolve(this.results);
  }
}

class ZoneLookup implements SlotJob, OutcomeSink {
  private startedAt = 0;
  /** The TXT reason, asked beside the A record (eager mode); null when there is none. */
  private txt: Promise<string[] | null> | undefined;

  constructor(
    private readonly context: ZoneLookupContext,
    private readonly batch: ResultBatch,
    private readonly index: number,
    private readonly zone: ActiveZone,
    private readonly query: string,
    private readonly name: string,
    private readonly eagerTxt: boolean,
  ) {}

  /** Called with a slot taken. */
  start(): void {
    this.startedAt = Date.now();
    // Nine names in ten have no TXT record: its failure is expected, and read as "none".
    if (this.eagerTxt) this.txt = this.context.dns.lookupTxt(this.name).then((outcome) => ('value' in outcome ? outcome.value : null));
    try {
      this.context.dns.sendA(this.name, this);
    } catch (err) {
      // Never let one lookup's failure escape into whoever gave us the slot (an answer
      // being read, for one): it becomes this lookup's outcome, a moment later.
      const message = `A ${this.name}: ${err instanceof Error ? err.message : String(err)}`;
      queueMicrotask(() => this.settle({ failure: 'ERROR', message }));
    }
  }

  settle(outcome: Outcome<string[]>): void {
    // The slot goes to the next waiting lookup before this answer is read: the TXT
    // reason of a listing is not worth holding a slot for.
    this.context.slots.release();
    let result: LookupResult | Promise<LookupResult>;
    try {
      result = this.context.read(this.zone, this.query, this.name, outcome, this.startedAt, this.txt);
    } catch (err) {
      result = this.failed(err);
    }
    if (result instanceof Promise) {
      void result.then(
        (r) => this.batch.put(this.index, r),
        (err: unknown) => this.batch.put(this.index, this.failed(err)),
      );
    } else this.batch.put(this.index, result);
  }

  /** A bug in reading one answer costs that lookup, not the check (and never the process). */
  private failed(err: unknown): LookupResult {
    return {
      zone: this.zone.zone,
      name: this.zone.name,
      listType: this.zone.listType,
      query: this.query,
      status: 'error',
      codes: [],
      meaning: `internal error reading the answer: ${err instanceof Error ? err.message : String(err)}`,
      txt: null,
      removalUrl: null,
      lookupUrl: null,
      fix: null,
      ms: Math.max(0, Date.now() - this.startedAt),
    };
  }
}
