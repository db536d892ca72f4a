import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commands } from '../../../commands/index.js';
import { slackManifest, slackManifestYaml } from '../../../src/adapters/slack/manifest.js';
import { packageRoot } from '../../../src/core/package-root.js';
import { adminCommand, echoCommand, pasteCommand } from '../../support/slack-test-commands.js';

describe('manifest.yml', () => {
  it('matches the command definitions (run `npm run manifest` after changing a command)', () => {
    const committed = readFileSync(join(packageRoot(), 'manifest.yml'), 'utf8');
    expect(committed, 'manifest.yml is out of date: run `npm run manifest`').toBe(slackManifestYaml(commands));
  });

  it('declares one slash command per definition, Socket Mode and interactivity', () => {
    const manifest = parse(readFileSync(join(packageRoot(), 'manifest.yml'), 'utf8'));
    const declared = (manifest.features.slash_commands ?? []).map((c: { command: string }) => c.command);
    expect(declared).toEqual(commands.map((c) => `/${c.name}`));
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['commands', 'chat:write']));
  });
});

describe('slackManifest', () => {
  it('derives slash commands, usage hints, message shortcuts and minimal scopes', () => {
    const manifest = slackManifest([echoCommand, pasteCommand]) as any;
    expect(manifest.features.slash_commands).toEqual([
      { command: '/echo', description: 'Repeat text (test only)', usage_hint: '<text>', should_escape: false },
      { command: '/paste', description: 'Explain pasted text (test only)', usage_hint: '<text> (no text opens a form)', should_escape: false },
    ]);
    expect(manifest.features.shortcuts).toEqual([
      { name: 'Paste bounce', type: 'message', callback_id: 'paste_message', description: 'Explain pasted text (test only)' },
    ]);
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'files:write']);
  });

  it('asks for users:read only when a command is admin-only', () => {
    const manifest = slackManifest([echoCommand, adminCommand]) as any;
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'files:write', 'users:read']);
  });

  it('refuses a name Slack would not accept as a slash command', () => {
    expect(() => slackManifest([{ ...echoCommand, name: 'Echo Now' }])).toThrow(/slash command/);
  });
});
