/**
 * The live re-check goes through the real Checker against the loopback DNS server:
 * still listed → removal advice; cleared → cache advice; dead lists never queried;
 * several recipients blaming one IP → one check.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChecker, type Checker } from '../../../src/core/check/checker.js';
import { createDiagnoser, type DiagnoseResult, type Diagnoser } from '../../../src/core/diagnose/index.js';
import { diagnosisReply } from '../../../src/core/diagnose/reply.js';
import { renderText } from '../../../src/reply/render.js';
import { TestDnsServer } from '../../support/dns-server.js';

let dns: TestDnsServer;
let checker: Checker;
let diagnoser: Diagnoser;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  // Generous: on a loaded machine a loopback answer can take a few hundred ms.
  checker = createChecker({ resolvers: [dns.address], timeoutMs: 1500 });
  diagnoser = createDiagnoser({ catalogue: checker.catalogue, checker });
});

const diagnoseBounce = (text: string): Promise<DiagnoseResult> => diagnoser.diagnose(text);

afterAll(() => dns.close());
beforeEach(() => dns.reset());

const ZEN_BOUNCE =
  '<bob@example.net>: host mx.example.net[198.51.100.25] said: 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5 (in reply to RCPT TO command)';

describe('live re-check of a named list', () => {
  it('says the IP is still listed, with the removal link and the other lists', async () => {
    dns.listIp('203.0.113.5', 'zen.spamhaus.org', ['127.0.0.4']);
    dns.listIp('203.0.113.5', 'bl.spamcop.net');
    const r = await diagnoser.withLiveCheck(await diagnoseBounce(ZEN_BOUNCE));
    const d = r.diagnoses[0]!;
    expect(d.live).toMatchObject({ target: '203.0.113.5', state: 'checked' });
    expect(d.live!.named).toEqual([expect.objectContaining({ zone: 'zen.spamhaus.org', status: 'listed' })]);
    expect(d.live!.listedOn.map((l) => l.zone).sort()).toEqual(['bl.spamcop.net', 'zen.spamhaus.org']);
    const delist = d.advice.find((a) => a.kind === 'delist')!;
    expect(delist.text).toMatch(/still listed/);
    expect(delist.text).toMatch(/infected|exploited/);
    expect(delist.links[0]!.url).toMatch(/^https:\/\/check\.spamhaus\.org/);
    expect(d.advice.find((a) => a.kind === 'also-listed')!.text).toMatch(/SpamCop/);
    expect(d.advice.map((a) => a.kind)).toContain('relay-test');
  });

  it('says a cleared IP may still be cached by the receiver', async () => {
    const r = await diagnoser.withLiveCheck(await diagnoseBounce(ZEN_BOUNCE));
    const d = r.diagnoses[0]!;
    expect(d.live!.named[0]!.status).toBe('clean');
    expect(d.advice[0]!.kind).toBe('cleared');
    expect(d.advice[0]!.text).toMatch(/cache/);
  });

  it('reports a list that does not answer as not checked, never as clean', async () => {
    dns.rule({ suffix: 'zen.spamhaus.org', behaviour: 'silent' });
    const r = await diagnoser.withLiveCheck(await diagnoseBounce(ZEN_BOUNCE));
    const d = r.diagnoses[0]!;
    expect(d.live!.named[0]!.status).toBe('timeout');
    expect(d.advice.map((a) => a.kind)).not.toContain('cleared');
    expect(d.live!.zonesUnanswered).toBe(1);
    const said = renderText(diagnosisReply(r));
    expect(said).toMatch(/Live check of 203\.0\.113\.5 on \d+ lists: listed on 0; 1 list did not answer\./);
  });

  it('says a re-check where no list answered proves nothing, never "listed on 0"', async () => {
    // Nothing listens on port 9: every lookup fails, as behind a dead resolver.
    const quick = createChecker({ resolvers: ['127.0.0.1:9'], timeoutMs: 300 });
    const deadEnd = createDiagnoser({ catalogue: quick.catalogue, checker: quick });
    const r = await deadEnd.withLiveCheck(await deadEnd.diagnose(ZEN_BOUNCE));
    const d = r.diagnoses[0]!;
    expect(d.live!.zonesUnanswered).toBe(d.live!.zonesChecked);
    const said = renderText(diagnosisReply(r));
    expect(said).toContain(`Live check of 203.0.113.5 proves nothing: none of the ${d.live!.zonesChecked} lists answered`);
    expect(said).not.toMatch(/listed on 0/);
  });

  it('never queries a dead list, and checks the IP on the live catalogue', async () => {
    const r = await diagnoser.withLiveCheck(await diagnoseBounce('554 5.7.1 Client host [203.0.113.8] blocked using dnsbl.sorbs.net'));
    const d = r.diagnoses[0]!;
    expect(d.live!.named).toEqual([{ zone: 'dnsbl.sorbs.net', status: 'defunct', removalUrl: null }]);
    expect(dns.queries.some((q) => q.endsWith('sorbs.net'))).toBe(false);
    expect(dns.queries.some((q) => q === '8.113.0.203.zen.spamhaus.org')).toBe(true);
  });

  it('checks an IP blamed for several recipients once', async () => {
    const text = [
      '<a@example.net>: host mx.example.net[198.51.100.25] said: 554 5.7.1 Client host [203.0.113.9] blocked using bl.spamcop.net (in reply to RCPT TO command)',
      '',
      '<b@example.net>: host mx.example.net[198.51.100.25] said: 554 5.7.1 Client host [203.0.113.9] blocked using bl.spamcop.net (in reply to RCPT TO command)',
    ].join('\n');
    // Count the checks the diagnoser asks for (the real checker does them). DNS packets
    // would not show it: the client asks a slow list again after a retry wait.
    const checked: string[] = [];
    const counting = new Proxy(checker, {
      get: (target, key, receiver) =>
        key === 'check'
          ? (...args: Parameters<Checker['check']>) => {
              checked.push(args[0]);
              return target.check(...args);
            }
          : Reflect.get(target, key, receiver),
    });
    const counted = createDiagnoser({ catalogue: checker.catalogue, checker: counting });
    const r = await counted.withLiveCheck(await counted.diagnose(text));
    expect(r.diagnoses).toHaveLength(2);
    expect(r.diagnoses.map((d) => d.live?.state)).toEqual(['checked', 'checked']);
    expect(checked).toEqual(['203.0.113.9']);
  });

  it('skips lookups with live off', async () => {
    const r = await diagnoser.withLiveCheck(await diagnoseBounce(ZEN_BOUNCE), { live: false });
    expect(r.diagnoses[0]!.live).toMatchObject({ state: 'skipped' });
    expect(dns.queries).toEqual([]);
  });
});
