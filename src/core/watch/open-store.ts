/**
 * Opens the store a database setting (database-setting.ts) names, loading only that
 * engine's driver: better-sqlite3 for SQLite, node-postgres for PostgreSQL.
 */
import type { DatabaseSetting } from './database-setting.js';
import type { WatchStore } from './store.js';

export { DEFAULT_DB_PATH, DatabaseSettingError, parseDatabaseSetting, type DatabaseSetting } from './database-setting.js';

export interface OpenStoreOptions {
  readonly onError?: (err: Error) => void;
  readonly poolSize?: number;
}

/** Open (and migrate) the store a setting names. */
export async function openWatchStore(setting: DatabaseSetting, options: OpenStoreOptions = {}): Promise<WatchStore> {
  if (setting.engine === 'sqlite') {
    const { SqliteWatchStore } = await import('./sqlite-store.js');
    return new SqliteWatchStore(setting.file);
  }
  const { PgWatchStore } = await import('./pg-store.js');
  return PgWatchStore.open(setting.url, options);
}
