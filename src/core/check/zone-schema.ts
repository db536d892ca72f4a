/**
 * The shape of a zone entry, checked by hand: the built-in catalogue at every start and a
 * user's zone file. Why not zod here: every `rblbot check` loads the catalogue, and
 * loading zod plus building and running its schema took longer than the check's own DNS
 * work (bench/startup.bench.ts). The rules are few — strings, enums, patterns, defaults —
 * and the messages name the bad field, as a schema library's would.
 */
import type { ListType, ZoneKind } from './types.js';

export interface Zone {
  readonly zone: string;
  readonly name: string;
  readonly operator: string;
  readonly kinds: readonly ZoneKind[];
  readonly listType: ListType;
  readonly status: string;
  readonly usage: string;
  readonly usageNote: string | null;
  readonly enabled: boolean;
  readonly offReason: string | null;
  readonly key?: 'SPAMHAUS_DQS_KEY' | 'ABUSIX_KEY';
  readonly replaces: readonly string[];
  readonly codes: readonly { readonly match: string; readonly meaning: string; readonly listType?: ListType }[];
  readonly bits?: readonly { readonly bit: number; readonly meaning: string; readonly listType?: ListType }[];
  readonly refusals: readonly { readonly match: string; readonly meaning: string; readonly fix: string }[];
  readonly servfailMeansRefused: string | null;
  readonly removalUrl: string | null;
  readonly removalNote: string | null;
  readonly lookupUrl: string | null;
  readonly testPoint: { readonly honours: boolean | null; readonly positive: string | null; readonly negative: string | null };
  readonly notes: string | null;
}

export interface DefunctList {
  readonly name: string;
  readonly zones: readonly string[];
  readonly since: string;
  readonly behaviour: string;
}

/** A field's problem: `path` from the entry ("codes.0.match"), `message` ends "must …". */
export class ShapeError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

const LIST_TYPES: readonly ListType[] = ['block', 'policy', 'reputation', 'allow'];
const KINDS: readonly ZoneKind[] = ['ipv4', 'ipv6', 'domain'];
const KEYS = ['SPAMHAUS_DQS_KEY', 'ABUSIX_KEY'] as const;
const ZONE_NAME = /^(<key>\.)?([a-z0-9_-]+\.)+[a-z0-9-]+$/i;
/** "127.0.0.2", "127.0.*.0", "127.0.2.3-24": four dot-separated parts, each a number, * or a range. */
const CODE = /^(\d{1,3}|\*|\d{1,3}-\d{1,3})(\.(\d{1,3}|\*|\d{1,3}-\d{1,3})){3}$/;
const URL_TEMPLATE = /^(https?:\/\/|mailto:)\S+$/;

type Path = readonly (string | number)[];
type Obj = Record<string, unknown>;

function object(value: unknown, path: Path): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, 'must be an object');
  return value as Obj;
}

function array(value: unknown, path: Path): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, 'must be a list');
  return value;
}

