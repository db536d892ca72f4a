/**
 * /rbl <target>… — which blocklists list an IP address or domain, what each listing
 * means and where to ask for removal. Up to MAX_TARGETS targets at once, separated by
 * spaces or commas, each an address, a name or an IPv4 range up to a /24; each is
 * checked (at the same time) and answered in one reply. A chat user may check so many
 * addresses per window: the lists' fair-use budget is shared by everyone on the bot.
 */
import { z } from 'zod';
import type { Checker } from '../src/core/check/checker.js';
import { isRangeText, parseRange } from '../src/core/check/ranges.js';
import { checkLimitReply, checkOutcomesReply, checkProgressReply, type TargetOutcome } from '../src/core/check/reply.js';
import { guessTargetKind, splitTargets } from '../src/core/check/targets.js';
import { UserError } from '../src/reply/errors.js';
import { defineCommand } from './types.js';
import { slash } from '../src/reply/command-names.js';

export const MAX_TARGETS = 5;

const schema = z.object({
  target: z
    .string()
    .trim()
    .min(1)
    .refine((text) => splitTargets(text).length <= MAX_TARGETS, {
      message: `Give at most ${MAX_TARGETS} targets at once, separated by spaces.`,
    }),
});

export const rblCommand = defineCommand({
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
  async run(args, ctx) {
    const targets = splitTargets(args.target);
    const checker = ctx.services.checker;
    // Ranges are expanded first: a typo costs nothing, and the allowance counts addresses.
    const planned = targets.map(planTarget);
    const cost = planned.reduce((sum, p) => sum + ('addresses' in p ? p.addresses.length : 'error' in p ? 0 : 1), 0);
    if (cost > 0) {
      const { invocation } = ctx;
      const decision = checker.takeUserChecks(`${invocation.platform}:${invocation.workspaceId}:${invocation.user.id}`, cost);
      if (!decision.allowed) return checkLimitReply(decision, cost);
    }
    await ctx.progress(
      checkProgressReply(
        targets,
        targets.map((t) => listCount(checker, t)),
      ),
    );
    const outcomes = await Promise.all(planned.map((p) => checkOne(checker, p)));
    return checkOutcomesReply(outcomes, slash('rbl 203.0.113.5'));
  },
});

/** Lists a target of this kind is checked on: a name on domain lists and its addresses on IPv4 lists. */
function listCount(checker: Checker, target: string): number {
  const kind = guessTargetKind(target);
  return kind === 'domain' ? checker.zoneCount('domain') + checker.zoneCount('ipv4') : checker.zoneCount(kind);
}

type Planned = { input: string } | { input: string; label: string; addresses: readonly string[] } | { input: string; error: UserError };

/** A range becomes its addresses (a /32 its one address); bad ranges are answered like bad targets. */
function planTarget(input: string): Planned {
  if (!isRangeText(input)) return { input };
  try {
    const range = parseRange(input);
    return range.addresses.length > 1 ? { input, label: range.label, addresses: range.addresses } : { input: range.label };
  } catch (err) {
    if (err instanceof UserError) return { input, error: err };
    throw err;
  }
}

async function checkOne(checker: Checker, planned: Planned): Promise<TargetOutcome> {
  if ('error' in planned) return planned;
  try {
    if ('addresses' in planned) {
      const reports = await Promise.all(planned.addresses.map((a) => checker.check(a)));
      return { input: planned.input, range: planned.label, reports };
    }
    return { input: planned.input, report: await checker.check(planned.input) };
  } catch (err) {
    // Bad input is answered per target; anything else is a bug for the dispatcher to log.
    if (err instanceof UserError) return { input: planned.input, error: err };
    throw err;
  }
}
