/**
 * /rbl <target>… — which blocklists list an IP address or domain, what each listing
 * means and where to ask for removal. Up to MAX_TARGETS targets at once, separated by
 * spaces or commas; each is checked (at the same time) and answered in one reply.
 */
import { z } from 'zod';
import type { Checker } from '../src/core/check/checker.js';
import { checkOutcomesReply, checkProgressReply, type TargetOutcome } from '../src/core/check/reply.js';
import { guessTargetKind, splitTargets } from '../src/core/check/targets.js';
import { UserError } from '../src/reply/errors.js';
import { defineCommand } from './types.js';

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
    'A target is an IPv4 or IPv6 address, a domain or host name, or an e-mail address (its domain is checked). Names are checked on domain lists, and each address they resolve to on the IP lists.',
    `Give up to ${MAX_TARGETS} targets separated by spaces. Lists that could not be checked (timeouts, refusals) are reported as such: that is not the same as clean.`,
  ],
  examples: ['203.0.113.5', 'mail.example.com', '2001:db8::25', '203.0.113.5 198.51.100.7'],
  options: [
    {
      name: 'target',
      description: `IP addresses or domains to check, separated by spaces (up to ${MAX_TARGETS})`,
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
    await ctx.progress(
      checkProgressReply(
        targets,
        targets.map((t) => listCount(checker, t)),
      ),
    );
    const outcomes = await Promise.all(targets.map((t) => checkOne(checker, t)));
    return checkOutcomesReply(outcomes, '/rbl 203.0.113.5');
  },
});

/** Lists a target of this kind is checked on: a name on domain lists and its addresses on IPv4 lists. */
function listCount(checker: Checker, target: string): number {
  const kind = guessTargetKind(target);
  return kind === 'domain' ? checker.zoneCount('domain') + checker.zoneCount('ipv4') : checker.zoneCount(kind);
}

async function checkOne(checker: Checker, input: string): Promise<TargetOutcome> {
  try {
    return { input, report: await checker.check(input) };
  } catch (err) {
    // Bad input is answered per target; anything else is a bug for the dispatcher to log.
    if (err instanceof UserError) return { input, error: err };
    throw err;
  }
}
