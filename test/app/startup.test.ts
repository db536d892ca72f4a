/**
 * Start-up that says what it is doing: a partial platform setup stops with the missing
 * variable named (never a silent console), a refused token stops with one sentence, and a
 * platform that cannot be reached is said and retried, the same way for Slack and Discord,
 * until it answers.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startBot } from '../../src/app/start-bot.js';
import { FakeDiscord, DISCORD_ERRORS } from '../support/fake-discord.js';
import { FakeSlack } from '../support/fake-slack.js';
import { TestDnsServer } from '../support/dns-server.js';
import { freePort, startBotProcess } from '../support/bot-process.js';
import { tempDbFile } from '../support/watch-harness.js';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await TestDnsServer.start();
});
afterAll(async () => {
  await dns.close();
});

async function start(env: Record<string, string>): Promise<{ status: number; stderr: string }> {
  const full = { RBLBOT_DB: tempDbFile(), RBLBOT_RESOLVERS: dns.address, LOG_LEVEL: 'silent', ...env };
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  // stdin never ends: a console that started by mistake would hang the test.
  const status = await startBot(loadConfig(full), { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: full });
  return { status, stderr: text };
}

describe('a partial platform setup', () => {
  it.each([
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      /^rblbot: SLACK_BOT_TOKEN is set, but Slack also needs SLACK_APP_TOKEN \(Socket Mode.*\) or SLACK_SIGNING_SECRET \(HTTP mode/,
    ],
    [{ SLACK_SIGNING_SECRET: 's' }, /^rblbot: SLACK_BOT_TOKEN is missing: SLACK_SIGNING_SECRET is set/],
    [{ DISCORD_APP_ID: '111111111111111111' }, /^rblbot: DISCORD_APP_ID is set, but Discord also needs DISCORD_TOKEN/],
  ])('stops with exit 2 naming what is missing: %o', async (env, sentence) => {
    const { status, stderr } = await start(env);
    expect(status).toBe(2);
    expect(stderr).toMatch(sentence);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a refused token', () => {
  it('stops with one sentence when Discord refuses DISCORD_TOKEN', async () => {
    const fake = await FakeDiscord.start();
    fake.failures.push({ match: /^GET \/users\/@me$/, ...DISCORD_ERRORS.unauthorized });
    const port = await freePort();
    try {
      const { status, stderr } = await start({
        DISCORD_TOKEN: 'wrong',
        DISCORD_PUBLIC_KEY: 'a'.repeat(64),
        DISCORD_API_URL: fake.api,
        PORT: String(port),
      });
      expect(status).toBe(2);
      expect(stderr.trim()).toMatch(/^rblbot: Discord refused DISCORD_TOKEN: copy the bot token again/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});

describe('a platform that cannot be reached', () => {
  // Two spawned processes' worth of waiting on a busy machine: a bound, not a speed claim.
  it('is said and retried, for Slack and Discord alike, until it answers', { timeout: 90_000 }, async () => {
    const [slackPort, discordPort, port] = [await freePort(), await freePort(), await freePort()];
    const bot = startBotProcess({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: `http://127.0.0.1:${slackPort}/api`,
      DISCORD_TOKEN: 'token',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_API_URL: `http://127.0.0.1:${discordPort}/api`,
      PORT: String(port),
      RBLBOT_DB: tempDbFile(),
      RBLBOT_RESOLVERS: dns.address,
      LOG_LEVEL: 'silent',
    });
    let slack: FakeSlack | undefined;
    let discord: FakeDiscord | undefined;
    try {
      await bot.waitForStderr(/^Slack: cannot reach/m);
      await bot.waitForStderr(/^Discord: cannot reach/m);
      const lines = bot.stderr().trim().split('\n');
      expect(lines).toContain(`Slack: cannot reach Slack's Web API at http://127.0.0.1:${slackPort}/api (ECONNREFUSED); trying again in 5 s.`);
      expect(lines).toContain(`Discord: cannot reach Discord's API at http://127.0.0.1:${discordPort}/api (ECONNREFUSED); trying again in 5 s.`);
      // The platforms come back: each connects on its next try and says so.
      slack = await FakeSlack.start(slackPort);
      discord = await FakeDiscord.start(discordPort);
      await bot.waitForStderr(/^Slack: HTTP mode at \/slack\/events/m, 30_000);
      await bot.waitForStderr(/^Discord: HTTP interactions at \/interactions/m, 30_000);
      expect(await bot.stop()).toBe(0);
    } finally {
      await bot.stop('SIGKILL');
      await slack?.close();
      await discord?.close();
    }
  });
});
