/**
 * Opening one SQLite file from several processes at once (replicas starting together, a
 * CLI command beside the bot): waiting out each other's locks instead of failing with
 * "database is locked".
 */
import type Database from 'better-sqlite3';

/** How long a connection waits for another's lock before "database is locked". */
export const BUSY_TIMEOUT_MS = 5000;

/** A word to sleep on: Atomics.wait is the only synchronous sleep Node has. */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/**
 * Put the file in WAL mode, waiting out other processes doing the same. Two connections
 * that both read a new file and then both want it exclusively would wait for each other
 * for ever, so SQLite gives one of them SQLITE_BUSY at once, busy timeout or not (seen in
 * CI with six processes opening one new file on a loaded 2-core machine). Once the other
 * has switched the file, asking again finds it in WAL mode.
 */
export function switchToWal(db: Database.Database, timeoutMs = BUSY_TIMEOUT_MS): void {
  const giveUpAt = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      const busy = String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= giveUpAt) throw err;
      // Opening a store is synchronous, as the busy timeout's own wait is: sleep this thread.
      Atomics.wait(SLEEPER, 0, 0, Math.min(100, 5 * attempt));
    }
  }
}
