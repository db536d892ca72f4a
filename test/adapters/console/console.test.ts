import { silentLogger } from '../../../src/app/logger.js';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { parseConsoleLine, runConsole, shouldUseColor } from '../../../src/adapters/console/index.js';
import type { Checker } from '../../../src/core/check/checker.js';
import { slowAddress, startTestChecker, type TestChecker } from '../../support/test-checker.js';
import { isTestPointName, TestDnsServer } from '../../support/dns-server.js';

let t: TestChecker;
let lists: number;
beforeAll(async () => {
  t = await startTestChecker(300);
  lists = t.checker.catalogue.activeFor('ipv4').filter((z) => z.listType !== 'allow').length;
});
afterAll(() => t.dns.close());
beforeEach(() => {
  t.dns.clearRules();
  for (const name of new Set(t.dns.queries)) t.dns.remove(name);
  t.dns.clearQueries();
});

/** Addresses checked, in the order their first lookup reached the DNS server. */
const checkedOnSpamcop = () =>
  t.dns
    .asked('A')
    .filter((q) => q.endsWith('.bl.spamcop.net') && !isTestPointName(q))
    .map((q) => q.replace('.bl.spamcop.net', '').split('.').reverse().join('.'));

/** Feed `lines` to the console through in-memory streams; returns everything it printed. */
async function session(checker: Checker, input: string, options: { color?: boolean; interactive?: boolean } = {}) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const done = runConsole({ services: { checker }, commands, input: stdin, output: stdout, logger: silentLogger, ...options });
  stdin.end(input);
  await done;
  return out;
}

/**
 * `rblbot` with no command and no chat tokens (the console bot), on pipes, against the
 * test DNS server. Empty tokens: .env never overrides a variable that is set, so a
 * developer's .env cannot start Slack here.
 */
function startBot(timeoutMs: string, resolver = t.dns.address) {
  const noChat = Object.fromEntries(
    ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN', 'DISCORD_APP_ID', 'DISCORD_PUBLIC_KEY'].map((k) => [k, '']),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...noChat,
    RBLBOT_RESOLVERS: resolver,
    RBLBOT_TIMEOUT_MS: timeoutMs,
    LOG_LEVEL: 'warn',
  };
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const bot = { child, out: '', err: '', closed: new Promise<number | null>((resolve) => child.on('close', resolve)) };
  child.stdout.on('data', (d: Buffer) => (bot.out += d));
  child.stderr.on('data', (d: Buffer) => (bot.err += d));
  return bot;
}

/** Piped answers, each under its label ("» line 3: /rbl …"): [label, answer] in output order. */
const answers = (out: string): [string, string][] =>
  out
    .split(/^(?=» line \d+: )/m)
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [label, ...rest] = chunk.split('\n');
      return [label!, rest.join('\n')];
    });

/** Title lines of the replies, in output order. */
const titles = (out: string) => answers(out).map(([, answer]) => answer.trim().split('\n')[0]);

