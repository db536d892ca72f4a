/**
 * Hand-built CheckReports for presentation tests: each shape the /rbl reply must handle
 * (block and policy listings, allow-list hits, refusals, timeouts, errors, names with
 * addresses). The checker itself is tested against the DNS server; these pin down how
 * its results are shown.
 */
import type { CheckReport, CheckSummary, LookupResult } from '../../src/core/check/types.js';

export function lookup(partial: Partial<LookupResult> & Pick<LookupResult, 'zone' | 'status'>): LookupResult {
  return {
    name: partial.zone,
    listType: 'block',
    query: '203.0.113.5',
    codes: [],
    meaning: null,
    txt: null,
    removalUrl: null,
    lookupUrl: null,
    fix: null,
    ms: 12,
    ...partial,
  };
}

export function summarize(results: readonly LookupResult[]): CheckSummary {
  const count = (f: (r: LookupResult) => boolean) => results.filter(f).length;
  return {
    listed: count((r) => r.status === 'listed' && r.listType !== 'allow'),
    clean: count((r) => r.status === 'clean'),
    refused: count((r) => r.status === 'refused'),
    timeout: count((r) => r.status === 'timeout'),
    error: count((r) => r.status === 'error'),
    allowed: count((r) => r.status === 'listed' && r.listType === 'allow'),
  };
}

export function report(partial: Partial<CheckReport> & Pick<CheckReport, 'results'>): CheckReport {
  return {
    target: '203.0.113.5',
    input: '203.0.113.5',
    kind: 'ipv4',
    ptr: 'mail.example.com',
    fcrdns: true,
    ptrError: null,
    addresses: [],
    addressesError: null,
    registrableDomain: null,
    summary: summarize(partial.results),
    resolvers: ['192.0.2.53'],
    resolverProblem: null,
    notes: [],
    ms: 40,
    ...partial,
  };
}

/** n clean lookups on zones clean1.test … cleanN.test. */
export function cleanLookups(n: number, query = '203.0.113.5'): LookupResult[] {
  return Array.from({ length: n }, (_, i) => lookup({ zone: `clean${i + 1}.test`, name: `Clean ${i + 1}`, status: 'clean', query }));
}

/** The example used across tests: 2 listings (1 policy), 1 allow hit, a refusal, a timeout, 37 clean. */
export function mixedReport(): CheckReport {
  return report({
    results: [
      lookup({
        zone: 'zen.spamhaus.org',
        name: 'Spamhaus ZEN',
        status: 'listed',
        listType: 'policy',
        codes: ['127.0.0.10'],
        meaning: 'PBL: the range is not meant to send mail directly to MX servers (ISP maintained).',
        txt: 'https://check.spamhaus.org/query/ip/203.0.113.5',
        removalUrl: 'https://check.spamhaus.org/',
        lookupUrl: 'https://check.spamhaus.org/results?query=203.0.113.5',
      }),
      lookup({
        zone: 'bl.spamcop.net',
        name: 'SpamCop',
        status: 'listed',
        codes: ['127.0.0.2'],
        meaning: 'Listed: reported as a source of spam by SpamCop users.',
        txt: 'Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5',
        removalUrl: 'https://www.spamcop.net/bl.shtml',
      }),
      lookup({
        zone: 'list.dnswl.org',
        name: 'DNSWL',
        status: 'listed',
        listType: 'allow',
        codes: ['127.0.10.1'],
        meaning: 'Allow-listed (low trust).',
      }),
      lookup({
        zone: 'b.barracudacentral.org',
        name: 'Barracuda',
        status: 'refused',
        codes: ['127.255.255.254'],
        meaning: 'The list refused the query: queries through public resolvers are blocked.',
        fix: 'Use your own recursive resolver (not a public one) via RBLBOT_RESOLVERS.',
      }),
      lookup({ zone: 'slow.example.test', name: 'Slow List', status: 'timeout', meaning: null, ms: 4000 }),
      ...cleanLookups(37),
    ],
    notes: ['Your resolver looks like a public one (8.8.8.8); some lists refuse it.'],
  });
}
