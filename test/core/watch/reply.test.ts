import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createConsoleNotifier } from '../../../src/adapters/console/notifier.js';
import { alertReply, watchAddedReply } from '../../../src/core/watch/reply.js';
import { lookup, report } from '../../support/reports.js';
import type { WatchChange } from '../../../src/core/watch/types.js';

function change(i: number, now: 'listed' | 'clean' = 'listed'): WatchChange {
  const ip = `198.51.100.${i}`;
  return {
    target: ip,
    label: '198.51.100.0/24',
    zone: 'bl.spamcop.net',
    name: 'SpamCop Blocking List (SCBL)',
    listType: 'block',
    query: ip,
    now,
    codes: ['127.0.0.2'],
    meaning: 'listed (reported to SpamCop)',
    removalUrl: `https://www.spamcop.net/bl.shtml?${ip}`,
    lookupUrl: `https://www.spamcop.net/bl.shtml?${ip}`,
  };
}

describe('alert message', () => {
  it('keeps a big batch within chat limits and puts everything in the full text', () => {
    const reply = alertReply([...Array.from({ length: 30 }, (_, i) => change(i + 1)), change(200, 'clean')]);
    expect(reply.title).toBe('Watch: 31 changes on 31 targets');
    const listed = reply.blocks.find((b) => b.kind === 'list' && b.heading === 'Newly listed');
    expect(listed && listed.kind === 'list' && listed.items.length).toBe(20);
    expect(JSON.stringify(reply.blocks)).toContain('10 more changes in the full report');
    expect(reply.fullText).toContain('LISTED  198.51.100.30 on SpamCop');
    expect(reply.fullText).toContain('CLEARED 198.51.100.200 from SpamCop');
  });

  it('is printed by the console notifier through the text renderer, escapes stripped', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (d) => (printed += d));
    const evil = { ...change(5), meaning: 'bad \u001b]0;pwned\u0007 news' };
    await createConsoleNotifier(out).send({ platform: 'console', workspaceId: 'console', channelId: 'console' }, alertReply([evil]), 'wa-1');
    expect(printed).toContain('Watch: 198.51.100.5 listed on SpamCop Blocking List (SCBL)');
    expect(printed).toContain('Request removal');
    expect(printed).not.toContain('\u001b');
    expect(printed).not.toContain('\u0007');
  });
});

describe('/watch add answer', () => {
  it('lists what is listed now most serious first, whatever the order of the lookups', () => {
    const baseline = report({
      results: [
        lookup({ zone: 'pbl.test', name: 'PBL', status: 'listed', listType: 'policy', codes: ['127.0.0.10'] }),
        lookup({ zone: 'rep.test', name: 'REP', status: 'listed', listType: 'reputation', codes: ['127.0.0.3'] }),
        lookup({ zone: 'sbl.test', name: 'SBL', status: 'listed', listType: 'block', codes: ['127.0.0.2'] }),
      ],
    });
    const reply = watchAddedReply({ label: '203.0.113.5', added: [], existing: [], intervalMs: 3_600_000, reports: [baseline] });
    const now = reply.blocks.find((b) => b.kind === 'list' && b.heading === 'Listed now');
    const zones = now && now.kind === 'list' ? now.items.map((i) => JSON.stringify(i.title).match(/\((\w+\.test)\)/)![1]) : [];
    expect(zones).toEqual(['sbl.test', 'rep.test', 'pbl.test']);
  });
});
