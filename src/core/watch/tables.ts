/**
 * The tables `rblbot migrate` copies from one database to another, with their columns as
 * both engines see them. Leases and heartbeats are not copied: they belong to the
 * processes running on the old database. A new table that holds data worth keeping is
 * added here as well as to both stores' migrations.
 */

export type ColumnType = 'integer' | 'text' | 'boolean';

export interface PortableTable {
  readonly name: string;
  /** Rows are read in this column's order, so a copy is stable and resumable in batches. */
  readonly key: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  /** An identity column whose sequence must move past the copied values (PostgreSQL). */
  readonly identity?: string;
}

export type PortableRow = Record<string, number | string | boolean | null>;

export const PORTABLE_TABLES: readonly PortableTable[] = [
  {
    name: 'watches',
    key: 'id',
    identity: 'id',
    columns: {
      id: 'integer',
      platform: 'text',
      workspace_id: 'text',
      channel_id: 'text',
      target: 'text',
      label: 'text',
      interval_ms: 'integer',
      next_due: 'integer',
      created_at: 'integer',
      created_by: 'text',
    },
  },
  {
    name: 'target_state',
    key: 'target',
    columns: { target: 'text', baselined: 'boolean', last_checked: 'integer', last_error: 'text', zones: 'text' },
  },
  {
    name: 'outbox',
    key: 'id',
    identity: 'id',
    columns: {
      id: 'integer',
      idempotency_key: 'text',
      platform: 'text',
      workspace_id: 'text',
      channel_id: 'text',
      reply: 'text',
      attempts: 'integer',
      next_attempt_at: 'integer',
      created_at: 'integer',
      sent_at: 'integer',
      last_error: 'text',
    },
  },
  {
    // The listing history (history.ts): what /watch history draws, worth keeping on a move.
    name: 'listing_history',
    key: 'id',
    identity: 'id',
    columns: {
      id: 'integer',
      target: 'text',
      zone: 'text',
      query: 'text',
      name: 'text',
      list_type: 'text',
      kind: 'text',
      at: 'integer',
      until: 'integer',
      count: 'integer',
      alerted: 'boolean',
      detail: 'text',
    },
  },
];
