/**
 * The literal prefilter may only skip a pattern that cannot match: checked on hand-made
 * cases and on every format pattern against every bounce of the corpus.
 */
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../../src/core/diagnose/formats.js';
import { readDocument } from '../../../src/core/diagnose/input.js';
import { literalsOf, mayMatch, prefiltered } from '../../../src/core/diagnose/literals.js';
import { loadBounceCorpus } from '../../support/bounce-corpus.js';

describe('literalsOf', () => {
  it('takes the longest plain run of each top-level alternative, lower-cased', () => {
    expect(literalsOf(/^ {0,3}----- Transcript of session follows -----/)).toEqual(['----- transcript of session follows -----']);
    expect(literalsOf(/Hi\. This is the qmail|This is the qmail-send program/)).toEqual(['hi. this is the qmail', 'this is the qmail-send program']);
    expect(literalsOf(/ RESOLVER\.| QUEUE\./)).toEqual([' resolver.', ' queue.']);
  });
  it('drops optional and repeated characters, groups, classes and escapes', () => {
    expect(literalsOf(/rejected by the local scann?ing code/)).toEqual(['rejected by the local scan']);
    expect(literalsOf(/^Your mail (?:sent on|attempted):/)).toEqual(['your mail ']);
    expect(literalsOf(/abcd[0-9]{2}efghij\s+xyz/)).toEqual(['efghij']);
    expect(literalsOf(/caf\u00e9 latte au lait/)).toEqual([' latte au lait']);
  });
  it('gives up (always run) when an alternative has no literal', () => {
    expect(literalsOf(/^<|^Each of the following/)).toBeNull();
    expect(literalsOf(/^(?:a|b)c/)).toBeNull();
  });
});

describe('the prefilter never hides a match', () => {
  it('holds for every format pattern on every corpus bounce', async () => {
    const patterns = FORMATS.flatMap((f) => [
      ...f.signals.flatMap((s) => (s.body ? [s.body] : [])),
      ...(f.pasted ? [f.pasted] : []),
      ...(f.start ?? []),
    ]).map((re) => prefiltered(new RegExp(re.source, re.flags.includes('m') ? re.flags : `${re.flags}m`)));
    let matches = 0;
    for (const fixture of loadBounceCorpus()) {
      const body = (await readDocument(fixture.bytes)).body.slice(0, 8192);
      const lower = body.toLowerCase();
      for (const p of patterns) {
        if (!p.re.test(body)) continue;
        matches++;
        expect(mayMatch(p, lower), `${fixture.file}: ${p.re.source}`).toBe(true);
      }
    }
    expect(matches).toBeGreaterThan(300);
  });
});