function string(value: unknown, path: Path, options: { pattern?: RegExp; patternText?: string; nonEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') throw new ShapeError(path, 'must be text');
  if (options.nonEmpty && value.length === 0) throw new ShapeError(path, 'must not be empty');
  if (options.pattern && !options.pattern.test(value)) throw new ShapeError(path, options.patternText ?? 'has the wrong form');
  return value;
}

function optional<T>(entry: Obj, key: string, path: Path, fallback: T, read: (value: unknown, path: Path) => T): T {
  return entry[key] === undefined ? fallback : read(entry[key], [...path, key]);
}

function nullableString(value: unknown, path: Path): string | null {
  return value === null ? null : string(value, path);
}

function oneOf<T extends string>(value: unknown, path: Path, options: readonly T[]): T {
  if (typeof value !== 'string' || !options.includes(value as T)) throw new ShapeError(path, `must be one of ${options.join(', ')}`);
  return value as T;
}

function boolean(value: unknown, path: Path): boolean {
  if (typeof value !== 'boolean') throw new ShapeError(path, 'must be true or false');
  return value;
}

const code = (value: unknown, path: Path): string =>
  string(value, path, { pattern: CODE, patternText: 'must look like 127.0.0.2, 127.0.0.* or 127.0.2.3-24' });

const urlTemplate = (value: unknown, path: Path): string | null =>
  value === null ? null : string(value, path, { pattern: URL_TEMPLATE, patternText: 'must be an http(s) or mailto URL' });

/** Throws ShapeError for unknown keys (a typo in a user's file should not pass silently). */
function noOtherKeys(entry: Obj, allowed: readonly string[], path: Path): void {
  const extra = Object.keys(entry).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new ShapeError([...path, extra], 'is not a known field');
}

const ZONE_KEYS = [
  'zone',
  'name',
  'operator',
  'kinds',
  'listType',
  'status',
  'usage',
  'usageNote',
  'enabled',
  'offReason',
  'key',
  'replaces',
  'codes',
  'bits',
  'refusals',
  'servfailMeansRefused',
  'removalUrl',
  'removalNote',
  'lookupUrl',
  'testPoint',
  'notes',
];

/** One zone entry with its defaults filled in; throws ShapeError naming the bad field. */
export function readZone(value: unknown, path: Path = []): Zone {
  const e = object(value, path);
  noOtherKeys(e, ZONE_KEYS, path);
  const at = (key: string): Path => [...path, key];
  const kinds = array(e.kinds, at('kinds')).map((k, i) => oneOf(k, [...at('kinds'), i], KINDS));
  if (kinds.length === 0) throw new ShapeError(at('kinds'), 'must name at least one of ipv4, ipv6, domain');
  const listTypeOf = (item: Obj, p: Path): ListType | undefined => optional(item, 'listType', p, undefined, (v, q) => oneOf(v, q, LIST_TYPES));
  const bits =
    e.bits === undefined
      ? undefined
      : array(e.bits, at('bits')).map((b, i) => {
          const p = [...at('bits'), i];
          const item = object(b, p);
          const bit = item.bit;
          if (typeof bit !== 'number' || !Number.isInteger(bit) || bit < 1 || bit > 128)
            throw new ShapeError([...p, 'bit'], 'must be a whole number from 1 to 128');
          return { bit, meaning: string(item.meaning, [...p, 'meaning']), listType: listTypeOf(item, p) };
        });
  const testPoint = optional(e, 'testPoint', path, { honours: null, positive: null, negative: null }, (v, p) => {
    const t = object(v, p);
    return {
      honours: t.honours === null || t.honours === undefined ? null : boolean(t.honours, [...p, 'honours']),
      positive: t.positive === undefined ? null : nullableString(t.positive, [...p, 'positive']),
      negative: t.negative === undefined ? null : nullableString(t.negative, [...p, 'negative']),
    };
  });
  return {
    zone: string(e.zone, at('zone'), { pattern: ZONE_NAME, patternText: 'must be a DNS zone name' }),
    name: string(e.name, at('name'), { nonEmpty: true }),
    operator: optional(e, 'operator', path, '', string),
    kinds,
    listType: oneOf(e.listType, at('listType'), LIST_TYPES),
    status: optional(e, 'status', path, 'active', string),
    usage: optional(e, 'usage', path, 'free', string),
    usageNote: optional(e, 'usageNote', path, null, nullableString),
    enabled: optional(e, 'enabled', path, true, boolean),
    offReason: optional(e, 'offReason', path, null, nullableString),
    ...(e.key === undefined ? {} : { key: oneOf(e.key, at('key'), KEYS) }),
    replaces: optional(e, 'replaces', path, [], (v, p) => array(v, p).map((r, i) => string(r, [...p, i]))),
    codes: optional(e, 'codes', path, [], (v, p) =>
      array(v, p).map((c, i) => {
        const q = [...p, i];
        const item = object(c, q);
        return { match: code(item.match, [...q, 'match']), meaning: string(item.meaning, [...q, 'meaning']), listType: listTypeOf(item, q) };
      }),
    ),
    ...(bits ? { bits } : {}),
    refusals: optional(e, 'refusals', path, [], (v, p) =>
      array(v, p).map((r, i) => {
        const q = [...p, i];
        const item = object(r, q);
        return { match: code(item.match, [...q, 'match']), meaning: string(item.meaning, [...q, 'meaning']), fix: string(item.fix, [...q, 'fix']) };
      }),
    ),
    servfailMeansRefused: optional(e, 'servfailMeansRefused', path, null, nullableString),
    removalUrl: optional(e, 'removalUrl', path, null, urlTemplate),
    removalNote: optional(e, 'removalNote', path, null, nullableString),
    lookupUrl: optional(e, 'lookupUrl', path, null, urlTemplate),
    testPoint,
    notes: optional(e, 'notes', path, null, nullableString),
  };
}

export function readDefunct(value: unknown, path: Path): DefunctList {
  const e = object(value, path);
  const zones = array(e.zones, [...path, 'zones']).map((z, i) => string(z, [...path, 'zones', i]));
  if (zones.length === 0) throw new ShapeError([...path, 'zones'], 'must name at least one zone');
  return {
    name: string(e.name, [...path, 'name']),
    zones,
    since: string(e.since, [...path, 'since']),
    behaviour: string(e.behaviour, [...path, 'behaviour']),
  };
}

/** The built-in catalogue file: its zones and dead lists. */
export function readCatalogueFile(value: unknown): { zones: Zone[]; defunct: DefunctList[] } {
  const file = object(value, []);
  return {
    zones: array(file.zones, ['zones']).map((z, i) => readZone(z, ['zones', i])),
    defunct: optional(file, 'defunct', [], [], (v, p) => array(v, p).map((d, i) => readDefunct(d, [...p, i]))),
  };
}

/** A user's zone file: zones to add, catalogue zones to turn on or off. Nothing else. */
export function readUserFile(value: unknown): { add: Zone[]; enable: string[]; disable: string[] } {
  const file = object(value, []);
  noOtherKeys(file, ['add', 'enable', 'disable'], []);
  const names = (key: string): string[] => optional(file, key, [], [], (v, p) => array(v, p).map((n, i) => string(n, [...p, i])));
  return {
    add: optional(file, 'add', [], [], (v, p) => array(v, p).map((z, i) => readZone(z, [...p, i]))),
    enable: names('enable'),
    disable: names('disable'),
  };
}
