/**
 * Runs one command for the Discord adapter through the shared dispatcher (permission,
 * schema validation, handler, friendly errors), so Discord behaves exactly like the
 * other platforms. Per-subcommand admin rules are enforced there from
 * Invocation.user.isAdmin, which the adapter sets from the member's permissions.
 */
import { dispatchCommand } from '../../../commands/dispatch.js';
import type { CommandArgs, CommandDefinition, Invocation } from '../../../commands/types.js';
import type { Logger } from '../../app/logger.js';
import type { Reply } from '../../reply/reply.js';
import type { Services } from '../../../commands/types.js';

export interface RunRequest {
  readonly commands: readonly CommandDefinition[];
  readonly def: CommandDefinition;
  readonly args: CommandArgs;
  readonly invocation: Invocation;
  readonly services: Services;
  readonly progress: (reply: Reply) => Promise<void>;
  readonly logger: Logger;
}

/** Never throws: every outcome, a handler's exception included, is a Reply. */
export function runCommand(request: RunRequest): Promise<Reply> {
  return dispatchCommand(
    { commands: request.commands, services: request.services, logger: request.logger },
    { name: request.def.name, args: request.args, invocation: request.invocation, progress: request.progress },
  );
}

export function describe(err: unknown): { name: string; message: string; stack?: string } {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'Error', message: String(err) };
}
