/**
 * Socket Mode end to end: the bot opens a WebSocket to the URL apps.connections.open gave
 * it (a local fake of Slack's socket endpoint), receives a slash command envelope,
 * acknowledges it over the socket and answers through the response_url.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { commands } from '../../../commands/index.js';
import { startSlack, type SlackAdapter } from '../../../src/adapters/slack/index.js';
import { loadConfig } from '../../../src/app/config.js';
import { startTestChecker, type TestChecker } from '../../support/test-checker.js';
import { FakeSlack, slashCommand } from '../../support/fake-slack.js';

let fake: FakeSlack;
let wss: WebSocketServer;
let socket: Promise<WebSocket>;
let slack: SlackAdapter;
let tc: TestChecker;

beforeAll(async () => {
  tc = await startTestChecker();
  fake = await FakeSlack.start();
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const wsPort = (wss.address() as { port: number }).port;
  socket = new Promise((resolve) =>
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP' }, debug_info: {} }));
      resolve(ws);
    }),
  );
  fake.on('apps.connections.open', () => ({ ok: true, url: `ws://127.0.0.1:${wsPort}/link` }));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_APP_TOKEN: 'xapp-test-token',
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: 'silent',
  });
  slack = await startSlack({ config, services: { checker: tc.checker }, commands, apiRetries: 0, progressDelayMs: 60_000 });
});

afterAll(async () => {
  await slack?.stop();
  for (const ws of wss?.clients ?? []) ws.terminate();
  await new Promise((resolve) => wss?.close(resolve));
  await fake?.close();
  await tc?.dns.close();
});

describe('Socket Mode', () => {
  it('connects with the app token, acks a slash command envelope over the socket and answers via response_url', async () => {
    expect(slack.mode).toBe('socket');
    const open = fake.callsTo('apps.connections.open');
    expect(open.length).toBe(1);
    expect(open[0]!.authorization).toBe('Bearer xapp-test-token');
    expect(fake.callsTo('auth.test')[0]!.authorization).toBe('Bearer xoxb-test-token');
    const ws = await socket;
    const acked = new Promise<Record<string, unknown>>((resolve) => ws.on('message', (data) => resolve(JSON.parse(String(data)))));
    ws.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        payload: slashCommand({ command: '/help', text: '', responseUrl: fake.responseUrl('sock1') }),
        accepts_response_payload: true,
      }),
    );
    const ack = await acked;
    expect(ack.envelope_id).toBe('env-1');
    const answer = await fake.waitForRespond('sock1');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body.blocks)).toContain('/rbl');
  });
});
