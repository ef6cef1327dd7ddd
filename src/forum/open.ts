// Opens the forum's store where the board's is: the SQLite file DATA_DIR/veche.sqlite, or the
// PostgreSQL database of VECHE_DATABASE_URL (for `veche serve`: ServerSettings.forumStore).
import { join } from 'node:path';
import { SQLITE_FILE } from '../board/open-store.js';
import { SqliteForumStore, type ForumStore } from './store.js';

export async function openForumStore(url: string | undefined, dataDir: string): Promise<ForumStore> {
  if (url === undefined || url === '') return new SqliteForumStore(join(dataDir, SQLITE_FILE));
  const { PostgresForumStore } = await import('./postgres-store.js');
  return PostgresForumStore.connect(url);
}
