// Opens the server's mail store where the board's is (the SQLite file DATA_DIR/veche.sqlite, or the
// PostgreSQL database of VECHE_DATABASE_URL), and its mail settings from VECHE_SMTP_URL, VECHE_MAIL_FROM.
import { join } from 'node:path';
import { SQLITE_FILE } from '../../board/open-store.js';
import { smtpTransport } from '../../credentials/mail.js';
import type { ServerMailStore } from './store.js';
import { SqliteServerMailStore } from './sqlite-store.js';
import type { ServerMailSettings } from './outbox.js';

export async function openServerMailStore(url: string | undefined, dataDir: string): Promise<ServerMailStore> {
  if (url === undefined || url === '') return new SqliteServerMailStore(join(dataDir, SQLITE_FILE));
  const { PostgresServerMailStore } = await import('./postgres-store.js');
  return PostgresServerMailStore.connect(url);
}

export function serverMailSettings(store: ServerMailStore, env: NodeJS.ProcessEnv, publicUrl: string | undefined): ServerMailSettings {
  const smtp = env.VECHE_SMTP_URL;
  return {
    store,
    ...(publicUrl ? { publicUrl } : {}),
    transport: smtp ? smtpTransport(smtp) : null,
    ...(env.VECHE_MAIL_FROM ? { from: env.VECHE_MAIL_FROM } : {}),
    ...(env.VECHE_MAIL_RATE ? { rate: env.VECHE_MAIL_RATE } : {}),
  };
}
