/** Who this process is in the fleet: an id unique per process start, and its heartbeat row. */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ReplicaBeat } from './store.js';

/** `host:pid:random`: readable in `rblbot status`, and new at every start (a restarted pid is a new replica). */
export function newReplicaId(host = os.hostname()): string {
  return `${host}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export function replicaBeat(id: string, version: string, startedAt: number): ReplicaBeat {
  return { id, host: os.hostname(), pid: process.pid, version, startedAt };
}
