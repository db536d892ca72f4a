/**
 * Discord application commands derived from the CommandDefinitions, never written by
 * hand: a command added to commands/ appears on Discord after `rblbot discord-register`.
 * discord.js builders validate names, descriptions and lengths, so a definition Discord
 * would reject fails here with a clear message instead of at registration time.
 */
import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type RESTPostAPIApplicationCommandsJSONBody,
  type SlashCommandAttachmentOption,
  type SlashCommandBooleanOption,
  type SlashCommandIntegerOption,
  type SlashCommandStringOption,
} from 'discord.js';
import type { CommandDefinition, OptionDefinition } from '../../../commands/types.js';
import { commandName } from '../../reply/command-names.js';

/** The attachment option offered by commands that take a long text (see CommandDefinition.textInput). */
export const FILE_OPTION = 'file';
/** Largest attachment accepted for a text input (a whole .eml with headers). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Discord's limit for string option values. */
const MAX_STRING_OPTION = 6000;

/** What builders need from either a command or a subcommand to add options. */
interface OptionHost {
  addStringOption(fn: (o: SlashCommandStringOption) => SlashCommandStringOption): unknown;
  addIntegerOption(fn: (o: SlashCommandIntegerOption) => SlashCommandIntegerOption): unknown;
  addBooleanOption(fn: (o: SlashCommandBooleanOption) => SlashCommandBooleanOption): unknown;
  addAttachmentOption(fn: (o: SlashCommandAttachmentOption) => SlashCommandAttachmentOption): unknown;
}

/** Discord wants required options before optional ones; keep the definition's order otherwise. */
function ordered(options: readonly OptionDefinition[], def: CommandDefinition): OptionDefinition[] {
  const required = (o: OptionDefinition) => o.required && o.name !== def.textInput?.option;
  return [...options.filter(required), ...options.filter((o) => !required(o))];
}

function addOptions(host: OptionHost, options: readonly OptionDefinition[], def: CommandDefinition): void {
  for (const option of ordered(options, def)) {
    // The text of a textInput command may instead come from the modal or a file, so
    // Discord must let the user leave it empty.
    const required = option.required && option.name !== def.textInput?.option;
    switch (option.type) {
      case 'string':
        host.addStringOption((o) => {
          o.setName(option.name).setDescription(option.description).setRequired(required);
          return o.setMaxLength(Math.min(option.maxLength ?? MAX_STRING_OPTION, MAX_STRING_OPTION));
        });
        break;
      case 'integer':
        host.addIntegerOption((o) => o.setName(option.name).setDescription(option.description).setRequired(required));
        break;
      case 'boolean':
        host.addBooleanOption((o) => o.setName(option.name).setDescription(option.description).setRequired(required));
        break;
    }
  }
  if (def.textInput && options.some((o) => o.name === def.textInput?.option)) {
    host.addAttachmentOption((o) =>
      o.setName(FILE_OPTION).setDescription('A saved message instead of pasted text (.eml or .txt, up to 1 MB)').setRequired(false),
    );
  }
}

/** True when any part of the command is admin-only (Discord can only gate whole commands). */
export function needsAdmin(def: CommandDefinition): boolean {
  return def.permission === 'admin' || (def.subcommands ?? []).some((s) => s.permission === 'admin');
}

/** The bulk-overwrite body for PUT /applications/{app}/commands (or the guild variant). */
export function discordCommandPayloads(commands: readonly CommandDefinition[]): RESTPostAPIApplicationCommandsJSONBody[] {
  const payloads: RESTPostAPIApplicationCommandsJSONBody[] = [];
  for (const def of commands) {
    // Registered under the prefixed name (RBLBOT_COMMAND_PREFIX); the handler maps it back.
    const builder = new SlashCommandBuilder().setName(commandName(def.name)).setDescription(def.description);
    // Admin-only commands (or ones with admin-only subcommands, e.g. /watch add) are
    // hidden from members without Manage Server; server admins can relax this in
    // Server Settings → Integrations, and admin subcommands are checked again at run time.
    builder.setDefaultMemberPermissions(needsAdmin(def) ? PermissionFlagsBits.ManageGuild : null);
    builder.setContexts(needsAdmin(def) ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM]);
    if (def.subcommands && def.subcommands.length > 0) {
      for (const sub of def.subcommands) {
        builder.addSubcommand((s) => {
          s.setName(sub.name).setDescription(sub.description);
          addOptions(s, sub.options, def);
          return s;
        });
      }
    } else {
      addOptions(builder, def.options, def);
    }
    payloads.push(builder.toJSON());

    if (def.textInput?.messageAction) {
      const menu = new ContextMenuCommandBuilder()
        .setName(def.textInput.messageAction)
        .setType(ApplicationCommandType.Message)
        .setDefaultMemberPermissions(needsAdmin(def) ? PermissionFlagsBits.ManageGuild : null)
        .setContexts(needsAdmin(def) ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM]);
      payloads.push(menu.toJSON());
    }
  }
  return payloads;
}
