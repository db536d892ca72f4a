/**
 * What diagnosis needs to know about catalogue zones: display names, links, whether a
 * list is dead. Kept behind this small module so the rest of diagnosis does not care
 * where the catalogue lives.
 */
import { TEMP_ZONES } from './temp-zones.js';

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

const byZone = new Map<string, ZoneView>();
for (const z of TEMP_ZONES as readonly ZoneView[]) if (!byZone.has(z.zone.toLowerCase())) byZone.set(z.zone.toLowerCase(), z);

export function zoneView(zone: string): ZoneView | undefined {
  return byZone.get(zone.toLowerCase());
}

/** Every zone name the catalogue knows, live and dead, lower-case. */
export function allZoneNames(): Iterable<string> {
  return byZone.keys();
}

/** A removal/lookup URL with the target filled in; null for "n/a" entries. */
export function fillUrl(url: string | null | undefined, target: string | null): string | null {
  if (!url) return null;
  const first = /^(https?:\/\/\S+|mailto:\S+)/.exec(url.trim())?.[1];
  if (!first) return null;
  if (first.includes('<ip>') || first.includes('<domain>')) {
    if (!target) return first.replace(/[?&][a-z]+=<(ip|domain)>|<(ip|domain)>/g, '');
    return first.replace(/<ip>|<domain>/g, encodeURIComponent(target));
  }
  return first;
}
