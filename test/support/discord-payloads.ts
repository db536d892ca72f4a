/** Raw interaction payloads as Discord sends them (gateway INTERACTION_CREATE or HTTP POST). */
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionType, PermissionFlagsBits } from 'discord.js';

export const APP_ID = '111111111111111111';
export const GUILD_ID = '222222222222222222';
export const CHANNEL_ID = '333333333333333333';

let counter = 0;
const MEMBER_PERMS = (PermissionFlagsBits.SendMessages | PermissionFlagsBits.ViewChannel).toString();
export const ADMIN_PERMS = (PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages).toString();
/** What the bot itself may do in the channel (app_permissions): all an alert needs. */
export const BOT_CAN_POST = (
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles
).toString();

/** A snowflake as Discord makes them: milliseconds since 2015 in the top bits, so ids carry their creation time. */
export function snowflake(at = Date.now()): string {
  return String(((BigInt(at) - 1_420_070_400_000n) << 22n) + BigInt(++counter % 4096));
}

function base(type: number, permissions = MEMBER_PERMS, appPermissions = BOT_CAN_POST) {
  counter++;
  return {
    id: snowflake(),
    application_id: APP_ID,
    token: `token-${counter}`,
    type,
    version: 1,
    guild_id: GUILD_ID,
    channel_id: CHANNEL_ID,
    channel: { id: CHANNEL_ID, type: 0 },
    member: {
      user: { id: '444', username: 'alice', global_name: 'Alice' },
      permissions,
      roles: [],
      joined_at: '2026-01-01T00:00:00Z',
      deaf: false,
      mute: false,
      flags: 0,
    },
    app_permissions: appPermissions,
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
    attachment_size_limit: 8388608,
  };
}

export type Opt = { name: string; type: number; value?: string | number | boolean; options?: Opt[] };

export function chatInput(name: string, options: Opt[] = [], extra: { permissions?: string; resolved?: object; appPermissions?: string } = {}) {
  return {
    ...base(InteractionType.ApplicationCommand, extra.permissions, extra.appPermissions),
    data: { id: '5555', name, type: ApplicationCommandType.ChatInput, options, ...(extra.resolved ? { resolved: extra.resolved } : {}) },
  };
}

export const str = (name: string, value: string): Opt => ({ name, type: ApplicationCommandOptionType.String, value });

export function messageCommand(name: string, message: { content: string; attachments?: object[] }) {
  const targetId = '7777';
  return {
    ...base(InteractionType.ApplicationCommand),
    data: {
      id: '5556',
      name,
      type: ApplicationCommandType.Message,
      target_id: targetId,
      resolved: {
        messages: {
          [targetId]: {
            id: targetId,
            channel_id: CHANNEL_ID,
            content: message.content,
            author: { id: '888', username: 'mailer', discriminator: '0', global_name: null, avatar: null },
            attachments: message.attachments ?? [],
            embeds: [],
            mentions: [],
            mention_roles: [],
            pinned: false,
            mention_everyone: false,
            tts: false,
            timestamp: '2026-01-01T00:00:00Z',
            edited_timestamp: null,
            flags: 0,
            components: [],
            type: 0,
          },
        },
      },
    },
  };
}

export function modalSubmit(customId: string, value: string) {
  return {
    ...base(InteractionType.ModalSubmit),
    data: { custom_id: customId, components: [{ type: 18, id: 1, component: { type: 4, id: 2, custom_id: 'text', value } }] },
  };
}

export function ping() {
  const { id, application_id, token, version } = base(InteractionType.Ping);
  return { id, application_id, token, version, type: InteractionType.Ping };
}
