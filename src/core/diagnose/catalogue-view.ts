/**
 * What diagnosis needs to know about catalogue zones: display names, links, whether a
 * list is dead. A thin view over the project catalogue (src/core/check/catalogue.ts), loaded
 * once; `useCatalogue` lets the app hand over the catalogue it built from configuration.
 */
import { loadCatalogue, type Catalogue } from '../check/catalogue.js';

export interface ZoneView {
  readonly zone: string;
  readonly name: string;
  readonly kinds: readonly string[];
  readonly listType: string;
  readonly removalUrl: string | null;
  readonly lookupUrl: string | null;
  readonly defunct: boolean;
  readonly defunctSince?: string;
}

let catalogue: Catalogue | null = null;
let views: Map<string, ZoneView> | null = null;
let generation = 0;

/** Use this catalogue (e.g. with the user's zone file) instead of the built-in one. */
export function useCatalogue(c: Catalogue): void {
  if (c === catalogue) return;
  catalogue = c;
  views = null;
  generation++;
}

/** Changes whenever useCatalogue swaps the catalogue: caches built from it compare this. */
export function catalogueGeneration(): number {
  return generation;
}

function build(): Map<string, ZoneView> {
  if (views) return views;
  catalogue ??= loadCatalogue();
  const map = new Map<string, ZoneView>();
  for (const z of catalogue.zones) {
    map.set(z.zone.toLowerCase(), {
      zone: z.zone,
      name: z.name,
      kinds: z.kinds,
      listType: z.listType,
      removalUrl: z.removalUrl,
      lookupUrl: z.lookupUrl,
      defunct: false,
    });
  }
  for (const d of catalogue.defunct) {
    for (const zone of d.zones) {
      const key = zone.toLowerCase();
      if (map.has(key) || !/^[a-z0-9.-]+$/.test(key)) continue;
      map.set(key, {
        zone: key,
        name: d.name,
        kinds: ['ipv4'],
        listType: 'block',
        removalUrl: null,
        lookupUrl: null,
        defunct: true,
        defunctSince: d.since,
      });
    }
  }
  views = map;
  return map;
}

export function zoneView(zone: string): ZoneView | undefined {
  return build().get(zone.toLowerCase());
}

/** Every zone name the catalogue knows, live and dead, lower-case. */
export function allZoneNames(): Iterable<string> {
  return build().keys();
}

/** A removal/lookup URL with the target filled in; null for none. */
export function fillUrl(url: string | null | undefined, target: string | null): string | null {
  if (!url) return null;
  const first = /^(https?:\/\/\S+|mailto:\S+)/.exec(url.trim())?.[1];
  if (!first) return null;
  const placeholder = /<ip>|<domain>|\{query\}|\{ip\}|\{domain\}/g;
  if (placeholder.test(first)) {
    if (!target) return first.replace(/[?&][a-z_]+=(?:<(?:ip|domain)>|\{(?:query|ip|domain)\})|<(?:ip|domain)>|\{(?:query|ip|domain)\}/g, '');
    return first.replace(placeholder, encodeURIComponent(target));
  }
  return first;
}
