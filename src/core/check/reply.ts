/**
 * Presents a CheckReport as a neutral Reply: the verdict first, then what a mail admin
 * has to act on (listings, missing reverse DNS), then what could not be checked, and
 * only a count for the clean lists. Platform-neutral: render/ decides how it looks.
 *
 * Counting is per list, not per lookup: a hostname is looked up on a domain list for
 * the name and its registrable domain, and on an IP list once per address, but the
 * admin's question is "which lists have a problem with me".
 */
import type { CheckReport, ListType, LookupResult } from './types.js';
import { errorReply, type Block, type Inline, type Level, type ListItem, type Reply } from '../../reply/reply.js';
import { listTypeRank, worstLevel } from '../../reply/severity.js';
import { capitalise, count } from '../../reply/words.js';
import { slash } from '../../reply/command-names.js';
import type { RateDecision } from '../user-limit.js';

/** What a list "says" about the target, aggregated over its lookups. */
type ListState = 'listed' | 'unchecked' | 'clean';

interface ListOutcome {
  readonly zone: string;
  readonly name: string;
  readonly state: ListState;
}

/** Why a non-block listing is not "you are blocklisted for spam". */
export const LIST_TYPE_EXPLANATION: Record<Exclude<ListType, 'block'>, string> = {
  policy:
    "Policy listing, not a spam report: the list says this address should not send mail straight to receivers (for example a dynamic or end-user range, no PTR name, or a whole provider range). Send through your provider's relay, or ask for removal if this is a static mail server.",
  reputation: 'Reputation score, not a block: receivers weigh it together with other signals. Improving sending practices raises it over time.',
  allow: 'Allow-list entry: receivers that use this list trust mail from here. Good news.',
};

const SHORT_EXPLANATION: Record<'policy' | 'reputation', string> = {
  policy: 'Policy listing, not a spam report (see above).',
  reputation: 'Reputation score, not a block (see above).',
};

const FCRDNS_WARNING =
  'No forward-confirmed reverse DNS: Gmail and other large receivers reject mail from addresses whose PTR name does not resolve back to the address. Ask whoever controls the address range (usually the hosting provider) to set a PTR record to a name that points back to it.';

const UNCHECKED_HEADING = 'Could not check (not the same as clean)';

/** The whole answer to /rbl for one target. */
export function checkReportReply(report: CheckReport): Reply {
  const verdict = verdictBlock(report);
  // Not listed anywhere but without FCrDNS, mail is still rejected: the answer as a whole is a warning.
  const level = verdict.level === 'ok' && report.kind !== 'domain' && report.fcrdns === false ? 'warn' : verdict.level;
  return {
    visibility: 'channel',
    title: `Blocklist check: ${report.target}`,
    level,
    blocks: reportBlocks(report),
    fullText: reportFullText(report),
  };
}

/**
 * Every block describing one report, verdict first; shared by single and multi-target
 * answers. When the resolver is the problem, it is said once in place of a line per list
 * (the results stay in the report, its JSON and the full text).
 */
export function reportBlocks(report: CheckReport): Block[] {
  const blocks: Block[] = [verdictBlock(report), targetFields(report)];
  if (report.kind !== 'domain' && report.fcrdns === false) blocks.push({ kind: 'text', text: [FCRDNS_WARNING] });
  const listed = listedBlock(report.results, report.target);
  if (listed) blocks.push(listed);
  const allowed = allowBlock(report.results, report.target);
  if (allowed) blocks.push(allowed);
  if (report.resolverProblem) blocks.push({ kind: 'text', text: [report.resolverProblem] });
  else {
    const unchecked = uncheckedBlock(report.results, report.target);
    if (unchecked) blocks.push(unchecked);
  }
  blocks.push(...contextBlocks(report));
  return blocks;
}

/** One list's outcome over all its lookups: any listing wins, then any failure, else clean. */
function listOutcomes(results: readonly LookupResult[]): ListOutcome[] {
  const byZone = new Map<string, { name: string; statuses: Set<LookupResult['status']> }>();
  for (const r of results) {
    if (r.listType === 'allow') continue;
    const entry = byZone.get(r.zone) ?? { name: r.name, statuses: new Set() };
    entry.statuses.add(r.status);
    byZone.set(r.zone, entry);
  }
  return [...byZone].map(([zone, { name, statuses }]) => ({
    zone,
    name,
    state: statuses.has('listed') ? 'listed' : statuses.has('clean') && statuses.size === 1 ? 'clean' : 'unchecked',
  }));
}

