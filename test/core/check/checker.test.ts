import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TargetError } from '../../../src/core/check/types.js';
import { createChecker, type Checker } from '../../../src/core/check/checker.js';
import { checkReportReply } from '../../../src/core/check/reply.js';
import { loadCatalogue } from '../../../src/core/check/catalogue.js';
import { TestDnsServer } from '../../support/dns-server.js';

let dns: TestDnsServer;
let checker: Checker;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  checker = createChecker({ resolvers: [dns.address], timeoutMs: 400 });
});
afterAll(() => dns.close());

function reset(): void {
  dns.reset();
}

describe('checking an IPv4 address', () => {
  beforeEach(reset);

  it('reports every lookup state and never counts a failure as clean', async () => {
    dns.listIp('203.0.113.5', 'zen.spamhaus.org', ['127.0.0.4'], 'Listed by XBL, see https://check.spamhaus.org/');
    dns.listIp('203.0.113.5', 'bl.spamcop.net');
    dns.rule({ suffix: 'psbl.surriel.com', behaviour: 'silent' });
    dns.rule({ suffix: 'all.s5h.net', behaviour: 'servfail' });
    dns.listIp('203.0.113.5', 'dnsbl.justspam.org', ['91.195.240.117']); // a parked domain's web server

    const report = await checker.check('203.0.113.5');
    const by = (zone: string) => report.results.find((r) => r.zone === zone)!;

    expect(by('zen.spamhaus.org')).toMatchObject({
      status: 'listed',
      listType: 'block',
      codes: ['127.0.0.4'],
      txt: 'Listed by XBL, see https://check.spamhaus.org/',
      query: '203.0.113.5',
    });
    expect(by('zen.spamhaus.org').meaning).toMatch(/XBL/);
    expect(by('bl.spamcop.net')).toMatchObject({ status: 'listed', removalUrl: 'https://www.spamcop.net/bl.shtml?203.0.113.5' });
    expect(by('psbl.surriel.com').status).toBe('timeout');
    expect(by('all.s5h.net').status).toBe('error');
    expect(by('dnsbl.justspam.org')).toMatchObject({ status: 'error' });
    expect(by('bl.mailspike.net').status).toBe('clean');
    expect(report.summary).toMatchObject({ listed: 2, timeout: 1, error: 2, refused: 0 });
    expect(report.summary.clean).toBe(report.results.length - 5);
    // A check alone asks each zone's A record and TXT reason at once (one round trip for a listing).
    const count = (name: string) => dns.queries.filter((q) => q === name).length;
    expect(count('5.113.0.203.zen.spamhaus.org')).toBeGreaterThanOrEqual(2);
    expect(count('5.113.0.203.bl.mailspike.net')).toBeGreaterThanOrEqual(2);
  });

  it('asks TXT reasons only of listings in a bulk check, so as not to double its queries', async () => {
    const ips = Array.from({ length: 40 }, (_, i) => `198.51.100.${i + 1}`);
    dns.listIp('198.51.100.40', 'bl.spamcop.net', ['127.0.0.2'], 'listed in bulk');
    // A long timeout: no lookup is asked twice because TCP was slow to answer (a hedge).
    const bulk = createChecker({ resolvers: [dns.address], timeoutMs: 10_000 });
    const reports = await Promise.all(ips.map((ip) => bulk.check(ip)));
    expect(reports.at(-1)!.results.find((r) => r.zone === 'bl.spamcop.net')!.txt).toBe('listed in bulk');
    const name = (ip: string) => `${ip.split('.').reverse().join('.')}.bl.mailspike.net`;
    // Only the first few (alone enough) ask TXT beside A; the rest ask A alone. (Counted by
    // type: a retry of an A lookup on a loaded machine is not a TXT.)
    const txt = new Set(dns.asked('TXT'));
    expect(ips.filter((ip) => txt.has(name(ip))).length).toBeLessThanOrEqual(5);
    const a = new Set(dns.asked('A'));
    expect(ips.every((ip) => a.has(name(ip)))).toBe(true);
  });

  it('reads refusal codes as refusals with a fix, not as listings', async () => {
    dns.listIp('198.51.100.7', 'zen.spamhaus.org', ['127.255.255.254']);
    const report = await checker.check('198.51.100.7');
    const zen = report.results.find((r) => r.zone === 'zen.spamhaus.org')!;
    expect(zen.status).toBe('refused');
    expect(zen.fix).toMatch(/own recursive resolver|DQS/);
    expect(report.summary.listed).toBe(0);
    expect(report.summary.refused).toBe(1);
    expect(report.notes.join(' ')).toMatch(/resolver/i);
  });

  it('treats 127.0.0.1 and undocumented codes as errors, allow-list hits as good news', async () => {
    dns.listIp('198.51.100.8', 'bl.spamcop.net', ['127.0.0.1']);
    dns.listIp('198.51.100.8', 'dnsbl.dronebl.org', ['127.0.0.99']);
    dns.listIp('198.51.100.8', 'list.dnswl.org', ['127.0.5.2']);
    const report = await checker.check('198.51.100.8');
    const by = (zone: string) => report.results.find((r) => r.zone === zone)!;
    expect(by('bl.spamcop.net').status).toBe('error');
    expect(by('dnsbl.dronebl.org').status).toBe('error');
    expect(by('list.dnswl.org')).toMatchObject({ status: 'listed', listType: 'allow' });
    expect(report.summary).toMatchObject({ listed: 0, allowed: 1 });
  });

  it('marks policy listings (PBL inside ZEN, UCEPROTECT level 2) with lower severity', async () => {
    dns.listIp('198.51.100.9', 'zen.spamhaus.org', ['127.0.0.11']);
    dns.listIp('198.51.100.9', 'dnsbl-2.uceprotect.net');
    const report = await checker.check('198.51.100.9');
    expect(report.results.find((r) => r.zone === 'zen.spamhaus.org')).toMatchObject({ status: 'listed', listType: 'policy' });
    expect(report.results.find((r) => r.zone === 'dnsbl-2.uceprotect.net')).toMatchObject({ status: 'listed', listType: 'policy' });
    // ZEN answering SBL and PBL together is a block listing
    dns.listIp('198.51.100.10', 'zen.spamhaus.org', ['127.0.0.2', '127.0.0.10']);
    const both = await checker.check('198.51.100.10');
    expect(both.results.find((r) => r.zone === 'zen.spamhaus.org')).toMatchObject({ listType: 'block', codes: ['127.0.0.2', '127.0.0.10'] });
  });

  it('reports PTR and forward-confirmed reverse DNS', async () => {
    dns.add('5.113.0.203.in-addr.arpa', 'PTR', 'mail.example.com').add('mail.example.com', 'A', '203.0.113.5');
    dns.add('6.113.0.203.in-addr.arpa', 'PTR', 'other.example.com').add('other.example.com', 'A', '203.0.113.99');
    expect(await checker.check('203.0.113.5')).toMatchObject({ ptr: 'mail.example.com', fcrdns: true });
    expect(await checker.check('203.0.113.6')).toMatchObject({ ptr: 'other.example.com', fcrdns: false });
    expect(await checker.check('203.0.113.7')).toMatchObject({ ptr: null, fcrdns: false });
  });

  it('returns within the timeout when lists are silent', async () => {
    for (const zone of ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org']) dns.rule({ suffix: zone, behaviour: 'silent' });
    const started = Date.now();
    const report = await checker.check('203.0.113.20');
    expect(
      report.results
        .filter((r) => r.status === 'timeout')
        .map((r) => r.zone)
        .sort(),
    ).toEqual(['b.barracudacentral.org', 'bl.spamcop.net', 'zen.spamhaus.org']);
    // Not a speed assertion: the check must not wait for c-ares' own retries (several seconds).
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('other targets', () => {
  beforeEach(reset);

  it('checks IPv6 with nibble-reversed names on IPv6 lists only', async () => {
    const report = await checker.check('2001:DB8::25');
    expect(report.kind).toBe('ipv6');
    expect(report.target).toBe('2001:db8::25');
    const nibbles = '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2';
    expect(dns.queries).toContain(`${nibbles}.zen.spamhaus.org`);
    expect(report.results.every((r) => checker.catalogue.find(r.zone)!.kinds.includes('ipv6'))).toBe(true);
    expect(report.results.length).toBe(checker.zoneCount('ipv6'));
  });

  it('checks a host name on domain lists, its registrable domain, and each address on IP lists', async () => {
    dns.add('mail.example.co.uk', 'A', '203.0.113.25').add('mail.example.co.uk', 'AAAA', '2001:db8::25');
    dns.add('example.co.uk.dbl.spamhaus.org', 'A', '127.0.1.2');
    const report = await checker.check('Mail.Example.CO.UK.');
    expect(report).toMatchObject({ kind: 'domain', target: 'mail.example.co.uk', registrableDomain: 'example.co.uk' });
    expect(report.addresses).toEqual(['203.0.113.25', '2001:db8::25']);
    const queries = new Set(report.results.map((r) => r.query));
    expect(queries).toEqual(new Set(['mail.example.co.uk', 'example.co.uk', '203.0.113.25', '2001:db8::25']));
    expect(report.results.find((r) => r.query === 'example.co.uk' && r.zone === 'dbl.spamhaus.org')).toMatchObject({ status: 'listed' });
    // never an IP on a domain list, nor a name on an IP list
    for (const r of report.results) {
      const kinds = checker.catalogue.find(r.zone)!.kinds;
      expect(kinds).toContain(r.query.includes(':') ? 'ipv6' : /^\d/.test(r.query) ? 'ipv4' : 'domain');
    }
  });

  it('checks at most 10 addresses of a name on the IP lists, naming how many were skipped', async () => {
    for (let i = 1; i <= 200; i++) dns.add('big.example.net', 'A', `198.51.100.${i}`);
    const report = await checker.check('big.example.net');
    expect(report.addresses).toHaveLength(200);
    const queried = new Set(report.results.filter((r) => r.query !== 'big.example.net' && r.query !== 'example.net').map((r) => r.query));
    expect(queried.size).toBe(10);
    expect(report.notes).toContain(
      'big.example.net has 200 addresses; the first 10 were checked on the IP lists and 190 were skipped (check them one by one, or as a range).',
    );
  });

  it('skips private addresses a name resolves to, saying so', async () => {
    dns.add('intranet.example.com', 'A', '10.1.2.3');
    const report = await checker.check('intranet.example.com');
    expect(report.results.every((r) => r.query === 'intranet.example.com' || r.query === 'example.com')).toBe(true);
    expect(report.notes.join(' ')).toMatch(/10\.1\.2\.3.*skipped/);
  });

  it('normalises what people paste', async () => {
    expect((await checker.check(' [203.0.113.5] ')).target).toBe('203.0.113.5');
    expect((await checker.check('postmaster@Example.ORG')).target).toBe('example.org');
    expect((await checker.check('::ffff:203.0.113.5')).kind).toBe('ipv4');
  });

  it('refuses addresses no public list can list, with a reason', async () => {
    for (const [input, why] of [
      ['10.0.0.1', /private/],
      ['192.168.1.1', /private/],
      ['127.0.0.1', /loopback/],
      ['169.254.0.1', /link-local/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['224.0.0.5', /multicast/],
      ['0.0.0.0', /unspecified/],
      ['::1', /loopback/],
      ['fe80::1', /link-local/],
      ['fd00::1', /unique-local/],
      ['1.2.3', /not a dotted-decimal IPv4/],
      ['300.1.1.1', /not a valid IPv4/],
      ['no spaces.example.com', /not an IP address or a domain/],
      ['server', /full domain name/],
      ['', /Give an IP address/],
    ] as const) {
      await expect(checker.check(input), input).rejects.toThrow(why);
      await expect(checker.check(input)).rejects.toBeInstanceOf(TargetError);
    }
    expect(dns.queries).toHaveLength(0);
  });
});

describe('catalogue and keys', () => {
  beforeEach(reset);

  it('queries only active zones: no dead list, no superseded or key-less zone', () => {
    const active = checker.catalogue.active.map((z) => z.zone);
    expect(active).toContain('zen.spamhaus.org');
    for (const off of ['sbl.spamhaus.org', 'cbl.abuseat.org', 'dnsbl.sorbs.net', 'ix.dnsbl.manitu.net']) expect(active).not.toContain(off);
    expect(active.some((z) => z.includes('<key>'))).toBe(false);
    expect(checker.catalogue.defunctFor('spam.dnsbl.sorbs.net')?.name).toMatch(/SORBS/);
  });

  it('uses DQS zones instead of public Spamhaus with a key, and never shows the key', async () => {
    const keyed = createChecker({ resolvers: [dns.address], timeoutMs: 400, keys: { SPAMHAUS_DQS_KEY: 'SeCrEtKeY123' } });
    dns.add('5.113.0.203.secretkey123.zen.dq.spamhaus.net', 'A', '127.0.0.2');
    dns.add('5.113.0.203.secretkey123.zen.dq.spamhaus.net', 'TXT', 'listed: 5.113.0.203.secretkey123.zen.dq.spamhaus.net');
    const report = await keyed.check('203.0.113.5');
    expect(dns.queries).not.toContain('5.113.0.203.zen.spamhaus.org');
    const dq = report.results.find((r) => r.zone === '<key>.zen.dq.spamhaus.net')!;
    expect(dq.status).toBe('listed');
    expect(JSON.stringify(report).toLowerCase()).not.toContain('secretkey123');

    // nor in the reason of a failed lookup
    const unreachable = createChecker({ resolvers: ['127.0.0.1:9'], timeoutMs: 300, keys: { SPAMHAUS_DQS_KEY: 'SeCrEtKeY123' } });
    const failed = await unreachable.check('203.0.113.5');
    expect(failed.results.find((r) => r.zone === '<key>.zen.dq.spamhaus.net')!.status).toBe('error');
    expect(JSON.stringify(failed).toLowerCase()).not.toContain('secretkey123');
  });

  it('applies a user zone file and names a bad entry clearly', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'rblbot-zones-'));
    const good = join(dir, 'zones.json');
    writeFileSync(
      good,
      JSON.stringify({
        disable: ['bl.spamcop.net'],
        enable: ['sbl.spamhaus.org'],
        add: [{ zone: 'rbl.example.net', name: 'Our own list', kinds: ['ipv4'], listType: 'block' }],
      }),
    );
    const custom = loadCatalogue({ zonesFile: good });
    const active = custom.active.map((z) => z.zone);
    expect(active).toContain('rbl.example.net');
    expect(active).toContain('sbl.spamhaus.org');
    expect(active).not.toContain('bl.spamcop.net');

    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        add: [
          { zone: 'ok.example.net', name: 'x', kinds: ['ipv4'], listType: 'block' },
          { zone: 'broken.example.net', name: 'y', kinds: ['ipv5'], listType: 'block' },
        ],
      }),
    );
    expect(() => loadCatalogue({ zonesFile: bad })).toThrow(/add\[1\] \(broken\.example\.net\): kinds/);
    const dead = join(dir, 'dead.json');
    writeFileSync(dead, JSON.stringify({ add: [{ zone: 'dnsbl.sorbs.net', name: 'SORBS', kinds: ['ipv4'], listType: 'block' }] }));
    expect(() => loadCatalogue({ zonesFile: dead })).toThrow(/SORBS.*dead/);
  });
});

