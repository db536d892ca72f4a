/**
 * The WatchStore contract, run against SQLite and PostgreSQL alike: whatever the engine,
 * the bot behaves the same. Leases are exercised with explicit times (the stores take
 * the caller's clock), so "the lease ran out" needs no waiting.
 */
import { afterEach, expect, it } from 'vitest';
import { openWatchStore } from '../../../src/core/watch/open-store.js';
import type { AddWatchesInput, Lease, WatchStore } from '../../../src/core/watch/store.js';
import type { TargetState } from '../../../src/core/watch/types.js';
import type { ChannelRef } from '../../../src/core/watch/notifier.js';
import { describeEngines, type Engine } from '../../support/engines.js';

const C1: ChannelRef = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' };
const C2: ChannelRef = { platform: 'slack', workspaceId: 'T1', channelId: 'C2' };
const LIMITS = { perChannel: 10, perWorkspace: 15 };
const T0 = 1_000_000;

const open: WatchStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function fresh(engine: Engine): Promise<WatchStore> {
  const store = await openWatchStore(await engine.newDatabase());
  open.push(store);
  return store;
}

function adding(channel: ChannelRef, targets: string[], dues: number[] = targets.map(() => T0), label?: string): AddWatchesInput {
  return {
    channel,
    watches: targets.map((t) => ({ target: t, label: label ?? t })),
    intervalMs: 3_600_000,
    nextDue: (i) => dues[i]!,
    createdBy: 'U1',
    now: T0 - 10,
    limits: LIMITS,
  };
}

const lease = (owner: string, now: number, ms = 60_000): Lease => ({ owner, now, until: now + ms });

function state(target: string, zones: TargetState['zones'] = {}, lastError: string | null = null): TargetState {
  return { target, baselined: true, lastChecked: T0, lastError, zones };
}

