/**
 * Commands used only by the Discord tests. `check` runs the real Checker (pointed at the
 * test DNS server); the others exercise rendering, modals, permissions and failures.
 */
import { z } from 'zod';
import type { CheckReport } from '../../src/core/check/types.js';
import type { Block, ListItem, Reply } from '../../src/reply/reply.js';
import { defineCommand, type CommandArgs, type CommandDefinition } from '../../commands/types.js';

const anyArgs = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.undefined()])) as unknown as z.ZodType<CommandArgs>;

function reportReply(report: CheckReport): Reply {
  const listed = report.results.filter((r) => r.status === 'listed' && r.listType !== 'allow');
  const unchecked = report.results.filter((r) => r.status === 'timeout' || r.status === 'refused' || r.status === 'error');
  const blocks: Block[] = [
    {
      kind: 'verdict',
      level: listed.length > 0 ? 'bad' : 'ok',
      text: [
        listed.length > 0 ? `${report.target} is listed on ${listed.length} of ${report.results.length} lists` : `${report.target} is not listed`,
      ],
    },
  ];
  if (unchecked.length > 0) {
    blocks.push({
      kind: 'list',
      heading: 'Could not check',
      items: unchecked.map((r): ListItem => ({ level: 'warn', title: [r.name], lines: [[`${r.status}: ${r.meaning ?? ''}`]] })),
    });
  }
  if (listed.length > 0) {
    blocks.push({
      kind: 'list',
      heading: 'Listed on',
      items: listed.map((r): ListItem => ({
        level: 'bad',
        title: [{ bold: r.name }, ' ', { code: r.zone }],
        lines: [[r.meaning ?? ''], ...(r.txt ? [[r.txt]] : []), ...(r.removalUrl ? [[{ link: r.removalUrl, label: 'Request removal' }]] : [])],
      })),
    });
  }
  blocks.push({ kind: 'context', text: [`${report.summary.clean} lists clean · ${report.ms} ms`] });
  return { visibility: 'channel', title: `Blocklist check: ${report.target}`, level: listed.length > 0 ? 'bad' : 'ok', blocks };
}

export const checkCommand = defineCommand({
  name: 'check',
  description: 'Check an address on the blocklists (test)',
  help: [],
  examples: [],
  options: [{ name: 'target', description: 'IP or domain', type: 'string', required: true, maxLength: 255 }],
  permission: 'everyone',
  schema: z.object({ target: z.string().min(1) }) as unknown as z.ZodType<CommandArgs>,
  run: async (args, ctx) => {
    await ctx.progress({
      visibility: 'channel',
      title: 'Checking…',
      level: 'info',
      blocks: [{ kind: 'text', text: [`Checking ${String(args.target)}…`] }],
    });
    return reportReply(await ctx.services.checker.check(String(args.target)));
  },
});

export const echoCommand = defineCommand({
  name: 'echo',
  description: 'Repeat untrusted text in every kind of block (test)',
  help: [],
  examples: [],
  options: [{ name: 'text', description: 'Anything', type: 'string', required: true, rest: true }],
  permission: 'everyone',
  schema: anyArgs,
  run: async (args) => {
    const text = String(args.text);
    return {
      visibility: 'channel',
      title: text,
      level: 'warn',
      blocks: [
        { kind: 'verdict', level: 'warn', text: [text] },
        { kind: 'fields', fields: [{ label: text, value: [text] }] },
        { kind: 'list', heading: text, items: [{ level: 'bad', title: [text], lines: [[text], [{ bold: text }]] }] },
        { kind: 'text', text: [text, ' ', { link: 'https://example.org/delist?ip=1', label: 'Delist' }] },
        { kind: 'code', text },
        { kind: 'context', text: [text] },
      ],
    };
  },
});

export const LONG_ITEMS = 150;
export const longCommand = defineCommand({
  name: 'long',
  description: 'A very long answer (test)',
  help: [],
  examples: [],
  options: [],
  permission: 'everyone',
  schema: anyArgs,
  run: async () => {
    const items: ListItem[] = Array.from({ length: LONG_ITEMS }, (_, i) => ({
      level: 'bad',
      title: [{ bold: `zone-${i}.example.org` }],
      lines: [[`Listed because ${'reason '.repeat(30)}#${i}`], [{ link: `https://example.org/remove/${i}`, label: 'Request removal' }]],
    }));
    return {
      visibility: 'channel',
      title: 'T'.repeat(400),
      level: 'bad',
      blocks: [
        { kind: 'verdict', level: 'bad', text: ['Listed everywhere'] },
        { kind: 'fields', fields: Array.from({ length: 30 }, (_, i) => ({ label: `fact ${i} ${'n'.repeat(300)}`, value: ['v'.repeat(2000)] })) },
        { kind: 'list', heading: 'Listed on', items },
        { kind: 'code', text: 'x'.repeat(5000) },
      ],
      fullText: `FULL REPORT\n${items.map((_, i) => `zone-${i}.example.org`).join('\n')}\n`,
    };
  },
});

export const boomCommand = defineCommand({
  name: 'boom',
  description: 'Always fails (test)',
  help: [],
  examples: [],
  options: [],
  permission: 'everyone',
  schema: anyArgs,
  run: async () => {
    throw new Error('kaboom: internal detail that must not reach the user');
  },
});

export const pasteCommand = defineCommand({
  name: 'paste',
  description: 'Reads a pasted bounce (test)',
  help: [],
  examples: [],
  options: [{ name: 'text', description: 'The bounce', type: 'string', required: true, rest: true, maxLength: 100_000 }],
  permission: 'everyone',
  textInput: { option: 'text', modalTitle: 'Diagnose a bounce', label: 'Paste the bounce message', messageAction: 'Diagnose bounce' },
  schema: z.object({ text: z.string().min(1) }) as unknown as z.ZodType<CommandArgs>,
  run: async (args) => {
    const text = String(args.text);
    return {
      visibility: 'channel',
      title: 'Bounce read',
      level: 'info',
      blocks: [{ kind: 'text', text: [`Read ${text.length} characters: `, text.slice(0, 300)] }],
    };
  },
});

export const guardCommand = defineCommand({
  name: 'guard',
  description: 'Subcommands with an admin-only one (test)',
  help: [],
  examples: [],
  options: [],
  subcommands: [
    {
      name: 'add',
      description: 'Admins only',
      options: [
        { name: 'target', description: 'What', type: 'string', required: true },
        { name: 'every', description: 'Hours', type: 'integer', required: false },
      ],
      permission: 'admin',
    },
    { name: 'list', description: 'Anyone', options: [{ name: 'all', description: 'Everything', type: 'boolean', required: false }] },
  ],
  permission: 'everyone',
  schema: anyArgs,
  run: async (args) => ({
    visibility: 'channel',
    title: 'guard',
    level: 'ok',
    blocks: [{ kind: 'text', text: [`ran ${String(args.subcommand)} ${JSON.stringify({ ...args, subcommand: undefined })}`] }],
  }),
});

export const secretCommand = defineCommand({
  name: 'secret',
  description: 'Answers only the caller (test)',
  help: [],
  examples: [],
  options: [],
  permission: 'everyone',
  schema: anyArgs,
  run: async () => ({ visibility: 'ephemeral', title: 'Just for you', level: 'info', blocks: [{ kind: 'text', text: ['hello'] }] }),
});

export const testCommands: readonly CommandDefinition[] = [
  checkCommand,
  echoCommand,
  longCommand,
  boomCommand,
  pasteCommand,
  guardCommand,
  secretCommand,
];
