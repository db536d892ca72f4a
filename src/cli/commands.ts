/**
 * Every `rblbot <name>` subcommand, in the order `rblbot --help` lists them. `check` and
 * `zones` come with the command line itself (they are small, and `check` is what people
 * time); the others are loaded when they run, so that `rblbot check` loads neither the
 * bounce parser, the relay tester, SQLite, PostgreSQL nor discord.js (bench/startup.bench.ts).
 */
import { checkCli } from './check.js';
import type { CliCommand } from './types.js';
import { zonesCli } from './zones.js';

export interface CliEntry {
  readonly name: string;
  /** One line for `rblbot --help`. */
  readonly summary: string;
  /** What it needs built: the checker alone, or every service (the relay tester too). */
  readonly services: 'checker' | 'all';
  readonly load: () => Promise<CliCommand>;
}

export const cliCommands: readonly CliEntry[] = [
  {
    name: 'check',
    summary: 'Check IPs, ranges, domains or host names against the blocklists.',
    services: 'checker',
    load: async () => checkCli,
  },
  {
    name: 'diagnose',
    summary: 'Explain a bounce (.eml or text): reason, codes, lists named, live re-check, advice.',
    services: 'all',
    load: async () => (await import('./extras.js')).diagnoseCli,
  },
  {
    name: 'relay',
    summary: 'Test whether a mail server is an open relay (never sends a message).',
    services: 'all',
    load: async () => (await import('./extras.js')).relayCli,
  },
  {
    name: 'history',
    summary: 'Listing history of a watched target; --png draws it.',
    services: 'checker',
    load: async () => (await import('./history.js')).historyCli,
  },
  {
    name: 'zones',
    summary: "Show the zone catalogue; --probe tests each zone's health.",
    services: 'checker',
    load: async () => zonesCli,
  },
  {
    name: 'discord-register',
    summary: 'Register the slash commands with Discord (one guild or globally).',
    services: 'checker',
    load: async () => (await import('./extras.js')).discordRegisterCommand,
  },
  {
    name: 'status',
    summary: 'Show the watch database and the live bot replicas.',
    services: 'checker',
    load: async () => (await import('./status.js')).statusCli,
  },
  {
    name: 'migrate',
    summary: 'Copy watches, state and history to another database (SQLite → PostgreSQL).',
    services: 'checker',
    load: async () => (await import('./migrate.js')).migrateCli,
  },
];
