/**
 * Slack's listeners: every slash command, form and message shortcut, derived from the
 * CommandDefinitions. Each request is acknowledged at once (Slack's 3-second deadline),
 * then run through the shared dispatcher and answered through its response_url.
 */
import type {
  AllMiddlewareArgs,
  App,
  MessageShortcut,
  SlackCommandMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  types,
} from '@slack/bolt';
import { dispatchCommand, type Dispatcher, type DispatchRequest } from '../../../commands/dispatch.js';
import type { CommandArgs, CommandDefinition, Invocation } from '../../../commands/types.js';
import type { Logger } from '../../app/logger.js';
import { errorReply, type Reply } from '../../reply/reply.js';
import { clip } from '../../reply/words.js';
import { isHelpRequest, needsAdminCheck, slackCallbackIds, slackTextToPlain, textOption, wholeTextArgs } from './command-text.js';
import { SLACK_LIMITS, renderSlack } from './render.js';
import { ResponseUrlDelivery, postToResponseUrl, responseBody } from './respond.js';
import { slackChannelAccess } from './delivery.js';
import { postReply } from './post.js';
import { slash } from '../../reply/command-names.js';
import { imagesOf, uploadImages } from './upload.js';

type BoltApp = InstanceType<typeof App>;

/** Block and action ids inside the text-input form. */
const FORM_BLOCK_ID = 'text_input';
const FORM_ACTION_ID = 'text';

export interface ListenerDeps {
  readonly dispatcher: Dispatcher;
  readonly progressDelayMs: number;
  readonly adminIds: ReadonlySet<string>;
  /** The bot's name as people invite it (/invite @name). */
  readonly botName: string;
  readonly logger: Logger;
  readonly track: (p: Promise<unknown>) => void;
}

interface Origin {
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly userName?: string;
  readonly responseUrl?: string;
}

/** What the form remembers between /name and its submission (private_metadata, ≤3000 chars). */
interface FormMetadata {
  readonly c: string; // channel id
  readonly r?: string; // response_url of the slash command
}

/** What to run: free text to parse, or typed arguments (a form's or a message's whole text). */
type Input = { readonly text: string } | { readonly args: CommandArgs };

export class SlackListeners {
  private readonly adminCache = new Map<string, { value: boolean; until: number }>();

  constructor(
    private readonly app: BoltApp,
    private readonly deps: ListenerDeps,
  ) {}

  register(): void {
    for (const def of this.deps.dispatcher.commands) {
      this.app.command(`${slash(def.name)}`, (args) => this.track(this.onCommand(def, args)));
      if (!def.textInput || !textOption(def)) continue;
      const ids = slackCallbackIds(def.name);
      this.app.view({ callback_id: ids.modal, type: 'view_submission' }, (args) =>
        this.track(this.onFormSubmit(def, args as SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs)),
      );
      if (def.textInput.messageAction) {
        this.app.shortcut({ callback_id: ids.messageShortcut, type: 'message_action' }, (args) =>
          this.track(this.onMessageShortcut(def, args as SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs)),
        );
      }
    }
  }

  /** Never let a request's failure escape into Bolt: log it; the process keeps serving. */
  private track(p: Promise<void>): Promise<void> {
    const safe = p.catch((err: unknown) => this.deps.logger.error({ err }, 'Slack: request failed'));
    this.deps.track(safe);
    return safe;
  }

  private async onCommand(def: CommandDefinition, args: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const { command, ack, client } = args;
    await ack();
    const origin: Origin = {
      teamId: command.team_id,
      channelId: command.channel_id,
      userId: command.user_id,
      userName: command.user_name,
      responseUrl: command.response_url,
    };
    const text = slackTextToPlain(command.text ?? '');
    if (isHelpRequest(def, text) && this.deps.dispatcher.commands.some((c) => c.name === 'help')) {
      // "/rbl help" is "/help rbl".
      return this.execute('help', { text: def.name }, origin, false);
    }
    if (text.trim() === '' && def.textInput && textOption(def)) {
      try {
        await client.views.open({ trigger_id: command.trigger_id, view: formView(def, { c: command.channel_id, r: command.response_url }) });
      } catch (err) {
        this.deps.logger.warn({ err, command: def.name }, 'Slack: could not open the form');
        await this.answer(
          origin,
          errorReply(`${slash(def.name)}`, 'Slack did not open the form in time. Please try again, or paste the text after the command.'),
        );
      }
      return;
    }
    await this.execute(def.name, { text }, origin, needsAdminCheck(def));
  }

