/**
 * The zone catalogue: which lists exist, what their answers mean, which are on by
 * default, and which are dead. Zones are data (data/zones.json, imported from the
 * team's research by scripts/import-reference.mjs) validated with zod when loaded, plus
 * an optional user file that adds zones or turns zones on and off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ListType, ZoneKind } from './types.js';
import { packageRoot } from '../package-root.js';
import { capitalise } from '../../reply/words.js';
import { UserError } from '../../reply/errors.js';

const listType = z.enum(['block', 'policy', 'reputation', 'allow']);
const kind = z.enum(['ipv4', 'ipv6', 'domain']);
/** "127.0.0.2", "127.0.*.0", "127.0.2.3-24": four dot-separated parts, each a number, * or a range. */
const codePattern = z
  .string()
  .regex(/^(\d{1,3}|\*|\d{1,3}-\d{1,3})(\.(\d{1,3}|\*|\d{1,3}-\d{1,3})){3}$/, 'must look like 127.0.0.2, 127.0.0.* or 127.0.2.3-24');
const url = z
  .string()
  .regex(/^(https?:\/\/|mailto:)\S+$/, 'must be an http(s) or mailto URL')
  .nullable()
  .default(null);

const zoneSchema = z.object({
  zone: z.string().regex(/^(<key>\.)?([a-z0-9_-]+\.)+[a-z0-9-]+$/i, 'must be a DNS zone name'),
  name: z.string().min(1),
  operator: z.string().default(''),
  kinds: z.array(kind).min(1),
  listType,
  status: z.string().default('active'),
  usage: z.string().default('free'),
  usageNote: z.string().nullable().default(null),
  enabled: z.boolean().default(true),
  offReason: z.string().nullable().default(null),
  key: z.enum(['SPAMHAUS_DQS_KEY', 'ABUSIX_KEY']).optional(),
  replaces: z.array(z.string()).default([]),
  codes: z.array(z.object({ match: codePattern, meaning: z.string(), listType: listType.optional() })).default([]),
  bits: z.array(z.object({ bit: z.number().int().min(1).max(128), meaning: z.string(), listType: listType.optional() })).optional(),
  refusals: z.array(z.object({ match: codePattern, meaning: z.string(), fix: z.string() })).default([]),
  servfailMeansRefused: z.string().nullable().default(null),
  removalUrl: url,
  removalNote: z.string().nullable().default(null),
  lookupUrl: url,
  testPoint: z
    .object({ honours: z.boolean().nullable(), positive: z.string().nullable(), negative: z.string().nullable() })
    .default({ honours: null, positive: null, negative: null }),
  notes: z.string().nullable().default(null),
});

const defunctSchema = z.object({
  name: z.string(),
  zones: z.array(z.string()).min(1),
  since: z.string(),
  behaviour: z.string(),
});

const catalogueFileSchema = z.object({
  zones: z.array(zoneSchema),
  defunct: z.array(defunctSchema).default([]),
});

/** The user's zone file: add zones, turn catalogue zones on or off. */
const userFileSchema = z
  .object({
    add: z.array(zoneSchema).default([]),
    enable: z.array(z.string()).default([]),
    disable: z.array(z.string()).default([]),
  })
  .strict();

export type Zone = z.output<typeof zoneSchema>;
export type DefunctList = z.output<typeof defunctSchema>;

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

  /** Active zones that answer for this kind of target. */
  activeFor(kind: ZoneKind): readonly ActiveZone[] {
    return this.active.filter((z) => z.kinds.includes(kind));
  }

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
  const raw = options.data ?? readJson(builtInPath(), 'the built-in zone catalogue');
  const parsed = catalogueFileSchema.safeParse(raw);
  if (!parsed.success) throw new CatalogueError(describe('the zone catalogue', raw, parsed.error));
  const zones = parsed.data.zones.map((z) => ({ ...z, zone: z.zone.toLowerCase() }));
  const defunct = parsed.data.defunct;

  if (options.zonesFile) {
    const userRaw = readJson(options.zonesFile, `the zone file ${options.zonesFile}`);
    const user = userFileSchema.safeParse(userRaw);
    if (!user.success) throw new CatalogueError(describe(`the zone file ${options.zonesFile}`, userRaw, user.error, 'add'));
    for (const name of [...user.data.enable, ...user.data.disable]) {
      if (!zones.some((z) => z.zone === name.toLowerCase())) {
        throw new CatalogueError(`The zone file ${options.zonesFile} names "${name}", which is not in the catalogue (see \`rblbot zones\`).`);
      }
    }
    for (const added of user.data.add) {
      const zone = added.zone.toLowerCase();
      const dead = defunct.find((d) => d.zones.includes(zone));
      if (dead)
        throw new CatalogueError(`The zone file ${options.zonesFile} adds ${zone}, but ${dead.name} is dead since ${dead.since}: ${dead.behaviour}`);
      const existing = zones.findIndex((z) => z.zone === zone);
      const entry = { ...added, zone, enabled: true };
      if (existing >= 0) zones[existing] = entry;
      else zones.push(entry);
    }
    for (const name of user.data.enable) setEnabled(zones, name, true, null);
    for (const name of user.data.disable) setEnabled(zones, name, false, 'turned off in the zone file');
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

/** "zones[3] (foo.example): codes.0.match must look like …" — names the bad entry. */
function describe(what: string, raw: unknown, error: z.ZodError, listKey = 'zones'): string {
  const issue = error.issues[0];
  if (!issue) return `${capitalise(what)} is invalid.`;
  const path = issue.path;
  let where = path.join('.');
  if ((path[0] === listKey || path[0] === 'zones') && typeof path[1] === 'number') {
    const entries = (raw as Record<string, unknown>)[path[0] as string];
    const entry = Array.isArray(entries) ? (entries[path[1]] as { zone?: unknown } | undefined) : undefined;
    const label = typeof entry?.zone === 'string' ? ` (${entry.zone})` : '';
    where = `${String(path[0])}[${path[1]}]${label}${path.length > 2 ? `: ${path.slice(2).join('.')}` : ''}`;
  }
  return `${capitalise(what)} has a bad entry at ${where || 'the top level'}: ${issue.message}.`;
}

function builtInPath(): string {
  return join(packageRoot(), 'data', 'zones.json');
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
