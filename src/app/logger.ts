/**
 * Structured logs (pino) on stderr, so stdout stays for answers (console adapter, CLI).
 * Secrets never reach a log line: tokens and keys are redacted by path.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

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
