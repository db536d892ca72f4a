import { describe, expect, it } from 'vitest';
import { capitalise, clip, count, quoted } from '../../src/reply/words.js';

describe('count', () => {
  it('says one and many', () => {
    expect(count(1, 'list')).toBe('1 list');
    expect(count(0, 'list')).toBe('0 lists');
    expect(count(2, 'watch', 'watches')).toBe('2 watches');
  });
});

describe('clip', () => {
  it('keeps short text and cuts long text to the limit, ellipsis included', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abcdef', 4)).toHaveLength(4);
  });

  it('never leaves half of a surrogate pair', () => {
    const cut = clip('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

describe('quoted', () => {
  it('quotes input on one line, clipped', () => {
    expect(quoted('  a\n b ')).toBe('"a b"');
    expect(quoted('x'.repeat(100), 10)).toBe(`"${'x'.repeat(10)}…"`);
  });
});

describe('capitalise', () => {
  it('turns catalogue fragments into sentences but leaves names alone', () => {
    expect(capitalise('listed (reported spam)')).toBe('Listed (reported spam)');
    expect(capitalise('s5h.net answered')).toBe('s5h.net answered');
    expect(capitalise('PBL - policy')).toBe('PBL - policy');
    expect(capitalise('')).toBe('');
  });
});
