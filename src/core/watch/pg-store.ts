/**
 * The PostgreSQL WatchStore, for several bot replicas sharing one database (RBLBOT_DB=
 * postgres://…). Same behaviour as the SQLite store (the contract suite runs on both);
 * what differs is how work is shared:
 *
 * - due targets and undelivered alerts are claimed with `FOR UPDATE SKIP LOCKED` and a
 *   lease, so two replicas never take the same row and a dead replica's rows come back
 *   when its lease runs out;
 * - a cycle commits only while its replica still holds every lease it checked under
 *   (the fence), so a replica that stalled past its leases cannot alert a second time;
 * - adding and removing watches serialise per workspace and per target with advisory
 *   locks, so caps hold and a target never loses the state row its lease lives on.
 *
 * Client: node-postgres (`pg`), one pool per process. Batches go to the server as arrays
 * (unnest), so a cycle of 2,000 targets is a handful of statements, not 2,000.
 */
import pg from 'pg';
import type { ChannelRef } from './notifier.js';
import type { LeaseInfo, ReplicaBeat, ReplicaInfo } from '../fleet/store.js';
import type { AddWatchesInput, AddWatchesResult, CycleCommit, Lease, StoreStats, WatchStore } from './store.js';
import type { ColumnType, PortableRow, PortableTable } from './tables.js';
import type { DueWatch, HistoryEvent, HistoryWrite, OutboxAlert, TargetState, Watch } from './types.js';
import { historyMark, pruneHistory, readHistory, writeHistory } from './pg-history.js';
import { MIGRATION_LOCK_KEY, PG_MIGRATIONS } from './pg-migrations.js';
import {
  NEXT_ALERT_SQL,
  NEXT_DUE_SQL,
  newIdempotencyKey,
  storedError,
  toAlert,
  toReplica,
  toState,
  toWatch,
  type OutboxRow,
  type ReplicaRow,
  type StateRow,
  type WatchRow,
} from './rows.js';

