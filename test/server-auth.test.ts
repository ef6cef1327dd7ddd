// Who may do what over HTTP: admin routes need the admin token (anonymous, a voter's credential, a
// forged token: 401; a trustee's token: 403); a trustee token acts only for its own trustee of its own
// election. Refused calls change no record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitTrusteeKey } from '../src/keyceremony/trustee.js';
import { rolesOf } from './helpers/election.js';
import { ADMIN_TOKEN_SETTING, tokenHash } from '../src/server/auth.js';
import { smallManifest } from './helpers/election-fixture.js';
import { testStores } from './helpers/stores.js';
import { call, ok, openElectionOverHttp, recordText, startServer } from './helpers/server.js';

for (const factory of testStores()) {
  test(`server (${factory.name}): tokens and roles`, async (t) => {
    const made = await factory.make('server-auth');
    if (!made) { t.skip(`${factory.name} unavailable`); return; }
    const server = await startServer(made.store);
    t.after(async () => { await server.close(); await made.dispose(); });
    const { base, adminToken } = server;

    const a = await openElectionOverHttp(server, smallManifest('auth-a'), 2);
    const bManifest = smallManifest('auth-b');
    const b = await ok(base, 'POST', '/api/elections', { token: adminToken, json: bManifest });
    const snapshot = async () => [await recordText(base, 'auth-a'), await recordText(base, 'auth-b'), JSON.stringify(await ok(base, 'GET', '/api/elections'))];
    const before = await snapshot();

    // Only the hash of a token is stored.
    assert.equal(await made.store.getSetting(ADMIN_TOKEN_SETTING), tokenHash(adminToken));

    const adminRoutes: [string, unknown][] = [
      ['/api/elections', smallManifest('auth-new')],
      ['/api/elections/auth-a/credentials', { credentials: [{ key: a.credentials[0]!.key, weight: 1 }] }],
      ['/api/elections/auth-a/revoke', { key: a.credentials[0]!.key, reason: 'lost' }],
      ['/api/elections/auth-a/open', undefined],
      ['/api/elections/auth-a/close', undefined],
      ['/api/elections/auth-a/tally', undefined],
      ['/api/elections/auth-a/result', undefined],
      ['/api/elections/auth-a/trustees/t1/token', undefined],
    ];
    const callers: [string, string | undefined, number][] = [
      ['anonymous', undefined, 401],
      ['a voter credential', a.credentials[0]!.credential, 401],
      ['a forged admin token', 'va1.' + 'A'.repeat(43), 401],
      ['a trustee token', a.trusteeTokens.t1, 403],
      ['a trustee token of another election', b.trusteeTokens.t2, 403],
    ];
    for (const [path, json] of adminRoutes) {
      for (const [who, token, status] of callers) {
        const r = await call(base, 'POST', path, { ...(token === undefined ? {} : { token }), ...(json === undefined ? {} : { json }) });
        assert.equal(r.status, status, `${who} on ${path}: ${r.text}`);
        assert.equal(r.body.error, status === 401 ? 'unauthorized' : 'forbidden');
        if (status === 401) assert.equal(r.headers.get('www-authenticate'), 'Bearer');
      }
    }

    // The credential list and revocations are the credential authority's, not the admin's.
    for (const path of ['/api/elections/auth-a/credentials', '/api/elections/auth-a/revoke']) {
      const r = await call(base, 'POST', path, { token: adminToken, json: path.endsWith('revoke') ? { key: a.credentials[0]!.key, reason: 'lost', signature: { c: 'A'.repeat(43), z: 'A'.repeat(43) } } : { credentials: [{ key: a.credentials[0]!.key, weight: 1 }], totalWeight: 1, signature: { c: 'A'.repeat(43), z: 'A'.repeat(43) } } });
      assert.equal(r.status, 403, `the admin token on ${path}: ${r.text}`);
    }
    assert.deepEqual(await ok(base, 'GET', '/api/auth', { token: a.authorityToken }), { role: 'authority', election: 'auth-a' });

    // Trustee routes: the key of t1 of election b, offered with every wrong token first.
    const key = commitTrusteeKey(rolesOf(bManifest).trustees[0]!, b.electionHash, bManifest).commitment;
    const keyPath = '/api/elections/auth-b/trustees/t1/commitment';
    const wrong: [string, string | undefined, number][] = [
      ['anonymous', undefined, 401],
      ['a garbage token', 'not-a-token-at-all-but-long-enough', 401],
      ['the admin token', adminToken, 403],
      ['another trustee of this election', b.trusteeTokens.t2, 403],
      ['the same trustee id of another election', a.trusteeTokens.t1, 403],
      ['a token with a forged random part', b.trusteeTokens.t1.slice(0, -4) + 'AAAA', 401],
    ];
    for (const [who, token, status] of wrong) {
      const r = await call(base, 'POST', keyPath, { ...(token === undefined ? {} : { token }), json: key });
      assert.equal(r.status, status, `${who}: ${r.text}`);
    }
    // The right token, but for another trustee's path or payload.
    assert.equal((await call(base, 'POST', '/api/elections/auth-b/trustees/t2/commitment', { token: b.trusteeTokens.t1, json: key })).status, 403);
    assert.equal((await call(base, 'POST', keyPath, { token: b.trusteeTokens.t1, json: { ...key, trustee: 't2' } })).status, 403);
    assert.deepEqual(await snapshot(), before, 'refused calls change nothing');
    assert.equal((await call(base, 'POST', keyPath, { token: b.trusteeTokens.t1, json: key })).status, 200);

    // Who a token belongs to.
    assert.deepEqual(await ok(base, 'GET', '/api/auth', { token: adminToken }), { role: 'admin' });
    assert.deepEqual(await ok(base, 'GET', '/api/auth', { token: b.trusteeTokens.t3 }), { role: 'trustee', election: 'auth-b', trustee: 't3' });
    assert.equal((await call(base, 'GET', '/api/auth')).status, 401);

    // A lost trustee token is replaced by the admin; the old one stops working.
    const renewed = await ok(base, 'POST', '/api/elections/auth-b/trustees/t3/token', { token: adminToken });
    assert.notEqual(renewed.token, b.trusteeTokens.t3);
    assert.equal((await call(base, 'GET', '/api/auth', { token: b.trusteeTokens.t3 })).status, 401);
    assert.deepEqual(await ok(base, 'GET', '/api/auth', { token: renewed.token }), { role: 'trustee', election: 'auth-b', trustee: 't3' });
    assert.equal((await call(base, 'POST', '/api/elections/auth-b/trustees/t9/token', { token: adminToken })).status, 404);
  });
}
