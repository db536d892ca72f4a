import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/index.js';
import { SharedHttpServer } from '../../../src/adapters/http-server.js';
import { createChecker } from '../../../src/core/check/checker.js';
import { ConfigError } from '../../../src/app/config.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { APP_ID, chatInput, ping, str } from '../../support/discord-payloads.js';
import { RecordingLogger, visibleText } from '../../support/discord.js';
import { testCommands } from '../../support/discord-test-commands.js';

let fake: FakeDiscord;
let dns: TestDnsServer;
let http: SharedHttpServer;
let port: number;
let adapter: DiscordAdapter;
let privateKey: KeyObject;
let publicHex: string;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  dns = await TestDnsServer.start();
  const pair = generateKeyPairSync('ed25519');
  privateKey = pair.privateKey;
  // The portal shows the raw 32-byte key in hex: the tail of the SPKI encoding.
  publicHex = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  http = new SharedHttpServer();
  adapter = createDiscordAdapter({
    // A token is set too: it must be used for REST only, never for a gateway connection.
    config: { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: publicHex, DISCORD_API_URL: fake.api },
    services: { checker: createChecker({ resolvers: [dns.address], timeoutMs: 400 }) },
    commands: testCommands,
    http,
    logger: new RecordingLogger(),
  });
  await adapter.connect();
  port = await http.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await adapter.stop();
  await http.close();
  await fake.close();
  await dns.close();
});
beforeEach(() => fake.reset());

