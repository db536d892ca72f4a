/**
 * /rbl <target>… — which blocklists list an IP address or domain, what each listing
 * means and where to ask for removal. Up to MAX_TARGETS targets at once, separated by
 * spaces or commas, each an address, a name or an IPv4 range up to a /24; each is
 * checked (at the same time) and answered in one reply. A chat user may check so many
 * addresses per window (the lists' fair-use budget is shared by everyone on the bot).
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { TargetError, type CheckReport } from '../src/core/check/types.js';
import type { Checker } from '../src/core/check/checker.js';
import { errorReply, type Block, type Level, type Reply } from '../src/reply/reply.js';
import { isRangeText, parseRange } from '../src/core/check/ranges.js';
import { checkReportReply, rangeBlocks, rangeReply, reportBlocks, reportFullText } from '../src/core/check/reply.js';
import type { CommandDefinition } from './types.js';

export const MAX_TARGETS = 5;

/** Split the option text into targets; duplicates (ignoring case) are checked once. */
export function splitTargets(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const word of text.split(/[\s,;]+/)) {
    if (word === '' || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    out.push(word);
  }
  return out;
}

const schema = z.object({
  target: z
    .string()
    .trim()
    .min(1)
    .refine((text) => splitTargets(text).length <= MAX_TARGETS, {
      message: `Give at most ${MAX_TARGETS} targets at once, separated by spaces.`,
    }),
});

export const rblCommand: CommandDefinition = {
  name: 'rbl',
  description: 'Check an IP address or domain on DNS blocklists: what each listing means and how to get removed.',
  help: [
    'Checks every enabled blocklist at once and says which ones list the target, what each listing means, and where to request removal.',
    'A target is an IPv4 or IPv6 address, an IPv4 range up to a /24, a domain or host name, or an e-mail address (its domain is checked). Names are checked on domain lists, and each address they resolve to (up to 10) on the IP lists. A range is answered compactly, naming only its listed addresses.',
    `Give up to ${MAX_TARGETS} targets separated by spaces. Lists that could not be checked (timeouts, refusals) are reported as such: that is not the same as clean.`,
  ],
  examples: ['203.0.113.5', 'mail.example.com', '2001:db8::25', '203.0.113.5 198.51.100.7', '203.0.113.0/28'],
  options: [
    {
      name: 'target',
      description: `IP addresses, ranges (up to /24) or domains, separated by spaces (up to ${MAX_TARGETS})`,
      type: 'string',
      required: true,
      rest: true,
      maxLength: 1000,
    },
  ],
  permission: 'everyone',
  schema,
  run: async (args, ctx) => {
    const targets = splitTargets(String(args.target ?? ''));
    const checker = ctx.services.checker;
    // Ranges are expanded first: a typo costs nothing, and the allowance counts addresses.
    const planned = targets.map(planTarget);
    const cost = planned.reduce((sum, p) => sum + ('addresses' in p ? p.addresses.length : 'error' in p ? 0 : 1), 0);
    if (cost > 0) {
      const { invocation } = ctx;
      const decision = checker.takeUserChecks(`${invocation.platform}:${invocation.workspaceId}:${invocation.user.id}`, cost);
      if (!decision.allowed) {
        const minutes = Math.round(decision.windowMs / 60_000);
        const wait = Math.max(1, Math.ceil(decision.retryAfterMs / 60_000));
        return errorReply(
          '/rbl: slow down',
          cost > decision.limit
            ? `That is ${cost} addresses; one person can check at most ${decision.limit} per ${minutes} minutes. Check a smaller range.`
            : `You can check ${decision.limit} addresses per ${minutes} minutes (a range counts each address); try again in about ${wait} minute${wait === 1 ? '' : 's'}.`,
          'The blocklists limit how much the bot may ask them, and everyone here shares that. `rblbot check` on the command line has no limit.',
        );
      }
    }
    await ctx.progress(progressReply(checker, targets));
    const outcomes = await Promise.all(planned.map((p) => checkOne(checker, p)));
    return outcomes.length === 1 ? singleReply(outcomes[0]!) : combinedReply(outcomes);
  },
};

type Planned = { input: string } | { input: string; label: string; addresses: readonly string[] } | { input: string; error: TargetError };

type Outcome =
  { input: string; report: CheckReport } | { input: string; range: string; reports: readonly CheckReport[] } | { input: string; error: TargetError };

