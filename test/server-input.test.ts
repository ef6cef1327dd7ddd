// Bad input on every POST route gets a clear 4xx {error, message} and leaves every record as it was:
// malformed JSON, duplicate keys, wrong content type, wrong types, unknown fields, oversized bodies,
// unknown elections; and for ballots, trustee payloads and admin actions, what only the board can
// judge (replays, another election's ballot, forged proofs and signatures, wrong phase).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { resign } from './helpers/ballot-forge.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { baseMul, decodePublicKey, encodePoint, encodeScalar, randomScalar } from '../src/crypto/group.js';
import { hashHex } from '../src/crypto/hash.js';
import { encodeSchnorr, proveSchnorr } from '../src/crypto/proofs/schnorr.js';
import { commitTrusteeKey, revealTrusteeKey } from '../src/keyceremony/trustee.js';
import { rolesOf } from './helpers/election.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { Manifest } from '../src/manifest/types.js';
import { smallManifest } from './helpers/election-fixture.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { testStores } from './helpers/stores.js';
import { call, ok, openElectionOverHttp, recordText, startServer, type HttpElection } from './helpers/server.js';

const point = () => encodePoint(baseMul(randomScalar()));
const scalar = () => encodeScalar(randomScalar());
const proof = () => ({ c: scalar(), z: scalar() });

function ballotOf(el: HttpElection, manifest: Manifest, voter: number, pick = 0) {
  const groups = selectionGroups(manifest);
  const selections = groups.map((g) => g.optionIds.map((_, i) => (i === pick && g.min <= 1 && g.max >= 1 ? 1 : 0)));
  return encryptBallot(el.electionHash, decodePublicKey(el.jointKey), groups, selections, credentialKeys(el.electionHash, el.credentials[voter]!.credential));
}

