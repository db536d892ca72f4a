/**
 * `rblbot discord-register [--guild ID]`: registers the application commands derived
 * from commands/ with Discord — to one guild (instant, for development) or globally.
 * A bulk overwrite (PUT) replaces the whole set, so running it again is harmless and
 * commands removed from rblbot disappear from Discord too.
 */
import { parseCommandLine } from './args.js';
import type { CommandDefinition } from '../../commands/types.js';
import { loadConfig, ConfigError } from '../app/config.js';
import type { CliCommand, CliIO } from './types.js';

const help = `Usage: rblbot discord-register [--guild ID]

Registers rblbot's slash and context-menu commands with Discord, derived from the
command definitions. With --guild, only in that server (changes show at once: use it
while developing); without, globally for every server the bot is in.
Running it again replaces the whole set (idempotent).

Needs DISCORD_TOKEN and DISCORD_APP_ID; DISCORD_API_URL overrides the API base.
`;

/** discord.js takes seconds to load; only this subcommand needs it, so it is loaded on use. */
async function loadDiscord() {
  const [{ Routes }, { discordCommandPayloads }, { DEFAULT_DISCORD_API }, { createDiscordRest }] = await Promise.all([
    import('discord.js'),
    import('../adapters/discord/payloads.js'),
    import('../adapters/discord/index.js'),
    import('../adapters/discord/rest.js'),
  ]);
  return { Routes, discordCommandPayloads, DEFAULT_DISCORD_API, createDiscordRest };
}

/** `commands` defaults to the full list in commands/index.ts (tests pass their own). */
export function createDiscordRegister(given?: readonly CommandDefinition[]): CliCommand {
  return {
    name: 'discord-register',
    help,
    run: async (argv: readonly string[], io: CliIO): Promise<number> => {
      const parsed = parseCommandLine({ name: 'discord-register', help }, argv, io, { guild: { type: 'string' } });
      if (typeof parsed === 'number') return parsed;
      const guild = parsed.values.guild;
      if (guild !== undefined && !/^\d{17,20}$/.test(guild)) {
        io.stderr.write(`--guild must be a server id (17–20 digits), not "${guild}".\n`);
        return 2;
      }
      let config;
      try {
        config = loadConfig(io.env);
      } catch (err) {
        io.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
        return 2;
      }
      if (!config.DISCORD_TOKEN || !config.DISCORD_APP_ID) {
        io.stderr.write('discord-register needs DISCORD_TOKEN and DISCORD_APP_ID (from the Discord Developer Portal).\n');
        return 2;
      }
      const { Routes, discordCommandPayloads, DEFAULT_DISCORD_API, createDiscordRest } = await loadDiscord();
      const commands = given ?? (await import('../../commands/index.js')).commands;
      let body;
      try {
        body = discordCommandPayloads(commands);
      } catch (err) {
        io.stderr.write(`A command definition is not valid for Discord: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      }
      const rest = createDiscordRest(config.DISCORD_API_URL ?? DEFAULT_DISCORD_API, config.DISCORD_TOKEN, { retries: 1 });
      const route = guild ? Routes.applicationGuildCommands(config.DISCORD_APP_ID, guild) : Routes.applicationCommands(config.DISCORD_APP_ID);
      try {
        const result = (await rest.put(route, { body })) as unknown[];
        const where = guild ? `in guild ${guild} (visible now)` : 'globally (may take a while to show everywhere)';
        io.stdout.write(
          `Registered ${Array.isArray(result) ? result.length : body.length} Discord commands ${where}: ${body.map((c) => c.name).join(', ')}.\n`,
        );
        return 0;
      } catch (err) {
        const status = typeof err === 'object' && err && 'status' in err ? ` (HTTP ${String((err as { status: unknown }).status)})` : '';
        io.stderr.write(`Discord refused the registration${status}: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      }
    },
  };
}

export const discordRegisterCommand = createDiscordRegister();
