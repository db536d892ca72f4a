/**
 * The SQLite WatchStore: one file (RBLBOT_DB, default ./data/rblbot.db) in WAL mode,
 * schema brought up to date by numbered migrations when it opens. better-sqlite3 is
 * synchronous, which suits one process: every transaction is atomic and short.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ChannelRef } from './notifier.js';
import { HISTORY_MIGRATION, SqliteHistory } from './sqlite-history.js';
import type { AddWatchesInput, AddWatchesResult, CycleCommit, StoreCounts, WatchStore } from './store.js';
import type { DueWatch, HistoryEvent, HistoryWrite, OutboxAlert, TargetState, Watch } from './types.js';

export const DEFAULT_DB_PATH = './data/rblbot.db';

/** Applied in order, each once; append new ones, never edit an applied one. */
const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        target TEXT NOT NULL,
        label TEXT NOT NULL,
        interval_ms INTEGER NOT NULL,
        next_due INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        UNIQUE (platform, workspace_id, channel_id, target)
      );
      CREATE INDEX watches_next_due ON watches (next_due);
      CREATE INDEX watches_target ON watches (target);
      CREATE INDEX watches_workspace ON watches (platform, workspace_id);

      CREATE TABLE target_state (
        target TEXT PRIMARY KEY,
        baselined INTEGER NOT NULL,
        last_checked INTEGER,
        last_error TEXT,
        zones TEXT NOT NULL
      );

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        platform TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        reply TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        last_error TEXT
      );
      CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;
    `,
  },
  {
    // The due query reads only the index: no table lookups, so it stays fast at 100,000 watches.
    version: 2,
    sql: `
      DROP INDEX watches_next_due;
      CREATE INDEX watches_due ON watches (next_due, target, interval_ms);
    `,
  },
  HISTORY_MIGRATION,
];

interface WatchRow {
  id: number;
  platform: ChannelRef['platform'];
  workspace_id: string;
  channel_id: string;
  target: string;
  label: string;
  interval_ms: number;
  next_due: number;
  created_at: number;
  created_by: string;
}

interface StateRow {
  target: string;
  baselined: number;
  last_checked: number | null;
  last_error: string | null;
  zones: string;
}

interface OutboxRow {
  id: number;
  idempotency_key: string;
  platform: ChannelRef['platform'];
  workspace_id: string;
  channel_id: string;
  reply: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  last_error: string | null;
}

/** SQLite's bound-parameter limit is generous, but IN lists stay chunked to be safe. */
const CHUNK = 500;

export class SqliteWatchStore implements WatchStore {
  readonly db: Database.Database;
  private readonly stmts;
  private readonly history: SqliteHistory;

  constructor(file: string = DEFAULT_DB_PATH) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    const db = this.db;
    this.stmts = {
      countChannel: db.prepare<[string, string, string], { n: number }>(
        'SELECT count(*) AS n FROM watches WHERE platform = ? AND workspace_id = ? AND channel_id = ?',
      ),
      countWorkspace: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM watches WHERE platform = ? AND workspace_id = ?'),
      findOne: db.prepare<[string, string, string, string], WatchRow>(
        'SELECT * FROM watches WHERE platform = ? AND workspace_id = ? AND channel_id = ? AND target = ?',
      ),
      insert: db.prepare(
        `INSERT INTO watches (platform, workspace_id, channel_id, target, label, interval_ms, next_due, created_at, created_by)
         VALUES (@platform, @workspace_id, @channel_id, @target, @label, @interval_ms, @next_due, @created_at, @created_by)`,
      ),
      byId: db.prepare<[number], WatchRow>('SELECT * FROM watches WHERE id = ?'),
      listChannel: db.prepare<[string, string, string], WatchRow>(
        'SELECT * FROM watches WHERE platform = ? AND workspace_id = ? AND channel_id = ? ORDER BY label, id',
      ),
      removeMatching: db.prepare<[string, string, string, string, string], WatchRow>(
        `DELETE FROM watches WHERE platform = ? AND workspace_id = ? AND channel_id = ? AND (target = ? OR label = ?) RETURNING *`,
      ),
      stillWatched: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM watches WHERE target = ?'),
      deleteState: db.prepare('DELETE FROM target_state WHERE target = ?'),
      due: db.prepare<[number, number], DueWatch>(
        'SELECT id, target, interval_ms AS intervalMs, next_due AS nextDue FROM watches WHERE next_due <= ? ORDER BY next_due LIMIT ?',
      ),
      nextDue: db.prepare<[], { t: number | null }>('SELECT min(next_due) AS t FROM watches'),
      upsertState: db.prepare(
        // A target removed while its check was in flight is not resurrected.
        `INSERT INTO target_state (target, baselined, last_checked, last_error, zones)
         SELECT @target, @baselined, @last_checked, @last_error, @zones
         WHERE EXISTS (SELECT 1 FROM watches WHERE target = @target)
         ON CONFLICT (target) DO UPDATE SET baselined = excluded.baselined, last_checked = excluded.last_checked,
           last_error = excluded.last_error, zones = excluded.zones`,
      ),
      reschedule: db.prepare('UPDATE watches SET next_due = ? WHERE id = ?'),
      insertAlert: db.prepare(
        `INSERT INTO outbox (idempotency_key, platform, workspace_id, channel_id, reply, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      pending: db.prepare<[number, number], OutboxRow>(
        'SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?',
      ),
      nextAlert: db.prepare<[], { t: number | null }>('SELECT min(next_attempt_at) AS t FROM outbox WHERE sent_at IS NULL'),
      markSent: db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?'),
      markFailed: db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?'),
      allAlerts: db.prepare<[], OutboxRow>('SELECT * FROM outbox ORDER BY id'),
      watchedStates: db.prepare<[], StateRow>('SELECT * FROM target_state WHERE target IN (SELECT target FROM watches)'),
      counts: db.prepare<[], StoreCounts>(
        `SELECT (SELECT count(*) FROM watches) AS watches, (SELECT count(DISTINCT target) FROM watches) AS targets,
           (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS pendingAlerts`,
      ),
    };
    this.history = new SqliteHistory(db);
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const applied = new Set(
      this.db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
      })();
    }
  }

  /** The schema version now in the file (the highest migration applied). */
  schemaVersion(): number {
    return this.db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()?.v ?? 0;
  }

  async addWatches(input: AddWatchesInput): Promise<AddWatchesResult> {
    const { channel, limits } = input;
    return this.db
      .transaction((): AddWatchesResult => {
        const existing: Watch[] = [];
        const fresh: (typeof input.watches)[number][] = [];
        const seen = new Set<string>();
        for (const w of input.watches) {
          if (seen.has(w.target)) continue;
          seen.add(w.target);
          const row = this.stmts.findOne.get(channel.platform, channel.workspaceId, channel.channelId, w.target);
          if (row) existing.push(toWatch(row));
          else fresh.push(w);
        }
        const inChannel = this.stmts.countChannel.get(channel.platform, channel.workspaceId, channel.channelId)!.n;
        if (inChannel + fresh.length > limits.perChannel) {
          return { ok: false, reason: 'channel-limit', limit: limits.perChannel, current: inChannel };
        }
        const inWorkspace = this.stmts.countWorkspace.get(channel.platform, channel.workspaceId)!.n;
        if (inWorkspace + fresh.length > limits.perWorkspace) {
          return { ok: false, reason: 'workspace-limit', limit: limits.perWorkspace, current: inWorkspace };
        }
        const added: Watch[] = [];
        fresh.forEach((w, i) => {
          const info = this.stmts.insert.run({
            platform: channel.platform,
            workspace_id: channel.workspaceId,
            channel_id: channel.channelId,
            target: w.target,
            label: w.label,
            interval_ms: input.intervalMs,
            next_due: input.nextDue(i),
            created_at: input.now,
            created_by: input.createdBy,
          });
          added.push(toWatch(this.stmts.byId.get(Number(info.lastInsertRowid))!));
        });
        return { ok: true, added, existing };
      })
      .immediate();
  }

  async removeWatches(channel: ChannelRef, targetOrLabel: string): Promise<Watch[]> {
    return this.db
      .transaction(() => {
        const rows = this.stmts.removeMatching.all(channel.platform, channel.workspaceId, channel.channelId, targetOrLabel, targetOrLabel);
        // Forget the state of targets nobody watches any more, so a later watch starts from a fresh baseline.
        for (const target of new Set(rows.map((r) => r.target))) {
          if (this.stmts.stillWatched.get(target)!.n === 0) this.stmts.deleteState.run(target);
        }
        return rows.map(toWatch);
      })
      .immediate();
  }

  async listWatches(channel: ChannelRef): Promise<Watch[]> {
    return this.stmts.listChannel.all(channel.platform, channel.workspaceId, channel.channelId).map(toWatch);
  }

  async dueWatches(now: number, limit: number): Promise<DueWatch[]> {
    return this.stmts.due.all(now, limit);
  }

  async nextDueAt(): Promise<number | null> {
    return this.stmts.nextDue.get()?.t ?? null;
  }

  async watchesOfTargets(targets: readonly string[]): Promise<Watch[]> {
    const out: Watch[] = [];
    for (let i = 0; i < targets.length; i += CHUNK) {
      const chunk = targets.slice(i, i + CHUNK);
      const rows = this.db.prepare<string[], WatchRow>(`SELECT * FROM watches WHERE target IN (${chunk.map(() => '?').join(',')})`).all(...chunk);
      for (const r of rows) out.push(toWatch(r));
    }
    return out;
  }

  async getTargetStates(targets: readonly string[]): Promise<Map<string, TargetState>> {
    const out = new Map<string, TargetState>();
    for (let i = 0; i < targets.length; i += CHUNK) {
      const chunk = targets.slice(i, i + CHUNK);
      const rows = this.db
        .prepare<string[], StateRow>(`SELECT * FROM target_state WHERE target IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk);
      for (const r of rows) out.set(r.target, toState(r));
    }
    return out;
  }

  async commitCycle(commit: CycleCommit, now: number): Promise<void> {
    this.db
      .transaction(() => {
        for (const s of commit.states) {
          this.stmts.upsertState.run({
            target: s.target,
            baselined: s.baselined ? 1 : 0,
            last_checked: s.lastChecked,
            last_error: s.lastError,
            zones: JSON.stringify(s.zones),
          });
        }
        for (const r of commit.reschedule) this.stmts.reschedule.run(r.nextDue, r.id);
        this.history.write(commit.history);
        for (const a of commit.alerts) {
          this.stmts.insertAlert.run(
            newIdempotencyKey(),
            a.channel.platform,
            a.channel.workspaceId,
            a.channel.channelId,
            JSON.stringify(a.reply),
            now,
            now,
          );
        }
      })
      .immediate();
  }

  async pendingAlerts(now: number, limit: number): Promise<OutboxAlert[]> {
    return this.stmts.pending.all(now, limit).map(toAlert);
  }

  async nextAlertAt(): Promise<number | null> {
    return this.stmts.nextAlert.get()?.t ?? null;
  }

  async markAlertSent(id: number, at: number): Promise<void> {
    this.stmts.markSent.run(at, id);
  }

  async markAlertFailed(id: number, error: string, nextAttemptAt: number): Promise<void> {
    this.stmts.markFailed.run(error.slice(0, 500), nextAttemptAt, id);
  }

  async allAlerts(): Promise<OutboxAlert[]> {
    return this.stmts.allAlerts.all().map(toAlert);
  }

  async appendHistory(events: readonly HistoryWrite[]): Promise<void> {
    this.db.transaction(() => this.history.write(events)).immediate();
  }

  async readHistory(targets: readonly string[], since: number): Promise<HistoryEvent[]> {
    return this.history.read(targets, since);
  }

  async pruneHistory(before: number): Promise<number> {
    return this.history.prune(before);
  }

  async watchedStates(): Promise<TargetState[]> {
    return this.stmts.watchedStates.all().map(toState);
  }

  async counts(): Promise<StoreCounts> {
    return this.stmts.counts.get()!;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toState(r: StateRow): TargetState {
  return {
    target: r.target,
    baselined: r.baselined === 1,
    lastChecked: r.last_checked,
    lastError: r.last_error,
    zones: JSON.parse(r.zones) as TargetState['zones'],
  };
}

/**
 * Short enough for Discord's message nonce (at most 25 characters) and random, so two
 * replicas or a restored backup never reuse one.
 */
function newIdempotencyKey(): string {
  return `wa-${randomBytes(10).toString('hex')}`;
}

function toWatch(r: WatchRow): Watch {
  return {
    id: r.id,
    channel: { platform: r.platform, workspaceId: r.workspace_id, channelId: r.channel_id },
    target: r.target,
    label: r.label,
    intervalMs: r.interval_ms,
    nextDue: r.next_due,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function toAlert(r: OutboxRow): OutboxAlert {
  return {
    id: r.id,
    channel: { platform: r.platform, workspaceId: r.workspace_id, channelId: r.channel_id },
    idempotencyKey: r.idempotency_key,
    reply: JSON.parse(r.reply) as OutboxAlert['reply'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    lastError: r.last_error,
  };
}
