import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsServer } from '../../support/dns-server.js';
import type { SqliteWatchStore } from '../../../src/core/watch/sqlite-store.js';
import { openWatchStore } from '../../../src/core/watch/open-store.js';
import { HOUR, consoleChannel, startHarness } from '../../support/watch-harness.js';

let dns: TestDnsServer;

beforeAll(async () => {
  dns = await TestDnsServer.start();
});
afterAll(async () => {
  await dns.close();
});

describe('graceful stop', () => {
  it('abandons an in-flight cycle uncommitted within the bound, closes the database, and the watch stays due', async () => {
    const h = await startHarness({ dns, timeoutMs: 3000 });
    await h.service.add(consoleChannel(), '203.0.113.5', { createdBy: 'admin' });
    const [before] = await h.store.listWatches(consoleChannel());
    // Every list answers slowly: the next cycle is still waiting when we stop.
    dns.latencyMs = 1500;
    try {
      h.clock.advance(HOUR);
      const queriesBefore = dns.queries.length;
      // Wait until the cycle has sent its lookups, so there is work in flight to abandon.
      while (dns.queries.length === queriesBefore) await new Promise((r) => setTimeout(r, 10));
      const finished = await h.running.scheduler.stop(50);
      expect(finished).toBe(false);
      await h.running.stop(50);
      expect((h.store as SqliteWatchStore).db.open).toBe(false);
      // Let the abandoned checks come back: they must not write to the closed database or throw.
      await new Promise((r) => setTimeout(r, 1800));

      const reopened = await openWatchStore(h.database);
      const [after] = await reopened.listWatches(consoleChannel());
      expect(after!.nextDue).toBe(before!.nextDue);
      // Its lease was handed back on stop: any process can claim it at once.
      expect(await reopened.claimDueWatches(10, { owner: 'next', now: h.clock.now(), until: h.clock.now() + 1000 })).toHaveLength(1);
      await reopened.close();
    } finally {
      dns.latencyMs = 0;
    }
  });

  it('stops promptly when idle', async () => {
    const h = await startHarness({ dns });
    await h.service.add(consoleChannel(), '203.0.113.7', { createdBy: 'admin' });
    expect(await h.running.scheduler.stop(1000)).toBe(true);
    expect(await h.running.sender.stop(1000)).toBe(true);
    await h.running.stop();
    expect((h.store as SqliteWatchStore).db.open).toBe(false);
  });
});

describe('no overlapping cycles', () => {
  it('runs /watch check after a scheduler cycle in flight, never alongside it', async () => {
    const h = await startHarness({ dns, timeoutMs: 3000 });
    await h.service.add(consoleChannel(), '203.0.113.5', { createdBy: 'admin' });
    // Count checks in flight by wrapping the real checker the service uses.
    const checker = h.service.checker;
    const original = checker.check.bind(checker);
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    (checker as { check: typeof checker.check }).check = async (input, options) => {
      inFlight++;
      calls++;
      most = Math.max(most, inFlight);
      try {
        return await original(input, options);
      } finally {
        inFlight--;
      }
    };
    dns.latencyMs = 200;
    try {
      h.clock.advance(HOUR); // the scheduler starts a cycle
      const manual = h.service.checkChannel(consoleChannel()); // while it is running
      await manual;
      await h.running.scheduler.settled();
      expect(calls).toBe(2);
      expect(most).toBe(1);
    } finally {
      dns.latencyMs = 0;
      (checker as { check: typeof checker.check }).check = original;
      await h.stop();
    }
  });
});
