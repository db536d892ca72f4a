/**
 * The listing history in SQLite: one table of events (history.ts explains them), written
 * in the same transaction as the cycle that observed them, read per target for
 * /watch history and `rblbot history`, and pruned to the retention setting.
 *
 * The PostgreSQL store mirrors this: the same table and columns (BIGINT times, BOOLEAN
 * alerted), the same two indexes, the same seeding from target_state.
 */
import type Database from 'better-sqlite3';
import type { ListType } from '../check/types.js';
import type { HistoryEvent, HistoryWrite } from './types.js';

/** Epoch milliseconds now, in SQLite (unixepoch() needs 3.38; julianday works everywhere). */
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;

/**
 * Migration 4. Watches that exist when
 * it runs start their history now: a 'watched' event per baselined target and a 'listed'
 * event per list that lists it at that moment, so an upgrade shows the current listings.
 */
export const HISTORY_MIGRATION = {
  version: 4,
  sql: `
    CREATE TABLE listing_history (
      id INTEGER PRIMARY KEY,
      target TEXT NOT NULL,
      zone TEXT NOT NULL,
      query TEXT NOT NULL,
      name TEXT NOT NULL,
      list_type TEXT,
      kind TEXT NOT NULL,
      at INTEGER NOT NULL,
      until INTEGER NOT NULL,
      count INTEGER NOT NULL,
      alerted INTEGER NOT NULL,
      detail TEXT
    );
    CREATE INDEX listing_history_lane ON listing_history (target, zone, query, at);
    CREATE INDEX listing_history_until ON listing_history (until);

    INSERT INTO listing_history (target, zone, query, name, list_type, kind, at, until, count, alerted, detail)
      SELECT target, '', '', '', NULL, 'watched', ${NOW_MS}, ${NOW_MS}, 1, 0, NULL FROM target_state WHERE baselined = 1;
    INSERT INTO listing_history (target, zone, query, name, list_type, kind, at, until, count, alerted, detail)
      SELECT s.target, json_extract(z.value, '$.zone'), json_extract(z.value, '$.query'), json_extract(z.value, '$.name'),
             json_extract(z.value, '$.listType'), 'listed', ${NOW_MS}, ${NOW_MS}, 1, 0, NULL
      FROM target_state s, json_each(s.zones) z
      WHERE s.baselined = 1 AND json_extract(z.value, '$.confirmed') = 'listed' AND json_extract(z.value, '$.listType') <> 'allow';
  `,
} as const;

interface HistoryRow {
  target: string;
  zone: string;
  query: string;
  name: string;
  list_type: ListType | null;
  kind: HistoryEvent['kind'];
  at: number;
  until: number;
  count: number;
  alerted: number;
  detail: string | null;
}

/** A state event: what a lane is from then on (unknown runs only overlay it). */
const STATE_KINDS = `('listed', 'clean', 'watched', 'unwatched')`;

export class SqliteHistory {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO listing_history (target, zone, query, name, list_type, kind, at, until, count, alerted, detail)
         VALUES (@target, @zone, @query, @name, @list_type, @kind, @at, @until, @count, @alerted, @detail)`,
      ),
      // The lane's newest row, when it is an unknown run: the failure continues it.
      extend: db.prepare<{ target: string; zone: string; query: string; until: number; detail: string | null }>(
        `UPDATE listing_history SET until = @until, count = count + 1, detail = coalesce(@detail, detail)
         WHERE id = (SELECT id FROM listing_history WHERE target = @target AND zone = @zone AND query = @query ORDER BY at DESC, id DESC LIMIT 1)
           AND kind = 'unknown'`,
      ),
      read: db.prepare<{ target: string; since: number }, HistoryRow>(
        `SELECT target, zone, query, name, list_type, kind, at, until, count, alerted, detail FROM listing_history h
         WHERE target = @target AND (
           until >= @since
           OR (kind IN ${STATE_KINDS} AND at = (
             SELECT max(at) FROM listing_history n
             WHERE n.target = h.target AND n.zone = h.zone AND n.query = h.query AND n.kind IN ${STATE_KINDS} AND n.at < @since)))
         ORDER BY at, id`,
      ),
      mark: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM listing_history'),
      prune: db.prepare<{ before: number }>(
        `DELETE FROM listing_history WHERE id IN (
           SELECT h.id FROM listing_history h WHERE h.until < @before AND (h.kind = 'unknown' OR EXISTS (
             SELECT 1 FROM listing_history n WHERE n.target = h.target AND n.zone = h.zone AND n.query = h.query
               AND n.kind IN ${STATE_KINDS} AND n.at > h.at AND n.at <= @before)))`,
      ),
      // A target nobody has watched since before the cutoff has nothing left worth showing.
      pruneUnwatched: db.prepare<{ before: number }>(
        `DELETE FROM listing_history WHERE target IN (
           SELECT target FROM (
             SELECT target, kind, max(at) AS last FROM listing_history WHERE zone = '' AND kind IN ('watched', 'unwatched') GROUP BY target)
           WHERE kind = 'unwatched' AND last < @before)`,
      ),
    };
  }

  /** Call inside the caller's transaction. */
  write(events: readonly HistoryWrite[]): void {
    for (const e of events) {
      if (e.kind === 'unknown' && e.continues) {
        const extended = this.stmts.extend.run({ target: e.target, zone: e.zone, query: e.query, until: e.until, detail: e.detail });
        if (extended.changes > 0) continue;
      }
      this.stmts.insert.run({
        target: e.target,
        zone: e.zone,
        query: e.query,
        name: e.name,
        list_type: e.listType,
        kind: e.kind,
        at: e.at,
        until: e.until,
        count: e.count,
        alerted: e.alerted ? 1 : 0,
        detail: e.detail,
      });
    }
  }

  read(targets: readonly string[], since: number): HistoryEvent[] {
    const out: HistoryEvent[] = [];
    for (const target of new Set(targets)) {
      for (const r of this.stmts.read.all({ target, since })) {
        out.push({
          target: r.target,
          zone: r.zone,
          query: r.query,
          name: r.name,
          listType: r.list_type,
          kind: r.kind,
          at: r.at,
          until: r.until,
          count: r.count,
          alerted: r.alerted === 1,
          detail: r.detail,
        });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** The newest event's id (SQLite reads the rowid's maximum straight off the table's b-tree). */
  mark(): number {
    return this.stmts.mark.get()?.id ?? 0;
  }

  prune(before: number): number {
    return this.db.transaction(() => this.stmts.prune.run({ before }).changes + this.stmts.pruneUnwatched.run({ before }).changes).immediate();
  }
}
