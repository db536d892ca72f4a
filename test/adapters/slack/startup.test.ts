/**
 * Starting the bot with Slack configured, through src/app/start-bot.ts: a refused bot token stops
 * start-up with one sentence instead of a stack trace or a half-running bot.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.js';
import { startBot } from '../../../src/app/start-bot.js';
import { slackMode } from '../../../src/adapters/slack/index.js';
import { FakeSlack } from '../../support/fake-slack.js';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
});
afterAll(() => fake.close());

describe('starting with Slack configured', () => {
  it('chooses Socket Mode with an app token, HTTP mode with only a signing secret', () => {
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }))).toBe('socket');
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }))).toBe('http');
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 's' }))).toBe('socket');
    expect(slackMode(loadConfig({}))).toBeNull();
  });

  it('stops with one sentence when Slack refuses the bot token', async () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_APP_TOKEN: 'xapp-test', SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' };
    const stderr = new PassThrough();
    const chunks: string[] = [];
    stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
    const status = await startBot(loadConfig(env), { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env });
    expect(status).toBe(2);
    const text = chunks.join('');
    expect(text).toMatch(/^rblbot: Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(fake.callsTo('auth.test').length).toBeGreaterThan(0);
  });

  it('says what is missing when only the app token is set', async () => {
    const env = { SLACK_APP_TOKEN: 'xapp-test', LOG_LEVEL: 'silent' };
    const stderr = new PassThrough();
    const chunks: string[] = [];
    stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
    const status = await startBot(loadConfig(env), { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env });
    expect(status).toBe(2);
    expect(chunks.join('')).toMatch(/SLACK_BOT_TOKEN is missing/);
  });
});
