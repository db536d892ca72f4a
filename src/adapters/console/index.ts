/**
 * The console chat adapter: the bot in a terminal, with no chat tokens. Each input line
 * is one command (`/rbl 203.0.113.5`, `rbl 203.0.113.5`, `/help`); the answer is the
 * same Reply the chat platforms get, rendered as text.
 *
 * It works the same with piped input (scripts, tests): commands run one at a time in
 * input order (unless `concurrency` says otherwise; replies always come in input order),
 * and at the end of input the commands still in flight finish before `runConsole`
 * resolves. The prompt and progress lines appear only
 * on an interactive terminal, so piped output holds nothing but the replies.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import pLimit from 'p-limit';
import { dispatchCommand, findCommand } from '../../../commands/dispatch.js';
import type { Logger } from '../../app/logger.js';
import type { CommandDefinition, Invocation } from '../../../commands/types.js';
import { errorReply, type Reply } from '../../reply/reply.js';
import type { Services } from '../../../commands/types.js';
import { renderText } from '../../reply/render.js';
import { defaultPicturesDir, savePictures } from './pictures.js';

export interface ConsoleOptions {
  readonly services: Services;
  readonly commands: readonly CommandDefinition[];
  readonly input: Readable;
  readonly output: Writable;
  /** ANSI colour in replies; pass true only when output is a TTY (and NO_COLOR is unset). */
  readonly color?: boolean;
  /** Show a prompt and progress lines. Default: when both input and output are TTYs. */
  readonly interactive?: boolean;
  /** Commands running at once (default 1); later lines wait their turn (reading never stops). */
  readonly concurrency?: number;
  readonly logger?: Logger;
  /** When aborted, stop reading as at end of input (SIGTERM): answers in flight are still written. */
  readonly stop?: AbortSignal;
  /** Where pictures of replies (/watch history) are saved; default defaultPicturesDir(). */
  readonly picturesDir?: string;
}

/** Everyone at the console is the operator: admin commands are allowed. */
export const CONSOLE_INVOCATION: Invocation = {
  platform: 'console',
  workspaceId: 'console',
  channelId: 'console',
  user: { id: 'console', name: 'console', isAdmin: true },
};

const PROMPT = 'rblbot> ';

/** A console line split into command name and the text after it. */
export interface ConsoleLine {
  readonly name: string;
  readonly text: string;
}

/**
 * Split a line into command and arguments; null for lines to skip (blank, `#` comments,
 * so a file of commands can be annotated). The leading slash is optional.
 */
export function parseConsoleLine(line: string): ConsoleLine | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const match = /^\/?(\S*)\s*([\s\S]*)$/.exec(trimmed)!;
  return { name: match[1]!.toLowerCase(), text: match[2]! };
}