describeEngines('watch store contract', (engine) => {
  it('adds, lists, refuses over the caps, and removes by target or label', async () => {
    const s = await fresh(engine);
    const first = await s.addWatches(adding(C1, ['192.0.2.1', '192.0.2.2'], [T0, T0], '192.0.2.0/30'));
    expect(first).toMatchObject({ ok: true, existing: [] });
    const again = await s.addWatches(adding(C1, ['192.0.2.2', '192.0.2.3'], [T0, T0], '192.0.2.0/30'));
    expect(again.ok && again.added.map((w) => w.target)).toEqual(['192.0.2.3']);
    expect(again.ok && again.existing.map((w) => w.target)).toEqual(['192.0.2.2']);
    expect((await s.listWatches(C1)).map((w) => [w.target, w.label, w.channel])).toEqual([
      ['192.0.2.1', '192.0.2.0/30', C1],
      ['192.0.2.2', '192.0.2.0/30', C1],
      ['192.0.2.3', '192.0.2.0/30', C1],
    ]);
    const many = Array.from({ length: 8 }, (_, i) => `198.51.100.${i + 1}`);
    expect(await s.addWatches(adding(C1, many))).toEqual({ ok: false, reason: 'channel-limit', limit: 10, current: 3 });
    const wide = {
      ...adding(C2, [...many, '203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5']),
      limits: { perChannel: 100, perWorkspace: 15 },
    };
    expect(await s.addWatches(wide)).toEqual({
      ok: false,
      reason: 'workspace-limit',
      limit: 15,
      current: 3,
    });
    expect((await s.removeWatches(C1, '192.0.2.0/30')).map((w) => w.target)).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(await s.listWatches(C1)).toEqual([]);
    expect(await s.removeWatches(C1, '192.0.2.1')).toEqual([]);
  });

  it('keeps one state per target across channels and forgets it with the last watch', async () => {
    const s = await fresh(engine);
    await s.addWatches(adding(C1, ['192.0.2.1']));
    await s.addWatches(adding(C2, ['192.0.2.1']));
    const held = await s.claimTargets(['192.0.2.1'], lease('A', T0));
    expect(held).toEqual(['192.0.2.1']);
    const zones = {
      'bl.example|192.0.2.1': {
        zone: 'bl.example',
        name: 'Example',
        listType: 'block',
        query: '192.0.2.1',
        confirmed: 'listed',
        pending: null,
        pendingCount: 0,
      },
    } as const;
    expect(await s.commitCycle({ owner: 'A', now: T0, claimed: held, states: [state('192.0.2.1', zones)], alerts: [], reschedule: [] })).toBe(true);
    expect((await s.getTargetStates(['192.0.2.1'])).get('192.0.2.1')).toEqual(state('192.0.2.1', zones));
    expect((await s.watchesOfTargets(['192.0.2.1'])).map((w) => w.channel.channelId).sort()).toEqual(['C1', 'C2']);
    await s.removeWatches(C1, '192.0.2.1');
    expect((await s.getTargetStates(['192.0.2.1'])).get('192.0.2.1')?.baselined).toBe(true);
    await s.removeWatches(C2, '192.0.2.1');
    expect((await s.getTargetStates(['192.0.2.1'])).size).toBe(0);
    // Watched again: a fresh baseline, not the old listing.
    await s.addWatches(adding(C1, ['192.0.2.1']));
    expect((await s.getTargetStates(['192.0.2.1'])).get('192.0.2.1')).toMatchObject({ baselined: false, zones: {} });
  });

  it('claims due targets earliest first, with every due watch of each, and skips targets another replica holds', async () => {
    const s = await fresh(engine);
    await s.addWatches(adding(C1, ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'], [T0 - 30, T0 - 20, T0 - 10, T0 + 500]));
    await s.addWatches(adding(C2, ['192.0.2.3'], [T0 - 40]));
    expect(await s.nextDueAt(T0)).toBe(T0 - 40);
    // Limit 1: the earliest due watch is C2's 192.0.2.3, and C1's due watch of the same target comes with it.
    const a = await s.claimDueWatches(1, lease('A', T0));
    expect(a.map((w) => [w.target, w.nextDue])).toEqual([
      ['192.0.2.3', T0 - 40],
      ['192.0.2.3', T0 - 10],
    ]);
    const b = await s.claimDueWatches(10, lease('B', T0));
    expect(b.map((w) => w.target)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(await s.claimDueWatches(10, lease('C', T0))).toEqual([]);
    expect(await s.claimTargets(['192.0.2.1', '192.0.2.3', '192.0.2.4'], lease('C', T0))).toEqual(['192.0.2.4']);
    // Every target is held: wake when the first lease runs out.
    expect(await s.nextDueAt(T0)).toBe(T0 + 60_000);
    // A's lease runs out (A died): its targets go to whoever claims next.
    const later = T0 + 60_000;
    const taken = await s.claimDueWatches(10, lease('C', later));
    expect(new Set(taken.map((w) => w.target))).toEqual(new Set(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']));
  });

  it('commits a cycle only while its leases hold: states, reschedules and alerts together, leases ended', async () => {
    const s = await fresh(engine);
    await s.addWatches(adding(C1, ['192.0.2.1', '192.0.2.2']));
    const due = await s.claimDueWatches(10, lease('A', T0));
    const claimed = [...new Set(due.map((w) => w.target))];
    const alert = { channel: C1, reply: { visibility: 'channel' as const, title: 'Watch: change', level: 'bad' as const, blocks: [] } };
    const commit = {
      owner: 'A',
      now: T0 + 5,
      claimed,
      states: claimed.map((t) => state(t, {}, 'resolver down\0 (NUL from a TXT)')),
      alerts: [alert],
      reschedule: due.map((w) => ({ id: w.id, nextDue: T0 + 3_600_000 })),
    };
    // B takes the targets over after A's lease ran out: A's late commit is refused whole.
    const late = T0 + 61_000;
    const b = await s.claimDueWatches(10, lease('B', late));
    expect(b).toHaveLength(2);
    expect(await s.commitCycle(commit)).toBe(false);
    expect(await s.allAlerts()).toEqual([]);
    expect((await s.getTargetStates(claimed)).get('192.0.2.1')?.baselined).toBe(false);
    // B's commit lands, ends the leases, and the alert is queued with a stable key.
    expect(await s.commitCycle({ ...commit, owner: 'B', now: late })).toBe(true);
    const [queued, ...rest] = await s.allAlerts();
    expect(rest).toEqual([]);
    expect(queued).toMatchObject({ channel: C1, reply: alert.reply, attempts: 0, sentAt: null, nextAttemptAt: late, createdAt: late });
    expect(queued!.idempotencyKey).toMatch(/^wa-[0-9a-f]{20}$/);
    expect((await s.getTargetStates(claimed)).get('192.0.2.1')?.lastError).toBe('resolver down (NUL from a TXT)');
    expect((await s.listWatches(C1)).map((w) => w.nextDue)).toEqual([T0 + 3_600_000, T0 + 3_600_000]);
    expect(await s.claimTargets(claimed, lease('C', late))).toEqual(claimed);
  });

  it('lets a commit through when a claimed target was removed meanwhile, writing nothing for it', async () => {
    const s = await fresh(engine);
    await s.addWatches(adding(C1, ['192.0.2.1', '192.0.2.2']));
    const due = await s.claimDueWatches(10, lease('A', T0));
    await s.removeWatches(C1, '192.0.2.2');
    const claimed = due.map((w) => w.target);
    const ok = await s.commitCycle({
      owner: 'A',
      now: T0,
      claimed,
      states: claimed.map((t) => state(t)),
      alerts: [],
      reschedule: due.map((w) => ({ id: w.id, nextDue: T0 + 1000 })),
    });
    expect(ok).toBe(true);
    expect([...(await s.getTargetStates(claimed)).keys()]).toEqual(['192.0.2.1']);
  });

  it('leases alerts to one sender at a time, backs off failures, and returns a dead sender’s alerts', async () => {
    const s = await fresh(engine);
    await s.addWatches(adding(C1, ['192.0.2.1']));
    const claimed = await s.claimTargets(['192.0.2.1'], lease('A', T0));
    const reply = (title: string) => ({ visibility: 'channel' as const, title, level: 'ok' as const, blocks: [] });
    const alerts = [1, 2, 3].map((n) => ({ channel: C1, reply: reply(`alert ${n}`) }));
    await s.commitCycle({ owner: 'A', now: T0, claimed, states: [], alerts, reschedule: [] });
    expect(await s.nextAlertAt()).toBe(T0);

    const a = await s.claimAlerts(2, lease('A', T0, 1000));
    expect(a.map((x) => x.reply.title)).toEqual(['alert 1', 'alert 2']);
    const b = await s.claimAlerts(5, lease('B', T0, 1000));
    expect(b.map((x) => x.reply.title)).toEqual(['alert 3']);
    expect(await s.claimAlerts(5, lease('C', T0))).toEqual([]);

    expect(await s.holdAlert(a[0]!.id, lease('A', T0 + 10, 1000))).toBe(true);
    expect(await s.holdAlert(a[0]!.id, lease('B', T0 + 10, 1000))).toBe(false);
    await s.markAlertSent(a[0]!.id, T0 + 1);
    expect(await s.holdAlert(a[0]!.id, lease('A', T0 + 10, 1000))).toBe(false);
    await s.markAlertFailed(b[0]!.id, 'platform down', T0 + 5000);
    // A renews its lease on alert 2 (it is alive); the failed one waits for its back-off.
    await s.renewClaims('A', T0 + 3000);
    expect(await s.claimAlerts(5, lease('C', T0 + 2000))).toEqual([]);
    expect(await s.nextAlertAt()).toBe(T0 + 3000);
    // A dies: at T0 + 3000 its lease has run out and C takes alert 2; at T0 + 5000 the retry is due.
    expect((await s.claimAlerts(5, lease('C', T0 + 3000))).map((x) => x.reply.title)).toEqual(['alert 2']);
    const retry = await s.claimAlerts(5, lease('C', T0 + 5000));
    expect(retry.map((x) => [x.reply.title, x.attempts, x.lastError])).toEqual([['alert 3', 1, 'platform down']]);
    await s.releaseClaims('C');
    expect((await s.claimAlerts(5, lease('D', T0 + 5000))).map((x) => x.reply.title)).toEqual(['alert 2', 'alert 3']);
    const all = await s.allAlerts();
    expect(all.map((x) => [x.attempts, x.sentAt])).toEqual([
      [1, T0 + 1],
      [0, null],
      [1, null],
    ]);
    expect(new Set(all.map((x) => x.idempotencyKey)).size).toBe(3);
  });

  it('defers an alert without counting an attempt, and pauses and resumes a channel with its alerts held', async () => {
    const s = await fresh(engine);
    const reply = (title: string) => ({ visibility: 'channel' as const, title, level: 'bad' as const, blocks: [] });
    const alerts = [
      { channel: C1, reply: reply('c1 first') },
      { channel: C1, reply: reply('c1 second') },
      { channel: C2, reply: reply('c2') },
    ];
    await s.commitCycle({ owner: 'A', now: T0, claimed: [], states: [], alerts, reschedule: [] });
    const [first] = await s.claimAlerts(1, lease('A', T0));
    // 429: the next attempt moves, the lease ends, nothing is counted as failed.
    await s.deferAlert(first!.id, T0 + 30_000, 'rate limited by slack');
    expect((await s.claimAlerts(5, lease('B', T0))).map((a) => a.reply.title)).toEqual(['c1 second', 'c2']);
    await s.releaseClaims('B');
    const deferred = (await s.allAlerts())[0]!;
    expect([deferred.attempts, deferred.nextAttemptAt, deferred.lastError]).toEqual([0, T0 + 30_000, 'rate limited by slack']);

    // not_in_channel: C1 is paused, both its alerts held until the probe; C2 is untouched.
    const pause = {
      channel: C1,
      since: T0,
      code: 'not_in_channel',
      problem: 'rblbot is not in this channel.',
      fix: 'Invite it.',
      nextProbeAt: T0 + 900_000,
    };
    await s.pauseChannel(pause);
    expect(await s.pausedChannels()).toEqual([pause]);
    expect(await s.channelDelivery(C1)).toEqual({ pause, held: 2 });
    expect(await s.channelDelivery(C2)).toEqual({ pause: null, held: 1 });
    // Each held alert says so: it certainly did not reach the platform (the sender may fold them into one message).
    const heldNotes = (await s.allAlerts()).filter((x) => x.channel.channelId === 'C1').map((x) => x.lastError);
    expect(heldNotes).toEqual(['held: rblbot is not in this channel.', 'held: rblbot is not in this channel.']);
    const others = await s.claimAlerts(5, lease('B', T0 + 60_000));
    expect(others.map((a) => a.reply.title)).toEqual(['c2']);
    await s.markAlertSent(others[0]!.id, T0 + 60_000);
    // A second refusal keeps when the pause began.
    await s.pauseChannel({ ...pause, since: T0 + 5, code: 'channel_not_found', nextProbeAt: T0 + 1_800_000 });
    expect((await s.channelDelivery(C1)).pause).toMatchObject({ since: T0, code: 'channel_not_found', nextProbeAt: T0 + 1_800_000 });

    // The channel works again: the pause ends and its alerts are due at once.
    expect(await s.resumeChannel(C1, T0 + 120_000)).toBe(true);
    expect(await s.resumeChannel(C1, T0 + 120_000)).toBe(false);
    expect(await s.pausedChannels()).toEqual([]);
    expect((await s.claimAlerts(5, lease('C', T0 + 120_000))).map((a) => a.reply.title)).toEqual(['c1 first', 'c1 second']);
  });

  it('renews and releases a replica’s target leases', async () => {
    const s = await fresh(engine);
    await s.addWatches(adding(C1, ['192.0.2.1']));
    await s.claimDueWatches(10, lease('A', T0, 1000));
    await s.renewClaims('A', T0 + 10_000);
    expect(await s.claimDueWatches(10, lease('B', T0 + 5000))).toEqual([]);
    await s.releaseClaims('A');
    expect(await s.claimDueWatches(10, lease('B', T0 + 5000))).toHaveLength(1);
  });

  it('records heartbeats and hands a named lease to one replica at a time', async () => {
    const s = await fresh(engine);
    const beat = (id: string) => ({ id, host: 'h', pid: 1, version: '0.1.0', startedAt: T0 });
    await s.heartbeat(beat('A'), T0);
    await s.heartbeat(beat('B'), T0 + 10);
    await s.heartbeat(beat('A'), T0 + 20);
    expect(await s.liveReplicas(T0 + 5)).toEqual([
      { ...beat('A'), lastSeen: T0 + 20 },
      { ...beat('B'), lastSeen: T0 + 10 },
    ]);
    expect((await s.liveReplicas(T0 + 15)).map((r) => r.id)).toEqual(['A']);
    await s.removeReplicas(['A'], T0);
    expect((await s.liveReplicas(0)).map((r) => r.id)).toEqual(['B']);
    await s.removeReplicas([], T0 + 11);
    expect(await s.liveReplicas(0)).toEqual([]);

    expect(await s.tryLease('gateway', 'A', T0 + 100, T0)).toBe(true);
    expect(await s.tryLease('gateway', 'B', T0 + 150, T0 + 50)).toBe(false);
    expect(await s.tryLease('gateway', 'A', T0 + 200, T0 + 60)).toBe(true);
    expect(await s.leases()).toEqual([{ name: 'gateway', owner: 'A', until: T0 + 200, acquiredAt: T0 }]);
    expect(await s.tryLease('gateway', 'B', T0 + 300, T0 + 200)).toBe(true);
    expect(await s.leases()).toEqual([{ name: 'gateway', owner: 'B', until: T0 + 300, acquiredAt: T0 + 200 }]);
    await s.releaseLease('gateway', 'A');
    expect(await s.leases()).toHaveLength(1);
    await s.releaseLease('gateway', 'B');
    expect(await s.tryLease('gateway', 'A', T0 + 400, T0 + 210)).toBe(true);
  });

  it('counts watches, targets, due watches and pending alerts', async () => {
    const s = await fresh(engine);
    await s.addWatches(adding(C1, ['192.0.2.1', '192.0.2.2'], [T0, T0 + 100]));
    await s.addWatches(adding(C2, ['192.0.2.1'], [T0 + 200]));
    const stats = await s.stats(T0 + 100);
    expect(stats).toMatchObject({ watches: 3, targets: 2, due: 2, pendingAlerts: 0 });
    expect(stats.schemaVersion).toBeGreaterThan(0);
  });

  it('gives two connections claiming at once disjoint targets', async () => {
    const database = await engine.newDatabase();
    const one = await openWatchStore(database);
    const two = await openWatchStore(database);
    open.push(one, two);
    const targets = Array.from({ length: 120 }, (_, i) => `198.51.100.${i + 1}`);
    await one.addWatches({
      ...adding(
        C1,
        targets,
        targets.map((_, i) => T0 - i),
      ),
      limits: { perChannel: 500, perWorkspace: 500 },
    });
    const got: string[][] = [[], []];
    await Promise.all(
      [one, two].map(async (store, n) => {
        for (;;) {
          const batch = await store.claimDueWatches(7, lease(`R${n}`, T0));
          if (batch.length === 0) return;
          got[n]!.push(...batch.map((w) => w.target));
        }
      }),
    );
    expect([...got[0]!, ...got[1]!].sort()).toEqual([...targets].sort());
  });
});
