import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../commands/dispatch.js';
import type { Invocation } from '../../commands/types.js';
import { watchCommand } from '../../commands/watch.js';
import type { Reply } from '../../src/reply/reply.js';
import { TestDnsServer } from '../support/dns-server.js';
import { HOUR, startHarness, type Harness } from '../support/watch-harness.js';

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
  dns.unlistIp('203.0.113.5', 'bl.spamcop.net');
});

function who(opts: { channelId?: string; workspaceId?: string; isAdmin?: boolean; platform?: Invocation['platform'] } = {}): Invocation {
  return {
    platform: opts.platform ?? 'console',
    workspaceId: opts.workspaceId ?? 'W1',
    channelId: opts.channelId ?? 'C1',
    user: { id: 'U1', name: 'alice', isAdmin: opts.isAdmin ?? true },
  };
}

/** Run `/watch <text>` the way every adapter does: through the shared dispatcher. */
async function watch(text: string, invocation: Invocation = who()): Promise<Reply> {
  return dispatchCommand(
    { commands: [watchCommand], services: { checker: h.service.checker, watches: h.service } },
    { name: 'watch', text, invocation },
  );
}

/** The handler alone, skipping the dispatcher's own permission check: /watch refuses by itself too. */
async function runDirect(subcommand: 'add' | 'remove', target: string, invocation: Invocation): Promise<Reply> {
  return watchCommand.run(
    { subcommand, target, intervalMs: undefined, days: undefined },
    { invocation, services: { checker: h.service.checker, watches: h.service }, progress: async () => {} },
  );
}

const text = (r: Reply): string => JSON.stringify(r.blocks);

