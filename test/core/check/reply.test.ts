import { describe, expect, it } from 'vitest';
import { checkReportReply, reportFullText } from '../../../src/core/check/reply.js';
import type { Block, Inline, ListItem, Reply } from '../../../src/reply/reply.js';
import { renderText } from '../../../src/reply/render.js';
import { cleanLookups, lookup, mixedReport, report } from '../../support/reports.js';

const flat = (inlines: readonly Inline[]) =>
  inlines.map((i) => (typeof i === 'string' ? i : 'link' in i ? `${i.label}=${i.link}` : 'code' in i ? i.code : i.bold)).join('');

function verdict(reply: Reply) {
  const b = reply.blocks[0];
  if (!b || b.kind !== 'verdict') throw new Error('first block is not a verdict');
  return { level: b.level, text: flat(b.text) };
}

function list(reply: Reply, heading: string): readonly ListItem[] | undefined {
  const b = reply.blocks.find((x): x is Extract<Block, { kind: 'list' }> => x.kind === 'list' && x.heading.startsWith(heading));
  return b?.items;
}

function fields(reply: Reply): Record<string, string> {
  const b = reply.blocks.find((x): x is Extract<Block, { kind: 'fields' }> => x.kind === 'fields');
  return Object.fromEntries((b?.fields ?? []).map((f) => [f.label, flat(f.value)]));
}

const contexts = (reply: Reply) => reply.blocks.filter((b) => b.kind === 'context').map((b) => (b.kind === 'context' ? flat(b.text) : ''));

