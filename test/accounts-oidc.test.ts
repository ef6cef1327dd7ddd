// OpenID Connect login against a real provider: oidc-provider started here on loopback with a test
// client and test users, and a login form of its own; the browser side is a real HTTP client with a
// cookie jar following every redirect. An invited account is matched by its verified e-mail address at
// first login and by the provider's `sub` after; an unverified address, an uninvited user, a wrong
// password at the provider and a callback replayed in another browser get no session. Both stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from './helpers/server-process.js';
import { accountStores, startAccountsServer, TestBrowser, type AccountsServer } from './accounts-fixture.js';
import { CALLBACK_PATH } from '../src/server/accounts/oidc.js';

interface User { password: string; email: string; verified: boolean }

interface TestProvider { issuer: string; clientId: string; clientSecret: string; users: Map<string, User>; close(): Promise<void> }

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

/** oidc-provider on 127.0.0.1 with one confidential client for `redirectUri` and a password form. */
async function startProvider(redirectUri: string): Promise<TestProvider> {
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: any };
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const users = new Map<string, User>();
  const clientId = 'veche-test';
  const clientSecret = 'a-test-client-secret-of-enough-length-0123456789';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    findAccount: async (_ctx: unknown, id: string) => {
      const u = users.get(id);
      return u ? { accountId: id, claims: async () => ({ sub: id, email: u.email, email_verified: u.verified }) } : undefined;
    },
    // The test client is first-party: its grant is given without a consent screen.
    loadExistingGrant: async (ctx: any) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  const form = (res: ServerResponse, uid: string, error = '') => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Test provider</title><h1>Sign in to the test provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login"><label>User <input name="login" id="login"></label><label>Password <input name="password" id="password" type="password"></label><button type="submit" id="sign-in">Sign in</button></form>`);
  };
  const server: Server = createServer((req, res) => {
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(req.url ?? '');
    if (!m) { callback(req, res); return; }
    (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== m[1]) throw new Error('interaction mismatch');
      if (!m[2]) return form(res, m[1]!);
      const body = await readForm(req);
      const login = body.get('login') ?? '';
      const user = users.get(login);
      if (!user || user.password !== body.get('password')) return form(res, m[1]!, 'wrong user or password');
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    })().catch((e: unknown) => { res.writeHead(500); res.end(String(e)); });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { issuer, clientId, clientSecret, users, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** Starts a login at veche and signs in at the provider's form; returns every answer on the way. */
async function oidcLogin(server: AccountsServer, browser: TestBrowser, user: string, password: string) {
  const start = await browser.request('GET', `${server.base}/login/oidc`);
  assert.equal(start.status, 303, start.text);
  const authUrl = new URL(start.headers.get('location')!);
  const toForm = await browser.follow(start);
  assert.equal(toForm.status, 200, toForm.text);
  const action = /action="([^"]+)"/.exec(toForm.text)![1]!;
  const posted = await browser.request('POST', new URL(action, toForm.url).href, { form: { login: user, password } });
  const end = await browser.follow(posted);
  return { authUrl, end, callback: end.visited.find((u) => u.startsWith(server.base + CALLBACK_PATH)) ?? null };
}

