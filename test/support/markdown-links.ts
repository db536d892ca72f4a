/**
 * Relative links in Markdown files, and whether they resolve: the file (or folder) must
 * exist, and a `#fragment` into a Markdown file must name one of its headings, with the
 * anchors GitHub gives headings. No network: absolute URLs (https:, mailto:, …) are not
 * followed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/** A scheme (`https:`, `mailto:`) or a protocol-relative `//host`: not ours to check. */
const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** The lines outside fenced code blocks; fenced lines become empty strings, so line numbers are kept. */
function unfencedLines(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split(/\r?\n/).map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** Unfenced lines with inline code spans blanked, so `[a](b)` inside code is not a link. */
function proseLines(markdown: string): string[] {
  return unfencedLines(markdown).map((line) => line.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length)));
}

/** Every link target in the prose: inline links and images `[text](target)`, and reference definitions `[id]: target`. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown).forEach((line, index) => {
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(line);
    if (definition) links.push({ line: index + 1, target: definition[1]! });
    for (const match of line.matchAll(/\]\(\s*(?:<([^>]*)>|([^)\s]+))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ line: index + 1, target: match[1] ?? match[2]! });
    }
  });
  return links;
}

/**
 * GitHub's anchor for a heading's text: the rendered text in lower case, without
 * punctuation (letters, digits, marks, `_`, `-` and spaces stay), spaces as hyphens.
 */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** What a heading's Markdown shows as text: code spans' content, links' text, no emphasis marks or tags. */
function renderedText(heading: string): string {
  const codes: string[] = [];
  const protectedText = heading.replace(/(`+)(.*?)\1/g, (_all, _ticks: string, code: string) => {
    codes.push(code.trim());
    return `\u0000${codes.length - 1}\u0000`;
  });
  return protectedText
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[*~]+/g, '')
    .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1')
    .replace(/\u0000(\d+)\u0000/g, (_all, i: string) => codes[Number(i)]!);
}

/** The anchors a Markdown file offers: its ATX headings (duplicates numbered as GitHub does) and explicit `id`/`name` attributes. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of unfencedLines(markdown)) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (heading) {
      const slug = githubSlug(renderedText(heading[1]!));
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const match of line.matchAll(/<[a-z][^>]*\s(?:id|name)="([^"]+)"/gi)) anchors.add(match[1]!);
  }
  return anchors;
}

/**
 * Every relative link in `files` that does not resolve, as "file:line: target: why",
 * with paths shown relative to `root`.
 */
export function brokenLinks(files: readonly string[], root: string): string[] {
  const problems: string[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string): Set<string> => {
    let set = anchorsOf.get(file);
    if (!set) {
      set = headingAnchors(readFileSync(file, 'utf8'));
      anchorsOf.set(file, set);
    }
    return set;
  };
  for (const file of files) {
    const shown = relative(root, file);
    for (const link of markdownLinks(readFileSync(file, 'utf8'))) {
      if (ABSOLUTE.test(link.target)) continue;
      const hash = link.target.indexOf('#');
      const pathPart = hash < 0 ? link.target : link.target.slice(0, hash);
      const fragment = hash < 0 ? null : link.target.slice(hash + 1);
      const where = `${shown}:${link.line}: ${link.target}`;
      let target: string;
      try {
        target = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
      } catch {
        problems.push(`${where}: not a valid link`);
        continue;
      }
      if (pathPart.startsWith('/')) {
        problems.push(`${where}: absolute paths do not resolve on GitHub; use a path relative to ${shown}`);
        continue;
      }
      if (!existsSync(target)) {
        problems.push(`${where}: no such file (${relative(root, target)})`);
        continue;
      }
      if (fragment === null || fragment === '') continue;
      if (statSync(target).isDirectory() || !/\.md$/i.test(target)) continue;
      let anchor: string;
      try {
        anchor = decodeURIComponent(fragment);
      } catch {
        anchor = fragment;
      }
      if (!anchors(target).has(anchor)) problems.push(`${where}: no heading #${anchor} in ${relative(root, target)}`);
    }
  }
  return problems;
}
