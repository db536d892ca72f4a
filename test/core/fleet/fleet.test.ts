/**
 * Heartbeats and named leases on both engines, with a manual clock: live replicas are
 * counted and share the per-list budget; a lease passes to another holder only once it
 * ran out, and a holder that cannot reach the database stops its job before then.
 */
import { afterEach, expect, it } from 'vitest';
import { createChecker } from '../../../src/core/check/checker.js';
import { Heartbeat } from '../../../src/core/fleet/heartbeat.js';
import { LeaseHolder } from '../../../src/core/fleet/lease.js';
import type { FleetStore } from '../../../src/core/fleet/store.js';
import { ManualClock } from '../../../src/core/watch/clock.js';
import { openWatchStore } from '../../../src/core/watch/open-store.js';
import type { WatchStore } from '../../../src/core/watch/store.js';
import { describeEngines } from '../../support/engines.js';

const open: WatchStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const beat = (id: string, startedAt: number) => ({ id, host: 'h', pid: 1, version: 'test', startedAt });

/** Let the loops run their async step after a clock move. */
const flush = async (...loops: { settled(): Promise<void> }[]): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    await Promise.all(loops.map((l) => l.settled()));
  }
};

describeEngines('fleet', (engine) => {
  it('counts live replicas on every heartbeat and gives each its share of the per-list budget', async () => {
    const database = await engine.newDatabase();
    const [one, two] = [await openWatchStore(database), await openWatchStore(database)];
    open.push(one, two);
    const clock = new ManualClock();
    const checkers = [createChecker({ zoneRate: 500 }), createChecker({ zoneRate: 500 })];
    const beats = [one, two].map(
      (store, i) =>
        new Heartbeat({
          store,
          clock,
          replica: beat(`r${i}`, clock.now()),
          intervalMs: 1000,
          onLive: (live) => checkers[i]!.setRateShare(live.length),
        }),
    );
    beats[0]!.start();
    await flush(beats[0]!);
    expect(checkers[0]!.zoneRate()).toBe(500);
    beats[1]!.start();
    await flush(...beats);
    clock.advance(1000);
    await flush(...beats);
    expect(beats[0]!.replicas.map((r) => r.id)).toEqual(['r0', 'r1']);
    expect(checkers.map((c) => c.zoneRate())).toEqual([250, 250]);

    // r1 stops cleanly: r0 takes the whole budget at its next beat.
    await beats[1]!.stop(1000);
    clock.advance(1000);
    await flush(beats[0]!);
    expect(checkers[0]!.zoneRate()).toBe(500);

    // A replica that died without a word counts until its heartbeat is three periods old.
    await two.heartbeat(beat('dead', clock.now()), clock.now());
    clock.advance(1000);
    await flush(beats[0]!);
    expect(checkers[0]!.zoneRate()).toBe(250);
    clock.advance(3000);
    await flush(beats[0]!);
    expect(checkers[0]!.zoneRate()).toBe(500);
    await beats[0]!.stop(1000);
  });

  it('runs a leased job on one holder, hands it over after the lease, and stops it when the database is unreachable', async () => {
    const database = await engine.newDatabase();
    const store = await openWatchStore(database);
    open.push(store);
    const clock = new ManualClock();
    const running: string[] = [];
    let reachable = true;
    const flaky: FleetStore = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'tryLease')
          return (...args: Parameters<FleetStore['tryLease']>) =>
            reachable ? store.tryLease(...args) : Promise.reject(new Error('connection refused'));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const holder = (name: string, via: FleetStore) =>
      new LeaseHolder({
        store: via,
        clock,
        name: 'discord-gateway',
        owner: name,
        leaseMs: 3000,
        renewEveryMs: 1000,
        onAcquired: async () => void running.push(name),
        onLost: async () => void running.splice(running.indexOf(name), 1),
        onError: () => {},
      });
    const a = holder('a', flaky);
    const b = holder('b', store);
    await a.begin();
    await b.begin();
    expect(running).toEqual(['a']);
    clock.advance(1000);
    await flush(a, b);
    expect(running).toEqual(['a']);

    // a cannot reach the database: it keeps the job while its last renewal surely holds,
    // then stops it (before the lease can have passed to b).
    reachable = false;
    clock.advance(1000);
    await flush(a, b);
    expect(running).toEqual(['a']);
    clock.advance(1000);
    await flush(a, b);
    expect(running).toEqual([]);
    clock.advance(1000);
    await flush(a, b);
    expect(running).toEqual(['b']);
    reachable = true;
    clock.advance(1000);
    await flush(a, b);
    expect(running).toEqual(['b']);
    await b.stop();
    clock.advance(1000);
    await flush(a);
    expect(running).toEqual(['a']);
    await a.stop();
    expect(await store.leases()).toEqual([]);
  });
});
