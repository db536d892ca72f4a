/**
 * The SQLite WatchStore: one file (RBLBOT_DB, default ./data/rblbot.db) in WAL mode,
 * schema brought up to date by numbered migrations when it opens. better-sqlite3 is
 * synchronous, which suits one process: every transaction is atomic and short. Leases
 * work as on PostgreSQL (a write transaction stands in for row locks), so one process
 * behaves as a fleet of one and the contract suite holds on both engines.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ChannelRef } from './notifier.js';
import type { LeaseInfo, ReplicaBeat, ReplicaInfo } from '../fleet/store.js';
import type { AddWatchesInput, AddWatchesResult, CycleCommit, Lease, StoreStats, WatchStore } from './store.js';
import type { PortableRow, PortableTable } from './tables.js';
import {
  HELD_NOTE,
  type ChannelDelivery,
  type ChannelPause,
  type DueWatch,
  type HistoryEvent,
  type HistoryWrite,
  type OutboxAlert,
  type TargetState,
  type Watch,
} from './types.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteHistory } from './sqlite-history.js';
import { BUSY_TIMEOUT_MS, switchToWal } from './sqlite-wal.js';
import {
  NEXT_ALERT_SQL,
  NEXT_DUE_SQL,
  newIdempotencyKey,
  storedError,
  toAlert,
  toReplica,
  toState,
  toWatch,
  toPause,
  storedPause,
  type PauseRow,
  type OutboxRow,
  type ReplicaRow,
  type StateRow,
  type WatchRow,
} from './rows.js';

import { DEFAULT_DB_PATH } from './database-setting.js';

export { DEFAULT_DB_PATH };

/** SQLite's bound-parameter limit is generous, but IN lists stay chunked to be safe. */
const CHUNK = 500;

export class SqliteWatchStore implements WatchStore {
  readonly engine = 'sqlite' as const;
  readonly location: string;
  readonly db: Database.Database;
  private readonly stmts;
  private readonly history: SqliteHistory;

