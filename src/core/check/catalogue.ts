/**
 * The zone catalogue: which lists exist, what their answers mean, which are on by
 * default, and which are dead. Zones are data (data/zones.json, imported from the
 * team's research by scripts/import-reference.mjs) checked when loaded (zone-schema.ts),
 * plus an optional user file that adds zones or turns zones on and off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListType, ZoneKind } from './types.js';
import { readCatalogueFile, readUserFile, ShapeError, type DefunctList, type Zone } from './zone-schema.js';
import { packageRoot } from '../package-root.js';
import { capitalise } from '../../reply/words.js';
import { UserError } from '../../reply/errors.js';

export type { DefunctList, Zone };

export class CatalogueError extends UserError {}

export interface CatalogueOptions {
  /** Path of a user zone file (RBLBOT_ZONES_FILE / --zones). */
  readonly zonesFile?: string;
  readonly keys?: { readonly SPAMHAUS_DQS_KEY?: string; readonly ABUSIX_KEY?: string };
  /** Replace the built-in data (tests). */
  readonly data?: unknown;
}

/** A zone ready to query: the key substituted in `queryZone`, never shown. */
export interface ActiveZone extends Zone {
  /** The zone name to append to queries (with the key, if any). Never print it. */
  readonly queryZone: string;
}

export class Catalogue {
  /** Every known zone, enabled or not. */
  readonly zones: readonly Zone[];
  readonly defunct: readonly DefunctList[];
  /** The zones a check queries. */
  readonly active: readonly ActiveZone[];
  private readonly byName: ReadonlyMap<string, Zone>;

  constructor(zones: readonly Zone[], defunct: readonly DefunctList[], active: readonly ActiveZone[]) {
    this.zones = zones;
    this.defunct = defunct;
    this.active = active;
    this.byName = new Map(zones.map((z) => [z.zone, z]));
  }

  /** Active zones that answer for this kind of target (one list per kind, made once: every check asks twice). */
  activeFor(kind: ZoneKind): readonly ActiveZone[] {
    let zones = this.activeByKind.get(kind);
    if (!zones) {
      zones = Object.freeze(this.active.filter((z) => z.kinds.includes(kind)));
      this.activeByKind.set(kind, zones);
    }
    return zones;
  }

  private readonly activeByKind = new Map<ZoneKind, readonly ActiveZone[]>();

  /** A catalogue zone by its zone name (keyed zones as "<key>.zen.dq.spamhaus.net"). */
  find(zone: string): Zone | undefined {
    return this.byName.get(zone.toLowerCase());
  }

  /** The dead list a zone name belongs to, if any. */
  defunctFor(zone: string): DefunctList | undefined {
    const name = zone.toLowerCase();
    return this.defunct.find((d) => d.zones.some((z) => name === z || name.endsWith(`.${z}`)));
  }
}

/** Load, validate, apply the user's file and keys. Throws CatalogueError naming the bad entry. */
export function loadCatalogue(options: CatalogueOptions = {}): Catalogue {
  const parsed = options.data === undefined ? builtIn() : readShape(options.data, readCatalogueFile, 'the zone catalogue');
  const zones = parsed.zones.map((z) => (z.zone === z.zone.toLowerCase() ? z : { ...z, zone: z.zone.toLowerCase() }));
  const defunct = parsed.defunct;

  if (options.zonesFile) {
    const userRaw = readJson(options.zonesFile, `the zone file ${options.zonesFile}`);
    const user = readShape(userRaw, readUserFile, `the zone file ${options.zonesFile}`);
    for (const name of [...user.enable, ...user.disable]) {
      if (!zones.some((z) => z.zone === name.toLowerCase())) {
        throw new CatalogueError(`The zone file ${options.zonesFile} names "${name}", which is not in the catalogue (see \`rblbot zones\`).`);
      }
    }
    for (const added of user.add) {
      const zone = added.zone.toLowerCase();
      const dead = defunct.find((d) => d.zones.includes(zone));
      if (dead)
        throw new CatalogueError(`The zone file ${options.zonesFile} adds ${zone}, but ${dead.name} is dead since ${dead.since}: ${dead.behaviour}`);
      const existing = zones.findIndex((z) => z.zone === zone);
      const entry = { ...added, zone, enabled: true };
      if (existing >= 0) zones[existing] = entry;
      else zones.push(entry);
    }
    for (const name of user.enable) setEnabled(zones, name, true, null);
    for (const name of user.disable) setEnabled(zones, name, false, 'turned off in the zone file');
  }

  const keys = options.keys ?? {};
  const replaced = new Set<string>();
  for (const z of zones) if (z.enabled && z.key && keys[z.key]) for (const r of z.replaces) replaced.add(r);
  const active: ActiveZone[] = [];
  for (const z of zones) {
    if (!z.enabled || replaced.has(z.zone)) continue;
    if (defunct.some((d) => d.zones.includes(z.zone))) continue; // dead lists are never queried
    if (z.key) {
      const key = keys[z.key];
      if (!key) continue;
      active.push({ ...z, queryZone: z.zone.replace('<key>', key.toLowerCase()) });
    } else {
      active.push({ ...z, queryZone: z.zone });
    }
  }
  return new Catalogue(zones, defunct, active);
}

