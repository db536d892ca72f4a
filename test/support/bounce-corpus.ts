/**
 * The labelled bounce corpus (test/fixtures/bounces): loading, comparing one diagnosis
 * with its expectation, and the reason accuracy figures that the corpus test asserts and
 * `npm run bench diagnose` prints. One scorer for both, so the table and the test agree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { familyOf } from '../../src/core/diagnose/index.js';
import type { Diagnoser, Diagnosis, Reason } from '../../src/core/diagnose/index.js';

export const BOUNCES = join(import.meta.dirname, '..', 'fixtures', 'bounces');

export interface Expected {
  system?: string;
  receiver?: string;
  reason?: string;
  acceptableReasons?: string[];
  permanent?: boolean | null;
  replyCode?: string | number | null;
  status?: string | null;
  recipient?: string | null;
  remoteHost?: string | null;
  remoteIp?: string | null;
  senderIp?: string | null;
  lists?: string[];
  providerCode?: string | null;
  feedbackType?: string;
  recipients?: number | Expected[];
}

export interface Fixture {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly expected: Expected;
}

/** Every bounce that has an expectation, in file-name order. */
export function loadBounceCorpus(): Fixture[] {
  return readdirSync(BOUNCES)
    .filter((f) => /\.(eml|txt)$/.test(f))
    .sort()
    .flatMap((file) => {
      let json: string;
      try {
        json = readFileSync(join(BOUNCES, file.replace(/\.(eml|txt)$/, '.expected.json')), 'utf8');
      } catch {
        return [];
      }
      return [{ file, bytes: new Uint8Array(readFileSync(join(BOUNCES, file))), expected: JSON.parse(json) as Expected }];
    });
}

const lower = (v: string | null | undefined) => (v == null ? v : v.toLowerCase());

