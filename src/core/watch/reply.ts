/**
 * Every answer of the watch feature, as plain Reply data (each platform's renderer
 * escapes it): the alert a channel receives for one recheck cycle — every confirmed
 * change of its watches grouped in one message, newly listed first (with meaning and
 * removal link), then cleared — and the answers to /watch add, remove, list and check.
 */
import type { CheckReport } from '../check/types.js';
import { errorReply, type Block, type Inline, type ListItem, type Reply } from '../../reply/reply.js';
import { listTypeRank, worstLevel } from '../../reply/severity.js';
import { count } from '../../reply/words.js';
import { formatDuration } from './duration.js';
import type { ChannelAccess } from './notifier.js';
import type { AddResult, ChannelDelivery, ChannelPause, OutboxAlert, TargetState, WatchChange, WatchView, ZoneState } from './types.js';
import { slash } from '../../reply/command-names.js';
import type { Timeline } from './history.js';
import { formatDay, historyChartSpec } from './history-chart.js';
import { renderPicture } from '../../reply/picture.js';

export function alertReply(changes: readonly WatchChange[]): Reply {
  const listed = changes.filter((c) => c.now === 'listed');
  const cleared = changes.filter((c) => c.now === 'clean');
  const blocks: Block[] = [];
  const verdict: Inline[] = [];
  if (listed.length > 0) verdict.push(`${count(listed.length, 'new listing')} confirmed`);
  if (cleared.length > 0) verdict.push(`${verdict.length ? '; ' : ''}${count(cleared.length, 'listing')} cleared`);
  blocks.push({ kind: 'verdict', level: listed.length > 0 ? 'bad' : 'ok', text: [verdict.join('') + '.'] });
  if (listed.length > 0) {
    // Every change is in the Reply: a platform that must shorten it says so and attaches fullText.
    blocks.push({ kind: 'list', heading: 'Newly listed', items: listed.map(listedItem) });
  }
  if (cleared.length > 0) {
    blocks.push({ kind: 'list', heading: 'Cleared', items: cleared.map(clearedItem) });
  }
  blocks.push({ kind: 'context', text: [`Each change was seen on two checks in a row. ${slash('watch list')} shows every watch of this channel.`] });

  const targets = [...new Set(changes.map((c) => c.target))];
  const title =
    changes.length === 1
      ? `Watch: ${changes[0]!.target} ${listed.length ? 'listed on' : 'cleared from'} ${changes[0]!.name}`
      : `Watch: ${changes.length} changes on ${targets.length === 1 ? targets[0]! : `${targets.length} targets`}`;
  return { visibility: 'channel', title, level: listed.length > 0 ? 'bad' : 'ok', blocks, fullText: fullText(title, listed, cleared) };
}

/**
 * Alerts that waited for one channel (a paused channel, or a platform outage), posted as
 * one message instead of a flood: one alert keeps its own form with a note; several become
 * a list of their titles, oldest first, and the full report carries every one of them.
 */
export function heldAlertsReply(alerts: readonly Pick<OutboxAlert, 'reply' | 'createdAt'>[], refusedBecause: string | null): Reply {
  const since = Math.min(...alerts.map((a) => a.createdAt));
  const why = refusedBecause
    ? `because rblbot could not post here (${refusedBecause.replace(/[.\s]+$/, '')})`
    : 'because delivery here failed until now';
  const note: Block = { kind: 'context', text: [`Held since ${timestamp(since)} ${why}.`] };
  if (alerts.length === 1) {
    const only = alerts[0]!.reply;
    return { ...only, blocks: [...only.blocks, note] };
  }
  const replies = alerts.map((a) => a.reply);
  const level = worstLevel(replies.map((r) => r.level));
  const blocks: Block[] = [
    { kind: 'verdict', level, text: [`${count(alerts.length, 'alert')} for this channel since ${timestamp(since)}.`] },
    {
      kind: 'list',
      heading: 'Held alerts, oldest first',
      items: alerts.map((a) => ({ level: a.reply.level, title: [a.reply.title], lines: [[`Raised ${timestamp(a.createdAt)}`]] })),
    },
  ];
  blocks.push(note, { kind: 'context', text: [`${slash('watch list')} shows what is listed now.`] });
  const title = `Watch: ${count(alerts.length, 'held alert')}`;
  const fullText = [title, ...alerts.map((a) => `[${timestamp(a.createdAt)}]\n${a.reply.fullText ?? a.reply.title}`)].join('\n\n');
  return { visibility: 'channel', title, level, blocks, fullText };
}

