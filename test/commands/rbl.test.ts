import { silentLogger } from '../../src/app/logger.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../commands/dispatch.js';
import { commands } from '../../commands/index.js';
import { guessTargetKind as guessKind, splitTargets } from '../../src/core/check/targets.js';
import type { Invocation } from '../../commands/types.js';
import type { Checker } from '../../src/core/check/checker.js';
import type { Block, Inline, Reply } from '../../src/reply/reply.js';
import { renderText } from '../../src/reply/render.js';
import { createChecker } from '../../src/core/check/checker.js';
import { TestDnsServer } from '../support/dns-server.js';
import { confirmedPtr, slowAddress, startTestChecker, type TestChecker } from '../support/test-checker.js';

const invocation: Invocation = { platform: 'slack', workspaceId: 'T1', channelId: 'C1', user: { id: 'U1', isAdmin: false } };
const flat = (inlines: readonly Inline[]) =>
  inlines.map((i) => (typeof i === 'string' ? i : 'code' in i ? i.code : 'bold' in i ? i.bold : `${i.label}=${i.link}`)).join('');
const verdicts = (reply: Reply) => reply.blocks.flatMap((b) => (b.kind === 'verdict' ? [flat(b.text)] : []));
const listOf = (reply: Reply, heading: string) =>
  reply.blocks.find((b): b is Extract<Block, { kind: 'list' }> => b.kind === 'list' && b.heading.startsWith(heading))?.items ?? [];

let t: TestChecker;
let ipv4Lists: number;
let ipv4BlockLists: number;

beforeAll(async () => {
  t = await startTestChecker(400);
  ipv4Lists = t.checker.zoneCount('ipv4');
  ipv4BlockLists = t.checker.catalogue.activeFor('ipv4').filter((z) => z.listType !== 'allow').length;
});
afterAll(() => t.dns.close());
beforeEach(() => {
  t.dns.clearRules();
  for (const name of new Set(t.dns.queries)) t.dns.remove(name);
  t.dns.clearQueries();
});

async function rbl(text: string, progress: Reply[] = [], checker: Checker = t.checker) {
  return dispatchCommand(
    { commands, services: { checker }, logger: silentLogger },
    { name: 'rbl', text, invocation, progress: async (r) => void progress.push(r) },
  );
}