for (const factory of testStores()) {
  test(`server (${factory.name}): bad input is refused and changes nothing`, async (t) => {
    const made = await factory.make('server-input');
    if (!made) { t.skip(`${factory.name} unavailable`); return; }
    const server = await startServer(made.store, { bodyLimit: 256 * 1024, credentialsBodyLimit: 512 * 1024 });
    t.after(async () => { await server.close(); await made.dispose(); });
    const { base, adminToken } = server;
    const admin = { token: adminToken };

    const manifestA = smallManifest('in-a');
    const a = await openElectionOverHttp(server, manifestA, 3);
    const b = await openElectionOverHttp(server, smallManifest('in-b'), 1);
    const manifestC = smallManifest('in-c');
    const c = await ok(base, 'POST', '/api/elections', { ...admin, json: manifestC }); // setup: no trustee key yet

    // One accepted ballot, to replay below.
    const cast = ballotOf(a, manifestA, 0);
    await ok(base, 'POST', '/api/elections/in-a/ballots', { json: cast.ballot });

    const ids = ['in-a', 'in-b', 'in-c'];
    const snapshot = async () => [...(await Promise.all(ids.map((id) => recordText(base, id)))), JSON.stringify(await ok(base, 'GET', '/api/elections'))];
    const before = await snapshot();

    const expect = async (what: string, status: number, error: string | RegExp, path: string, opts: Parameters<typeof call>[3]) => {
      const r = await call(base, 'POST', path, opts);
      assert.equal(r.status, status, `${what} on ${path}: ${r.text}`);
      assert.equal(typeof r.body?.message, 'string', `${what}: a message`);
      if (typeof error === 'string') assert.equal(r.body.error, error, `${what}: ${r.text}`);
      else assert.match(r.body.error, error, `${what}: ${r.text}`);
    };

    // Every POST route with a body it would accept in shape (the board may still refuse it for its phase).
    const fresh = ballotOf(a, manifestA, 1);
    const cCommitted = commitTrusteeKey(rolesOf(manifestC).trustees[0]!, c.electionHash, manifestC);
    const cKey = revealTrusteeKey(cCommitted.secret);
    const routes: { path: string; token?: string; sample: Record<string, unknown>; limit?: number }[] = [
      { path: '/api/elections', token: adminToken, sample: smallManifest('in-new') as unknown as Record<string, unknown> },
      { path: '/api/elections/in-a/credentials', token: a.authorityToken, sample: { credentials: [{ key: point(), weight: 1 }], totalWeight: 1, signature: proof() }, limit: 512 * 1024 },
      { path: '/api/elections/in-a/revoke', token: a.authorityToken, sample: { key: a.credentials[2]!.key, reason: 'lost', signature: proof() } },
      { path: '/api/elections/in-a/open', token: adminToken, sample: {} },
      { path: '/api/elections/in-a/close', token: adminToken, sample: {} },
      { path: '/api/elections/in-a/tally', token: adminToken, sample: {} },
      { path: '/api/elections/in-a/result', token: adminToken, sample: {} },
      { path: '/api/elections/in-a/trustees/t1/token', token: adminToken, sample: {} },
      { path: '/api/elections/in-c/trustees/t1/key', token: c.trusteeTokens.t1, sample: cKey as unknown as Record<string, unknown> },
      { path: '/api/elections/in-c/trustees/t1/shares', token: c.trusteeTokens.t1, sample: { trustee: 't1', shares: { t2: { R: point(), data: scalar(), mac: scalar() }, t3: { R: point(), data: scalar(), mac: scalar() } }, signature: proof() } },
      { path: '/api/elections/in-c/trustees/t1/ready', token: c.trusteeTokens.t1, sample: { trustee: 't1', verificationKey: point(), proof: proof(), signature: proof() } },
      { path: '/api/elections/in-c/trustees/t1/decryption', token: c.trusteeTokens.t1, sample: { trustee: 't1', index: 1, shares: [[{ D: point(), proof: proof() }]], signature: proof() } },
      { path: '/api/elections/in-a/ballots', sample: fresh.ballot as unknown as Record<string, unknown> },
    ];
    for (const r of routes) {
      const auth = r.token ? { token: r.token } : {};
      const limit = r.limit ?? 256 * 1024;
      await expect('malformed JSON', 400, 'malformed-json', r.path, { ...auth, raw: '{"a": [1, 2' });
      await expect('duplicate keys', 400, 'malformed-json', r.path, { ...auth, raw: '{"a": 1, "a": 2}' });
      await expect('wrong content type', 415, 'unsupported-media-type', r.path, { ...auth, raw: JSON.stringify(r.sample), contentType: 'text/plain' });
      await expect('form content type', 415, 'unsupported-media-type', r.path, { ...auth, raw: 'a=1', contentType: 'application/x-www-form-urlencoded' });
      await expect('oversized body', 413, 'too-large', r.path, { ...auth, raw: JSON.stringify({ ...r.sample, pad: 'x'.repeat(limit) }) });
      await expect('an array body', 400, /^(malformed|invalid-manifest)$/, r.path, { ...auth, json: [r.sample] });
      await expect('a string body', 400, /^(malformed|invalid-manifest)$/, r.path, { ...auth, json: 'hello' });
      await expect('an unknown field', 400, /^(malformed|invalid-manifest)$/, r.path, { ...auth, json: { ...r.sample, extra: 1 } });
      await expect('a __proto__ field', 400, /^(malformed|invalid-manifest)$/, r.path, { ...auth, raw: JSON.stringify(r.sample).replace(/^\{/, '{"__proto__": {"x": 1}' + (Object.keys(r.sample).length ? ',' : '')) });
      const first = Object.keys(r.sample)[0];
      if (first) await expect('a field of the wrong type', 400, /^(malformed|invalid-manifest)$/, r.path, { ...auth, json: { ...r.sample, [first]: 42 } });
      if (r.path.includes('/in-')) {
        const other = r.path.replace(/\/in-[abc]\//, '/no-such-election/');
        await expect('an unknown election', r.token && r.token !== adminToken ? 403 : 404, r.token && r.token !== adminToken ? 'forbidden' : 'unknown-election', other, { ...auth, json: r.sample });
        await expect('an invalid election id', r.token && r.token !== adminToken ? 403 : 400, r.token && r.token !== adminToken ? 'forbidden' : 'malformed', r.path.replace(/\/in-[abc]\//, '/Not_An_Id/'), { ...auth, json: r.sample });
      }
    }

    // Ballots: what only the board can judge.
    const ballots = '/api/elections/in-a/ballots';
    await expect('a replayed ballot', 409, 'duplicate', ballots, { json: cast.ballot });
    await expect('a ballot of another election', 422, 'wrong-election', ballots, { json: ballotOf(b, smallManifest('in-b'), 0).ballot });
    await expect('a ballot for in-a posted to in-b', 422, 'wrong-election', '/api/elections/in-b/ballots', { json: fresh.ballot });
    const tampered = structuredClone(fresh.ballot);
    tampered.answers[0]!.ct[0] = tampered.answers[0]!.ct[1]!;
    await expect('a tampered ciphertext', 422, 'bad-signature', ballots, { json: tampered });
    // A forged proof, re-signed by the credential's holder: the signature holds, the proof does not.
    const forged = structuredClone(fresh.ballot);
    forged.answers[0]!.ct.reverse();
    const voter = credentialKeys(a.electionHash, a.credentials[1]!.credential);
    forged.signature = resign(forged, voter).signature;
    await expect('a forged proof', 422, 'bad-proof', ballots, { json: forged });
    await expect('a ballot with a question missing', 400, 'malformed', ballots, { json: { ...fresh.ballot, answers: fresh.ballot.answers.slice(1) } });
    const strangerKeys = credentialKeys(a.electionHash, 'ABCDE-FGHJK-MNPQR-STVWX-YZ012');
    const stranger = encryptBallot(a.electionHash, decodePublicKey(a.jointKey), selectionGroups(manifestA), selectionGroups(manifestA).map((g) => g.optionIds.map((_, i) => (i === 0 && g.min <= 1 ? 1 : 0))), strangerKeys);
    await expect('a ballot from a credential not on the list', 422, 'unknown-credential', ballots, { json: stranger.ballot });

    // Trustee payloads the board refuses.
    const badKey = structuredClone(cKey);
    badKey.proofs[0] = badKey.proofs[1]!;
    await expect('a trustee key before every trustee committed', 409, 'wrong-phase', '/api/elections/in-c/trustees/t1/key', { token: c.trusteeTokens.t1, json: badKey });
    await expect('a commitment not signed by the trustee', 422, 'bad-signature', '/api/elections/in-c/trustees/t1/commitment', { token: c.trusteeTokens.t1, json: { ...cCommitted.commitment, signature: proof() } });
    await expect('a commitment signed by another trustee', 422, 'bad-signature', '/api/elections/in-c/trustees/t2/commitment', { token: c.trusteeTokens.t2, json: { ...cCommitted.commitment, trustee: 't2' } });
    await expect('shares before every key', 409, 'wrong-phase', '/api/elections/in-c/trustees/t1/shares', { token: c.trusteeTokens.t1, json: routes[9]!.sample });
    await expect('a decryption share before the tally', 409, 'wrong-phase', '/api/elections/in-c/trustees/t1/decryption', { token: c.trusteeTokens.t1, json: routes[11]!.sample });
    await expect('a key after the ceremony', 409, 'wrong-phase', '/api/elections/in-a/trustees/t1/key', { token: a.trusteeTokens.t1, json: cKey });

    // Admin actions the board refuses.
    await expect('an invalid manifest', 400, 'invalid-manifest', '/api/elections', { ...admin, json: { ...smallManifest('in-bad'), threshold: 9 } });
    await expect('an election id that exists', 409, 'exists', '/api/elections', { ...admin, json: smallManifest('in-a') });
    const authorityA = { token: a.authorityToken };
    const authorityC = { token: c.authorityToken };
    const signedC = (credentials: { key: string; weight: number }[]) => signCredentialList(c.electionHash, credentials, rolesOf(manifestC).authority.signing);
    await expect('credentials after the poll opened', 409, 'wrong-phase', '/api/elections/in-a/credentials', { ...authorityA, json: signCredentialList(a.electionHash, [{ key: point(), weight: 1 }], rolesOf(manifestA).authority.signing) });
    await expect('unsorted credentials', 400, 'malformed', '/api/elections/in-c/credentials', { ...authorityC, json: signedC([{ key: a.credentials[1]!.key, weight: 1 }, { key: a.credentials[0]!.key, weight: 1 }].sort((x, y) => (x.key < y.key ? 1 : -1))) });
    await expect('a weight of zero', 400, 'malformed', '/api/elections/in-c/credentials', { ...authorityC, json: { credentials: [{ key: point(), weight: 0 }], totalWeight: 0, signature: proof() } });
    await expect('a credential list not signed by the authority', 422, 'bad-signature', '/api/elections/in-c/credentials', { ...authorityC, json: { credentials: [{ key: point(), weight: 1 }], totalWeight: 1, signature: proof() } });
    await expect('revoking an unknown credential', 404, 'unknown-credential', '/api/elections/in-a/revoke', { ...authorityA, json: { key: point(), reason: 'x', signature: proof() } });
    await expect('opening twice', 409, 'wrong-phase', '/api/elections/in-a/open', admin);
    await expect('opening before the ceremony', 409, 'wrong-phase', '/api/elections/in-c/open', admin);
    await expect('a tally while open', 409, 'wrong-phase', '/api/elections/in-a/tally', admin);
    await expect('a result while open', 409, 'wrong-phase', '/api/elections/in-a/result', admin);
    await expect('closing before opening', 409, 'wrong-phase', '/api/elections/in-c/close', admin);

    assert.deepEqual(await snapshot(), before, 'no refused request changed any record');

    // Reads with bad parameters are clear 4xx too.
    const get = async (path: string, status: number, error: string) => {
      const r = await call(base, 'GET', path);
      assert.equal(r.status, status, `${path}: ${r.text}`);
      assert.equal(r.body.error, error, `${path}: ${r.text}`);
    };
    await get('/api/elections/no-such-election', 404, 'unknown-election');
    await get('/api/elections/no-such-election/record', 404, 'unknown-election');
    await get(`/api/elections/in-a/ballots/${'0'.repeat(64)}`, 404, 'unknown-ballot');
    await get('/api/elections/in-a/ballots/not-a-code', 400, 'malformed');
    await get('/api/elections/in-a/board?from=-1', 400, 'malformed');
    await get('/api/elections/in-a/board?sort=desc', 400, 'malformed');
    await get('/api/elections/in-a/record?types=ballot,nonsense', 400, 'malformed');
    await get('/api/nothing-here', 404, 'not-found');
    const filtered = (await call(base, 'GET', '/api/elections/in-a/record?types=ballot')).text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(filtered.map((e) => e.type), ['ballot']);
  });
}
