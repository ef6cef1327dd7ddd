// Accounts and roles on both stores: the operator's token sets up organisations and their first admins;
// password login (right, wrong, rate-limited), session cookie flags, logout; an admin of organisation A
// refused on B's election, an observer refused admin actions, cross-site requests refused, password
// links that could take over another organisation's account refused; each refusal changes nothing;
// every action is in the organisation's append-only audit log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signCredentialList } from '../src/credentials/authority.js';
import { issueCredentials } from '../src/credentials/credentials.js';
import { smallManifest } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';
import { call, keyCeremony, ok, recordText } from './helpers/server.js';
import { sessionHash } from '../src/server/accounts/sessions.js';
import { accountStores, startAccountsServer, TestBrowser, type AccountsServer } from './accounts-fixture.js';

const PASSWORD = 'correct horse battery staple';

/** Invites `email` into `org` with a password link, and sets the password through the link. */
async function member(server: AccountsServer, org: string, email: string, role: string, by: { token?: string; browser?: TestBrowser } = {}): Promise<string> {
  const url = `${server.base}/api/organisations/${org}/members`;
  const json = { email, role, passwordLink: true };
  const r = by.browser ? await by.browser.request('POST', url, { json }) : await new TestBrowser().request('POST', url, { json, token: by.token ?? server.adminToken });
  assert.equal(r.status, 200, r.text);
  const link = new URL(r.body.passwordLink as string);
  assert.equal(link.origin, server.base, 'the link is built from the public URL');
  const secret = /^#set=([A-Za-z0-9_-]{43})$/.exec(link.hash)![1]!;
  const set = await new TestBrowser().request('POST', `${server.base}/api/password`, { json: { link: secret, password: PASSWORD } });
  assert.equal(set.status, 200, set.text);
  // Each link works once.
  assert.equal((await new TestBrowser().request('POST', `${server.base}/api/password`, { json: { link: secret, password: PASSWORD } })).status, 404);
  return r.body.account as string;
}

async function login(server: AccountsServer, email: string, password = PASSWORD): Promise<{ browser: TestBrowser; status: number; body: any }> {
  const browser = new TestBrowser();
  const r = await browser.request('POST', `${server.base}/api/login/password`, { json: { email, password } });
  return { browser, status: r.status, body: r.body };
}

