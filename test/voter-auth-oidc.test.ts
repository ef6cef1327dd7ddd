// Voter sign-in with OpenID Connect (spec §6.3) through a real provider (oidc-provider on loopback, its
// own login form) and a real HTTP client with a cookie jar: a registered voter with a verified address
// signs in and votes; an unverified address, a verified one in no register and a replayed callback get
// no voter session; an election whose issuer has no client on this server says so. SQLite and PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import { buildApp } from '../src/server/app.js';
import { SqliteVoterAuthStore } from '../src/server/voter-auth/sqlite-store.js';
import { PostgresVoterAuthStore } from '../src/server/voter-auth/postgres-store.js';
import type { VoterAuthStore } from '../src/server/voter-auth/store.js';
import { VOTER_CALLBACK_PATH } from '../src/server/voter-auth/oidc.js';
import { ensureAdminToken } from '../src/server/auth.js';
import { ballotFor, openElection, tinyManifest } from './helpers/election-fixture.js';
import { freshDatabase } from './helpers/postgres.js';
import { freePort } from './helpers/server-process.js';
import { startProvider, TestBrowser } from './accounts-fixture.js';

interface Stores { board: BoardStore; voters: VoterAuthStore; dispose(): Promise<void> }
const factories: { name: string; make(label: string): Promise<Stores | null> }[] = [
  {
    name: 'sqlite',
    async make(label) {
      const dir = mkdtempSync(join(tmpdir(), `veche-${label}-`));
      const board = new SqliteStore(join(dir, 'veche.sqlite'));
      const voters = new SqliteVoterAuthStore(join(dir, 'veche.sqlite'));
      return { board, voters, async dispose() { await voters.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    async make(label) {
      const db = await freshDatabase(label);
      if (!db) return null;
      const board = await PostgresStore.connect(db.url);
      const voters = await PostgresVoterAuthStore.connect(db.url);
      return { board, voters, async dispose() { await voters.close(); await board.close(); await db.drop(); } };
    },
  },
];

for (const f of factories) {
  test(`voter sign-in with OpenID Connect through a real provider (${f.name})`, async (t) => {
    const stores = await f.make(`va-oidc-${f.name}`);
    if (!stores) { t.skip('PostgreSQL unavailable'); return; }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const provider = await startProvider(base + VOTER_CALLBACK_PATH);
    const id = `va-oidc-${f.name}`;
    const el = await openElection(stores.board, { voters: 2, manifest: { ...tinyManifest(id), voterAuthentication: { method: 'oidc', issuer: provider.issuer } } });
    await openElection(stores.board, { voters: 1, manifest: { ...tinyManifest(`${id}-other`), voterAuthentication: { method: 'oidc', issuer: 'https://id.elsewhere.example' } } });
    const dataDir = mkdtempSync(join(tmpdir(), 'veche-va-oidc-'));
    const admin = await ensureAdminToken(stores.board, dataDir);
    const { app, voterAuth } = await buildApp(stores.board, {
      rateLimit: 0, webDir: null, scheduleIntervalMs: 0,
      voterAuth: { store: stores.voters, publicUrl: base, oidcClients: [{ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret }] },
    });
    await app.listen({ port, host: '127.0.0.1' });
    t.after(async () => { await app.close(); await provider.close(); await stores.dispose(); rmSync(dataDir, { recursive: true, force: true }); });
    assert.ok(voterAuth);
    provider.users.set('alice-sub', { password: 'alice-pw', email: 'Voter0@Example.org', verified: true });
    provider.users.set('mallory-sub', { password: 'mallory-pw', email: 'voter1@example.org', verified: false });
    provider.users.set('stranger-sub', { password: 'stranger-pw', email: 'stranger@example.org', verified: true });
    const reg = await new TestBrowser().request('PUT', `${base}/api/elections/${id}/voter-register`, { token: admin.token!, json: { csv: 'voter-0,voter0@example.org\nvoter-1,voter1@example.org\n' } });
    assert.equal(reg.status, 200, reg.text);

    /** Starts the booth's sign-in and signs in at the provider's form; returns where the browser ends. */
    const signIn = async (browser: TestBrowser, user: string, password: string) => {
      const start = await browser.request('GET', `${base}/api/elections/${id}/voter-auth/oidc`);
      assert.equal(start.status, 303, start.text);
      const authUrl = new URL(start.headers.get('location')!);
      assert.equal(authUrl.origin, provider.issuer);
      assert.equal(authUrl.searchParams.get('redirect_uri'), base + VOTER_CALLBACK_PATH);
      assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
      const toForm = await browser.follow(start);
      const action = /action="([^"]+)"/.exec(toForm.text)![1]!;
      const end = await browser.follow(await browser.request('POST', new URL(action, toForm.url).href, { form: { login: user, password } }));
      return { end, callback: end.visited.find((u) => u.startsWith(base + VOTER_CALLBACK_PATH)) ?? null };
    };
    const headSeq = async () => (await new TestBrowser().request('GET', `${base}/api/elections/${id}`)).body.headSeq as number;

    await t.test('a registered voter with a verified address signs in, lands on the booth and votes', async () => {
      const browser = new TestBrowser();
      const { end, callback } = await signIn(browser, 'alice-sub', 'alice-pw');
      assert.ok(callback);
      assert.equal(end.url, `${base}/vote/${id}`, end.visited.join(' -> '));
      const c = browser.cookie(new URL(base).host, 'veche_voter')!;
      assert.ok(c, 'a voter session');
      assert.equal(c.path, `/api/elections/${id}`);
      assert.match(c.attributes, /HttpOnly/);
      assert.match(c.attributes, /SameSite=Strict/);
      assert.equal(browser.cookie(new URL(base).host, 'veche_session'), undefined, 'no account session');
      assert.equal((await browser.request('GET', `${base}/api/elections/${id}/voter-auth/session`)).body.voter, 'voter-0');
      const h = await headSeq();
      const r = await browser.request('POST', `${base}/api/elections/${id}/ballots`, { json: ballotFor(el, el.voters[0]!, 0).ballot });
      assert.equal(r.status, 200, r.text);
      assert.equal(await headSeq(), h + 1);
      // The same callback replayed in another browser gets no session.
      const thief = new TestBrowser();
      const replay = await thief.follow(callback!);
      assert.equal(replay.visited[1], `${base}/#voter-error=oidc-refused`);
      assert.equal(thief.cookie(new URL(base).host, 'veche_voter'), undefined);
      // A cross-site page cannot cast with the voter's cookie (were it sent): another Origin is refused.
      const csrf = await browser.request('POST', `${base}/api/elections/${id}/ballots`, { json: ballotFor(el, el.voters[0]!, 1).ballot, origin: 'https://evil.example' });
      assert.equal(csrf.status, 403);
      assert.equal(csrf.body.error, 'bad-origin');
      assert.equal(await headSeq(), h + 1);
    });

    await t.test("an unverified address (another voter's) and a verified one in no register get no voter session", async () => {
      for (const [user, password] of [['mallory-sub', 'mallory-pw'], ['stranger-sub', 'stranger-pw']] as const) {
        const browser = new TestBrowser();
        const { end } = await signIn(browser, user, password);
        assert.equal(end.visited.at(-1), `${base}/vote/${id}#voter-error=not-registered`, user);
        assert.equal(browser.cookie(new URL(base).host, 'veche_voter'), undefined, user);
        const h = await headSeq();
        const r = await browser.request('POST', `${base}/api/elections/${id}/ballots`, { json: ballotFor(el, el.voters[1]!, 0).ballot });
        assert.equal(r.status, 401);
        assert.equal(r.body.error, 'voter-sign-in-required');
        assert.equal(await headSeq(), h);
      }
    });

    await t.test('an election whose issuer has no client on this server says so', async () => {
      const r = await new TestBrowser().request('GET', `${base}/api/elections/${id}-other/voter-auth/oidc`);
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'oidc-not-configured');
    });
  });
}