describe('/rbl against a real checker and DNS server', () => {
  it('turns every kind of result into the answer a mail admin needs', async () => {
    const ip = '203.0.113.5';
    confirmedPtr(t.dns, ip, 'mail.example.com');
    t.dns.listIp(ip, 'bl.spamcop.net', ['127.0.0.2'], 'Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5');
    t.dns.listIp(ip, 'zen.spamhaus.org', ['127.0.0.11']); // PBL: policy
    t.dns.listIp(ip, 'list.dnswl.org', ['127.0.0.255']); // dnswl refusing the resolver
    t.dns.listIp(ip, 'iadb.isipp.com', ['127.0.2.1']); // allow-list
    t.dns.rule({ suffix: 'psbl.surriel.com', behaviour: 'silent' });
    t.dns.rule({ suffix: 'all.s5h.net', behaviour: 'servfail' });

    const progress: Reply[] = [];
    const reply = await rbl(ip, progress);

    expect(progress.map((p) => p.blocks)).toEqual([[{ kind: 'context', text: [`Checking ${ipv4Lists} lists…`] }]]);
    expect(reply.visibility).toBe('channel');
    expect(reply.level).toBe('bad');
    const v = verdicts(reply)[0]!;
    expect(v).toMatch(
      new RegExp(`^203\\.0\\.113\\.5 is listed on 2 of ${ipv4BlockLists} lists \\(1 policy listing\\); 2 lists could not be checked`),
    );

    const listed = listOf(reply, 'Listed');
    expect(listed.map((i) => i.level)).toEqual(['bad', 'warn']);
    expect(flat(listed[0]!.title)).toBe('SpamCop Blocking List (SCBL) (bl.spamcop.net)');
    const spamcop = listed[0]!.lines!.map(flat);
    expect(spamcop).toContain('Code: 127.0.0.2');
    expect(spamcop).toContain('List says: Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5');
    expect(spamcop.at(-1)).toBe('Removal=https://www.spamcop.net/bl.shtml?203.0.113.5'); // lookup is the same page: shown once
    expect(spamcop[0]).toMatch(/^Listed \(IP transmitted mail/);
    expect(listed[1]!.lines!.map(flat).join(' ')).toMatch(/PBL/);
    expect(listed[1]!.lines!.map(flat).join(' ')).toMatch(/Policy listing, not a spam report/);

    expect(listOf(reply, 'Allow-lists').map((i) => i.level)).toEqual(['ok']);

    const unchecked = listOf(reply, 'Could not check');
    const titles = unchecked.map((i) => flat(i.title));
    expect(titles.some((x) => x.includes('(list.dnswl.org, allow-list) — refused'))).toBe(true);
    expect(titles.some((x) => x.includes('(psbl.surriel.com) — no answer (timeout)'))).toBe(true);
    expect(titles.some((x) => x.includes('(all.s5h.net) — error'))).toBe(true);
    expect(
      unchecked
        .find((i) => flat(i.title).includes('dnswl'))!
        .lines!.map(flat)
        .join(' '),
    ).toMatch(/Fix: /);

    const fields = reply.blocks.find((b) => b.kind === 'fields');
    expect(fields && fields.kind === 'fields' ? fields.fields.map((f) => `${f.label}=${flat(f.value)}`) : []).toEqual([
      'PTR=mail.example.com',
      'FCrDNS=yes (mail.example.com resolves back to 203.0.113.5)',
    ]);
    const clean = ipv4BlockLists - 2 - 2;
    expect(reply.blocks.some((b) => b.kind === 'context' && flat(b.text).startsWith(`${clean} lists clean · checked in `))).toBe(true);
    expect(reply.fullText).toContain('bl.mailspike.net');

    // And it reads well on a terminal.
    const text = renderText(reply);
    expect(text).toContain('✗ SpamCop Blocking List (SCBL) (bl.spamcop.net)');
    expect(text).toContain('Removal: https://www.spamcop.net/bl.shtml?203.0.113.5');
  });

  it('warns about a missing PTR for an address that is otherwise clean', async () => {
    const reply = await rbl('198.51.100.20');
    expect(verdicts(reply)).toEqual([`198.51.100.20 is not listed on any of ${ipv4BlockLists} lists`]);
    expect(reply.level).toBe('warn');
    expect(renderText(reply)).toContain('FCrDNS: no (no PTR record)');
    expect(renderText(reply)).toContain('Gmail');
  });

  it('checks a host name on the domain lists and its addresses on the IP lists', async () => {
    t.dns.add('mail.example.org', 'A', '192.0.2.10');
    t.dns.listIp('192.0.2.10', 'bl.spamcop.net');
    const progress: Reply[] = [];
    const reply = await rbl('Mail.Example.org.', progress);
    expect(progress[0]!.blocks).toEqual([{ kind: 'context', text: [`Checking ${t.checker.zoneCount('domain') + ipv4Lists} lists…`] }]);
    expect(reply.title).toBe('Blocklist check: mail.example.org');
    expect(verdicts(reply)[0]).toMatch(/^mail\.example\.org is listed on 1 of \d+ lists$/);
    expect(flat(listOf(reply, 'Listed')[0]!.title)).toBe('SpamCop Blocking List (SCBL) (bl.spamcop.net) for 192.0.2.10');
    const text = renderText(reply);
    expect(text).toContain('Addresses:          192.0.2.10');
    expect(text).toContain('Registrable domain: example.org (checked too)');
  });

  it('checks several targets at once and answers for each in the order given', async () => {
    slowAddress(t.dns, '203.0.113.6', 80); // finishes last, still shown first
    const progress: Reply[] = [];
    const reply = await rbl('203.0.113.6, 198.51.100.7 203.0.113.6', progress);
    expect(progress[0]!.blocks).toEqual([{ kind: 'context', text: [`Checking 2 targets on ${ipv4Lists} lists…`] }]);
    expect(reply.title).toBe('Blocklist check: 203.0.113.6, 198.51.100.7');
    expect(verdicts(reply)).toEqual([
      `203.0.113.6 is not listed on any of ${ipv4BlockLists} lists`,
      `198.51.100.7 is not listed on any of ${ipv4BlockLists} lists`,
    ]);
    // The duplicate was checked once: "2 targets" above, and one answer for it. (Counting DNS
    // queries would not show it: the client asks a slow list again after a retry wait.)
    expect(reply.blocks.filter((b) => JSON.stringify(b).includes('203.0.113.6 is not listed'))).toHaveLength(1);
  });

  it('still checks good targets beside a bad one, and says why the bad one was skipped', async () => {
    const reply = await rbl('192.0.2.1 10.1.2.3');
    expect(reply.visibility).toBe('channel');
    const v = verdicts(reply);
    expect(v[0]).toBe(`192.0.2.1 is not listed on any of ${ipv4BlockLists} lists`);
    expect(v[1]).toMatch(/^10\.1\.2\.3 was not checked: .*private/i);
  });

  it('answers bad input with an ephemeral error sentence from the checker', async () => {
    const reply = await rbl('192.168.1.1');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.level).toBe('error');
    expect(verdicts(reply)[0]).toMatch(/private/i);
    expect(t.dns.queries).toEqual([]);
  });

  it('refuses an empty target and too many targets with friendly sentences', async () => {
    expect(verdicts(await rbl(''))).toEqual(['/rbl needs a target.']);
    const tooMany = await rbl('192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5 192.0.2.6');
    expect(verdicts(tooMany)).toEqual(['Give at most 5 targets at once, separated by spaces.']);
    expect(t.dns.queries).toEqual([]);
  });

  it('turns an unexpected checker failure into an apology, not a crash', async () => {
    const broken: Checker = { ...t.checker, check: () => Promise.reject(new Error('checker bug')) };
    const reply = await rbl('192.0.2.1', [], broken);
    expect(reply.level).toBe('error');
    expect(verdicts(reply)[0]).toContain('/rbl failed unexpectedly');
  });
});

