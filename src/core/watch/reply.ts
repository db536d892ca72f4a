/**
 * The alert a channel receives for one recheck cycle: every confirmed change of its
 * watches grouped in one message — newly listed first (with meaning and removal link),
 * then cleared. Plain Reply data; each platform's renderer escapes it.
 */
import type { Block, Inline, ListItem, Reply } from '../../reply/reply.js';
import type { WatchChange } from './types.js';

/** Items shown per heading; chat messages have block limits, and fullText carries the rest. */
const MAX_ITEMS = 20;

export function alertReply(changes: readonly WatchChange[]): Reply {
  const listed = changes.filter((c) => c.now === 'listed');
  const cleared = changes.filter((c) => c.now === 'clean');
  const blocks: Block[] = [];
  const verdict: Inline[] = [];
  if (listed.length > 0) verdict.push(`${count(listed.length, 'new listing')} confirmed`);
  if (cleared.length > 0) verdict.push(`${verdict.length ? '; ' : ''}${count(cleared.length, 'listing')} cleared`);
  blocks.push({ kind: 'verdict', level: listed.length > 0 ? 'bad' : 'ok', text: [verdict.join('') + '.'] });
  if (listed.length > 0) {
    blocks.push({ kind: 'list', heading: 'Newly listed', items: listed.slice(0, MAX_ITEMS).map(listedItem) });
  }
  if (cleared.length > 0) {
    blocks.push({ kind: 'list', heading: 'Cleared', items: cleared.slice(0, MAX_ITEMS).map(clearedItem) });
  }
  const hidden = Math.max(0, listed.length - MAX_ITEMS) + Math.max(0, cleared.length - MAX_ITEMS);
  if (hidden > 0) blocks.push({ kind: 'context', text: [`${count(hidden, 'more change')} in the full report (/watch list shows them too).`] });
  blocks.push({ kind: 'context', text: ['Each change was seen on two checks in a row. /watch list shows every watch of this channel.'] });

  const targets = [...new Set(changes.map((c) => c.target))];
  const title =
    changes.length === 1
      ? `Watch: ${changes[0]!.target} ${listed.length ? 'listed on' : 'cleared from'} ${changes[0]!.name}`
      : `Watch: ${changes.length} changes on ${targets.length === 1 ? targets[0]! : `${targets.length} targets`}`;
  return { visibility: 'channel', title, level: listed.length > 0 ? 'bad' : 'ok', blocks, fullText: fullText(title, listed, cleared) };
}

function subject(c: WatchChange): Inline[] {
  const where: Inline[] = [{ bold: c.target }];
  if (c.query !== c.target) where.push(` (${c.query})`);
  if (c.label !== c.target) where.push(` in ${c.label}`);
  return where;
}

function listedItem(c: WatchChange): ListItem {
  const lines: Inline[][] = [];
  if (c.meaning) lines.push([c.meaning]);
  if (c.codes.length) lines.push(['Answer: ', { code: c.codes.join(', ') }, c.listType !== 'block' ? ` (${c.listType} list)` : '']);
  const links: Inline[] = [];
  if (c.removalUrl) links.push({ link: c.removalUrl, label: 'Request removal' });
  if (c.lookupUrl && c.lookupUrl !== c.removalUrl) links.push(...(links.length ? [' · '] : []), { link: c.lookupUrl, label: 'Lookup' });
  if (links.length) lines.push(links);
  return { level: c.listType === 'block' ? 'bad' : 'warn', title: [...subject(c), ' listed on ', c.name, ` (${c.zone})`], lines };
}

function clearedItem(c: WatchChange): ListItem {
  const lines: Inline[][] = c.meaning ? [[`Was: ${c.meaning}`]] : [];
  return { level: 'ok', title: [...subject(c), ' no longer listed on ', c.name, ` (${c.zone})`], lines };
}

function fullText(title: string, listed: readonly WatchChange[], cleared: readonly WatchChange[]): string {
  const out = [title];
  for (const c of listed) {
    out.push(`LISTED  ${c.target}${c.query !== c.target ? ` (${c.query})` : ''} on ${c.name} (${c.zone})`);
    if (c.meaning) out.push(`        ${c.meaning}`);
    if (c.removalUrl) out.push(`        removal: ${c.removalUrl}`);
  }
  for (const c of cleared) out.push(`CLEARED ${c.target}${c.query !== c.target ? ` (${c.query})` : ''} from ${c.name} (${c.zone})`);
  return out.join('\n');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
