/**
 * The Slack adapter (Bolt 5). Every slash command, form and message shortcut is derived
 * from the CommandDefinitions passed in; nothing here names a command.
 *
 * Modes: Socket Mode when SLACK_BOT_TOKEN + SLACK_APP_TOKEN are set (no public URL); HTTP
 * mode when SLACK_SIGNING_SECRET is set without an app token, served at /slack/events on
 * the shared HTTP server through Bolt's HTTPReceiver, so request signatures are verified
 * by Bolt. SLACK_API_URL points the Web API elsewhere (GovSlack, tests).
 *
 * Flow for each request: acknowledge at once (Slack's 3-second deadline), then do the work
 * and answer through the response_url — interim "checking…" first only if the work takes
 * more than a moment. Any failure is answered with a friendly ephemeral message.
 */
import type http from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import type {
  AllMiddlewareArgs,
  MessageShortcut,
  SlackCommandMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  types,
} from '@slack/bolt';
import { dispatchCommand, type Dispatcher, type DispatchRequest } from '../../../commands/dispatch.js';
import type { CommandArgs, CommandDefinition, Invocation } from '../../../commands/types.js';
import type { AppConfig } from '../../app/config.js';
import type { ChannelRef, Notifier } from '../../core/watch/notifier.js';
import { errorReply, type Reply } from '../../reply/reply.js';
import type { Services } from '../../../commands/types.js';
import { createLogger, type Logger } from '../../app/logger.js';
import { renderSlack } from './render.js';
import type { SharedHttpServer } from '../http-server.js';
import { isHelpRequest, needsAdminCheck, slackCallbackIds, slackTextToPlain, textOption, wholeTextArgs } from './command-text.js';
import { ResponseUrlDelivery, postToResponseUrl, responseBody } from './respond.js';
import { UserError } from '../../reply/errors.js';
import { clip } from '../../reply/words.js';

export { slackCallbackIds } from './command-text.js';

type BoltApp = InstanceType<typeof App>;
type BoltLogger = NonNullable<ConstructorParameters<typeof App>[0]>['logger'] & {};

/** Bolt's default path; Slack's slash-command, interactivity and events URLs all point here. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Block and action ids inside the text-input form. */
const FORM_BLOCK_ID = 'text_input';
const FORM_ACTION_ID = 'text';

export type SlackMode = 'socket' | 'http';

/** Which mode the configuration asks for, or null when Slack is not configured. */
export function slackMode(config: AppConfig): SlackMode | null {
  if (config.SLACK_APP_TOKEN) return 'socket';
  if (config.SLACK_SIGNING_SECRET) return 'http';
  return null;
}

export interface StartSlackOptions {
  readonly config: AppConfig;
  readonly services: Services;
  readonly commands: readonly CommandDefinition[];
  /** The shared HTTP server (needed in HTTP mode; this adapter only adds its route). */
  readonly http?: SharedHttpServer;
  /** How long a command may work before "checking…" is shown. Default 1000 ms. */
  readonly progressDelayMs?: number;
  /** Web API retries (default: the WebClient's own policy). Tests pass 0. */
  readonly apiRetries?: number;
  /** The bot's logger (src/logger.ts); default one at LOG_LEVEL. */
  readonly logger?: Logger;
}

export interface SlackAdapter {
  readonly mode: SlackMode;
  readonly notifier: Notifier;
  /** The Slack workspace (team id) the bot token belongs to. */
  readonly teamId: string | undefined;
  stop(): Promise<void>;
}

export class SlackConfigError extends UserError {}

/**
 * Start the Slack adapter. In HTTP mode the caller listens on the shared server (PORT);
 * this only adds the /slack/events route. Throws SlackConfigError for an incomplete setup
 * and Bolt's error when the bot token is refused (auth.test).
 */