export function verdictBlock(report: CheckReport): { kind: 'verdict'; level: Level; text: Inline[] } {
  const outcomes = listOutcomes(report.results);
  const total = outcomes.length;
  const listed = outcomes.filter((o) => o.state === 'listed').length;
  const unchecked = outcomes.filter((o) => o.state === 'unchecked').length;
  const clean = total - listed - unchecked;
  const allowHits = new Set(report.results.filter((r) => r.listType === 'allow' && r.status === 'listed').map((r) => r.zone)).size;
  const target = report.target;

  const parts: string[] = [];
  let level: Level;
  if (total === 0) {
    level = 'info';
    parts.push(`No blocklists are configured for ${kindNoun(report.kind)}, so ${target} was not checked`);
  } else if (listed > 0) {
    const listings = report.results.filter((r) => r.status === 'listed' && r.listType !== 'allow');
    level = listings.some((r) => r.listType === 'block') ? 'bad' : 'warn';
    parts.push(`${target} is listed on ${listed} of ${count(total, 'list')}${lowSeverityNote(listings)}`);
  } else if (clean === 0) {
    level = 'error';
    parts.push(
      report.resolverProblem
        ? `${target} could not be checked: the resolver, not the lists, is the problem`
        : `${target} could not be checked: none of the ${count(total, 'list')} gave an answer`,
    );
  } else if (unchecked > 0) {
    level = 'warn';
    parts.push(`${target} is not listed on ${clean} of ${count(total, 'list')}`);
  } else {
    level = 'ok';
    parts.push(`${target} is not listed on any of ${count(total, 'list')}`);
  }
  if (unchecked > 0 && clean + listed > 0) parts.push(`${count(unchecked, 'list')} could not be checked`);
  let text = parts.join('; ');
  if (allowHits > 0) text += `; it is on ${count(allowHits, 'allow-list')} (good news)`;
  return { kind: 'verdict', level, text: [text] };
}

/** " (1 policy listing)" when some listings are lower severity than a block. */
function lowSeverityNote(listings: readonly LookupResult[]): string {
  const zonesOf = (type: ListType) => new Set(listings.filter((r) => r.listType === type).map((r) => r.zone)).size;
  const notes: string[] = [];
  const policy = zonesOf('policy');
  const reputation = zonesOf('reputation');
  if (policy > 0) notes.push(count(policy, 'policy listing'));
  if (reputation > 0) notes.push(count(reputation, 'reputation listing'));
  return notes.length > 0 ? ` (${notes.join(', ')})` : '';
}

function targetFields(report: CheckReport): Block {
  const fields: { label: string; value: Inline[] }[] = [];
  if (report.kind === 'domain') {
    fields.push({
      label: 'Addresses',
      value: [addressesText(report)],
    });
    if (report.registrableDomain) fields.push({ label: 'Registrable domain', value: [report.registrableDomain, ' (checked too)'] });
  } else {
    fields.push({ label: 'PTR', value: [ptrText(report)] });
    fields.push({ label: 'FCrDNS', value: [fcrdnsText(report)] });
  }
  return { kind: 'fields', fields };
}

/** The name's addresses, "none", or "unknown (why)": an unanswered lookup is never "none". */
function addressesText(report: CheckReport): string {
  if (report.addresses.length > 0) return report.addresses.join(', ');
  if (report.addressesError) return `unknown (${report.addressesError}), so only domain lists were checked`;
  return 'none (the name does not resolve, so only domain lists were checked)';
}

/** "mail.example.com", "none", or "unknown (no answer…)": an unanswered lookup is never "none". */
function ptrText(report: CheckReport): string {
  if (report.ptr) return report.ptr;
  return report.ptrError ? `unknown (${report.ptrError})` : 'none';
}

function fcrdnsText(report: CheckReport): string {
  if (report.fcrdns === true) return `yes (${report.ptr ?? 'PTR'} resolves back to ${report.target})`;
  if (report.fcrdns === false) return report.ptr ? `no (${report.ptr} does not resolve back to ${report.target})` : 'no (no PTR record)';
  if (report.ptr) return `unknown (looking up ${report.ptr} did not answer)`;
  return 'unknown (the reverse lookup did not answer)';
}

