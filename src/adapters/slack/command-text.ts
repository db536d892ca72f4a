/**
 * Slack-specific helpers around the shared dispatcher (commands/dispatch.ts): which option
 * receives a form's or message's text, ids derived from command names, whether a command
 * needs to know who is an admin, and "/name help".
 */
import { errorReply, type Reply } from '../../reply/reply.js';
import type { CommandDefinition, OptionDefinition } from '../../../commands/types.js';
import { slash } from '../../reply/command-names.js';

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
  if (!option) return { reply: errorReply(`${slash(def.name)}`, `${slash(def.name)} does not take free text.`) };
  if (option.maxLength !== undefined && text.length > option.maxLength) {
    return { reply: errorReply(`${slash(def.name)}`, `The text is too long: ${text.length} characters, at most ${option.maxLength}.`) };
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

/**
 * Text as Slack delivers it (slash command text, a message's text) back to what the person
 * typed or pasted: Slack wraps links, e-mail addresses, mentions and channels in `<…>`
 * markup and escapes `&`, `<`, `>` as entities. A pasted bounce must reach the command as
 * plain text (`<user@example.com>`, not `&lt;<mailto:user@example.com|user@example.com>&gt;`).
 */
export function slackTextToPlain(text: string): string {
  return (
    text
      // <@U123|name>, <@U123>, <#C123|general>, <!here>, <!subteam^S1|@ops>
      .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `@${name || id}`)
      .replace(/<#(C[A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `#${name || id}`)
      .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => name || '@group')
      .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
      // <https://x|label>, <mailto:a@b|a@b>: what was shown is the label.
      .replace(/<((?:https?|mailto|ftp):[^|>\s]+)\|([^>]*)>/g, (_m, _url: string, label: string) => label)
      // <https://x>, <mailto:a@b>
      .replace(/<(?:mailto:)?((?:https?|ftp):[^>\s]+|[\w.%+-]+@[\w.-]+)>/g, '$1')
      // Entities last, so an escaped "&lt;…&gt;" that was typed stays text.
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  );
}
