import { PassThrough } from 'node:stream';
import { ApplicationCommandOptionType, ApplicationCommandType, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discordCommandPayloads } from '../../../src/adapters/discord/payloads.js';
import { createDiscordRegister } from '../../../src/cli/discord-register.js';
import type { CliIO } from '../../../src/cli/types.js';
import { createChecker } from '../../../src/core/check/checker.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { APP_ID, GUILD_ID } from '../../support/discord-payloads.js';
import { testCommands } from '../../support/discord-test-commands.js';

type Json = any;

describe('registration payload derived from the definitions', () => {
  const payloads: Json[] = discordCommandPayloads(testCommands);
  const byName = (name: string) => payloads.find((p) => p.name === name);

  it('has one slash command per definition plus the message command, no more', () => {
    expect(payloads.map((p) => p.name)).toEqual(['check', 'echo', 'long', 'boom', 'paste', 'Diagnose bounce', 'guard', 'secret']);
    for (const def of testCommands) expect(byName(def.name).description).toBe(def.description);
  });

  it('maps options to typed Discord options, required first, with length limits', () => {
    expect(byName('check').options).toEqual([
      expect.objectContaining({ name: 'target', type: ApplicationCommandOptionType.String, required: true, max_length: 255 }),
    ]);
    // the text of a textInput command is optional on Discord (modal or file instead), capped at 6000
    expect(byName('paste').options).toEqual([
      expect.objectContaining({ name: 'text', type: ApplicationCommandOptionType.String, required: false, max_length: 6000 }),
      expect.objectContaining({ name: 'file', type: ApplicationCommandOptionType.Attachment, required: false }),
    ]);
    expect(byName('Diagnose bounce')).toMatchObject({ type: ApplicationCommandType.Message });
    expect(byName('Diagnose bounce').description ?? '').toBe('');
  });

  it('turns subcommands into SUB_COMMAND options and admin into Manage Server', () => {
    const guard = byName('guard');
    expect(guard.options.map((o: Json) => [o.name, o.type])).toEqual([
      ['add', ApplicationCommandOptionType.Subcommand],
      ['list', ApplicationCommandOptionType.Subcommand],
    ]);
    expect(guard.options[0].options).toEqual([
      expect.objectContaining({ name: 'target', type: ApplicationCommandOptionType.String, required: true }),
      expect.objectContaining({ name: 'every', type: ApplicationCommandOptionType.Integer, required: false }),
    ]);
    expect(guard.options[1].options).toEqual([expect.objectContaining({ name: 'all', type: ApplicationCommandOptionType.Boolean })]);
    expect(guard.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(guard.contexts).toEqual([0]); // guild only
    expect(byName('check').default_member_permissions).toBeNull();
  });

  it('refuses a definition Discord would reject', () => {
    expect(() => discordCommandPayloads([{ ...testCommands[0]!, name: 'Bad Name' }])).toThrow();
  });
});

describe('rblbot discord-register', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  function io(env: Record<string, string>) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const cli: CliIO = { stdin: new PassThrough(), stdout, stderr, env, services: () => ({ checker: createChecker() }) };
    return { cli, out: () => out, err: () => err };
  }
  const env = () => ({ DISCORD_TOKEN: 'reg-token', DISCORD_APP_ID: APP_ID, DISCORD_API_URL: fake.api });

  it('bulk-overwrites one guild’s commands, idempotently', async () => {
    const command = createDiscordRegister(testCommands);
    for (let run = 0; run < 2; run++) {
      const { cli, out } = io(env());
      expect(await command.run(['--guild', GUILD_ID], cli)).toBe(0);
      expect(out()).toMatch(/Registered 8 Discord commands in guild/);
    }
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /applications/${APP_ID}/guilds/${GUILD_ID}/commands`,
      `PUT /applications/${APP_ID}/guilds/${GUILD_ID}/commands`,
    ]);
    expect(fake.requests[0]!.headers.authorization).toBe('Bot reg-token');
    expect(fake.requests[0]!.body).toEqual(JSON.parse(JSON.stringify(discordCommandPayloads(testCommands))));
    expect(fake.requests[1]!.body).toEqual(fake.requests[0]!.body);
  });

  it('registers globally without --guild', async () => {
    const { cli } = io(env());
    expect(await createDiscordRegister(testCommands).run([], cli)).toBe(0);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /applications/${APP_ID}/commands`]);
  });

  it('says what is missing in one sentence', async () => {
    const noToken = io({ DISCORD_API_URL: fake.api });
    expect(await createDiscordRegister(testCommands).run([], noToken.cli)).toBe(2);
    expect(noToken.err()).toMatch(/needs DISCORD_TOKEN and DISCORD_APP_ID/);
    const badGuild = io(env());
    expect(await createDiscordRegister(testCommands).run(['--guild', 'abc'], badGuild.cli)).toBe(2);
    expect(badGuild.err()).toMatch(/--guild must be a server id/);
    fake.failures.push({ match: /^PUT /, status: 401 });
    const refused = io(env());
    expect(await createDiscordRegister(testCommands).run([], refused.cli)).toBe(1);
    expect(refused.err()).toMatch(/Discord refused the registration/);
    expect(refused.err()).not.toMatch(/\n\s+at /); // no stack trace
  });
});
