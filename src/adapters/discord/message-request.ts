/** Splits a rendered message into the JSON body and the files @discordjs/rest uploads. */
import type { RawFile } from 'discord.js';
import type { DiscordMessage } from './render.js';

export interface MessageRequest {
  readonly body: Record<string, unknown>;
  readonly files: RawFile[] | undefined;
}

export function messageRequest(message: DiscordMessage, extra: Record<string, unknown> = {}): MessageRequest {
  const { files, ...body } = message;
  return {
    // allowed_mentions is always present: the renderer sets it, and this spread keeps it.
    body: { ...body, ...extra, allowed_mentions: { parse: [] } },
    files: files.length > 0 ? files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType })) : undefined,
  };
}
