/**
 * The two storage engines, for suites that must hold on both (the store contract, the
 * alert behaviour): SQLite in a temp file, PostgreSQL in a fresh database on a server
 * this file starts (test/support/postgres.ts). Importing this module starts the server
 * for the importing test file and stops it after; without PostgreSQL the postgres half
 * of each suite is skipped with the reason.
 */
import { afterAll, describe } from 'vitest';
import type { DatabaseSetting } from '../../src/core/watch/open-store.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { tempDbFile } from './watch-harness.js';

export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty database of this engine. */
  newDatabase(): Promise<DatabaseSetting>;
}

const started = await startPostgres();
export const postgres: TestPostgres | null = typeof started === 'string' ? null : started;
export const postgresMissing: string | null = typeof started === 'string' ? started : null;
if (postgres) afterAll(() => postgres.stop());
else console.warn(`PostgreSQL tests skipped: ${postgresMissing}`);

export const sqlite: Engine = {
  name: 'sqlite',
  newDatabase: async () => ({ engine: 'sqlite', file: tempDbFile() }),
};

export const postgresEngine: Engine = {
  name: 'postgres',
  newDatabase: async () => {
    if (!postgres) throw new Error(`no PostgreSQL: ${postgresMissing}`);
    return { engine: 'postgres', url: await postgres.createDatabase() };
  },
};

/** `describe` once per engine; the PostgreSQL one is skipped (with the reason logged) when no server could start. */
export function describeEngines(title: string, body: (engine: Engine) => void): void {
  describe(`${title} (sqlite)`, () => body(sqlite));
  describe.skipIf(!postgres)(`${title} (postgres)`, () => body(postgresEngine));
}

/** A describe that needs PostgreSQL only. */
export const describePostgres = describe.skipIf(!postgres);
