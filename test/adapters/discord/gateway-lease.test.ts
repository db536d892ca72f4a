/**
 * The Discord gateway with replicas: startDiscord connects only while this replica holds
 * the `discord-gateway` lease. Another holder keeps it off the gateway (no login is even
 * attempted against the fake API); once that lease is gone it takes over, and a login
 * Discord refuses hands the lease back for another replica to try.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GATEWAY_LEASE, startDiscord } from '../../../src/adapters/discord/index.js';
import { createChecker } from '../../../src/core/check/checker.js';
import { ManualClock } from '../../../src/core/watch/clock.js';
import { SqliteWatchStore } from '../../../src/core/watch/sqlite-store.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { APP_ID } from '../../support/discord-payloads.js';
import { RecordingLogger } from '../../support/discord.js';
import { testCommands } from '../../support/discord-test-commands.js';
import { tempDbFile } from '../../support/watch-harness.js';

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start();
});
afterAll(() => fake.close());

const gatewayAsked = (): boolean => fake.requests.some((r) => r.path.startsWith('/gateway'));

it('stays off the gateway while another replica holds the lease, then takes it over', async () => {
  const store = new SqliteWatchStore(tempDbFile());
  const clock = new ManualClock();
  expect(await store.tryLease(GATEWAY_LEASE, 'other-replica', clock.now() + 3000, clock.now())).toBe(true);
  const logger = new RecordingLogger();
  const discord = await startDiscord({
    config: { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: undefined, DISCORD_API_URL: fake.api },
    services: { checker: createChecker({ resolvers: ['127.0.0.1:9'], timeoutMs: 100 }) },
    commands: testCommands,
    logger,
    gatewayLease: { store, clock, owner: 'this-replica', leaseMs: 3000 },
  });
  expect(discord.mode).toBe('gateway');
  expect(logger.entries.map((e) => e.message)).toContain('discord: another replica holds the gateway; this one takes over if it stops');
  clock.advance(1000);
  await new Promise((r) => setTimeout(r, 200));
  expect(gatewayAsked()).toBe(false);

  // The other replica's lease runs out: this one takes it and logs in (the fake refuses).
  clock.advance(2000);
  const deadline = Date.now() + 10_000;
  while (!logger.errors.some((e) => e.message === 'discord: gateway lease') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(gatewayAsked()).toBe(true);
  // A refused login gives the lease back at once.
  expect(await store.leases()).toEqual([]);
  await discord.stop();
  await store.close();
});