describe('/watch command', () => {
  it('adds with an interval, answers the current status at once, lists and removes', async () => {
    dns.listIp('203.0.113.5', 'bl.spamcop.net');
    h = await startHarness({ dns });
    const added = await watch('add 203.0.113.5 every 30m');
    expect(added.level).toBe('bad');
    expect(added.visibility).toBe('channel');
    expect(text(added)).toContain('Now watching');
    expect(text(added)).toContain('every 30m');
    expect(text(added)).toContain('SpamCop Blocking List (SCBL)');
    expect(text(added)).toContain('baseline');

    const again = await watch('add 203.0.113.5');
    expect(text(again)).toContain('already watches');

    const list = await watch('list');
    expect(text(list)).toContain('203.0.113.5');
    expect(text(list)).toContain('Listed on: SpamCop Blocking List (SCBL) (bl.spamcop.net)');
    expect(text(list)).toContain('Every 30m');
    expect(text(list)).toContain('next in 30m');

    const removed = await watch('remove 203.0.113.5');
    expect(text(removed)).toContain('Stopped watching 203.0.113.5');
    expect(text(await watch('list'))).toContain('This channel watches nothing yet.');
  });

  it('says so when the list is empty', async () => {
    h = await startHarness({ dns });
    const r = await watch('list');
    expect(r.level).toBe('info');
    expect(text(r)).toContain('watches nothing yet');
  });

  it('rechecks this channel now with /watch check, showing a pending change', async () => {
    h = await startHarness({ dns });
    await watch('add 203.0.113.5');
    dns.listIp('203.0.113.5', 'bl.spamcop.net');
    const first = await watch('check');
    expect(text(first)).toContain('Rechecked 1 target');
    expect(text(first)).toContain('Pending: listed on SpamCop Blocking List (SCBL) (bl.spamcop.net), seen 1 time');
    // Twice in a row confirms nothing: the second is refused (cooldown), and a check within
    // the shortest interval (15 minutes) of the first sighting does not confirm it either.
    const again = await watch('check');
    expect(text(again)).toContain("This channel's watches were rechecked just now");
    expect(text(again)).toContain('/watch check works again in 5m');
    await h.advance(5 * 60_000);
    const second = await watch('check');
    expect(text(second)).toContain('no confirmed change');
    expect(text(second)).toContain('seen 2 times');
    await h.advance(10 * 60_000);
    const third = await watch('check');
    expect(text(third)).toContain('1 change confirmed');
    await h.running.sender.settled();
    expect(h.notifier.delivered).toHaveLength(1);
  });

  it('shows "could not check" lists in /watch list', async () => {
    h = await startHarness({ dns, timeoutMs: 1000 });
    await watch('add 203.0.113.5');
    dns.rule({ suffix: 'psbl.surriel.com', behaviour: 'silent' });
    try {
      await h.advance(HOUR);
      const list = await watch('list');
      expect(text(list)).toContain('Could not check: psbl.surriel.com (timeout)');
    } finally {
      dns.clearRules();
    }
  });

  it('refuses add and remove to non-admins, but lets them list and check', async () => {
    h = await startHarness({ dns });
    await watch('add 203.0.113.5');
    const user = who({ isAdmin: false });
    for (const cmd of ['add 203.0.113.9', 'remove 203.0.113.5']) {
      const r = await watch(cmd, user);
      expect(r.visibility).toBe('ephemeral');
      expect(r.level).toBe('error');
      expect(text(r)).toMatch(/Only admins may run \/watch (add|remove)/);
      const direct = await runDirect(cmd.split(' ')[0] as 'add' | 'remove', cmd.split(' ')[1]!, user);
      expect(direct.title).toBe('Not allowed');
      expect(text(direct)).toMatch(/Only admins can (add|remove) watches/);
    }
    expect((await h.service.list({ platform: 'console', workspaceId: 'W1', channelId: 'C1' })).map((v) => v.label)).toEqual(['203.0.113.5']);
    expect(text(await watch('list', user))).toContain('203.0.113.5');
    expect(text(await watch('check', user))).toContain('Rechecked 1 target');
  });

  it('keeps channels and workspaces apart', async () => {
    h = await startHarness({ dns });
    await watch('add 203.0.113.5', who({ channelId: 'C1', workspaceId: 'W1' }));
    expect(text(await watch('list', who({ channelId: 'C2', workspaceId: 'W1' })))).toContain('watches nothing yet');
    expect(text(await watch('list', who({ channelId: 'C1', workspaceId: 'W2' })))).toContain('watches nothing yet');
    expect(text(await watch('list', who({ channelId: 'C1', workspaceId: 'W1', platform: 'slack' })))).toContain('watches nothing yet');
    const other = await watch('remove 203.0.113.5', who({ channelId: 'C1', workspaceId: 'W2' }));
    expect(other.level).toBe('error');
    expect(text(other)).toContain('does not watch 203.0.113.5');
    expect(text(await watch('list', who({ channelId: 'C1', workspaceId: 'W1' })))).toContain('203.0.113.5');

    // An alert for W1/C1 never reaches the other channels.
    dns.listIp('203.0.113.5', 'bl.spamcop.net');
    await h.advance(HOUR);
    await h.advance(HOUR);
    expect(h.notifier.delivered.map((d) => d.channel)).toEqual([{ platform: 'console', workspaceId: 'W1', channelId: 'C1' }]);
  });

  it('refuses bad targets, oversized and private ranges, with clear sentences', async () => {
    h = await startHarness({ dns });
    const bad = await watch('add not_a_host!');
    expect(bad.level).toBe('error');
    expect(text(bad)).toContain('is not an IP address, domain, hostname or IPv4 range');

    const big = await watch('add 203.0.112.0/22');
    expect(text(big)).toContain('203.0.112.0/22 has 1,024 addresses; at most a /24 (256 addresses) is checked at once');

    const priv = await watch('add 10.1.2.0/28');
    expect(text(priv)).toContain('private (RFC 1918) range');

    const v6range = await watch('add 2001:db8::/64');
    expect(text(v6range)).toContain('Only IPv4 ranges can be checked at once');

    const loopback = await watch('add 127.0.0.1');
    expect(loopback.level).toBe('error');
    expect(text(loopback)).toContain('loopback');

    const noTarget = await watch('add');
    expect(text(noTarget)).toContain('Say what to watch');

    expect(await h.store.listWatches({ platform: 'console', workspaceId: 'W1', channelId: 'C1' })).toEqual([]);
  });

  it('watches each address of a range up to /24 and removes the range as one', async () => {
    h = await startHarness({ dns });
    const r = await watch('add 203.0.113.0/24 every 1d');
    expect(text(r)).toContain('203.0.113.0/24 (256 addresses)');
    expect(await h.store.listWatches({ platform: 'console', workspaceId: 'W1', channelId: 'C1' })).toHaveLength(256);
    const list = await watch('list');
    expect(text(list)).toContain('203.0.113.0/24');
    expect(text(list)).toContain('(256 addresses)');
    const removed = await watch('remove 203.0.113.0/24');
    expect(text(removed)).toContain('256 addresses');
    expect(await h.store.listWatches({ platform: 'console', workspaceId: 'W1', channelId: 'C1' })).toEqual([]);
  });

  it('removes a watch by any form of its address that /watch add normalised', async () => {
    h = await startHarness({ dns });
    await watch('add ::ffff:203.0.113.5');
    const removed = await watch('remove ::ffff:203.0.113.5');
    expect(text(removed)).toContain('Stopped watching 203.0.113.5');
    await watch('add 203.0.113.0/30');
    expect(text(await watch('remove 203.0.113.1/30'))).toContain('Stopped watching 203.0.113.0/30');
  });

  it('counts the lists it could not check, not the lookups, and names them', async () => {
    // Long enough that only the silent list fails on a busy machine.
    h = await startHarness({ dns, timeoutMs: 1000 });
    dns.rule({ suffix: 'psbl.surriel.com', behaviour: 'silent' });
    try {
      const added = await watch('add 203.0.113.0/29');
      // 8 addresses × 1 silent list: one list, for 8 addresses.
      expect(text(added)).toContain('Could not check 1 list for 8 addresses this time (psbl.surriel.com)');
    } finally {
      dns.clearRules();
    }
  });

  it('refuses intervals below the minimum and bad durations', async () => {
    h = await startHarness({ dns });
    const short = await watch('add 203.0.113.5 every 5m');
    expect(text(short)).toContain('The shortest interval is 15m');
    const garbage = await watch('add 203.0.113.5 every soon');
    expect(text(garbage)).toContain('is not a duration');
    const long = await watch('add 203.0.113.5 every 90d');
    expect(text(long)).toContain('The longest interval is 30d');
  });

  it('lets RBLBOT_MIN_INTERVAL lower the minimum', async () => {
    h = await startHarness({ dns, minIntervalMs: 30_000 });
    const r = await watch('add 203.0.113.5 every 30s');
    expect(text(r)).toContain('every 30s');
  });

  it('enforces the per-channel and per-workspace caps with clear messages', async () => {
    h = await startHarness({ dns, limits: { perChannel: 4, perWorkspace: 6 } });
    expect(text(await watch('add 203.0.113.0/30'))).toContain('Now watching');
    const over = await watch('add 203.0.113.9');
    expect(text(over)).toContain('A channel can watch at most 4 targets; this channel has 4, and this would add 1');
    expect(text(await watch('add 203.0.113.20', who({ channelId: 'C2' })))).toContain('Now watching');
    const ws = await watch('add 203.0.113.22/31', who({ channelId: 'C3' }));
    expect(text(ws)).toContain('A workspace can watch at most 6 targets; this workspace has 5, and this would add 2');
    // Another workspace has its own budget.
    expect(text(await watch('add 203.0.113.21', who({ workspaceId: 'W2' })))).toContain('Now watching');
  });

  it('refuses /watch from the one-shot CLI', async () => {
    h = await startHarness({ dns });
    const r = await watch('list', who({ platform: 'cli' }));
    expect(text(r)).toContain('not from the one-shot CLI');
  });
});
