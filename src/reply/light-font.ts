/**
 * A lighter copy of a TrueType file, for resvg. resvg-js 2.6 (fontdb 0.14 without memory
 * mapping) reads the whole font file again for every glyph it draws: 757 KB per glyph of
 * DejaVu Sans, ~80 µs, ~45 ms for the ~600 glyphs of a 25-lane history picture. This copy
 * keeps every table and every glyph id (so shaping, kerning and metrics are untouched and
 * text drawn from it is the same, pixel for pixel) but empties the outlines of the glyphs
 * outside the characters kept, and cuts `post` to its header (glyph names are never
 * used): ~200 KB, read four times as fast. Text with any other character is drawn from
 * the full file (see `coversText`).
 */
import { cmapFormat4 } from './font-metrics.js';

/** Characters with outlines in the light copy: Latin (ASCII, Latin-1, Extended-A, ligatures) and common punctuation. */
const KEPT_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x2010, 0x203a],
  [0x2212, 0x2212],
  // The ligatures (fi, fl, ffi, …) that shaping puts in place of their letters.
  [0xfb00, 0xfb06],
];

/** Whether every character of `text` (an SVG document: its markup is ASCII) has its outline in a light copy. */
export function coversText(text: string): boolean {
  return !/[^\n\r\t\x20-\x7e\xa0-\u017f\u2010-\u203a\u2212\ufb00-\ufb06]/.test(text);
}

export function lightFont(font: Buffer): Buffer {
  const tables = new Map<string, { offset: number; length: number }>();
  const numTables = font.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(font.toString('latin1', rec, rec + 4), { offset: font.readUInt32BE(rec + 8), length: font.readUInt32BE(rec + 12) });
  }
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new Error(`font has no ${tag} table`);
    return t;
  };
  const head = table('head');
  const longLoca = font.readInt16BE(head.offset + 50) === 1;
  const numGlyphs = font.readUInt16BE(table('maxp').offset + 4);
  const loca = table('loca');
  const glyf = table('glyf');
  const at = (g: number) => (longLoca ? font.readUInt32BE(loca.offset + 4 * g) : 2 * font.readUInt16BE(loca.offset + 2 * g));

  // The glyphs kept: those of the kept characters, the .notdef glyph, and the parts of composite glyphs.
  const glyphOf = cmapFormat4(font, table('cmap').offset);
  const kept = new Set<number>();
  const keep = (g: number) => {
    if (kept.has(g)) return;
    kept.add(g);
    const start = glyf.offset + at(g);
    if (at(g + 1) === at(g) || font.readInt16BE(start) >= 0) return;
    // A composite glyph: component records after the 10-byte header.
    let p = start + 10;
    for (;;) {
      const flags = font.readUInt16BE(p);
      keep(font.readUInt16BE(p + 2));
      p += 4 + (flags & 0x1 ? 4 : 2) + (flags & 0x8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
      if (!(flags & 0x20)) break;
    }
  };
  keep(0);
  for (const [from, to] of KEPT_RANGES) for (let c = from; c <= to; c++) keep(glyphOf(c));

  // New glyf and (long) loca: every glyph id stays, the dropped ones with no outline.
  const parts: Buffer[] = [];
  const newLoca = Buffer.alloc(4 * (numGlyphs + 1));
  let size = 0;
  for (let g = 0; g < numGlyphs; g++) {
    newLoca.writeUInt32BE(size, 4 * g);
    if (!kept.has(g)) continue;
    const part = font.subarray(glyf.offset + at(g), glyf.offset + at(g + 1));
    parts.push(part);
    size += part.length;
  }
  newLoca.writeUInt32BE(size, 4 * numGlyphs);
  const newHead = Buffer.from(font.subarray(head.offset, head.offset + head.length));
  newHead.writeInt16BE(1, 50); // long loca offsets
  const post = table('post');
  const newPost = Buffer.from(font.subarray(post.offset, post.offset + 32));
  newPost.writeUInt32BE(0x00030000, 0); // format 3: no glyph names

  const replaced = new Map<string, Buffer>([
    ['glyf', Buffer.concat(parts)],
    ['loca', newLoca],
    ['head', newHead],
    ['post', newPost],
  ]);
  const tags = [...tables.keys()];
  const header = Buffer.alloc(12 + 16 * tags.length);
  font.copy(header, 0, 0, 12);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tags.forEach((tag, i) => {
    const t = tables.get(tag)!;
    const body = replaced.get(tag) ?? font.subarray(t.offset, t.offset + t.length);
    const rec = 12 + 16 * i;
    header.write(tag, rec, 'latin1');
    header.writeUInt32BE(0, rec + 4); // checksums are not checked by resvg's parser
    header.writeUInt32BE(offset, rec + 8);
    header.writeUInt32BE(body.length, rec + 12);
    const padded = Buffer.alloc((body.length + 3) & ~3);
    body.copy(padded);
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([header, ...bodies]);
}
