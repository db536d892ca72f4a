/**
 * Posting as the bot (chat.postMessage): watch alerts, and answers whose response_url
 * expired. A posted message stays within SLACK_LIMITS.postedChars; when something had to
 * be left out, the full report follows as a file (files.uploadV2) in the message's thread,
 * and the message says so. A message Slack still rejects as too long or malformed goes
 * again as its plain text, with the file.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../app/logger.js';
import { renderText } from '../../reply/render.js';
import type { Reply } from '../../reply/reply.js';
import { MESSAGE_REJECTIONS, slackErrorCode } from './delivery.js';
import { SLACK_LIMITS, SLACK_REPORT_FILENAME, renderSlack } from './render.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

export interface PostedMessage {
  readonly ts: string | undefined;
  /** Whether the full report was attached (the message was shortened). */
  readonly withFile: boolean;
}

/**
 * Post `reply` in a channel; throws the WebClient's error when Slack refuses the post
 * itself. A failed file upload after a successful post is logged, not thrown: the message
 * is out, and posting it again would duplicate it.
 */
export async function postReply(client: WebClient, channel: string, reply: Reply, logger: Logger): Promise<PostedMessage> {
  const message = renderSlack(reply, { maxChars: SLACK_LIMITS.postedChars, overflow: 'file' });
  let ts: string | undefined;
  let shortened = message.omitted > 0;
  try {
    const res = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    ts = res.ts;
  } catch (err) {
    if (!MESSAGE_REJECTIONS.has(slackErrorCode(err))) throw err;
    logger.warn({ err, channel }, 'Slack: message refused as too long or malformed; posting it as plain text with the full report');
    const res = await client.chat.postMessage({
      channel,
      text: `${message.text}\nThe full report is in ${SLACK_REPORT_FILENAME}, attached in this message's thread.`,
      unfurl_links: false,
      unfurl_media: false,
    });
    ts = res.ts;
    shortened = true;
  }
  if (shortened) await attachReport(client, channel, ts, reply, logger);
  return { ts, withFile: shortened };
}

async function attachReport(client: WebClient, channel: string, ts: string | undefined, reply: Reply, logger: Logger): Promise<void> {
  try {
    const file = { filename: SLACK_REPORT_FILENAME, title: reply.title, content: reply.fullText ?? renderText(reply, { color: false }) };
    await client.filesUploadV2(ts ? { channel_id: channel, thread_ts: ts, ...file } : { channel_id: channel, ...file });
  } catch (err) {
    const code = slackErrorCode(err);
    const hint = code === 'missing_scope' ? ' (the app needs the files:write scope: reinstall it from manifest.yml)' : '';
    logger.warn({ err, channel, code }, `Slack: could not attach the full report${hint}`);
  }
}
