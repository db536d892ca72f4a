/**
 * One watch set-up for a test: a real DNS server, a real database (a SQLite file in a temp
 * folder by default, or any DatabaseSetting: test/support/engines.ts gives PostgreSQL), a
 * manual clock, and a notifier that records what each channel received (and can be told
 * to fail). `advance()` moves time forward and waits until the scheduler and sender are idle.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDnsServer } from './dns-server.js';
import type { ChannelRef, Notifier } from '../../src/core/watch/notifier.js';
import type { Reply } from '../../src/reply/reply.js';
import { ManualClock } from '../../src/core/watch/clock.js';
import { startWatching, type WatchingHandle } from '../../src/core/watch/index.js';
import { WatchService } from '../../src/core/watch/service.js';
import { openWatchStore, type DatabaseSetting } from '../../src/core/watch/open-store.js';
import type { WatchStore } from '../../src/core/watch/store.js';
import type { WatchLimits } from '../../src/core/watch/types.js';
import { createChecker } from '../../src/core/check/checker.js';

export interface Delivery {
  channel: ChannelRef;
  reply: Reply;
  key: string;
}

export class RecordingNotifier implements Notifier {
  readonly delivered: Delivery[] = [];
  attempts = 0;
  /** Fail this many sends before succeeding. */
  failNext = 0;
  constructor(readonly platform: ChannelRef['platform'] = 'console') {}
  async send(channel: ChannelRef, reply: Reply, key: string): Promise<void> {
    this.attempts++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('platform is down (test)');
    }
    this.delivered.push({ channel, reply, key });
  }
}

export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rblbot-watch-'));
  return path.join(dir, 'nested', 'rblbot.db');
}

export interface Harness {
  dns: TestDnsServer;
  clock: ManualClock;
  store: WatchStore;
  service: WatchService;
  notifier: RecordingNotifier;
  running: WatchingHandle;
  database: DatabaseSetting;
  /** Advance the clock by `ms` and wait until scheduler and sender are asleep again. */
  advance(ms: number): Promise<void>;
  /** Close store and loops (not the DNS server). */
  stop(): Promise<void>;
}

export const HOUR = 3_600_000;

export async function startHarness(
  options: {
    dns?: TestDnsServer;
    /** Default: a new SQLite file. */
    database?: DatabaseSetting;
    clock?: ManualClock;
    timeoutMs?: number;
    limits?: WatchLimits;
    minIntervalMs?: number;
    notifier?: RecordingNotifier;
    random?: () => number;
  } = {},
): Promise<Harness> {
  const dns = options.dns ?? (await TestDnsServer.start());
  const database = options.database ?? { engine: 'sqlite', file: tempDbFile() };
  const clock = options.clock ?? new ManualClock();
  const store = await openWatchStore(database);
  const service = new WatchService({
    store,
    checker: createChecker({ resolvers: [dns.address], timeoutMs: options.timeoutMs ?? 2000 }),
    clock,
    limits: options.limits,
    minIntervalMs: options.minIntervalMs,
    // No jitter unless a test asks: an interval later means exactly due.
    random: options.random ?? (() => 0),
  });
  const notifier = options.notifier ?? new RecordingNotifier();
  const running = startWatching({ service, notifiers: [notifier], clock, onError: () => {} });
  const settle = async (): Promise<void> => {
    // A cycle can queue alerts, and the sender's wake-up happens in the same turn; settle both twice.
    for (let i = 0; i < 2; i++) {
      await running.scheduler.settled();
      await running.sender.settled();
    }
  };
  await settle();
  return {
    dns,
    clock,
    store,
    service,
    notifier,
    running,
    database,
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async stop() {
      await running.stop(2000);
    },
  };
}

export const consoleChannel = (channelId = 'C1', workspaceId = 'W1'): ChannelRef => ({ platform: 'console', workspaceId, channelId });