function planTarget(input: string): Planned {
  if (!isRangeText(input)) return { input };
  try {
    const range = parseRange(input);
    return range.addresses.length > 1 ? { input, label: range.label, addresses: range.addresses } : { input: range.label };
  } catch (err) {
    if (err instanceof TargetError) return { input, error: err };
    throw err;
  }
}

async function checkOne(checker: Checker, planned: Planned): Promise<Outcome> {
  if ('error' in planned) return planned;
  try {
    if ('addresses' in planned) {
      const reports = await Promise.all(planned.addresses.map((a) => checker.check(a)));
      return { input: planned.input, range: planned.label, reports };
    }
    return { input: planned.input, report: await checker.check(planned.input) };
  } catch (err) {
    // Bad input is answered per target; anything else is a bug for the dispatcher to log.
    if (err instanceof TargetError) return { input: planned.input, error: err };
    throw err;
  }
}

/** What kind of target this looks like, for the "Checking N lists…" line only (the checker decides for real). */
export function guessKind(input: string): 'ipv4' | 'ipv6' | 'domain' {
  const bare = input.trim().replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return 'ipv4';
  if (ipaddr.IPv6.isValid(bare)) return 'ipv6';
  return 'domain';
}

export function progressReply(checker: Checker, targets: readonly string[]): Reply {
  const counts = targets.map((t) => {
    if (isRangeText(t)) return checker.zoneCount('ipv4');
    const kind = guessKind(t);
    return kind === 'domain' ? checker.zoneCount('domain') + checker.zoneCount('ipv4') : checker.zoneCount(kind);
  });
  const most = Math.max(0, ...counts);
  const lists = `${most} list${most === 1 ? '' : 's'}`;
  const text =
    targets.length === 1 ? `Checking ${lists}…` : `Checking ${targets.length} targets on ${counts.every((c) => c === most) ? '' : 'up to '}${lists}…`;
  return {
    visibility: 'channel',
    title: targets.length === 1 ? `Blocklist check: ${targets[0]}` : `Blocklist check: ${targets.length} targets`,
    level: 'info',
    blocks: [{ kind: 'context', text: [text] }],
  };
}

function singleReply(outcome: Outcome): Reply {
  if ('error' in outcome) return errorReply('/rbl', outcome.error.message, 'Example: /rbl 203.0.113.5');
  if ('range' in outcome) return rangeReply(outcome.range, outcome.reports);
  return checkReportReply(outcome.report);
}

const LEVEL_RANK: Record<Level, number> = { info: 0, ok: 1, warn: 2, error: 3, bad: 4 };

/** Several targets: each one's blocks in the order given, bad input said per target. */
function combinedReply(outcomes: readonly Outcome[]): Reply {
  if (outcomes.every((o) => 'error' in o)) {
    const sentences = outcomes.map((o) => ('error' in o ? o.error.message : '')).join(' ');
    return errorReply('/rbl', sentences, 'Example: /rbl 203.0.113.5');
  }
  const blocks: Block[] = [];
  const texts: string[] = [];
  let level: Level = 'info';
  for (const outcome of outcomes) {
    if ('error' in outcome) {
      blocks.push({ kind: 'verdict', level: 'error', text: [`${outcome.input} was not checked: ${outcome.error.message}`] });
      texts.push(`${outcome.input} was not checked: ${outcome.error.message}\n`);
      if (LEVEL_RANK.error > LEVEL_RANK[level]) level = 'error';
      continue;
    }
    if ('range' in outcome) {
      const reply = rangeReply(outcome.range, outcome.reports);
      if (LEVEL_RANK[reply.level] > LEVEL_RANK[level]) level = reply.level;
      blocks.push(...rangeBlocks(outcome.range, outcome.reports));
      texts.push(reply.fullText ?? '');
      continue;
    }
    const reply = checkReportReply(outcome.report);
    if (LEVEL_RANK[reply.level] > LEVEL_RANK[level]) level = reply.level;
    blocks.push(...reportBlocks(outcome.report));
    texts.push(reportFullText(outcome.report));
  }
  return {
    visibility: 'channel',
    title: `Blocklist check: ${outcomes.map((o) => ('report' in o ? o.report.target : 'range' in o ? o.range : o.input)).join(', ')}`,
    level,
    blocks,
    fullText: texts.join('\n'),
  };
}