async function post(payload: object, options: { key?: KeyObject; tamper?: boolean; timestamp?: string } = {}) {
  const body = JSON.stringify(payload);
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(timestamp + body), options.key ?? privateKey).toString('hex');
  const response = await fetch(`http://127.0.0.1:${port}/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    body: options.tamper ? body.replace('"type":', '"type" :') : body,
  });
  return {
    status: response.status,
    json: response.status === 200 ? ((await response.json()) as { type: number; data?: Record<string, unknown> }) : undefined,
  };
}

describe('HTTP interactions endpoint', () => {
  it('runs without a gateway connection even though DISCORD_TOKEN is set', () => {
    expect(adapter.mode).toBe('http');
    expect(adapter.client).toBeUndefined();
  });

  it('answers PING with PONG', async () => {
    const { status, json } = await post(ping());
    expect(status).toBe(200);
    expect(json).toEqual({ type: InteractionResponseType.Pong });
  });

  it('rejects a bad signature with 401', async () => {
    expect((await post(ping(), { tamper: true })).status).toBe(401);
    expect((await post(ping(), { key: generateKeyPairSync('ed25519').privateKey })).status).toBe(401);
    const missing = await fetch(`http://127.0.0.1:${port}/interactions`, { method: 'POST', body: JSON.stringify(ping()) });
    expect(missing.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });

  it('defers in the HTTP response, then edits the original over REST', async () => {
    dns.listIp('198.51.100.9', 'bl.spamcop.net', ['127.0.0.2']);
    const raw = chatInput('check', [str('target', '198.51.100.9')]);
    const { status, json } = await post(raw);
    expect(status).toBe(200);
    expect(json).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource });
    const edits = await fake.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${raw.token}/messages/@original`, 2);
    const final = edits.at(-1)!;
    expect(final.headers.authorization).toBeUndefined();
    expect(final.body.allowed_mentions).toEqual({ parse: [] });
    expect(visibleText(final.body)).toContain('SpamCop');
    // the defer went in the HTTP response, not to the callback endpoint
    expect(fake.requests.some((r) => r.path.endsWith('/callback'))).toBe(false);
  });

  it('opens the modal in the HTTP response', async () => {
    const { json } = await post(chatInput('paste'));
    expect(json?.type).toBe(InteractionResponseType.Modal);
    expect(json?.data).toMatchObject({ custom_id: 'rblbot:modal:paste', title: 'Diagnose a bounce' });
  });

  it('answers a failing command privately and keeps serving', async () => {
    const raw = chatInput('boom');
    expect((await post(raw)).json?.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const [followUp] = await fake.waitFor((r) => r.method === 'POST' && r.path === `/webhooks/${APP_ID}/${raw.token}`);
    expect(followUp!.body.flags).toBe(MessageFlags.Ephemeral);
    expect(followUp!.body.allowed_mentions).toEqual({ parse: [] });
    expect(visibleText(followUp!.body)).toMatch(/failed unexpectedly/);
    expect((await post(ping())).json).toEqual({ type: InteractionResponseType.Pong });
  });

  it('posts alerts with the token, and says so when there is none', async () => {
    await adapter.notifier.send(
      { platform: 'discord', workspaceId: 'g', channelId: '42' },
      { visibility: 'channel', title: 'Alert', level: 'bad', blocks: [] },
      'key-1',
    );
    const [post] = await fake.waitFor((r) => r.path === '/channels/42/messages');
    expect(post!.headers.authorization).toBe('Bot test-token');
    const tokenless = createDiscordAdapter({
      config: { DISCORD_TOKEN: undefined, DISCORD_APP_ID: undefined, DISCORD_PUBLIC_KEY: publicHex, DISCORD_API_URL: fake.api },
      services: { checker: createChecker({ resolvers: [dns.address] }) },
      commands: testCommands,
      http: new SharedHttpServer(),
    });
    await expect(
      tokenless.notifier.send(
        { platform: 'discord', workspaceId: 'g', channelId: '42' },
        { visibility: 'channel', title: 'Alert', level: 'bad', blocks: [] },
        'key-2',
      ),
    ).rejects.toMatchObject({ kind: 'channel', message: /no Discord bot token/, fix: expect.stringContaining('DISCORD_TOKEN') });
  });

  it('refuses a correctly signed interaction replayed later, or replayed at once', async () => {
    const raw = chatInput('check', [str('target', '198.51.100.10')]);
    const tenMinutesAgo = String(Math.floor(Date.now() / 1000) - 600);
    expect((await post(raw, { timestamp: tenMinutesAgo })).status).toBe(401);
    const aDayAgo = String(Math.floor(Date.now() / 1000) - 86_400);
    expect((await post(ping(), { timestamp: aDayAgo })).status).toBe(401);
    expect((await post(raw)).status).toBe(200);
    expect((await post(raw)).status).toBe(401);
    await fake.waitFor((r) => r.method === 'PATCH' && r.path.includes(raw.token));
    // The command ran once.
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.requests.filter((r) => r.method === 'PATCH' && r.path.includes(raw.token)).length).toBeLessThanOrEqual(2);
  });

  it('answers 413 to a body over the cap instead of resetting the connection', async () => {
    const huge = JSON.stringify({ ...ping(), padding: 'x'.repeat(5 * 1024 * 1024) });
    const response = await fetch(`http://127.0.0.1:${port}/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-ed25519': '0'.repeat(128), 'x-signature-timestamp': '1' },
      body: huge,
    });
    expect(response.status).toBe(413);
    expect((await post(ping())).json).toEqual({ type: InteractionResponseType.Pong });
  });

  it('answers 400 at once to a signed body that is not an interaction, and keeps serving', async () => {
    for (const payload of [null, [], 42, { type: 'x' }, { id: '1' }]) {
      const started = Date.now();
      const { status } = await post(payload as object);
      expect(status).toBe(400);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect((await post(ping())).json).toEqual({ type: InteractionResponseType.Pong });
  });

  it('refuses a public key that is not 64 hex characters, naming the variable', () => {
    expect(() =>
      createDiscordAdapter({
        config: { DISCORD_TOKEN: undefined, DISCORD_APP_ID: undefined, DISCORD_PUBLIC_KEY: 'not-a-key', DISCORD_API_URL: fake.api },
        services: { checker: createChecker({ resolvers: [dns.address] }) },
        commands: testCommands,
        http: new SharedHttpServer(),
      }),
    ).toThrow(ConfigError);
  });
});
