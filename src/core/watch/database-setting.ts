/**
 * Which database RBLBOT_DB names: nothing or a file path (optionally `sqlite:FILE`) is
 * SQLite, one process, no set-up; a `postgres://` or `postgresql://` URL is PostgreSQL,
 * for several replicas sharing the work. Reading the setting loads no database driver
 * (configuration is validated by every CLI command); open-store.ts opens it.
 */
import { UserError } from '../../reply/errors.js';

export const DEFAULT_DB_PATH = './data/rblbot.db';

export type DatabaseSetting = { readonly engine: 'sqlite'; readonly file: string } | { readonly engine: 'postgres'; readonly url: string };

export class DatabaseSettingError extends UserError {}

/** Read a database setting (RBLBOT_DB, `rblbot migrate --from/--to`); throws DatabaseSettingError with a sentence. */
export function parseDatabaseSetting(value: string | undefined): DatabaseSetting {
  const text = value?.trim() ?? '';
  if (text === '') return { engine: 'sqlite', file: DEFAULT_DB_PATH };
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (!url.hostname && !url.searchParams.get('host')) throw new Error('no host');
    } catch {
      throw new DatabaseSettingError(
        `"${hidePassword(text)}" is not a valid PostgreSQL URL; write it like postgres://user:password@host:5432/rblbot.`,
      );
    }
    return { engine: 'postgres', url: text };
  }
  if (/^sqlite:/i.test(text)) {
    const file = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new DatabaseSettingError('"sqlite:" needs a file after it, like sqlite:./data/rblbot.db.');
    return { engine: 'sqlite', file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new DatabaseSettingError(
      `"${hidePassword(text)}" is neither a file path nor a postgres:// URL; rblbot stores watches in SQLite or PostgreSQL.`,
    );
  }
  return { engine: 'sqlite', file: text };
}

function hidePassword(text: string): string {
  return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
