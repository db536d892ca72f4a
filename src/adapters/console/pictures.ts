/**
 * A terminal cannot show a picture: the console writes each image of a reply to a PNG
 * file and the text renderer prints its path (the reply's `savedAs`).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Block, Reply } from '../../reply/reply.js';

/** Where pictures go unless RBLBOT_PICTURES_DIR says otherwise. */
export function defaultPicturesDir(): string {
  return path.join(os.tmpdir(), 'rblbot-pictures');
}

/** Write the reply's images to `dir` (created) and return the reply with their paths. */
export async function savePictures(reply: Reply, dir: string): Promise<Reply> {
  if (!reply.blocks.some((b) => b.kind === 'image')) return reply;
  await fs.mkdir(dir, { recursive: true });
  const blocks: Block[] = [];
  for (const block of reply.blocks) {
    if (block.kind !== 'image') {
      blocks.push(block);
      continue;
    }
    const file = path.resolve(dir, path.basename(block.filename.replace(/[^A-Za-z0-9._-]/g, '_')));
    await fs.writeFile(file, block.png);
    blocks.push({ ...block, savedAs: file });
  }
  return { ...reply, blocks };
}
