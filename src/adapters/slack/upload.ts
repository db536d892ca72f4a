/**
 * Pictures of an answer (Reply image blocks) go to the channel as files: a response_url
 * message cannot carry them, so each is uploaded with files.uploadV2 (which asks Slack for
 * an upload URL, sends the bytes there, then completes the upload into the channel; the
 * bot needs the files:write scope and to be in the channel).
 */
import type { webApi } from '@slack/bolt';
import type { ImageBlock, Reply } from '../../reply/reply.js';
import { clip } from '../../reply/words.js';
import { slackDeliveryError } from './delivery.js';

export function imagesOf(reply: Reply): ImageBlock[] {
  return reply.blocks.filter((b): b is ImageBlock => b.kind === 'image');
}

/**
 * Upload every picture of `reply` to `channelId`. Returns a sentence per picture that
 * could not be uploaded (for a private follow-up), never throws. `bot` is the bot's name as
 * people invite it: refusals are worded as delivery refusals are, fix included.
 */
export async function uploadImages(client: InstanceType<typeof webApi.WebClient>, channelId: string, reply: Reply, bot: string): Promise<string[]> {
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
      const refused = slackDeliveryError(err, bot);
      const words = refused.fix ? `${refused.message} ${refused.fix}` : refused.message;
      problems.push(`Could not upload the picture ${image.filename}: ${words}`);
    }
  }
  return problems;
}
