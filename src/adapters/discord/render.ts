/**
 * Reply → a Discord message: embeds coloured by level, within Discord's embed limits.
 *
 * This is the only place that turns Reply text into Discord markdown. Every string in a
 * Reply is untrusted plain text, so it is escaped here (markdown, masked links, bare
 * URLs, mention syntax); the only links in the output come from Inline {link, label}.
 * allowed_mentions `{ parse: [] }` is set on every message as a second lock, so even
 * text that slipped through could not ping anyone.
 *
 * Anything that does not fit (6000 characters across ≤10 embeds) is cut with a note,
 * and the complete report is attached as a text file instead of failing the send.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Block, ImageBlock, Inline, Level, ListItem, Reply } from '../../reply/reply.js';
import { LEVELS_WORST_FIRST, levelRank } from '../../reply/severity.js';
import { clip } from '../../reply/words.js';
import { safeLinkUrl } from '../../reply/links.js';

/** Discord's message and embed limits (https://discord.com/developers/docs/resources/message, "Embed Limits"). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** Sum of title, description, field names and values, footer and author over all embeds. */
  totalPerMessage: 6000,
} as const;

export const LEVEL_COLOURS: Readonly<Record<Level, number>> = {
  ok: 0x2ecc71,
  info: 0x3498db,
  warn: 0xf1c40f,
  bad: 0xe74c3c,
  error: 0x95a5a6,
};

const LEVEL_ICONS: Readonly<Record<Level, string>> = {
  ok: '🟢',
  info: '🔵',
  warn: '🟡',
  bad: '🔴',
  error: '⚪',
};

export const REPORT_FILENAME = 'rblbot-report.txt';

export interface DiscordFile {
  readonly name: string;
  readonly data: Buffer;
  readonly contentType: string;
}

/** What the adapter sends: a JSON body (REST field names) plus files to upload. */
export interface DiscordMessage {
  readonly content?: string;
  readonly embeds: APIEmbed[];
  readonly allowed_mentions: { readonly parse: [] };
  /** Placeholders for `files`, as the message API expects them. */
  readonly attachments?: { id: number; filename: string }[];
  readonly files: DiscordFile[];
}

/** Mentions are never parsed, whatever the text says. */
export const NO_MENTIONS = Object.freeze({ parse: [] as [] });

// --- escaping ---------------------------------------------------------------------

