// OpenID Connect login against a real provider: oidc-provider started here on loopback with a test
// client and test users, and a login form of its own; the browser side is a real HTTP client with a
// cookie jar following every redirect. An invited account is matched by its verified e-mail address at
// first login and by the provider's `sub` after; an unverified address, an uninvited user, a wrong
// password at the provider and a callback replayed in another browser get no session. Both stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from './helpers/server-process.js';
import { accountStores, startAccountsServer, startProvider, TestBrowser, type AccountsServer } from './accounts-fixture.js';
import { CALLBACK_PATH } from '../src/server/accounts/oidc.js';

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

    await t.test('a code redeemed with the wrong client secret gives no session', async () => {
      await new TestBrowser().request('POST', `${base}/api/organisations`, { ...operator, json: { id: 'org-c', name: 'Misconfigured C', oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: 'not-the-client-secret' } } });
      const browser = new TestBrowser();
      const toForm = await browser.follow(await browser.request('GET', `${base}/login/oidc?org=org-c`));
      const action = /action="([^"]+)"/.exec(toForm.text)![1]!;
      const end = await browser.follow(await browser.request('POST', new URL(action, toForm.url).href, { form: { login: 'alice-sub', password: 'alice-provider-password' } }));
      assert.equal(end.url, `${base}/login#error=oidc-refused`, end.visited.join(' -> '));
      assert.equal((await browser.request('GET', `${base}/api/session`)).status, 401);
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
