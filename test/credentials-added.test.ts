// Credentials added after the list (spec §6.4, issue 11 point 4): a lost credential revoked and
// re-issued, a late voter added, on a real SQLite board and through the real server; the revoked
// credential's ballot no longer counts and the new one does; the record verifies. And what an attacker
// tries: the admin (not the authority) adding a credential, an addition after the poll closed, a public
// credential used again, a replacement of a credential that is not revoked (or twice, or heavier),
// a forged record carrying any of these.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardError } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { signCredentialsAdded } from '../src/credentials/additions.js';
import { newAuthority, signRevocation } from '../src/credentials/authority.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { encodeEvent, type BoardEvent } from '../src/record/events.js';
import { linesSource } from '../src/verify/record-check.js';
import { verifyRecord } from '../src/verify/verifier.js';
import { ballotFor, finishElection, openElection, rechain, recordLines, tinyManifest, type Voter } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';
import { call, ok, openElectionOverHttp, startServer } from './helpers/server.js';

function tempStore(t: { after: (f: () => Promise<void>) => void }, label: string): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), `veche-added-${label}-`));
  const store = new SqliteStore(join(dir, 'veche.sqlite'));
  t.after(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
  return store;
}

const newVoter = (electionHash: string, id: string, weight = 1): Voter => {
  const credential = newCredential();
  return { id, credential, keys: credentialKeys(electionHash, credential), weight };
};

async function refusedWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof BoardError && e.code === code && (!message || message.test(e.message)));
}

const verify = async (lines: string[]) => (await verifyRecord(linesSource(lines), undefined, { workers: 1 })).report;
const failedIds = (r: Awaited<ReturnType<typeof verify>>) => r.checks.filter((c) => c.failed > 0).map((c) => c.id);

test('a lost credential re-issued and a late voter added: the old ballot no longer counts, the new ones do, the record verifies', async (t) => {
  const el = await openElection(tempStore(t, 'flow'), { voters: 3, manifest: tinyManifest('added-flow') });
  const { board, electionHash } = el;
  const signing = rolesOf(el.manifest).authority.signing;
  const [ann, bob, cat] = el.voters as [Voter, Voter, Voter];
  const pick = (v: Voter, candidate: 0 | 1) => board.castBallot(ballotFor(el, v, candidate).ballot);
  await pick(ann, 0);
  await pick(bob, 1); // bob's credential is then reported lost: this ballot must not count
  await pick(cat, 0);

  await board.revokeCredential(signRevocation(electionHash, bob.keys.key, 're-issued: lost', signing));
  const bob2 = newVoter(electionHash, 'bob');
  const late = newVoter(electionHash, 'dee', 2);
  const eligibleBefore = board.current.eligibleWeight;
  const added = await board.addCredentials(signCredentialsAdded(electionHash, [{ key: bob2.keys.key, weight: 1, replaces: bob.keys.key }, { key: late.keys.key, weight: 2 }], signing));
  assert.equal(added.type, 'credentials-added');
  assert.equal((added.payload as { addedWeight: number }).addedWeight, 2, 'the replacement adds no weight; the late voter does');
  assert.equal(board.current.eligibleWeight, eligibleBefore + 2);

  await refusedWith(pick(bob, 0), 'revoked-credential');
  await pick(bob2, 0);
  await pick(late, 1);
  await finishElection(el);
  const lines = await recordLines(board);
  const result = JSON.parse(lines.at(-1)!).payload;
  // ann a, cat a, bob2 a, dee (weight 2) b; bob's first ballot (b) is not counted.
  assert.deepEqual(result.counts, [[3, 2]]);
  assert.equal(result.ballots, 4);
  assert.equal(result.castWeight, 5);
  assert.equal(result.eligibleWeight, 5, 'three listed (one revoked, not subtracted) + the late voter of weight 2; the replacement does not count twice');
  const report = await verify(lines);
  assert.deepEqual(failedIds(report), []);
  assert.ok(report.checks.find((c) => c.id === 'credentials.additions')!.passed === 1);
});

