import { describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../commands/dispatch.js';
import { commands } from '../../commands/index.js';
import type { Invocation } from '../../commands/types.js';
import { renderText } from '../../src/reply/render.js';
import { idleChecker } from '../support/test-checker.js';

const invocation: Invocation = { platform: 'console', workspaceId: 'console', channelId: 'console', user: { id: 'u', isAdmin: false } };
const help = (text: string) => dispatchCommand({ commands, services: { checker: idleChecker() } }, { name: 'help', text, invocation });

describe('/help', () => {
  it('lists every command with its usage and description, only to the caller', async () => {
    const reply = await help('');
    expect(reply.visibility).toBe('ephemeral');
    const text = renderText(reply);
    for (const def of commands) {
      expect(text).toContain(def.description);
    }
    expect(text).toContain('/rbl <target>');
    expect(text).toContain('/help [command]');
  });

  it('explains one command: usage, help text, options and examples', async () => {
    for (const name of ['rbl', '/rbl', 'RBL']) {
      const text = renderText(await help(name));
      expect(text).toContain('Usage: /rbl <target>');
      expect(text).toContain('target: IP addresses, ranges (up to /24) or domains');
      expect(text).toContain('/rbl 203.0.113.5');
      expect(text).toContain('not the same as clean');
    }
  });

  it('says when a command does not exist', async () => {
    const reply = await help('frobnicate');
    expect(reply.level).toBe('error');
    expect(renderText(reply)).toContain('There is no /frobnicate command.');
    expect(renderText(reply)).toContain('Commands: /rbl, /diagnose, /watch, /relay, /help.');
  });

  it('names admin-only subcommands, derived from the definitions', async () => {
    const { commandReply } = await import('../../commands/help.js');
    const rbl = commands.find((c) => c.name === 'rbl')!;
    const watch = {
      ...rbl,
      name: 'watch',
      subcommands: [
        { name: 'add', description: 'Start watching', options: rbl.options, permission: 'admin' as const },
        { name: 'list', description: 'Show watches', options: [] },
      ],
    };
    const text = renderText(commandReply(watch));
    expect(text).toContain('Usages: /watch add <target>  /watch list');
    expect(text).toContain('Only admins may run /watch add.');
  });
});

describe('command definitions', () => {
  it('have short descriptions (Discord allows 100 characters) and unique names', () => {
    const names = new Set<string>();
    for (const def of commands) {
      expect(def.description.length).toBeLessThanOrEqual(100);
      expect(def.name).toMatch(/^[a-z][a-z0-9-]{0,31}$/);
      expect(names.has(def.name)).toBe(false);
      names.add(def.name);
    }
  });
});
