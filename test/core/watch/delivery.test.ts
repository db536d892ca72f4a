/**
 * What the outbox sender does with each kind of failure a platform returns: a channel
 * refused for good is paused (its alerts held, then posted as one message when it works
 * again), a 429 waits for Retry-After without counting as a failure, and a channel never
 * gets two messages within the pacing gap.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, channelKey } from '../../../src/core/watch/notifier.js';
import { CHANNEL_GAP_MS, PROBE_EVERY_MS } from '../../../src/core/watch/sender.js';
import { watchListReply } from '../../../src/core/watch/reply.js';
import { renderText } from '../../../src/reply/render.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { HOUR, consoleChannel, startHarness, type Harness } from '../../support/watch-harness.js';

const IP = '203.0.113.5';
const OTHER = '203.0.113.6';
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
  dns.unlistIp(IP, 'bl.spamcop.net').unlistIp(OTHER, 'bl.spamcop.net').clearRules();
});

const notInChannel = () =>
  new DeliveryError('rblbot is not a member of this channel.', 'channel', { code: 'not_in_channel', fix: 'Invite it with /invite @rblbot.' });

/** List, then clear, then list again: three confirmed changes, one alert per two hours. */
async function flapTwice(): Promise<void> {
  dns.listIp(IP, 'bl.spamcop.net');
  await h.advance(HOUR);
  await h.advance(HOUR);
  dns.unlistIp(IP, 'bl.spamcop.net');
  await h.advance(HOUR);
  await h.advance(HOUR);
  dns.listIp(IP, 'bl.spamcop.net');
  await h.advance(HOUR);
  await h.advance(HOUR);
}