describe('checkReportReply', () => {
  it('gives the verdict with listed, policy and unchecked counts, visible in the channel', () => {
    const reply = checkReportReply(mixedReport());
    expect(reply.visibility).toBe('channel');
    expect(reply.title).toBe('Blocklist check: 203.0.113.5');
    expect(reply.level).toBe('bad');
    expect(verdict(reply)).toEqual({
      level: 'bad',
      text: '203.0.113.5 is listed on 2 of 41 lists (1 policy listing); 2 lists could not be checked; it is on 1 allow-list (good news)',
    });
  });

  it('lists block listings before policy ones, with meaning, code, TXT and links', () => {
    const items = list(checkReportReply(mixedReport()), 'Listed')!;
    expect(items.map((i) => [i.level, flat(i.title)])).toEqual([
      ['bad', 'SpamCop (bl.spamcop.net)'],
      ['warn', 'Spamhaus ZEN (zen.spamhaus.org)'],
    ]);
    const spamcop = items[0]!.lines!.map(flat);
    expect(spamcop).toEqual([
      'Listed: reported as a source of spam by SpamCop users.',
      'Code: 127.0.0.2',
      'List says: Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5',
      'Removal=https://www.spamcop.net/bl.shtml',
    ]);
    const pbl = items[1]!.lines!.map(flat);
    expect(pbl[0]).toContain('not meant to send mail directly');
    expect(pbl[1]).toMatch(/^Policy listing, not a spam report/);
    expect(pbl.at(-1)).toBe('Removal=https://check.spamhaus.org/  Lookup=https://check.spamhaus.org/results?query=203.0.113.5');
  });

  it('keeps TXT text as a plain string, never as a link or markup', () => {
    const items = list(checkReportReply(mixedReport()), 'Listed')!;
    const txtLine = items[0]!.lines![2]!;
    expect(txtLine).toEqual(['List says: ', 'Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5']);
  });

  it('shows allow-list hits as good news, not as listings', () => {
    const reply = checkReportReply(mixedReport());
    const allow = list(reply, 'Allow-lists')!;
    expect(allow).toHaveLength(1);
    expect(allow[0]!.level).toBe('ok');
    expect(flat(allow[0]!.title)).toBe('DNSWL (list.dnswl.org)');
    expect(list(reply, 'Listed')!.some((i) => flat(i.title).includes('DNSWL'))).toBe(false);
  });

  it('says plainly which lists could not be checked and how to fix a refusal', () => {
    const items = list(checkReportReply(mixedReport()), 'Could not check')!;
    expect(items.map((i) => flat(i.title))).toEqual([
      'Barracuda (b.barracudacentral.org) — refused',
      'Slow List (slow.example.test) — no answer (timeout)',
    ]);
    expect(items[0]!.lines!.map(flat)).toContain('Fix: Use your own recursive resolver (not a public one) via RBLBOT_RESOLVERS.');
    expect(items[1]!.lines!.map(flat)).toEqual(['No answer within 4000 ms.']);
    const reply = checkReportReply(mixedReport());
    expect(reply.blocks.some((b) => b.kind === 'list' && b.heading === 'Could not check (not the same as clean)')).toBe(true);
  });

  it('counts the clean lists compactly and passes notes on as context', () => {
    const reply = checkReportReply(mixedReport());
    expect(contexts(reply)).toEqual(['37 lists clean · checked in 40 ms', 'Your resolver looks like a public one (8.8.8.8); some lists refuse it.']);
    // Clean lists are not itemised in the message…
    expect(JSON.stringify(reply.blocks)).not.toContain('clean1.test');
    // …but the full text has every lookup.
    expect(reply.fullText).toContain('clean37.test');
  });

  it('reports a clean address as ok with PTR and FCrDNS', () => {
    const reply = checkReportReply(report({ results: cleanLookups(41) }));
    expect(verdict(reply)).toEqual({ level: 'ok', text: '203.0.113.5 is not listed on any of 41 lists' });
    expect(fields(reply)).toEqual({ PTR: 'mail.example.com', FCrDNS: 'yes (mail.example.com resolves back to 203.0.113.5)' });
    expect(list(reply, 'Listed')).toBeUndefined();
  });

  it('warns when FCrDNS is missing, because Gmail rejects such mail', () => {
    const reply = checkReportReply(report({ ptr: null, fcrdns: false, results: cleanLookups(3) }));
    expect(verdict(reply).level).toBe('ok'); // the statement "not listed" is true…
    expect(reply.level).toBe('warn'); // …but the answer as a whole is a warning
    expect(fields(reply)).toEqual({ PTR: 'none', FCrDNS: 'no (no PTR record)' });
    const warning = reply.blocks.find((b) => b.kind === 'text');
    expect(warning && warning.kind === 'text' ? flat(warning.text) : '').toContain('Gmail');

    const mismatch = checkReportReply(report({ ptr: 'host.example.net', fcrdns: false, results: cleanLookups(3) }));
    expect(fields(mismatch).FCrDNS).toBe('no (host.example.net does not resolve back to 203.0.113.5)');
  });

  it('does not call a check with unchecked lists clean, and says when nothing could be checked', () => {
    const partial = checkReportReply(report({ results: [...cleanLookups(2), lookup({ zone: 'x.test', status: 'timeout' })] }));
    expect(verdict(partial)).toEqual({ level: 'warn', text: '203.0.113.5 is not listed on 2 of 3 lists; 1 list could not be checked' });

    const none = checkReportReply(
      report({
        results: [lookup({ zone: 'a.test', status: 'timeout' }), lookup({ zone: 'b.test', status: 'error', meaning: 'SERVFAIL from the resolver.' })],
      }),
    );
    expect(verdict(none)).toEqual({ level: 'error', text: '203.0.113.5 could not be checked: none of the 2 lists gave an answer' });
    expect(list(none, 'Could not check')!.map((i) => i.lines!.map(flat)[0])).toEqual(['No answer within 12 ms.', 'SERVFAIL from the resolver.']);
  });

  it('explains policy listings once, not on every item', () => {
    const reply = checkReportReply(
      report({
        results: [
          lookup({ zone: 'pbl.test', name: 'A', status: 'listed', listType: 'policy' }),
          lookup({ zone: 'l2.test', name: 'B', status: 'listed', listType: 'policy' }),
          lookup({ zone: 'l3.test', name: 'C', status: 'listed', listType: 'policy' }),
        ],
      }),
    );
    const lines = list(reply, 'Listed')!.map((i) => i.lines!.map(flat).join(' '));
    expect(lines[0]).toMatch(/^Policy listing, not a spam report: the list says/);
    expect(lines[1]).toBe('Policy listing, not a spam report (see above).');
    expect(lines[2]).toBe('Policy listing, not a spam report (see above).');
  });

  it('is a warning, not an alarm, when the only listings are policy or reputation', () => {
    const reply = checkReportReply(
      report({
        results: [
          lookup({ zone: 'pbl.test', status: 'listed', listType: 'policy', codes: ['127.0.0.10'] }),
          lookup({ zone: 'rep.test', status: 'listed', listType: 'reputation', codes: ['127.0.0.11'] }),
          ...cleanLookups(3),
        ],
      }),
    );
    expect(verdict(reply)).toEqual({ level: 'warn', text: '203.0.113.5 is listed on 2 of 5 lists (1 policy listing, 1 reputation listing)' });
    expect(list(reply, 'Listed')!.map((i) => i.level)).toEqual(['warn', 'warn']);
    // The one severity order (src/reply/severity.ts): a reputation listing before a policy one.
    expect(list(reply, 'Listed')![0]!.lines!.map(flat).join(' ')).toContain('Reputation score, not a block');
    expect(list(reply, 'Listed')![1]!.lines!.map(flat).join(' ')).toContain('Policy listing, not a spam report');
  });

  it('describes a name: addresses, registrable domain, and counts each list once', () => {
    const results = [
      lookup({ zone: 'dbl.test', name: 'DBL', status: 'listed', query: 'mail.example.co.uk', codes: ['127.0.1.2'] }),
      lookup({ zone: 'dbl.test', name: 'DBL', status: 'clean', query: 'example.co.uk' }),
      lookup({ zone: 'ipbl.test', name: 'IPBL', status: 'clean', query: '192.0.2.1' }),
      lookup({ zone: 'ipbl.test', name: 'IPBL', status: 'timeout', query: '192.0.2.2' }),
      lookup({ zone: 'other.test', name: 'Other', status: 'clean', query: '192.0.2.1' }),
      lookup({ zone: 'other.test', name: 'Other', status: 'clean', query: '192.0.2.2' }),
    ];
    const reply = checkReportReply(
      report({
        target: 'mail.example.co.uk',
        input: 'Mail.Example.co.uk.',
        kind: 'domain',
        ptr: null,
        fcrdns: null,
        addresses: ['192.0.2.1', '192.0.2.2'],
        registrableDomain: 'example.co.uk',
        results,
      }),
    );
    expect(verdict(reply).text).toBe('mail.example.co.uk is listed on 1 of 3 lists; 1 list could not be checked');
    expect(fields(reply)).toEqual({ Addresses: '192.0.2.1, 192.0.2.2', 'Registrable domain': 'example.co.uk (checked too)' });
    // The query is named when it is not the target itself.
    expect(flat(list(reply, 'Could not check')![0]!.title)).toBe('IPBL (ipbl.test) for 192.0.2.2 — no answer (timeout)');
    expect(flat(list(reply, 'Listed')![0]!.title)).toBe('DBL (dbl.test)');
    expect(contexts(reply)[0]).toBe('1 list clean · checked in 40 ms');
    expect(reply.blocks.some((b) => b.kind === 'text')).toBe(false); // no FCrDNS warning for names
  });

  it('says so when no lists exist for the kind of target', () => {
    const reply = checkReportReply(report({ target: '2001:db8::1', kind: 'ipv6', results: [] }));
    expect(verdict(reply)).toEqual({ level: 'info', text: 'No blocklists are configured for IPv6 addresses, so 2001:db8::1 was not checked' });
  });

  it('renders as readable terminal text', () => {
    const text = renderText(checkReportReply(mixedReport()));
    expect(text).toContain('✗ 203.0.113.5 is listed on 2 of 41 lists (1 policy listing)');
    expect(text).toContain('  ✗ SpamCop (bl.spamcop.net)\n      Listed: reported as a source of spam by SpamCop users.');
    expect(text).toContain('Removal: https://www.spamcop.net/bl.shtml');
    expect(text).toContain('37 lists clean');
  });
});

describe('reportFullText', () => {
  it('has one line per lookup, problems first, and the notes', () => {
    const text = reportFullText(mixedReport());
    const lines = text.split('\n');
    const lookups = lines.filter((l) => / \| \d+ ms$/.test(l));
    expect(lookups).toHaveLength(42);
    expect(lookups[0]).toMatch(/^listed {2}SpamCop \(bl\.spamcop\.net, block\) for 203\.0\.113\.5 \| codes 127\.0\.0\.2/);
    expect(lookups.at(-1)).toMatch(/^clean /);
    expect(text).toContain('fix: Use your own recursive resolver');
    expect(text).toContain('Note: Your resolver looks like a public one');
  });
});