  private async onFormSubmit(def: CommandDefinition, args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> {
    const { ack, body, view } = args;
    const text = view.state.values[FORM_BLOCK_ID]?.[FORM_ACTION_ID]?.value ?? '';
    if (!text.trim()) {
      await ack({ response_action: 'errors', errors: { [FORM_BLOCK_ID]: 'Paste the text first.' } });
      return;
    }
    await ack();
    const meta = parseMetadata(view.private_metadata);
    const origin: Origin = {
      teamId: body.team?.id ?? body.user.team_id ?? '',
      channelId: meta?.c ?? '',
      userId: body.user.id,
      userName: body.user.name,
      ...(meta?.r ? { responseUrl: meta.r } : {}),
    };
    const whole = wholeTextArgs(def, text);
    if (!origin.responseUrl) {
      // Without the command's response_url, answer only the caller, privately.
      const reply = 'reply' in whole ? whole.reply : await this.dispatch(def.name, whole, origin, needsAdminCheck(def), async () => undefined);
      return this.postDirect(origin, { ...reply, visibility: 'ephemeral' });
    }
    if ('reply' in whole) return this.answer(origin, whole.reply);
    await this.execute(def.name, whole, origin, needsAdminCheck(def));
  }

  private async onMessageShortcut(def: CommandDefinition, args: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs): Promise<void> {
    const { ack, shortcut } = args;
    await ack();
    const origin: Origin = {
      teamId: shortcut.team?.id ?? shortcut.user.team_id ?? '',
      channelId: shortcut.channel.id,
      userId: shortcut.user.id,
      userName: shortcut.user.name,
      responseUrl: shortcut.response_url,
    };
    const text = messageText(shortcut.message);
    if (!text.trim()) {
      const name = def.textInput?.messageAction ?? `${slash(def.name)}`;
      return this.answer(origin, errorReply(name, 'That message has no text to work on.', `Paste the text with ${slash(def.name)} instead.`));
    }
    const whole = wholeTextArgs(def, text);
    if ('reply' in whole) return this.answer(origin, whole.reply);
    await this.execute(def.name, whole, origin, needsAdminCheck(def));
  }

  /** Run a command and deliver the interim and final answers through the response_url. */
  private async execute(name: string, input: Input, origin: Origin, lookUpAdmin: boolean): Promise<void> {
    if (!origin.responseUrl) return;
    const delivery = new ResponseUrlDelivery(origin.responseUrl, this.deps.progressDelayMs, this.deps.logger);
    const reply = await this.dispatch(name, input, origin, lookUpAdmin, (r) => delivery.progress(r));
    try {
      await delivery.final(reply);
    } catch (err) {
      // The response_url expired (30 minutes, 5 posts) or Slack refused it: post directly instead.
      this.deps.logger.warn({ err, command: name }, 'Slack: response_url failed; posting with the Web API');
      await this.postDirect(origin, reply);
    }
    await this.sendImages(origin, reply);
  }

  /** The answer's pictures, uploaded to the channel after the text; failures are told to the caller only. */
  private async sendImages(origin: Origin, reply: Reply): Promise<void> {
    if (imagesOf(reply).length === 0 || !origin.channelId) return;
    const problems = await uploadImages(this.app.client, origin.channelId, reply, this.deps.botName);
    if (problems.length === 0) return;
    this.deps.logger.warn({ problems }, 'Slack: picture upload failed');
    const notice = errorReply('Picture not shown', problems.join(' '));
    if (origin.responseUrl) await postToResponseUrl(origin.responseUrl, responseBody(notice)).catch(() => this.postDirect(origin, notice));
    else await this.postDirect(origin, notice);
  }

  /** chat.postMessage / chat.postEphemeral (channel answers need the bot in the channel). */
  private async postDirect(origin: Origin, reply: Reply): Promise<void> {
    if (!origin.channelId) return;
    if (reply.visibility === 'channel') {
      await postReply(this.app.client, origin.channelId, reply, this.deps.logger);
    } else {
      // Ephemeral messages cannot carry a file: the same budget as a post, the rest via the CLI.
      const { text, blocks } = renderSlack(reply, { maxChars: SLACK_LIMITS.postedChars, overflow: 'cli' });
      await this.app.client.chat.postEphemeral({ channel: origin.channelId, user: origin.userId, text, blocks });
    }
  }

  private async dispatch(name: string, input: Input, origin: Origin, lookUpAdmin: boolean, progress: (r: Reply) => Promise<void>): Promise<Reply> {
    const invocation: Invocation = {
      platform: 'slack',
      workspaceId: origin.teamId,
      channelId: origin.channelId,
      user: {
        id: origin.userId,
        ...(origin.userName ? { name: origin.userName } : {}),
        isAdmin: await this.isAdmin(origin.userId, lookUpAdmin),
      },
      channelAccess: () => slackChannelAccess(this.app.client, origin.channelId, this.deps.botName),
    };
    const request: DispatchRequest = { name, invocation, progress, ...input };
    return dispatchCommand(this.deps.dispatcher, request);
  }

  private async answer(origin: Origin, reply: Reply): Promise<void> {
    if (origin.responseUrl) await postToResponseUrl(origin.responseUrl, responseBody(reply));
  }

  /**
   * SLACK_ADMIN_IDS, or a workspace admin/owner per users.info (needs the users:read scope,
   * which the manifest requests only when some command is admin-only). Cached 5 minutes.
   */
  private async isAdmin(userId: string, lookUp: boolean): Promise<boolean> {
    if (this.deps.adminIds.has(userId)) return true;
    if (!lookUp) return false;
    const cached = this.adminCache.get(userId);
    if (cached && cached.until > Date.now()) return cached.value;
    let value = false;
    try {
      const info = await this.app.client.users.info({ user: userId });
      value = Boolean(info.user?.is_admin || info.user?.is_owner || info.user?.is_primary_owner);
    } catch (err) {
      this.deps.logger.warn({ err }, 'Slack: users.info failed; treating the user as a non-admin');
    }
    this.adminCache.set(userId, { value, until: Date.now() + 5 * 60_000 });
    return value;
  }
}

/** The form opened by `/name` with no text: one large multi-line field. */
export function formView(def: CommandDefinition, meta: FormMetadata): types.View {
  const input = def.textInput!;
  const option = textOption(def)!;
  // Slack's plain_text_input takes at most 3000 characters.
  const maxLength = Math.min(3000, option.maxLength ?? 3000);
  const blocks: types.KnownBlock[] = [
    {
      type: 'input',
      block_id: FORM_BLOCK_ID,
      label: { type: 'plain_text', text: clip(input.label, 2000) },
      element: {
        type: 'plain_text_input',
        action_id: FORM_ACTION_ID,
        multiline: true,
        max_length: maxLength,
      },
    },
  ];
  if (input.messageAction) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'plain_text',
          text: clip(
            `Longer than ${maxLength} characters? Post it in the channel and use the "${input.messageAction}" shortcut on that message.`,
            2000,
          ),
        },
      ],
    });
  }
  return {
    type: 'modal',
    callback_id: slackCallbackIds(def.name).modal,
    title: { type: 'plain_text', text: clip(input.modalTitle, 24) },
    submit: { type: 'plain_text', text: 'Run' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(meta).slice(0, 3000),
    blocks,
  };
}

function parseMetadata(raw: string | undefined): FormMetadata | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<FormMetadata>;
    if (typeof value.c !== 'string') return undefined;
    return { c: value.c, ...(typeof value.r === 'string' && /^https?:\/\//.test(value.r) ? { r: value.r } : {}) };
  } catch {
    return undefined;
  }
}

/** A message's text plus its attachments' text (forwarded mails often arrive as attachments). */
function messageText(message: MessageShortcut['message']): string {
  const parts: string[] = [];
  if (typeof message.text === 'string') parts.push(message.text);
  const attachments: unknown = message.attachments;
  if (Array.isArray(attachments)) {
    for (const a of attachments as { text?: unknown; fallback?: unknown }[]) {
      const t = typeof a.text === 'string' ? a.text : typeof a.fallback === 'string' ? a.fallback : '';
      if (t) parts.push(t);
    }
  }
  return slackTextToPlain(parts.join('\n\n'));
}
