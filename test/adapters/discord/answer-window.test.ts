/**
 * When a Discord answer goes where: a usage error or a refusal is answered at once and only
 * to the caller (never a public "thinking…" that is then swapped), and an answer that would
 * miss Discord's 15-minute window for interaction edits says so in time and is posted in the
 * channel with the bot token instead.
 */
import { ApplicationCommandOptionType, GatewayDispatchEvents, InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/index.js';
import { interactionCreatedAt } from '../../../src/adapters/discord/interactions.js';
import { idleChecker } from '../../support/test-checker.js';
import { FakeDiscord, type RecordedRequest } from '../../support/fake-discord.js';
import { APP_ID, CHANNEL_ID, chatInput, snowflake, str } from '../../support/discord-payloads.js';
import { RecordingLogger, visibleText } from '../../support/discord.js';
import { checkCommand, slowCommand } from '../../support/discord-test-commands.js';

let fake: FakeDiscord;
let adapter: DiscordAdapter;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  adapter = createDiscordAdapter({
    config: { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: undefined, DISCORD_API_URL: fake.api },
    services: { checker: idleChecker() },
    commands: [checkCommand, slowCommand],
    logger: new RecordingLogger(),
    // 1.5 s stands in for 15 minutes.
    followUpWindowMs: 1500,
  });
});
afterAll(async () => {
  await adapter.stop();
  await fake.close();
});
beforeEach(() => fake.reset());

function feed(raw: { token: string; id: string }): { token: string; id: string } {
  adapter.client!.ws.emit(GatewayDispatchEvents.InteractionCreate, raw, 0);
  return raw;
}
const ofToken = (token: string) => (r: RecordedRequest) => r.path.includes(`/${token}`);

describe('answers within Discord’s rules', () => {
  it('answers a usage error at once and privately, with no public “thinking…” first', async () => {
    const raw = feed(chatInput('check', [str('target', '')]));
    const [callback] = await fake.waitFor(ofToken(raw.token));
    expect(callback!.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callback!.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(visibleText(callback!.body.data)).toMatch(/\/check/);
    await new Promise((r) => setTimeout(r, 300));
    // Nothing else: no defer, no edit, no delete, no follow-up.
    expect(fake.requests.filter(ofToken(raw.token))).toHaveLength(1);
  });

  it('posts an answer that misses the 15-minute window in the channel, after saying so in time', async () => {
    const raw = feed(chatInput('slow', [{ name: 'ms', type: ApplicationCommandOptionType.Integer, value: 2500 }]));
    const [defer] = await fake.waitFor(ofToken(raw.token));
    expect(defer!.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource });
    const [notice] = await fake.waitFor((r) => r.method === 'PATCH' && ofToken(raw.token)(r));
    expect(visibleText(notice!.body)).toContain('will be posted in this channel when it is ready');
    const [post] = await fake.waitFor((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages`);
    expect(visibleText(post!.body)).toContain('done at last');
    expect(post!.headers.authorization).toBe('Bot test-token');
    // The expired interaction token is never used again.
    expect(fake.requests.filter((r) => ofToken(raw.token)(r) && r.method === 'PATCH')).toHaveLength(1);
  });

  it('reads the creation time from the interaction id, and distrusts an implausible one', () => {
    const now = Date.now();
    expect(Math.abs(interactionCreatedAt(snowflake(now - 5000), now) - (now - 5000))).toBeLessThan(5);
    expect(interactionCreatedAt('90000000000001', now)).toBe(now);
    expect(interactionCreatedAt('not-a-number', now)).toBe(now);
  });
});