for (const factory of accountStores()) {
  test(`accounts (${factory.name}): organisations, roles, password login, sessions, audit`, async (t) => {
    const stores = await factory.make('accounts-roles');
    if (!stores) { t.skip('PostgreSQL unavailable'); return; }
    const server = await startAccountsServer(stores, { limits: { perAccount: 3, perAddress: 50, windowMs: 60_000 } });
    t.after(async () => { await server.close(); await stores.dispose(); });
    const { base } = server;
    const operator = { token: server.adminToken };

    // The operator sets up two organisations; an account cannot.
    for (const [id, name] of [['org-a', 'Union A'], ['org-b', 'Co-op B']]) await ok(base, 'POST', '/api/organisations', { ...operator, json: { id, name } });
    assert.equal((await call(base, 'POST', '/api/organisations', { ...operator, json: { id: 'org-a', name: 'again' } })).status, 409);

    const adminA = await member(server, 'org-a', 'Alice@Union.example', 'admin');
    await member(server, 'org-b', 'bob@coop.example', 'admin');
    await member(server, 'org-b', 'dora@coop.example', 'observer');
    const a = await login(server, 'alice@union.example');
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body.memberships, [{ org: 'org-a', role: 'admin' }]);
    assert.equal(a.body.account, adminA);
    await member(server, 'org-a', 'olga@union.example', 'observer', { browser: a.browser });
    await member(server, 'org-a', 'carl@union.example', 'authority', { browser: a.browser });

    await t.test('the session cookie: random, HttpOnly, SameSite=Strict, not Secure over http, stored hashed', async () => {
      const c = a.browser.cookie(new URL(base).host, 'veche_session')!;
      assert.match(c.value, /^[A-Za-z0-9_-]{43}$/);
      assert.match(c.attributes, /(^|; )HttpOnly(;|$)/);
      assert.match(c.attributes, /(^|; )SameSite=Strict(;|$)/);
      assert.match(c.attributes, /(^|; )Path=\/(;|$)/);
      assert.doesNotMatch(c.attributes, /Secure/, 'http://127.0.0.1 is not https');
      assert.equal(await stores.accounts.session(c.value), null, 'the store does not hold the id itself');
    });

    await t.test('password login: wrong refused, then rate-limited even with the right password', async () => {
      for (let i = 0; i < 3; i++) {
        const r = await login(server, 'dora@coop.example', 'wrong password, sorry');
        assert.equal(r.status, 401);
        assert.equal(r.browser.cookies.length, 0, 'no session for a wrong password');
      }
      const limited = await login(server, 'dora@coop.example');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error, 'too-many-attempts');
      assert.equal((await login(server, 'nobody@nowhere.example')).status, 401, 'an unknown address looks like a wrong password');
      // A cross-site login form is refused (login CSRF).
      const forged = new TestBrowser();
      assert.equal((await forged.request('POST', `${base}/api/login/password`, { json: { email: 'alice@union.example', password: PASSWORD }, origin: 'https://evil.example' })).status, 403);
      assert.equal((await call(base, 'POST', '/api/password', { json: { link: 'A'.repeat(43), password: 'short' } })).body.error, 'weak-password');
    });

    // Admin A makes an election of organisation A.
    const manifest = smallManifest('acc-a');
    const created = await a.browser.request('POST', `${base}/api/organisations/org-a/elections`, { json: manifest });
    assert.equal(created.status, 200, created.text);
    await keyCeremony(base, 'acc-a', created.body.trusteeTokens);
    const issued = issueCredentials(created.body.electionHash, [{ id: 'v0' }, { id: 'v1' }]);
    const list = signCredentialList(created.body.electionHash, issued.public, rolesOf(manifest).authority.signing);

    await t.test('the credential authority account posts the signed list; the admin account cannot', async () => {
      assert.equal((await a.browser.request('POST', `${base}/api/elections/acc-a/credentials`, { json: list })).status, 403);
      const carl = await login(server, 'carl@union.example');
      const r = await carl.browser.request('POST', `${base}/api/elections/acc-a/credentials`, { json: list });
      assert.equal(r.status, 200, r.text);
      assert.equal((await carl.browser.request('POST', `${base}/api/elections/acc-a/open`)).status, 403, 'the authority is not an admin');
    });

    await t.test('admin B, an observer, cross-site requests and anonymous callers are refused; nothing changes', async () => {
      const before = await recordText(base, 'acc-a');
      const b = await login(server, 'bob@coop.example');
      assert.equal(b.status, 200, 'one locked-out account does not lock out another');
      const olga = await login(server, 'olga@union.example');
      assert.equal(olga.status, 200);
      const attempts: [string, TestBrowser, string, string, unknown, string?, number?][] = [];
      for (const path of ['open', 'close', 'tally', 'result', 'authority/token', 'trustees/t1/token']) {
        attempts.push(['observer', olga.browser, 'POST', `/api/elections/acc-a/${path}`, undefined]);
        attempts.push(['admin B', b.browser, 'POST', `/api/elections/acc-a/${path}`, undefined]);
        attempts.push(['cross-site', a.browser, 'POST', `/api/elections/acc-a/${path}`, undefined, 'https://evil.example']);
        attempts.push(['no Origin', a.browser, 'POST', `/api/elections/acc-a/${path}`, undefined, null as unknown as string]);
      }
      attempts.push(['observer', olga.browser, 'POST', '/api/organisations/org-a/members', { email: 'x@union.example', role: 'admin' }]);
      attempts.push(['observer', olga.browser, 'GET', '/api/organisations/org-a/audit', undefined]);
      attempts.push(['admin A', a.browser, 'POST', '/api/organisations/org-b/members', { email: 'alice@union.example', role: 'admin' }]);
      attempts.push(['admin A', a.browser, 'GET', '/api/organisations/org-b/audit', undefined]);
      attempts.push(['admin A', a.browser, 'POST', '/api/organisations/org-b/elections', smallManifest('acc-evil')]);
      attempts.push(['admin A', a.browser, 'POST', '/api/elections', smallManifest('acc-evil')]);
      attempts.push(['admin A', a.browser, 'POST', '/api/organisations', { id: 'org-c', name: 'mine' }]);
      // A password link for bob (of organisation B) would let admin A sign in as bob.
      attempts.push(['admin A', a.browser, 'POST', '/api/organisations/org-a/members', { email: 'bob@coop.example', role: 'observer', passwordLink: true }]);
      attempts.push(['anonymous', new TestBrowser(), 'POST', '/api/elections/acc-a/open', undefined]);
      const bobId = (await stores.accounts.accountByEmail('bob@coop.example'))!.id;
      attempts.push(['admin A', a.browser, 'DELETE', `/api/organisations/org-b/members/${bobId}`, undefined]);
      attempts.push(['observer', olga.browser, 'GET', '/api/organisations/org-a/members', undefined]);
      attempts.push(['admin A', a.browser, 'DELETE', `/api/organisations/org-a/members/${adminA}`, undefined, undefined, 409]);
      const tokens: [string, string, string][] = [
        ['trustee token', created.body.trusteeTokens.t1, '/api/elections/acc-a/open'],
        ['authority token', created.body.authorityToken, '/api/elections/acc-a/open'],
        ['trustee token', created.body.trusteeTokens.t1, '/api/organisations/org-a/members'],
        ['authority token', created.body.authorityToken, '/api/organisations'],
      ];
      for (const [who, token, path] of tokens) {
        const r = await new TestBrowser().request('POST', base + path, { token, json: path.endsWith('members') ? { email: 'x@union.example', role: 'admin' } : path.endsWith('organisations') ? { id: 'org-t', name: 'T' } : undefined });
        assert.equal(r.status, 403, `${who} on ${path}: ${r.text}`);
      }
      for (const [who, browser, method, path, json, origin, status] of attempts as [string, TestBrowser, string, string, unknown, string | undefined, number | undefined][]) {
        const r = await browser.request(method, base + path, { ...(json === undefined ? {} : { json }), ...(origin === undefined ? {} : { origin }) });
        if (status) assert.equal(r.status, status, `${who} ${method} ${path}: ${r.text}`);
        else assert.ok(r.status === 403 || r.status === 401, `${who} ${method} ${path}: ${r.status} ${r.text}`);
      }
      assert.equal((await stores.accounts.role('org-b', bobId)), 'admin');
      assert.equal((await stores.accounts.role('org-a', adminA)), 'admin');
      assert.deepEqual((await stores.accounts.members('org-a')).map((m) => m.email).sort(), ['alice@union.example', 'carl@union.example', 'olga@union.example']);
      assert.equal(await recordText(base, 'acc-a'), before);
      assert.equal((await call(base, 'GET', '/api/elections/acc-evil')).status, 404);
      assert.deepEqual((await stores.accounts.members('org-b')).map((m) => m.email), ['bob@coop.example', 'dora@coop.example']);
      assert.deepEqual((await stores.accounts.memberships((await stores.accounts.accountByEmail('bob@coop.example'))!.id)).map((m) => m.org), ['org-b']);
      assert.equal(await stores.accounts.organisation('org-c'), null);
      // The observer sees the organisation's elections.
      const seen = await olga.browser.request('GET', `${base}/api/organisations/org-a/elections`);
      assert.deepEqual(seen.body.map((e: { id: string }) => e.id), ['acc-a']);
    });

    await t.test("admin A opens the poll; the audit log names who did what, refusals included, and cannot be rewritten", async () => {
      const opened = await a.browser.request('POST', `${base}/api/elections/acc-a/open`);
      assert.equal(opened.status, 200, opened.text);
      assert.equal(opened.body.phase, 'open');
      const audit = await a.browser.request('GET', `${base}/api/organisations/org-a/audit`);
      assert.equal(audit.status, 200, audit.text);
      const entries = audit.body as { seq: number; actor: string; action: string; target: string | null; status: number; at: string; address: string; detail: any }[];
      const find = (action: string, status: number, actor?: RegExp) => entries.find((e) => e.action === action && e.status === status && (!actor || actor.test(e.actor)));
      assert.ok(find('member-set', 200, /^operator$/), 'the operator invited alice');
      assert.ok(find('member-set', 200, /alice@union\.example/), 'alice invited olga and carl');
      const create = find('election-create', 200, /alice@union\.example/)!;
      assert.equal(create.target, 'election:acc-a');
      assert.equal(create.detail.id, 'acc-a');
      assert.equal(JSON.stringify(create).includes('vt1.'), false, 'no trustee token in the audit log');
      assert.equal(JSON.stringify(create).includes('vc1.'), false, 'no authority token in the audit log');
      assert.ok(find('authority-credentials', 200, /carl@union\.example/));
      const open = find('election-open', 200, /alice@union\.example/)!;
      assert.equal(open.detail.phase, 'open');
      assert.equal(open.detail.headSeq, (await ok(base, 'GET', '/api/elections/acc-a')).headSeq, 'the entry names the board event it made');
      assert.ok(find('election-open', 403, /bob@coop\.example/), "admin B's attempt is in A's log");
      assert.ok(find('election-open', 403, /olga@union\.example/), "the observer's attempt too");
      assert.ok(entries.every((e) => /^\d{4}-\d\d-\d\dT/.test(e.at) && e.address === '127.0.0.1'));
      assert.ok(entries.every((e, i) => i === 0 || e.seq > entries[i - 1]!.seq));
      // B's log holds none of A's entries.
      const b = await login(server, 'bob@coop.example');
      const bLog = (await b.browser.request('GET', `${base}/api/organisations/org-b/audit`)).body as { target: string | null }[];
      assert.ok(bLog.every((e) => e.target !== 'election:acc-a'));
      // Append-only: the store refuses to change or remove an entry.
      const raw = stores.accounts as unknown as { db?: { prepare(sql: string): { run(): unknown } }; pool?: { query(sql: string): Promise<unknown> } };
      if (raw.db) {
        assert.throws(() => raw.db!.prepare("UPDATE acc_audit SET actor = 'nobody'").run(), /append-only/);
        assert.throws(() => raw.db!.prepare('DELETE FROM acc_audit').run(), /append-only/);
      } else {
        await assert.rejects(raw.pool!.query("UPDATE veche_acc_audit SET actor = 'nobody'"), /append-only/);
        await assert.rejects(raw.pool!.query('DELETE FROM veche_acc_audit'), /append-only/);
      }
      assert.equal((await stores.accounts.audit('org-a', 0, 1000)).length, entries.length, 'reads are not logged; nothing was changed or removed');
      // The entries of no organisation are the operator's to read: organisations made, logins (refused ones too).
      const general = (await ok(base, 'GET', '/api/audit', operator)) as typeof entries;
      assert.ok(general.some((e) => e.action === 'organisation-create' && e.target === 'organisation:org-a' && e.actor === 'operator'));
      assert.ok(general.some((e) => e.action === 'login-password' && e.status === 401 && e.actor === 'login:dora@coop.example'));
      assert.ok(general.some((e) => e.action === 'login-password' && e.status === 429));
      assert.ok(general.every((e) => e.detail === null || typeof e.detail === 'object'));
      assert.equal((await a.browser.request('GET', `${base}/api/audit`)).status, 403, 'not for an organisation admin');
    });

    await t.test('behind https: the cookie is Secure and the Origin must be the public one', async () => {
      const secure = await startAccountsServer(stores, { publicUrl: 'https://vote.example' });
      t.after(() => secure.close());
      const wrong = await new TestBrowser().request('POST', `${secure.base}/api/login/password`, { json: { email: 'olga@union.example', password: PASSWORD } });
      assert.equal(wrong.status, 403, 'the Origin of the loopback address is not the public one');
      const right = await new TestBrowser().request('POST', `${secure.base}/api/login/password`, { json: { email: 'olga@union.example', password: PASSWORD }, origin: 'https://vote.example' });
      assert.equal(right.status, 200, right.text);
      assert.match(right.setCookies.join('\n'), /veche_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure/);
    });

    await t.test('an expired session is refused', async () => {
      const browser = new TestBrowser();
      const sid = 'B'.repeat(43);
      await stores.accounts.createSession(sessionHash(sid), adminA, Date.now() - 1, null);
      browser.cookies.push({ name: 'veche_session', value: sid, host: new URL(base).host, path: '/', expires: Infinity, attributes: '' });
      assert.equal((await browser.request('GET', `${base}/api/session`)).status, 401);
      assert.equal((await browser.request('POST', `${base}/api/elections/acc-a/close`)).status, 401);
    });

    await t.test('logout ends the session on the server, not just in the browser', async () => {
      const c = a.browser.cookie(new URL(base).host, 'veche_session')!.value;
      const out = await a.browser.request('POST', `${base}/api/logout`);
      assert.equal(out.status, 200);
      assert.match(out.setCookies.join('\n'), /veche_session=; Path=\/; Max-Age=0/);
      const replay = new TestBrowser();
      replay.cookies.push({ name: 'veche_session', value: c, host: new URL(base).host, path: '/', expires: Infinity, attributes: '' });
      assert.equal((await replay.request('GET', `${base}/api/session`)).status, 401);
      assert.equal((await replay.request('POST', `${base}/api/elections/acc-a/close`)).status, 401);
      assert.equal((await ok(base, 'GET', '/api/elections/acc-a')).phase, 'open');
    });
  });
}