for (const factory of accountStores()) {
  test(`accounts (${factory.name}): OpenID Connect login through a real provider`, async (t) => {
    const stores = await factory.make('accounts-oidc');
    if (!stores) { t.skip('PostgreSQL unavailable'); return; }
    // The provider needs veche's redirect URI and veche the provider's issuer: veche's port comes first.
    const port = await freePort();
    const provider = await startProvider(`http://127.0.0.1:${port}${CALLBACK_PATH}`);
    const server = await startAccountsServer(stores, { oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret }, port });
    t.after(async () => { await server.close(); await provider.close(); await stores.dispose(); });
    const { base } = server;
    provider.users.set('alice-sub', { password: 'alice-provider-password', email: 'Alice@Union.example', verified: true });
    provider.users.set('mallory-sub', { password: 'mallory-password', email: 'olga@union.example', verified: false });
    provider.users.set('stranger-sub', { password: 'stranger-password', email: 'stranger@else.example', verified: true });

    const operator = { token: server.adminToken };
    await new TestBrowser().request('POST', `${base}/api/organisations`, { ...operator, json: { id: 'org-a', name: 'Union A' } });
    for (const [email, role] of [['alice@union.example', 'admin'], ['olga@union.example', 'observer']]) {
      const r = await new TestBrowser().request('POST', `${base}/api/organisations/org-a/members`, { ...operator, json: { email, role } });
      assert.equal(r.status, 200, r.text);
    }
    const methods = await new TestBrowser().request('GET', `${base}/api/login/methods`);
    assert.deepEqual(methods.body, { oidc: true, organisations: [] });

    await t.test('an invited admin signs in (code flow with PKCE) and lands on the admin page with a session', async () => {
      const browser = new TestBrowser();
      const { authUrl, end, callback } = await oidcLogin(server, browser, 'alice-sub', 'alice-provider-password');
      assert.equal(authUrl.origin, provider.issuer);
      assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
      assert.match(authUrl.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(authUrl.searchParams.get('redirect_uri'), `${base}${CALLBACK_PATH}`);
      assert.ok(callback, `the provider sent the browser back: ${end.visited.join(' -> ')}`);
      assert.equal(end.url, `${base}/admin/`, end.visited.join(' -> '));
      const who = await browser.request('GET', `${base}/api/session`);
      assert.equal(who.status, 200, who.text);
      assert.equal(who.body.email, 'alice@union.example');
      assert.deepEqual(who.body.memberships, [{ org: 'org-a', role: 'admin' }]);
      const account = (await stores.accounts.accountByEmail('alice@union.example'))!;
      assert.equal(account.oidcSubject, `${provider.issuer} alice-sub`, 'the identity is now tied to the account');
      // The session works for admin actions of her organisation.
      const r = await browser.request('GET', `${base}/api/organisations/org-a/members`);
      assert.equal(r.status, 200);
      // A replay of the same callback (code and state) in another browser gets nothing.
      const thief = new TestBrowser();
      const replay = await thief.follow(callback!);
      assert.equal(replay.url, `${base}/login#error=oidc-refused`);
      assert.equal(thief.cookie(new URL(base).host, 'veche_session'), undefined);
      // So does a replay in the same browser (the flow is used up).
      const again = await browser.request('GET', callback!);
      assert.equal(again.headers.get('location'), '/login#error=oidc-refused');
    });

    await t.test('after the first login the account is found by sub, even when the provider changes the address', async () => {
      provider.users.get('alice-sub')!.email = 'alice.new@union.example';
      const browser = new TestBrowser();
      const { end } = await oidcLogin(server, browser, 'alice-sub', 'alice-provider-password');
      assert.equal(end.url, `${base}/admin/`);
      assert.equal((await browser.request('GET', `${base}/api/session`)).body.email, 'alice@union.example');
    });

    await t.test("a session made through an organisation's own provider acts only in that organisation", async () => {
      await new TestBrowser().request('POST', `${base}/api/organisations`, { ...operator, json: { id: 'org-b', name: 'Co-op B', oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret } } });
      assert.deepEqual((await new TestBrowser().request('GET', `${base}/api/login/methods`)).body, { oidc: true, organisations: [{ id: 'org-b', name: 'Co-op B' }] });
      const browser = new TestBrowser();
      const start = await browser.request('GET', `${base}/login/oidc?org=org-b`);
      const toForm = await browser.follow(start);
      const action = /action="([^"]+)"/.exec(toForm.text)![1]!;
      const end = await browser.follow(await browser.request('POST', new URL(action, toForm.url).href, { form: { login: 'alice-sub', password: 'alice-provider-password' } }));
      assert.equal(end.url, `${base}/admin/`);
      const who = await browser.request('GET', `${base}/api/session`);
      assert.equal(who.body.via, 'org-b');
      assert.deepEqual(who.body.memberships, [], "alice's role in org-a is not honoured through org-b's provider");
      assert.equal((await browser.request('GET', `${base}/api/organisations/org-a/members`)).status, 403);
    });

    await t.test('an unverified address, an uninvited user and a wrong password at the provider get no session', async () => {
      for (const [user, password, ends] of [
        ['mallory-sub', 'mallory-password', `${base}/login#error=no-account`],
        ['stranger-sub', 'stranger-password', `${base}/login#error=no-account`],
      ] as const) {
        const browser = new TestBrowser();
        const { end } = await oidcLogin(server, browser, user, password);
        assert.equal(end.url, ends, `${user}: ${end.visited.join(' -> ')}`);
        assert.equal((await browser.request('GET', `${base}/api/session`)).status, 401);
      }
      assert.equal((await stores.accounts.accountByEmail('olga@union.example'))!.oidcSubject, null, "mallory's unverified claim did not take olga's account");
      const browser = new TestBrowser();
      const { end, callback } = await oidcLogin(server, browser, 'alice-sub', 'not her password');
      assert.equal(callback, null);
      assert.match(end.text, /wrong user or password/);
      assert.equal((await browser.request('GET', `${base}/api/session`)).status, 401);
    });
  });
}
