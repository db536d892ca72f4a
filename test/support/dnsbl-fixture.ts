/**
 * A made-up set of 50 blocklists and 100 addresses, some of them listed, for the checks
 * behind real resolvers (rbldnsd serving the lists, Unbound or dnsmasq in front of it):
 * the scenario of issue 17, 100 IPs × 50 zones = 5,000 lookups, about a hundred listings.
 *
 * Everything is computed, so rbldnsd's data files, the CLI's zone file and the expected
 * listings cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Under .test (RFC 6761): no such names exist anywhere else. */
export const FIXTURE_PARENT = 'dnsbl.rblbot.test';
export const ZONE_COUNT = 50;
export const IP_COUNT = 100;

/** bl01.dnsbl.rblbot.test … bl50.dnsbl.rblbot.test */
export const FIXTURE_ZONES: readonly string[] = Array.from({ length: ZONE_COUNT }, (_, z) => `bl${String(z + 1).padStart(2, '0')}.${FIXTURE_PARENT}`);

/** 100.201.0.1 … 100.201.0.100: public (above 100.64.0.0/10), and no real list cares. */
export const FIXTURE_IPS: readonly string[] = Array.from({ length: IP_COUNT }, (_, i) => `100.201.0.${i + 1}`);

/**
 * Is the i-th address listed on the z-th zone? One in two addresses is listed on one
 * zone, one in five on two more: 100 addresses make 100 listings over most zones.
 */
export function isListed(ipIndex: number, zoneIndex: number): boolean {
  if (ipIndex % 2 === 0 && zoneIndex === (ipIndex * 7) % ZONE_COUNT) return true;
  if (ipIndex % 5 === 0 && (zoneIndex === (ipIndex * 3 + 11) % ZONE_COUNT || zoneIndex === (ipIndex * 13 + 29) % ZONE_COUNT)) return true;
  return false;
}

/** The listings of the first `ipCount` addresses, as "ip zone" strings. */
export function expectedListings(ipCount = IP_COUNT): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < ipCount; i++) for (let z = 0; z < ZONE_COUNT; z++) if (isListed(i, z)) out.add(`${FIXTURE_IPS[i]} ${FIXTURE_ZONES[z]}`);
  return out;
}

/** The code a listing answers with, and its TXT reason (rbldnsd substitutes $ with the address). */
export const LISTED_CODE = '127.0.0.2';
export function listedReason(zone: string): string {
  return `Listed on ${zone}: see https://${zone}/lookup?ip=$`;
}

/**
 * rbldnsd's ip4set data for the z-th zone: a default A value and TXT, the RFC 5782 test
 * point 127.0.0.2 (and never 127.0.0.1), then the listed addresses.
 */
export function rbldnsdData(zoneIndex: number): string {
  const zone = FIXTURE_ZONES[zoneIndex]!;
  const lines = [`:${LISTED_CODE}:${listedReason(zone)}`, '127.0.0.2'];
  for (let i = 0; i < IP_COUNT; i++) if (isListed(i, zoneIndex)) lines.push(FIXTURE_IPS[i]!);
  return `${lines.join('\n')}\n`;
}

/**
 * The CLI's zone file (--zones): the 50 fixture zones added, every built-in zone turned
 * off, so a check asks exactly the fixture zones (and the PTR of the address).
 */
export function fixtureZonesFile(packageRoot: string): string {
  const builtIn = JSON.parse(readFileSync(join(packageRoot, 'data', 'zones.json'), 'utf8')) as { zones: { zone: string; enabled?: boolean }[] };
  const add = FIXTURE_ZONES.map((zone, z) => ({
    zone,
    name: `Bench list ${z + 1}`,
    kinds: ['ipv4'],
    listType: 'block',
    codes: [{ match: LISTED_CODE, meaning: 'listed (fixture)' }],
    testPoint: { honours: true, positive: '127.0.0.2', negative: '127.0.0.1' },
  }));
  const disable = builtIn.zones.filter((z) => z.enabled !== false).map((z) => z.zone);
  return `${JSON.stringify({ add, disable }, null, 2)}\n`;
}
