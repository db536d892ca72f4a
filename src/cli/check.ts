/**
 * `rblbot check <target>... [--json] [--resolver HOST[:PORT]] [--timeout MS] [--zones FILE]`
 *
 * A contract people script against. Exit status: 0 nothing listed, 1 listed somewhere,
 * 2 bad input or usage (valid targets beside a bad one are still checked and printed),
 * 3 nothing could be checked.
 */
import { parseArgs } from 'node:util';
import { TargetError, type CheckReport } from '../core/check/types.js';
import { checkReportReply } from '../core/check/reply.js';
import { renderText } from '../reply/render.js';
import { EXIT, fail, usageMessage } from './errors.js';
import { OptionError, SERVICE_OPTIONS, serviceOverrides } from './service-options.js';
import { useColor, type CliCommand } from './types.js';

const HELP = `Usage: rblbot check <target>... [options]

Checks IPv4 and IPv6 addresses, domains and host names against the DNS blocklists in
the catalogue (see "rblbot zones"). A host name is checked on the domain lists and each
of its addresses on the IP lists.

Options:
  --json                One JSON object per target, one per line.
  --resolver HOST[:PORT]  DNS resolver to use (repeatable); default RBLBOT_RESOLVERS or the system's.
  --timeout MS          Per-lookup timeout in milliseconds (default RBLBOT_TIMEOUT_MS, 4000).
  --zones FILE          Zone file adding zones or turning zones on/off (default RBLBOT_ZONES_FILE).
  -h, --help            This help.

Exit status: 0 not listed anywhere, 1 listed somewhere, 2 bad input or usage,
3 nothing could be checked (every lookup timed out or failed).

Examples:
  rblbot check 203.0.113.5
  rblbot check mail.example.com 2001:db8::25 --json
`;

export const checkCli: CliCommand = {
  name: 'check',
  summary: 'Check IPs, domains or host names against the blocklists.',
  help: HELP,
  async run(argv, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: {
          json: { type: 'boolean' },
          ...SERVICE_OPTIONS,
        },
      });
    } catch (err) {
      return fail(io.stderr, usageMessage(err), 'check');
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    if (positionals.length === 0) return fail(io.stderr, 'give at least one IP address, domain or host name to check.', 'check');
    let services;
    try {
      services = io.services(serviceOverrides(values));
    } catch (err) {
      return fail(io.stderr, (err as Error).message, err instanceof OptionError ? 'check' : undefined);
    }

    // Check every target at once; print in the order given.
    const outcomes = await Promise.all(
      positionals.map((input) =>
        services.checker.check(input).then(
          (report) => ({ input, report }),
          (error: unknown) => ({ input, error }),
        ),
      ),
    );
    let badInput = false;
    let listed = false;
    let checkedSomething = false;
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
      const report: CheckReport = outcome.report;
      if (report.summary.listed > 0) listed = true;
      if (report.summary.listed + report.summary.clean + report.summary.allowed > 0) checkedSomething = true;
      // The same answer the chat platforms give, rendered for the terminal.
      io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${renderText(checkReportReply(report), { color: useColor(io) })}\n`);
    }
    if (badInput) return EXIT.usage;
    if (listed) return EXIT.found;
    if (!checkedSomething) return EXIT.unchecked;
    return EXIT.ok;
  },
};