describe('delivery failures', () => {
  it('pauses a channel the platform refuses, holds its alerts, and posts them as one message when it works again', async () => {
    h = await startHarness({ dns });
    const paused = consoleChannel('C-paused');
    const fine = consoleChannel('C-fine');
    await h.service.add(paused, IP, { createdBy: 'admin' });
    await h.service.add(fine, IP, { createdBy: 'admin' });
    h.notifier.refuse = (c) => (c.channelId === paused.channelId ? notInChannel() : undefined);

    await flapTwice();
    // The other channel got its three alerts; the refused one was tried once, then held.
    expect(h.notifier.delivered.filter((d) => d.channel.channelId === fine.channelId)).toHaveLength(3);
    const triesToPaused = () => h.notifier.attempts - h.notifier.delivered.length;
    // Six hours of 15-minute probes would be 24 tries; the first alert failed, then one probe per 15 minutes.
    expect(triesToPaused()).toBeLessThanOrEqual(1 + (4 * HOUR) / PROBE_EVERY_MS + 1);
    const delivery = await h.service.delivery(paused);
    expect(delivery.pause).toMatchObject({ code: 'not_in_channel', fix: 'Invite it with /invite @rblbot.' });
    expect(delivery.held).toBe(3);
    const firstSince = delivery.pause!.since;

    // /watch list says so, with the fix and what happens to the held alerts.
    const list = renderText(watchListReply(await h.service.list(paused), h.clock.now(), undefined, delivery));
    expect(list).toContain('Alerts to this channel are paused');
    expect(list).toContain('rblbot is not a member of this channel');
    expect(list).toContain('Invite it with /invite @rblbot.');
    expect(list).toContain('3 alerts are held');

    // Still refused at the next probe: the pause stays, since when it started.
    await h.advance(PROBE_EVERY_MS);
    expect((await h.service.delivery(paused)).pause!.since).toBe(firstSince);

    // The bot was invited: the next probe posts the backlog as one message and ends the pause.
    h.notifier.refuse = undefined;
    const before = h.notifier.delivered.length;
    await h.advance(PROBE_EVERY_MS);
    const toPaused = h.notifier.delivered.slice(before);
    expect(toPaused).toHaveLength(1);
    expect(toPaused[0]!.channel).toEqual(paused);
    const summary = renderText(toPaused[0]!.reply);
    expect(summary).toContain('3 held alerts');
    expect(summary).toContain('rblbot could not post here (rblbot is not a member of this channel)');
    expect(toPaused[0]!.reply.fullText).toContain('LISTED  203.0.113.5');
    expect(toPaused[0]!.reply.fullText).toContain('CLEARED 203.0.113.5');
    expect(await h.service.delivery(paused)).toEqual({ pause: null, held: 0 });
    expect((await h.store.allAlerts()).every((a) => a.sentAt !== null)).toBe(true);
  });

  it('resumes at once when a /watch command shows the bot can post there again', async () => {
    h = await startHarness({ dns });
    const channel = consoleChannel();
    await h.service.add(channel, IP, { createdBy: 'admin' });
    h.notifier.refuse = () => notInChannel();
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect((await h.service.delivery(channel)).pause).not.toBeNull();
    // Someone invites the bot 14 minutes later (before the next probe) and runs /watch list.
    await h.advance(14 * 60_000);
    expect(h.notifier.delivered).toHaveLength(0);
    h.notifier.refuse = undefined;
    await h.service.noteChannelAccess(channel, { state: 'ok' });
    await h.advance(0);
    expect(h.notifier.delivered).toHaveLength(1);
    expect(renderText(h.notifier.delivered[0]!.reply)).toContain('Held since');
    expect((await h.service.delivery(channel)).pause).toBeNull();
  });

  it('pauses at /watch add when the adapter sees the bot cannot post, before any alert is lost', async () => {
    h = await startHarness({ dns });
    const channel = consoleChannel();
    await h.service.add(channel, IP, { createdBy: 'admin' });
    const problem = 'rblbot lacks Send Messages here.';
    await h.service.noteChannelAccess(channel, { state: 'blocked', code: '50013', problem, fix: 'Give it Send Messages.' });
    const { pause } = await h.service.delivery(channel);
    const since = h.clock.now();
    expect(pause).toMatchObject({ code: '50013', since, nextProbeAt: since + PROBE_EVERY_MS });
    // The alert two hours later is tried once (a probe: the first one is due by then) and held.
    h.notifier.refuse = () => new DeliveryError(problem, 'channel', { code: '50013', fix: 'Give it Send Messages.' });
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.attempts).toBe(1);
    expect(await h.service.delivery(channel)).toMatchObject({ held: 1, pause: { since, code: '50013' } });
  });

  it('waits for Retry-After on a 429 without counting it as a failed attempt', async () => {
    h = await startHarness({ dns });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    h.notifier.failWith.push(new DeliveryError('Slack asked to slow down.', 'rate-limited', { code: 'ratelimited', retryAfterMs: 30_000 }));
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.attempts).toBe(1);
    const [row] = await h.store.allAlerts();
    expect(row).toMatchObject({ attempts: 0, sentAt: null });
    expect(row!.nextAttemptAt - h.clock.now()).toBe(30_000);
    await h.advance(29_000);
    expect(h.notifier.attempts).toBe(1);
    await h.advance(1000);
    expect(h.notifier.delivered).toHaveLength(1);
    expect((await h.store.allAlerts())[0]).toMatchObject({ attempts: 1 });
  });

  it('keeps back-off for temporary errors and never pauses the channel for them', async () => {
    h = await startHarness({ dns });
    await h.service.add(consoleChannel(), IP, { createdBy: 'admin' });
    h.notifier.failWith.push(new DeliveryError('Slack is having trouble.', 'temporary', { code: 'fatal_error' }), new Error('socket hang up'));
    dns.listIp(IP, 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    await h.advance(1000);
    await h.advance(2000);
    expect(h.notifier.delivered).toHaveLength(1);
    expect((await h.store.allAlerts())[0]).toMatchObject({ attempts: 3, lastError: null });
    expect((await h.service.delivery(consoleChannel())).pause).toBeNull();
  });

  it('sends a backlog for one channel as one message, and one channel at most once per pacing gap', async () => {
    h = await startHarness({ dns });
    const channel = consoleChannel();
    await h.service.add(channel, IP, { createdBy: 'admin' });
    await h.service.add(channel, OTHER, { createdBy: 'admin' });
    h.notifier.failNext = 1_000_000;
    await flapTwice();
    // Six hours of an outage: three alerts queued for the channel.
    expect((await h.store.allAlerts()).filter((a) => a.sentAt === null)).toHaveLength(3);
    h.notifier.failNext = 0;
    await h.advance(600_000);
    expect(h.notifier.delivered).toHaveLength(1);
    expect(renderText(h.notifier.delivered[0]!.reply)).toContain('3 held alerts');
    expect(renderText(h.notifier.delivered[0]!.reply)).toContain('because delivery here failed until now');

    // An alert queued right after a post waits out the gap instead of following within the second.
    const next = { visibility: 'channel' as const, title: 'Watch: another change', level: 'bad' as const, blocks: [] };
    await h.store.commitCycle({ owner: 'test', now: h.clock.now(), claimed: [], states: [], reschedule: [], alerts: [{ channel, reply: next }] });
    h.running.sender.wake();
    await h.advance(0);
    expect(h.notifier.delivered).toHaveLength(1);
    await h.advance(CHANNEL_GAP_MS);
    expect(h.notifier.delivered).toHaveLength(2);
    expect(channelKey(h.notifier.delivered[1]!.channel)).toBe(channelKey(channel));
  });
});
