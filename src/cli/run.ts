/**
 * The `rblbot` command line: with no command it starts the bot (what `npm start` runs);
 * otherwise it dispatches to one of src/cli/commands.ts.
 */
import { cliCommands } from './commands.js';
import { EXIT, fail } from './errors.js';
import { UserError } from '../reply/errors.js';
import type { ProcessIO } from '../app/start-bot.js';
import { loadConfig } from '../app/config.js';
import type { Services } from '../../commands/types.js';
import type { AppConfig } from '../app/config.js';
import { buildChecker, type ServiceOverrides } from '../app/checker-service.js';
import type { CliEntry } from './commands.js';
import { setCommandPrefix } from '../reply/command-names.js';
import { packageRoot } from '../core/package-root.js';

const GENERAL_HELP = (): string => `rblbot — DNS blocklist checks, bounce diagnosis, watches and relay tests for mail admins.

Usage:
  rblbot                  Start the bot (Slack/Discord when configured, else a console chat).
${cliCommands.map((c) => `  rblbot ${c.name.padEnd(16)} ${c.summary}`).join('\n')}
  rblbot <command> --help Help for one command.

Configuration comes from the environment and a .env file; see .env.example.
`;

export async function runCli(argv: readonly string[], io: ProcessIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(GENERAL_HELP());
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string };
    io.stdout.write(`rblbot ${pkg.version}\n`);
    return EXIT.ok;
  }
  let config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    io.stderr.write(`rblbot: ${err instanceof UserError ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
  // Before anything registers or answers a command: every name people see carries it.
  setCommandPrefix(config.RBLBOT_COMMAND_PREFIX);
  if (first === undefined || first === 'start') {
    const { startBot } = await import('../app/start-bot.js');
    return startBot(config, io);
  }
  const entry = cliCommands.find((c) => c.name === first);
  if (!entry) {
    io.stderr.write(`rblbot: unknown command "${first}". Run "rblbot --help" for the list.\n`);
    return EXIT.usage;
  }
  const [command, services] = await Promise.all([entry.load(), serviceBuilder(entry, config)]);
  try {
    // Each command answers --help itself, as it answers bad usage (args.ts).
    return await command.run(rest, { ...io, services });
  } catch (err) {
    // Subcommands answer their own errors; this is the net under them: one sentence, never a stack trace.
    if (err instanceof UserError) return fail(io.stderr, err.message, command.name);
    io.stderr.write(`rblbot ${command.name}: failed unexpectedly: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.unchecked;
  }
}

/** Only what the subcommand uses is loaded: the checker alone for most, every service for relay. */
async function serviceBuilder(entry: CliEntry, config: AppConfig): Promise<(overrides?: ServiceOverrides) => Services> {
  if (entry.services === 'all') {
    const { buildServices } = await import('./extras.js');
    return (overrides) => buildServices(config, overrides);
  }
  return (overrides) => ({ checker: buildChecker(config, overrides) });
}
