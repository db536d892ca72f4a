/**
 * /watch: subscribe this channel to a mail server's IPs and domains and hear when a
 * listing appears or clears. add/remove are for admins; list/check for everyone.
 */
import { z } from 'zod';
import { TargetError, type CheckReport } from '../src/core/check/types.js';
import type { ChannelRef } from '../src/core/watch/notifier.js';
import { errorReply, type Block, type Inline, type ListItem, type Reply } from '../src/reply/reply.js';
import { DurationError, formatDuration, parseDuration } from '../src/core/watch/duration.js';
import { WatchError, type WatchService, type WatchView } from '../src/core/watch/service.js';
import type { TargetState, ZoneState } from '../src/core/watch/types.js';
import type { CommandContext, CommandDefinition, Invocation } from './types.js';

const SUBCOMMANDS = ['add', 'remove', 'list', 'check'] as const;

const schema = z
  .object({
    subcommand: z.enum(SUBCOMMANDS, { error: 'Use one of: /watch add, /watch remove, /watch list, /watch check.' }),
    target: z.string().trim().max(255, 'That target is too long (at most 255 characters).').optional(),
    every: z.string().trim().optional(),
  })
  .transform((args, ctx) => {
    let intervalMs: number | undefined;
    if (args.every) {
      try {
        intervalMs = parseDuration(args.every.replace(/^every\s+/i, ''));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof DurationError ? err.message : String(err) });
        return z.NEVER;
      }
    }
    if ((args.subcommand === 'add' || args.subcommand === 'remove') && !args.target) {
      ctx.addIssue({
        code: 'custom',
        message: `Say what to ${args.subcommand === 'add' ? 'watch' : 'stop watching'}, e.g. /watch ${args.subcommand} 203.0.113.5.`,
      });
      return z.NEVER;
    }
    return { subcommand: args.subcommand, target: args.target, intervalMs };
  });

