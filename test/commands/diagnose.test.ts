/**
 * /diagnose through the shared dispatcher, as Slack and the console call it: the
 * pasted bounce keeps its line breaks, the live re-check runs on the loopback DNS
 * server, and the Reply carries untrusted text only as plain strings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../commands/dispatch.js';
import { commands } from '../../commands/index.js';
import type { Invocation } from '../../commands/types.js';
import type { Block, Inline, Reply } from '../../src/reply/reply.js';
import { renderText } from '../../src/reply/render.js';
import { startTestChecker, type TestChecker } from '../support/test-checker.js';

const invocation: Invocation = { platform: 'console', workspaceId: 'console', channelId: 'console', user: { id: 'U1', isAdmin: false } };
let t: TestChecker;

beforeAll(async () => {
  t = await startTestChecker(400);
});
afterAll(() => t.dns.close());

const run = (text: string, progress?: (r: Reply) => Promise<void>) =>
  dispatchCommand({ commands, services: { checker: t.checker } }, { name: 'diagnose', text, invocation, progress });

const lists = (reply: Reply) => reply.blocks.filter((b): b is Extract<Block, { kind: 'list' }> => b.kind === 'list');
const links = (reply: Reply): string[] => {
  const out: string[] = [];
  const walk = (inl: readonly Inline[]) => inl.forEach((i) => typeof i === 'object' && 'link' in i && out.push(i.link));
  for (const l of lists(reply))
    for (const it of l.items) {
      walk(it.title);
      it.lines?.forEach(walk);
    }
  return out;
};

describe('/diagnose', () => {
  it('diagnoses a pasted multi-line Postfix bounce and re-checks the IP live', async () => {
    t.dns.listIp('203.0.113.5', 'bl.spamcop.net');
    const progress: Reply[] = [];
    const reply = await run(
      [
        '<bob@example.net>: host mx.example.net[198.51.100.25] said: 554 5.7.1 Service',
        '    unavailable; Client host [203.0.113.5] blocked using bl.spamcop.net (in reply',
        '    to RCPT TO command)',
      ].join('\n'),
      async (r) => void progress.push(r),
    );
    expect(reply.visibility).toBe('channel');
    expect(reply.title).toBe('Bounce diagnosis: bob@example.net');
    expect(reply.level).toBe('bad');
    expect(progress).toHaveLength(1);
    const named = lists(reply).find((l) => l.heading === 'Blocklists named')!;
    expect(JSON.stringify(named.items)).toContain('still listed right now');
    expect(links(reply)).toContain('https://www.spamcop.net/bl.shtml?203.0.113.5');
    const text = renderText(reply);
    expect(text).toMatch(/mx\.example\.net/);
    expect(reply.fullText).toMatch(/Live check of 203\.0\.113\.5/);
  });

  it('answers an empty paste with what was expected, only to the caller', async () => {
    const reply = await run('   ');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.level).toBe('error');
  });

  it('never turns pasted text into links or mentions', async () => {
    const reply = await run('550 5.7.1 <!channel> @everyone see https://evil.example/x [203.0.113.77] blocked by policy');
    expect(links(reply).some((l) => l.includes('evil.example'))).toBe(false);
    const code = reply.blocks.find((b) => b.kind === 'code');
    expect(code && code.kind === 'code' && code.text).toContain('<!channel>');
  });
});
