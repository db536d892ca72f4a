/**
 * Text widths from a TrueType file's own metrics (cmap format 4 and hmtx tables), for
 * Vega's layout. Without a canvas Vega guesses every character as 0.8 em wide, which
 * leaves wide gaps and cuts labels that would fit; with the advance widths of the very
 * font resvg draws with, labels are placed and shortened exactly. Kerning is ignored
 * (DejaVu's kerning moves a label by a pixel or two at most).
 */
import { readFileSync } from 'node:fs';

export interface FontMetrics {
  /** Width of `text` at `size` px. */
  width(text: string, size: number): number;
}

export function loadFontMetrics(file: string): FontMetrics {
  const buf = readFileSync(file);
  const tables = new Map<string, number>();
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`${file} has no ${tag} table`);
    return at;
  };
  const unitsPerEm = buf.readUInt16BE(table('head') + 18);
  const numberOfHMetrics = buf.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number => buf.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapFormat4(buf, table('cmap'));
  const cache = new Map<number, number>();
  const em = (code: number): number => {
    let w = cache.get(code);
    if (w === undefined) {
      w = advance(glyphOf(code)) / unitsPerEm;
      cache.set(code, w);
    }
    return w;
  };
  return {
    width(text, size) {
      let w = 0;
      for (const ch of text) w += em(ch.codePointAt(0)!);
      return w * size;
    },
  };
}

/** The Unicode BMP → glyph mapping (platform 3, encoding 1, format 4). */
export function cmapFormat4(buf: Buffer, cmap: number): (code: number) => number {
  const count = buf.readUInt16BE(cmap + 2);
  let sub = -1;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + 8 * i;
    if (buf.readUInt16BE(rec) === 3 && buf.readUInt16BE(rec + 2) === 1) sub = cmap + buf.readUInt32BE(rec + 4);
  }
  if (sub < 0 || buf.readUInt16BE(sub) !== 4) throw new Error('no Unicode BMP cmap (format 4)');
  const segX2 = buf.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const offsets = deltas + segX2;
  return (code) => {
    if (code > 0xffff) return 0;
    for (let i = 0; i < segX2; i += 2) {
      if (buf.readUInt16BE(ends + i) < code) continue;
      const start = buf.readUInt16BE(starts + i);
      if (start > code) return 0;
      const delta = buf.readInt16BE(deltas + i);
      const rangeOffset = buf.readUInt16BE(offsets + i);
      if (rangeOffset === 0) return (code + delta) & 0xffff;
      const glyph = buf.readUInt16BE(offsets + i + rangeOffset + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
