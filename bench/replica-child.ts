/**
 * One replica for the replicas bench: opens the shared PostgreSQL database, waits for "go"
 * on stdin, then runs scheduler rounds (claim due watches, check them, commit)
 * until nothing is due, and prints {targets, lookups} as JSON.
 *
 * Claims SHARED_BATCH watches a round, as the scheduler does on a shared database.
 *
 * env: DB, DNS (comma-separated host:port), ZONES_FILE, ZONE_RATE (fleet), REPLICAS
 */
import { createInterface } from 'node:readline';
import { createChecker } from '../src/core/check/checker.js';
import { systemClock } from '../src/core/watch/clock.js';
import { PgWatchStore } from '../src/core/watch/pg-store.js';
import { WatchService } from '../src/core/watch/service.js';
import { SHARED_BATCH } from '../src/core/watch/index.js';

const env = process.env;
const store = await PgWatchStore.open(env.DB!);
const checker = createChecker({ resolvers: env.DNS!.split(','), timeoutMs: 4000, zonesFile: env.ZONES_FILE, zoneRate: Number(env.ZONE_RATE) });
checker.setRateShare(Number(env.REPLICAS));
const service = new WatchService({ store, checker, clock: systemClock, limits: { perChannel: 1e6, perWorkspace: 1e6 }, random: () => 0.5 });
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
let targets = 0;
let lookups = 0;
const zones = checker.zoneCount('ipv4');
for (;;) {
  const result = await service.runDue(SHARED_BATCH);
  if (result.targets === 0) break;
  targets += result.targets;
  lookups += result.targets * zones;
}
await store.close();
process.stdout.write(`${JSON.stringify({ targets, lookups })}\n`);
process.exit(0);