test('refused by the board: an addition after the poll closed, a public credential used again, replacements that are not one for one', async (t) => {
  const el = await openElection(tempStore(t, 'refused'), { voters: 2, manifest: tinyManifest('added-refused') });
  const { board, electionHash } = el;
  const signing = rolesOf(el.manifest).authority.signing;
  const [ann, bob] = el.voters as [Voter, Voter];
  const add = (entries: Parameters<typeof signCredentialsAdded>[1], s = signing) => board.addCredentials(signCredentialsAdded(electionHash, entries, s));
  const head = () => board.current.headSeq;
  const before = head();

  await refusedWith(add([{ key: ann.keys.key, weight: 1 }]), 'duplicate', /already on the list/);
  await refusedWith(add([{ key: newVoter(electionHash, 'x').keys.key, weight: 1, replaces: ann.keys.key }]), 'not-revoked');
  await refusedWith(add([{ key: newVoter(electionHash, 'x').keys.key, weight: 1, replaces: newVoter(electionHash, 'y').keys.key }]), 'unknown-credential');
  await refusedWith(add([{ key: newVoter(electionHash, 'x').keys.key, weight: 1 }], newAuthority().signing), 'bad-signature', /not signed by the credential authority/);
  const unsorted = signCredentialsAdded(electionHash, [{ key: newVoter(electionHash, 'x').keys.key, weight: 1 }, { key: newVoter(electionHash, 'y').keys.key, weight: 1 }], signing);
  unsorted.credentials.reverse();
  await refusedWith(board.addCredentials(unsorted), 'malformed', /sorted/);
  const lying = signCredentialsAdded(electionHash, [{ key: newVoter(electionHash, 'x').keys.key, weight: 3 }], signing);
  await refusedWith(board.addCredentials({ ...lying, addedWeight: 1 }), 'malformed', /addedWeight/);
  assert.equal(head(), before, 'nothing was appended');

  await board.revokeCredential(signRevocation(electionHash, bob.keys.key, 'lost', signing));
  await refusedWith(add([{ key: bob.keys.key, weight: 1 }]), 'duplicate', /already on the list/, );
  await refusedWith(add([{ key: newVoter(electionHash, 'x').keys.key, weight: 2, replaces: bob.keys.key }]), 'malformed', /weighs 1/);
  await refusedWith(add([{ key: newVoter(electionHash, 'x').keys.key, weight: 1, replaces: bob.keys.key }, { key: newVoter(electionHash, 'y').keys.key, weight: 1, replaces: bob.keys.key }]), 'duplicate', /already replaced/);
  const bob2 = newVoter(electionHash, 'bob');
  await add([{ key: bob2.keys.key, weight: 1, replaces: bob.keys.key }]);
  await refusedWith(add([{ key: newVoter(electionHash, 'z').keys.key, weight: 1, replaces: bob.keys.key }]), 'duplicate', /already replaced/);
  const replay = (await recordLines(board)).map((l) => JSON.parse(l) as BoardEvent).find((e) => e.type === 'credentials-added')!;
  await refusedWith(board.addCredentials(replay.payload as never), 'duplicate', /already on the list/);

  await board.closePoll();
  const afterClose = head();
  await refusedWith(add([{ key: newVoter(electionHash, 'late').keys.key, weight: 1 }]), 'wrong-phase', /closed/);
  assert.equal(head(), afterClose);
});

