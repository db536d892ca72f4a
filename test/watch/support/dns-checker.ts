/**
 * A small Checker that really queries DNS (node:dns against TestDnsServer) for the watch
 * tests, used until the lead's createChecker is on this branch. It follows the Checker
 * contract: one lookup per zone, NXDOMAIN = clean, silence = timeout, never "clean" for
 * a failure, TargetError for private addresses and garbage.
 */
import { Resolver } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { TargetError, type CheckReport, type ListType, type LookupResult, type ZoneKind } from '../../../src/core/check-types.js';
import type { Checker } from '../../../src/core/checker.js';

export interface TestZone {
  zone: string;
  name: string;
  kinds: ZoneKind[];
  listType: ListType;
  meaning: string;
  removalUrl: string;
}

export const TEST_ZONES: TestZone[] = [
  { zone: 'bl.test', name: 'Test Block List', kinds: ['ipv4', 'ipv6'], listType: 'block', meaning: 'Sent spam to test traps.', removalUrl: 'https://bl.test/remove' },
  { zone: 'pbl.test', name: 'Test Policy List', kinds: ['ipv4'], listType: 'policy', meaning: 'Dynamic address range.', removalUrl: 'https://pbl.test/remove' },
  { zone: 'dbl.test', name: 'Test Domain List', kinds: ['domain'], listType: 'block', meaning: 'Domain seen in spam.', removalUrl: 'https://dbl.test/remove' },
];

export function createDnsChecker(options: { resolver: string; timeoutMs: number; zones?: TestZone[] }): Checker {
  const zones = options.zones ?? TEST_ZONES;
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  resolver.setServers([options.resolver]);

  async function lookup(z: TestZone, query: string, name: string): Promise<LookupResult> {
    const started = Date.now();
    const base = { zone: z.zone, name: z.name, listType: z.listType, query, txt: null, lookupUrl: null, fix: null };
    try {
      const codes = await resolver.resolve4(name);
      return { ...base, status: 'listed', codes, meaning: z.meaning, removalUrl: z.removalUrl, ms: Date.now() - started };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const status = code === 'ENOTFOUND' || code === 'ENODATA' ? 'clean' : code === 'ETIMEOUT' ? 'timeout' : code === 'EREFUSED' ? 'refused' : 'error';
      return { ...base, status, codes: [], meaning: status === 'clean' ? null : `DNS ${code}`, removalUrl: null, ms: Date.now() - started };
    }
  }

  return {
    zoneCount: (kind) => zones.filter((z) => z.kinds.includes(kind)).length,
    async check(input) {
      const started = Date.now();
      const text = input.trim().toLowerCase();
      let kind: ZoneKind;
      let reversed: string;
      let target = text;
      if (ipaddr.isValid(text)) {
        const addr = ipaddr.parse(text);
        if (addr.range() !== 'unicast' && addr.range() !== 'reserved') {
          throw new TargetError(`${text} is a ${addr.range()} address; blocklists only list public addresses.`, input);
        }
        target = addr.toString();
        kind = addr.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
        reversed = kind === 'ipv4' ? target.split('.').reverse().join('.') : (addr as ipaddr.IPv6).toByteArray().map((b) => b.toString(16).padStart(2, '0')).join('').split('').reverse().join('.');
      } else if (/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/.test(text)) {
        kind = 'domain';
        reversed = text;
      } else {
        throw new TargetError(`"${input}" is not an IP address or a domain.`, input);
      }
      const results = await Promise.all(zones.filter((z) => z.kinds.includes(kind)).map((z) => lookup(z, target, `${reversed}.${z.zone}`)));
      const n = (s: string) => results.filter((r) => r.status === s).length;
      return {
        target,
        input,
        kind,
        ptr: null,
        fcrdns: null,
        addresses: [],
        registrableDomain: null,
        results,
        summary: { listed: n('listed'), clean: n('clean'), refused: n('refused'), timeout: n('timeout'), error: n('error'), allowed: 0 },
        notes: [],
        ms: Date.now() - started,
      } satisfies CheckReport;
    },
  };
}
