// Opens the accounts' store where the board's store is: the SQLite file DATA_DIR/veche.sqlite, or the
// PostgreSQL database of VECHE_DATABASE_URL (each with its own tables).
import { join } from 'node:path';
import { SQLITE_FILE } from '../../board/open-store.js';
import type { AccountStore } from './store.js';
import { SqliteAccountStore } from './sqlite-store.js';

export async function openAccountStore(url: string | undefined, dataDir: string): Promise<AccountStore> {
  if (url === undefined || url === '') return new SqliteAccountStore(join(dataDir, SQLITE_FILE));
  const { PostgresAccountStore } = await import('./postgres-store.js');
  return PostgresAccountStore.connect(url);
}