/** Read commands until the input ends (or `quit`), answering each; resolves when all answers are written. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { input, output } = options;
  const interactive = options.interactive ?? (isTTY(input) && isTTY(output));
  const color = options.color ?? false;
  // One at a time by default: piped scripts such as "/watch add …" then "/watch list"
  // must see each other's effects, exactly as a person typing would.
  const limit = pLimit(options.concurrency ?? 1);
  const rl = createInterface({ input, output: interactive ? output : undefined, terminal: interactive, crlfDelay: Infinity });

  // readline may still deliver lines that were already buffered after close().
  let closed = false;
  rl.once('close', () => (closed = true));

  // Replies are chained in input order: each waits for the previous one to be written.
  let written: Promise<void> = Promise.resolve();
  let inFlight = 0;

  // A reader that went away (`rblbot | head`, a closed terminal) is the end of the
  // session, not a crash: stop reading, let the commands in flight finish quietly.
  let outputGone = false;
  const onOutputError = () => {
    outputGone = true;
    rl.close();
  };
  output.on('error', onOutputError);

  const write = (text: string) =>
    new Promise<void>((resolve) => {
      if (outputGone || output.destroyed) return resolve();
      try {
        output.write(text, () => resolve());
      } catch {
        resolve();
      }
    });

  const prompt = () => {
    if (interactive && inFlight === 0 && !closed) rl.prompt();
  };

  // A command that takes pasted text (/diagnose), typed alone, collects the following
  // lines until one holding a single "." (as in SMTP's DATA), a line that is another
  // command written with its slash ("/rbl 203.0.113.5": a piped script goes on), or the
  // end of input. Without the slash a line is pasted text: bounces have lines such as
  // "Relay access denied" that start with a command's name.
  let pasting: { name: string; lines: string[] } | null = null;

  const endPaste = () => {
    const { name, lines } = pasting!;
    pasting = null;
    // Nothing pasted: the command answers what it expected ("Paste the bounce …").
    run({ name, text: lines.join('\n') });
  };

  const handle = (line: string) => {
    if (closed) return;
    if (pasting) {
      if (line.trim() === '.') return endPaste();
      if (!isSlashCommand(line)) {
        pasting.lines.push(line);
        return;
      }
      endPaste();
    }
    const parsed = parseConsoleLine(line);
    if (!parsed) return prompt();
    if (parsed.name === 'quit' || parsed.name === 'exit') {
      closed = true;
      rl.close();
      return;
    }
    if (parsed.text === '' && findCommand(options.commands, parsed.name)?.textInput) {
      pasting = { name: parsed.name, lines: [] };
      if (interactive) void write('Paste the text, then a line with a single "." to finish.\n');
      return;
    }
    run(parsed);
  };

  const isSlashCommand = (line: string): boolean => {
    const m = /^\s*\/(\S+)/.exec(line);
    if (!m) return false;
    const name = m[1]!.toLowerCase();
    return name === 'quit' || name === 'exit' || findCommand(options.commands, name) !== undefined;
  };

  const run = (parsed: ConsoleLine) => {
    inFlight++;
    const reply = limit(() => answer(options, parsed, interactive ? progressWriter(write, color) : undefined));
    written = written.then(async () => {
      const shown = await savePictures(await reply, options.picturesDir ?? defaultPicturesDir()).catch((err: unknown) =>
        errorReply('Picture', `Could not save the picture: ${err instanceof Error ? err.message : String(err)}`),
      );
      const text = renderText(shown, { color });
      await write(`${text}\n`);
      inFlight--;
      prompt();
    });
  };

  const ended = new Promise<void>((resolve) => rl.once('close', resolve));
  rl.on('line', handle);
  const stopReading = (): void => rl.close();
  if (options.stop?.aborted) stopReading();
  else options.stop?.addEventListener('abort', stopReading, { once: true });
  // Ctrl+C at the prompt ends the session like end of input: answers in flight still come.
  rl.on('SIGINT', stopReading);
  if (interactive) {
    rl.setPrompt(PROMPT);
    await write('rblbot console. Type /help for the commands, /rbl 203.0.113.5 to check an address, Ctrl+D to quit.\n');
    rl.prompt();
  }
  await ended;
  // Input ended in the middle of a paste: the paste is complete (an empty one is answered too).
  if (pasting) endPaste();
  // Every line was handled before 'close'; wait until each of their replies is written.
  await written;
  options.stop?.removeEventListener('abort', stopReading);
  output.off('error', onOutputError);
}

/**
 * Whether to colour replies: only on a terminal, and never when the user opted out
 * with NO_COLOR (https://no-color.org) or TERM=dumb. FORCE_COLOR=1 turns it on anyway.
 */
export function shouldUseColor(output: Writable, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY(output);
}

/** Run one parsed line through the shared dispatcher; never rejects. */
async function answer(options: ConsoleOptions, line: ConsoleLine, progress?: (reply: Reply) => Promise<void>): Promise<Reply> {
  if (!findCommand(options.commands, line.name)) return unknownCommand(options.commands, line);
  try {
    return await dispatchCommand(
      { commands: options.commands, services: options.services, logger: options.logger },
      { name: line.name, text: line.text, invocation: CONSOLE_INVOCATION, progress },
    );
  } catch {
    // dispatchCommand does not throw; this is a last line of defence for the session.
    return errorReply('Error', 'Sorry, that command failed unexpectedly.');
  }
}

/**
 * An unknown word: when it looks like something to check ("203.0.113.5",
 * "example.com"), suggest /rbl with it rather than only listing the commands.
 */
function unknownCommand(commands: readonly CommandDefinition[], line: ConsoleLine): Reply {
  const names = commands.map((c) => `/${c.name}`).join(', ');
  const word = line.name.slice(0, 60);
  const looksLikeTarget = /^\[?[0-9a-f:.]+\]?$/i.test(word) || /^[^\s/]+\.[a-z]{2,}\.?$/i.test(word);
  const hasRbl = commands.some((c) => c.name === 'rbl');
  const hint =
    looksLikeTarget && hasRbl
      ? `To check it, type: /rbl ${[word, line.text].filter(Boolean).join(' ')}`
      : `Commands: ${names}. Type /help for usage.`;
  return errorReply('Unknown command', `"${word}" is not a command.`, hint);
}

function progressWriter(write: (text: string) => Promise<void>, color: boolean) {
  return async (reply: Reply): Promise<void> => {
    // Progress is a one-line hint ("Checking 41 lists…"); show its text without the title.
    await write(renderText({ ...reply, title: '' }, { color }).replace(/^\n+/, ''));
  };
}

function isTTY(stream: Readable | Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}
