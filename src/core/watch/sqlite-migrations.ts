/**
 * The SQLite schema, as numbered migrations applied in order, each once (in one write
 * transaction, so two processes opening a new file at once cannot both apply one).
 * Append new ones, never edit one that has shipped; pg-migrations.ts keeps PostgreSQL in step.
 */
import { HISTORY_MIGRATION } from './sqlite-history.js';

export const SQLITE_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
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
  {
    // Leases (the same schema as PostgreSQL's): a target is checked by one holder at a time,
    // so every watched target has a state row to hold its lease; replicas and named leases.
    version: 3,
    sql: `
      ALTER TABLE target_state ADD COLUMN lease_owner TEXT;
      ALTER TABLE target_state ADD COLUMN lease_until INTEGER;
      CREATE INDEX target_state_leased ON target_state (lease_owner, lease_until) WHERE lease_owner IS NOT NULL;
      INSERT INTO target_state (target, baselined, zones)
        SELECT DISTINCT target, 0, '{}' FROM watches WHERE target NOT IN (SELECT target FROM target_state);

      ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
      ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
      CREATE INDEX outbox_leased ON outbox (lease_owner) WHERE lease_owner IS NOT NULL;

      CREATE TABLE replicas (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        version TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until INTEGER NOT NULL,
        acquired_at INTEGER NOT NULL
      );
    `,
  },
  HISTORY_MIGRATION,
];