  constructor(file: string = DEFAULT_DB_PATH) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.location = file;
    this.db = new Database(file);
    // First: switching to WAL takes a lock, and a second process opening the file at the
    // same moment must wait for it instead of failing with "database is locked".
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    switchToWal(this.db);
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
    this.db.pragma('synchronous = NORMAL');
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
      insertState: db.prepare(`INSERT INTO target_state (target, baselined, zones) VALUES (?, 0, '{}') ON CONFLICT (target) DO NOTHING`),
      byId: db.prepare<[number], WatchRow>('SELECT * FROM watches WHERE id = ?'),
      listChannel: db.prepare<[string, string, string], WatchRow>(
        'SELECT * FROM watches WHERE platform = ? AND workspace_id = ? AND channel_id = ? ORDER BY label, id',
      ),
      removeMatching: db.prepare<[string, string, string, string, string], WatchRow>(
        `DELETE FROM watches WHERE platform = ? AND workspace_id = ? AND channel_id = ? AND (target = ? OR label = ?) RETURNING *`,
      ),
      stillWatched: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM watches WHERE target = ?'),
      deleteState: db.prepare('DELETE FROM target_state WHERE target = ?'),
      dueCandidates: db.prepare<{ now: number; limit: number }, { target: string }>(
        `SELECT w.target FROM watches w JOIN target_state s ON s.target = w.target
         WHERE w.next_due <= @now AND (s.lease_owner IS NULL OR s.lease_until <= @now)
         ORDER BY w.next_due LIMIT @limit`,
      ),
      leaseTarget: db.prepare<{ owner: string; until: number; now: number; target: string }>(
        `UPDATE target_state SET lease_owner = @owner, lease_until = @until
         WHERE target = @target AND (lease_owner IS NULL OR lease_until <= @now)`,
      ),
      dueOfTarget: db.prepare<[string, number], DueWatch>(
        'SELECT id, target, interval_ms AS intervalMs, next_due AS nextDue FROM watches WHERE target = ? AND next_due <= ?',
      ),
      nextDue: db.prepare<{ now: number }, { t: number | null }>(NEXT_DUE_SQL(() => '@now')),
      stateLeaseOwner: db.prepare<[string], { lease_owner: string | null }>('SELECT lease_owner FROM target_state WHERE target = ?'),
      updateState: db.prepare(
        `UPDATE target_state SET baselined = @baselined, last_checked = @last_checked, last_error = @last_error, zones = @zones
         WHERE target = @target`,
      ),
      releaseTarget: db.prepare('UPDATE target_state SET lease_owner = NULL, lease_until = NULL WHERE target = ? AND lease_owner = ?'),
      reschedule: db.prepare('UPDATE watches SET next_due = ? WHERE id = ?'),
      insertAlert: db.prepare(
        `INSERT INTO outbox (idempotency_key, platform, workspace_id, channel_id, reply, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      pendingIds: db.prepare<{ now: number; limit: number }, { id: number }>(
        `SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= @now AND (lease_owner IS NULL OR lease_until <= @now)
         ORDER BY next_attempt_at, id LIMIT @limit`,
      ),
      leaseAlert: db.prepare<[string, number, number], OutboxRow>('UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ? RETURNING *'),
      nextAlert: db.prepare<[], { t: number | null }>(NEXT_ALERT_SQL),
      holdAlert: db.prepare('UPDATE outbox SET lease_until = ? WHERE id = ? AND lease_owner = ? AND sent_at IS NULL'),
      markSent: db.prepare(
        'UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ?',
      ),
      markFailed: db.prepare(
        'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?',
      ),
      allAlerts: db.prepare<[], OutboxRow>('SELECT * FROM outbox ORDER BY id'),
      defer: db.prepare<[number, string | null, number]>(
        'UPDATE outbox SET next_attempt_at = ?, last_error = coalesce(?, last_error), lease_owner = NULL, lease_until = NULL WHERE id = ?',
      ),
      upsertPause: db.prepare(
        `INSERT INTO channel_delivery (platform, workspace_id, channel_id, paused_at, code, problem, fix, next_probe_at)
         VALUES (@platform, @workspace_id, @channel_id, @paused_at, @code, @problem, @fix, @next_probe_at)
         ON CONFLICT (platform, workspace_id, channel_id) DO UPDATE SET code = excluded.code, problem = excluded.problem,
           fix = excluded.fix, next_probe_at = excluded.next_probe_at`,
      ),
      holdChannel: db.prepare(
        `UPDATE outbox SET next_attempt_at = @at, last_error = coalesce(@note, last_error)
         WHERE platform = @platform AND workspace_id = @workspace_id AND channel_id = @channel_id AND sent_at IS NULL`,
      ),
      deletePause: db.prepare<[string, string, string]>('DELETE FROM channel_delivery WHERE platform = ? AND workspace_id = ? AND channel_id = ?'),
      pauses: db.prepare<[], PauseRow>('SELECT * FROM channel_delivery ORDER BY paused_at'),
      pauseOf: db.prepare<[string, string, string], PauseRow>(
        'SELECT * FROM channel_delivery WHERE platform = ? AND workspace_id = ? AND channel_id = ?',
      ),
      heldCount: db.prepare<[string, string, string], { n: number }>(
        'SELECT count(*) AS n FROM outbox WHERE platform = ? AND workspace_id = ? AND channel_id = ? AND sent_at IS NULL',
      ),
      renewTargets: db.prepare('UPDATE target_state SET lease_until = ? WHERE lease_owner = ?'),
      renewAlerts: db.prepare('UPDATE outbox SET lease_until = ? WHERE lease_owner = ? AND sent_at IS NULL'),
      releaseTargets: db.prepare('UPDATE target_state SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?'),
      releaseAlerts: db.prepare('UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?'),
      heartbeat: db.prepare(
        `INSERT INTO replicas (id, host, pid, version, started_at, last_seen) VALUES (@id, @host, @pid, @version, @startedAt, @now)
         ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
      ),
      live: db.prepare<[number], ReplicaRow>('SELECT * FROM replicas WHERE last_seen >= ? ORDER BY started_at, id'),
      pruneReplicas: db.prepare('DELETE FROM replicas WHERE last_seen < ?'),
      removeReplica: db.prepare('DELETE FROM replicas WHERE id = ?'),
      tryLease: db.prepare<{ name: string; owner: string; until: number; now: number }>(
        `INSERT INTO leases (name, owner, until, acquired_at) VALUES (@name, @owner, @until, @now)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until,
           acquired_at = CASE WHEN leases.owner = excluded.owner THEN leases.acquired_at ELSE excluded.acquired_at END
         WHERE leases.owner = excluded.owner OR leases.until <= @now`,
      ),
      releaseLease: db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?'),
      leases: db.prepare<[], { name: string; owner: string; until: number; acquired_at: number }>('SELECT * FROM leases ORDER BY name'),
      watchedStates: db.prepare<[], StateRow>(
        'SELECT target, baselined, last_checked, last_error, zones FROM target_state WHERE target IN (SELECT target FROM watches)',
      ),
    };
    this.history = new SqliteHistory(db);
  }

  private migrate(): void {
    // One write transaction for the whole run: a second process opening the file at the
    // same moment waits (busy_timeout), then finds every migration applied.
    this.db
      .transaction(() => {
        this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
        const applied = new Set(
          this.db
            .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
            .all()
            .map((r) => r.version),
        );
        for (const m of SQLITE_MIGRATIONS) {
          if (applied.has(m.version)) continue;
          this.db.exec(m.sql);
          this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
        }
      })
      .immediate();
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
          this.stmts.insertState.run(w.target);
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

  async claimDueWatches(limit: number, lease: Lease): Promise<DueWatch[]> {
    return this.db
      .transaction(() => {
        const targets = new Set(this.stmts.dueCandidates.all({ now: lease.now, limit }).map((r) => r.target));
        const out: DueWatch[] = [];
        for (const target of targets) {
          this.stmts.leaseTarget.run({ owner: lease.owner, until: lease.until, now: lease.now, target });
          out.push(...this.stmts.dueOfTarget.all(target, lease.now));
        }
        return out.sort((a, b) => a.nextDue - b.nextDue || a.id - b.id);
      })
      .immediate();
  }

  async claimTargets(targets: readonly string[], lease: Lease): Promise<string[]> {
    return this.db
      .transaction(() =>
        [...new Set(targets)].filter(
          (target) => this.stmts.leaseTarget.run({ owner: lease.owner, until: lease.until, now: lease.now, target }).changes === 1,
        ),
      )
      .immediate();
  }

  async nextDueAt(now: number): Promise<number | null> {
    return this.stmts.nextDue.get({ now })?.t ?? null;
  }

  async watchesOfTargets(targets: readonly string[]): Promise<Watch[]> {
    return this.inChunks(targets, 'SELECT * FROM watches WHERE target IN', (r: WatchRow) => toWatch(r));
  }

  async getTargetStates(targets: readonly string[]): Promise<Map<string, TargetState>> {
    const states = this.inChunks(
      targets,
      'SELECT target, baselined, last_checked, last_error, zones FROM target_state WHERE target IN',
      (r: StateRow) => toState(r),
    );
    return new Map(states.map((s) => [s.target, s]));
  }

  async commitCycle(commit: CycleCommit): Promise<boolean> {
    return this.db
      .transaction(() => {
        // The fence: a target another replica took over (our lease ran out) voids the cycle.
        // A target removed meanwhile has no row and nothing to write.
        for (const target of commit.claimed) {
          const row = this.stmts.stateLeaseOwner.get(target);
          if (row && row.lease_owner !== commit.owner) return false;
        }
        for (const s of commit.states) {
          this.stmts.updateState.run({
            target: s.target,
            baselined: s.baselined ? 1 : 0,
            last_checked: s.lastChecked,
            last_error: s.lastError === null ? null : storedError(s.lastError),
            zones: JSON.stringify(s.zones),
          });
        }
        for (const target of commit.claimed) this.stmts.releaseTarget.run(target, commit.owner);
        for (const r of commit.reschedule) this.stmts.reschedule.run(r.nextDue, r.id);
        this.history.write(commit.history ?? []);
        const { now } = commit;
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
        return true;
      })
      .immediate();
  }

  async claimAlerts(limit: number, lease: Lease): Promise<OutboxAlert[]> {
    return this.db
      .transaction(() =>
        this.stmts.pendingIds.all({ now: lease.now, limit }).map((r) => toAlert(this.stmts.leaseAlert.get(lease.owner, lease.until, r.id)!)),
      )
      .immediate();
  }

  async holdAlert(id: number, lease: Lease): Promise<boolean> {
    return this.stmts.holdAlert.run(lease.until, id, lease.owner).changes === 1;
  }

  async nextAlertAt(): Promise<number | null> {
    return this.stmts.nextAlert.get()?.t ?? null;
  }

  async markAlertSent(id: number, at: number): Promise<void> {
    this.stmts.markSent.run(at, id);
  }

  async markAlertFailed(id: number, error: string, nextAttemptAt: number): Promise<void> {
    this.stmts.markFailed.run(storedError(error), nextAttemptAt, id);
  }

  async allAlerts(): Promise<OutboxAlert[]> {
    return this.stmts.allAlerts.all().map(toAlert);
  }

  async deferAlert(id: number, nextAttemptAt: number, note?: string): Promise<void> {
    this.stmts.defer.run(nextAttemptAt, note === undefined ? null : storedError(note), id);
  }

  async pauseChannel(pause: ChannelPause): Promise<void> {
    const row = storedPause(pause);
    this.db
      .transaction(() => {
        this.stmts.upsertPause.run(row);
        this.stmts.holdChannel.run({
          platform: row.platform,
          workspace_id: row.workspace_id,
          channel_id: row.channel_id,
          at: pause.nextProbeAt,
          note: storedError(`${HELD_NOTE}${pause.problem}`),
        });
      })
      .immediate();
  }

  async resumeChannel(channel: ChannelRef, now: number): Promise<boolean> {
    const where = { platform: channel.platform, workspace_id: channel.workspaceId, channel_id: channel.channelId };
    return this.db
      .transaction(() => {
        const removed = this.stmts.deletePause.run(channel.platform, channel.workspaceId, channel.channelId).changes > 0;
        if (removed) this.stmts.holdChannel.run({ ...where, at: now, note: null });
        return removed;
      })
      .immediate();
  }

  async pausedChannels(): Promise<ChannelPause[]> {
    return this.stmts.pauses.all().map(toPause);
  }

  async channelDelivery(channel: ChannelRef): Promise<ChannelDelivery> {
    const args = [channel.platform, channel.workspaceId, channel.channelId] as const;
    const row = this.stmts.pauseOf.get(...args);
    return { pause: row ? toPause(row) : null, held: this.stmts.heldCount.get(...args)!.n };
  }

  async renewClaims(owner: string, until: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.renewTargets.run(until, owner);
      this.stmts.renewAlerts.run(until, owner);
    })();
  }

  async releaseClaims(owner: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.releaseTargets.run(owner);
      this.stmts.releaseAlerts.run(owner);
    })();
  }

  async stats(now: number): Promise<StoreStats> {
    const one = (sql: string, ...args: unknown[]): number => this.db.prepare<unknown[], { n: number }>(sql).get(...args)!.n;
    return {
      watches: one('SELECT count(*) AS n FROM watches'),
      targets: one('SELECT count(DISTINCT target) AS n FROM watches'),
      due: one('SELECT count(*) AS n FROM watches WHERE next_due <= ?', now),
      pendingAlerts: one('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL'),
      schemaVersion: this.schemaVersion(),
    };
  }

  async heartbeat(replica: ReplicaBeat, now: number): Promise<void> {
    this.stmts.heartbeat.run({ ...replica, now });
  }

  async liveReplicas(since: number): Promise<ReplicaInfo[]> {
    return this.stmts.live.all(since).map(toReplica);
  }

  async removeReplicas(ids: readonly string[], before: number): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.stmts.removeReplica.run(id);
      this.stmts.pruneReplicas.run(before);
    })();
  }

  async tryLease(name: string, owner: string, until: number, now: number): Promise<boolean> {
    return this.stmts.tryLease.run({ name, owner, until, now }).changes === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.stmts.releaseLease.run(name, owner);
  }

  async leases(): Promise<LeaseInfo[]> {
    return this.stmts.leases.all().map((r) => ({ name: r.name, owner: r.owner, until: r.until, acquiredAt: r.acquired_at }));
  }

  async *exportRows(table: PortableTable, batchSize: number): AsyncIterable<PortableRow[]> {
    const columns = Object.keys(table.columns);
    const first = this.db.prepare<[number], PortableRow>(`SELECT ${columns.join(', ')} FROM ${table.name} ORDER BY ${table.key} LIMIT ?`);
    const next = this.db.prepare<[unknown, number], PortableRow>(
      `SELECT ${columns.join(', ')} FROM ${table.name} WHERE ${table.key} > ? ORDER BY ${table.key} LIMIT ?`,
    );
    let rows = first.all(batchSize);
    while (rows.length > 0) {
      yield rows.map((r) => fromSqlite(table, r));
      if (rows.length < batchSize) return;
      rows = next.all(rows[rows.length - 1]![table.key], batchSize);
    }
  }

  async importRows(batches: AsyncIterable<{ readonly table: PortableTable; readonly rows: readonly PortableRow[] }>): Promise<void> {
    // better-sqlite3 transactions cannot span awaits; BEGIN/COMMIT by hand on this one connection.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for await (const { table, rows } of batches) {
        const columns = Object.keys(table.columns);
        const insert = this.db.prepare(`INSERT INTO ${table.name} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
        for (const row of rows) insert.run(toSqlite(table, row));
      }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
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

  async historyMark(): Promise<number> {
    return this.history.mark();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private inChunks<R, T>(keys: readonly string[], selectWhereIn: string, map: (row: R) => T): T[] {
    const out: T[] = [];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      const rows = this.db.prepare<string[], R>(`${selectWhereIn} (${chunk.map(() => '?').join(',')})`).all(...chunk);
      for (const r of rows) out.push(map(r));
    }
    return out;
  }
}

function fromSqlite(table: PortableTable, row: PortableRow): PortableRow {
  const out: PortableRow = { ...row };
  for (const [column, type] of Object.entries(table.columns)) {
    if (type === 'boolean' && out[column] !== null) out[column] = out[column] === 1;
  }
  return out;
}

function toSqlite(table: PortableTable, row: PortableRow): PortableRow {
  const out: PortableRow = {};
  for (const [column, type] of Object.entries(table.columns)) {
    const v = row[column] ?? null;
    out[column] = type === 'boolean' && v !== null ? (v ? 1 : 0) : v;
  }
  return out;
}