/** The non-reason fields that differ: "remoteIp: null ≠ 198.51.100.7". */
export function fieldMismatches(d: Diagnosis, e: Expected): string[] {
  const out: string[] = [];
  const check = (name: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${name}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  if (e.permanent !== undefined) check('permanent', d.permanent, e.permanent);
  if (e.replyCode !== undefined)
    check('replyCode', d.replyCode === null ? null : String(d.replyCode), e.replyCode === null ? null : String(e.replyCode));
  if (e.status !== undefined) check('status', d.status, e.status);
  if (e.recipient !== undefined) check('recipient', lower(d.recipient), lower(e.recipient));
  if (e.remoteHost !== undefined) check('remoteHost', lower(d.remote.host), lower(e.remoteHost));
  if (e.remoteIp !== undefined) check('remoteIp', lower(d.remote.ip), lower(e.remoteIp));
  if (e.senderIp !== undefined) check('senderIp', lower(d.senderIp), lower(e.senderIp));
  if (e.lists !== undefined) check('lists', d.lists.map((l) => l.zone).sort(), [...e.lists].sort());
  if (e.providerCode !== undefined) check('providerCode', d.providerCode, e.providerCode);
  if (e.feedbackType !== undefined) check('feedbackType', d.feedbackType, e.feedbackType);
  return out;
}

/** One failed recipient of the corpus: what was expected and what the engine said. */
export interface Scored {
  readonly file: string;
  /** The writer family the fixture names (`system`), or "-" for none. */
  readonly system: string;
  readonly recipient: string | null;
  /** The preferred reason; null when the fixture states none. */
  readonly expected: string | null;
  readonly acceptable: readonly string[];
  /** What the engine said; null when it found no diagnosis for this recipient. */
  readonly got: Reason | null;
  readonly exact: boolean;
  /** The same family (recipient, destination, block, sender, content, …). */
  readonly family: boolean;
  readonly fieldErrors: readonly string[];
}

export interface FileResult {
  readonly fixture: Fixture;
  /** Set when the file could not be diagnosed at all, or the number of diagnoses is wrong. */
  readonly problem: string | null;
  readonly recipients: readonly Scored[];
}

function score(fixture: Fixture, d: Diagnosis | undefined, e: Expected): Scored {
  const acceptable = e.acceptableReasons ?? (e.reason ? [e.reason] : []);
  const got = d?.reason ?? null;
  const expected = e.reason ?? null;
  const exact = expected === null || (got !== null && acceptable.includes(got));
  const family = exact || (got !== null && expected !== null && acceptable.some((r) => familyOf(r as Reason) === familyOf(got)));
  return {
    file: fixture.file,
    system: fixture.expected.system ?? '-',
    recipient: d?.recipient ?? e.recipient ?? null,
    expected,
    acceptable,
    got,
    exact,
    family,
    fieldErrors: d ? fieldMismatches(d, e) : ['no diagnosis for this recipient'],
  };
}

/** Diagnose one fixture (no live lookups) and compare every recipient. */
export async function scoreFixture(diagnoser: Diagnoser, fixture: Fixture): Promise<FileResult> {
  const result = await diagnoser.diagnose(fixture.bytes);
  const e = fixture.expected;
  if (result.error) return { fixture, problem: `input refused: ${result.error}`, recipients: [] };
  const ds = result.diagnoses;
  if (Array.isArray(e.recipients)) {
    const problem = ds.length === e.recipients.length ? null : `${ds.length} diagnoses, expected ${e.recipients.length}`;
    const recipients = e.recipients.map((r) =>
      score(
        fixture,
        ds.find((x) => lower(x.recipient) === lower(r.recipient)),
        r,
      ),
    );
    return { fixture, problem, recipients };
  }
  const problem = typeof e.recipients === 'number' && ds.length !== e.recipients ? `${ds.length} diagnoses, expected ${e.recipients}` : null;
  const d = e.recipient ? (ds.find((x) => lower(x.recipient) === lower(e.recipient)) ?? ds[0]) : ds[0];
  return { fixture, problem, recipients: [score(fixture, d, e)] };
}

export async function scoreCorpus(diagnoser: Diagnoser, fixtures: readonly Fixture[] = loadBounceCorpus()): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for (const f of fixtures) out.push(await scoreFixture(diagnoser, f));
  return out;
}

export interface ReasonRow {
  readonly reason: string;
  readonly n: number;
  readonly exact: number;
  readonly family: number;
  /** "got → count", most frequent first. */
  readonly confusions: readonly [string, number][];
}

export interface Accuracy {
  readonly recipients: number;
  readonly exact: number;
  readonly family: number;
  readonly rows: readonly ReasonRow[];
  readonly systems: readonly string[];
}

/** Per expected reason: how often the engine said an acceptable reason, and what it said instead. */
export function accuracy(results: readonly FileResult[]): Accuracy {
  const scored = results.flatMap((r) => r.recipients).filter((s) => s.expected !== null);
  const by = new Map<string, Scored[]>();
  for (const s of scored) by.set(s.expected!, [...(by.get(s.expected!) ?? []), s]);
  const rows = [...by.entries()]
    .map(([reason, list]) => {
      const wrong = new Map<string, number>();
      for (const s of list) if (!s.exact) wrong.set(s.got ?? '(none)', (wrong.get(s.got ?? '(none)') ?? 0) + 1);
      return {
        reason,
        n: list.length,
        exact: list.filter((s) => s.exact).length,
        family: list.filter((s) => s.family).length,
        confusions: [...wrong.entries()].sort((a, b) => b[1] - a[1]),
      };
    })
    .sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason));
  return {
    recipients: scored.length,
    exact: scored.filter((s) => s.exact).length,
    family: scored.filter((s) => s.family).length,
    rows,
    systems: [...new Set(results.map((r) => r.fixture.expected.system).filter((s): s is string => !!s))].sort(),
  };
}

export const percent = (part: number, whole: number): string => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);
