/**
 * One handler for every Discord interaction, whether it came over the gateway or the
 * HTTP interactions endpoint. It works on the raw API payload (identical on both paths)
 * and answers through an `InitialResponder`: over REST for the gateway, in the HTTP
 * response for the endpoint. Everything after the first response goes over REST to the
 * interaction webhook (edit of the original, follow-ups), which needs no bot token.
 *
 * Order of work: respond first (defer, or open the modal) — well inside Discord's 3 s —
 * then fetch attachments and run the command, then edit the deferred message.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  Routes,
  TextInputBuilder,
  TextInputStyle,
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIInteraction,
  type APIInteractionResponse,
  type APIModalSubmitInteraction,
  type REST,
} from 'discord.js';
import type { CommandArgs, CommandDefinition, Invocation } from '../../../commands/types.js';
import { errorReply, type Reply } from '../../reply/reply.js';
import type { Services } from '../../../commands/types.js';
import { renderDiscord, renderNotice } from './render.js';
import { AttachmentError, fetchTextAttachment, isTextAttachment } from './attachment.js';
import { FILE_OPTION } from './payloads.js';
import { messageRequest } from './message-request.js';
import type { Logger } from '../../app/logger.js';
import { describe, runCommand } from './run-command.js';

/** Sends the interaction's first (and only) initial response. */
export type InitialResponder = (response: APIInteractionResponse) => Promise<void>;

export interface InteractionHandlerOptions {
  readonly commands: readonly CommandDefinition[];
  readonly services: Services;
  readonly rest: REST;
  readonly logger: Logger;
}

const MODAL_PREFIX = 'rblbot:modal:';
const MODAL_FIELD = 'text';
/** Discord's caps: modal title 45, label 45, paragraph input 4000. */
const MODAL_TITLE_MAX = 45;
const MODAL_LABEL_MAX = 45;
const MODAL_TEXT_MAX = 4000;

/** Manage Server or Administrator in the channel the command was used in. */
function isAdmin(permissions: string | undefined): boolean {
  if (!permissions) return false;
  try {
    const bits = BigInt(permissions);
    return (bits & PermissionFlagsBits.Administrator) !== 0n || (bits & PermissionFlagsBits.ManageGuild) !== 0n;
  } catch {
    return false;
  }
}

export function invocationOf(raw: APIInteraction): Invocation {
  const user = raw.member?.user ?? raw.user;
  return {
    platform: 'discord',
    workspaceId: raw.guild_id ?? 'dm',
    channelId: raw.channel?.id ?? raw.channel_id ?? 'unknown',
    user: {
      id: user?.id ?? 'unknown',
      ...(user ? { name: user.global_name ?? user.username } : {}),
      isAdmin: raw.guild_id ? isAdmin(raw.member?.permissions) : false,
    },
  };
}

/** Typed options → CommandArgs; attachments are returned separately (they need a download). */
function argsOf(
  options: readonly APIApplicationCommandInteractionDataOption[] | undefined,
  resolved: Record<string, APIAttachment> | undefined,
): { args: Record<string, string | number | boolean | undefined>; attachments: Record<string, APIAttachment> } {
  const args: Record<string, string | number | boolean | undefined> = {};
  const attachments: Record<string, APIAttachment> = {};
  const walk = (list: readonly APIApplicationCommandInteractionDataOption[] | undefined) => {
    for (const option of list ?? []) {
      switch (option.type) {
        case ApplicationCommandOptionType.Subcommand:
          args.subcommand = option.name;
          walk(option.options);
          break;
        case ApplicationCommandOptionType.SubcommandGroup:
          walk(option.options);
          break;
        case ApplicationCommandOptionType.Attachment: {
          const attachment = resolved?.[option.value];
          if (attachment) attachments[option.name] = attachment;
          break;
        }
        case ApplicationCommandOptionType.String:
        case ApplicationCommandOptionType.Integer:
        case ApplicationCommandOptionType.Number:
        case ApplicationCommandOptionType.Boolean:
          args[option.name] = option.value;
          break;
        default:
          // Users, roles, channels: no rblbot command takes them; pass the id through.
          if ('value' in option) args[option.name] = String(option.value);
      }
    }
  };
  walk(options);
  return { args, attachments };
}

