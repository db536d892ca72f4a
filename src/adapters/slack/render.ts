/**
 * Reply → Slack Block Kit.
 *
 * Untrusted text (pasted bounces, TXT records, targets) is made inert here and only here:
 * - The body (verdict, fields, lists, text, code) is built from `rich_text` elements. Their
 *   `text` is literal: Slack never parses mentions, links or mrkdwn in it (mentions and links
 *   are separate element types, and we only emit links from explicit `{link,label}` Inlines).
 * - Where Slack only accepts mrkdwn (context blocks, the top-level `text` fallback used for
 *   notifications), `escapeMrkdwn` escapes `&`, `<`, `>` — which defuses every `<!channel>`,
 *   `<@U…>`, `<#C…>`, `<!subteam^…>` and `<url|label>` — and disarms formatting openers.
 * - The header is `plain_text`, which Slack never parses.
 *
 * Slack's limits (SLACK_LIMITS) are respected by truncating visibly, never by failing.
 */
import type { types } from '@slack/bolt';
import type { Block, Inline, Level, ListItem, Reply } from '../../reply/reply.js';
import { clip } from '../../reply/words.js';
import { safeLinkUrl } from '../../reply/links.js';

type KnownBlock = types.KnownBlock;
type RichTextElement = types.RichTextElement;
type RichTextSection = types.RichTextSection;
type RichTextBlock = types.RichTextBlock;

/** Block Kit limits (docs.slack.dev: blocks, section, header, text object, context). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Any text object. */
  textObject: 3000,
  /** Our own budget for the characters in one rich_text block (Slack documents none; keep it section-sized). */
  richTextChars: 3000,
  /** Our own budget for one list item, so that one huge TXT record cannot crowd out the rest. */
  listItemChars: 1200,
  /** Characters across all blocks; Slack truncates message text above 40,000. */
  messageChars: 36_000,
  /** The top-level `text` (notifications, old clients). */
  fallbackText: 3000,
} as const;

export interface SlackMessage {
  /** mrkdwn fallback, escaped; shown in notifications. */
  readonly text: string;
  readonly blocks: KnownBlock[];
}

const LEVEL_ICON: Record<Level, string> = {
  ok: '✅',
  info: 'ℹ️',
  warn: '⚠️',
  bad: '🔴',
  error: '❌',
};

/** Render a Reply as a Slack message (blocks + text fallback) within Slack's limits. */
export function renderSlack(reply: Reply): SlackMessage {
  const units: Unit[] = [];
  for (const block of reply.blocks) units.push(...renderBlock(block));

  const header: KnownBlock = {
    type: 'header',
    text: { type: 'plain_text', text: headerText(reply.title), emoji: false },
  };
  const blocks: KnownBlock[] = [header];
  // Reserve one block for the truncation note.
  const maxUnits = SLACK_LIMITS.blocksPerMessage - 2;
  let chars = 0;
  let omitted = 0;
  for (const [index, unit] of units.entries()) {
    const fits = blocks.length - 1 < maxUnits && chars + unit.chars <= SLACK_LIMITS.messageChars;
    // Keep the last unit if it is the only one left and one slot remains (no need for a note then).
    const lastFits = index === units.length - 1 && blocks.length < SLACK_LIMITS.blocksPerMessage && chars + unit.chars <= SLACK_LIMITS.messageChars;
    if (omitted === 0 && (fits || lastFits)) {
      blocks.push(unit.block);
      chars += unit.chars;
    } else {
      omitted += Math.max(1, unit.entries);
    }
  }
  if (omitted > 0) {
    const hint = reply.fullText
      ? 'the full report is available from the CLI (`rblbot`)'
      : 'run the same command from the CLI (`rblbot`) for everything';
    blocks.push(contextBlock(`… ${omitted} more not shown (Slack's message size limit); ${hint}.`));
  }
  return { text: fallbackText(reply), blocks };
}

// ---------------------------------------------------------------------------------------
// Text helpers

/**
 * Escape untrusted text for a Slack mrkdwn string: `&`, `<`, `>` become entities (so no
 * mention, channel link, user-group ping or `<url|label>` link can form) and formatting
 * characters that could open bold/italic/strike/code are swapped for look-alikes.
 */