describe('/rbl ranges, limits and a broken resolver', () => {
  it('checks a range up to /24 in one compact answer that names only the listed addresses', async () => {
    t.dns.listIp('203.0.113.3', 'bl.spamcop.net');
    t.dns.listIp('203.0.113.6', 'zen.spamhaus.org', ['127.0.0.11']);
    const reply = await rbl('203.0.113.0/29');
    expect(reply.title).toBe('Blocklist check: 203.0.113.0/29');
    expect(reply.level).toBe('bad');
    expect(verdicts(reply)).toEqual([`2 of 8 addresses in 203.0.113.0/29 are listed (${ipv4BlockLists} lists asked)`]);
    const listed = listOf(reply, 'Listed');
    expect(listed.map((i) => flat(i.title))).toEqual(['203.0.113.3 — 1 list', '203.0.113.6 — 1 list']);
    expect(flat(listed[0]!.lines![0]!)).toMatch(/^SpamCop Blocking List \(SCBL\) \(bl\.spamcop\.net\): /);
    const text = renderText(reply);
    expect(text).not.toContain('203.0.113.4');
    expect(text.trim().split('\n').length).toBeLessThanOrEqual(15);
    expect(reply.fullText).toContain('Blocklist check: 203.0.113.4'); // every address is still in the full report
  });

  it('names a list that could not be checked once for the whole range, with its cause', async () => {
    t.dns.rule({ suffix: '2.0.0.127.bl.mailspike.net', behaviour: 'nxdomain' }); // its test point fails
    // A checker of its own: the shared one trusts the verdicts it probed earlier for 10 minutes.
    const fresh = createChecker({ resolvers: [t.dns.address], timeoutMs: 1000 });
    const reply = await rbl('203.0.113.0/29', [], fresh);
    const unchecked = listOf(reply, 'Could not check (not the same as clean)');
    expect(unchecked.map((i) => flat(i.title))).toEqual([
      'Mailspike BL (Z list + reputation L3-L5 combined) (bl.mailspike.net) for every address — error',
    ]);
    expect(flat(unchecked[0]!.lines![0]!)).toMatch(/^Its test point 127\.0\.0\.2 is not listed through your resolver/);
  });

  it('refuses ranges larger than /24 or not public before any lookup', async () => {
    expect(verdicts(await rbl('203.0.112.0/23'))[0]).toMatch(/512 addresses; at most a \/24/);
    expect(verdicts(await rbl('10.0.0.0/28'))[0]).toMatch(/private \(RFC 1918\) range/);
    expect(verdicts(await rbl('203.0.113.5:25'))[0]).toMatch(/ports are not part of a blocklist target/);
    expect(t.dns.queries).toEqual([]);
  });

  it('limits the addresses one chat user checks per window; a range counts each address, a typo nothing', async () => {
    const limited = createChecker({ resolvers: [t.dns.address], timeoutMs: 400, perUserLimit: 10 });
    expect(verdicts(await rbl('203.0.113.0/29', [], limited))[0]).toMatch(/^None of the 8 addresses/);
    expect(verdicts(await rbl('203.0.113.0/33', [], limited))[0]).toMatch(/not a valid range/); // costs nothing
    expect(verdicts(await rbl('198.51.100.1 198.51.100.2', [], limited))[0]).toMatch(/is not listed/); // 10 of 10
    const refused = await rbl('198.51.100.3', [], limited);
    expect(refused.title).toBe('/rbl: slow down');
    expect(refused.visibility).toBe('ephemeral');
    expect(verdicts(refused)[0]).toMatch(
      /^You can check 10 addresses per 10 minutes \(a range counts each address\); try again in about \d+ minutes?\.$/,
    );
    const tooBig = await rbl('203.0.113.0/28', [], limited);
    expect(verdicts(tooBig)[0]).toMatch(/That is 16 addresses; one person can check at most 10/);
    // Someone else still can.
    const other = await dispatchCommand(
      { commands, services: { checker: limited }, logger: silentLogger },
      { name: 'rbl', text: '198.51.100.3', invocation: { ...invocation, user: { id: 'U2', isAdmin: false } }, progress: async () => {} },
    );
    expect(verdicts(other)[0]).toMatch(/is not listed/);
  });

  it('answers in chat what the CLI answers on a dead resolver and on one that hides blocklist answers', async () => {
    const dead = await TestDnsServer.start();
    for (const zone of ['org', 'net', 'com', 'de', 'cz', 'io', 'ch', 'zone', 'arpa']) dead.rule({ suffix: zone, behaviour: 'silent' });
    const hiding = await TestDnsServer.start();
    hiding.testPoints = false;
    try {
      for (const [server, sentence] of [
        [dead, `No answer from your resolver ${dead.address} within 300 ms`],
        [hiding, `Your resolver ${hiding.address} is not returning blocklist answers: even the test point 127.0.0.2 is not listed`],
      ] as const) {
        const reply = await rbl('203.0.113.5', [], createChecker({ resolvers: [server.address], timeoutMs: 300 }));
        expect(reply.level).toBe('error');
        expect(verdicts(reply)).toEqual(['203.0.113.5 could not be checked: the resolver, not the lists, is the problem']);
        const said = reply.blocks.filter((b) => b.kind === 'text').map((b) => flat(b.text));
        expect(said.filter((x) => x.startsWith(sentence))).toHaveLength(1);
        expect(listOf(reply, 'Could not check')).toEqual([]); // said once, not once per list
        const text = renderText(reply);
        expect(text).not.toMatch(/clean|✓/);
        expect(text.trim().split('\n').length).toBeLessThanOrEqual(15);
      }
    } finally {
      await dead.close();
      await hiding.close();
    }
  });
});

describe('target helpers', () => {
  it('splits on spaces, commas and semicolons and drops duplicates ignoring case', () => {
    expect(splitTargets(' a.example, B.example;a.EXAMPLE\n203.0.113.5 ')).toEqual(['a.example', 'B.example', '203.0.113.5']);
  });

  it('guesses the kind for the progress line', () => {
    expect(guessKind('203.0.113.5')).toBe('ipv4');
    expect(guessKind('[203.0.113.5]')).toBe('ipv4');
    expect(guessKind('2001:db8::1')).toBe('ipv6');
    expect(guessKind('postmaster@example.com')).toBe('domain');
  });
});
