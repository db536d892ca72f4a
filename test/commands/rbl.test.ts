import { describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../commands/dispatch.js';
import { commands } from '../../commands/index.js';
import { guessKind, splitTargets } from '../../commands/rbl.js';
import type { Invocation } from '../../commands/types.js';
import type { Inline, Reply } from '../../src/core/reply.js';
import { FixtureChecker } from '../support/fixture-checker.js';
import { mixedReport } from '../support/reports.js';

const invocation: Invocation = { platform: 'slack', workspaceId: 'T1', channelId: 'C1', user: { id: 'U1', isAdmin: false } };
const flat = (inlines: readonly Inline[]) => inlines.map((i) => (typeof i === 'string' ? i : 'code' in i ? i.code : 'bold' in i ? i.bold : i.label)).join('');
const verdicts = (reply: Reply) => reply.blocks.flatMap((b) => (b.kind === 'verdict' ? [flat(b.text)] : []));

async function rbl(checker: FixtureChecker, text: string, progress: Reply[] = []) {
  return dispatchCommand(
    { commands, services: { checker } },
    { name: 'rbl', text, invocation, progress: async (r) => void progress.push(r) },
  );
}

describe('/rbl', () => {
  it('announces how many lists it checks, then answers in the channel', async () => {
    const checker = new FixtureChecker();
    checker.reports.set('203.0.113.5', mixedReport());
    const progress: Reply[] = [];
    const reply = await rbl(checker, '203.0.113.5', progress);
    expect(progress).toHaveLength(1);
    expect(progress[0]!.blocks).toEqual([{ kind: 'context', text: ['Checking 41 lists…'] }]);
    expect(reply.visibility).toBe('channel');
    expect(verdicts(reply)[0]).toMatch(/^203\.0\.113\.5 is listed on 2 of 41 lists/);
    expect(reply.fullText).toContain('SpamCop');
  });

  it('counts domain and IP lists for a name in the progress line', async () => {
    const progress: Reply[] = [];
    await rbl(new FixtureChecker(), 'example.com', progress);
    expect(progress[0]!.blocks).toEqual([{ kind: 'context', text: ['Checking 53 lists…'] }]);
  });

  it('checks several targets, each once, and answers for all of them in order', async () => {
    const checker = new FixtureChecker();
    checker.delays.set('198.51.100.7', 30); // finishes last, still shown second
    const progress: Reply[] = [];
    const reply = await rbl(checker, '203.0.113.5, 198.51.100.7 203.0.113.5 2001:db8::25', progress);
    expect(checker.checked.sort()).toEqual(['198.51.100.7', '2001:db8::25', '203.0.113.5']);
    expect(progress[0]!.blocks).toEqual([{ kind: 'context', text: ['Checking 3 targets on up to 41 lists…'] }]);
    expect(reply.title).toBe('Blocklist check: 203.0.113.5, 198.51.100.7, 2001:db8::25');
    expect(verdicts(reply)).toEqual([
      '203.0.113.5 is not listed on any of 41 lists',
      '198.51.100.7 is not listed on any of 41 lists',
      '2001:db8::25 is not listed on any of 41 lists',
    ]);
  });

  it('still checks good targets beside a bad one, and says why the bad one was skipped', async () => {
    const checker = new FixtureChecker();
    const reply = await rbl(checker, '203.0.113.5 10.1.2.3');
    expect(reply.visibility).toBe('channel');
    expect(verdicts(reply)).toEqual([
      '203.0.113.5 is not listed on any of 41 lists',
      "10.1.2.3 was not checked: 10.1.2.3 is a private address, which no public blocklist can list; check your server's public IP instead.",
    ]);
    expect(reply.level).toBe('error');
  });

  it('answers bad input with an ephemeral error sentence', async () => {
    const reply = await rbl(new FixtureChecker(), '192.168.1.1');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.level).toBe('error');
    expect(verdicts(reply)[0]).toContain('private address');
  });

  it('refuses an empty target and too many targets with friendly sentences', async () => {
    expect(verdicts(await rbl(new FixtureChecker(), ''))).toEqual(['/rbl needs a target.']);
    const tooMany = await rbl(new FixtureChecker(), '192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5 192.0.2.6');
    expect(verdicts(tooMany)).toEqual(['Give at most 5 targets at once, separated by spaces.']);
  });

  it('turns an unexpected checker failure into an apology, not a crash', async () => {
    const reply = await dispatchCommand(
      { commands, services: { checker: new FixtureChecker() }, logger: { error: () => {} } },
      { name: 'rbl', text: 'explode', invocation },
    );
    expect(reply.level).toBe('error');
    expect(verdicts(reply)[0]).toContain('/rbl failed unexpectedly');
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
