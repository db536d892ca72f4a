import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dispatchCommand, findCommand } from '../../commands/dispatch.js';
import { RecordingLogger } from '../support/logger.js';
import { parseCommandText, usageOf } from '../../commands/parse.js';
import { defineCommand, type Invocation } from '../../commands/types.js';
import { TargetError } from '../../src/core/check/types.js';
import type { Checker } from '../../src/core/check/checker.js';
import type { Reply } from '../../src/reply/reply.js';
import { idleChecker } from '../support/test-checker.js';

const user = (isAdmin: boolean): Invocation => ({
  platform: 'discord',
  workspaceId: 'G1',
  channelId: 'C1',
  user: { id: 'U1', isAdmin },
});

const unusedChecker: Checker = idleChecker();

const ok = (text: string): Reply => ({ visibility: 'channel', title: 'ok', level: 'ok', blocks: [{ kind: 'text', text: [text] }] });

/** Small command definitions exercising each path of the dispatcher. */
const echo = defineCommand({
  name: 'echo',
  description: 'Echo a word and a count.',
  help: [],
  examples: ['hello 2'],
  options: [
    { name: 'word', description: 'a word', type: 'string', required: true },
    { name: 'count', description: 'how often', type: 'integer', required: false },
  ],
  permission: 'everyone',
  schema: z.object({
    word: z.string().min(1),
    count: z.number().int().max(3, 'Count can be at most 3').optional(),
  }),
  run: async (args) => ok(`${args.word}×${args.count ?? 1}`),
});

const watch = defineCommand({
  name: 'watch',
  description: 'Watches.',
  help: [],
  examples: [],
  options: [],
  subcommands: [
    { name: 'add', description: 'Add', options: [{ name: 'target', description: 't', type: 'string', required: true }], permission: 'admin' },
    { name: 'list', description: 'List', options: [] },
  ],
  permission: 'everyone',
  schema: z.object({ subcommand: z.enum(['add', 'list']), target: z.string().optional() }),
  run: async (args) => ok(`${args.subcommand} ${args.target ?? ''}`.trim()),
});

const boom = defineCommand({
  name: 'boom',
  description: 'Always fails.',
  help: [],
  examples: [],
  options: [{ name: 'how', description: 'how', type: 'string', required: false }],
  permission: 'everyone',
  schema: z.object({ how: z.string().optional() }),
  run: async (args, ctx) => {
    await ctx.progress(ok('working'));
    if (args.how === 'target') throw new TargetError('10.0.0.1 is a private address; check your public IP instead.', '10.0.0.1');
    if (args.how === 'string') throw 'a string, not an Error';
    throw new Error('database is on fire');
  },
});

const adminOnly = defineCommand({ ...echo, name: 'purge', permission: 'admin' });

const commands = [echo, watch, boom, adminOnly];

function recordingLogger() {
  const logger = new RecordingLogger();
  return { logger, entries: logger.entries };
}

function run(name: string, text: string, invocation = user(false), logger?: RecordingLogger, progress?: (r: Reply) => Promise<void>) {
  return dispatchCommand({ commands, services: { checker: unusedChecker }, logger }, { name, text, invocation, progress });
}

const verdictText = (reply: Reply) => {
  const v = reply.blocks.find((b) => b.kind === 'verdict');
  return v && v.kind === 'verdict' ? v.text.join('') : '';
};