function listedBlock(results: readonly LookupResult[], target: string): Block | undefined {
  const listings = results
    .filter((r) => r.status === 'listed' && r.listType !== 'allow')
    .sort((a, b) => listTypeRank(a.listType) - listTypeRank(b.listType) || byName(a, b));
  if (listings.length === 0) return undefined;
  // Explain what a policy or reputation listing is once, on its first item; later ones just say which it is.
  const explained = new Set<ListType>();
  const items = listings.map((r) => {
    const first = !explained.has(r.listType);
    explained.add(r.listType);
    return listingItem(r, target, first);
  });
  return { kind: 'list', heading: 'Listed', items };
}

/** One listing: what it means, the codes, the list's own words, and where to go next. */
export function listingItem(r: LookupResult, target: string, explain = true): ListItem {
  const lines: Inline[][] = [];
  if (r.meaning) lines.push([capitalise(r.meaning)]);
  if (r.listType === 'policy' || r.listType === 'reputation')
    lines.push([explain ? LIST_TYPE_EXPLANATION[r.listType] : SHORT_EXPLANATION[r.listType]]);
  if (r.codes.length > 0) lines.push(codesLine(r.codes));
  // The TXT record is the list operator's text, passed on as plain (untrusted) text.
  if (r.txt) lines.push(['List says: ', r.txt]);
  const links = linksLine(r);
  if (links) lines.push(links);
  return {
    level: r.listType === 'block' ? 'bad' : 'warn',
    title: itemTitle(r, target),
    lines,
  };
}

function allowBlock(results: readonly LookupResult[], target: string): Block | undefined {
  const hits = results.filter((r) => r.listType === 'allow' && r.status === 'listed');
  if (hits.length === 0) return undefined;
  return {
    kind: 'list',
    heading: 'Allow-lists (good news)',
    items: hits.map((r) => {
      const lines: Inline[][] = [[r.meaning ? capitalise(r.meaning) : LIST_TYPE_EXPLANATION.allow]];
      if (r.codes.length > 0) lines.push(codesLine(r.codes));
      const links = linksLine(r);
      if (links) lines.push(links);
      return { level: 'ok' as const, title: itemTitle(r, target), lines };
    }),
  };
}

/** One item per list that could not be checked (a name's list may have failed for several queries). */
function uncheckedBlock(results: readonly LookupResult[], target: string): Block | undefined {
  const failed = results.filter((r) => r.status === 'refused' || r.status === 'timeout' || r.status === 'error');
  if (failed.length === 0) return undefined;
  const byZone = new Map<string, LookupResult[]>();
  for (const r of failed) byZone.set(r.zone, [...(byZone.get(r.zone) ?? []), r]);
  const items = [...byZone.values()].map((rs) => {
    const item = uncheckedItem(rs[0]!, target);
    if (rs.length === 1) return item;
    // The same list for several queries: name them all once, in its title.
    const queries = rs.map((r) => r.query).join(', ');
    return { ...item, title: [...itemTitle({ ...rs[0]!, query: target }, target), ` for ${queries} — ${STATUS_WORD[rs[0]!.status]}`] };
  });
  return { kind: 'list', heading: UNCHECKED_HEADING, items };
}

/** A lookup that gave no usable answer, said plainly, with the fix when there is one. */
export function uncheckedItem(r: LookupResult, target: string): ListItem {
  const lines: Inline[][] = [];
  switch (r.status) {
    case 'refused':
      lines.push([r.meaning ? capitalise(r.meaning) : 'The list refused to answer this query.']);
      if (r.codes.length > 0) lines.push(codesLine(r.codes));
      break;
    case 'timeout':
      lines.push([r.meaning ? capitalise(r.meaning) : `No answer within ${r.ms} ms.`]);
      break;
    default:
      lines.push([r.meaning ? capitalise(r.meaning) : 'The lookup failed.']);
      if (r.codes.length > 0) lines.push(codesLine(r.codes));
  }
  if (r.fix) lines.push(['Fix: ', r.fix]);
  // An allow-list that could not be checked is not counted in the verdict (it cannot list anyone); say which it is.
  return { level: r.status === 'refused' ? 'warn' : 'error', title: [...itemTitle(r, target), ` — ${STATUS_WORD[r.status]}`], lines };
}

const STATUS_WORD: Record<LookupResult['status'], string> = {
  listed: 'listed',
  clean: 'clean',
  refused: 'refused',
  timeout: 'no answer (timeout)',
  error: 'error',
};

/** "Spamhaus ZEN (zen.spamhaus.org) for 192.0.2.1" — the query is shown when it is not the target itself. */
function itemTitle(r: LookupResult, target: string): Inline[] {
  const title: Inline[] = [{ bold: r.name }, r.listType === 'allow' && r.status !== 'listed' ? ` (${r.zone}, allow-list)` : ` (${r.zone})`];
  if (r.query !== target) title.push(` for ${r.query}`);
  return title;
}

