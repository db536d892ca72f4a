/**
 * The one way a chat command is run, whatever the platform: find the definition,
 * turn the text (Slack, console) or typed options (Discord) into arguments, check who
 * may run it, validate with the command's zod schema, run the handler. Every failure
 * along the way becomes a friendly, ephemeral Reply; an exception from a handler is
 * logged and answered with an apology, so one bad command never takes the bot down.
 */
import type { z } from 'zod';
import { errorReply, type Reply } from '../src/reply/reply.js';
import type { Services } from './types.js';
import type { Logger } from '../src/app/logger.js';
import { UserError } from '../src/reply/errors.js';
import type { CommandOutcome } from '../src/core/metrics.js';
import { parseCommandText, usageOf, UsageError } from './parse.js';
import type { CommandArgs, CommandDefinition, Invocation, Permission } from './types.js';

export interface DispatchRequest {
  /** Command name, with or without the leading slash; case does not matter. */
  readonly name: string;
  /** Free text after the command (Slack, console). Ignored when `args` is given. */
  readonly text?: string;
  /** Typed options (Discord), including `subcommand` when the command has them. */
  readonly args?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly invocation: Invocation;
  /** Interim answer, e.g. "Checking 41 lists…"; adapters that cannot update a message leave it out. */
  readonly progress?: (reply: Reply) => Promise<void>;
}

export interface Dispatcher {
  readonly commands: readonly CommandDefinition[];
  readonly services: Services;
  readonly logger?: Logger;
}

