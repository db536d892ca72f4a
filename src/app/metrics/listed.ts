/**
 * rblbot_listed{target,zone,list_type}: 1 when a watched target is (confirmed) listed on
 * a list, 0 when it is not — one series for every watched target × every list a check of
 * it queries, as dnsbl_exporter users know it, so `rblbot_listed == 1` is the alert and a
 * cleared listing goes to 0 rather than vanishing. Allow-lists are left out (a hit there
 * is good news) and so are zones the health probe found listing everything (checks skip
 * them). A name's series cover the domain lists and the address lists of what it
 * resolves to (1 when any of its addresses is listed there). Targets not checked yet
 * have no series.
 *
 * Written as bytes directly: at 10,000 watched addresses that is 200,000 lines (16 MB),
 * and going through prom-client's label handling would take most of a second per scrape.
 * Built only when something it shows can have changed (ListedGauge): reading and writing
 * 10,000 states takes 30–100 ms, and between two listing changes a scrape costs a few
 * small queries.
 */
import type { Checker } from '../../core/check/checker.js';
import type { ActiveZone } from '../../core/check/catalogue.js';
import type { ZoneKind } from '../../core/check/types.js';
import type { WatchStore } from '../../core/watch/store.js';

const HEADER =
  '# HELP rblbot_listed 1 when the watched target is listed on the zone (confirmed on two checks in a row), 0 when it is not.\n' +
  '# TYPE rblbot_listed gauge\n';

/** What rblbot_listed shows changes only when one of these does. */
export interface ListedMark {
  readonly watches: number;
  readonly targets: number;
}

export interface ListedGauge {
  /** The rblbot_listed lines as of now; `counts` are this scrape's store stats. */
  exposition(counts: ListedMark): Promise<Buffer>;
  /** A recheck cycle of this process ended: rebuild now if it changed anything, so the next scrape finds it done. */
  refreshSoon(): void;
}

/**
 * A scrape that finds the same mark as the last build (the newest history event, the watch
 * and target counts, the zones found listing everything) serves the built bytes. Every
 * confirmed change, first check and last unwatch writes a history event, so the mark moves
 * with each of them. On PostgreSQL two replicas' transactions can commit in the opposite
 * order of their ids, leaving the mark still; so the bytes are also rebuilt in the
 * background once they are REBUILD_AFTER_MS old — never more than a minute behind.
 */
const REBUILD_AFTER_MS = 60_000;

export function createListedGauge(sources: () => { readonly store?: WatchStore; readonly checker?: Checker }): ListedGauge {
  let built: { mark: string; at: number; bytes: Buffer } | undefined;
  let building: { mark: string; bytes: Promise<Buffer> } | undefined;

  const markOf = async (store: WatchStore, checker: Checker, counts: ListedMark): Promise<string> => {
    const everything = [...checker.health().values()].filter((h) => h.state === 'lists-everything').map((h) => h.zone);
    return `${await store.historyMark()}|${counts.watches}|${counts.targets}|${everything.join(',')}`;
  };
  const build = (store: WatchStore, checker: Checker, mark: string): Promise<Buffer> => {
    if (building?.mark === mark) return building.bytes;
    const current = {
      mark,
      bytes: listedExposition(store, checker).then((bytes) => {
        // A build overtaken by a newer one (the mark moved meanwhile) does not replace its result.
        if (building === current) built = { mark, at: Date.now(), bytes };
        return bytes;
      }),
    };
    building = current;
    current.bytes
      .catch(() => {}) // the scrape awaiting it reports the error
      .finally(() => {
        if (building === current) building = undefined;
      });
    return current.bytes;
  };

  return {
    async exposition(counts) {
      const { store, checker } = sources();
      if (!store || !checker) return Buffer.alloc(0);
      const mark = await markOf(store, checker, counts);
      if (built?.mark !== mark) return build(store, checker, mark);
      if (Date.now() - built.at > REBUILD_AFTER_MS) build(store, checker, mark).catch(() => {});
      return built.bytes;
    },
    refreshSoon() {
      const { store, checker } = sources();
      if (!store || !checker) return;
      store
        .stats(Date.now())
        .then((counts) => markOf(store, checker, counts))
        .then((mark) => (built?.mark === mark ? undefined : build(store, checker, mark)))
        .catch(() => {}); // the next scrape tries again and reports the error
    },
  };
}

export async function listedExposition(store: WatchStore, checker: Checker): Promise<Buffer> {
  const states = await store.watchedStates();
  const health = checker.health();
  const usable = (z: ActiveZone) => z.listType !== 'allow' && health.get(z.zone)?.state !== 'lists-everything';
  // Per kind of target: the zones a check queries, each line's end (labels and value) prepared once.
  const prepare = (kinds: ZoneKind[]): LineEnd[] => {
    const seen = new Set<string>();
    const out: LineEnd[] = [];
    for (const kind of kinds)
      for (const z of checker.catalogue.activeFor(kind)) {
        if (!usable(z) || seen.has(z.zone)) continue;
        seen.add(z.zone);
        const labels = `",zone="${escapeLabel(z.zone)}",list_type="${z.listType}"} `;
        out.push({ zone: z.zone, clean: Buffer.from(`${labels}0\n`), listed: Buffer.from(`${labels}1\n`) });
      }
    return out;
  };
  const zonesOf = { ipv4: prepare(['ipv4']), ipv6: prepare(['ipv6']), name: prepare(['domain', 'ipv4', 'ipv6']) };

  // Two passes over plain bytes: 200,000 lines built as strings would cost ~200 ms of CPU.
  const header = Buffer.from(HEADER);
  const rows: { prefix: Buffer; zones: LineEnd[]; listed: Set<string> }[] = [];
  let size = header.length;
  for (const state of states) {
    if (!state.baselined) continue;
    const listed = new Set<string>();
    for (const z of Object.values(state.zones)) if (z.confirmed === 'listed' && z.listType !== 'allow') listed.add(z.zone);
    const prefix = Buffer.from(`rblbot_listed{target="${escapeLabel(state.target)}`);
    const zones = zonesOf[kindOf(state.target)];
    for (const z of zones) size += prefix.length + (listed.has(z.zone) ? z.listed : z.clean).length;
    rows.push({ prefix, zones, listed });
  }
  if (rows.length === 0) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(size);
  let at = header.copy(out, 0);
  for (const { prefix, zones, listed } of rows) {
    for (const z of zones) {
      at += prefix.copy(out, at);
      at += (listed.has(z.zone) ? z.listed : z.clean).copy(out, at);
    }
  }
  return out;
}

interface LineEnd {
  readonly zone: string;
  readonly clean: Buffer;
  readonly listed: Buffer;
}

/** Targets are stored normalised: an address has a colon (IPv6) or only digits and dots (IPv4). */
function kindOf(target: string): 'ipv4' | 'ipv6' | 'name' {
  if (target.includes(':')) return 'ipv6';
  return /^[0-9.]+$/.test(target) ? 'ipv4' : 'name';
}

/** The text format's label escaping: backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}
