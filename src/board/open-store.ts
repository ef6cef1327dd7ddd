// Opens the board's store from a database URL: none -> the embedded SQLite file DATA_DIR/veche.sqlite;
// postgres:// or postgresql:// -> PostgreSQL (src/board/postgres-store.ts, loaded only then, so the
// SQLite default needs no PostgreSQL driver).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from './sqlite-store.js';
import type { BoardStore } from './store.js';

export const SQLITE_FILE = 'veche.sqlite';

/** Hides the password of a database URL (for messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export async function openStore(url: string | undefined, dataDir: string): Promise<BoardStore> {
  if (url === undefined || url === '') {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteStore(join(dataDir, SQLITE_FILE));
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // A variable specifier: the module is optional at compile time and loaded only for PostgreSQL.
    const modulePath = './postgres-store.js';
    let mod: { PostgresStore?: { connect(url: string): Promise<BoardStore> } };
    try {
      mod = (await import(modulePath)) as typeof mod;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND') throw new Error('PostgreSQL store not available in this build (src/board/postgres-store.ts is missing); leave VECHE_DATABASE_URL unset to use SQLite');
      throw e;
    }
    if (typeof mod.PostgresStore?.connect !== 'function') throw new Error('src/board/postgres-store.ts does not export PostgresStore.connect(url)');
    try {
      return await mod.PostgresStore.connect(url);
    } catch (e) {
      throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`);
    }
  }
  throw new Error(`unsupported database URL ${redactUrl(url)}: expected postgres://... or postgresql://... (or none for SQLite in the data directory)`);
}