describe('dispatchCommand', () => {
  it('parses text, validates and runs the handler', async () => {
    const reply = await run('/echo', 'hello 2');
    expect(reply.blocks).toEqual([{ kind: 'text', text: ['hello×2'] }]);
    expect(await run('ECHO', 'word:hi --count 3')).toMatchObject({ blocks: [{ text: ['hi×3'] }] });
  });

  it('takes typed arguments (Discord) without parsing text', async () => {
    const reply = await dispatchCommand(
      { commands, services: { checker: unusedChecker } },
      { name: 'echo', args: { word: 'two words', count: 1 }, invocation: user(false) },
    );
    expect(reply.blocks).toEqual([{ kind: 'text', text: ['two words×1'] }]);
  });

  it('answers an unknown command with the list of commands, ephemeral', async () => {
    const reply = await run('nope', '');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.level).toBe('error');
    expect(verdictText(reply)).toBe('There is no /nope command.');
    expect(JSON.stringify(reply)).toContain('/echo, /watch, /boom, /purge');
  });

  it('turns a usage error into a friendly sentence with the usage', async () => {
    const reply = await run('echo', 'hello 2 extra');
    expect(reply.visibility).toBe('ephemeral');
    expect(verdictText(reply)).toBe('Unexpected "extra". Usage: /echo <word> [count]');
    const notNumber = await run('echo', 'hello lots');
    expect(verdictText(notNumber)).toBe('count must be a whole number, not "lots".');
  });

  it('says which option is missing instead of zod’s message', async () => {
    const reply = await run('echo', '');
    expect(verdictText(reply)).toBe('/echo needs a word.');
    expect(JSON.stringify(reply)).not.toContain('Invalid input');
    expect(reply.blocks).toContainEqual({ kind: 'context', text: ['Usage: /echo <word> [count]'] });
  });

  it('passes a schema’s own message on as one sentence', async () => {
    expect(verdictText(await run('echo', 'hi 9'))).toBe('Count can be at most 3.');
  });

  it('refuses admin-only commands and subcommands to non-admins and allows them to admins', async () => {
    const refused = await run('purge', 'x');
    expect(refused.visibility).toBe('ephemeral');
    expect(verdictText(refused)).toBe('Only admins may run /purge.');
    expect(await run('purge', 'x', user(true))).toMatchObject({ blocks: [{ text: ['x×1'] }] });

    expect(verdictText(await run('watch', 'add 203.0.113.5'))).toBe('Only admins may run /watch add.');
    expect(await run('watch', 'list')).toMatchObject({ blocks: [{ text: ['list'] }] });
    expect(await run('watch', 'add 203.0.113.5', user(true))).toMatchObject({ blocks: [{ text: ['add 203.0.113.5'] }] });
  });

  it('turns a handler exception into an apology and logs it with who and where', async () => {
    const { logger, entries } = recordingLogger();
    const reply = await run('boom', '', user(false), logger);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.level).toBe('error');
    expect(verdictText(reply)).toContain('/boom failed unexpectedly');
    expect(JSON.stringify(reply)).not.toContain('database is on fire');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.details).toMatchObject({ command: 'boom', platform: 'discord', workspaceId: 'G1', channelId: 'C1', userId: 'U1' });
    expect(JSON.stringify(entries[0]!.details)).toContain('database is on fire');

    const thrownString = await run('boom', 'string', user(false), logger);
    expect(thrownString.level).toBe('error');
    expect(entries).toHaveLength(2);
  });

  it('shows a TargetError’s sentence to the user without logging it as a failure', async () => {
    const { logger, entries } = recordingLogger();
    const reply = await run('boom', 'target', user(false), logger);
    expect(verdictText(reply)).toBe('10.0.0.1 is a private address; check your public IP instead.');
    expect(entries).toHaveLength(0);
  });

  it('keeps going when a progress update fails', async () => {
    const { logger, entries } = recordingLogger();
    const reply = await run('boom', 'target', user(false), logger, () => Promise.reject(new Error('message deleted')));
    expect(verdictText(reply)).toContain('private address');
    expect(entries.map((e) => e.message)).toEqual(['progress update failed']);
  });
});

describe('findCommand and parse helpers', () => {
  it('finds commands regardless of slash and case', () => {
    expect(findCommand(commands, '/Echo')?.name).toBe('echo');
    expect(findCommand(commands, 'missing')).toBeUndefined();
  });

  it('derives usage lines from definitions', () => {
    expect(usageOf(echo)).toBe('/echo <word> [count]');
    expect(usageOf(watch)).toBe('/watch add|list');
    expect(usageOf(watch, 'add')).toBe('/watch add <target>');
  });

  it('keeps the rest of the text for a rest option', () => {
    const paste = defineCommand({
      ...echo,
      name: 'paste',
      options: [{ name: 'text', description: 'bounce', type: 'string', required: true, rest: true }],
    });
    expect(parseCommandText(paste, '  550 5.7.1\n  blocked using zen.spamhaus.org ')).toEqual({
      text: '550 5.7.1\n  blocked using zen.spamhaus.org',
    });
  });
});