function codesLine(codes: readonly string[]): Inline[] {
  const out: Inline[] = [codes.length === 1 ? 'Code: ' : 'Codes: '];
  codes.forEach((code, i) => {
    if (i > 0) out.push(', ');
    out.push({ code });
  });
  return out;
}

function linksLine(r: LookupResult): Inline[] | undefined {
  const out: Inline[] = [];
  if (r.removalUrl) out.push({ link: r.removalUrl, label: 'Removal' });
  // Many lists use one page for both; show it once.
  if (r.lookupUrl && r.lookupUrl !== r.removalUrl) {
    if (out.length > 0) out.push('  ');
    out.push({ link: r.lookupUrl, label: 'Lookup' });
  }
  return out.length > 0 ? out : undefined;
}

function contextBlocks(report: CheckReport): Block[] {
  const blocks: Block[] = [];
  const outcomes = listOutcomes(report.results);
  const clean = outcomes.filter((o) => o.state === 'clean').length;
  const summary: string[] = [];
  if (clean > 0) summary.push(`${count(clean, 'list')} clean`);
  if (report.resolverProblem) {
    const unchecked = outcomes.filter((o) => o.state === 'unchecked').length;
    if (unchecked > 0) summary.push(`${count(unchecked, 'list')} not checked (every result is in the JSON output and the full report)`);
  }
  summary.push(`checked in ${report.ms} ms`);
  blocks.push({ kind: 'context', text: [summary.join(' · ')] });
  for (const note of report.notes) blocks.push({ kind: 'context', text: [note] });
  return blocks;
}

/**
 * Every lookup, one line each, as plain text: the attachment a platform sends when the
 * message itself has to be shortened, and what a curious admin wants to see.
 */
export function reportFullText(report: CheckReport): string {
  const lines: string[] = [`Blocklist check: ${report.target}`];
  if (report.input.trim() !== report.target) lines.push(`Input: ${report.input.trim()}`);
  lines.push(verdictBlock(report).text.join(''));
  if (report.resolverProblem) lines.push(report.resolverProblem);
  if (report.kind === 'domain') {
    lines.push(`Addresses: ${report.addresses.length > 0 ? report.addresses.join(', ') : 'none'}`);
    if (report.registrableDomain) lines.push(`Registrable domain: ${report.registrableDomain}`);
  } else {
    lines.push(`PTR: ${ptrText(report)}`);
    lines.push(`FCrDNS: ${fcrdnsText(report)}`);
  }
  lines.push('');
  const order: Record<LookupResult['status'], number> = { listed: 0, refused: 1, timeout: 2, error: 3, clean: 4 };
  const sorted = [...report.results].sort(
    (a, b) => order[a.status] - order[b.status] || listTypeRank(a.listType) - listTypeRank(b.listType) || byName(a, b),
  );
  for (const r of sorted) {
    const parts = [`${r.status.padEnd(7)} ${r.name} (${r.zone}, ${r.listType}) for ${r.query}`];
    if (r.codes.length > 0) parts.push(`codes ${r.codes.join(', ')}`);
    if (r.meaning) parts.push(r.meaning);
    if (r.txt) parts.push(`list says: ${r.txt}`);
    if (r.fix) parts.push(`fix: ${r.fix}`);
    if (r.removalUrl) parts.push(`removal: ${r.removalUrl}`);
    if (r.lookupUrl) parts.push(`lookup: ${r.lookupUrl}`);
    parts.push(`${r.ms} ms`);
    lines.push(parts.join(' | '));
  }
  if (report.notes.length > 0) {
    lines.push('');
    for (const note of report.notes) lines.push(`Note: ${note}`);
  }
  lines.push('', `Checked in ${report.ms} ms.`);
  return `${lines.join('\n')}\n`;
}

function kindNoun(kind: CheckReport['kind']): string {
  return kind === 'ipv4' ? 'IPv4 addresses' : kind === 'ipv6' ? 'IPv6 addresses' : 'domain names';
}

/**
 * List names in a stable order. Not localeCompare: its first call sets up an ICU collator,
 * which cost a one-IP `rblbot check` more than its own DNS work (bench/startup.bench.ts).
 */
function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The most addresses named in a range answer's "could not check" line. */
const RANGE_UNCHECKED_NAMED = 8;