describe('zone health probe', () => {
  beforeEach(reset);

  it('finds healthy, refusing, silent, test-point-less and list-everything zones', async () => {
    // 1.5 s: a loaded machine must not turn a slow answer into a silent zone.
    const probeChecker = createChecker({ resolvers: [dns.address], timeoutMs: 1500 });
    dns.listIp('127.0.0.1', 'bl.spamcop.net', ['127.0.0.2']); // lists everything
    dns.listIp('127.0.0.2', 'list.dnswl.org', ['127.0.0.255']); // dnswl refusing this resolver
    dns.rule({ suffix: 'psbl.surriel.com', behaviour: 'silent' });
    dns.rule({ suffix: '2.0.0.127.bl.mailspike.net', behaviour: 'nxdomain' });
    dns.rule({ suffix: 'test.dbl.spamhaus.org', behaviour: 'nxdomain' }); // the catalogue says dbltest.com, not test
    const probed = await probeChecker.probe();
    const health = new Map(probed.map((h) => [h.zone, h.state]));
    expect(health.get('zen.spamhaus.org')).toBe('healthy');
    expect(health.get('dbl.spamhaus.org')).toBe('healthy');
    expect(health.get('bl.ipv6.spameatingmonkey.net')).toBe('healthy'); // ::ffff:7f00:2, RFC 5782's IPv6 test point
    expect(health.get('bl.spamcop.net')).toBe('lists-everything');
    expect(health.get('list.dnswl.org')).toBe('refusing');
    expect(health.get('psbl.surriel.com')).toBe('not-answering');
    expect(health.get('bl.mailspike.net')).toBe('no-test-point');
    expect(dns.queries).toContain('2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.bl.ipv6.spameatingmonkey.net');
    expect(dns.queries).toContain('dbltest.com.dbl.spamhaus.org');
    expect(probeChecker.health().get('bl.mailspike.net')?.positive).toBe('127.0.0.2');
  });
});

