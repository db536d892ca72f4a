/**
 * Rows as both stores read them, and their conversion to the store-neutral types: the
 * column names are the same in SQLite and PostgreSQL (tables.ts lists them).
 */
import { randomBytes } from 'node:crypto';
import type { ChannelRef } from './notifier.js';
import type { OutboxAlert, TargetState, Watch } from './types.js';

export interface WatchRow {
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

export interface StateRow {
  target: string;
  baselined: number | boolean;
  last_checked: number | null;
  last_error: string | null;
  zones: string;
}

export interface OutboxRow {
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

export interface ReplicaRow {
  id: string;
  host: string;
  pid: number;
  version: string;
  started_at: number;
  last_seen: number;
}

/**
 * Short enough for Discord's message nonce (at most 25 characters) and random, so two
 * replicas or a restored backup never reuse one.
 */
export function newIdempotencyKey(): string {
  return `wa-${randomBytes(10).toString('hex')}`;
}

export function toWatch(r: WatchRow): Watch {
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

export function toState(r: StateRow): TargetState {
  return {
    target: r.target,
    baselined: r.baselined === 1 || r.baselined === true,
    lastChecked: r.last_checked,
    lastError: r.last_error,
    zones: JSON.parse(r.zones) as TargetState['zones'],
  };
}

export function toAlert(r: OutboxRow): OutboxAlert {
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

export function toReplica(r: ReplicaRow): { id: string; host: string; pid: number; version: string; startedAt: number; lastSeen: number } {
  return { id: r.id, host: r.host, pid: r.pid, version: r.version, startedAt: r.started_at, lastSeen: r.last_seen };
}

/** Error text as stored: bounded, and without NUL (PostgreSQL text cannot hold it). */
export function storedError(message: string): string {
  return message.replaceAll('\0', '').slice(0, 500);
}

/** The earliest due time, or when a lease runs out: the one query both engines share. */
export const NEXT_DUE_SQL = (p: (n: number) => string): string => `
  SELECT min(t) AS t FROM (
    SELECT (SELECT w.next_due FROM watches w JOIN target_state s ON s.target = w.target
            WHERE s.lease_owner IS NULL OR s.lease_until <= ${p(1)} ORDER BY w.next_due LIMIT 1) AS t
    UNION ALL
    SELECT min(lease_until) AS t FROM target_state WHERE lease_owner IS NOT NULL AND lease_until > ${p(1)}
  ) AS wake`;

export const NEXT_ALERT_SQL = `
  SELECT min(CASE WHEN lease_owner IS NOT NULL AND lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END) AS t
  FROM outbox WHERE sent_at IS NULL`;