/** "2026-01-01 13:05 UTC": alerts are read later and elsewhere, so absolute and unambiguous. */
function timestamp(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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

// --- /watch answers --------------------------------------------------------------------

/** Shown while /watch add takes the baseline check. */
export function watchAddProgressReply(target: string): Reply {
  return {
    visibility: 'ephemeral',
    title: `Watching ${target}`,
    level: 'info',
    blocks: [{ kind: 'context', text: [`Checking ${target} for the baseline…`] }],
  };
}

/** The answer to /watch add: the baseline, what is listed now, what could not be checked, whether alerts can reach this channel. */
export function watchAddedReply(result: AddResult, access?: ChannelAccess): Reply {
  // The most serious listing first (src/reply/severity.ts): a block list before a policy list.
  const listed = result.reports.flatMap((r) => listedResults(r)).sort((a, b) => listTypeRank(a.listType) - listTypeRank(b.listType));
  const blocks: Block[] = [];
  const every = formatDuration(result.intervalMs);
  const what = result.reports.length > 1 ? `${result.label} (${result.reports.length} addresses)` : result.label;
  const added = result.added.length;
  const verdict: Inline[] =
    added === 0
      ? [`This channel already watches ${what}.`]
      : [
          `Now watching `,
          { bold: what },
          ` every ${every}. `,
          listed.length ? `Listed on ${count(listed.length, 'list')} right now.` : 'Not listed anywhere right now.',
        ];
  blocks.push({ kind: 'verdict', level: listed.length ? 'bad' : 'ok', text: verdict });
  if (listed.length) blocks.push({ kind: 'list', heading: 'Listed now', items: listed.slice(0, 25).map(listedItemFromReport) });
  // Counted per list, not per lookup: a range asks each list once per address.
  const problems = result.reports.flatMap((r) => r.results.filter((x) => x.status !== 'listed' && x.status !== 'clean'));
  const unchecked = [...new Set(problems.map((p) => p.zone))];
  if (unchecked.length) {
    const named = unchecked.slice(0, 5).join(', ') + (unchecked.length > 5 ? ` and ${unchecked.length - 5} more` : '');
    const where = result.reports.length > 1 ? ` for ${count(new Set(problems.map((p) => p.query)).size, 'address', 'addresses')}` : '';
    blocks.push({
      kind: 'context',
      text: [`Could not check ${count(unchecked.length, 'list')}${where} this time (${named}); they are retried on every check.`],
    });
  }
  if (added > 0 && result.existing.length > 0)
    blocks.push({ kind: 'context', text: [`${result.existing.length} of these addresses were already watched here.`] });
  blocks.push({
    kind: 'context',
    text: ['This is the baseline: no alert for it. You get an alert here when a listing appears or clears, seen on two checks in a row.'],
  });
  if (access?.state === 'blocked') {
    // Said first: without this, every alert for the watch just added would be lost.
    blocks.unshift({
      kind: 'verdict',
      level: 'warn',
      text: [`Alerts cannot reach this channel yet: ${access.problem.replace(/[.\s]+$/, '')}. `, { bold: access.fix }],
    });
    blocks.push({ kind: 'context', text: ['Alerts are held until then and posted as one message once rblbot can post here.'] });
  } else if (access?.state === 'unknown') {
    blocks.push({ kind: 'context', text: [`Could not check that rblbot can post here: ${access.why}`] });
  }
  const level = listed.length ? 'bad' : access?.state === 'blocked' ? 'warn' : 'ok';
  return { visibility: 'channel', title: `Watching ${what}`, level, blocks };
}

/** The answer to /watch remove. */
export function watchRemovedReply(labels: readonly string[], addresses: number): Reply {
  return {
    visibility: 'channel',
    title: `Stopped watching ${labels.join(', ')}`,
    level: 'info',
    blocks: [{ kind: 'verdict', level: 'info', text: [`Stopped watching ${labels.join(', ')}`, addresses > 1 ? ` (${addresses} addresses).` : '.'] }],
  };
}

/** Shown while /watch check rechecks a channel's targets. */
export function watchRecheckProgressReply(targets: number): Reply {
  return {
    visibility: 'ephemeral',
    title: 'Rechecking watches',
    level: 'info',
    blocks: [{ kind: 'context', text: [`Rechecking ${count(targets, 'target')}…`] }],
  };
}

/** The first line of /watch check's answer, before the list. */
export function recheckSummary(targets: number, changes: number): string {
  return (
    `Rechecked ${count(targets, 'target')}` +
    (changes > 0 ? `: ${count(changes, 'change')} confirmed; the alert follows in this channel.` : ': no confirmed change.')
  );
}

/** add/remove by someone who is not an admin (the dispatcher refuses first; this guards direct calls). */
export function watchNotAllowedReply(subcommand: string): Reply {
  return errorReply(
    'Not allowed',
    `Only admins can ${subcommand} watches.`,
    `On Discord that means Manage Server; on Slack a workspace admin or a user listed in SLACK_ADMIN_IDS. Anyone can use ${slash('watch list')} and ${slash('watch check')}.`,
  );
}

function listedResults(r: CheckReport): CheckReport['results'] {
  return r.results.filter((x) => x.status === 'listed' && x.listType !== 'allow');
}

function listedItemFromReport(r: CheckReport['results'][number]): ListItem {
  const lines: Inline[][] = [];
  if (r.meaning) lines.push([r.meaning]);
  if (r.removalUrl) lines.push([{ link: r.removalUrl, label: 'Request removal' }]);
  return { level: r.listType === 'block' ? 'bad' : 'warn', title: [{ bold: r.query }, ' on ', r.name, ` (${r.zone})`], lines };
}

export function watchListReply(views: readonly WatchView[], now: number, summary?: string, delivery?: ChannelDelivery): Reply {
  const paused = delivery?.pause ? pausedBlocks(delivery.pause, delivery.held, now) : [];
  if (views.length === 0) {
    return {
      visibility: 'channel',
      title: 'Watches in this channel',
      level: paused.length ? 'warn' : 'info',
      blocks: [
        ...paused,
        { kind: 'verdict', level: 'info', text: ['This channel watches nothing yet.'] },
        { kind: 'context', text: ['Add one with ', { code: slash('watch add 203.0.113.5') }, ' (admins).'] },
      ],
    };
  }
  const items = views.map((v) => viewItem(v, now));
  const listedCount = items.filter((i) => i.level === 'bad' || i.level === 'warn').length;
  const blocks: Block[] = [];
  blocks.push({
    kind: 'verdict',
    level: listedCount ? 'bad' : 'ok',
    text: [
      summary ? `${summary} ` : '',
      `${count(views.length, 'watch', 'watches')}; ${listedCount ? `${listedCount} with listings` : 'none listed'}.`,
    ],
  });
  blocks.push({ kind: 'list', heading: 'Watches', items });
  if (delivery && !delivery.pause && delivery.held > 0) {
    blocks.push({
      kind: 'context',
      text: [`${count(delivery.held, 'alert')} waiting to be delivered here (the platform did not take it yet; retried with back-off).`],
    });
  }
  blocks.unshift(...paused);
  const level = listedCount ? 'bad' : paused.length ? 'warn' : 'ok';
  return { visibility: 'channel', title: 'Watches in this channel', level, blocks };
}

/** The paused-delivery notice that heads /watch list: what is wrong, the fix, what happens to the alerts. */
function pausedBlocks(pause: ChannelPause, held: number, now: number): Block[] {
  const heldText = held > 0 ? `${count(held, 'alert is', 'alerts are')} held` : 'New alerts are held';
  return [
    {
      kind: 'verdict',
      level: 'warn',
      text: [
        `Alerts to this channel are paused (since ${relative(pause.since, now)}): ${pause.problem.replace(/[.\s]+$/, '')}. `,
        { bold: pause.fix },
      ],
    },
    {
      kind: 'context',
      text: [
        `${heldText} and will be posted as one message once rblbot can post here: it tries again ${relative(pause.nextProbeAt, now)}, or at once on the next ${slash('watch')} command in this channel.`,
      ],
    },
  ];
}

function viewItem(v: WatchView, now: number): ListItem {
  const first = v.watches[0]!;
  const zones = v.states.flatMap((s) => Object.values(s?.zones ?? {}));
  const listed = zones.filter((z) => z.confirmed === 'listed' && z.listType !== 'allow');
  const pending = zones.filter((z) => z.pending !== null && z.listType !== 'allow');
  const problems = zones.filter((z) => z.problem);
  const failed = v.states.filter((s): s is TargetState => !!s?.lastError);
  const lines: Inline[][] = [];
  if (listed.length) lines.push([`Listed on: ${listed.map((z) => describeZone(z, v)).join('; ')}`]);
  else if (v.states.every((s) => s?.baselined)) lines.push(['Not listed anywhere.']);
  for (const z of pending) {
    lines.push([
      `Pending: ${z.pending === 'listed' ? 'listed on' : 'cleared from'} ${describeZone(z, v)}, seen ${count(z.pendingCount, 'time')}; confirmed on a later check if it persists.`,
    ]);
  }
  if (problems.length) {
    const byZone = [...new Set(problems.map((z) => `${z.zone} (${z.problem!.status})`))];
    lines.push([`Could not check: ${byZone.slice(0, 8).join(', ')}${byZone.length > 8 ? ` and ${byZone.length - 8} more` : ''}.`]);
  }
  if (failed.length) lines.push([`Check failed: ${failed[0]!.lastError}`]);
  const checked = v.states.map((s) => s?.lastChecked ?? null).filter((t): t is number => t !== null);
  const last = checked.length ? Math.min(...checked) : null;
  const next = Math.min(...v.watches.map((w) => w.nextDue));
  lines.push([
    `Every ${formatDuration(first.intervalMs)} · last check ${last === null ? 'not yet' : relative(last, now)} · next ${relative(next, now)}`,
  ]);
  const size = v.watches.length > 1 ? ` (${v.watches.length} addresses)` : '';
  return {
    level: listed.length ? (listed.some((z) => z.listType === 'block') ? 'bad' : 'warn') : problems.length || failed.length ? 'info' : 'ok',
    title: [{ bold: v.label }, size],
    lines,
  };
}

function describeZone(z: ZoneState, v: WatchView): string {
  const who = v.watches.length > 1 || z.query !== v.label ? `${z.query} on ` : '';
  return `${who}${z.name} (${z.zone})`;
}

function relative(at: number, now: number): string {
  const d = at - now;
  if (Math.abs(d) < 1000) return 'now';
  return d > 0 ? `in ${formatDuration(d)}` : `${formatDuration(-d)} ago`;
}

// --- /watch history ----------------------------------------------------------------------

/** Shown while the history picture is drawn (the first one loads the charting library). */
export function watchHistoryProgressReply(label: string): Reply {
  return {
    visibility: 'ephemeral',
    title: `History of ${label}`,
    level: 'info',
    blocks: [{ kind: 'context', text: [`Drawing the listing history of ${label}…`] }],
  };
}

/** The two summary lines: listings and time listed in the period, and the state now. */
export function historySummary(t: Timeline): [string, string] {
  const days = Math.round((t.to - t.from) / 86_400_000);
  const period = `in the last ${count(days, 'day')}`;
  const lists = new Set(t.lanes.map((l) => l.zone)).size + t.hiddenLanes;
  const { neverAnswered, unknownNow } = historyDoubts(t);
  const first =
    t.listings > 0
      ? `${count(t.listings, 'listing')} on ${count(lists, 'list')} ${period}; listed for ${t.listedMs < 60_000 ? 'under a minute' : formatDuration(t.listedMs)} in all.`
      : neverAnswered
        ? `No check got an answer ${period}: whether it is listed is not known.`
        : `Not listed on any list ${period}.`;
  const now = t.lanes.filter((l) => l.listedNow);
  let second: string;
  if (!t.watchedNow) second = 'Not watched any more: nothing is known after the watch was removed.';
  else if (now.length > 0) {
    const where = now.slice(0, 3).map((l) => `${l.zone}${t.targets.length > 1 ? ` (${l.query})` : ''} since ${formatDay(l.listedSince ?? t.from)}`);
    second = `Now listed on ${where.join(', ')}${now.length > 3 ? ` and ${now.length - 3} more` : ''}.`;
  } else if (t.lastChange) {
    const what = t.lastChange.kind === 'clean' ? 'cleared from' : 'listed on';
    second = `Now not listed anywhere; the last change was ${what} ${t.lastChange.name} on ${formatDay(t.lastChange.at)}.`;
  } else if (unknownNow) second = 'Not known now: the latest check got no answer, and a check without an answer never counts as clean.';
  else if (t.latestCheck && t.latestCheck.unanswered > 0)
    second = `Now not listed on the lists that answered; ${count(t.latestCheck.unanswered, 'list')} did not answer the latest check.`;
  else second = 'Now not listed anywhere.';
  return [first, second];
}

/**
 * When nothing was listed, whether "not listed" was earned: checks that got no answer
 * (grey in the picture) prove nothing, so a period of only those, or a failing latest
 * check, must not read as clean.
 */
function historyDoubts(t: Timeline): { neverAnswered: boolean; unknownNow: boolean } {
  const spans = t.overall?.spans ?? [];
  if (t.listings > 0 || spans.length === 0) return { neverAnswered: false, unknownNow: false };
  return {
    neverAnswered: !spans.some((s) => s.state === 'clean'),
    unknownNow:
      t.watchedNow &&
      (spans.at(-1)!.state === 'unknown' ||
        t.latestCheck?.failed === true ||
        (t.latestCheck?.asked != null && t.latestCheck.unanswered >= t.latestCheck.asked)),
  };
}

/** The answer to /watch history: the two-line summary and the timeline picture. */
export async function watchHistoryReply(t: Timeline): Promise<Reply> {
  const [first, second] = historySummary(t);
  const listedNow = t.lanes.some((l) => l.listedNow);
  const picture = await renderPicture(historyChartSpec(t));
  const blocks: Block[] = [
    {
      kind: 'verdict',
      level: listedNow ? 'bad' : t.listings > 0 || historyDoubts(t).unknownNow || (t.latestCheck?.unanswered ?? 0) > 0 ? 'warn' : 'ok',
      text: [first],
    },
    { kind: 'text', text: [second] },
    {
      kind: 'image',
      png: picture.png,
      width: picture.width,
      height: picture.height,
      filename: `history-${t.label.replace(/[^A-Za-z0-9.-]+/g, '_')}-${Math.round((t.to - t.from) / 86_400_000)}d.png`,
      alt: `Timeline of the listings of ${t.label}, ${formatDay(t.from)} to ${formatDay(t.to)}`,
    },
  ];
  const notes: string[] = [];
  if (t.hiddenLanes > 0) notes.push(`${count(t.hiddenLanes, 'more list')} not drawn.`);
  if (t.failedChecks > 0) notes.push(`${count(t.failedChecks, 'failed check')} (timeouts, errors) in grey; they never count as a change.`);
  notes.push('Red: listed; green: clean; ▼: alert sent. A change counts once seen on two checks in a row. Times in UTC.');
  blocks.push({ kind: 'context', text: [notes.join(' ')] });
  return { visibility: 'channel', title: `Listing history of ${t.label}`, level: listedNow ? 'bad' : 'ok', blocks, fullText: historyText(t) };
}

/** The history as text (the CLI, and Discord's attached report): summary, then one line per event. */
export function historyText(t: Timeline): string {
  const out = [`Listing history of ${t.label}, ${formatDay(t.from)} – ${formatDay(t.to)} (UTC)`, ...historySummary(t), ''];
  const lanes = t.lanes.length > 0 ? t.lanes : t.overall ? [t.overall] : [];
  for (const lane of lanes) {
    out.push(
      `${lane.zone || lane.name}${lane.query && lane.query !== lane.target ? ` (${lane.query})` : ''}${t.targets.length > 1 && lane.zone ? ` [${lane.target}]` : ''}`,
    );
    for (const s of lane.spans) {
      out.push(`  ${formatStamp(s.from)} → ${formatStamp(s.to)}  ${s.state.padEnd(7)} ${formatDuration(s.to - s.from)}`);
    }
    for (const at of lane.alerts) out.push(`  ${formatStamp(at)}  alert sent`);
  }
  return out.join('\n') + '\n';
}

/** "2026-11-03 14:00" (UTC). */
function formatStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
