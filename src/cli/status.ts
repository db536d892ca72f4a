/**
 * `rblbot status [--json]`: the watch database (engine, where, schema version), what it
 * holds (watches, due now, alerts waiting), the replicas alive on it (their heartbeats
 * within one lease) and who holds the Discord gateway. Works on SQLite too, where the
 * one running bot is a fleet of one.
 */
import { loadConfig } from '../app/config.js';
import { formatDuration } from '../core/watch/duration.js';
import { openWatchStore } from '../core/watch/open-store.js';
import { EXIT, fail } from './errors.js';
import { parseCommandLine } from './args.js';
import type { CliCommand } from './types.js';

const HELP = `Usage: rblbot status [--json]

Shows the watch database named by RBLBOT_DB (SQLite file or postgres:// URL): its schema
version, the watches and alerts it holds, the bot replicas alive on it (a heartbeat within
RBLBOT_LEASE) and which replica holds the Discord gateway connection.
Exits 0 when the database answered, 2 when it could not be opened.
`;

export const statusCli: CliCommand = {
  name: 'status',
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(statusCli, argv, io, { json: { type: 'boolean' } });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    const config = loadConfig(io.env);
    let store;
    try {
      store = await openWatchStore(config.RBLBOT_DB);
    } catch (err) {
      return fail(io.stderr, `cannot open the watch database: ${(err as Error).message}`);
    }
    try {
      const now = Date.now();
      const stats = await store.stats(now);
      const replicas = await store.liveReplicas(now - config.RBLBOT_LEASE);
      const leases = (await store.leases()).filter((l) => l.until > now);
      const perReplica = Math.max(1, Math.floor(config.RBLBOT_ZONE_RATE / Math.max(1, replicas.length)));
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ database: { engine: store.engine, location: store.location, schemaVersion: stats.schemaVersion }, stats, replicas, leases, zoneRate: { fleet: config.RBLBOT_ZONE_RATE, perReplica } })}\n`,
        );
        return EXIT.ok;
      }
      const engine = store.engine === 'postgres' ? 'PostgreSQL' : 'SQLite';
      const out = [
        `Database: ${store.location} (${engine}, schema version ${stats.schemaVersion})`,
        `Watches: ${n(stats.watches)} on ${n(stats.targets)} targets; ${n(stats.due)} due now; ${n(stats.pendingAlerts)} ${stats.pendingAlerts === 1 ? 'alert' : 'alerts'} waiting to be sent`,
      ];
      if (replicas.length === 0) {
        out.push(`Replicas alive: none (no heartbeat within ${formatDuration(config.RBLBOT_LEASE)}): no bot is running on this database.`);
      } else {
        out.push(`Replicas alive (${replicas.length}, heartbeat within ${formatDuration(config.RBLBOT_LEASE)}):`);
        const width = Math.max(...replicas.map((r) => r.id.length));
        for (const r of replicas) {
          const holds = leases.filter((l) => l.owner === r.id).map((l) => (l.name === 'discord-gateway' ? 'Discord gateway' : l.name));
          out.push(
            `  ${r.id.padEnd(width)}  v${r.version}  up ${formatDuration(now - r.startedAt)}  last beat ${formatDuration(now - r.lastSeen)} ago${holds.length ? `  holds: ${holds.join(', ')}` : ''}`,
          );
        }
      }
      out.push(`Per-list query budget (RBLBOT_ZONE_RATE): ${n(config.RBLBOT_ZONE_RATE)}/s for the fleet, ${n(perReplica)}/s per live replica.`);
      io.stdout.write(`${out.join('\n')}\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

function n(value: number): string {
  return value.toLocaleString('en-US');
}
