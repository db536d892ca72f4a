/** The console cannot show a picture: it saves each one as a PNG and the answer names the file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { savePictures } from '../../../src/adapters/console/pictures.js';
import { renderText } from '../../../src/reply/render.js';
import type { Reply } from '../../../src/reply/reply.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const reply: Reply = {
  visibility: 'channel',
  title: 'Listing history of 203.0.113.5',
  level: 'bad',
  blocks: [
    { kind: 'verdict', level: 'bad', text: ['1 listing on 1 list in the last 30 days.'] },
    { kind: 'image', png, width: 10, height: 10, filename: '../../evil\u001b[2J.png', alt: 'Timeline\u001b]0;pwned\u0007 of 203.0.113.5' },
  ],
};

describe('console pictures', () => {
  it('writes each picture into the folder (never outside it) and prints its path, terminal-safe', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-pics-'));
    const shown = await savePictures(reply, dir);
    const saved = path.join(dir, '.._.._evil__2J.png');
    const image = shown.blocks.find((b) => b.kind === 'image');
    expect(image?.kind === 'image' && image.savedAs).toBe(saved);
    expect(fs.readFileSync(saved)).toEqual(Buffer.from(png));
    const text = renderText(shown);
    expect(text).toContain(`Picture: Timeline of 203.0.113.5 (saved to ${saved})`);
    expect(text).not.toMatch(/\u001b|\u0007/);
  });

  it('leaves replies without pictures alone', async () => {
    const plain: Reply = { ...reply, blocks: [reply.blocks[0]!] };
    expect(await savePictures(plain, '/nonexistent')).toBe(plain);
  });
});
