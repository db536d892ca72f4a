/**
 * Small command definitions used only by the Slack tests, so the adapter can be driven
 * through every path (slow work, failures, long answers, forms, admins) independently of
 * the real commands.
 */
import { z } from 'zod';
import { defineCommand, type CommandDefinition } from '../../commands/types.js';
import { errorReply, type Reply } from '../../src/reply/reply.js';

const textSchema = z.object({ text: z.string().trim().min(1, 'Say something after the command.') });

/** Repeats untrusted text back into the channel in every kind of block. */
export const echoCommand = defineCommand({
  name: 'echo',
  description: 'Repeat text (test only)',
  help: ['Repeats what you type.'],
  examples: ['hello'],
  options: [{ name: 'text', description: 'What to repeat', type: 'string', required: true, rest: true }],
  permission: 'everyone',
  schema: textSchema,
  run: async (args): Promise<Reply> => {
    const text = String(args.text);
    return {
      visibility: 'channel',
      title: `Echo: ${text}`,
      level: 'info',
      blocks: [
        { kind: 'verdict', level: 'warn', text: ['You said ', text] },
        {
          kind: 'fields',
          fields: [
            { label: 'Text', value: [text] },
            { label: 'Link', value: [{ link: 'javascript:alert(1)', label: text }] },
          ],
        },
        {
          kind: 'list',
          heading: 'Items',
          items: [{ level: 'bad', title: [text], lines: [[text, ' ', { link: 'https://example.org/remove?ip=1', label: 'remove' }]] }],
        },
        { kind: 'text', text: [text] },
        { kind: 'code', text },
        { kind: 'context', text: ['ctx ', text, ' ', { bold: text }, ' ', { code: text }, ' ', { link: 'https://example.org/x', label: text }] },
      ],
    };
  },
});

/** A gate the test opens to let `slow` finish. */
export class Gate {
  private release!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  started = false;
  open(): void {
    this.release();
  }
}

export function slowCommand(gate: () => Gate): CommandDefinition {
  return defineCommand({
    name: 'slow',
    description: 'Work that takes a while (test only)',
    help: [],
    examples: ['203.0.113.5'],
    options: [{ name: 'target', description: 'Target', type: 'string', required: true }],
    permission: 'everyone',
    schema: z.object({ target: z.string().min(1, 'Give a target.') }),
    run: async (args, ctx): Promise<Reply> => {
      const g = gate();
      g.started = true;
      await ctx.progress({
        visibility: 'channel',
        title: `Checking ${String(args.target)}`,
        level: 'info',
        blocks: [{ kind: 'verdict', level: 'info', text: ['checking 60 lists…'] }],
      });
      await g.opened;
      if (args.target === 'refuse-me') return errorReply('/slow', 'refuse-me cannot be checked.');
      return {
        visibility: 'channel',
        title: `Blocklist check: ${String(args.target)}`,
        level: 'ok',
        blocks: [{ kind: 'verdict', level: 'ok', text: [String(args.target), ' is not listed'] }],
      };
    },
  });
}

export const boomCommand = defineCommand({
  name: 'boom',
  description: 'Always fails (test only)',
  help: [],
  examples: [],
  options: [],
  permission: 'everyone',
  schema: z.object({}),
  run: async () => {
    throw new Error('kaboom: internal details that must not reach the user');
  },
});

/** A long answer: far more than Slack takes in one message. */
export const longCommand = defineCommand({
  name: 'long',
  description: 'A very long answer (test only)',
  help: [],
  examples: [],
  options: [],
  permission: 'everyone',
  schema: z.object({}),
  run: async (): Promise<Reply> => ({
    visibility: 'channel',
    title: `Blocklist check: ${'very-long-hostname.'.repeat(20)}example`,
    level: 'bad',
    blocks: [
      { kind: 'verdict', level: 'bad', text: ['listed on 300 of 300 lists'] },
      { kind: 'fields', fields: Array.from({ length: 40 }, (_, i) => ({ label: `Field ${i}`, value: ['v'.repeat(500)] })) },
      {
        kind: 'list',
        heading: 'Listed on',
        items: Array.from({ length: 300 }, (_, i) => ({
          level: 'bad' as const,
          title: [`zone${i}.example`],
          lines: [['Meaning: ', 'x'.repeat(400)], ['TXT: ', 'y'.repeat(5000)], [{ link: `https://zone${i}.example/remove`, label: 'removal' }]],
        })),
      },
      { kind: 'code', text: 'z'.repeat(10_000) },
    ],
    fullText: 'the whole report',
  }),
});

/** Takes one long text; offered as a form and as a message shortcut. */
export const pasteCommand = defineCommand({
  name: 'paste',
  description: 'Explain pasted text (test only)',
  help: [],
  examples: [],
  options: [{ name: 'text', description: 'The text', type: 'string', required: true, rest: true }],
  permission: 'everyone',
  schema: textSchema,
  textInput: {
    option: 'text',
    modalTitle: 'Paste a bounce',
    label: 'The bounce message',
    messageAction: 'Paste bounce',
  },
  run: async (args, ctx): Promise<Reply> => ({
    visibility: 'channel',
    title: 'Pasted',
    level: 'info',
    blocks: [
      {
        kind: 'verdict',
        level: 'info',
        text: [`${String(args.text).length} characters from ${ctx.invocation.user.id} in ${ctx.invocation.channelId}`],
      },
      { kind: 'code', text: String(args.text) },
    ],
  }),
});

export const adminCommand = defineCommand({
  name: 'admin',
  description: 'Admins only (test only)',
  help: [],
  examples: [],
  options: [],
  permission: 'admin',
  schema: z.object({}),
  run: async (_args, ctx): Promise<Reply> => ({
    visibility: 'ephemeral',
    title: 'Admin',
    level: 'ok',
    blocks: [{ kind: 'verdict', level: 'ok', text: [`hello admin ${ctx.invocation.user.id}`] }],
  }),
});