/**
 * A range ("/rbl 203.0.113.0/29"): one compact answer that names only the listed
 * addresses (and, per list, the addresses it could not check). Every result is still in
 * the reports, for JSON and the full text.
 */
export function rangeBlocks(label: string, reports: readonly CheckReport[]): Block[] {
  const listedReports = reports.filter((r) => r.results.some((x) => x.status === 'listed' && x.listType !== 'allow'));
  const lists = new Set(reports.flatMap((r) => r.results.filter((x) => x.listType !== 'allow').map((x) => x.zone))).size;
  const problems = new Set(reports.map((r) => r.resolverProblem));
  const sharedProblem = problems.size === 1 ? [...problems][0] : null;
  const uncheckedByZone = new Map<string, { name: string; status: LookupResult['status']; queries: Set<string>; meanings: Set<string> }>();
  for (const r of reports) {
    for (const x of r.results) {
      if (x.status !== 'refused' && x.status !== 'timeout' && x.status !== 'error') continue;
      const entry = uncheckedByZone.get(x.zone) ?? { name: x.name, status: x.status, queries: new Set(), meanings: new Set() };
      entry.queries.add(x.query);
      if (x.meaning) entry.meanings.add(x.meaning);
      uncheckedByZone.set(x.zone, entry);
    }
  }
  const n = reports.length;
  const addresses = count(n, 'address', 'addresses');
  let verdict: { kind: 'verdict'; level: Level; text: Inline[] };
  if (listedReports.length > 0) {
    const anyBlock = listedReports.some((r) => r.results.some((x) => x.status === 'listed' && x.listType === 'block'));
    verdict = {
      kind: 'verdict',
      level: anyBlock ? 'bad' : 'warn',
      text: [
        `${listedReports.length} of ${addresses} in ${label} ${listedReports.length === 1 ? 'is' : 'are'} listed (${count(lists, 'list')} asked)`,
      ],
    };
  } else if (sharedProblem) {
    verdict = { kind: 'verdict', level: 'error', text: [`${label} could not be checked: the resolver, not the lists, is the problem`] };
  } else if (uncheckedByZone.size > 0) {
    verdict = {
      kind: 'verdict',
      level: 'warn',
      text: [
        `None of the ${addresses} in ${label} is listed on the lists that answered; ${count(uncheckedByZone.size, 'list')} could not be checked`,
      ],
    };
  } else {
    verdict = { kind: 'verdict', level: 'ok', text: [`None of the ${addresses} in ${label} is listed on any of ${count(lists, 'list')}`] };
  }
  const blocks: Block[] = [verdict];
  if (listedReports.length > 0) {
    blocks.push({
      kind: 'list',
      heading: 'Listed',
      items: listedReports.map((r) => {
        const listings = r.results
          .filter((x) => x.status === 'listed' && x.listType !== 'allow')
          .sort((a, b) => listTypeRank(a.listType) - listTypeRank(b.listType) || byName(a, b));
        return {
          level: listings.some((x) => x.listType === 'block') ? 'bad' : 'warn',
          title: [{ bold: r.target }, ` — ${count(listings.length, 'list')}`],
          lines: listings.map((x) => {
            const line: Inline[] = [{ bold: x.name }, ` (${x.zone})`];
            if (x.meaning) line.push(`: ${x.meaning}`);
            if (x.removalUrl) line.push('  ', { link: x.removalUrl, label: 'Removal' });
            return line;
          }),
        } satisfies ListItem;
      }),
    });
  }
  if (sharedProblem) blocks.push({ kind: 'text', text: [sharedProblem] });
  else if (uncheckedByZone.size > 0) {
    const items = [...uncheckedByZone].map(([zone, { name, status, queries, meanings }]) => {
      const all = queries.size === n;
      const named = [...queries].slice(0, RANGE_UNCHECKED_NAMED).join(', ');
      const more = queries.size > RANGE_UNCHECKED_NAMED ? ` and ${queries.size - RANGE_UNCHECKED_NAMED} more` : '';
      const title: Inline[] = [{ bold: name }, ` (${zone})`, all ? ' for every address' : ` for ${named}${more}`, ` — ${STATUS_WORD[status]}`];
      // One cause for every address (its test point, a timeout): say it once, as a single check does.
      const [meaning] = meanings;
      if (meaning && meanings.size === 1) return { level: 'error' as const, title, lines: [[capitalise(meaning)]] };
      return { level: 'error' as const, title };
    });
    blocks.push({ kind: 'list', heading: UNCHECKED_HEADING, items });
  }
  const clean = n - listedReports.length;
  const ms = Math.max(0, ...reports.map((r) => r.ms));
  const notListed = `${count(clean, 'address', 'addresses')} not listed${uncheckedByZone.size > 0 ? ' on the lists that answered' : ''}`;
  const summary = [notListed, `checked in ${ms} ms`];
  if (listedReports.length === 0 && (sharedProblem || uncheckedByZone.size > 0)) summary.shift();
  blocks.push({ kind: 'context', text: [summary.join(' · ')] });
  return blocks;
}

