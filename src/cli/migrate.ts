/**
 * `rblbot migrate --from sqlite:FILE --to postgres://…`: copy watches, target state (what
 * each list last said) and the alert history (sent and waiting) from one database to
 * another, in one transaction on the receiving side, so moving from one process on
 * SQLite to replicas on PostgreSQL keeps everything. Leases and heartbeats belong to the
 * old processes and are not copied. Any direction works (postgres to sqlite as a backup).
 */
import fs from 'node:fs';
import { DatabaseSettingError, openWatchStore, parseDatabaseSetting, type DatabaseSetting } from '../core/watch/open-store.js';
import type { WatchStore } from '../core/watch/store.js';
import { PORTABLE_TABLES, type PortableTable } from '../core/watch/tables.js';
import { loadConfig } from '../app/config.js';
import { EXIT, fail } from './errors.js';
import { parseCommandLine } from './args.js';
import type { CliCommand } from './types.js';

const HELP = `Usage: rblbot migrate --from sqlite:FILE --to postgres://USER:PASSWORD@HOST:5432/DB [--force]

Copies watches, their state and the alert history from one watch database to another
(which must hold no watches or alerts yet), in one transaction. Stop the bot first: a
change it records during the copy would not be copied (migrate refuses while a bot's
heartbeat on the source is fresh, unless --force). Then set RBLBOT_DB to the new database
and start the replicas. Undelivered alerts are copied too and sent by the new bot.

  --from DB   sqlite:FILE (or a file path), or a postgres:// URL
  --to DB     the same forms
`;

const BATCH = 1000;

export const migrateCli: CliCommand = {
  name: 'migrate',
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(migrateCli, argv, io, { from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' } });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    if (!values.from || !values.to) return fail(io.stderr, 'give both --from and --to.', 'migrate');
    let from: DatabaseSetting;
    let to: DatabaseSetting;
    try {
      from = parseDatabaseSetting(values.from);
      to = parseDatabaseSetting(values.to);
    } catch (err) {
      if (err instanceof DatabaseSettingError) return fail(io.stderr, err.message, 'migrate');
      throw err;
    }
    if (describe(from) === describe(to)) return fail(io.stderr, '--from and --to name the same database.', 'migrate');
    if (from.engine === 'sqlite' && !fs.existsSync(from.file)) return fail(io.stderr, `there is no database file at ${from.file}.`, 'migrate');

    const opened: WatchStore[] = [];
    try {
      const source = await openWatchStore(from);
      opened.push(source);
      const now = Date.now();
      const live = await source.liveReplicas(now - loadConfig(io.env).RBLBOT_LEASE);
      if (live.length > 0 && !values.force) {
        return fail(
          io.stderr,
          `a bot is running on the source database (${live.map((r) => r.id).join(', ')}); stop it first so no change is lost, or pass --force.`,
          'migrate',
        );
      }
      const target = await openWatchStore(to);
      opened.push(target);
      const already = await target.stats(now);
      if (already.watches > 0 || (await hasRows(target, PORTABLE_TABLES))) {
        return fail(io.stderr, `${target.location} already holds watches or alerts; migrate into an empty database.`, 'migrate');
      }
      const copied = new Map<string, number>();
      await target.importRows(
        (async function* () {
          for (const table of PORTABLE_TABLES) {
            copied.set(table.name, 0);
            for await (const rows of source.exportRows(table, BATCH)) {
              copied.set(table.name, copied.get(table.name)! + rows.length);
              yield { table, rows };
            }
          }
        })(),
      );
      const after = await target.stats(Date.now());
      const before = await source.stats(Date.now());
      if (after.watches !== before.watches || after.pendingAlerts !== before.pendingAlerts) {
        return fail(io.stderr, `the copy does not match the source (${after.watches} of ${before.watches} watches); nothing else was changed.`);
      }
      io.stdout.write(
        `Copied ${count(copied.get('watches'), 'watch', 'watches')}, ${count(copied.get('target_state'), 'target state', 'target states')} and ${count(copied.get('outbox'), 'alert', 'alerts')} (${after.pendingAlerts} not yet sent) from ${source.location} to ${target.location}.\n` +
          `Next: set RBLBOT_DB=${to.engine === 'postgres' ? target.location : `sqlite:${to.file}`} (with the real password) and start the bot.\n`,
      );
      return EXIT.ok;
    } catch (err) {
      return fail(io.stderr, `migration failed, nothing was copied: ${(err as Error).message}`);
    } finally {
      for (const store of opened) await store.close();
    }
  },
};

async function hasRows(store: WatchStore, tables: readonly PortableTable[]): Promise<boolean> {
  for (const table of tables) {
    for await (const rows of store.exportRows(table, 1)) if (rows.length > 0) return true;
  }
  return false;
}

function describe(d: DatabaseSetting): string {
  return d.engine === 'sqlite' ? `sqlite:${fs.existsSync(d.file) ? fs.realpathSync(d.file) : d.file}` : d.url;
}

function count(n: number | undefined, one: string, many: string): string {
  const value = n ?? 0;
  return `${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;
}