const URL_PATTERN = /\bhttps?:\/\/[^\s<>]+/gi;
/** Mention-like syntax: <@id>, <@!id>, <@&role>, <#channel>, </cmd:id>, <t:…>, <:emoji:id>. */
const MENTION_SYNTAX = /<(?=[@#/:]|t:|a:|id:)/g;

/**
 * Escape untrusted plain text for Discord markdown: no formatting, no masked links, no
 * headings/lists/quotes, no mentions (@everyone, @here, <@123>), and bare URLs shown
 * as code so they neither link nor unfurl.
 */
export function escapeDiscord(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    out += escapePlain(text.slice(last, match.index));
    out += inlineCode(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapePlain(text.slice(last));
}

/**
 * Backslash before every character Discord markdown could use (Discord shows any
 * escaped punctuation literally), plus "1." list markers. Hand-written rather than
 * discord.js's escapeMarkdown: that one's look-behind patterns take time quadratic in
 * the text's length (about a second for 5,000 characters), and pasted bounces are long.
 */
const MARKDOWN_CHARS = /[\\*_~`|>#\-[\]()+]/g;

function escapePlain(text: string): string {
  return neutraliseMentions(text)
    .replace(MARKDOWN_CHARS, '\\$&')
    .replace(/^([ \t]*\d+)\./gm, '$1\\.');
}

/**
 * A zero-width space after "@" / "<" stops @everyone, @here and <@id> from being
 * mentions even where allowed_mentions does not apply; it is invisible to readers.
 * Used alone for text Discord shows without markdown (footers).
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(MENTION_SYNTAX, '<\u200b');
}

/** Inline code that cannot be broken out of: backticks inside become a look-alike. */
function inlineCode(text: string): string {
  const inner = neutraliseMentions(text).replace(/`/g, 'ˋ').replace(/\r?\n/g, ' ');
  return inner === '' ? '' : `\`${inner}\``;
}

function codeBlock(text: string, max: number): string {
  // Three backticks would close the block early; a zero-width space keeps them apart.
  let inner = neutraliseMentions(text).replace(/```/g, '`\u200b`\u200b`').replace(/\s+$/, '');
  const budget = max - 8;
  if (inner.length > budget) inner = `${inner.slice(0, Math.max(0, budget - 1))}…`;
  return `\`\`\`\n${inner}\n\`\`\``;
}

/** A link only for an allowed URL (src/reply/links.ts); the label is escaped so it cannot nest markup. */
function link(url: string, label: string): string {
  // Brackets are escaped too, so the label cannot close the link early.
  const safeLabel = escapeDiscord(label.replace(/\s+/g, ' ')) || 'link';
  const safe = safeLinkUrl(url);
  if (!safe) return safeLabel;
  const href = safe.replace(/\(/g, '%28').replace(/\)/g, '%29');
  // <…> around the URL stops Discord unfurling a preview of every removal page.
  return `[${safeLabel}](<${href}>)`;
}

export function renderInline(parts: readonly Inline[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return escapeDiscord(part);
      if ('link' in part) return link(part.link, part.label);
      if ('code' in part) return inlineCode(part.code);
      const bold = escapeDiscord(part.bold);
      return bold === '' ? '' : `**${bold}**`;
    })
    .join('');
}

/** Plain text of inline content, for places without markdown links (field names, titles). */
function plainInline(parts: readonly Inline[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : 'link' in part ? part.label : 'code' in part ? part.code : part.bold)).join('');
}

/** Cut markdown at a line or word boundary (never inside an escape pair) and mark the cut. */
function truncateMarkdown(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const breakAt = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  if (breakAt > max / 2) cut = cut.slice(0, breakAt);
  if (/\\$/.test(cut)) cut = cut.slice(0, -1);
  // An unclosed code span or bold marker would swallow what follows; drop the partial one.
  if ((cut.match(/`/g)?.length ?? 0) % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`'));
  return `${cut}…`;
}

// --- layout -----------------------------------------------------------------------

function listSeverity(items: readonly ListItem[]): number {
  // Lists with the worst news first: a listing matters more than a refusal or a clean result.
  return items.reduce((worst, item) => Math.min(worst, levelRank(item.level ?? 'info')), LEVELS_WORST_FIRST.length);
}

function renderListItem(item: ListItem): string {
  const icon = item.level ? `${LEVEL_ICONS[item.level]} ` : '';
  const lines = [`- ${icon}${renderInline(item.title).replace(/\s*\n\s*/g, ' ')}`];
  for (const line of item.lines ?? []) {
    const rendered = renderInline(line);
    if (rendered.trim() !== '') lines.push(`  - ${rendered}`);
  }
  return lines.join('\n');
}

/**
 * Blocks in reading order, except that lists are ordered worst news first (listed zones,
 * then refusals/timeouts, then clean or allow-list results) and come right after the
 * verdict and facts; context lines go to the footer.
 */
function arrange(blocks: readonly Block[]) {
  const verdicts: Block[] = [];
  const fields: { label: string; value: readonly Inline[] }[] = [];
  const lists: Extract<Block, { kind: 'list' }>[] = [];
  const rest: Block[] = [];
  const context: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'verdict':
        verdicts.push(block);
        break;
      case 'fields':
        fields.push(...block.fields);
        break;
      case 'list':
        lists.push(block);
        break;
      case 'context':
        context.push(plainInline(block.text));
        break;
      default:
        rest.push(block);
    }
  }
  lists.sort((a, b) => listSeverity(a.items) - listSeverity(b.items));
  return { verdicts, fields, lists, rest, context };
}

/**
 * A paragraph of the description; big lists are split at item boundaries so they can
 * flow into the next embed. Rendered on demand: items past the budget are only counted.
 */
interface Piece {
  readonly render: () => string;
  /** Counts toward "…and N more" when dropped. */
  readonly items: number;
}

function piecesOf(blocks: ReturnType<typeof arrange>): Piece[] {
  const pieces: Piece[] = [];
  const max = DISCORD_LIMITS.description;
  for (const block of blocks.verdicts) {
    if (block.kind === 'verdict')
      pieces.push({ render: () => truncateMarkdown(`${LEVEL_ICONS[block.level]} ${renderInline(block.text)}`, max), items: 0 });
  }
  for (const list of blocks.lists) {
    const title = escapeDiscord(list.heading.replace(/\s+/g, ' ').trim());
    const heading = `${title ? `**${truncateMarkdown(title, 200)}** ` : ''}(${list.items.length})`;
    list.items.forEach((item, index) => {
      pieces.push({
        render: () => {
          const text = truncateMarkdown(renderListItem(item), max - heading.length - 2);
          return index === 0 ? `${heading}\n${text}` : text;
        },
        items: 1,
      });
    });
    if (list.items.length === 0) pieces.push({ render: () => heading, items: 0 });
  }
  for (const block of blocks.rest) {
    if (block.kind === 'text') pieces.push({ render: () => truncateMarkdown(renderInline(block.text), max), items: 0 });
    else if (block.kind === 'code') pieces.push({ render: () => codeBlock(block.text, 1900), items: 0 });
  }
  return pieces;
}

function embedSize(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Characters an embed's text counts toward the 6000 total (exported for tests and callers that add text). */
export function messageSize(embeds: readonly APIEmbed[]): number {
  return embeds.reduce((n, e) => n + embedSize(e), 0);
}

export interface RenderOptions {
  /** Total characters allowed across embeds (tests lower it; Discord's limit by default). */
  readonly totalBudget?: number;
  readonly maxEmbeds?: number;
}

/** Render a Reply as one Discord message body, always within limits. */
export function renderDiscord(reply: Reply, options: RenderOptions = {}): DiscordMessage {
  const totalBudget = Math.min(options.totalBudget ?? DISCORD_LIMITS.totalPerMessage, DISCORD_LIMITS.totalPerMessage);
  const maxEmbeds = Math.min(options.maxEmbeds ?? DISCORD_LIMITS.embedsPerMessage, DISCORD_LIMITS.embedsPerMessage);
  const colour = LEVEL_COLOURS[reply.level];
  const arranged = arrange(reply.blocks);

  const first: APIEmbed = {
    title: truncateMarkdown(escapeDiscord(reply.title.replace(/\s+/g, ' ').trim()) || 'rblbot', DISCORD_LIMITS.title),
    color: colour,
  };
  const fields: APIEmbedField[] = arranged.fields.slice(0, DISCORD_LIMITS.fields).map((f) => ({
    name: truncateMarkdown(escapeDiscord(f.label.replace(/\s+/g, ' ').trim()) || '\u200b', DISCORD_LIMITS.fieldName),
    value: truncateMarkdown(renderInline(f.value).trim() || '—', DISCORD_LIMITS.fieldValue),
    inline: true,
  }));
  let droppedFields = arranged.fields.length - fields.length;
  if (fields.length > 0) first.fields = fields;
  const footerText = arranged.context.length > 0 ? clip(neutraliseMentions(arranged.context.join(' · ')), DISCORD_LIMITS.footer) : undefined;

  // Room for the footer (added to the last embed) and a truncation note, reserved up front.
  const noteReserve = 160;
  const footerReserve = footerText?.length ?? 0;
  let budget = totalBudget - embedSize(first) - footerReserve;
  if (budget < noteReserve && first.fields) {
    // Pathological fields: keep the title, drop facts rather than overflow.
    droppedFields += first.fields.length;
    delete first.fields;
    budget = totalBudget - embedSize(first) - footerReserve;
  }

  const embeds: APIEmbed[] = [first];
  const pieces = piecesOf(arranged);
  let droppedItems = 0;
  let droppedOther = 0;
  let current = first;
  let stopped = false;
  for (const piece of pieces) {
    if (stopped) {
      if (piece.items) droppedItems += piece.items;
      else droppedOther++;
      continue;
    }
    const text = piece.render();
    const existing = current.description ?? '';
    const separator = existing === '' ? '' : '\n';
    const fitsEmbed = existing.length + separator.length + text.length <= DISCORD_LIMITS.description;
    const growth = separator.length + text.length;
    const remainingAfter = budget - growth;
    const isLastPiece = piece === pieces[pieces.length - 1];
    const needsReserve = isLastPiece ? 0 : noteReserve;
    if (fitsEmbed && remainingAfter >= needsReserve) {
      current.description = existing + separator + text;
      budget -= growth;
      continue;
    }
    if (!fitsEmbed && embeds.length < maxEmbeds && budget - text.length >= needsReserve) {
      current = { color: colour, description: text };
      embeds.push(current);
      budget -= text.length;
      continue;
    }
    stopped = true;
    if (piece.items) droppedItems += piece.items;
    else droppedOther++;
  }

  const cut = droppedItems > 0 || droppedOther > 0 || droppedFields > 0;
  const files: DiscordFile[] = [];
  // A picture is attached and shown in the first embed (an embed shows one image).
  const image = reply.blocks.find((b): b is ImageBlock => b.kind === 'image');
  if (image) {
    const name = safeFilename(image.filename);
    files.push({ name, data: Buffer.from(image.png), contentType: 'image/png' });
    first.image = { url: `attachment://${name}` };
  }
  if (cut) {
    const what = droppedItems > 0 ? `…and ${droppedItems} more not shown here.` : '…the rest is not shown here.';
    const note = `\n*${what} The full report is attached as ${REPORT_FILENAME}.*`;
    if ((current.description ?? '').length + note.length <= DISCORD_LIMITS.description) {
      current.description = (current.description ?? '') + note;
    } else if (embeds.length < maxEmbeds) {
      embeds.push({ color: colour, description: note.trim() });
    }
    files.push({
      name: REPORT_FILENAME,
      data: Buffer.from(reply.fullText ?? replyAsText(reply), 'utf8'),
      contentType: 'text/plain; charset=utf-8',
    });
  }
  if (footerText) embeds[embeds.length - 1]!.footer = { text: footerText };

  return {
    embeds,
    allowed_mentions: { parse: [] },
    files,
    ...(files.length > 0 ? { attachments: files.map((f, id) => ({ id, filename: f.name })) } : {}),
  };
}

/** Discord's attachment:// names allow letters, digits, dot, dash and underscore. */
function safeFilename(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  return /\.png$/i.test(clean) ? clean : `${clean}.png`;
}

/**
 * A refusal, timeout or other short notice: one plain embed, no fields, no lists. Used
 * by the adapter for its own messages (errors, "nothing to diagnose").
 */
export function renderNotice(title: string, message: string, level: Level = 'error'): DiscordMessage {
  return renderDiscord({
    visibility: 'ephemeral',
    title,
    level,
    blocks: [{ kind: 'verdict', level, text: [message] }],
  });
}

/** The whole Reply as plain text, for the attached file when the command gave no fullText. */
export function replyAsText(reply: Reply): string {
  const lines: string[] = [reply.title, ''];
  for (const block of reply.blocks) {
    switch (block.kind) {
      case 'verdict':
      case 'text':
      case 'context':
        lines.push(plainWithLinks(block.text), '');
        break;
      case 'fields':
        for (const f of block.fields) lines.push(`${f.label}: ${plainWithLinks(f.value)}`);
        lines.push('');
        break;
      case 'list':
        lines.push(`${block.heading} (${block.items.length})`);
        for (const item of block.items) {
          lines.push(`  - ${plainWithLinks(item.title)}`);
          for (const line of item.lines ?? []) lines.push(`      ${plainWithLinks(line)}`);
        }
        lines.push('');
        break;
      case 'code':
        lines.push(block.text, '');
        break;
      case 'image':
        lines.push(`[picture: ${block.alt}]`, '');
        break;
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function plainWithLinks(parts: readonly Inline[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : 'link' in p ? `${p.label} <${p.link}>` : 'code' in p ? p.code : p.bold)).join('');
}
