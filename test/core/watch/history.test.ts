/**
 * The listing history, end to end on the real store: rechecks against a real DNS server
 * write the baseline, each confirmed change and compacted runs of failed checks; the
 * history survives a restart, ends when nobody watches the target, and is pruned to the
 * retention setting while a listing that began before the cutoff still shows — on SQLite
 * and on PostgreSQL alike.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeEngines } from '../../support/engines.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { HOUR, consoleChannel, startHarness, type Harness } from '../../support/watch-harness.js';
import { ManualClock } from '../../../src/core/watch/clock.js';
import { historySummary, historyText } from '../../../src/core/watch/reply.js';

const IP = '203.0.113.5';
const DAY = 24 * HOUR;
let dns: TestDnsServer;
let h: Harness | undefined;

beforeAll(async () => {
  dns = await TestDnsServer.start();
});
afterAll(async () => {
  await dns.close();
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
  dns.unlistIp(IP, 'bl.spamcop.net').unlistIp(IP, 'b.barracudacentral.org').clearRules();
});

describeEngines('listing history', (engine) => {
  it('records the baseline, each confirmed change with its alert, and nothing for unconfirmed flickers', async () => {
    dns.listIp(IP, 'b.barracudacentral.org');
    h = await startHarness({ dns, database: await engine.newDatabase() });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    const start = h.clock.now();
    const baselined = await h.store.historyMark();
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR); // confirmed: listed
    dns.unlistIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR); // confirmed: clean
    const changed = await h.store.historyMark();
    // The newest event's id moves with each confirmed change (rblbot_listed is rebuilt on it), and only then.
    expect(changed).toBeGreaterThan(baselined);
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR); // seen once only
    dns.unlistIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    expect(await h.store.historyMark()).toBe(changed);

    const events = await h.store.readHistory([IP], start - DAY);
    const summary = events.map((e) => `${e.kind} ${e.zone || '-'} ${(e.at - start) / HOUR}h${e.alerted ? ' alerted' : ''}`);
    expect(summary).toEqual([
      'watched - 0h',
      'listed b.barracudacentral.org 0h',
      'listed bl.spamcop.net 2h alerted',
      'clean bl.spamcop.net 4h alerted',
    ]);

    const timeline = await h.service.history(consoleChannel(), IP, 1);
    expect(timeline.lanes.map((l) => l.zone)).toEqual(['b.barracudacentral.org', 'bl.spamcop.net']);
    const spamcop = timeline.lanes.find((l) => l.zone === 'bl.spamcop.net')!;
    expect(spamcop.spans.map((s) => [s.state, (s.from - start) / HOUR, (s.to - start) / HOUR])).toEqual([
      ['clean', 0, 2],
      ['listed', 2, 4],
      ['clean', 4, 6],
    ]);
    expect(spamcop.alerts.map((a) => (a - start) / HOUR)).toEqual([2, 4]);
    expect(timeline.listings).toBe(2);
    const [first, second] = historySummary(timeline);
    expect(first).toBe('2 listings on 2 lists in the last 1 day; listed for 6h in all.');
    expect(second).toMatch(/^Now listed on b\.barracudacentral\.org since /);
  });

  it('compacts a run of failed checks into one event and shows it as unknown', async () => {
    // A second of patience: only the silenced list may time out, even on a busy machine.
    h = await startHarness({ dns, timeoutMs: 1000, database: await engine.newDatabase() });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    const start = h.clock.now();
    dns.rule({ suffix: 'bl.spamcop.net', behaviour: 'silent' });
    for (let i = 0; i < 5; i++) await h.advance(HOUR);
    dns.clearRules();
    await h.advance(HOUR);
    dns.rule({ suffix: 'bl.spamcop.net', behaviour: 'servfail' });
    await h.advance(HOUR);

    const failures = (await h.store.readHistory([IP], start)).filter((e) => e.kind === 'unknown' && e.zone === 'bl.spamcop.net');
    expect(failures.map((f) => [(f.at - start) / HOUR, (f.until - start) / HOUR, f.count, f.detail?.split(':')[0]])).toEqual([
      [1, 5, 5, 'timeout'],
      [7, 7, 1, 'error'],
    ]);
    const timeline = await h.service.history(consoleChannel(), IP, 1);
    expect(timeline.lanes).toEqual([]);
    expect(timeline.failedChecks).toBeGreaterThanOrEqual(6);
    expect(timeline.overall!.spans.some((s) => s.state === 'clean')).toBe(true);
    // The latest check of spamcop failed: its state now is not claimed.
    expect(historySummary(timeline)[1]).toBe('Now not listed on the lists that answered; 1 list did not answer the latest check.');
  });

  it('never reads as clean when the checks got no answer: "not known now", not "not listed"', async () => {
    // A resolver of its own, stopped after the baseline: every later check fails.
    const dying = await TestDnsServer.start();
    h = await startHarness({ dns: dying, timeoutMs: 300, database: await engine.newDatabase() });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    await dying.close();
    for (let i = 0; i < 3; i++) await h.advance(HOUR);
    const timeline = await h.service.history(consoleChannel(), IP, 1);
    const [first, second] = historySummary(timeline);
    expect(first).toBe('Not listed on any list in the last 1 day.'); // the baseline did answer
    expect(timeline.latestCheck!.unanswered).toBe(timeline.latestCheck!.asked);
    expect(second).toMatch(/^Not known now: the latest check got no answer/);
    expect(historyText(timeline)).not.toContain('Now not listed anywhere');
  });

  it('survives a restart, ends when the last channel stops watching, and is refused to other channels', async () => {
    const database = await engine.newDatabase();
    const clock = new ManualClock();
    dns.listIp(IP, 'bl.spamcop.net');
    h = await startHarness({ dns, database, clock });
    await h.service.add(consoleChannel('C1'), IP, { createdBy: 'admin' });
    await h.service.add(consoleChannel('C2'), IP, { createdBy: 'admin' });
    const start = clock.now();
    await h.stop();
    clock.advance(3 * HOUR);
    h = await startHarness({ dns, database, clock });
    await expect(h.service.history(consoleChannel('C3'), IP)).rejects.toThrow('This channel does not watch 203.0.113.5');
    await h.service.remove(consoleChannel('C1'), IP);
    expect((await h.store.readHistory([IP], start)).map((e) => e.kind)).toEqual(['watched', 'listed']);
    clock.advance(HOUR);
    await h.service.remove(consoleChannel('C2'), IP);
    const events = await h.store.readHistory([IP], start);
    expect(events.map((e) => `${e.kind} ${(e.at - start) / HOUR}`)).toEqual(['watched 0', 'listed 0', 'unwatched 4']);
    const timeline = await h.service.timeline(IP, [IP], 1);
    expect(timeline.watchedNow).toBe(false);
    expect(timeline.lanes[0]!.spans).toEqual([{ from: start, to: start + 4 * HOUR, state: 'listed' }]);
    expect(historyText(timeline)).toContain('bl.spamcop.net\n  ');
  });

  it('prunes to the retention setting but keeps the state a lane had at the cutoff', async () => {
    dns.listIp(IP, 'bl.spamcop.net');
    h = await startHarness({ dns, timeoutMs: 1000, database: await engine.newDatabase() });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    const start = h.clock.now();
    dns.rule({ suffix: 'b.barracudacentral.org', behaviour: 'silent' });
    await h.advance(HOUR);
    dns.clearRules();
    h.clock.advance((h.service.historyDays + 10) * DAY);
    const pruned = await h.service.pruneHistory();
    expect(pruned).toBe(1); // the failed check; the watch start and the listing are what still holds
    const timeline = await h.service.history(consoleChannel(), IP, 30);
    expect(timeline.lanes[0]!.spans).toEqual([{ from: timeline.from, to: timeline.to, state: 'listed' }]);
    expect(timeline.lanes[0]!.listedSince).toBe(timeline.from);
    expect(start).toBeLessThan(timeline.from);
  });
});