export function escapeMrkdwn(text: string): string {
  return (
    stripControl(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // Formatting only opens at the start or after a non-word character ("a_b_c" is plain).
      .replace(/(?<![\p{L}\p{N}])[*_~`]/gu, (ch) => FORMAT_LOOKALIKE[ch]!)
      // Bare @here/@channel/@everyone are not parsed without link_names, but a word joiner makes sure.
      .replace(/@(here|channel|everyone)\b/gi, '@\u2060$1')
  );
}

const FORMAT_LOOKALIKE: Record<string, string> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\uFF3F', // ＿ fullwidth low line
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
};

/** An http(s) URL safe to put in a link, or null. */
export function safeUrl(link: string): string | null {
  // URL.href percent-encodes spaces, quotes and angle brackets; `|` ends a mrkdwn link target.
  return safeLinkUrl(link)?.replace(/\|/g, '%7C') ?? null;
}

/** Drop C0 control characters except newline and tab (they can garble rendering). */
function stripControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');
}

function headerText(title: string): string {
  const oneLine = stripControl(title).replace(/\s+/g, ' ').trim();
  return clip(oneLine || 'rblbot', SLACK_LIMITS.headerText);
}

function inlinePlain(inline: Inline): string {
  if (typeof inline === 'string') return inline;
  if ('link' in inline) return inline.label || inline.link;
  if ('code' in inline) return inline.code;
  return inline.bold;
}

function plainOf(inlines: readonly Inline[]): string {
  return inlines.map(inlinePlain).join('');
}

/** The notification text: icon, title and the first verdict, escaped. */
function fallbackText(reply: Reply): string {
  const verdict = reply.blocks.find((b) => b.kind === 'verdict');
  const parts = [`${LEVEL_ICON[reply.level]} ${reply.title}`];
  if (verdict && verdict.kind === 'verdict') parts.push(plainOf(verdict.text));
  return clip(escapeMrkdwn(parts.join(': ').replace(/\s+/g, ' ')), SLACK_LIMITS.fallbackText);
}

/** Inline content as a mrkdwn string (context blocks): every string escaped, links checked. */
function inlinesToMrkdwn(inlines: readonly Inline[]): string {
  return inlines
    .map((inline) => {
      if (typeof inline === 'string') return escapeMrkdwn(inline);
      if ('bold' in inline) return inline.bold.trim() ? `*${escapeMrkdwn(inline.bold.trim())}*` : '';
      if ('code' in inline) return inline.code ? `\`${escapeMrkdwn(inline.code).replace(/`|\u02CB/g, 'ˋ')}\`` : '';
      const url = safeUrl(inline.link);
      const label = escapeMrkdwn(inline.label || inline.link).replace(/\|/g, '¦');
      return url ? `<${url}|${label}>` : label;
    })
    .join('');
}

// ---------------------------------------------------------------------------------------
// Rich text (literal text, explicit styles)

type Style = { bold?: boolean; code?: boolean; italic?: boolean };

function textEl(text: string, style?: Style): types.RichTextText {
  const clean = stripControl(text);
  return style ? { type: 'text', text: clean, style } : { type: 'text', text: clean };
}

function inlineToRich(inline: Inline, base?: Style): RichTextElement {
  if (typeof inline === 'string') return textEl(inline, base);
  if ('bold' in inline) return textEl(inline.bold, { ...base, bold: true });
  if ('code' in inline) return textEl(inline.code, { ...base, code: true });
  const url = safeUrl(inline.link);
  const label = stripControl(inline.label || inline.link);
  if (!url) return textEl(label, base);
  return base ? { type: 'link', url, text: label, style: base } : { type: 'link', url, text: label };
}

function elementChars(el: RichTextElement): number {
  if (el.type === 'text') return el.text.length;
  if (el.type === 'link') return (el.text?.length ?? 0) + el.url.length;
  return 1;
}

function charsOf(elements: readonly RichTextElement[]): number {
  return elements.reduce((n, el) => n + elementChars(el), 0);
}

/** Rich text elements for inlines, dropping empty text and clamped to `max` characters. */
function richInlines(inlines: readonly Inline[], max: number, base?: Style): RichTextElement[] {
  const out: RichTextElement[] = [];
  let used = 0;
  for (const inline of inlines) {
    const el = inlineToRich(inline, base);
    if (el.type === 'text' && el.text === '') continue;
    const size = elementChars(el);
    if (used + size <= max) {
      out.push(el);
      used += size;
      continue;
    }
    // Cut a text element (or a link's visible label becomes plain text) and stop.
    const room = max - used;
    if (room > 1) {
      const text = el.type === 'text' ? el.text : el.type === 'link' ? (el.text ?? el.url) : '';
      out.push(textEl(clip(text, room), el.type === 'text' ? el.style : base));
    } else {
      out.push(textEl('…'));
    }
    break;
  }
  return out;
}

function section(elements: RichTextElement[]): RichTextSection {
  return { type: 'rich_text_section', elements: elements.length > 0 ? elements : [textEl(' ')] };
}

// ---------------------------------------------------------------------------------------
// Blocks

/** One Slack block, its size, and how many Reply entries (fields, list items) it carries. */
interface Unit {
  readonly block: KnownBlock;
  readonly chars: number;
  readonly entries: number;
}