/** The paragraph field's value from a modal submission (Label layout, or the older action rows). */
function modalValue(raw: APIModalSubmitInteraction): string {
  for (const component of raw.data.components as unknown as Record<string, unknown>[]) {
    const inner = [component.component, ...(Array.isArray(component.components) ? component.components : [])];
    for (const c of inner) {
      if (c && typeof c === 'object' && (c as { custom_id?: string }).custom_id === MODAL_FIELD) {
        const value = (c as { value?: unknown }).value;
        return typeof value === 'string' ? value : '';
      }
    }
  }
  return '';
}

function modalFor(def: CommandDefinition): APIInteractionResponse {
  const input = def.textInput!;
  const modal = new ModalBuilder()
    .setCustomId(`${MODAL_PREFIX}${def.name}`)
    .setTitle(input.modalTitle.slice(0, MODAL_TITLE_MAX))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(input.label.slice(0, MODAL_LABEL_MAX))
        .setTextInputComponent(
          new TextInputBuilder().setCustomId(MODAL_FIELD).setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(MODAL_TEXT_MAX),
        ),
    );
  return { type: InteractionResponseType.Modal, data: modal.toJSON() };
}

/** A command to run once the interaction has been answered. */
interface Job {
  readonly def: CommandDefinition;
  readonly args: Record<string, string | number | boolean | undefined>;
  /** Downloaded after deferring, into the command's text option. */
  readonly attachment?: APIAttachment;
}

export class InteractionHandler {
  constructor(private readonly options: InteractionHandlerOptions) {}

  private find(name: string): CommandDefinition | undefined {
    return this.options.commands.find((c) => c.name === name);
  }

  /**
   * Handle one interaction. Never throws: failures are logged and answered with a
   * friendly ephemeral message when Discord still lets us answer.
   */
  async handle(raw: APIInteraction, respond: InitialResponder): Promise<void> {
    let responded = false;
    const initial: InitialResponder = async (response) => {
      responded = true;
      await respond(response);
    };
    try {
      await this.dispatch(raw, initial);
    } catch (err) {
      this.options.logger.error({ interaction: raw.id, type: raw.type, err: describe(err) }, 'discord: interaction failed');
      await this.apologise(raw, responded, initial).catch((again: unknown) =>
        this.options.logger.error({ interaction: raw.id, err: describe(again) }, 'discord: could not report the failure'),
      );
    }
  }

