// Opens voter sign-in where the board's store is (the SQLite file DATA_DIR/veche.sqlite, or the
// PostgreSQL database of VECHE_DATABASE_URL), with the mail server of VECHE_SMTP_URL (VECHE_MAIL_FROM).
import { join } from 'node:path';
import { SQLITE_FILE } from '../../board/open-store.js';
import { smtpTransport } from '../../credentials/mail.js';
import type { VoterAuthStore } from './store.js';
import { SqliteVoterAuthStore } from './sqlite-store.js';
import type { VoterAuthSettings } from './voter-auth.js';
import type { OidcSettings } from '../accounts/store.js';

export async function openVoterAuthStore(url: string | undefined, dataDir: string): Promise<VoterAuthStore> {
  if (url === undefined || url === '') return new SqliteVoterAuthStore(join(dataDir, SQLITE_FILE));
  const { PostgresVoterAuthStore } = await import('./postgres-store.js');
  return PostgresVoterAuthStore.connect(url);
}

/** `oidc`: the server-wide OpenID Connect client (VECHE_OIDC_*), for elections that name its issuer. */
export function voterAuthSettings(store: VoterAuthStore, env: NodeJS.ProcessEnv, publicUrl: string | undefined, oidc: OidcSettings | null = null): VoterAuthSettings {
  const smtp = env.VECHE_SMTP_URL;
  return {
    store,
    ...(publicUrl ? { publicUrl } : {}),
    mailer: smtp ? smtpTransport(smtp) : null,
    ...(env.VECHE_MAIL_FROM ? { from: env.VECHE_MAIL_FROM } : {}),
    oidcClients: oidc ? [oidc] : [],
  };
}
