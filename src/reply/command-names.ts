/**
 * The names people type for the chat commands. `/help`, `/watch`, `/relay` and `/diagnose`
 * clash with other apps in many workspaces, so RBLBOT_COMMAND_PREFIX (e.g. `mail-`) renames
 * them everywhere at once: the Slack manifest, Discord's registration, help, and every
 * answer that mentions a command. Command definitions keep their own names ("watch");
 * everything shown to people goes through slash().
 *
 * The prefix is set once at start-up, before any command is registered or answered (the
 * bot, the CLI, the manifest writer); it is process-wide because every answer of every
 * feature may name a command.
 */

let prefix = '';

/** Lower-case letters, digits, `-` and `_`: what both Slack and Discord accept in a command name. */
export const PREFIX_PATTERN = /^[a-z0-9_-]{0,16}$/;

export function setCommandPrefix(value: string | undefined): void {
  const next = value ?? '';
  if (!PREFIX_PATTERN.test(next)) throw new Error(`A command prefix is lower-case letters, digits, - and _ (at most 16), not "${next}".`);
  prefix = next;
}

export function commandPrefix(): string {
  return prefix;
}

/** The name a command is registered and typed under: "watch" → "mail-watch". */
export function commandName(name: string): string {
  return `${prefix}${name}`;
}

/** A command as people type it, with anything after it: slash('watch list') → "/mail-watch list". */
export function slash(command: string): string {
  return `/${prefix}${command}`;
}

/** The definition's name for what was typed ("/mail-watch", "mail-watch" or "watch"), lower-cased. */
export function baseName(typed: string): string {
  const name = typed.trim().replace(/^\//, '').toLowerCase();
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * Text written once with the plain command names (help lines and schema messages, built when
 * their modules load, before the prefix is known), with each `/name` of `names` renamed.
 */
export function withPrefix(text: string, names: readonly string[]): string {
  if (!prefix || names.length === 0) return text;
  const alternatives = names.map((n) => n.replace(/[-]/g, '\\-')).join('|');
  return text.replace(new RegExp(`(^|[^\\w/])/(${alternatives})(?![\\w-])`, 'g'), (_, before: string, name: string) => `${before}/${prefix}${name}`);
}
