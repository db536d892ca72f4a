/** The real command list (commands/index.ts) through the Discord adapter, with the real checker. */
import { ApplicationCommandOptionType, GatewayDispatchEvents, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/index.js';
import { discordCommandPayloads } from '../../../src/adapters/discord/payloads.js';
import { createChecker } from '../../../src/core/check/checker.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { APP_ID, chatInput, str } from '../../support/discord-payloads.js';
import { expectWithinLimits, RecordingLogger, visibleText } from '../../support/discord.js';

let fake: FakeDiscord;
let dns: TestDnsServer;
let adapter: DiscordAdapter;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  dns = await TestDnsServer.start();
  adapter = createDiscordAdapter({
    config: { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: undefined, DISCORD_API_URL: fake.api },
    services: { checker: createChecker({ resolvers: [dns.address], timeoutMs: 400 }) },
    commands,
    logger: new RecordingLogger(),
  });
});
afterAll(async () => {
  await adapter.stop();
  await fake.close();
  await dns.close();
});

describe('the real commands on Discord', () => {
  it('registers every command in commands/index.ts', () => {
    const all = discordCommandPayloads(commands) as { name: string; type?: number }[];
    // Message commands (context menu, type 3) come on top of the slash commands.
    const payloads = all.filter((p) => p.type !== 3);
    expect(payloads.map((p) => p.name)).toEqual(commands.map((c) => c.name));
    expect(all.filter((p) => p.type === 3).map((p) => p.name)).toEqual(
      commands.flatMap((c) => (c.textInput?.messageAction ? [c.textInput.messageAction] : [])),
    );
    const rbl = payloads.find((p) => p.name === 'rbl') as unknown as { options: { name: string; type: number; required: boolean }[] };
    expect(rbl.options[0]).toMatchObject({ name: 'target', type: ApplicationCommandOptionType.String, required: true });
  });

  it('/rbl answers with embeds listing the zone, its meaning and the removal link', async () => {
    dns.listIp('203.0.113.77', 'bl.spamcop.net', ['127.0.0.2'], '<@123> **spam** @everyone');
    const raw = chatInput('rbl', [str('target', '203.0.113.77')]);
    adapter.client!.ws.emit(GatewayDispatchEvents.InteractionCreate, raw, 0);
    const edits = await fake.waitFor((r) => r.method === 'PATCH' && r.path.includes(raw.token) && /SpamCop/i.test(visibleText(r.body)));
    const body = edits.at(-1)!.body;
    expectWithinLimits(body.embeds);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const text = visibleText(body);
    expect(text).toContain('203.0.113.77');
    expect(text).toMatch(/\]\(<https:\/\/www\.spamcop\.net\/[^>]*203\.0\.113\.77[^>]*>\)/);
    expect(text).not.toMatch(/@everyone|<@123>/);
    expect(body.embeds[0].color).toBe(0xe74c3c);
  });

  it('/help answers privately', async () => {
    const raw = chatInput('help');
    adapter.client!.ws.emit(GatewayDispatchEvents.InteractionCreate, raw, 0);
    const [followUp] = await fake.waitFor((r) => r.method === 'POST' && r.path === `/webhooks/${APP_ID}/${raw.token}`);
    expect(followUp!.body.flags).toBe(MessageFlags.Ephemeral);
    expect(visibleText(followUp!.body)).toMatch(/rbl/);
  });
});