export async function startSlack(options: StartSlackOptions): Promise<SlackAdapter> {
  const { config } = options;
  const mode = slackMode(config);
  if (!mode)
    throw new SlackConfigError('Slack is not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).');
  if (!config.SLACK_BOT_TOKEN) {
    throw new SlackConfigError(
      'SLACK_BOT_TOKEN is missing: copy the "Bot User OAuth Token" (xoxb-…) from your Slack app\'s OAuth & Permissions page.',
    );
  }
  if (mode === 'http' && !options.http) throw new SlackConfigError('Slack HTTP mode needs the shared HTTP server.');

  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const boltLog = boltLogger(logger);
  const slackApiUrl = config.SLACK_API_URL ? `${config.SLACK_API_URL}/` : undefined;
  const clientOptions = {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    ...(options.apiRetries !== undefined ? { retryConfig: { retries: options.apiRetries } } : {}),
  };

  let receiver: InstanceType<typeof HTTPReceiver> | InstanceType<typeof SocketModeReceiver>;
  if (mode === 'socket') {
    receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN!,
      logger: boltLog,
      // Bolt hands installerOptions.clientOptions to the socket client (apps.connections.open).
      // A copy: the socket client writes its own retry policy into the object it is given.
      installerOptions: { clientOptions: { ...clientOptions } },
    });
  } else {
    receiver = new HTTPReceiver({ signingSecret: config.SLACK_SIGNING_SECRET!, logger: boltLog });
  }

  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    receiver,
    logger: boltLog,
    clientOptions,
    // init() below runs auth.test and fails loudly on a bad token, instead of an unhandled rejection.
    deferInitialization: true,
  });
  let teamId: string | undefined;
  try {
    await app.init();
    const auth = await app.client.auth.test();
    teamId = typeof auth.team_id === 'string' ? auth.team_id : undefined;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    throw new SlackConfigError(
      code
        ? `Slack refused SLACK_BOT_TOKEN (${code}): copy the "Bot User OAuth Token" (xoxb-…) of the installed app again.`
        : `Could not reach Slack's Web API${config.SLACK_API_URL ? ` at ${config.SLACK_API_URL}` : ''}: ${(err as Error).message}`,
    );
  }

  const adminIds = new Set(
    (config.SLACK_ADMIN_IDS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const inFlight = new Set<Promise<unknown>>();
  const listeners = new SlackListeners(app, {
    dispatcher: { commands: options.commands, services: options.services, logger },
    progressDelayMs: options.progressDelayMs ?? 1000,
    adminIds,
    logger,
    track: (p) => {
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  });
  listeners.register();
  app.error(async (err) => {
    logger.error({ err }, 'Slack: unhandled error in a listener');
  });

  if (mode === 'socket') {
    await app.start();
  } else {
    const httpReceiver = receiver as InstanceType<typeof HTTPReceiver>;
    options.http!.route(SLACK_EVENTS_PATH, (req: http.IncomingMessage, res: http.ServerResponse) => {
      try {
        httpReceiver.requestListener(req, res);
      } catch {
        // Bolt throws for anything but POST to its endpoint.
        if (!res.headersSent) res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' });
        res.end('method not allowed\n');
      }
    });
  }
  logger.info({ mode, teamId, commands: options.commands.map((c) => c.name) }, 'Slack adapter started');

  let stopped = false;
  return {
    mode,
    teamId,
    notifier: new SlackNotifier(
      new webApi.WebClient(config.SLACK_BOT_TOKEN, {
        ...(slackApiUrl ? { slackApiUrl } : {}),
        retryConfig: { retries: 0 },
        timeout: 10_000,
        logger: boltLog,
      }),
      teamId,
    ),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Let answers in progress finish (bounded), then disconnect.
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (mode === 'socket') await app.stop().catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Listeners

interface ListenerDeps {
  readonly dispatcher: Dispatcher;
  readonly progressDelayMs: number;
  readonly adminIds: ReadonlySet<string>;
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

class SlackListeners {
  private readonly adminCache = new Map<string, { value: boolean; until: number }>();

  constructor(
    private readonly app: BoltApp,
    private readonly deps: ListenerDeps,
  ) {}

  register(): void {
    for (const def of this.deps.dispatcher.commands) {
      this.app.command(`/${def.name}`, (args) => this.track(this.onCommand(def, args)));
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
          errorReply(`/${def.name}`, 'Slack did not open the form in time. Please try again, or paste the text after the command.'),
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
      const name = def.textInput?.messageAction ?? `/${def.name}`;
      return this.answer(origin, errorReply(name, 'That message has no text to work on.', `Paste the text with /${def.name} instead.`));
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
  }

  /** chat.postMessage / chat.postEphemeral (channel answers need the bot in the channel). */
  private async postDirect(origin: Origin, reply: Reply): Promise<void> {
    if (!origin.channelId) return;
    const { text, blocks } = renderSlack(reply);
    if (reply.visibility === 'channel') {
      await this.app.client.chat.postMessage({ channel: origin.channelId, text, blocks, unfurl_links: false, unfurl_media: false });
    } else {
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

// ---------------------------------------------------------------------------------------
// Notifier (watch alerts)

/** Why a post failed, in words for whoever reads the outbox error or the watch reply. */
const POST_ERRORS: Record<string, string> = {
  not_in_channel: 'rblbot is not a member of this channel: invite it with /invite @rblbot.',
  channel_not_found: 'Slack does not know this channel (deleted, or private and rblbot is not in it).',
  is_archived: 'The channel is archived.',
  invalid_auth: 'Slack refused SLACK_BOT_TOKEN.',
  account_inactive: 'The Slack app was uninstalled or its token revoked.',
  token_revoked: 'The Slack app was uninstalled or its token revoked.',
  missing_scope: 'The Slack app lacks the chat:write scope: reinstall it from manifest.yml.',
};

/** A failed alert post; `code` is Slack's error code (not_in_channel, ratelimited, …). */
export class SlackPostError extends Error {
  override name = 'SlackPostError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Posts alerts with chat.postMessage (the bot must be a member of the channel). Its own
 * Web API client makes a single attempt with a short timeout: the watch outbox retries
 * with back-off, and a client retrying in the background could post an alert twice.
 */
export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;

  constructor(
    private readonly client: InstanceType<typeof webApi.WebClient>,
    private readonly teamId: string | undefined,
  ) {}

  async send(channel: ChannelRef, reply: Reply, _idempotencyKey: string): Promise<void> {
    if (channel.platform !== 'slack') throw new Error(`SlackNotifier cannot send to a ${channel.platform} channel.`);
    if (this.teamId && channel.workspaceId && channel.workspaceId !== this.teamId) {
      throw new Error(`This bot token belongs to Slack workspace ${this.teamId}, not ${channel.workspaceId}.`);
    }
    // Slack has no idempotency key for chat.postMessage; the outbox marks the row sent right after this returns.
    const { text, blocks } = renderSlack(reply);
    try {
      await this.client.chat.postMessage({ channel: channel.channelId, text, blocks, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? (err as { code?: string }).code ?? 'request_failed';
      throw new SlackPostError(POST_ERRORS[code] ?? `Slack did not take the message (${code}): ${(err as Error).message}`, code);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Logging

/** Bolt's Logger interface on top of our pino logger, so Bolt's own lines share the format and level. */
function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  const split = (msg: unknown[]): [object, string] => {
    const err = msg.find((m) => m instanceof Error);
    const text = msg
      .filter((m) => !(m instanceof Error))
      .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
      .join(' ');
    return [err ? { err } : {}, text];
  };
  return {
    debug: (...msg: unknown[]) => log.debug(...split(msg)),
    info: (...msg: unknown[]) => log.info(...split(msg)),
    warn: (...msg: unknown[]) => log.warn(...split(msg)),
    error: (...msg: unknown[]) => log.error(...split(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
