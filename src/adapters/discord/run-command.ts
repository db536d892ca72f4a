/**
 * Runs one command for the Discord adapter: permission, schema validation, handler.
 * Every outcome is a Reply (never a throw), so one failing command never stops the bot.
 * Kept small on purpose: when a shared dispatcher lands in commands/, this delegates to it.
 */
import { TargetError } from '../../core/check-types.js';
import { errorReply, type Reply } from '../../core/reply.js';
import type { Services } from '../../core/services.js';
import type { CommandArgs, CommandDefinition, Invocation, Permission } from '../../../commands/types.js';

export interface Logger {
  error(details: object, message: string): void;
  warn?(details: object, message: string): void;
}

export interface RunRequest {
  readonly def: CommandDefinition;
  readonly args: CommandArgs;
  readonly invocation: Invocation;
  readonly services: Services;
  readonly progress: (reply: Reply) => Promise<void>;
  readonly logger: Logger;
}

function permissionOf(def: CommandDefinition, subcommand: string | undefined): Permission {
  const sub = subcommand ? def.subcommands?.find((s) => s.name === subcommand) : undefined;
  return sub?.permission ?? def.permission;
}

export async function runCommand(request: RunRequest): Promise<Reply> {
  const { def, args, invocation } = request;
  const subcommand = typeof args.subcommand === 'string' ? args.subcommand : undefined;
  const what = subcommand ? `/${def.name} ${subcommand}` : `/${def.name}`;
  // Discord can only restrict whole commands (default_member_permissions); an admin-only
  // subcommand is enforced here, from the member's permissions in the interaction.
  if (permissionOf(def, subcommand) === 'admin' && !invocation.user.isAdmin) {
    return errorReply(what, `Only members who can manage this server may run ${what}.`, 'Ask a server admin to run it.');
  }
  const validated = def.schema.safeParse(args);
  if (!validated.success) {
    const issue = validated.error.issues[0];
    const option = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
    const missing = option !== undefined && (args[option] === undefined || args[option] === '');
    const message = missing
      ? `${what} needs a ${option}.`
      : issue && issue.code === 'custom'
        ? issue.message
        : `The ${option ?? 'input'} is not valid for ${what}.`;
    return errorReply(what, message, `Type /help ${def.name} for usage and examples.`);
  }
  try {
    return await def.run(validated.data, {
      invocation,
      services: request.services,
      progress: request.progress,
    });
  } catch (err) {
    if (err instanceof TargetError) return errorReply(what, err.message);
    request.logger.error(
      { command: def.name, guild: invocation.workspaceId, channel: invocation.channelId, err: describe(err) },
      'discord: command failed',
    );
    return errorReply(
      what,
      `Sorry, ${what} failed unexpectedly. The error was logged for the bot's operator.`,
      'Try again in a moment; if it keeps failing, tell whoever runs this bot.',
    );
  }
}

export function describe(err: unknown): { name: string; message: string; stack?: string } {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'Error', message: String(err) };
}