function setEnabled(zones: Zone[], name: string, enabled: boolean, offReason: string | null): void {
  const i = zones.findIndex((z) => z.zone === name.toLowerCase());
  if (i >= 0) zones[i] = { ...zones[i]!, enabled, offReason };
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatalogueError(`Cannot read ${what}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CatalogueError(`${capitalise(what)} is not valid JSON: ${(err as Error).message}.`);
  }
}

/** Read `raw` with `read`, turning a shape problem into a sentence naming the bad entry. */
function readShape<T>(raw: unknown, read: (value: unknown) => T, what: string): T {
  try {
    return read(raw);
  } catch (err) {
    if (err instanceof ShapeError) throw new CatalogueError(describe(what, raw, err));
    throw err;
  }
}

/** "zones[3] (foo.example): codes.0.match must look like …" — names the bad entry. */
function describe(what: string, raw: unknown, error: ShapeError): string {
  const path = error.path;
  let where = path.join('.');
  if (typeof path[0] === 'string' && typeof path[1] === 'number') {
    const entries = (raw as Record<string, unknown>)[path[0]];
    const entry = Array.isArray(entries) ? (entries[path[1]] as { zone?: unknown } | undefined) : undefined;
    const label = typeof entry?.zone === 'string' ? ` (${entry.zone})` : '';
    where = `${path[0]}[${path[1]}]${label}${path.length > 2 ? `: ${path.slice(2).join('.')}` : ''}`;
  }
  return `${capitalise(what)} has a bad entry at ${where || 'the top level'}: ${error.message}.`;
}

/**
 * The shipped catalogue, taken as it is: scripts/import-reference.mjs writes every field
 * of every zone, and test/core/check/catalogue.test.ts checks that file with the full
 * reader (readCatalogueFile), so a run need not (on a one-IP check it cost more than the
 * DNS work; bench/startup.bench.ts). A damaged installation still gets a sentence.
 */
function builtIn(): { zones: Zone[]; defunct: DefunctList[] } {
  const raw = readJson(join(packageRoot(), 'data', 'zones.json'), 'the built-in zone catalogue') as { zones?: unknown; defunct?: unknown };
  if (!Array.isArray(raw?.zones) || !Array.isArray(raw.defunct)) {
    throw new CatalogueError('The built-in zone catalogue (data/zones.json) is damaged: reinstall rblbot.');
  }
  return raw as { zones: Zone[]; defunct: DefunctList[] };
}

/** Does an answer code match a catalogue pattern such as 127.0.*.0 or 127.0.2.3-24? */
export function codeMatches(pattern: string, code: string): boolean {
  const p = pattern.split('.');
  const c = code.split('.');
  if (p.length !== 4 || c.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = p[i]!;
    const value = Number(c[i]);
    if (part === '*') continue;
    const dash = part.indexOf('-');
    if (dash > 0) {
      if (value < Number(part.slice(0, dash)) || value > Number(part.slice(dash + 1))) return false;
    } else if (Number(part) !== value) return false;
  }
  return true;
}

export type { ListType };
