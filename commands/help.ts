/**
 * /help [command] — generated from the command definitions themselves, so help can
 * never drift from what the commands accept. The list is passed in as a function
 * (`helpCommand(() => commands)`) because help is itself one of the commands: the
 * index builds the list, and help reads it only when run, with no import cycle.
 */
import { z } from 'zod';
import { errorReply, type Block, type Inline, type ListItem, type Reply } from '../src/reply/reply.js';
import { usageOf } from './parse.js';
import { defineCommand, type CommandDefinition } from './types.js';

const schema = z.object({
  command: z
    .string()
    .trim()
    .transform((v) => v.replace(/^\//, '').toLowerCase())
    .optional(),
});

export function helpCommand(list: () => readonly CommandDefinition[]): CommandDefinition<typeof schema> {
  return defineCommand({
    name: 'help',
    description: 'Show the commands, or how to use one of them.',
    help: ['Without an argument, lists every command. With a command name, shows its usage, options and examples.'],
    examples: ['', 'rbl'],
    options: [{ name: 'command', description: 'A command to explain, e.g. rbl', type: 'string', required: false, maxLength: 40 }],
    permission: 'everyone',
    schema,
    async run(args) {
      const commands = list();
      const wanted = args.command || undefined;
      if (!wanted) return overviewReply(commands);
      const def = commands.find((c) => c.name === wanted);
      if (!def) {
        return errorReply('Help', `There is no /${wanted} command.`, `Commands: ${commands.map((c) => `/${c.name}`).join(', ')}.`);
      }
      return commandReply(def);
    },
  });
}

/** Every command with its usage line and one-line description. */
export function overviewReply(commands: readonly CommandDefinition[]): Reply {
  const items: ListItem[] = commands.map((def) => ({
    level: 'info',
    title: [{ code: usageOf(def) }],
    lines: [[def.description]],
  }));
  return {
    visibility: 'ephemeral',
    title: 'rblbot commands',
    level: 'info',
    blocks: [
      { kind: 'list', heading: 'Commands', items },
      { kind: 'context', text: ['Type ', { code: '/help <command>' }, ' for details and examples, e.g. ', { code: '/help rbl' }, '.'] },
    ],
  };
}

/** Usage, longer help, options, examples and who may run one command. */
export function commandReply(def: CommandDefinition): Reply {
  const usages = def.subcommands?.length ? def.subcommands.map((s) => usageOf(def, s.name)) : [usageOf(def)];
  const blocks: Block[] = [
    { kind: 'text', text: [def.description] },
    { kind: 'fields', fields: [{ label: usages.length === 1 ? 'Usage' : 'Usages', value: joinCodes(usages) }] },
  ];
  for (const paragraph of def.help) blocks.push({ kind: 'text', text: [paragraph] });

  const options = def.subcommands?.length
    ? def.subcommands.map((s) => ({
        level: 'info' as const,
        title: [{ code: `${def.name} ${s.name}` }] as Inline[],
        lines: [[s.description], ...s.options.map((o) => optionLine(o.name, o.description, o.required))],
      }))
    : def.options.map((o) => ({ level: 'info' as const, title: optionLine(o.name, o.description, o.required) }));
  if (options.length > 0) blocks.push({ kind: 'list', heading: def.subcommands?.length ? 'Subcommands' : 'Options', items: options });

  if (def.examples.length > 0) {
    blocks.push({
      kind: 'list',
      heading: 'Examples',
      items: def.examples.map((e) => ({ title: [{ code: e === '' ? `/${def.name}` : `/${def.name} ${e}` }] })),
    });
  }
  const admin = def.permission === 'admin' || def.subcommands?.some((s) => s.permission === 'admin');
  if (admin) {
    const which =
      def.permission === 'admin'
        ? `Only admins may run /${def.name}.`
        : `Only admins may run ${def
            .subcommands!.filter((s) => s.permission === 'admin')
            .map((s) => `/${def.name} ${s.name}`)
            .join(', ')}.`;
    blocks.push({ kind: 'context', text: [which] });
  }
  return { visibility: 'ephemeral', title: `/${def.name}`, level: 'info', blocks };
}

function optionLine(name: string, description: string, required: boolean): Inline[] {
  return [{ bold: name }, required ? '' : ' (optional)', ': ', description];
}

function joinCodes(codes: readonly string[]): Inline[] {
  const out: Inline[] = [];
  codes.forEach((c, i) => {
    if (i > 0) out.push('  ');
    out.push({ code: c });
  });
  return out;
}
