/**
 * Structured logs (pino) on stderr, so stdout stays for answers (console adapter, CLI).
 * Secrets never reach a log line: tokens and keys are redacted by path.
 */
import pino from 'pino';

/**
 * The one logging interface of the project: what every part that logs takes (dispatcher,
 * adapters, the bot). pino's logger satisfies it; tests pass a recording one.
 */
export interface Logger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { app: 'rblbot' },
      redact: { paths: ['*.token', '*.key', '*.secret', 'config.*'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything (benchmarks, tests that do not read logs). */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};