describe('console adapter', () => {
  it('answers piped commands in input order even when they finish out of order', async () => {
    slowAddress(t.dns, '203.0.113.5', 120);
    const out = await session(t.checker, '/rbl 203.0.113.5\nrbl 198.51.100.7\n/help\n');
    const order = [out.indexOf('Blocklist check: 203.0.113.5'), out.indexOf('Blocklist check: 198.51.100.7'), out.indexOf('rblbot commands')];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(answers(out).map(([label]) => label)).toEqual(['» line 1: /rbl 203.0.113.5', '» line 2: rbl 198.51.100.7', '» line 3: /help']);
  });

  it('runs piped commands side by side: one slow list does not hold up the lines after it', async () => {
    // Each check waits 400 ms for its slow address; one after another, ten would take 4 s.
    const ips = Array.from({ length: 10 }, (_, i) => `198.51.100.${20 + i}`);
    for (const ip of ips) slowAddress(t.dns, ip, 400);
    const started = Date.now();
    const out = await session(t.checker, ips.map((ip) => `/rbl ${ip}\n`).join(''));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(answers(out).map(([label]) => label)).toEqual(ips.map((ip, i) => `» line ${i + 1}: /rbl ${ip}`));
  });

  it('runs a stateful command alone, after the lines before it and before the lines after it', async () => {
    const events: string[] = [];
    const traced: Checker = {
      ...t.checker,
      check: async (input, o) => {
        events.push(`start ${String(input)}`);
        const report = await t.checker.check(input, o);
        events.push(`end ${String(input)}`);
        return report;
      },
    };
    slowAddress(t.dns, '198.51.100.40', 300);
    const { WatchService } = await import('../../../src/core/watch/service.js');
    const { SqliteWatchStore } = await import('../../../src/core/watch/sqlite-store.js');
    const { ManualClock } = await import('../../../src/core/watch/clock.js');
    const watches = new WatchService({ store: new SqliteWatchStore(':memory:'), checker: traced, clock: new ManualClock() });
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const done = runConsole({ services: { checker: traced, watches }, commands, input: stdin, output: stdout, logger: silentLogger });
    stdin.end('/rbl 198.51.100.40\n/watch add 198.51.100.41\n/rbl 198.51.100.42\n/watch list\n');
    await done;
    // The watch's baseline check starts after the slow /rbl ended, and the next /rbl after it.
    expect(events.indexOf('start 198.51.100.41')).toBeGreaterThan(events.indexOf('end 198.51.100.40'));
    expect(events.indexOf('start 198.51.100.42')).toBeGreaterThan(events.indexOf('end 198.51.100.41'));
    expect(answers(out)[3]![1]).toContain('198.51.100.41');
    await watches.store.close();
  });

  it('prints only labelled replies on a pipe: no prompt, no progress, no colour', async () => {
    t.dns.listIp(
      '203.0.113.5',
      'bl.spamcop.net',
      ['127.0.0.2'],
      '\u001b[2J\u001b]0;owned\u0007Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5',
    );
    const out = await session(t.checker, '/rbl 203.0.113.5\n');
    expect(out).not.toContain('rblbot>');
    expect(out).not.toContain('Checking');
    expect(out).not.toContain('\u001b');
    expect(out.startsWith(`» line 1: /rbl 203.0.113.5\nBlocklist check: 203.0.113.5\n✗ 203.0.113.5 is listed on 1 of ${lists} lists`)).toBe(true);
    expect(out).toContain('List says: Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.5');
    expect(out).toContain('Removal: https://www.spamcop.net/bl.shtml?203.0.113.5');
  });

  it('ignores blank lines and comments, and hints at /rbl for a bare address', async () => {
    const out = await session(t.checker, '\n   \n# a comment\n203.0.113.9\nfrobnicate now\n');
    expect(titles(out)).toEqual(['Unknown command', 'Unknown command']);
    expect(out).toContain('"203.0.113.9" is not a command.\nTo check it, type: /rbl 203.0.113.9');
    expect(out).toContain('"frobnicate" is not a command.\nCommands: /rbl, /diagnose, /watch, /relay, /help. Type /help for usage.');
  });

  it('keeps going after bad input and failing commands', async () => {
    const flaky: Checker = {
      ...t.checker,
      check: (input, o) => (input === '192.0.2.3' ? Promise.reject(new Error('checker bug')) : t.checker.check(input, o)),
    };
    const out = await session(flaky, '/rbl 10.0.0.1\n/rbl 192.0.2.3\n/rbl\n/rbl 192.0.2.1\n');
    expect(out).toMatch(/10\.0\.0\.1.*private/i);
    expect(out).toContain('/rbl failed unexpectedly');
    expect(out).toContain('/rbl needs a target.');
    expect(out).toContain(`192.0.2.1 is not listed on any of ${lists} lists`);
  });

  it('finishes the commands in flight at end of input, including a last line without newline', async () => {
    slowAddress(t.dns, '192.0.2.44', 100);
    const out = await session(t.checker, '/help rbl\n/rbl 192.0.2.44');
    expect(out.trimEnd()).toMatch(/lists clean · checked in \d+ ms$/);
    expect(out).toContain(`192.0.2.44 is not listed on any of ${lists} lists`);
  });

  it('stops reading at quit but still answers what came before', async () => {
    const out = await session(t.checker, '/rbl 192.0.2.1\nquit\n/rbl 192.0.2.2\n');
    expect(checkedOnSpamcop()).toEqual(['192.0.2.1']);
    expect(out).toContain('192.0.2.1 is not listed');
  });

  it('colours replies only when asked', async () => {
    const out = await session(t.checker, '/rbl 192.0.2.1\n', { color: true });
    expect(out).toContain('\u001b[32m'); // green: clean
  });

  it('shows a prompt and progress in an interactive session', async () => {
    const out = await session(t.checker, '/rbl 192.0.2.1\n', { interactive: true });
    expect(out).toContain('rblbot> ');
    expect(out).toContain(`Checking ${t.checker.zoneCount('ipv4')} lists…`);
    expect(out).toContain('192.0.2.1 is not listed');
  });

  it('is what `rblbot` starts with no chat tokens: reads a pipe, answers on stdout, exits at end of input', async () => {
    t.dns.listIp('203.0.113.5', 'bl.spamcop.net');
    const bot = startBot('1000');
    bot.child.stdin.end('/rbl 203.0.113.5\n\nhelp\n');
    const code = await bot.closed;
    const { out, err } = bot;
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.startsWith(`» line 1: /rbl 203.0.113.5\nBlocklist check: 203.0.113.5\n✗ 203.0.113.5 is listed on 1 of ${lists} lists`)).toBe(true);
    expect(out.indexOf('\n» line 3: help\nrblbot commands\n')).toBeGreaterThan(0);
    expect(out).not.toContain('\u001b');
  });

  it('probes every list at start-up and blames a resolver that hides blocklist answers, in the log and in answers', async () => {
    const hiding = await TestDnsServer.start();
    hiding.testPoints = false;
    try {
      const bot = startBot('1000', hiding.address);
      // Before any command: the start-up probe asks every list for its test point.
      const deadline = Date.now() + 20_000;
      while (!bot.err.includes('is not returning blocklist answers') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(hiding.queries).toContain('2.0.0.127.zen.spamhaus.org');
      expect(hiding.queries.filter((q) => q.startsWith('5.113.0.203.'))).toEqual([]);
      expect(JSON.parse(bot.err.split('\n')[0]!)).toMatchObject({
        level: 50,
        msg: expect.stringMatching(/^0 of \d+ lists healthy; .*Your resolver 127\.0\.0\.1:\d+ is not returning blocklist answers/),
      });
      bot.child.stdin.end('/rbl 203.0.113.5\n');
      expect(await bot.closed).toBe(0);
      expect(bot.out).toContain('203.0.113.5 could not be checked: the resolver, not the lists, is the problem');
      expect(bot.out).toContain(`Your resolver ${hiding.address} is not returning blocklist answers`);
      expect(bot.out).not.toMatch(/clean|✓/);
    } finally {
      await hiding.close();
    }
  });

  it('on SIGTERM stops reading, still answers the command in flight, and exits 0', async () => {
    t.dns.listIp('203.0.113.5', 'bl.spamcop.net');
    slowAddress(t.dns, '203.0.113.5', 600); // the check is still running when the signal comes
    const bot = startBot('3000');
    const { child } = bot;
    child.stdin.write('/rbl 203.0.113.5\n'); // input stays open: only the signal ends the session
    const deadline = Date.now() + 20_000;
    while (!t.dns.queries.some((q) => q.endsWith('.113.0.203.in-addr.arpa')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    // A line that comes once the signal has been handled (the check is still running) is not read.
    await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) child.stdin.write('help\n');
    const code = await bot.closed;
    const { out, err } = bot;
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.startsWith(`» line 1: /rbl 203.0.113.5\nBlocklist check: 203.0.113.5\n✗ 203.0.113.5 is listed on 1 of ${lists} lists`)).toBe(true);
    expect(out).not.toContain('rblbot commands');
  });

  it('on SIGTERM with a long queue finishes what runs, drops the rest and exits within 10 s', async () => {
    const ips = Array.from({ length: 40 }, (_, i) => `198.51.100.${100 + i}`);
    for (const ip of ips) slowAddress(t.dns, ip, 1500);
    const bot = startBot('3000');
    const { child } = bot;
    child.stdin.write(ips.map((ip) => `/rbl ${ip}\n`).join(''));
    const deadline = Date.now() + 20_000;
    while (!t.dns.queries.some((q) => q.endsWith('.100.51.198.in-addr.arpa')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await bot.closed;
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(code).toBe(0);
    const answered = bot.out.match(/^» line \d+: /gm)?.length ?? 0;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(8);
    expect(bot.out).toMatch(new RegExp(`Stopped: ${ips.length - answered} queued commands were not run\\.\\n$`));
  });
});

describe('console output edge cases', () => {
  it('ends the session quietly when the reader goes away', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const done = runConsole({ services: { checker: t.checker }, commands, input: stdin, output: stdout });
    stdin.write('/rbl 192.0.2.1\n');
    stdout.destroy(new Error('write EPIPE'));
    stdin.write('/rbl 192.0.2.2\n'); // no end of input: the broken output alone ends the session
    await expect(done).resolves.toBeUndefined();
  });

  it('colours only a TTY, and respects NO_COLOR, TERM=dumb and FORCE_COLOR', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    expect(shouldUseColor(tty, {})).toBe(true);
    expect(shouldUseColor(pipe, {})).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(tty, { TERM: 'dumb' })).toBe(false);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
  });
});

describe('parseConsoleLine', () => {
  it('splits command and text, slash optional, skipping blanks and comments', () => {
    expect(parseConsoleLine('/RBL  203.0.113.5 example.com ')).toEqual({ name: 'rbl', text: '203.0.113.5 example.com' });
    expect(parseConsoleLine('help')).toEqual({ name: 'help', text: '' });
    expect(parseConsoleLine('   ')).toBeNull();
    expect(parseConsoleLine('# note')).toBeNull();
  });
});
