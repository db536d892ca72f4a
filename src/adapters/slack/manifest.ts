/**
 * The Slack app manifest, derived from the command definitions: one slash command per
 * definition, a message shortcut for each command that declares one, and the smallest set
 * of bot scopes that makes them work. `npm run manifest` writes it to manifest.yml; a test
 * fails when the committed file drifts from the definitions.
 */
import { stringify } from 'yaml';
import { usageOf } from '../../../commands/parse.js';
import type { CommandDefinition } from '../../../commands/types.js';
import { needsAdminCheck, slackCallbackIds, textOption } from './command-text.js';
import { clip } from '../../reply/words.js';

/** Manifest field limits (Slack's app manifest schema). */
const LIMITS = { command: 32, commandDescription: 2000, usageHint: 1000, shortcutDescription: 150, callbackId: 255 };

const HEADER = [
  '# Slack app manifest for rblbot. Generated from commands/*.ts by `npm run manifest`; do not edit by hand.',
  '# Create the app at https://api.slack.com/apps → "Create New App" → "From a manifest", paste this file,',
  '# install it to your workspace, then put SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…, scope',
  '# connections:write) in .env. For HTTP mode instead of Socket Mode see docs/slack.md ("HTTP mode").',
].join('\n');

export function slackManifest(commands: readonly CommandDefinition[]): Record<string, unknown> {
  const slashCommands = commands.map((def) => {
    const command = `/${def.name}`;
    if (command.length > LIMITS.command || !/^\/[a-z0-9_-]+$/.test(command)) {
      throw new Error(
        `Command name "${def.name}" cannot be a Slack slash command (lower-case letters, digits, - and _, at most ${LIMITS.command - 1}).`,
      );
    }
    return {
      command,
      description: clip(def.description, LIMITS.commandDescription),
      usage_hint: clip(usageHint(def), LIMITS.usageHint),
      should_escape: false,
    };
  });
  const shortcuts = commands.flatMap((def) => {
    const name = def.textInput?.messageAction;
    if (!name || !textOption(def)) return [];
    return [
      {
        name,
        type: 'message',
        callback_id: slackCallbackIds(def.name).messageShortcut.slice(0, LIMITS.callbackId),
        description: clip(def.description, LIMITS.shortcutDescription),
      },
    ];
  });

  // commands: slash commands and shortcuts. chat:write: watch alerts (chat.postMessage) and
  // private answers to form submissions. files:write: pictures in answers (/watch history's
  // timeline, uploaded with files.uploadV2). users:read only when some command is
  // admin-only (to see who is a workspace admin or owner).
  const scopes = ['commands', 'chat:write', 'files:write'];
  if (commands.some(needsAdminCheck)) scopes.push('users:read');

  const features: Record<string, unknown> = {
    bot_user: { display_name: 'rblbot', always_online: true },
  };
  if (slashCommands.length > 0) features.slash_commands = slashCommands;
  if (shortcuts.length > 0) features.shortcuts = shortcuts;

  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'rblbot',
      description: 'DNS blocklist checks, bounce diagnosis and listing alerts for mail admins',
      background_color: '#1f3a5f',
    },
    features,
    oauth_config: { scopes: { bot: scopes } },
    settings: {
      interactivity: { is_enabled: true },
      org_deploy_enabled: false,
      socket_mode_enabled: true,
      token_rotation_enabled: false,
    },
  };
}

/** The manifest as YAML, with a header saying where it comes from. */
export function slackManifestYaml(commands: readonly CommandDefinition[]): string {
  return `${HEADER}\n${stringify(slackManifest(commands), { lineWidth: 0 })}`;
}

/** What Slack shows after the command name while typing, e.g. "<target> [every]". */
function usageHint(def: CommandDefinition): string {
  const usage = usageOf(def).replace(/^\/\S+\s*/, '');
  if (def.textInput && textOption(def)) return usage ? `${usage} (no text opens a form)` : '(opens a form)';
  return usage;
}