test('the verifier refuses a record whose board took an addition after the close, a key used again, or an unsigned addition', async (t) => {
  const el = await openElection(tempStore(t, 'forged'), { voters: 2, manifest: tinyManifest('added-forged') });
  const { board, electionHash } = el;
  const signing = rolesOf(el.manifest).authority.signing;
  const [ann] = el.voters as [Voter, Voter];
  await board.castBallot(ballotFor(el, ann, 0).ballot);
  await board.closePoll();
  const events = (await recordLines(board)).map((l) => JSON.parse(l) as BoardEvent);
  const forged = (payload: unknown, at = events.length) => {
    const list = [...events];
    list.splice(at, 0, { ...events[at - 1]!, type: 'credentials-added', payload } as BoardEvent);
    return rechain(list).map(encodeEvent);
  };
  const late = newVoter(electionHash, 'late');
  const afterClose = await verify(forged(signCredentialsAdded(electionHash, [{ key: late.keys.key, weight: 1 }], signing)));
  assert.ok(afterClose.checks.find((c) => c.id === 'phase.order')!.failures.some((f) => /after the poll closed/.test(f.message)));
  const openedAt = events.findIndex((e) => e.type === 'poll-opened');
  const again = await verify(forged(signCredentialsAdded(electionHash, [{ key: ann.keys.key, weight: 5 }], signing), openedAt + 1));
  assert.ok(again.checks.find((c) => c.id === 'credentials.additions')!.failures.some((f) => /already on the list/.test(f.message)));
  const byAdmin = await verify(forged(signCredentialsAdded(electionHash, [{ key: late.keys.key, weight: 1 }], newAuthority().signing), openedAt + 1));
  assert.deepEqual(failedIds(byAdmin).filter((id) => id !== 'record.complete'), ['credentials.signature']);
});

test('over HTTP: only the credential authority adds; the admin token, an admin-signed addition and a closed poll are refused', async (t) => {
  const store = tempStore(t, 'http');
  const server = await startServer(store);
  t.after(() => server.close());
  const manifest = tinyManifest('added-http');
  const el = await openElectionOverHttp(server, manifest, 2);
  const signing = rolesOf(manifest).authority.signing;
  const path = `/api/elections/${el.id}/credentials/add`;
  const late = newVoter(el.electionHash, 'late');
  const body = signCredentialsAdded(el.electionHash, [{ key: late.keys.key, weight: 1 }], signing);
  const before = (await ok(server.base, 'GET', `/api/elections/${el.id}`)).eligible;

  const asAdmin = await call(server.base, 'POST', path, { token: server.adminToken, json: body });
  assert.equal(asAdmin.status, 403, 'the admin token is not the authority token');
  const anonymous = await call(server.base, 'POST', path, { json: body });
  assert.equal(anonymous.status, 401);
  const adminSigned = await call(server.base, 'POST', path, { token: el.authorityToken, json: signCredentialsAdded(el.electionHash, [{ key: late.keys.key, weight: 1 }], newAuthority().signing) });
  assert.equal(adminSigned.status, 422);
  assert.equal(adminSigned.body.error, 'bad-signature');
  const extra = await call(server.base, 'POST', path, { token: el.authorityToken, json: { ...body, note: 'x' } });
  assert.equal(extra.status, 400);
  assert.equal((await ok(server.base, 'GET', `/api/elections/${el.id}`)).eligible, before, 'nothing changed');

  const added = await ok(server.base, 'POST', path, { token: el.authorityToken, json: body });
  assert.equal(added.eligible, before + 1);
  const enc = encryptBallot(el.electionHash, decodePublicKey(el.jointKey), selectionGroups(manifest), encodeChoices(manifest, { chair: { type: 'choice', candidate: 'b' } }), late.keys);
  await ok(server.base, 'POST', `/api/elections/${el.id}/ballots`, { json: enc.ballot });
  const rows = (await ok(server.base, 'GET', `/api/elections/${el.id}/board?from=0&limit=100`)).events as { type: string }[];
  assert.ok(rows.some((r) => r.type === 'credentials-added'), 'observers see the addition on the board');

  await ok(server.base, 'POST', `/api/elections/${el.id}/close`, { token: server.adminToken });
  const closed = await call(server.base, 'POST', path, { token: el.authorityToken, json: signCredentialsAdded(el.electionHash, [{ key: newVoter(el.electionHash, 'later').keys.key, weight: 1 }], signing) });
  assert.equal(closed.status, 409);
  assert.equal(closed.body.error, 'wrong-phase');
});