describe('earned verdicts', () => {
  beforeEach(reset);

  it('never reports clean from a zone whose test point is not listed, but keeps a listing from it', async () => {
    // 1 s: a loaded machine must not turn a slow answer into a timeout.
    const earned = createChecker({ resolvers: [dns.address], timeoutMs: 1000 });
    dns.rule({ suffix: '2.0.0.127.bl.mailspike.net', behaviour: 'nxdomain' });
    dns.rule({ suffix: '2.0.0.127.psbl.surriel.com', behaviour: 'nxdomain' });
    dns.listIp('127.0.0.1', 'bl.spamcop.net', ['127.0.0.2']); // lists everything
    dns.listIp('203.0.113.5', 'bl.spamcop.net', ['127.0.0.2']);
    dns.listIp('203.0.113.5', 'psbl.surriel.com', ['127.0.0.2']);

    // No probe beforehand: the check probes beside its own lookups (the one-shot CLI's case).
    const report = await earned.check('203.0.113.5');
    const by = (zone: string) => report.results.find((r) => r.zone === zone)!;
    expect(by('bl.mailspike.net')).toMatchObject({ status: 'error' });
    expect(by('bl.mailspike.net').meaning).toMatch(/test point 127\.0\.0\.2 is not listed through your resolver/);
    expect(by('bl.mailspike.net').fix).toMatch(/docs\/resolvers\.md/);
    expect(by('psbl.surriel.com').status).toBe('listed'); // a listing for the target still counts
    expect(by('bl.spamcop.net').status).toBe('error'); // a list that lists everything proves nothing either way
    expect(by('bl.spamcop.net').meaning).toMatch(/negative test point 127\.0\.0\.1/);
    expect(by('zen.spamhaus.org').status).toBe('clean');
    expect(report.resolverProblem).toBeNull();
    expect(report.summary.clean).toBe(report.results.length - 3);
  });

  it('blames the resolver once when most lists fail their test points, keeping every result', async () => {
    const hiding = await TestDnsServer.start();
    hiding.testPoints = false; // NXDOMAIN for every name: a filtering or captive resolver
    try {
      const earned = createChecker({ resolvers: [hiding.address], timeoutMs: 300 });
      const report = await earned.check('203.0.113.5');
      expect(report.resolverProblem).toBe(
        `Your resolver ${hiding.address} is not returning blocklist answers: even the test point 127.0.0.2 is not listed on ${earned.catalogue.activeFor('ipv4').filter((z) => z.listType !== 'allow').length} of ${earned.catalogue.activeFor('ipv4').filter((z) => z.listType !== 'allow').length} lists. Use your own recursive resolver, see docs/resolvers.md.`,
      );
      expect(report.results).toHaveLength(earned.zoneCount('ipv4'));
      expect(report.results.every((r) => r.status === 'error')).toBe(true);
      expect(report.summary.clean).toBe(0);
      // Its "no PTR" is no better than its "not listed".
      expect(report).toMatchObject({ ptr: null, fcrdns: null });
      expect(report.ptrError).toMatch(/not trusted/);
      // Nor is its "no such name" for a domain's addresses.
      const named = await earned.check('mail.example.com');
      expect(named.addresses).toEqual([]);
      expect(named.addressesError).toMatch(/not trusted/);
      expect(
        checkReportReply(named)
          .blocks.map((b) => JSON.stringify(b))
          .join('\n'),
      ).toContain('unknown (not trusted');
    } finally {
      await hiding.close();
    }
  });

  it('says one failure once: every lookup timing out, refused or SERVFAIL names the resolver', async () => {
    for (const [behaviour, sentence] of [
      ['silent', /^No answer from your resolver 127\.0\.0\.1:\d+ within 200 ms for any of the \d+ lists: it is down/],
      ['servfail', /^Your resolver 127\.0\.0\.1:\d+ answered SERVFAIL for all \d+ lists/],
      ['refused', /^Your resolver 127\.0\.0\.1:\d+ refused every query \(REFUSED\)/],
    ] as const) {
      const broken = await TestDnsServer.start();
      for (const suffix of ['org', 'net', 'com', 'de', 'cz', 'io', 'ch', 'zone', 'arpa']) broken.rule({ suffix, behaviour });
      try {
        const report = await createChecker({ resolvers: [broken.address], timeoutMs: 200 }).check('203.0.113.5');
        expect(report.resolverProblem, behaviour).toMatch(sentence);
        expect(report.results.every((r) => r.status !== 'clean')).toBe(true);
        expect(report).toMatchObject({ ptr: null, fcrdns: null });
        expect(report.ptrError).toMatch(behaviour === 'silent' ? /no answer within 200 ms/ : /resolver answered/);
      } finally {
        await broken.close();
      }
    }
    // Nothing listening at all: connection refused, said once.
    const dead = createChecker({ resolvers: ['127.0.0.1:9'], timeoutMs: 300 });
    const report = await dead.check('203.0.113.5');
    expect(report.resolverProblem).toMatch(/^Nothing answers DNS at 127\.0\.0\.1:9 \(connection refused\)/);
    // A name's addresses are unknown then, never "none".
    const named = await dead.check('mail.example.com');
    expect(named.addresses).toEqual([]);
    expect(named.addressesError).toMatch(/connection refused/);
    const text = checkReportReply(named)
      .blocks.map((b) => JSON.stringify(b))
      .join('\n');
    expect(text).toContain('unknown (');
    expect(text).not.toContain('does not resolve');
  });
});
