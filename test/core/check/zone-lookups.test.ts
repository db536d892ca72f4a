import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadCatalogue } from '../../../src/core/check/catalogue.js';
import type { LookupResult } from '../../../src/core/check/types.js';
import { createDns, type Dns } from '../../../src/core/dns/resolver.js';
import { LookupSlots } from '../../../src/core/check/lookup-slots.js';
import { ZoneRateLimiter } from '../../../src/core/check/rate-limit.js';
import { reverseName } from '../../../src/core/dns/reverse.js';
import { lookUpZones, type AnswerReader } from '../../../src/core/check/zone-lookups.js';
import { TestDnsServer } from '../../support/dns-server.js';

let server: TestDnsServer;
let dns: Dns;
const zones = loadCatalogue().activeFor('ipv4');

beforeAll(async () => {
  server = await TestDnsServer.start();
  dns = createDns({ servers: [server.address], timeoutMs: 500 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** A reader that records the DNS outcome as the result's meaning, so tests see what the lookup got. */
const recording: AnswerReader = (zone, query, name, outcome, startedAt) => ({
  zone: zone.zone,
  name: zone.name,
  listType: zone.listType,
  query,
  status: 'value' in outcome ? 'listed' : 'clean',
  codes: 'value' in outcome ? outcome.value : [],
  meaning: 'value' in outcome ? null : outcome.failure,
  txt: name,
  removalUrl: null,
  lookupUrl: null,
  fix: null,
  ms: Date.now() - startedAt,
});

it('looks every zone up under a small slot cap, results in zone order, and gives every slot back', async () => {
  server.listIp('203.0.113.5', zones[3]!.zone, ['127.0.0.3']);
  const slots = new LookupSlots(2);
  const results = await lookUpZones(
    { dns, slots, rate: new ZoneRateLimiter(500), read: recording },
    zones,
    '203.0.113.5',
    reverseName('203.0.113.5'),
  );
  expect(results.map((r) => r.zone)).toEqual(zones.map((z) => z.zone));
  expect(results.map((r) => r.txt)).toEqual(zones.map((z) => `5.113.0.203.${z.queryZone}`));
  expect(results[3]).toMatchObject({ status: 'listed', codes: ['127.0.0.3'] });
  expect(results.filter((r) => r.status === 'clean').every((r) => r.meaning === 'NXDOMAIN')).toBe(true);
  expect(slots.tryAcquire()).toBe(true);
  expect(slots.tryAcquire()).toBe(true);
  expect(slots.tryAcquire()).toBe(false);
});

it('turns an answer that fails to be read into an error result for that zone alone, and the slot still comes back', async () => {
  const broken = zones[1]!.zone;
  const read: AnswerReader = (zone, ...rest) => {
    if (zone.zone === broken) throw new Error('cannot read this one');
    return recording(zone, ...rest);
  };
  const slots = new LookupSlots(1);
  const results = await lookUpZones({ dns, slots, rate: new ZoneRateLimiter(500), read }, zones, '203.0.113.9', reverseName('203.0.113.9'));
  const failed = results.filter((r) => r.status === 'error');
  expect(failed.map((r) => r.zone)).toEqual([broken]);
  expect(failed[0]!.meaning).toMatch(/cannot read this one/);
  expect(results).toHaveLength(zones.length);
  expect(slots.tryAcquire()).toBe(true);
});

it('waits for the zone rate: a third lookup to one zone at 1 per second goes out about a second later', async () => {
  const one = [zones[0]!];
  const rate = new ZoneRateLimiter(1); // a burst of two, then one a second
  const context = { dns, slots: new LookupSlots(10), rate, read: recording };
  const started = performance.now();
  const first: LookupResult[][] = await Promise.all([1, 2].map((i) => lookUpZones(context, one, `203.0.113.${i}`, reverseName(`203.0.113.${i}`))));
  expect(performance.now() - started).toBeLessThan(400);
  const third = await lookUpZones(context, one, '203.0.113.3', reverseName('203.0.113.3'));
  expect(performance.now() - started).toBeGreaterThan(800);
  expect([...first.flat(), ...third].every((r) => r.meaning === 'NXDOMAIN')).toBe(true);
});

it('resolves at once, with no results, when there is no zone to ask', async () => {
  await expect(
    lookUpZones({ dns, slots: new LookupSlots(1), rate: new ZoneRateLimiter(1), read: recording }, [], '203.0.113.1', '1.113.0.203'),
  ).resolves.toEqual([]);
});

it('turns a lookup that cannot even be sent into an error for that zone, later, without breaking the others', async () => {
  const refused = zones[2]!.queryZone;
  // The real DNS port, except that sending to one zone throws (a fault no resolver can cause).
  const faulty: Dns = {
    ...dns,
    sendA(name, sink) {
      if (name.endsWith(refused)) throw new Error('socket gone');
      dns.sendA(name, sink);
    },
  };
  const slots = new LookupSlots(1);
  const results = await lookUpZones(
    { dns: faulty, slots, rate: new ZoneRateLimiter(500), read: recording },
    zones,
    '203.0.113.7',
    reverseName('203.0.113.7'),
  );
  expect(results).toHaveLength(zones.length);
  const failed = results.filter((r) => r.meaning !== 'NXDOMAIN');
  expect(failed.map((r) => [r.zone, r.meaning])).toEqual([[zones[2]!.zone, 'ERROR']]);
  expect(slots.tryAcquire()).toBe(true);
});
