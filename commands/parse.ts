/**
 * Turns the free text after a slash command (Slack, console) into arguments for a
 * CommandDefinition, so text platforms and Discord's typed options reach the same
 * schema. Options are filled in order; a `rest` option takes everything left,
 * untouched (a pasted bounce keeps its line breaks). `name:value` and `--name value`
 * set an option by name, mirroring how Discord shows options.
 */
import type { CommandArgs, CommandDefinition, OptionDefinition } from './types.js';
import { UserError } from '../src/reply/errors.js';
import { clip } from '../src/reply/words.js';

export class UsageError extends UserError {}

/** Parse `text` for `def`; throws UsageError with a friendly sentence on bad input. */
export function parseCommandText(def: CommandDefinition, text: string): CommandArgs {
  let rest = text.trim();
  let options = def.options;
  const args: Record<string, string | number | boolean | undefined> = {};

  if (def.subcommands && def.subcommands.length > 0) {
    const [first, remainder] = splitFirstWord(rest);
    const sub = def.subcommands.find((s) => s.name === first.toLowerCase());
    if (!sub) {
      const names = def.subcommands.map((s) => s.name).join(', ');
      throw new UsageError(first ? `/${def.name} has no "${first}" subcommand; use one of: ${names}.` : `/${def.name} needs a subcommand: ${names}.`);
    }
    args.subcommand = sub.name;
    options = sub.options;
    rest = remainder;
  }

  let positional = 0;
  while (rest.length > 0) {
    const next = options[positional];
    // A rest option swallows the remainder verbatim, named flags included.
    if (next?.rest && !startsWithNamed(rest, options)) {
      args[next.name] = convert(next, rest);
      break;
    }
    const [word, remainder] = splitFirstWord(rest);
    const named = matchNamed(word, remainder, options);
    if (named) {
      args[named.option.name] = named.option.rest
        ? convert(named.option, named.value + (named.remainder ? ` ${named.remainder}` : ''))
        : convert(named.option, named.value);
      rest = named.option.rest ? '' : named.remainder;
      continue;
    }
    while (options[positional] && args[options[positional]!.name] !== undefined) positional++;
    const option = options[positional];
    if (!option) throw new UsageError(`Unexpected "${clip(word, 41)}". Usage: ${usageOf(def, args.subcommand as string | undefined)}`);
    if (option.rest) {
      args[option.name] = convert(option, rest);
      break;
    }
    args[option.name] = convert(option, word);
    positional++;
    rest = remainder;
  }
  return args;
}

/** "/watch add <target> [every]"-style usage line derived from the definition. */
export function usageOf(def: CommandDefinition, subcommand?: string): string {
  const sub = subcommand ? def.subcommands?.find((s) => s.name === subcommand) : undefined;
  const options = sub ? sub.options : def.options;
  const parts = [`/${def.name}`];
  if (sub) parts.push(sub.name);
  else if (def.subcommands?.length) parts.push(def.subcommands.map((s) => s.name).join('|'));
  for (const o of options) parts.push(o.required ? `<${o.name}>` : `[${o.name}]`);
  return parts.join(' ');
}

function splitFirstWord(text: string): [string, string] {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text);
  return m ? [m[1]!, m[2]!] : ['', ''];
}

function startsWithNamed(text: string, options: readonly OptionDefinition[]): boolean {
  const [word, remainder] = splitFirstWord(text);
  return matchNamed(word, remainder, options) !== undefined;
}

function matchNamed(
  word: string,
  remainder: string,
  options: readonly OptionDefinition[],
): { option: OptionDefinition; value: string; remainder: string } | undefined {
  const colon = /^([a-z][a-z0-9_-]*):(.*)$/i.exec(word);
  if (colon) {
    const option = options.find((o) => o.name === colon[1]!.toLowerCase());
    if (option) return { option, value: colon[2]!, remainder };
  }
  const flag = /^--([a-z][a-z0-9_-]*)(?:=(.*))?$/i.exec(word);
  if (flag) {
    const option = options.find((o) => o.name === flag[1]!.toLowerCase());
    if (option) {
      if (flag[2] !== undefined) return { option, value: flag[2], remainder };
      if (option.type === 'boolean') return { option, value: 'true', remainder };
      const [value, after] = splitFirstWord(remainder);
      return { option, value, remainder: after };
    }
  }
  return undefined;
}

function convert(option: OptionDefinition, raw: string): string | number | boolean {
  if (option.maxLength !== undefined && raw.length > option.maxLength) {
    throw new UsageError(`${option.name} is too long (at most ${option.maxLength} characters).`);
  }
  switch (option.type) {
    case 'integer': {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new UsageError(`${option.name} must be a whole number, not "${clip(raw, 41)}".`);
      return n;
    }
    case 'boolean':
      if (/^(true|yes|on|1)$/i.test(raw)) return true;
      if (/^(false|no|off|0)$/i.test(raw)) return false;
      throw new UsageError(`${option.name} must be true or false, not "${clip(raw, 41)}".`);
    default:
      return raw;
  }
}
