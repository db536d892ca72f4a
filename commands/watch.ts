/**
 * /watch: subscribe this channel to a mail server's IPs and domains and hear when a
 * listing appears or clears. add/remove are for admins; list/check for everyone.
 */
import { z } from 'zod';
import { DurationError, parseDuration } from '../src/core/watch/duration.js';
import type { ChannelRef } from '../src/core/watch/notifier.js';
import { DEFAULT_HISTORY_PERIOD_DAYS } from '../src/core/watch/service.js';
import {
  recheckSummary,
  watchAddedReply,
  watchAddProgressReply,
  watchHistoryProgressReply,
  watchHistoryReply,
  watchListReply,
  watchNotAllowedReply,
  watchRecheckProgressReply,
  watchRemovedReply,
} from '../src/core/watch/reply.js';
import { UserError } from '../src/reply/errors.js';
import { defineCommand, type Invocation } from './types.js';

const SUBCOMMANDS = ['add', 'remove', 'list', 'check', 'history'] as const;

const schema = z
  .object({
    subcommand: z.enum(SUBCOMMANDS, { error: 'Use one of: /watch add, /watch remove, /watch list, /watch check, /watch history.' }),
    target: z.string().trim().max(255, 'That target is too long (at most 255 characters).').optional(),
    every: z.string().trim().optional(),
    days: z.number().int().optional(),
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
    if ((args.subcommand === 'add' || args.subcommand === 'remove' || args.subcommand === 'history') && !args.target) {
      const what = { add: 'watch', remove: 'stop watching', history: 'show the history of' }[args.subcommand];
      ctx.addIssue({ code: 'custom', message: `Say what to ${what}, e.g. /watch ${args.subcommand} 203.0.113.5.` });
      return z.NEVER;
    }
    return { subcommand: args.subcommand, target: args.target, intervalMs, days: args.days };
  });

export const watchCommand = defineCommand({
  name: 'watch',
  description: 'Recheck IPs and domains on a schedule and post here when a listing appears or clears',
  help: [
    '/watch add <target> [every <duration>]: watch an IP, IPv6 address, domain, hostname or IPv4 range up to /24 (admins).',
    '/watch remove <target>: stop watching it (admins).',
    "/watch list: this channel's watches, their current listings, last and next check.",
    "/watch check: recheck this channel's watches now.",
    `/watch history <target> [days]: a timeline picture of its listings over the last days (default ${DEFAULT_HISTORY_PERIOD_DAYS}), with a two-line summary.`,
    'Durations: 30s, 15m, 1h, 1d (default 1h). A change is alerted once seen on two checks in a row; timeouts never count.',
  ],
  examples: [
    'add 203.0.113.5',
    'add mail.example.com every 30m',
    'add 203.0.113.0/28 every 1d',
    'remove 203.0.113.5',
    'list',
    'check',
    'history 203.0.113.5 90',
  ],
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
    {
      name: 'history',
      description: 'A timeline picture of when a watched target was listed, and where',
      options: [
        { name: 'target', description: 'The target or range as added', type: 'string', required: true, maxLength: 255 },
        { name: 'days', description: `How many days back (default ${DEFAULT_HISTORY_PERIOD_DAYS})`, type: 'integer', required: false },
      ],
    },
  ],
  permission: 'everyone',
  schema,
  async run(args, ctx) {
    const watches = ctx.services.watches;
    if (!watches)
      throw new UserError('Watches are not enabled in this process.', {
        hint: 'Run the bot (rblbot with a chat adapter or the console) to use /watch.',
      });
    const channel = channelOf(ctx.invocation);
    if (!channel) throw new UserError('/watch works in a chat channel (Slack, Discord or the console), not from the one-shot CLI.');
    const sub = watchCommand.subcommands!.find((s) => s.name === args.subcommand);
    if (sub?.permission === 'admin' && !ctx.invocation.user.isAdmin) return watchNotAllowedReply(args.subcommand);
    const now = () => watches.clock.now();
    switch (args.subcommand) {
      case 'add': {
        const target = args.target!;
        await ctx.progress(watchAddProgressReply(target));
        const createdBy = ctx.invocation.user.name ?? ctx.invocation.user.id;
        return watchAddedReply(await watches.add(channel, target, { intervalMs: args.intervalMs, createdBy }));
      }
      case 'remove': {
        const removed = await watches.remove(channel, args.target!);
        return watchRemovedReply([...new Set(removed.map((w) => w.label))], removed.length);
      }
      case 'list':
        return watchListReply(await watches.list(channel), now());
      case 'check': {
        const mine = await watches.store.listWatches(channel);
        if (mine.length === 0) return watchListReply([], now());
        await ctx.progress(watchRecheckProgressReply(new Set(mine.map((w) => w.target)).size));
        const result = await watches.checkChannel(channel);
        return watchListReply(await watches.list(channel), now(), recheckSummary(result.targets, result.changes));
      }
      case 'history': {
        const days = args.days ?? DEFAULT_HISTORY_PERIOD_DAYS;
        watches.validateHistoryDays(days);
        const timeline = await watches.history(channel, args.target!, days);
        await ctx.progress(watchHistoryProgressReply(timeline.label));
        return watchHistoryReply(timeline);
      }
    }
  },
});

function channelOf(inv: Invocation): ChannelRef | undefined {
  if (inv.platform === 'cli') return undefined;
  return { platform: inv.platform, workspaceId: inv.workspaceId, channelId: inv.channelId };
}
