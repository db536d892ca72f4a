/** A Logger (src/app/logger.ts) that keeps what it is told, for tests that assert on logs. */
import type { Logger } from '../../src/app/logger.js';

export interface LogEntry {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly details: Record<string, unknown>;
  readonly message: string;
}

export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  /** The error lines only, as most tests want them. */
  get errors(): LogEntry[] {
    return this.entries.filter((e) => e.level === 'error');
  }

  error(details: object, message: string): void {
    this.entries.push({ level: 'error', details: details as Record<string, unknown>, message });
  }
  warn(details: object, message: string): void {
    this.entries.push({ level: 'warn', details: details as Record<string, unknown>, message });
  }
  info(details: object, message: string): void {
    this.entries.push({ level: 'info', details: details as Record<string, unknown>, message });
  }
  debug(details: object, message: string): void {
    this.entries.push({ level: 'debug', details: details as Record<string, unknown>, message });
  }
  child(): Logger {
    return this;
  }
}
