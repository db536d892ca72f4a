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
 * Written as text directly: at 10,000 watched addresses that is 200,000 lines, and going
 * through prom-client's label handling would take most of a second per scrape.
 */
import type { Checker } from '../../core/check/checker.js';
import type { ActiveZone } from '../../core/check/catalogue.js';
import type { ZoneKind } from '../../core/check/types.js';
import type { WatchStore } from '../../core/watch/store.js';

const HEADER =
  '# HELP rblbot_listed 1 when the watched target is listed on the zone (confirmed on two checks in a row), 0 when it is not.\n' +
  '# TYPE rblbot_listed gauge\n';

export async function listedExposition(store: WatchStore, checker: Checker): Promise<string> {
  const states = await store.watchedStates();
  const health = checker.health();
  const usable = (z: ActiveZone) => z.listType !== 'allow' && health.get(z.zone)?.state !== 'lists-everything';
  // Per kind of target: the zones a check queries, each with its label suffix prepared once.
  const zonesOf = new Map<ZoneKind | 'name', { zone: string; labels: string }[]>();
  const prepare = (kinds: ZoneKind[]) => {
    const seen = new Set<string>();
    const out: { zone: string; labels: string }[] = [];
    for (const kind of kinds)
      for (const z of checker.catalogue.activeFor(kind)) {
        if (!usable(z) || seen.has(z.zone)) continue;
        seen.add(z.zone);
        out.push({ zone: z.zone, labels: `",zone="${escapeLabel(z.zone)}",list_type="${z.listType}"} ` });
      }
    return out;
  };
  zonesOf.set('ipv4', prepare(['ipv4']));
  zonesOf.set('ipv6', prepare(['ipv6']));
  zonesOf.set('name', prepare(['domain', 'ipv4', 'ipv6']));

  const parts: string[] = [HEADER];
  for (const state of states) {
    if (!state.baselined) continue;
    const listed = new Set<string>();
    for (const z of Object.values(state.zones)) if (z.confirmed === 'listed' && z.listType !== 'allow') listed.add(z.zone);
    const prefix = `rblbot_listed{target="${escapeLabel(state.target)}`;
    let chunk = '';
    for (const z of zonesOf.get(kindOf(state.target))!) chunk += `${prefix}${z.labels}${listed.has(z.zone) ? 1 : 0}\n`;
    parts.push(chunk);
  }
  return parts.length > 1 ? parts.join('') : '';
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
