/**
 * Reads a text attachment (a saved bounce) from the URL Discord gives in the
 * interaction, refusing anything that is not .eml/.txt or is over the size cap — the
 * cap is enforced while reading, not trusted from the declared size.
 */
import type { APIAttachment } from 'discord.js';
import { MAX_FILE_BYTES } from './payloads.js';
import { UserError } from '../../reply/errors.js';

export class AttachmentError extends UserError {}

const TEXT_EXTENSIONS = /\.(eml|txt|msg\.txt|log)$/i;

export function isTextAttachment(attachment: Pick<APIAttachment, 'filename' | 'content_type'>): boolean {
  return TEXT_EXTENSIONS.test(attachment.filename) || /^(text\/plain|message\/rfc822)\b/i.test(attachment.content_type ?? '');
}

export async function fetchTextAttachment(
  attachment: Pick<APIAttachment, 'filename' | 'size' | 'url' | 'content_type'>,
  maxBytes = MAX_FILE_BYTES,
  timeoutMs = 15_000,
): Promise<string> {
  if (!isTextAttachment(attachment)) {
    throw new AttachmentError(`${attachment.filename} is not a .eml or .txt file. Save the bounce as text and attach that.`);
  }
  const limit = `${Math.round(maxBytes / 1024)} KB`;
  if (attachment.size > maxBytes) throw new AttachmentError(`${attachment.filename} is larger than ${limit}; attach just the bounce.`);
  let response: Response;
  try {
    response = await fetch(attachment.url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    throw new AttachmentError(`Could not download ${attachment.filename} from Discord; try again.`);
  }
  if (!response.ok || !response.body) throw new AttachmentError(`Could not download ${attachment.filename} from Discord (HTTP ${response.status}).`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new AttachmentError(`${attachment.filename} is larger than ${limit}; attach just the bounce.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
