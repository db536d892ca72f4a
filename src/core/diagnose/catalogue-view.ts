/**
 * What diagnosis needs to know about catalogue zones: display names, links, whether a
 * list is dead, and the set of zone names to look for in a bounce. One view per
 * diagnoser, built from the catalogue it was given (which includes the user's zone file).
 */
import type { Catalogue } from '../check/catalogue.js';

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

export class CatalogueView {
  private readonly views = new Map<string, ZoneView>();
  /** Zone names that are plain host names, for finding them in text. */
  readonly zoneNames: ReadonlySet<string>;
  /** Last characters of those names: a token ending otherwise cannot be a zone. */
  readonly zoneEnds: ReadonlySet<string>;

  constructor(catalogue: Catalogue) {
    for (const z of catalogue.zones) {
      this.views.set(z.zone.toLowerCase(), {
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
        if (this.views.has(key) || !/^[a-z0-9.-]+$/.test(key)) continue;
        this.views.set(key, {
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
    const names = new Set<string>();
    const ends = new Set<string>();
    for (const z of this.views.keys()) {
      if (!/^[a-z0-9.-]+$/.test(z)) continue;
      names.add(z);
      ends.add(z.charAt(z.length - 1));
    }
    this.zoneNames = names;
    this.zoneEnds = ends;
  }

  zone(zone: string): ZoneView | undefined {
    return this.views.get(zone.toLowerCase());
  }
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
