/**
 * The platform-neutral answer every command returns.
 *
 * A Reply describes *what* to say, never *how* a platform shows it: each adapter's render.ts
 * (Slack: Block Kit, Discord: embeds) and src/reply/render.ts (terminal text) turn it into what the user sees.
 * Every string in a Reply is plain text and may be untrusted (a pasted bounce, a DNS
 * TXT record, a user's target): renderers escape all of it. Links are explicit
 * objects so that a renderer can emit them safely; nothing in a string is ever
 * interpreted as markup.
 */

/** How good or bad a piece of news is; drives colours and icons. */
export type Level = 'ok' | 'info' | 'warn' | 'bad' | 'error';

/** A run of inline content. Plain strings are literal text, escaped by the renderer. */
export type Inline = string | { readonly link: string; readonly label: string } | { readonly code: string } | { readonly bold: string };

export type Block =
  /** The one-line answer: "203.0.113.5 is listed on 2 of 41 lists". */
  | { readonly kind: 'verdict'; readonly level: Level; readonly text: readonly Inline[] }
  /** Short label/value facts (PTR, reply code, rejecting host…). */
  | { readonly kind: 'fields'; readonly fields: readonly { readonly label: string; readonly value: readonly Inline[] }[] }
  /** A group of items, e.g. "Listed on" with one item per zone. */
  | {
      readonly kind: 'list';
      readonly heading: string;
      readonly items: readonly ListItem[];
    }
  /** A paragraph. */
  | { readonly kind: 'text'; readonly text: readonly Inline[] }
  /** Preformatted text (SMTP transcripts, excerpts of a bounce). */
  | { readonly kind: 'code'; readonly text: string }
  /** Small print: timings, resolver used, hints. */
  | { readonly kind: 'context'; readonly text: readonly Inline[] }
  /**
   * A picture (a PNG chart). Slack uploads it to the channel, Discord attaches it and shows
   * it in the embed, text renderers name the file it was saved to (`savedAs`, set by the
   * console before rendering) or describe it by `alt`.
   */
  | ImageBlock;

export interface ImageBlock {
  readonly kind: 'image';
  readonly png: Uint8Array;
  /** A safe file name ending in .png (letters, digits, dot, dash). */
  readonly filename: string;
  /** What the picture shows, for screen readers and where it cannot be shown. */
  readonly alt: string;
  readonly width: number;
  readonly height: number;
  /** Where the picture was written (console). */
  readonly savedAs?: string;
}

export interface ListItem {
  readonly level?: Level;
  readonly title: readonly Inline[];
  readonly lines?: readonly (readonly Inline[])[];
}

export interface Reply {
  /** `channel`: everyone in the channel sees it; `ephemeral`: only the caller (help, errors). */
  readonly visibility: 'channel' | 'ephemeral';
  /** A short header, e.g. "Blocklist check: 203.0.113.5". Plain text. */
  readonly title: string;
  /** Overall colour of the answer (embed colour, terminal colour). */
  readonly level: Level;
  readonly blocks: readonly Block[];
  /**
   * The complete report as plain text, for platforms that must shorten the answer:
   * they attach it as a file instead of silently dropping content.
   */
  readonly fullText?: string;
}

/** A friendly error for the caller only: bad input, permission refused, internal failure. */
export function errorReply(title: string, message: string, hint?: string): Reply {
  const blocks: Block[] = [{ kind: 'verdict', level: 'error', text: [message] }];
  if (hint) blocks.push({ kind: 'context', text: [hint] });
  return { visibility: 'ephemeral', title, level: 'error', blocks };
}