function renderBlock(block: Block): Unit[] {
  switch (block.kind) {
    case 'verdict': {
      const elements = [textEl(`${LEVEL_ICON[block.level]} `), ...richInlines(block.text, SLACK_LIMITS.richTextChars - 4, { bold: true })];
      return [richUnit([section(elements)], 1)];
    }
    case 'text': {
      const elements = richInlines(block.text, SLACK_LIMITS.richTextChars);
      return elements.length > 0 ? [richUnit([section(elements)], 1)] : [];
    }
    case 'fields':
      return renderFields(block.fields);
    case 'list':
      return renderList(block.heading, block.items);
    case 'code':
      return renderCode(block.text);
    case 'context': {
      const text = clip(inlinesToMrkdwn(block.text), SLACK_LIMITS.textObject);
      return text.trim() ? [{ block: contextBlock(text), chars: text.length, entries: 1 }] : [];
    }
    case 'image': {
      // Block Kit cannot carry the bytes: the adapter uploads the picture right after this message (upload.ts).
      const text = clip(`🖼️ ${escapeMrkdwn(block.alt)}: the picture follows as a file (${escapeMrkdwn(block.filename)}).`, SLACK_LIMITS.textObject);
      return [{ block: contextBlock(text), chars: text.length, entries: 1 }];
    }
  }
}

function richUnit(elements: RichTextBlock['elements'], entries: number): Unit {
  const block: RichTextBlock = { type: 'rich_text', elements };
  let chars = 0;
  for (const el of elements) {
    if (el.type === 'rich_text_list') for (const s of el.elements) chars += charsOf(s.elements);
    else chars += charsOf(el.elements as RichTextElement[]);
  }
  return { block, chars, entries };
}

/** `text` must already be safe mrkdwn (escaped untrusted parts). */
function contextBlock(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text, verbatim: true }] };
}

/** "Label: value" lines, bold labels, split into blocks of at most richTextChars. */
function renderFields(fields: readonly { label: string; value: readonly Inline[] }[]): Unit[] {
  const units: Unit[] = [];
  let current: RichTextElement[] = [];
  let count = 0;
  const flush = () => {
    if (count > 0) units.push(richUnit([section(current)], count));
    current = [];
    count = 0;
  };
  for (const field of fields) {
    const label = clip(field.label, 200);
    const line = [textEl(`${label}: `, { bold: true }), ...richInlines(field.value, SLACK_LIMITS.fieldText - label.length - 2)];
    const size = charsOf(line) + 1;
    if (count > 0 && charsOf(current) + size > SLACK_LIMITS.richTextChars) flush();
    if (count > 0) current.push(textEl('\n'));
    current.push(...line);
    count++;
  }
  flush();
  return units;
}

/** A bold heading and a bulleted list, split across blocks by size; the heading is not repeated. */
function renderList(heading: string, items: readonly ListItem[]): Unit[] {
  const units: Unit[] = [];
  let sections: RichTextSection[] = [];
  let chars = 0;
  let first = true;
  const headingSection = heading.trim() ? section([textEl(clip(heading, 300), { bold: true })]) : undefined;
  const flush = () => {
    if (sections.length === 0) return;
    const elements: RichTextBlock['elements'] = [];
    if (first && headingSection) elements.push(headingSection);
    elements.push({ type: 'rich_text_list', style: 'bullet', elements: sections });
    units.push(richUnit(elements, sections.length));
    sections = [];
    chars = 0;
    first = false;
  };
  for (const item of items) {
    const elements: RichTextElement[] = [];
    if (item.level) elements.push(textEl(`${LEVEL_ICON[item.level]} `));
    elements.push(...richInlines(item.title, SLACK_LIMITS.listItemChars / 3, { bold: true }));
    for (const line of item.lines ?? []) {
      const room = SLACK_LIMITS.listItemChars - charsOf(elements) - 1;
      if (room < 2) break;
      elements.push(textEl('\n'), ...richInlines(line, room));
    }
    const size = charsOf(elements);
    if (sections.length > 0 && chars + size > SLACK_LIMITS.richTextChars) flush();
    sections.push(section(elements));
    chars += size;
  }
  flush();
  if (units.length === 0 && headingSection) units.push(richUnit([headingSection], 1));
  return units;
}

/** Preformatted text, truncated visibly to one block. */
function renderCode(text: string): Unit[] {
  const clean = stripControl(text);
  if (!clean.trim()) return [];
  let shown = clean;
  if (clean.length > SLACK_LIMITS.richTextChars) {
    const note = `\n… ${clean.length - (SLACK_LIMITS.richTextChars - 60)} more characters not shown`;
    shown = clean.slice(0, SLACK_LIMITS.richTextChars - 60) + note;
  }
  return [richUnit([{ type: 'rich_text_preformatted', elements: [textEl(shown)] }], 1)];
}
