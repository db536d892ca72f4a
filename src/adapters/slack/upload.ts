/**
 * Pictures of an answer (Reply image blocks) go to the channel as files: a response_url
 * message cannot carry them, so each is uploaded with files.uploadV2 (which asks Slack for
 * an upload URL, sends the bytes there, then completes the upload into the channel; the
 * bot needs the files:write scope and to be in the channel).
 */
import type { webApi } from '@slack/bolt';
import type { ImageBlock, Reply } from '../../reply/reply.js';
import { clip } from '../../reply/words.js';

/** Why an upload failed, in words for the person who asked. */
const UPLOAD_ERRORS: Record<string, string> = {
  not_in_channel: 'rblbot is not a member of this channel: invite it with /invite @rblbot.',
  channel_not_found: 'rblbot cannot post in this channel (a private channel it is not in, or a DM).',
  missing_scope: 'The Slack app lacks the files:write scope: reinstall it from manifest.yml.',
};

export function imagesOf(reply: Reply): ImageBlock[] {
  return reply.blocks.filter((b): b is ImageBlock => b.kind === 'image');
}

/**
 * Upload every picture of `reply` to `channelId`. Returns a sentence per picture that
 * could not be uploaded (for a private follow-up), never throws.
 */
export async function uploadImages(client: InstanceType<typeof webApi.WebClient>, channelId: string, reply: Reply): Promise<string[]> {
  const problems: string[] = [];
  for (const image of imagesOf(reply)) {
    try {
      await client.files.uploadV2({
        channel_id: channelId,
        file: Buffer.from(image.png),
        filename: image.filename,
        title: clip(reply.title, 250),
        alt_text: clip(image.alt, 1000),
      });
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? (err as { code?: string }).code ?? 'request_failed';
      problems.push(`Could not upload the picture ${image.filename}: ${UPLOAD_ERRORS[code] ?? `Slack answered ${code}.`}`);
    }
  }
  return problems;
}
