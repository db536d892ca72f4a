/**
 * `rblbot relay <host|domain|IP>[:port] [--json] [--timeout MS] [--resolver HOST[:PORT]]`
 *
 * Exit status: 0 every server closed, 1 any open, 2 bad input or a refused target,
 * 3 nothing open but something inconclusive or untestable.
 */
import { parseCommandLine } from './args.js';
import { RelayTargetError, relayReply, type RelayReport } from '../core/relay/index.js';
import { renderText } from '../reply/render.js';
import { serviceOverrides } from './service-options.js';
import { useColor, type CliCommand } from './types.js';

const HELP = `Usage: rblbot relay <host|domain|IP>[:port] [--json] [--transcript] [--timeout MS] [--resolver HOST[:PORT]]

Tests whether a mail server relays mail for outside domains. For a domain, tests each
MX host by preference (its own A/AAAA when it has no MX); for a host, each address;
port 25 unless given ([2001:db8::25]:587 for IPv6 with a port). Speaks SMTP up to
RCPT TO and stops before DATA: nothing is ever delivered.

Options:
  --json              print the report as JSON
  --transcript        print the full SMTP conversation of each server
  --timeout MS        connect and per-command timeout (default 10000 / 20000)
  --resolver H[:P]    DNS resolver for MX/A lookups (repeatable)

Exit status: 0 all closed, 1 any open, 2 bad input or refused target,
3 nothing open but something inconclusive or untestable.

Private and loopback addresses are refused unless RBLBOT_ALLOW_PRIVATE=1.
`;

export function exitStatusFor(report: RelayReport): number {
  if (report.hosts.some((h) => h.verdict === 'open')) return 1;
  if (report.hosts.length > 0 && report.hosts.every((h) => h.verdict === 'closed')) return 0;
  return 3;
}

export const relayCli: CliCommand = {
  name: 'relay',
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(
      relayCli,
      argv,
      io,
      { json: { type: 'boolean' }, transcript: { type: 'boolean' }, timeout: { type: 'string' }, resolver: { type: 'string', multiple: true } },
      true,
    );
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
      io.stderr.write(
        positionals.length === 0
          ? 'Give one domain, mail server or IP to test, e.g. rblbot relay mail.example.com\n'
          : `Give exactly one target; got ${positionals.length} (${positionals.join(' ')}).\n`,
      );
      return 2;
    }
    let timeoutMs: number | undefined;
    if (values.timeout !== undefined) {
      timeoutMs = Number(values.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
        io.stderr.write(`--timeout must be a whole number of milliseconds from 1 to 600000, got "${values.timeout}".\n`);
        return 2;
      }
    }
    let resolvers: readonly string[] | undefined;
    try {
      resolvers = serviceOverrides({ resolver: values.resolver }).resolvers;
    } catch (err) {
      io.stderr.write(`${(err as Error).message}\n`); // already names --resolver
      return 2;
    }
    const relay = io.services(resolvers ? { resolvers } : undefined).relay;
    if (!relay) {
      io.stderr.write('The relay test is not available in this build.\n');
      return 3;
    }
    let report: RelayReport;
    try {
      report = await relay.test(positionals[0]!, timeoutMs !== undefined ? { connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs } : {});
    } catch (err) {
      if (err instanceof RelayTargetError) {
        io.stderr.write(`${err.message}\n`);
        return err.problem === 'dns' ? 3 : 2;
      }
      io.stderr.write(`The relay test failed unexpectedly: ${(err as Error).message}\n`);
      return 3;
    }
    if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else io.stdout.write(`${renderText(relayReply(report, { transcript: values.transcript === true, attempts: true }), { color: useColor(io) })}\n`);
    return exitStatusFor(report);
  },
};