/** The whole answer for one range. */
export function rangeReply(label: string, reports: readonly CheckReport[]): Reply {
  const blocks = rangeBlocks(label, reports);
  const verdict = blocks[0] as { level: Level };
  return {
    visibility: 'channel',
    title: `Blocklist check: ${label}`,
    level: verdict.level,
    blocks,
    fullText: reports.map(reportFullText).join('\n'),
  };
}

/** One target's outcome in a multi-target answer: its report, a range's reports, or why it was not checked. */
export type TargetOutcome =
  | { readonly input: string; readonly report: CheckReport }
  | { readonly input: string; readonly range: string; readonly reports: readonly CheckReport[] }
  | { readonly input: string; readonly error: Error };

/** "Checking 23 lists…" while a check runs; `listCounts` is the number of lists per target. */
export function checkProgressReply(targets: readonly string[], listCounts: readonly number[]): Reply {
  const most = Math.max(0, ...listCounts);
  const lists = count(most, 'list');
  const text =
    targets.length === 1
      ? `Checking ${lists}…`
      : `Checking ${targets.length} targets on ${listCounts.every((c) => c === most) ? '' : 'up to '}${lists}…`;
  return {
    visibility: 'channel',
    title: targets.length === 1 ? `Blocklist check: ${targets[0]}` : `Blocklist check: ${targets.length} targets`,
    level: 'info',
    blocks: [{ kind: 'context', text: [text] }],
  };
}

/** The answer to a check of one or more targets: each one's blocks in the order given, bad input said per target. */
export function checkOutcomesReply(outcomes: readonly TargetOutcome[], example: string): Reply {
  const only = outcomes.length === 1 ? outcomes[0]! : undefined;
  if (only && 'report' in only) return checkReportReply(only.report);
  if (only && 'range' in only) return rangeReply(only.range, only.reports);
  if (outcomes.every((o) => 'error' in o)) {
    const sentences = outcomes.map((o) => ('error' in o ? o.error.message : '')).join(' ');
    return errorReply(slash('rbl'), sentences, `Example: ${example}`);
  }
  const blocks: Block[] = [];
  const texts: string[] = [];
  const levels: Level[] = [];
  for (const outcome of outcomes) {
    if ('error' in outcome) {
      const sentence = `${outcome.input} was not checked: ${outcome.error.message}`;
      blocks.push({ kind: 'verdict', level: 'error', text: [sentence] });
      texts.push(`${sentence}\n`);
      levels.push('error');
      continue;
    }
    if ('range' in outcome) {
      const reply = rangeReply(outcome.range, outcome.reports);
      levels.push(reply.level);
      blocks.push(...reply.blocks);
      texts.push(reply.fullText ?? '');
      continue;
    }
    levels.push(checkReportReply(outcome.report).level);
    blocks.push(...reportBlocks(outcome.report));
    texts.push(reportFullText(outcome.report));
  }
  return {
    visibility: 'channel',
    title: `Blocklist check: ${outcomes.map((o) => ('report' in o ? o.report.target : 'range' in o ? o.range : o.input)).join(', ')}`,
    level: worstLevel(levels),
    blocks,
    fullText: texts.join('\n'),
  };
}

/** /rbl refused by the per-user limit; `addresses` is what this request would have checked. */
export function checkLimitReply(decision: RateDecision, addresses: number): Reply {
  const minutes = Math.round(decision.windowMs / 60_000);
  const wait = Math.max(1, Math.ceil(decision.retryAfterMs / 60_000));
  return errorReply(
    '/rbl: slow down',
    addresses > decision.limit
      ? `That is ${addresses} addresses; one person can check at most ${decision.limit} per ${minutes} minutes. Check a smaller range.`
      : `You can check ${decision.limit} addresses per ${minutes} minutes (a range counts each address); try again in about ${count(wait, 'minute')}.`,
    'The blocklists limit how much the bot may ask them, and everyone here shares that. `rblbot check` on the command line has no limit.',
  );
}