/** BIGINT (epoch ms, ids, counts) as a JS number: every value stays below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PgStoreOptions {
  /** Connections per process (default 5: a scheduler, a sender, commands and the heartbeat). */
  readonly poolSize?: number;
  /** An idle connection failed (the server restarted); the pool replaces it. */
  readonly onError?: (err: Error) => void;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export class PgWatchStore implements WatchStore {
  readonly engine = 'postgres' as const;
  readonly location: string;

  private constructor(
    readonly pool: pg.Pool,
    url: string,
  ) {
    this.location = redactUrl(url);
  }

  /** Connect, bring the schema up to date (under the migration lock) and return the store. */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgWatchStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 5, types, application_name: 'rblbot' });
    pool.on('error', (err) => (options.onError ?? (() => {}))(err));
    const store = new PgWatchStore(pool, url);
    try {
      await store.migrate();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // Transaction-scoped: released by COMMIT or by the connection dying, never left behind.
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
      const applied = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const m of PG_MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
      }
    });
  }

  async schemaVersion(): Promise<number> {
    return (await this.pool.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]?.v ?? 0;
  }

  async addWatches(input: AddWatchesInput): Promise<AddWatchesResult> {
    const { channel, limits } = input;
    const where = [channel.platform, channel.workspaceId, channel.channelId];
    return this.tx(async (c): Promise<AddWatchesResult> => {
      // One add per workspace at a time across replicas, so the caps cannot be overrun.
      await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('rblbot-workspace:' || $1 || ':' || $2, 0))`, [
        channel.platform,
        channel.workspaceId,
      ]);
      const targets = [...new Set(input.watches.map((w) => w.target))];
      await lockTargets(c, targets);
      const found = await c.query<WatchRow>(
        'SELECT * FROM watches WHERE platform = $1 AND workspace_id = $2 AND channel_id = $3 AND target = ANY($4)',
        [...where, targets],
      );
      const byTarget = new Map(found.rows.map((r) => [r.target, r]));
      const existing: Watch[] = [];
      const fresh: (typeof input.watches)[number][] = [];
      const seen = new Set<string>();
      for (const w of input.watches) {
        if (seen.has(w.target)) continue;
        seen.add(w.target);
        const row = byTarget.get(w.target);
        if (row) existing.push(toWatch(row));
        else fresh.push(w);
      }
      const inChannel = await count(c, 'SELECT count(*) AS n FROM watches WHERE platform = $1 AND workspace_id = $2 AND channel_id = $3', where);
      if (inChannel + fresh.length > limits.perChannel) {
        return { ok: false, reason: 'channel-limit', limit: limits.perChannel, current: inChannel };
      }
      const inWorkspace = await count(c, 'SELECT count(*) AS n FROM watches WHERE platform = $1 AND workspace_id = $2', where.slice(0, 2));
      if (inWorkspace + fresh.length > limits.perWorkspace) {
        return { ok: false, reason: 'workspace-limit', limit: limits.perWorkspace, current: inWorkspace };
      }
      if (fresh.length === 0) return { ok: true, added: [], existing };
      const inserted = await c.query<WatchRow>(
        `INSERT INTO watches (platform, workspace_id, channel_id, target, label, interval_ms, next_due, created_at, created_by)
         SELECT $1, $2, $3, u.target, u.label, $6, u.next_due, $8, $9
         FROM unnest($4::text[], $5::text[], $7::bigint[]) WITH ORDINALITY AS u(target, label, next_due, n)
         ORDER BY u.n
         RETURNING *`,
        [
          ...where,
          fresh.map((w) => w.target),
          fresh.map((w) => w.label),
          input.intervalMs,
          fresh.map((_, i) => input.nextDue(i)),
          input.now,
          input.createdBy,
        ],
      );
      await c.query(`INSERT INTO target_state (target, baselined, zones) SELECT unnest($1::text[]), false, '{}' ON CONFLICT (target) DO NOTHING`, [
        fresh.map((w) => w.target),
      ]);
      return { ok: true, added: inserted.rows.sort((a, b) => a.id - b.id).map(toWatch), existing };
    });
  }

  async removeWatches(channel: ChannelRef, targetOrLabel: string): Promise<Watch[]> {
    const where = [channel.platform, channel.workspaceId, channel.channelId, targetOrLabel];
    return this.tx(async (c) => {
      const matching = 'platform = $1 AND workspace_id = $2 AND channel_id = $3 AND (target = $4 OR label = $4)';
      const targets = (await c.query<{ target: string }>(`SELECT DISTINCT target FROM watches WHERE ${matching}`, where)).rows.map((r) => r.target);
      if (targets.length === 0) return [];
      await lockTargets(c, targets);
      // State rows before watch rows, in target order: the order a commit locks them in.
      await c.query('SELECT 1 FROM target_state WHERE target = ANY($1) ORDER BY target FOR UPDATE', [targets]);
      const removed = await c.query<WatchRow>(`DELETE FROM watches WHERE ${matching} RETURNING *`, where);
      // Forget the state of targets nobody watches any more, so a later watch starts from a fresh baseline.
      await c.query('DELETE FROM target_state s WHERE s.target = ANY($1) AND NOT EXISTS (SELECT 1 FROM watches w WHERE w.target = s.target)', [
        targets,
      ]);
      return removed.rows.sort((a, b) => a.id - b.id).map(toWatch);
    });
  }

  async listWatches(channel: ChannelRef): Promise<Watch[]> {
    const { rows } = await this.pool.query<WatchRow>(
      'SELECT * FROM watches WHERE platform = $1 AND workspace_id = $2 AND channel_id = $3 ORDER BY label, id',
      [channel.platform, channel.workspaceId, channel.channelId],
    );
    return rows.map(toWatch);
  }

  async claimDueWatches(limit: number, lease: Lease): Promise<DueWatch[]> {
    // One round trip: the claim is a server function (pg-migrations.ts, rblbot_claim_due).
    const { rows } = await this.pool.query<DueWatch>('SELECT * FROM rblbot_claim_due($1, $2, $3, $4)', [lease.now, limit, lease.owner, lease.until]);
    return rows;
  }

  async claimTargets(targets: readonly string[], lease: Lease): Promise<string[]> {
    if (targets.length === 0) return [];
    const { rows } = await this.pool.query<{ target: string }>(
      `UPDATE target_state s SET lease_owner = $2, lease_until = $3
       FROM (SELECT target FROM target_state WHERE target = ANY($1) AND (lease_owner IS NULL OR lease_until <= $4) FOR UPDATE SKIP LOCKED) c
       WHERE s.target = c.target RETURNING s.target`,
      [[...new Set(targets)], lease.owner, lease.until, lease.now],
    );
    return rows.map((r) => r.target);
  }

  async nextDueAt(now: number): Promise<number | null> {
    return (
      (
        await this.pool.query<{ t: number | null }>(
          NEXT_DUE_SQL(() => '$1::bigint'),
          [now],
        )
      ).rows[0]?.t ?? null
    );
  }

  async watchesOfTargets(targets: readonly string[]): Promise<Watch[]> {
    if (targets.length === 0) return [];
    const { rows } = await this.pool.query<WatchRow>('SELECT * FROM watches WHERE target = ANY($1)', [targets]);
    return rows.map(toWatch);
  }

  async getTargetStates(targets: readonly string[]): Promise<Map<string, TargetState>> {
    if (targets.length === 0) return new Map();
    const { rows } = await this.pool.query<StateRow>(
      'SELECT target, baselined, last_checked, last_error, zones FROM target_state WHERE target = ANY($1)',
      [targets],
    );
    return new Map(rows.map((r) => [r.target, toState(r)]));
  }

  async commitCycle(commit: CycleCommit): Promise<boolean> {
    return this.tx(async (c) => {
      // The fence: lock the claimed rows (in target order, as removals do) and check that
      // they are still ours. A target removed meanwhile has no row and nothing to write.
      const held = await c.query<{ lease_owner: string | null }>(
        'SELECT lease_owner FROM target_state WHERE target = ANY($1) ORDER BY target FOR UPDATE',
        [commit.claimed],
      );
      if (held.rows.some((r) => r.lease_owner !== commit.owner)) return false;
      if (commit.states.length > 0) {
        await c.query(
          `UPDATE target_state s SET baselined = u.baselined, last_checked = u.last_checked, last_error = u.last_error, zones = u.zones
           FROM unnest($1::text[], $2::boolean[], $3::bigint[], $4::text[], $5::text[]) AS u(target, baselined, last_checked, last_error, zones)
           WHERE s.target = u.target`,
          [
            commit.states.map((s) => s.target),
            commit.states.map((s) => s.baselined),
            commit.states.map((s) => s.lastChecked),
            commit.states.map((s) => (s.lastError === null ? null : storedError(s.lastError))),
            commit.states.map((s) => JSON.stringify(s.zones)),
          ],
        );
      }
      await c.query('UPDATE target_state SET lease_owner = NULL, lease_until = NULL WHERE target = ANY($1) AND lease_owner = $2', [
        commit.claimed,
        commit.owner,
      ]);
      if (commit.reschedule.length > 0) {
        await c.query('UPDATE watches w SET next_due = u.next_due FROM unnest($1::bigint[], $2::bigint[]) AS u(id, next_due) WHERE w.id = u.id', [
          commit.reschedule.map((r) => r.id),
          commit.reschedule.map((r) => r.nextDue),
        ]);
      }
      await writeHistory(c, commit.history ?? []);
      if (commit.alerts.length > 0) {
        await c.query(
          `INSERT INTO outbox (idempotency_key, platform, workspace_id, channel_id, reply, next_attempt_at, created_at)
           SELECT u.key, u.platform, u.workspace_id, u.channel_id, u.reply, $6, $6
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(key, platform, workspace_id, channel_id, reply, n)
           ORDER BY u.n`,
          [
            commit.alerts.map(() => newIdempotencyKey()),
            commit.alerts.map((a) => a.channel.platform),
            commit.alerts.map((a) => a.channel.workspaceId),
            commit.alerts.map((a) => a.channel.channelId),
            commit.alerts.map((a) => JSON.stringify(a.reply)),
            commit.now,
          ],
        );
      }
      return true;
    });
  }

  async claimAlerts(limit: number, lease: Lease): Promise<OutboxAlert[]> {
    const { rows } = await this.pool.query<OutboxRow>(
      `UPDATE outbox o SET lease_owner = $3, lease_until = $4
       FROM (SELECT id FROM outbox
             WHERE sent_at IS NULL AND next_attempt_at <= $1 AND (lease_owner IS NULL OR lease_until <= $1)
             ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) c
       WHERE o.id = c.id RETURNING o.*`,
      [lease.now, limit, lease.owner, lease.until],
    );
    return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id).map(toAlert);
  }

  async holdAlert(id: number, lease: Lease): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE outbox SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND sent_at IS NULL', [
      lease.until,
      id,
      lease.owner,
    ]);
    return rowCount === 1;
  }

  async nextAlertAt(): Promise<number | null> {
    return (await this.pool.query<{ t: number | null }>(NEXT_ALERT_SQL)).rows[0]?.t ?? null;
  }

  async markAlertSent(id: number, at: number): Promise<void> {
    await this.pool.query(
      'UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $2',
      [at, id],
    );
  }

  async markAlertFailed(id: number, error: string, nextAttemptAt: number): Promise<void> {
    await this.pool.query(
      'UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL WHERE id = $3',
      [storedError(error), nextAttemptAt, id],
    );
  }

  async allAlerts(): Promise<OutboxAlert[]> {
    return (await this.pool.query<OutboxRow>('SELECT * FROM outbox ORDER BY id')).rows.map(toAlert);
  }

  async renewClaims(owner: string, until: number): Promise<void> {
    // SKIP LOCKED: a row a commit or a send is finishing with is about to be released anyway,
    // and waiting for it could deadlock against that commit.
    await this.pool.query(
      `UPDATE target_state SET lease_until = $2
       WHERE target IN (SELECT target FROM target_state WHERE lease_owner = $1 FOR UPDATE SKIP LOCKED)`,
      [owner, until],
    );
    await this.pool.query(
      `UPDATE outbox SET lease_until = $2
       WHERE id IN (SELECT id FROM outbox WHERE lease_owner = $1 AND sent_at IS NULL FOR UPDATE SKIP LOCKED)`,
      [owner, until],
    );
  }

  async releaseClaims(owner: string): Promise<void> {
    await this.pool.query('UPDATE target_state SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [owner]);
    await this.pool.query('UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [owner]);
  }

  async stats(now: number): Promise<StoreStats> {
    const { rows } = await this.pool.query<Omit<StoreStats, 'schemaVersion'>>(
      `SELECT (SELECT count(*) FROM watches) AS watches,
              (SELECT count(DISTINCT target) FROM watches) AS targets,
              (SELECT count(*) FROM watches WHERE next_due <= $1) AS due,
              (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS "pendingAlerts"`,
      [now],
    );
    return { ...rows[0]!, schemaVersion: await this.schemaVersion() };
  }

  async heartbeat(replica: ReplicaBeat, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO replicas (id, host, pid, version, started_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
      [replica.id, replica.host, replica.pid, replica.version, replica.startedAt, now],
    );
  }

  async liveReplicas(since: number): Promise<ReplicaInfo[]> {
    const { rows } = await this.pool.query<ReplicaRow>('SELECT * FROM replicas WHERE last_seen >= $1 ORDER BY started_at, id', [since]);
    return rows.map(toReplica);
  }

  async removeReplicas(ids: readonly string[], before: number): Promise<void> {
    await this.pool.query('DELETE FROM replicas WHERE id = ANY($1) OR last_seen < $2', [ids, before]);
  }

  async tryLease(name: string, owner: string, until: number, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO leases (name, owner, until, acquired_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until,
         acquired_at = CASE WHEN leases.owner = excluded.owner THEN leases.acquired_at ELSE excluded.acquired_at END
       WHERE leases.owner = excluded.owner OR leases.until <= $4`,
      [name, owner, until, now],
    );
    return rowCount === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async leases(): Promise<LeaseInfo[]> {
    const { rows } = await this.pool.query<{ name: string; owner: string; until: number; acquired_at: number }>('SELECT * FROM leases ORDER BY name');
    return rows.map((r) => ({ name: r.name, owner: r.owner, until: r.until, acquiredAt: r.acquired_at }));
  }

  async *exportRows(table: PortableTable, batchSize: number): AsyncIterable<PortableRow[]> {
    const columns = Object.keys(table.columns).join(', ');
    let last: unknown = undefined;
    for (;;) {
      const { rows } =
        last === undefined
          ? await this.pool.query<PortableRow>(`SELECT ${columns} FROM ${table.name} ORDER BY ${table.key} LIMIT $1`, [batchSize])
          : await this.pool.query<PortableRow>(`SELECT ${columns} FROM ${table.name} WHERE ${table.key} > $1 ORDER BY ${table.key} LIMIT $2`, [
              last,
              batchSize,
            ]);
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < batchSize) return;
      last = rows[rows.length - 1]![table.key];
    }
  }

  async importRows(batches: AsyncIterable<{ readonly table: PortableTable; readonly rows: readonly PortableRow[] }>): Promise<void> {
    await this.tx(async (c) => {
      const identities = new Set<PortableTable>();
      for await (const { table, rows } of batches) {
        if (rows.length === 0) continue;
        const columns = Object.entries(table.columns);
        const arrays = columns.map(([name]) => rows.map((r) => r[name] ?? null));
        await c.query(
          `INSERT INTO ${table.name} (${columns.map(([name]) => name).join(', ')})
           SELECT * FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${PG_ARRAY[type]}`).join(', ')})`,
          arrays,
        );
        if (table.identity) identities.add(table);
      }
      // Later inserts must not collide with the copied ids.
      for (const table of identities) {
        await c.query(
          `SELECT setval(pg_get_serial_sequence('${table.name}', '${table.identity}'), (SELECT COALESCE(max(${table.identity}), 0) + 1 FROM ${table.name}), false)`,
        );
      }
    });
  }

  async appendHistory(events: readonly HistoryWrite[]): Promise<void> {
    await this.tx((c) => writeHistory(c, events));
  }

  async readHistory(targets: readonly string[], since: number): Promise<HistoryEvent[]> {
    return readHistory(this.pool, targets, since);
  }

  async pruneHistory(before: number): Promise<number> {
    return this.tx((c) => pruneHistory(c, before));
  }

  async historyMark(): Promise<number> {
    return historyMark(this.pool);
  }

  async watchedStates(): Promise<TargetState[]> {
    const { rows } = await this.pool.query<StateRow>(
      'SELECT target, baselined, last_checked, last_error, zones FROM target_state s WHERE EXISTS (SELECT 1 FROM watches w WHERE w.target = s.target)',
    );
    return rows.map(toState);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}

const PG_ARRAY: Record<ColumnType, string> = { integer: 'bigint[]', text: 'text[]', boolean: 'boolean[]' };

/** Transaction-scoped advisory locks on targets, taken in one order by every transaction. */
async function lockTargets(c: Queryable, targets: readonly string[]): Promise<void> {
  await c.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('rblbot-target:' || t, 0)) FROM (SELECT t FROM unnest($1::text[]) AS t ORDER BY t) AS sorted`,
    [targets],
  );
}

async function count(c: Queryable, sql: string, params: unknown[]): Promise<number> {
  return (await c.query<{ n: number }>(sql, params)).rows[0]!.n;
}

/** The URL with its password replaced, for logs and `rblbot status`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
