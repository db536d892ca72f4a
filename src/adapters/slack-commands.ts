/**
 * Slack-specific helpers around the shared dispatcher (commands/dispatch.ts): which option
 * receives a form's or message's text, ids derived from command names, whether a command
 * needs to know who is an admin, and "/name help".
 */
import { errorReply, type Reply } from '../core/reply.js';
import type { CommandDefinition, OptionDefinition } from '../../commands/types.js';

/** Callback ids derived from a command's name (also written into manifest.yml). */
export const slackCallbackIds = (name: string) => ({
  modal: `${name}_modal`,
  messageShortcut: `${name}_message`,
});

/** The string option that receives a form's or a message's text (textInput.option). */
export function textOption(def: CommandDefinition): OptionDefinition | undefined {
  const name = def.textInput?.option;
  return name ? def.options.find((o) => o.name === name && o.type === 'string') : undefined;
}

/**
 * A whole text (form field, message) as the command's typed arguments, untouched by
 * free-text parsing (a bounce may contain words that look like `name:value`), or a
 * friendly error when it cannot be used.
 */
export function wholeTextArgs(def: CommandDefinition, text: string): { args: Record<string, string> } | { reply: Reply } {
  const option = textOption(def);
  if (!option) return { reply: errorReply(`/${def.name}`, `/${def.name} does not take free text.`) };
  if (option.maxLength !== undefined && text.length > option.maxLength) {
    return { reply: errorReply(`/${def.name}`, `The text is too long: ${text.length} characters, at most ${option.maxLength}.`) };
  }
  return { args: { [option.name]: text } };
}

/** Whether any part of the command is admin-only (so the adapter must find out who is an admin). */
export function needsAdminCheck(def: CommandDefinition): boolean {
  return def.permission === 'admin' || (def.subcommands ?? []).some((s) => s.permission === 'admin');
}

/** Whether `/name help` asks for help rather than passing "help" as an argument. */
export function isHelpRequest(def: CommandDefinition, text: string): boolean {
  const word = text.trim().toLowerCase();
  if (word !== 'help' && word !== '--help' && word !== '-h') return false;
  return def.name !== 'help' && !def.subcommands?.some((s) => s.name === 'help');
}
