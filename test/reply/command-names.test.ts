/**
 * RBLBOT_COMMAND_PREFIX renames the commands everywhere people see them: the Slack
 * manifest, Discord's registration and dispatch, help, usage errors and answers that
 * name a command. Typed names with or without the prefix reach the same definition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { dispatchCommand, findCommand } from '../../commands/dispatch.js';
import { slackManifest } from '../../src/adapters/slack/manifest.js';
import { discordCommandPayloads } from '../../src/adapters/discord/payloads.js';
import { loadConfig } from '../../src/app/config.js';
import { setCommandPrefix, slash, withPrefix } from '../../src/reply/command-names.js';
import { watchListReply } from '../../src/core/watch/reply.js';
import { renderText } from '../../src/reply/render.js';
import { idleChecker } from '../support/test-checker.js';

const invocation = { platform: 'console' as const, workspaceId: 'w', channelId: 'c', user: { id: 'u', isAdmin: true } };
const run = (name: string, text = '') =>
  dispatchCommand({ commands, services: { checker: idleChecker() } }, { name, text, invocation }).then((r) => renderText(r));

beforeAll(() => setCommandPrefix('mail-'));
afterAll(() => setCommandPrefix(undefined));

describe('a command prefix', () => {
  it('names every Slack slash command and every Discord command with it', () => {
    const slash = (slackManifest(commands).features as { slash_commands: { command: string }[] }).slash_commands.map((c) => c.command);
    expect(slash).toEqual(['/mail-rbl', '/mail-diagnose', '/mail-watch', '/mail-relay', '/mail-help']);
    const discord = discordCommandPayloads(commands)
      .filter((p) => !('type' in p) || p.type === 1)
      .map((p) => p.name);
    expect(discord).toEqual(expect.arrayContaining(['mail-rbl', 'mail-watch', 'mail-help']));
    expect(discord).not.toContain('watch');
  });

  it('finds a command typed with or without it', () => {
    expect(findCommand(commands, '/mail-watch')?.name).toBe('watch');
    expect(findCommand(commands, 'mail-rbl')?.name).toBe('rbl');
    expect(findCommand(commands, 'rbl')?.name).toBe('rbl');
  });

  it('shows it in help, usage lines, help paragraphs and errors', async () => {
    const overview = await run('mail-help');
    expect(overview).toContain('/mail-watch add|remove|list|check');
    expect(overview).toContain('/mail-help rbl');
    expect(overview).not.toMatch(/(^|[^-\w])\/watch\b/m);
    const watchHelp = await run('mail-help', 'mail-watch');
    expect(watchHelp).toContain('/mail-watch list: this channel');
    expect(watchHelp).not.toMatch(/(^|[^-\w])\/watch\b/m);
    expect(await run('mail-watch', 'frobnicate')).toContain('/mail-watch');
    expect(await run('nonsense')).toContain('Type /mail-help for usage');
    expect(renderText(watchListReply([], Date.now()))).toContain('/mail-watch add 203.0.113.5');
  });

  it('renames only whole command names in static text', () => {
    expect(withPrefix('Use /watch list, not /watchers or a/watch or /mail-watch.', ['watch'])).toBe(
      'Use /mail-watch list, not /watchers or a/watch or /mail-watch.',
    );
    expect(slash('rbl 203.0.113.5')).toBe('/mail-rbl 203.0.113.5');
  });

  it('is checked when configured', () => {
    expect(loadConfig({ RBLBOT_COMMAND_PREFIX: 'mail-' }).RBLBOT_COMMAND_PREFIX).toBe('mail-');
    expect(() => loadConfig({ RBLBOT_COMMAND_PREFIX: 'Mail Bot' })).toThrow(/RBLBOT_COMMAND_PREFIX must be lower-case letters/);
  });
});
