// Shared by test/server-authority*.test.ts: a manifest whose server is its credential authority, and
// the trustees' key ceremony over HTTP for it. Only exports: `node --test dist/test/` also loads this
// file, and then it defines no test.
import type { Manifest } from '../src/manifest/types.js';
import { commitTrusteeKey, finishKeyCeremony, makeShares, revealTrusteeKey, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import type { PayloadByType } from '../src/record/events.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';
import { ok, recordEvents } from './helpers/server.js';
import { freePort } from './helpers/server-process.js';
import { tempDir, WEB_DIR } from './helpers/browser.js';
import { runServer, type RunningServer } from '../src/server/run.js';
import { startSmtp, type TestSmtp } from './credentials-fixture.js';

/** A real SMTP server, and the server as `npm start` runs it mailing through it (100 mails a second) on a
 *  free loopback port, with a fresh data directory; `web`: serving the built pages too. */
export async function startMailingServer(dataPrefix: string, opts: { web?: boolean } = {}): Promise<{ smtp: TestSmtp; server: RunningServer }> {
  const smtp = await startSmtp();
  const port = await freePort();
  process.env.VECHE_SMTP_URL = smtp.url;
  process.env.VECHE_MAIL_RATE = '100/s';
  const server = await runServer({ port, host: '127.0.0.1', dataDir: tempDir(dataPrefix), rateLimit: 0, demo: false, ...(opts.web ? { webDir: WEB_DIR } : {}), publicUrl: `http://127.0.0.1:${port}`, scheduleIntervalMs: 200 }, () => {});
  return { smtp, server };
}

/** A manifest whose server is its credential authority: the admin leaves the key out. */
const drafts = new Map<string, Manifest>();
export function serverManifest(id: string): Manifest {
  const m = tinyManifest(id);
  drafts.set(id, m);
  return { ...m, title: `Council ${id}`, credentialAuthority: { name: 'The voting server', operatedBy: 'server' } as Manifest['credentialAuthority'] };
}

/** The trustees' steps over HTTP, as their machines would (helpers/server.ts keyCeremony also looks up
 *  a test secret of the credential authority, which here only the server holds). */
export async function keyCeremony(base: string, id: string, tokens: Record<string, string>): Promise<TrusteeSecret[]> {
  const [genesis] = await recordEvents(base, id, 'election');
  const { manifest } = genesis!.payload as PayloadByType['election'];
  const path = (t: string, step: string) => `/api/elections/${id}/trustees/${t}/${step}`;
  const committed = rolesOf(drafts.get(id)!).trustees.map((t) => commitTrusteeKey(t, genesis!.hash, manifest));
  for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'commitment'), { token: tokens[c.secret.trustee]!, json: c.commitment });
  for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'key'), { token: tokens[c.secret.trustee]!, json: revealTrusteeKey(c.secret) });
  const keys = (await recordEvents(base, id, 'trustee-key')).map((e) => e.payload as PayloadByType['trustee-key']);
  for (const c of committed) await ok(base, 'POST', path(c.secret.trustee, 'shares'), { token: tokens[c.secret.trustee]!, json: makeShares(c.secret, keys) });
  const shares = (await recordEvents(base, id, 'trustee-shares')).map((e) => e.payload as PayloadByType['trustee-shares']);
  const finished: TrusteeSecret[] = [];
  for (const c of committed) {
    const done = finishKeyCeremony(c.secret, keys, shares);
    if (done.kind !== 'ready') throw new Error(`trustee ${c.secret.trustee} complains`);
    await ok(base, 'POST', path(c.secret.trustee, 'ready'), { token: tokens[c.secret.trustee]!, json: done.ready });
    finished.push(done.secret);
  }
  return finished;
}

