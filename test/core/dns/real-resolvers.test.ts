/**
 * Checks behind the resolvers admins really run (issue 17): rbldnsd serving 50 lists, and
 * in front of it a fresh Unbound (one thread, cold cache) or dnsmasq (its defaults, 150
 * queries forwarded at once). 100 addresses × 50 lists at once: every lookup answered,
 * every listing found with its reason. Needs the Debian packages rbldnsd, unbound and
 * dnsmasq-base; without them these tests are skipped, saying which are missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecker } from '../../../src/core/check/checker.js';
import type { CheckReport } from '../../../src/core/check/types.js';
import { expectedListings, FIXTURE_IPS, fixtureZonesFile, listedReason } from '../../support/dnsbl-fixture.js';
import { missingPrograms, startDnsmasq, startRbldnsd, startUnbound, type RunningServer } from '../../support/real-dns.js';

const missing = missingPrograms(['rbldnsd', 'unbound', 'dnsmasq']);
if (missing) console.warn(`Skipping the checks behind real resolvers: ${missing}.`);

const root = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
let zonesFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rblbot-real-resolvers-'));
  zonesFile = join(dir, 'zones.json');
  writeFileSync(zonesFile, fixtureZonesFile(root));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Check every fixture address at once through `resolver`. */
async function checkAll(resolver: RunningServer): Promise<CheckReport[]> {
  const checker = createChecker({ resolvers: [resolver.address], zonesFile, timeoutMs: 4000 });
  return Promise.all(FIXTURE_IPS.map((ip) => checker.check(ip)));
}

/** Nothing lost, and exactly the fixture's listings found, each with its reason. */
function expectEveryAnswer(reports: readonly CheckReport[]): void {
  const failed = reports.flatMap((r) =>
    r.results.filter((x) => x.status !== 'clean' && x.status !== 'listed').map((x) => `${r.target} ${x.zone}: ${x.meaning}`),
  );
  expect(failed).toEqual([]);
  const found = reports.flatMap((r) => r.results.filter((x) => x.status === 'listed').map((x) => `${r.target} ${x.zone}`));
  expect(new Set(found)).toEqual(expectedListings());
  for (const report of reports) {
    for (const result of report.results.filter((x) => x.status === 'listed')) {
      expect(result.codes).toEqual(['127.0.0.2']);
      expect(result.txt).toBe(listedReason(result.zone).replace('$', report.target));
    }
  }
}

describe.skipIf(Boolean(missing))(`100 addresses × 50 lists behind real resolvers${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('loses nothing behind a fresh Unbound with one thread and a cold cache', async () => {
    const rbldnsd = await startRbldnsd();
    const unbound = await startUnbound(rbldnsd).catch(async (err: unknown) => {
      await rbldnsd.stop();
      throw err;
    });
    try {
      expectEveryAnswer(await checkAll(unbound));
    } finally {
      await unbound.stop();
      await rbldnsd.stop();
    }
  });

  it('loses nothing behind dnsmasq with its defaults (150 queries forwarded at once, REFUSED past that)', async () => {
    const rbldnsd = await startRbldnsd();
    const dnsmasq = await startDnsmasq(rbldnsd).catch(async (err: unknown) => {
      await rbldnsd.stop();
      throw err;
    });
    try {
      expectEveryAnswer(await checkAll(dnsmasq));
    } finally {
      await dnsmasq.stop();
      await rbldnsd.stop();
    }
  });

  it('loses nothing asking rbldnsd itself, which takes no TCP', async () => {
    const rbldnsd = await startRbldnsd();
    try {
      expectEveryAnswer(await checkAll(rbldnsd));
    } finally {
      await rbldnsd.stop();
    }
  });
});
