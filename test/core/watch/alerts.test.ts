import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { TestDnsServer } from '../../support/dns-server.js';
import { HOUR, consoleChannel, startHarness as start, type Harness } from '../../support/watch-harness.js';
import { describeEngines } from '../../support/engines.js';

const IP = '203.0.113.5';
let dns: TestDnsServer;
let h: Harness;

beforeAll(async () => {
  dns = await TestDnsServer.start();
});
afterAll(async () => {
  await dns.close();
});
afterEach(async () => {
  await h?.stop();
  dns.unlistIp(IP, 'bl.spamcop.net').unlistIp('203.0.113.6', 'bl.spamcop.net').clearRules();
});

function alertTexts(): string[] {
  return h.notifier.delivered.map((d) => JSON.stringify(d.reply));
}

describeEngines('watch rechecks and alerts', (engine) => {
  const startHarness = async (options: Parameters<typeof start>[0] = {}): Promise<Harness> =>
    start({ ...options, database: await engine.newDatabase() });

  it('takes the first check as the baseline: a target already listed raises no alert', async () => {
    dns.listIp(IP, 'bl.spamcop.net');
    h = await startHarness({ dns });
    const added = await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    expect(added.reports[0]!.results.find((r) => r.zone === 'bl.spamcop.net')!.status).toBe('listed');
    await h.advance(HOUR);
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.delivered).toEqual([]);
    expect(await h.store.allAlerts()).toEqual([]);
  });

  it('alerts a new listing only once it is seen on two checks in a row, with meaning and removal link', async () => {
    h = await startHarness({ dns });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    expect(h.notifier.delivered).toHaveLength(0);
    const [view] = await h.service.list(consoleChannel());
    expect(Object.values(view!.states[0]!.zones)[0]).toMatchObject({
      zone: 'bl.spamcop.net',
      confirmed: 'clean',
      pending: 'listed',
      pendingCount: 1,
    });

    await h.advance(HOUR);
    expect(h.notifier.delivered).toHaveLength(1);
    const alert = h.notifier.delivered[0]!;
    expect(alert.channel).toEqual(consoleChannel());
    expect(alert.reply.visibility).toBe('channel');
    const text = JSON.stringify(alert.reply);
    expect(text).toContain(IP);
    expect(text).toContain('SpamCop Blocking List (SCBL)');
    expect(text).toContain('listed (IP transmitted mail reported to SpamCop');
    expect(text).toContain('https://www.spamcop.net/bl.shtml?203.0.113.5');
    // Still listed afterwards: no further alert.
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.delivered).toHaveLength(1);
  });

  it('alerts when a listing clears, naming what it was', async () => {
    dns.listIp(IP, 'bl.spamcop.net');
    h = await startHarness({ dns });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    dns.unlistIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    expect(h.notifier.delivered).toHaveLength(0);
    await h.advance(HOUR);
    expect(h.notifier.delivered).toHaveLength(1);
    const reply = h.notifier.delivered[0]!.reply;
    expect(reply.level).toBe('ok');
    expect(JSON.stringify(reply)).toContain('no longer listed on');
    expect(JSON.stringify(reply)).toContain('listed (IP transmitted mail reported to SpamCop');
  });

  it('suppresses a flapping listing that never holds for two checks', async () => {
    h = await startHarness({ dns });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    for (let i = 0; i < 6; i++) {
      if (i % 2 === 0) dns.listIp(IP, 'bl.spamcop.net');
      else dns.unlistIp(IP, 'bl.spamcop.net');
      await h.advance(HOUR);
    }
    expect(h.notifier.delivered).toEqual([]);
  });

  it('never counts timeouts as a change, and shows them in the list', async () => {
    dns.listIp(IP, 'bl.spamcop.net');
    // 1 s, not less: the baseline check must get its answers on a loaded machine too.
    h = await startHarness({ dns, timeoutMs: 1000 });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    dns.rule({ suffix: 'bl.spamcop.net', behaviour: 'silent' });
    await h.advance(HOUR);
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.delivered).toEqual([]);
    const [view] = await h.service.list(consoleChannel());
    const zone = view!.states[0]!.zones[`bl.spamcop.net|${IP}`]!;
    expect(zone).toMatchObject({ confirmed: 'listed', pending: null, problem: { status: 'timeout' } });

    // The list answers again and still lists it: nothing changed, nothing to say.
    dns.clearRules();
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.delivered).toEqual([]);
  });

  it("groups one channel's changes of a cycle into one message", async () => {
    h = await startHarness({ dns });
    await h.service.add(consoleChannel(), '203.0.113.4/30', { createdBy: 'admin' });
    dns.listIp(IP, 'bl.spamcop.net').listIp('203.0.113.6', 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.delivered).toHaveLength(1);
    const text = alertTexts()[0]!;
    expect(text).toContain('203.0.113.5');
    expect(text).toContain('203.0.113.6');
    expect(text).toContain('203.0.113.4/30');
  });

  it('checks a target once per cycle however many channels watch it, and alerts each channel once', async () => {
    h = await startHarness({ dns });
    const channels = [consoleChannel('C1', 'W1'), consoleChannel('C2', 'W1'), consoleChannel('C1', 'W2')];
    for (const c of channels) await h.service.add(c, IP, { createdBy: 'admin' });
    dns.listIp(IP, 'bl.spamcop.net');
    // Count the checker's checks (DNS packets would count the client's retransmissions too).
    const checker = h.service.checker;
    const check = checker.check.bind(checker);
    const checked: string[] = [];
    (checker as { check: typeof checker.check }).check = async (input, options) => {
      checked.push(input);
      return check(input, options);
    };
    await h.advance(HOUR);
    expect(checked).toEqual([IP]);
    await h.advance(HOUR);
    expect(h.notifier.delivered.map((d) => d.channel)).toEqual(expect.arrayContaining(channels));
    expect(h.notifier.delivered).toHaveLength(3);
    expect(new Set(h.notifier.delivered.map((d) => d.key)).size).toBe(3);
  });

  it('sleeps until the next watch is due (or polls a shared database) rather than ticking', async () => {
    h = await startHarness({ dns });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin', intervalMs: 2 * HOUR });
    await h.running.scheduler.settled();
    // Alone on SQLite it sleeps until the watch is due; on a shared database it also looks
    // every heartbeat period for work other replicas added or left behind.
    const wake = engine.name === 'sqlite' ? 2 * HOUR : h.running.heartbeat.intervalMs;
    expect(h.clock.pendingTimers()).toContain(h.clock.now() + wake);
    const checksBefore = dns.queries.length;
    await h.advance(HOUR);
    expect(dns.queries.length).toBe(checksBefore);
    await h.advance(HOUR);
    expect(dns.queries.length).toBeGreaterThan(checksBefore);
  });

  it('spreads rechecks with a jitter of at most a tenth of the interval', async () => {
    const draws = [0, 0.5, 0.999999];
    let n = 0;
    h = await startHarness({ dns, random: () => draws[n++ % draws.length]! });
    const start = h.clock.now();
    await h.service.add(consoleChannel(), '203.0.113.0/30', { createdBy: 'admin', intervalMs: HOUR });
    const offsets = (await h.store.listWatches(consoleChannel())).map((w) => w.nextDue - start - HOUR).sort((a, b) => a - b);
    expect(offsets[0]).toBe(0);
    expect(offsets).toContain(HOUR / 20);
    expect(Math.max(...offsets)).toBeLessThan(HOUR / 10);
  });

  it('delivers exactly one alert through a notifier that fails three times first, backing off', async () => {
    h = await startHarness({ dns });
    h.notifier.failNext = 3;
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.attempts).toBe(1);
    const [row] = await h.store.allAlerts();
    expect(row).toMatchObject({ attempts: 1, sentAt: null });
    expect(row!.nextAttemptAt - h.clock.now()).toBe(1000);
    await h.advance(1000);
    await h.advance(2000);
    expect(h.notifier.attempts).toBe(3);
    await h.advance(4000);
    expect(h.notifier.attempts).toBe(4);
    await h.advance(HOUR);
    expect(h.notifier.delivered).toHaveLength(1);
    const [sent] = await h.store.allAlerts();
    expect(sent).toMatchObject({ attempts: 4, lastError: null });
    expect(sent!.sentAt).not.toBeNull();
    expect(h.notifier.delivered[0]!.key).toBe(sent!.idempotencyKey);
  });
});
