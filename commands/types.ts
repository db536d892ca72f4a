/**
 * The shape of a chat command. Each file in commands/ exports one CommandDefinition;
 * adapters derive everything platform-specific from it (Slack slash-command text
 * parsing and the app manifest, Discord's registration payload, console help), so a
 * command is written exactly once.
 */
import type { z } from 'zod';
import type { Reply } from '../src/reply/reply.js';
import type { Checker } from '../src/core/check/checker.js';
import type { RelayTester } from '../src/core/relay/tester.js';
import type { Diagnoser } from '../src/core/diagnose/index.js';
import type { WatchService } from '../src/core/watch/service.js';
import type { MetricsSink } from '../src/core/metrics.js';

export type OptionType = 'string' | 'integer' | 'boolean';

export interface OptionDefinition {
  readonly name: string;
  readonly description: string;
  readonly type: OptionType;
  readonly required: boolean;
  /**
   * Takes the rest of the text (a pasted bounce, several targets). Only the last
   * option of a command or subcommand may be `rest`.
   */
  readonly rest?: boolean;
  /** Longest accepted value, in characters (Discord enforces it client-side too). */
  readonly maxLength?: number;
}

export interface SubcommandDefinition {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionDefinition[];
  /** Overrides the command's permission for this subcommand. */
  readonly permission?: Permission;
}

export interface TextInputDefinition {
  /** The string option (usually the `rest` one) that receives the text. */
  readonly option: string;
  /** Form title, e.g. "Diagnose a bounce" (Slack allows 24 characters, Discord 45). */
  readonly modalTitle: string;
  /** Label of the paragraph field, e.g. "Paste the bounce message" (Discord: 45). */
  readonly label: string;
  /** Name of the message action that feeds a message's text in, e.g. "Diagnose bounce" (≤32). */
  readonly messageAction?: string;
}

/** `admin`: workspace/server admins (Discord: Manage Server; Slack: configured admins). */
export type Permission = 'everyone' | 'admin';

/** Who asked, and where. Built by the adapter from the platform payload. */
export interface Invocation {
  readonly platform: 'slack' | 'discord' | 'console' | 'cli';
  /** Slack team id, Discord guild id, "console" for the console. */
  readonly workspaceId: string;
  readonly channelId: string;
  readonly user: { readonly id: string; readonly name?: string; readonly isAdmin: boolean };
}

/**
 * The core services a command handler may use. Built once by src/app/services.ts and
 * handed to every command; tests build them pointed at loopback servers.
 */
export interface Services {
  readonly checker: Checker;
  /** Channel watches; absent where nothing persists (the one-shot CLI). */
  readonly watches?: WatchService;
  /**
   * The open-relay test (/relay, `rblbot relay`). buildServices always sets it; optional
   * so that tests of other commands can build Services without one.
   */
  readonly relay?: RelayTester;
  /**
   * Bounce diagnosis with the checker's catalogue and checker. buildServices always sets
   * it; optional so that tests of other commands can build Services without one.
   */
  readonly diagnoser?: Diagnoser;
  /** Where commands are counted (/metrics); absent when metrics are off. */
  readonly metrics?: MetricsSink;
}

export interface CommandContext {
  readonly invocation: Invocation;
  readonly services: Services;
  /**
   * Show an interim answer ("checking 60 lists…") that the final Reply replaces.
   * Adapters that cannot update a message may ignore it.
   */
  readonly progress: (reply: Reply) => Promise<void>;
}

/** Parsed arguments: option name → value, plus `subcommand` when the command has them. */
export type CommandArgs = Readonly<Record<string, string | number | boolean | undefined>> & {
  readonly subcommand?: string;
};

/**
 * One chat command, generic over its argument schema so that `run` receives exactly
 * what the schema produces (no casts in commands). `run` is declared as a method so a
 * definition of any schema fits the list of all commands (`CommandDefinition`).
 */
export interface CommandDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One line, at most 100 characters (Discord's limit for descriptions). */
  readonly description: string;
  /** Longer help: usage lines and examples, plain text. */
  readonly help: readonly string[];
  /** Examples of the argument text, e.g. ["203.0.113.5", "example.com"]. */
  readonly examples: readonly string[];
  readonly options: readonly OptionDefinition[];
  readonly subcommands?: readonly SubcommandDefinition[];
  readonly permission: Permission;
  /**
   * Set on commands whose main input is one long pasted text (a bounce). Platforms with
   * forms offer it there: Discord opens a modal with a paragraph field when the option
   * is empty, accepts a `file` attachment (.eml/.txt), and adds a message context-menu
   * command; Slack can open a modal and add a message shortcut. The text always reaches
   * the handler as the string option named `option`.
   */
  readonly textInput?: TextInputDefinition;
  /**
   * Validates and normalises the parsed arguments (CommandArgs); its error messages are
   * shown to the user, so they must be friendly sentences.
   */
  readonly schema: S;
  /** Throw a UserError for anything the user can fix; the dispatcher answers it. */
  run(args: z.output<S>, ctx: CommandContext): Promise<Reply>;
}

/** Declare a command; infers the schema so that `run` is typed by it. */
export function defineCommand<S extends z.ZodType>(definition: CommandDefinition<S>): CommandDefinition<S> {
  return definition;
}
