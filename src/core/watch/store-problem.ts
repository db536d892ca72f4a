/**
 * A storage failure in one sentence for the operator and for /watch answers: the disk is
 * full, the file is corrupt or not a database, it is read-only, it cannot be opened, or the
 * database server is unreachable. Anything else is not a storage problem (undefined), and
 * stays a bug to log.
 *
 * Codes: better-sqlite3's SqliteError.code (SQLite's result-code names, extended codes
 * included, e.g. SQLITE_IOERR_WRITE); PostgreSQL's SQLSTATE and socket codes for the
 * shared-database mode.
 */

import { slash } from '../../reply/command-names.js';

/** SQLite and PostgreSQL codes → what is wrong, as a sentence fragment. */
const PROBLEMS: readonly [RegExp, string][] = [
  [/^SQLITE_FULL$|^53100$/, 'the disk is full'],
  [/^SQLITE_IOERR/, 'the disk reported an I/O error (a full or failing disk)'],
  [/^SQLITE_CORRUPT/, 'the database file is corrupt'],
  [/^SQLITE_NOTADB$/, 'the file is not an SQLite database (corrupt, or a different file)'],
  [/^SQLITE_READONLY/, 'the database file is read-only'],
  [/^SQLITE_CANTOPEN/, 'the database file cannot be opened'],
  [/^SQLITE_PERM$|^SQLITE_AUTH$/, 'access to the database file is denied'],
  [/^SQLITE_BUSY/, 'another process holds the database locked'],
  [/^ECONNREFUSED$|^ENOTFOUND$|^ETIMEDOUT$|^57P0[1-3]$|^08\d{3}$/, 'the database server cannot be reached'],
  [/^53[0-9]{3}$/, 'the database server is out of resources'],
];

/** What is wrong with the store, or undefined when `err` is not a storage failure. */
export function storeProblem(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') {
    for (const [pattern, problem] of PROBLEMS) if (pattern.test(code)) return `${problem} (${code})`;
  }
  const message = err instanceof Error ? err.message : '';
  // better-sqlite3 throws a plain TypeError when the file's folder is missing.
  if (/Cannot open database because the directory does not exist/.test(message)) return 'the folder of the database file does not exist';
  return undefined;
}

/** One sentence for the operator: which database, what is wrong, what still works. */
export function storeProblemSentence(location: string, problem: string): string {
  return `The watch database ${location} is not usable: ${problem}. ${slash('watch')} is unavailable until it is fixed; every other command still works.`;
}