/** Find a definition by name ("/rbl", "RBL" and "rbl" all work). */
export function findCommand(commands: readonly CommandDefinition[], name: string): CommandDefinition | undefined {
  const wanted = name.trim().replace(/^\//, '').toLowerCase();
  return commands.find((c) => c.name === wanted);
}

/** Run one command. Never throws: every outcome is a Reply (and is counted when metrics are on). */
export async function dispatchCommand(dispatcher: Dispatcher, request: DispatchRequest): Promise<Reply> {
  const { reply, command, outcome } = await runCommand(dispatcher, request);
  try {
    dispatcher.services.metrics?.command(command, request.invocation.platform, outcome);
  } catch {
    // Counting must never cost the answer.
  }
  return reply;
}

interface Dispatched {
  readonly reply: Reply;
  /** A known command's name, or `unknown` (so the metric's label values stay bounded). */
  readonly command: string;
  readonly outcome: CommandOutcome;
}

async function runCommand(dispatcher: Dispatcher, request: DispatchRequest): Promise<Dispatched> {
  const { commands, services } = dispatcher;
  const def = findCommand(commands, request.name);
  if (!def) return { reply: unknownCommandReply(commands, request.name), command: 'unknown', outcome: 'invalid' };
  const done = (reply: Reply, outcome: CommandOutcome): Dispatched => ({ reply, command: def.name, outcome });

  let parsed: CommandArgs;
  try {
    parsed = request.args ? { ...request.args } : parseCommandText(def, request.text ?? '');
  } catch (err) {
    if (err instanceof UsageError) return done(errorReply(`/${def.name}`, err.message, `Type /help ${def.name} for usage and examples.`), 'invalid');
    if (err instanceof UserError) return done(userErrorReply(def, err), 'invalid');
    return done(failedReply(dispatcher, def, request, err), 'failed');
  }

  const subcommand = typeof parsed.subcommand === 'string' ? parsed.subcommand : undefined;
  if (!allowed(permissionOf(def, subcommand), request.invocation)) {
    const what = subcommand ? `/${def.name} ${subcommand}` : `/${def.name}`;
    return done(
      errorReply(
        `/${def.name}`,
        `Only admins may run ${what}.`,
        request.invocation.platform === 'slack'
          ? 'Ask a workspace admin, or ask the bot operator to add you to SLACK_ADMIN_IDS.'
          : 'Ask a server admin (Manage Server permission) to run it.',
      ),
      'denied',
    );
  }

  const validated = def.schema.safeParse(parsed);
  if (!validated.success) {
    return done(
      errorReply(`/${def.name}`, describeIssue(def, parsed, validated.error.issues, subcommand), `Usage: ${usageOf(def, subcommand)}`),
      'invalid',
    );
  }

  const ctx = {
    invocation: request.invocation,
    services,
    progress: safeProgress(dispatcher, def, request),
  };
  try {
    return done(await def.run(validated.data, ctx), 'ok');
  } catch (err) {
    // Bad input the core noticed (a private address, an unknown watch) is the user's to fix, not a bug.
    if (err instanceof UserError) return done(userErrorReply(def, err, subcommand), 'invalid');
    return done(failedReply(dispatcher, def, request, err), 'failed');
  }
}

/** The one place a UserError becomes an answer: its sentence, and its hint or an example. */
function userErrorReply(def: CommandDefinition, err: UserError, subcommand?: string): Reply {
  const example = def.examples.find((e) => e !== '' && (!subcommand || e.startsWith(subcommand)));
  const hint = err.hint ?? (example !== undefined ? `Example: /${def.name} ${example}` : undefined);
  return errorReply(subcommand ? `/${def.name} ${subcommand}` : `/${def.name}`, err.message, hint);
}

function permissionOf(def: CommandDefinition, subcommand: string | undefined): Permission {
  const sub = subcommand ? def.subcommands?.find((s) => s.name === subcommand) : undefined;
  return sub?.permission ?? def.permission;
}

function allowed(permission: Permission, invocation: Invocation): boolean {
  return permission === 'everyone' || invocation.user.isAdmin;
}

/**
 * Zod's own messages ("Invalid input: expected string, received undefined") are not
 * for users. A missing option becomes "needs a <name>"; messages a schema wrote itself
 * are passed on; anything else names the option and shows the usage line.
 */
function describeIssue(def: CommandDefinition, args: CommandArgs, issues: z.ZodError['issues'], subcommand: string | undefined): string {
  const issue = issues[0];
  if (!issue) return `That is not valid input for /${def.name}.`;
  const option = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
  const what = subcommand ? `/${def.name} ${subcommand}` : `/${def.name}`;
  if (option && (args[option] === undefined || args[option] === '') && (issue.code === 'invalid_type' || issue.code === 'too_small')) {
    return `${what} needs a ${option}.`;
  }
  if (issue.code === 'custom' || !/^Invalid\b|^Too (big|small)\b|^Unrecognized\b/.test(issue.message)) {
    return sentence(issue.message);
  }
  return option ? `The ${option} is not valid for ${what}.` : `That is not valid input for ${what}.`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

function unknownCommandReply(commands: readonly CommandDefinition[], name: string): Reply {
  const shown = name.trim().replace(/^\//, '').slice(0, 40);
  const names = commands.map((c) => `/${c.name}`).join(', ');
  return errorReply('Unknown command', `There is no /${shown} command.`, `Commands: ${names}. Type /help for usage.`);
}

function failedReply(dispatcher: Dispatcher, def: CommandDefinition, request: DispatchRequest, err: unknown): Reply {
  logFailure(dispatcher, def, request, err, 'command failed');
  return errorReply(
    `/${def.name}`,
    `Sorry, /${def.name} failed unexpectedly. The error was logged for the bot's operator.`,
    'Try again in a moment; if it keeps failing, tell whoever runs this bot.',
  );
}

/** A failing progress update must not fail the command: the final answer still comes. */
function safeProgress(dispatcher: Dispatcher, def: CommandDefinition, request: DispatchRequest) {
  return async (reply: Reply): Promise<void> => {
    if (!request.progress) return;
    try {
      await request.progress(reply);
    } catch (err) {
      logFailure(dispatcher, def, request, err, 'progress update failed');
    }
  };
}

function logFailure(dispatcher: Dispatcher, def: CommandDefinition, request: DispatchRequest, err: unknown, message: string): void {
  const summary = err instanceof Error ? err.message : String(err);
  const details = {
    command: def.name,
    platform: request.invocation.platform,
    workspaceId: request.invocation.workspaceId,
    channelId: request.invocation.channelId,
    userId: request.invocation.user.id,
    err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) },
  };
  try {
    if (dispatcher.logger) dispatcher.logger.error(details, message);
    else process.stderr.write(`rblbot: /${def.name} ${message}: ${summary}\n`);
  } catch {
    // Logging must never turn a handled failure into an unhandled one.
  }
}