export const watchCommand: CommandDefinition = {
  name: 'watch',
  description: 'Recheck IPs and domains on a schedule and post here when a listing appears or clears',
  help: [
    '/watch add <target> [every <duration>]: watch an IP, IPv6 address, domain, hostname or IPv4 range up to /24 (admins).',
    '/watch remove <target>: stop watching it (admins).',
    "/watch list: this channel's watches, their current listings, last and next check.",
    "/watch check: recheck this channel's watches now.",
    'Durations: 30s, 15m, 1h, 1d (default 1h). A change is alerted once seen on two checks in a row; timeouts never count.',
  ],
  examples: ['add 203.0.113.5', 'add mail.example.com every 30m', 'add 203.0.113.0/28 every 1d', 'remove 203.0.113.5', 'list', 'check'],
  options: [],
  subcommands: [
    {
      name: 'add',
      description: 'Watch an IP, domain, hostname or IPv4 range (up to /24)',
      permission: 'admin',
      options: [
        { name: 'target', description: 'IP, IPv6, domain, hostname or IPv4 range up to /24', type: 'string', required: true, maxLength: 255 },
        {
          name: 'every',
          description: 'How often to recheck: 30s, 15m, 1h, 1d (default 1h)',
          type: 'string',
          required: false,
          rest: true,
          maxLength: 40,
        },
      ],
    },
    {
      name: 'remove',
      description: 'Stop watching a target or range',
      permission: 'admin',
      options: [{ name: 'target', description: 'The target or range as added', type: 'string', required: true, maxLength: 255 }],
    },
    { name: 'list', description: "This channel's watches and their current listings", options: [] },
    { name: 'check', description: "Recheck this channel's watches now", options: [] },
  ],
  permission: 'everyone',
  schema: schema as unknown as CommandDefinition['schema'],
  async run(rawArgs, ctx) {
    const args = rawArgs as unknown as z.output<typeof schema>;
    const watches = ctx.services.watches;
    if (!watches)
      return errorReply(
        'Watches unavailable',
        'Watches are not enabled in this process.',
        'Run the bot (rblbot with a chat adapter or the console) to use /watch.',
      );
    const channel = channelOf(ctx.invocation);
    if (!channel)
      return errorReply('Watches need a channel', '/watch works in a chat channel (Slack, Discord or the console), not from the one-shot CLI.');
    const sub = watchCommand.subcommands!.find((s) => s.name === args.subcommand);
    if (sub?.permission === 'admin' && !ctx.invocation.user.isAdmin) {
      return errorReply(
        'Not allowed',
        `Only admins can ${args.subcommand} watches.`,
        'On Discord that means Manage Server; on Slack a workspace admin or a user listed in SLACK_ADMIN_IDS. Anyone can use /watch list and /watch check.',
      );
    }
    try {
      switch (args.subcommand) {
        case 'add':
          return await add(watches, channel, args.target!, args.intervalMs, ctx);
        case 'remove': {
          const removed = await watches.remove(channel, args.target!);
          const labels = [...new Set(removed.map((w) => w.label))];
          return {
            visibility: 'channel',
            title: `Stopped watching ${labels.join(', ')}`,
            level: 'info',
            blocks: [
              {
                kind: 'verdict',
                level: 'info',
                text: [`Stopped watching ${labels.join(', ')}`, removed.length > 1 ? ` (${removed.length} addresses).` : '.'],
              },
            ],
          };
        }
        case 'list':
          return listReply(await watches.list(channel), watches.clock.now());
        case 'check': {
          const mine = await watches.store.listWatches(channel);
          if (mine.length === 0) return listReply([], watches.clock.now());
          await ctx.progress({
            visibility: 'ephemeral',
            title: 'Rechecking watches',
            level: 'info',
            blocks: [{ kind: 'context', text: [`Rechecking ${count(new Set(mine.map((w) => w.target)).size, 'target')}…`] }],
          });
          const result = await watches.checkChannel(channel);
          const views = await watches.list(channel);
          const summary =
            `Rechecked ${count(result.targets, 'target')}` +
            (result.changes > 0 ? `: ${count(result.changes, 'change')} confirmed; the alert follows in this channel.` : ': no confirmed change.');
          return listReply(views, watches.clock.now(), summary);
        }
      }
    } catch (err) {
      if (err instanceof TargetError || err instanceof WatchError || err instanceof DurationError) {
        return errorReply(`Cannot ${args.subcommand} that watch`, err.message);
      }
      throw err;
    }
  },
};

function channelOf(inv: Invocation): ChannelRef | undefined {
  if (inv.platform === 'cli') return undefined;
  return { platform: inv.platform, workspaceId: inv.workspaceId, channelId: inv.channelId };
}

async function add(watches: WatchService, channel: ChannelRef, target: string, intervalMs: number | undefined, ctx: CommandContext): Promise<Reply> {
  await ctx.progress({
    visibility: 'ephemeral',
    title: `Watching ${target}`,
    level: 'info',
    blocks: [{ kind: 'context', text: [`Checking ${target} for the baseline…`] }],
  });
  const result = await watches.add(channel, target, { intervalMs, createdBy: ctx.invocation.user.name ?? ctx.invocation.user.id });
  const listed = result.reports.flatMap((r) => listedResults(r));
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
  return { visibility: 'channel', title: `Watching ${what}`, level: listed.length ? 'bad' : 'ok', blocks };
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

function listReply(views: readonly WatchView[], now: number, summary?: string): Reply {
  if (views.length === 0) {
    return {
      visibility: 'channel',
      title: 'Watches in this channel',
      level: 'info',
      blocks: [
        { kind: 'verdict', level: 'info', text: ['This channel watches nothing yet.'] },
        { kind: 'context', text: ['Add one with ', { code: '/watch add 203.0.113.5' }, ' (admins).'] },
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
  return { visibility: 'channel', title: 'Watches in this channel', level: listedCount ? 'bad' : 'ok', blocks };
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
      `Pending: ${z.pending === 'listed' ? 'listed on' : 'cleared from'} ${describeZone(z, v)}, seen ${count(z.pendingCount, 'time')}; confirmed on the next check if it persists.`,
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

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
