import { describe, expect, it } from 'vitest';
import { applyReport } from '../../../src/core/watch/status.js';
import { lookup, report } from '../../support/reports.js';

// The state machine alone, on hand-built reports; the DNS-driven tests cover the same rules end to end.
describe('per-list state', () => {
  const listedOn = (zone: string, query = '203.0.113.5') => lookup({ zone, query, status: 'listed', codes: ['127.0.0.2'], meaning: 'spam' });
  const cleanOn = (zone: string, query = '203.0.113.5') => lookup({ zone, query, status: 'clean' });

  it('stores only exceptions: a clean target keeps an empty map', () => {
    const { state } = applyReport(undefined, report({ results: [cleanOn('a.example'), cleanOn('b.example')] }), 1);
    expect(state).toMatchObject({ baselined: true, lastChecked: 1, zones: {} });
  });

  it('never alerts allow-list changes', () => {
    const allow = (status: 'listed' | 'clean') => lookup({ zone: 'wl.example', status, listType: 'allow' });
    let { state } = applyReport(undefined, report({ results: [allow('clean')] }), 1);
    for (let i = 0; i < 3; i++) {
      const next = applyReport(state, report({ results: [allow('listed')] }), 2 + i);
      expect(next.changes).toEqual([]);
      state = next.state;
    }
    expect(state.zones['wl.example|203.0.113.5']).toMatchObject({ confirmed: 'listed' });
  });

  it('confirms a change only when its sightings are the shortest interval apart', () => {
    const gap = { confirmGapMs: 900_000 };
    const base = applyReport(undefined, report({ results: [cleanOn('a.example')] }), 0, gap).state;
    const first = applyReport(base, report({ results: [listedOn('a.example')] }), 1_000_000, gap);
    const soon = applyReport(first.state, report({ results: [listedOn('a.example')] }), 1_000_300, gap);
    expect(soon.changes).toEqual([]);
    expect(soon.state.zones['a.example|203.0.113.5']).toMatchObject({ pending: 'listed', pendingCount: 2, pendingSince: 1_000_000 });
    const later = applyReport(soon.state, report({ results: [listedOn('a.example')] }), 1_900_000, gap);
    expect(later.changes).toHaveLength(1);
    expect(later.state.zones['a.example|203.0.113.5']).toMatchObject({ confirmed: 'listed', pending: null });
  });

  it('takes a list first answering after timeouts as its baseline, not as a change', () => {
    const { state } = applyReport(undefined, report({ results: [lookup({ zone: 'a.example', status: 'timeout' })] }), 1);
    expect(state.zones['a.example|203.0.113.5']).toMatchObject({ confirmed: null, problem: { status: 'timeout' } });
    const next = applyReport(state, report({ results: [listedOn('a.example')] }), 2);
    expect(next.changes).toEqual([]);
    expect(next.state.zones['a.example|203.0.113.5']).toMatchObject({ confirmed: 'listed', pending: null });
  });

  it('forgets addresses a name no longer resolves to, but keeps them when resolution failed', () => {
    const name = { target: 'mail.example.com', input: 'mail.example.com', kind: 'domain' as const };
    const first = applyReport(undefined, report({ ...name, addresses: ['192.0.2.1'], results: [listedOn('zen.example', '192.0.2.1')] }), 1).state;
    expect(Object.keys(first.zones)).toEqual(['zen.example|192.0.2.1']);
    const failed = applyReport(first, report({ ...name, addresses: [], results: [cleanOn('dbl.example', 'mail.example.com')] }), 2).state;
    expect(Object.keys(failed.zones)).toEqual(['zen.example|192.0.2.1']);
    const moved = applyReport(failed, report({ ...name, addresses: ['192.0.2.2'], results: [cleanOn('zen.example', '192.0.2.2')] }), 3).state;
    expect(moved.zones).toEqual({});
  });
});
