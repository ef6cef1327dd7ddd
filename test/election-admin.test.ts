// Elections as organisers handle them (issue 11 point 6) over HTTP on real stores: a draft edited
// before the key ceremony (and refused after it started, or with another id), archived (off the public
// list, the record still public), deleted (a draft or a test election, with its id as confirmation;
// a non-test election with ballots refused); the id of a deleted election is never reused and its
// tokens stop working; an observer account can do none of it, an admin of the organisation can; each
// action is in the audit log. SQLite and PostgreSQL (the store removes the events in one transaction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { tinyManifest } from './helpers/election-fixture.js';
import { call, keyCeremony, ok, openElectionOverHttp, recordText } from './helpers/server.js';
import { accountStores, startAccountsServer, TestBrowser, type AccountsServer } from './accounts-fixture.js';

const PASSWORD = 'correct horse battery staple';

async function member(server: AccountsServer, org: string, email: string, role: string): Promise<TestBrowser> {
  const r = await new TestBrowser().request('POST', `${server.base}/api/organisations/${org}/members`, { json: { email, role, passwordLink: true }, token: server.adminToken });
  assert.equal(r.status, 200, r.text);
  const secret = /^#set=([A-Za-z0-9_-]{43})$/.exec(new URL(r.body.passwordLink as string).hash)![1]!;
  assert.equal((await new TestBrowser().request('POST', `${server.base}/api/password`, { json: { link: secret, password: PASSWORD } })).status, 200);
  const browser = new TestBrowser();
  assert.equal((await browser.request('POST', `${server.base}/api/login/password`, { json: { email, password: PASSWORD } })).status, 200);
  return browser;
}

