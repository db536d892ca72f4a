/**
 * Text normalisation for NDRs: logical lines (wrapped lines joined back by their
 * indentation), SMTP multi-line replies (`550-5.7.1 …` continuations) joined, and
 * every line bounded in length so later scans stay linear.
 */
import { MAX_LINE } from './input.js';

/**
 * A mail address as bounces write it, as the source of a regular expression to build larger
 * ones from: a local part of the usual characters and a dotted domain, both bounded so that
 * scans stay linear. The one definition for the reader and the notices.
 */
export const MAILBOX = String.raw`[A-Za-z0-9._%+=&'/!#$^{}|~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}`;

/** Most lines we look at; NDRs are short, a 1 MB paste is cut here. */
const MAX_LINES = 20000;

/** Most physical lines folded into one logical line. */
const MAX_JOIN = 10;

const CONTINUATION = /^\s{0,8}(?:<<<\s?)?([245][0-9]{2})-(.*)$/;
const FINAL = /^\s{0,8}(?:<<<\s?)?([245][0-9]{2})(?: (.*))?$/;

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

/** Remove a repeated enhanced status at the start of each continuation ("5.7.1 "). */
function stripStatus(text: string): string {
  return text.replace(/^\s{0,4}[245]\.[0-9]{1,3}\.[0-9]{1,3}\s{1,4}/, '');
}

/**
 * Join `550-5.7.1 a` / `550-5.7.1 b` / `550 5.7.1 c` into `550 5.7.1 a b c`.
 * Works on physical lines, before indentation unfolding.
 */
export function joinSmtpContinuations(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = CONTINUATION.exec(lines[i]!);
    if (!m) {
      out.push(lines[i]!);
      continue;
    }
    const code = m[1]!;
    const prefix = lines[i]!.slice(0, lines[i]!.indexOf(code));
    let joined = `${prefix}${code} ${m[2]!.trim()}`;
    let j = i + 1;
    for (; j < lines.length && joined.length < MAX_LINE; j++) {
      const next = lines[j]!;
      const c = CONTINUATION.exec(next);
      if (c && c[1] === code) {
        joined += ` ${stripStatus(c[2]!).trim()}`;
        continue;
      }
      const f = FINAL.exec(next);
      if (f && f[1] === code) {
        joined += ` ${stripStatus(f[2] ?? '').trim()}`;
        j++;
        break;
      }
      // A mail client re-wrapped the reply: lines without the code prefix between two
      // prefixed lines of the same reply belong to it.
      let k = j;
      while (k < lines.length && k < j + 4 && !CONTINUATION.exec(lines[k]!) && !FINAL.exec(lines[k]!) && lines[k]!.trim() !== '') k++;
      const resumes = k < lines.length && k > j && (CONTINUATION.exec(lines[k]!)?.[1] ?? FINAL.exec(lines[k]!)?.[1]) === code;
      if (!resumes) break;
      for (; j < k; j++) joined += ` ${lines[j]!.trim()}`;
      j--;
    }
    out.push(joined.trimEnd());
    i = j - 1;
  }
  return out;
}

/**
 * Logical lines: a line indented deeper than the start of the current logical line
 * continues it (Postfix and Exim wrap their reports this way; DSN fields fold the same).
 * Blank lines end a logical line.
 */
export function logicalLines(text: string): string[] {
  const physical: string[] = [];
  let start = 0;
  while (start <= text.length && physical.length < MAX_LINES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, Math.min(end, start + MAX_LINE));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    physical.push(line.replace(/\u00a0/g, ' '));
    start = end + 1;
  }
  const lines = joinSmtpContinuations(unquote(physical));
  const out: string[] = [];
  let currentIndent = -1;
  let joined = 0;
  for (const line of lines) {
    if (line.trim() === '') {
      out.push('');
      currentIndent = -1;
      continue;
    }
    const indent = indentOf(line);
    const last = out.length - 1;
    // Wrapped replies span a few lines; a long indented run is a transcript, kept as lines.
    if (currentIndent >= 0 && indent > currentIndent && joined < MAX_JOIN && last >= 0 && out[last] !== '' && out[last]!.length < MAX_LINE) {
      out[last] = `${out[last]} ${line.trim()}`;
      joined++;
      continue;
    }
    out.push(line.trimEnd());
    currentIndent = indent;
    joined = 0;
  }
  return out;
}

/**
 * A bounce forwarded or replied to arrives quoted ("> " before each line). When most
 * lines are quoted, drop the quote marks so wrapping and replies read as in the original.
 * Sendmail's ">>> RCPT" transcript lines are not quotes.
 */
function unquote(lines: string[]): string[] {
  let quoted = 0;
  let nonEmpty = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    nonEmpty++;
    if (/^ {0,3}>(?!>>)/.test(l)) quoted++;
  }
  if (nonEmpty === 0 || quoted < nonEmpty * 0.3) return lines;
  return lines.map((l) => (/^ {0,3}>(?!>>)/.test(l) ? l.replace(/^ {0,3}(?:> ?){1,10}/, '') : l));
}

/**
 * Squeeze white space; used before phrase matching. Same result as replacing every run
 * of /\s+/ with one space, but a lone space (most of them) is not a match to replace.
 */
export function squeeze(text: string): string {
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}
