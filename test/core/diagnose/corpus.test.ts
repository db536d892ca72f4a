/**
 * Runs every bounce in test/fixtures/bounces through the diagnosis (no live lookups).
 *
 * What it asserts, and why:
 * - every field an expectation states other than the reason (codes, recipient, servers,
 *   sender IP, lists, provider code, the number of diagnoses) is exact, for every fixture:
 *   these are read from the text, so any miss is a bug;
 * - the reason is one of the fixture's acceptable reasons, except for the fixtures named in
 *   known-misses.json (each with why): a new miss fails here, so a regression is seen
 *   at once, and a listed fixture that passes again must be taken off the list;
 * - over the whole corpus, at least 95% of recipients get an acceptable reason, and the
 *   corpus covers at least 30 writer families (`system`).
 * The same scorer prints the per-reason table in `npm run bench diagnose`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDiagnoser } from '../../support/diagnose.js';
import { BOUNCES, accuracy, loadBounceCorpus, scoreFixture, type FileResult } from '../../support/bounce-corpus.js';

const fixtures = loadBounceCorpus();
const knownMisses = JSON.parse(readFileSync(join(BOUNCES, 'known-misses.json'), 'utf8')) as Record<string, string>;
const results: FileResult[] = [];

describe('bounce corpus', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(300);
  });

  for (const fixture of fixtures) {
    it(fixture.file, async () => {
      const r = await scoreFixture(testDiagnoser, fixture);
      results.push(r);
      expect(r.problem, fixture.file).toBeNull();
      for (const s of r.recipients) {
        expect(s.fieldErrors, `${fixture.file} [${s.recipient}]`).toEqual([]);
        const reasonOk = s.exact || fixture.file in knownMisses;
        expect(reasonOk, `${fixture.file} [${s.recipient}]: reason ${s.got}, expected ${s.acceptable.join(' or ')}`).toBe(true);
      }
    });
  }

  it('lists only fixtures that still miss in known-misses.json', () => {
    const byFile = new Map(results.map((r) => [r.fixture.file, r]));
    for (const file of Object.keys(knownMisses)) {
      const r = byFile.get(file);
      expect(r, `${file} is in known-misses.json but has no fixture`).toBeDefined();
      expect(
        r!.recipients.every((s) => s.exact),
        `${file} passes now: take it off known-misses.json`,
      ).toBe(false);
    }
  });

  it('gives at least 95% of recipients an acceptable reason over at least 30 writer families', () => {
    expect(results.length).toBe(fixtures.length);
    const a = accuracy(results);
    expect(a.exact / a.recipients).toBeGreaterThanOrEqual(0.95);
    expect(a.systems.length).toBeGreaterThanOrEqual(30);
  });
});
