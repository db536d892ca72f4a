/**
 * `rblbot check <target>... [--json] [--resolver HOST[:PORT]] [--timeout MS] [--zones FILE]`
 *
 * A contract people script against. Exit status: 0 nothing listed, 1 listed somewhere,
 * 2 bad input or usage (valid targets beside a bad one are still checked and printed),
 * 3 nothing could be checked.
 */
import { TargetError, type CheckReport } from '../core/check/types.js';
import type { Checker } from '../core/check/checker.js';
import { isRangeText, parseRange, type AddressRange } from '../core/check/ranges.js';
import { checkReportReply, rangeReply } from '../core/check/reply.js';
import { renderText } from '../reply/render.js';
import { EXIT, fail } from './errors.js';
import { parseCommandLine } from './args.js';
import { OptionError, SERVICE_OPTIONS, serviceOverrides } from './service-options.js';
import { useColor, type CliCommand } from './types.js';
import { tuneTieringFor } from './bulk-tiering.js';

const HELP = `Usage: rblbot check <target>... [options]

Checks IPv4 and IPv6 addresses, IPv4 ranges up to a /24, domains and host names against
the DNS blocklists in the catalogue (see "rblbot zones"). A host name is checked on the
domain lists and each of its addresses (up to 10) on the IP lists. A range gets one
compact answer naming only its listed addresses (--json: one line per address).

Options:
  --json                One JSON object per target, one per line.
  --resolver HOST[:PORT]  DNS resolver to use (repeatable); default RBLBOT_RESOLVERS or the system's.
  --timeout MS          Per-lookup timeout in milliseconds (default RBLBOT_TIMEOUT_MS, 4000).
  --zones FILE          Zone file adding zones or turning zones on/off (default RBLBOT_ZONES_FILE).
  -h, --help            This help.

Exit status: 0 not listed anywhere, 1 listed somewhere, 2 bad input or usage,
3 nothing could be checked (every lookup failed, or the resolver does not return
blocklist answers: see docs/resolvers.md).

Examples:
  rblbot check 203.0.113.5
  rblbot check mail.example.com 2001:db8::25 --json
  rblbot check 203.0.113.0/28
`;

export const checkCli: CliCommand = {
  name: 'check',
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(checkCli, argv, io, { json: { type: 'boolean' }, ...SERVICE_OPTIONS }, true);
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return fail(io.stderr, 'give at least one IP address, domain or host name to check.', 'check');
    let services;
    try {
      services = io.services(serviceOverrides(values));
    } catch (err) {
      return fail(io.stderr, (err as Error).message, err instanceof OptionError ? 'check' : undefined);
    }

    const targets = positionals.map(planTarget);
    await tuneTieringFor(targets.reduce((n, t) => n + (t.range?.addresses.length ?? 1), 0));
    // Check every target at once (a range is one target of many addresses); print in the order given.
    const outcomes = await Promise.all(targets.map((target) => checkTarget(services.checker, target)));
    let badInput = false;
    let listed = false;
    let unchecked = false;
    for (const outcome of outcomes) {
      if ('error' in outcome) {
        badInput = true;
        const message =
          outcome.error instanceof TargetError
            ? outcome.error.message
            : `could not check ${outcome.input}: ${String((outcome.error as Error)?.message ?? outcome.error)}`;
        io.stderr.write(`rblbot check: ${message}\n`);
        continue;
      }
      for (const report of outcome.reports) {
        if (report.summary.listed > 0) listed = true;
        // Nothing answered, or the resolver is the problem (its "not listed" proves nothing).
        if (report.resolverProblem || report.summary.listed + report.summary.clean + report.summary.allowed === 0) unchecked = true;
        if (values.json) io.stdout.write(`${JSON.stringify(outcome.range ? { range: outcome.range, ...report } : report)}\n`);
      }
      if (values.json) continue;
      // The same answer the chat platforms give, rendered for the terminal (colour only on a TTY).
      const reply = outcome.range ? rangeReply(outcome.range, outcome.reports) : checkReportReply(outcome.reports[0]!);
      io.stdout.write(`${renderText(reply, { color: useColor(io) })}\n`);
    }
    if (badInput) return EXIT.usage;
    if (listed) return EXIT.found;
    if (unchecked) return EXIT.unchecked;
    return EXIT.ok;
  },
};

/** One input as given; a range parsed once, here (its size also decides the tiering), or why it is no range. */
interface Target {
  readonly input: string;
  readonly range?: AddressRange;
  readonly error?: unknown;
}

function planTarget(input: string): Target {
  if (!isRangeText(input)) return { input };
  try {
    return { input, range: parseRange(input) };
  } catch (error) {
    return { input, error };
  }
}

type Outcome = { input: string; range?: string; reports: CheckReport[] } | { input: string; error: unknown };

/** One target, or every address of a range (at most a /24). */
async function checkTarget(checker: Checker, { input, range, error }: Target): Promise<Outcome> {
  if (error !== undefined) return { input, error };
  try {
    if (range) {
      const reports = await Promise.all(range.addresses.map((a) => checker.check(a)));
      return reports.length > 1 ? { input, range: range.label, reports } : { input, reports };
    }
    return { input, reports: [await checker.check(input)] };
  } catch (error) {
    return { input, error };
  }
}
