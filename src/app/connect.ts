/**
 * Connecting a chat platform the same way for every platform: a refused credential stops
 * start-up (the operator must fix it); a platform that cannot be reached is tried again
 * with back-off (5 s, 10 s, 20 s… up to 5 minutes), saying so in one sentence each time,
 * while the rest of the bot runs.
 */

import { ConfigError } from './config.js';

/** Thrown by an attempt when the platform refused the credentials: retrying cannot help. */
export class PlatformRefused extends Error {
  override name = 'PlatformRefused';
}

export interface RetryOptions {
  /** "Slack", "Discord": starts every sentence. */
  readonly platform: string;
  /** Where it connects, for the sentence ("the Web API at https://slack.com/api"). */
  readonly target: string;
  readonly say: (line: string) => void;
  /** Abort to give up (shutdown); the promise then rejects with the abort reason. */
  readonly signal: AbortSignal;
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** Run `attempt` until it succeeds; rethrows PlatformRefused and ConfigError, and gives up when `signal` aborts. */
export async function connectWithRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const max = options.maxDelayMs ?? 300_000;
  let delay = options.firstDelayMs ?? 5000;
  for (;;) {
    options.signal.throwIfAborted();
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof PlatformRefused || err instanceof ConfigError || options.signal.aborted) throw err;
      options.say(`${options.platform}: cannot reach ${options.target} (${reason(err)}); trying again in ${seconds(delay)}.`);
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, max);
    }
  }
}

/** The shortest useful reason: a network code (ECONNREFUSED) anywhere in the error's chain, else its first sentence. */
function reason(err: unknown): string {
  // Clients wrap the socket error: Slack's WebClient in `original`, fetch in `cause`.
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const { code, cause, original } = e as { code?: unknown; cause?: unknown; original?: unknown };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = original ?? cause;
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.split(/(?<=\.)\s/)[0]!.slice(0, 200);
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
