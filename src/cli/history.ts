/**
 * `rblbot history <target> [--days N] [--json] [--png FILE]`: the listing history the
 * bot keeps for a watched target (or a range as added), read from the watch database
 * (RBLBOT_DB): the summary and the events as text or JSON, and the timeline picture
 * written to FILE. The operator's view: every channel's watches, no chat needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../app/config.js';
import { parseTarget } from '../core/check/targets.js';
import { DAY_MS } from '../core/watch/duration.js';
import { DEFAULT_HISTORY_PERIOD_DAYS } from '../core/watch/history.js';
import { parseWatchTarget } from '../core/watch/watch-target.js';
import { UserError } from '../reply/errors.js';
import { EXIT, fail } from './errors.js';
import { parseCommandLine } from './args.js';
import type { CliCommand } from './types.js';

const HELP = `Usage: rblbot history <target> [--days N] [--json] [--png FILE]

The listing history of a watched IP, name or range (as added with /watch add), from the
watch database (RBLBOT_DB, default ./data/rblbot.db): how often and how long it was listed
on which list over the last N days (default ${DEFAULT_HISTORY_PERIOD_DAYS}), with failed checks and alerts.

  --days N      How many days back (at most RBLBOT_HISTORY_DAYS, the history kept).
  --json        The timeline and the stored events as JSON.
  --png FILE    Also write the timeline picture to FILE.
`;

export const historyCli: CliCommand = {
  name: 'history',
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(historyCli, argv, io, { days: { type: 'string' }, json: { type: 'boolean' }, png: { type: 'string' } }, true);
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    const config = loadConfig(io.env);
    if (positionals.length !== 1) return fail(io.stderr, 'give one target (an IP, a name or a range as watched).', 'history');
    const days = values.days === undefined ? DEFAULT_HISTORY_PERIOD_DAYS : Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > config.RBLBOT_HISTORY_DAYS) {
      return fail(io.stderr, `--days must be a whole number from 1 to ${config.RBLBOT_HISTORY_DAYS}.`, 'history');
    }
    // The database, the timeline and the picture load only for this subcommand.
    const [{ openWatchStore }, { readTimeline }, { historyChartSpec }, { historySummary, historyText }, { renderPicture }] = await Promise.all([
      import('../core/watch/open-store.js'),
      import('../core/watch/history.js'),
      import('../core/watch/history-chart.js'),
      import('../core/watch/reply.js'),
      import('../reply/picture.js'),
    ]);
    const database = config.RBLBOT_DB;
    if (database.engine === 'sqlite' && !fs.existsSync(database.file)) {
      return fail(io.stderr, `there is no watch database at ${database.file} (RBLBOT_DB): the bot creates it when a channel adds a watch.`);
    }
    let label: string;
    let targets: string[];
    try {
      ({ label, targets } = targetsOf(positionals[0]!));
    } catch (err) {
      if (err instanceof UserError) return fail(io.stderr, err.message);
      throw err;
    }

    const store = await openWatchStore(database);
    try {
      const to = Date.now();
      const from = to - days * DAY_MS;
      // No checker here: a latest check where every list failed reads as "N lists did not answer".
      const { timeline, events } = await readTimeline(store, { label, targets, from, to }, null);
      if (values.png) {
        const picture = await renderPicture(historyChartSpec(timeline));
        fs.mkdirSync(path.dirname(path.resolve(values.png)), { recursive: true });
        fs.writeFileSync(values.png, picture.png);
      }
      if (values.json) {
        const [summary, now] = historySummary(timeline);
        io.stdout.write(
          `${JSON.stringify({ ...timeline, summary: [summary, now], events, ...(values.png ? { png: path.resolve(values.png) } : {}) })}\n`,
        );
      } else {
        io.stdout.write(historyText(timeline));
        if (events.length === 0) io.stdout.write(`No history is stored for ${label}: is it watched? (/watch list shows a channel's watches.)\n`);
        if (values.png) io.stdout.write(`Picture written to ${path.resolve(values.png)}\n`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

/** What the history is kept under: the normalised target, or each address of a range. */
function targetsOf(input: string): { label: string; targets: string[] } {
  const spec = parseWatchTarget(input);
  if (spec.isRange) return { label: spec.label, targets: [...spec.targets] };
  const target = parseTarget(spec.targets[0]!).value;
  return { label: target, targets: [target] };
}