for (const factory of accountStores()) {
  test(`organisers' actions (${factory.name}): edit a draft, archive, delete; refusals change nothing`, async (t) => {
    const stores = await factory.make('election-admin');
    if (!stores) { t.skip('PostgreSQL unavailable'); return; }
    const server = await startAccountsServer(stores);
    t.after(async () => { await server.close(); await stores.dispose(); });
    const { base } = server;
    const operator = { token: server.adminToken };
    const listed = async () => ((await ok(base, 'GET', '/api/elections')) as { id: string }[]).map((e) => e.id);

    await t.test('edit: the draft is replaced (same id and tokens, a new hash) until the first trustee commits', async () => {
      const manifest = tinyManifest('draft-edit');
      const created = await ok(base, 'POST', '/api/elections', { ...operator, json: manifest });
      const edited = { ...manifest, title: 'Tiny election, edited', trustees: [...manifest.trustees] };
      const r = await ok(base, 'PUT', '/api/elections/draft-edit/manifest', { ...operator, json: edited });
      assert.notEqual(r.electionHash, created.electionHash);
      assert.deepEqual(r.trusteeTokens, {}, 'the same trustees keep their tokens');
      const info = await ok(base, 'GET', '/api/elections/draft-edit');
      assert.equal(info.manifest.title, 'Tiny election, edited');
      assert.equal(info.electionHash, r.electionHash);
      assert.equal((await recordText(base, 'draft-edit')).trim().split('\n').length, 1, 'the record holds the new election event alone');

      const other = await call(base, 'PUT', '/api/elections/draft-edit/manifest', { ...operator, json: { ...edited, id: 'another-id' } });
      assert.equal(other.status, 400);
      assert.equal(other.body.error, 'id-mismatch');
      const invalid = await call(base, 'PUT', '/api/elections/draft-edit/manifest', { ...operator, json: { ...edited, threshold: 5 } });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error, 'invalid-manifest');
      // The old trustee tokens still work on the edited draft: the key ceremony runs on the new hash.
      await keyCeremony(base, 'draft-edit', created.trusteeTokens);
      const before = await recordText(base, 'draft-edit');
      const late = await call(base, 'PUT', '/api/elections/draft-edit/manifest', { ...operator, json: { ...edited, title: 'Too late' } });
      assert.equal(late.status, 409);
      assert.equal(late.body.error, 'not-a-draft');
      assert.equal(await recordText(base, 'draft-edit'), before, 'nothing changed');
    });

    await t.test('archive: off the public list, the record and results pages still public; unarchive brings it back', async () => {
      await ok(base, 'POST', '/api/elections', { ...operator, json: tinyManifest('old-vote') });
      assert.ok((await listed()).includes('old-vote'));
      await ok(base, 'POST', '/api/elections/old-vote/archive', operator);
      assert.ok(!(await listed()).includes('old-vote'));
      assert.equal((await call(base, 'GET', '/api/elections/old-vote')).status, 200);
      assert.equal((await call(base, 'GET', '/api/elections/old-vote/record')).status, 200);
      assert.equal((await ok(base, 'GET', '/api/elections/old-vote/archived', operator)).archived, true);
      assert.ok(((await ok(base, 'GET', '/api/admin/elections', operator)) as { id: string; archived?: boolean }[]).some((e) => e.id === 'old-vote' && e.archived));
      await ok(base, 'POST', '/api/elections/old-vote/unarchive', operator);
      assert.ok((await listed()).includes('old-vote'));
    });

    await t.test('delete: refused for a non-test election with ballots and without the id as confirmation; a test election goes, its id is retired', async () => {
      const real = tinyManifest('real-vote');
      const el = await openElectionOverHttp({ base, adminToken: server.adminToken } as never, real, 2);
      const enc = encryptBallot(el.electionHash, decodePublicKey(el.jointKey), selectionGroups(real), encodeChoices(real, { chair: { type: 'choice', candidate: 'a' } }), credentialKeys(el.electionHash, el.credentials[0]!.credential));
      await ok(base, 'POST', '/api/elections/real-vote/ballots', { json: enc.ballot });
      const before = await recordText(base, 'real-vote');
      const refused = await call(base, 'POST', '/api/elections/real-vote/delete', { ...operator, json: { confirm: 'real-vote' } });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, 'not-deletable');
      assert.equal(await recordText(base, 'real-vote'), before);

      const trial = { ...tinyManifest('trial-vote'), test: true };
      const tr = await openElectionOverHttp({ base, adminToken: server.adminToken } as never, trial, 2);
      const enc2 = encryptBallot(tr.electionHash, decodePublicKey(tr.jointKey), selectionGroups(trial), encodeChoices(trial, { chair: { type: 'choice', candidate: 'b' } }), credentialKeys(tr.electionHash, tr.credentials[0]!.credential));
      await ok(base, 'POST', '/api/elections/trial-vote/ballots', { json: enc2.ballot });
      const unconfirmed = await call(base, 'POST', '/api/elections/trial-vote/delete', { ...operator, json: { confirm: 'trial' } });
      assert.equal(unconfirmed.status, 400);
      assert.equal(unconfirmed.body.error, 'confirmation-needed');
      assert.equal((await call(base, 'GET', '/api/elections/trial-vote')).status, 200, 'still there');
      await ok(base, 'POST', '/api/elections/trial-vote/delete', { ...operator, json: { confirm: 'trial-vote' } });
      assert.equal((await call(base, 'GET', '/api/elections/trial-vote')).status, 404);
      assert.equal((await call(base, 'GET', '/api/elections/trial-vote/record')).status, 404);
      assert.ok(!(await listed()).includes('trial-vote'));
      const t1 = await call(base, 'POST', '/api/elections/trial-vote/trustees/t1/decryption', { token: tr.trusteeTokens.t1!, json: {} });
      assert.equal(t1.status, 401, 'the deleted election\'s trustee token no longer works');
      const again = await call(base, 'POST', '/api/elections', { ...operator, json: trial });
      assert.equal(again.status, 409, 'the id is not used again');
      assert.match(again.body.message, /was deleted/);

      await ok(base, 'POST', '/api/elections', { ...operator, json: tinyManifest('empty-draft') });
      await ok(base, 'POST', '/api/elections/empty-draft/delete', { ...operator, json: { confirm: 'empty-draft' } });
      assert.equal((await call(base, 'GET', '/api/elections/empty-draft')).status, 404, 'a draft that never opened can be deleted');
    });

    await t.test('accounts: an observer can do none of it, nothing changes; an admin of the organisation can; all audited', async () => {
      await ok(base, 'POST', '/api/organisations', { ...operator, json: { id: 'org-x', name: 'Union X' } });
      const admin = await member(server, 'org-x', 'ada@union.example', 'admin');
      const observer = await member(server, 'org-x', 'otto@union.example', 'observer');
      const manifest = { ...tinyManifest('org-draft'), test: true };
      assert.equal((await admin.request('POST', `${base}/api/organisations/org-x/elections`, { json: manifest })).status, 200);
      const record = await recordText(base, 'org-draft');
      const attempts: [string, string, unknown][] = [
        ['PUT', '/api/elections/org-draft/manifest', { ...manifest, title: 'Observer was here' }],
        ['POST', '/api/elections/org-draft/archive', {}],
        ['POST', '/api/elections/org-draft/delete', { confirm: 'org-draft' }],
        ['GET', '/api/elections/org-draft/archived', undefined],
      ];
      for (const [method, path, json] of attempts) {
        const r = await observer.request(method, `${base}${path}`, json === undefined ? {} : { json });
        assert.equal(r.status, 403, `observer: ${method} ${path}: ${r.text}`);
      }
      assert.equal(await recordText(base, 'org-draft'), record);
      assert.ok((await listed()).includes('org-draft'));
      assert.equal((await admin.request('PUT', `${base}/api/elections/org-draft/manifest`, { json: { ...manifest, title: 'Edited by the admin' } })).status, 200);
      assert.equal((await admin.request('POST', `${base}/api/elections/org-draft/archive`, { json: {} })).status, 200);
      assert.equal((await admin.request('POST', `${base}/api/elections/org-draft/delete`, { json: { confirm: 'org-draft' } })).status, 200);
      const audit = await admin.request('GET', `${base}/api/organisations/org-x/audit`);
      assert.equal(audit.status, 200, audit.text);
      const actions = JSON.stringify(audit.body);
      for (const a of ['election-manifest', 'election-archive', 'election-delete']) assert.match(actions, new RegExp(a), `audit log names ${a}`);
    });
  });
}
