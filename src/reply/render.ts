/**
 * Renders a neutral Reply as terminal text for the console adapter (and anything else
 * that prints to a terminal). Colour is opt-in: the caller asks for it only when the
 * output is a TTY, so piped output and log files stay plain.
 *
 * Every string in a Reply may be untrusted (a DNS TXT record, a pasted bounce), and a
 * terminal interprets escape sequences: an ESC in a TXT record could move the cursor,
 * rewrite earlier lines, set the window title or recolour the rest of the session. So
 * all text passes through `sanitizeTerminalText` before it is written, and the only
 * escape sequences in the output are the ones this module adds itself.
 */
import { stripVTControlCharacters } from 'node:util';
import type { Block, Inline, Level, ListItem, Reply } from './reply.js';
import { safeLinkUrl } from './links.js';

export interface TextRenderOptions {
  /** Emit ANSI colours and bold. Only when writing to a TTY. */
  readonly color?: boolean;
}

const SGR = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  underline: '\u001b[4m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
} as const;

const LEVEL_COLOR: Record<Level, string> = {
  ok: SGR.green,
  info: SGR.cyan,
  warn: SGR.yellow,
  bad: SGR.red,
  error: SGR.red,
};

/** One-character markers, so the level is readable without colour too. */
const LEVEL_ICON: Record<Level, string> = {
  ok: '✓',
  info: '·',
  warn: '!',
  bad: '✗',
  error: '✗',
};

/**
 * Remove everything a terminal would act on rather than print: ANSI/VT escape
 * sequences (CSI, OSC such as window titles and hyperlinks), the remaining C0 and C1
 * control characters (8-bit CSI is U+009B), DEL, and Unicode bidirectional overrides
 * that can make text display in a different order than it reads. Line breaks are kept
 * (callers indent continuation lines); tabs become spaces; a CR (which would return to
 * the start of the line and overprint it) is dropped.
 */
export function sanitizeTerminalText(text: string): string {
  return stripVTControlCharacters(text)
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '')
    .replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, '');
}

/** Render a whole Reply; the result ends with a newline. */
export function renderText(reply: Reply, options: TextRenderOptions = {}): string {
  const style = stylist(options.color === true);
  const out: string[] = [];
  out.push(style(sanitizeTerminalText(reply.title), SGR.bold));
  let previous: Block['kind'] | undefined;
  for (const block of reply.blocks) {
    if (needsGap(previous, block.kind)) out.push('');
    out.push(...renderBlock(block, style));
    previous = block.kind;
  }
  return `${out.join('\n')}\n`;
}

/**
 * Paragraph-like blocks stand apart with a blank line; facts and small print follow
 * what they belong to. A verdict after other blocks starts the next target's section.
 */
function needsGap(previous: Block['kind'] | undefined, next: Block['kind']): boolean {
  if (previous === undefined) return next === 'list' || next === 'code' || next === 'text' || next === 'image';
  if (next === 'list' || next === 'code' || next === 'text' || next === 'verdict' || next === 'image') return true;
  if (next === 'context') return previous === 'list' || previous === 'code' || previous === 'text';
  return false;
}

type Style = (text: string, ...codes: string[]) => string;

function stylist(color: boolean): Style {
  if (!color) return (text) => text;
  return (text, ...codes) => (codes.length === 0 || text === '' ? text : `${codes.join('')}${text}${SGR.reset}`);
}

function renderBlock(block: Block, style: Style): string[] {
  switch (block.kind) {
    case 'verdict': {
      const marker = style(LEVEL_ICON[block.level], LEVEL_COLOR[block.level], SGR.bold);
      return indentLines(`${marker} `, '  ', renderInlines(block.text, style, LEVEL_COLOR[block.level]));
    }
    case 'fields': {
      const labels = block.fields.map((f) => sanitizeTerminalText(f.label));
      const width = Math.max(0, ...labels.map((l) => l.length + 1));
      return block.fields.flatMap((field, i) => {
        const label = `${labels[i]}:`.padEnd(width);
        return indentLines(`  ${style(label, SGR.bold)} `, ' '.repeat(width + 3), renderInlines(field.value, style));
      });
    }
    case 'list':
      return [style(sanitizeTerminalText(block.heading), SGR.bold), ...block.items.flatMap((item) => renderItem(item, style))];
    case 'text':
      return indentLines('', '', renderInlines(block.text, style));
    case 'code':
      return sanitizeTerminalText(block.text)
        .split('\n')
        .map((line) => `    ${line}`);
    case 'context':
      return indentLines('', '', renderInlines(block.text, style)).map((line) => style(line, SGR.dim));
    case 'image': {
      // A terminal shows no pictures: say what it shows and where the file is.
      const where = block.savedAs
        ? `saved to ${style(sanitizeTerminalText(block.savedAs), SGR.underline)}`
        : `${block.width}×${block.height} PNG, not saved`;
      return [`${style('Picture:', SGR.bold)} ${sanitizeTerminalText(block.alt)} (${where})`];
    }
  }
}

function renderItem(item: ListItem, style: Style): string[] {
  const level = item.level ?? 'info';
  const marker = style(LEVEL_ICON[level], LEVEL_COLOR[level], SGR.bold);
  const out = indentLines(`  ${marker} `, '    ', renderInlines(item.title, style));
  for (const line of item.lines ?? []) out.push(...indentLines('      ', '      ', renderInlines(line, style)));
  return out;
}

/** Inline runs → one string (which may contain line breaks from multi-line text). */
function renderInlines(inlines: readonly Inline[], style: Style, textColor?: string): string {
  return inlines
    .map((inline) => {
      if (typeof inline === 'string') return style(sanitizeTerminalText(inline), ...(textColor ? [textColor] : []));
      if ('link' in inline) {
        // Shown as "label: url" so it works in any terminal; the URL is printed whole
        // so that the terminal's own link detection can open it.
        const safe = safeLinkUrl(inline.link);
        const label = sanitizeTerminalText(inline.label);
        return safe ? `${label}: ${style(sanitizeTerminalText(safe), SGR.underline, SGR.cyan)}` : label;
      }
      if ('code' in inline) return style(sanitizeTerminalText(inline.code), SGR.cyan);
      return style(sanitizeTerminalText(inline.bold), SGR.bold);
    })
    .join('');
}

/** Prefix the first line with `first` and every further line with `rest`. */
function indentLines(first: string, rest: string, text: string): string[] {
  return text.split('\n').map((line, i) => (i === 0 ? first : rest) + line);
}
