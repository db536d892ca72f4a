import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { coversText, lightFont } from '../../src/reply/light-font.js';

const require = createRequire(import.meta.url);
const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const full = [path.join(dir, 'DejaVuSans.ttf'), path.join(dir, 'DejaVuSans-Bold.ttf')];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rblbot-light-font-'));
const light = full.map((file) => {
  const copy = path.join(tmp, path.basename(file));
  writeFileSync(copy, lightFont(readFileSync(file)));
  return copy;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pixels(lines: string[], weight: string, fonts: string[]): Buffer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const texts = lines.map(
    (l, i) => `<text x="4" y="${16 + i * 18}" font-family="DejaVu Sans" font-weight="${weight}" font-size="13">${esc(l)}</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="${lines.length * 18 + 8}">${texts.join('')}</svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: 'DejaVu Sans' }, logLevel: 'off' }).render().pixels;
}

describe('light font copy', () => {
  // Every kept character, in runs of 30, and words with ligatures and kerning pairs.
  let chars = '';
  for (const [from, to] of [
    [0x21, 0x7e],
    [0xa0, 0x17f],
    [0x2010, 0x203a],
    [0x2212, 0x2212],
  ] as const)
    for (let c = from; c <= to; c++) chars += String.fromCodePoint(c);
  const lines = [...Array.from({ length: Math.ceil(chars.length / 30) }, (_, i) => chars.slice(30 * i, 30 * i + 30))];
  lines.push('office affluent flow AVA To Ty LT Wa “list1.example.net” 01 Oct – 2 Sep 2026 ×');

  it('is under a third of the size of the full file', () => {
    for (const [i, file] of full.entries()) expect(readFileSync(light[i]!).length).toBeLessThan(readFileSync(file).length / 3);
  });

  it('draws the characters it covers exactly as the full file does, regular and bold', () => {
    expect(coversText(lines.join('\n'))).toBe(true);
    for (const weight of ['normal', 'bold']) {
      const a = pixels(lines, weight, full);
      expect(a.some((v) => v !== 0)).toBe(true);
      expect(pixels(lines, weight, light).equals(a)).toBe(true);
    }
  });

  it('does not cover other scripts or symbols (those are drawn from the full file)', () => {
    for (const text of ['Ελληνικά', 'кириллица', '漢字', 'a → b', '▼']) expect(coversText(text)).toBe(false);
    // A character outside the copy has no outline there: the difference shows.
    expect(pixels(['Ελληνικά'], 'normal', light).equals(pixels(['Ελληνικά'], 'normal', full))).toBe(false);
  });
});