  private async dispatch(raw: APIInteraction, respond: InitialResponder): Promise<void> {
    switch (raw.type) {
      case InteractionType.Ping:
        await respond({ type: InteractionResponseType.Pong });
        return;
      case InteractionType.ApplicationCommandAutocomplete:
        await respond({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } });
        return;
      case InteractionType.ModalSubmit: {
        const name = raw.data.custom_id.startsWith(MODAL_PREFIX) ? raw.data.custom_id.slice(MODAL_PREFIX.length) : '';
        const def = this.find(name);
        if (!def?.textInput) return this.unknown(respond, name);
        return this.deferAndRun(raw, respond, { def, args: { [def.textInput.option]: modalValue(raw) } });
      }
      case InteractionType.ApplicationCommand: {
        if (raw.data.type === ApplicationCommandType.Message) {
          const target = raw.data.resolved.messages[raw.data.target_id];
          const def = this.options.commands.find((c) => c.textInput?.messageAction === raw.data.name);
          if (!def?.textInput) return this.unknown(respond, raw.data.name);
          const text = target?.content ?? '';
          const file = target?.attachments.find(isTextAttachment);
          if (text.trim() === '' && !file) {
            await respond(
              ephemeral(
                renderNotice(
                  def.textInput.messageAction ?? def.name,
                  'That message has no text to read. Pick the message that contains the bounce, or attach the bounce as a .eml or .txt file.',
                  'warn',
                ),
              ),
            );
            return;
          }
          return this.deferAndRun(raw, respond, {
            def,
            args: { [def.textInput.option]: text },
            ...(text.trim() === '' && file ? { attachment: file } : {}),
          });
        }
        if (raw.data.type !== ApplicationCommandType.ChatInput) return this.unknown(respond, raw.data.name);
        const def = this.find(raw.data.name);
        if (!def) return this.unknown(respond, raw.data.name);
        const { args, attachments } = argsOf(raw.data.options, raw.data.resolved?.attachments);
        const attachment = attachments[FILE_OPTION];
        if (def.textInput) {
          const text = args[def.textInput.option];
          // Nothing pasted and no file: ask for the text in a modal (a modal must be the first response).
          if ((text === undefined || String(text).trim() === '') && !attachment) {
            await respond(modalFor(def));
            return;
          }
        }
        return this.deferAndRun(raw, respond, { def, args, ...(attachment && def.textInput ? { attachment } : {}) });
      }
      default:
        // Buttons and selects: rblbot sends none, so these are stale or foreign.
        await respond(ephemeral(renderNotice('rblbot', 'That control is no longer active.', 'info')));
    }
  }

  private async unknown(respond: InitialResponder, name: string): Promise<void> {
    const names = this.options.commands.map((c) => `/${c.name}`).join(', ');
    await respond(
      ephemeral(
        renderNotice(
          'Unknown command',
          `This bot has no "${name.slice(0, 40)}" command any more. Commands: ${names}. An admin may need to run rblbot discord-register.`,
        ),
      ),
    );
  }

  private async deferAndRun(raw: APIInteraction, respond: InitialResponder, job: Job): Promise<void> {
    // Public "thinking…" first: its visibility is fixed now, before the answer is known.
    // Answers meant for the caller only (errors, help) replace it with an ephemeral follow-up.
    await respond({ type: InteractionResponseType.DeferredChannelMessageWithSource });

    const invocation = invocationOf(raw);
    const args: CommandArgs = { ...job.args };
    let reply: Reply | undefined;
    if (job.attachment && job.def.textInput) {
      try {
        (args as Record<string, unknown>)[job.def.textInput.option] = await fetchTextAttachment(job.attachment);
      } catch (err) {
        if (!(err instanceof AttachmentError)) throw err;
        reply = errorReply(`/${job.def.name}`, err.message);
      }
    }

    let finished = false;
    let edits = Promise.resolve();
    const progress = async (interim: Reply): Promise<void> => {
      if (finished || interim.visibility === 'ephemeral') return;
      edits = edits
        .then(() => this.editOriginal(raw, interim))
        .catch((err: unknown) => {
          this.options.logger.warn?.({ interaction: raw.id, err: describe(err) }, 'discord: progress update failed');
        });
      await edits;
    };
    reply ??= await runCommand({
      commands: this.options.commands,
      def: job.def,
      args,
      invocation,
      services: this.options.services,
      progress,
      logger: this.options.logger,
    });
    finished = true;
    await edits;
    await this.deliver(raw, reply);
  }

  private async editOriginal(raw: APIInteraction, reply: Reply): Promise<void> {
    const { body, files } = messageRequest(renderDiscord(reply), { content: '' });
    await this.options.rest.patch(Routes.webhookMessage(raw.application_id, raw.token, '@original'), { body, files, auth: false });
  }

  /** The final answer: edit the deferred message, or swap it for an ephemeral follow-up. */
  private async deliver(raw: APIInteraction, reply: Reply): Promise<void> {
    if (reply.visibility === 'channel') {
      await this.editOriginal(raw, reply);
      return;
    }
    // Best effort: if the "thinking…" cannot be removed, the private answer still matters more.
    await this.options.rest
      .delete(Routes.webhookMessage(raw.application_id, raw.token, '@original'), { auth: false })
      .catch((err: unknown) =>
        this.options.logger.warn?.({ interaction: raw.id, err: describe(err) }, 'discord: could not remove the deferred message'),
      );
    const { body, files } = messageRequest(renderDiscord(reply), { flags: MessageFlags.Ephemeral });
    await this.options.rest.post(Routes.webhook(raw.application_id, raw.token), { body, files, auth: false });
  }

  private async apologise(raw: APIInteraction, responded: boolean, respond: InitialResponder): Promise<void> {
    if (raw.type === InteractionType.Ping) return;
    const notice = renderNotice(
      'Something went wrong',
      'Sorry, that failed unexpectedly. The error was logged for the bot’s operator; try again in a moment.',
    );
    if (!responded) {
      await respond(ephemeral(notice));
      return;
    }
    // Don't leave a public "thinking…" behind; it may already be gone, which is fine.
    await this.options.rest.delete(Routes.webhookMessage(raw.application_id, raw.token, '@original'), { auth: false }).catch(() => undefined);
    const { body, files } = messageRequest(notice, { flags: MessageFlags.Ephemeral });
    await this.options.rest.post(Routes.webhook(raw.application_id, raw.token), { body, files, auth: false });
  }
}

function ephemeral(message: ReturnType<typeof renderNotice>): APIInteractionResponse {
  const { body } = messageRequest(message, { flags: MessageFlags.Ephemeral });
  return { type: InteractionResponseType.ChannelMessageWithSource, data: body };
}
