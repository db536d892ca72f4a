/**
 * Platform-neutral steps the Slack adapter takes for every command, whatever brought it in
 * (slash command, form submission, message shortcut): parse and validate the arguments
 * against the command's definition, check permission, run the handler, and turn any
 * failure into a friendly Reply so the process keeps serving.
 */
import { UsageError, parseCommandText, usageOf } from '../../commands/parse.js';
import type {
  CommandArgs,
  CommandDefinition,
  CommandContext,
  Invocation,
  OptionDefinition,
  Permission,
} from '../../commands/types.js';
import { errorReply, type Block, type Reply } from '../core/reply.js';
import type { Services } from '../core/services.js';

/** Callback ids derived from a command's name (also written into manifest.yml). */
export const slackCallbackIds = (name: string) => ({
  modal: `${name}_modal`,
  messageShortcut: `${name}_message`,
});

export type Parsed = { ok: true; args: CommandArgs } | { ok: false; reply: Reply };

/** Free text after `/name` → validated arguments, or a friendly error for the caller. */
export function parseSlashText(def: CommandDefinition, text: string): Parsed {
  try {
    return validate(def, parseCommandText(def, text));
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, reply: usageError(def, error.message) };
    throw error;
  }
}

/** The option that receives a form's or a message's text. */
export function textOption(def: CommandDefinition): OptionDefinition | undefined {
  const name = def.textInput?.option;
  return name ? def.options.find((o) => o.name === name) : def.options.find((o) => o.rest);
}

/** A whole text (form field, message) as the command's text option, untouched by parsing. */
export function parseWholeText(def: CommandDefinition, text: string): Parsed {
  const option = textOption(def);
  if (!option) return { ok: false, reply: errorReply(`/${def.name}`, `/${def.name} does not take free text.`) };
  if (option.maxLength !== undefined && text.length > option.maxLength) {
    return {
      ok: false,
      reply: usageError(def, `The text is too long: ${text.length} characters, at most ${option.maxLength}.`),
    };
  }
  return validate(def, { [option.name]: text });
}

function validate(def: CommandDefinition, args: CommandArgs): Parsed {
  const sub = args.subcommand ? def.subcommands?.find((s) => s.name === args.subcommand) : undefined;
  const missing = (sub ? sub.options : def.options).find((o) => o.required && (args[o.name] === undefined || args[o.name] === ''));
  if (missing) {
    return { ok: false, reply: usageError(def, `${capitalise(missing.description || missing.name)} is missing.`, args.subcommand) };
  }
  const result = def.schema.safeParse(args);
  if (result.success) return { ok: true, args: result.data };
  const message = result.error.issues.map((issue) => issue.message).join(' ');
  return { ok: false, reply: usageError(def, message || 'Those arguments are not valid.') };
}

function usageError(def: CommandDefinition, message: string, subcommand?: string): Reply {
  return errorReply(`/${def.name}`, message, `Usage: ${usageOf(def, subcommand)} (try "/${def.name} help")`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Whether `text` asks for help rather than being an argument. */
export function isHelpRequest(def: CommandDefinition, text: string): boolean {
  const word = text.trim().toLowerCase();
  if (word !== 'help' && word !== '--help' && word !== '-h') return false;
  return !def.subcommands?.some((s) => s.name === 'help');
}

/** Help for one command, derived from its definition; only the caller sees it. */
export function helpReply(def: CommandDefinition): Reply {
  const blocks: Block[] = [{ kind: 'text', text: [def.description] }];
  const lines = [usageOf(def), ...(def.subcommands ?? []).map((s) => `${usageOf(def, s.name)}  — ${s.description}`)];
  if (def.help.length > 0) lines.push('', ...def.help);
  blocks.push({ kind: 'code', text: lines.join('\n') });
  if (def.examples.length > 0) {
    blocks.push({
      kind: 'list',
      heading: 'Examples',
      items: def.examples.map((e) => ({ title: [{ code: `/${def.name} ${e}`.trim() }] })),
    });
  }
  if (def.textInput) {
    const hint = def.textInput.messageShortcut
      ? `Run /${def.name} with no text to paste into a form, or use the "${def.textInput.messageShortcut.name}" shortcut on a message.`
      : `Run /${def.name} with no text to paste into a form.`;
    blocks.push({ kind: 'context', text: [hint] });
  }
  return { visibility: 'ephemeral', title: `/${def.name}`, level: 'info', blocks };
}

/** The permission that applies to these arguments (a subcommand may override the command's). */
export function permissionFor(def: CommandDefinition, args: CommandArgs): Permission {
  const sub = args.subcommand ? def.subcommands?.find((s) => s.name === args.subcommand) : undefined;
  return sub?.permission ?? def.permission;
}

/** Whether any part of the command needs an admin (so the adapter must find out who is one). */
export function needsAdminCheck(def: CommandDefinition): boolean {
  return def.permission === 'admin' || (def.subcommands ?? []).some((s) => s.permission === 'admin');
}

export interface RunDeps {
  readonly services: Services;
  readonly logger: { error(...msg: unknown[]): void };
}

/**
 * Run a validated command. Never throws: a refused permission or a handler failure
 * becomes an ephemeral Reply.
 */
export async function runCommand(
  def: CommandDefinition,
  args: CommandArgs,
  invocation: Invocation,
  progress: CommandContext['progress'],
  deps: RunDeps,
): Promise<Reply> {
  if (permissionFor(def, args) === 'admin' && !invocation.user.isAdmin) {
    const what = args.subcommand ? `/${def.name} ${args.subcommand}` : `/${def.name}`;
    return errorReply(
      'Not allowed',
      `Only workspace admins can use ${what}.`,
      'Ask a workspace admin, or ask whoever runs rblbot to add your user id to SLACK_ADMIN_IDS.',
    );
  }
  try {
    return await def.run(args, { invocation, services: deps.services, progress });
  } catch (error) {
    // Errors meant for users carry a sentence; anything else is a bug to log, not to show.
    if (error instanceof Error && (error.name === 'TargetError' || error.name === 'UsageError')) {
      return errorReply(`/${def.name}`, error.message);
    }
    deps.logger.error(`Slack: /${def.name} failed`, error);
    return errorReply(
      `/${def.name}`,
      `Sorry, /${def.name} failed unexpectedly. The error has been logged.`,
      'Try again in a moment; if it keeps failing, tell whoever runs rblbot.',
    );
  }
}
