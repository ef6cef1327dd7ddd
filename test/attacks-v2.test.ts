// Issue 9: each attack that once passed `veche verify`, as a named test. Each role alone (the board
// operator, the admin, the credential authority, one trustee) tries it with the project's own code;
// the board refuses it, or the record's own checks (not only the chain) fail.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Board, BoardError } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { baseMul, decodeScalar, encodePoint, encodeScalar, randomScalar } from '../src/crypto/group.js';
import { encodeSchnorr, proveSchnorr } from '../src/crypto/proofs/schnorr.js';
import { commitTrusteeKey, encryptionKeyContext, finishKeyCeremony, makeShares, revealTrusteeKey, TAG_ENCRYPTION_KEY, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import { checkBoardForTrustee, BoardCheckError, noteSubmitted } from '../src/keyceremony/board-check.js';
import { newAuthority, signCredentialList } from '../src/credentials/authority.js';
import { issueCredentials } from '../src/credentials/credentials.js';
import { newSigningKey, signPayload } from '../src/record/signature.js';
import { encodeEvent, type BoardEvent, type PayloadByType } from '../src/record/events.js';
import { checkRecord, linesSource, type RecordSource } from '../src/verify/record-check.js';
import { checkElectionForVoter } from '../src/verify/voter-check.js';
import { standing } from '../src/verify/standing.js';
import { ballotFor, finishElection, openElection, rechain, recordLines, smallManifest } from './helpers/election-fixture.js';
import { rolesOf } from './helpers/election.js';

const newStore = () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'veche-attacks-v2-')), 'board.sqlite'));

async function refused(p: () => Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof BoardError && e.code === code, `expected ${code}`);
}

async function failed(lines: string[]): Promise<string[]> {
  const { report } = await checkRecord(linesSource(lines));
  return report.failedChecks;
}

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as BoardEvent);

/** A board that rewrites events and re-chains, so that every hash is valid again. */
const rewrite = (events: BoardEvent[], f: (e: BoardEvent, i: number) => BoardEvent): string[] => rechain(events.map(f)).map(encodeEvent);

/** The election up to the end of round 1 (every trustee's key revealed). */
async function afterRound1(id: string) {
  const store = newStore();
  const manifest = smallManifest(id);
  const board = await Board.create(store, manifest);
  const election = board.current.electionHash;
  const committed = rolesOf(manifest).trustees.map((t) => commitTrusteeKey(t, election, manifest));
  for (const c of committed) await board.submitTrusteeCommitment(c.commitment);
  for (const c of committed) await board.submitTrusteeKey(revealTrusteeKey(c.secret));
  return { board, manifest, election, secrets: committed.map((c) => c.secret) };
}

describe('issue 9.1: the board operator cannot read the shares in transit', () => {
  test('a trustee key with the encryption key swapped for the board\'s, re-proved, is refused and fails on the record', async () => {
    const store = newStore();
    const manifest = smallManifest('swap-enc');
    const board = await Board.create(store, manifest);
    const election = board.current.electionHash;
    const committed = rolesOf(manifest).trustees.map((t) => commitTrusteeKey(t, election, manifest));
    for (const c of committed) await board.submitTrusteeCommitment(c.commitment);
    const real = revealTrusteeKey(committed[0]!.secret);
    // The board's own encryption key, with a valid proof bound to election, trustee and index.
    const e = randomScalar();
    const E = baseMul(e);
    const swapped = { ...real, encryptionKey: encodePoint(E), encryptionProof: encodeSchnorr(proveSchnorr(TAG_ENCRYPTION_KEY, encryptionKeyContext(election, 't1', 1), e, E)) };
    await refused(() => board.submitTrusteeKey(swapped), 'bad-signature');
    // Signed by a key of the board's own: still not t1's key.
    const boardKey = newSigningKey();
    await refused(() => board.submitTrusteeKey(signPayload(election, { role: 'trustee', id: 't1' }, 'trustee-key', swapped, decodeScalar(boardKey.secret))), 'bad-signature');
    // On a record the board re-chained: the trustee's own signature fails, and the key is not the one it committed to.
    for (const c of committed) await board.submitTrusteeKey(revealTrusteeKey(c.secret));
    const events = parse(await recordLines(board));
    const k = events.findIndex((x) => x.type === 'trustee-key');
    assert.ok((await failed(rewrite(events, (x, i) => (i === k ? { ...x, payload: swapped } : x)))).includes('trustees.signatures'));
  });

  test('shares are bound to the recipient\'s encryption key: one encrypted for another key does not open', async () => {
    const { board, secrets } = await afterRound1('bound-shares');
    const keys = () => board.current.manifest.trustees.map((t) => board.current.ceremony.keys.get(t.id)!);
    const shares = makeShares(secrets[0]!, keys());
    // t2 reads its share under a different (forged) recipient key: the MAC fails.
    const otherKey = { ...keys()[1]!, encryptionKey: encodePoint(baseMul(randomScalar())) };
    for (const s of secrets.slice(1)) await board.submitTrusteeShares(makeShares(s, keys()));
    await board.submitTrusteeShares(shares);
    const all = board.current.manifest.trustees.map((t) => board.current.ceremony.shares.get(t.id)!);
    const out = finishKeyCeremony(secrets[1]!, [keys()[0]!, otherKey, keys()[2]!], all);
    assert.equal(out.kind, 'complaints');
  });
});

describe('issue 9.2 and 9.3: trustees and voters check what they are shown', () => {
  test('a trustee\'s tool refuses to decrypt a tally replaced by one voter\'s ciphertexts', async () => {
    const el = await openElection(newStore(), { voters: 3, manifest: smallManifest('forged-tally') });
    const cast = [];
    for (const [i, v] of el.voters.entries()) cast.push(ballotFor(el, v, i));
    for (const c of cast) await el.board.castBallot(c.ballot);
    await el.board.closePoll();
    await el.board.computeTally();
    const events = parse(await recordLines(el.board));
    const t = events.findIndex((x) => x.type === 'tally');
    const victim = cast[1]!.ballot.answers.map((a) => a.ct);
    const forged = rewrite(events, (x, i) => (i === t ? { ...x, payload: { ...(x.payload as PayloadByType['tally']), sums: victim } } : x));
    const { report } = await checkRecord(linesSource(forged));
    assert.ok(report.failedChecks.includes('tally.sums'), report.failedChecks.join(', '));
    await assert.rejects(checkBoardForTrustee(el.trusteeSecrets[0]!, forged), BoardCheckError);
    // The honest record passes the same check, with the tally recounted.
    const honest = await checkBoardForTrustee(el.trusteeSecrets[0]!, await recordLines(el.board));
    assert.ok(honest.verification.report.checks.find((c) => c.id === 'tally.sums')!.passed > 0);
  });

  test('a trustee\'s tool refuses a board that dropped what the trustee submitted, or rewrote what it saw', async () => {
    const { board, secrets } = await afterRound1('dropped');
    const keys = board.current.manifest.trustees.map((t) => board.current.ceremony.keys.get(t.id)!);
    let t1: TrusteeSecret = secrets[0]!;
    const lines = await recordLines(board);
    t1 = (await checkBoardForTrustee(t1, lines)).secret;
    const mine = makeShares(t1, keys);
    t1 = noteSubmitted(t1, 'trustee-shares', mine);
    // The board never appends t1's shares: the next step stops.
    await assert.rejects(checkBoardForTrustee(t1, await recordLines(board)), /does not hold this trustee's trustee-shares/);
    await board.submitTrusteeShares(mine);
    t1 = (await checkBoardForTrustee(t1, await recordLines(board))).secret;
    // A history rewritten before what t1 saw: the event at its last seen seq is not the same.
    const events = parse(await recordLines(board));
    const rewritten = rewrite(events, (x, i) => (i === 1 ? { ...x, time: '2020-01-01T00:00:00.000Z' } : x));
    await assert.rejects(checkBoardForTrustee(t1, rewritten), BoardCheckError);
  });

  test('the voter\'s device refuses a joint key the trustees did not make, and a board key the election did not name', async () => {
    const el = await openElection(newStore(), { voters: 2, manifest: smallManifest('voter-check') });
    const lines = await recordLines(el.board);
    const checked = await checkElectionForVoter(lines);
    assert.equal(checked.fingerprint, `${checked.electionHash.slice(0, 4)} ${checked.electionHash.slice(4, 8)} ${checked.electionHash.slice(8, 12)} ${checked.electionHash.slice(12, 16)} ${checked.electionHash.slice(16, 20)}`);
    assert.ok(checked.listed(el.voters[0]!.keys.key));
    const events = parse(lines);
    const j = events.findIndex((x) => x.type === 'joint-key');
    const known = encodePoint(baseMul(randomScalar()));
    await assert.rejects(checkElectionForVoter(rewrite(events, (x, i) => (i === j ? { ...x, payload: { publicKey: known } } : x))), /keys\.joint/);
    // Another board key in the election event: the election hash changes, and every signature with it.
    const boardKey = encodePoint(baseMul(randomScalar()));
    await assert.rejects(checkElectionForVoter(rewrite(events, (x, i) => (i === 0 ? { ...x, payload: { ...(x.payload as PayloadByType['election']), boardKey } } : x))), /trustees\.signatures/);
  });
});

describe('issue 9.6: no single trustee biases or stalls the ceremony unnoticed', () => {
  test('no key is revealed before every trustee committed, and a key other than the committed one is refused', async () => {
    const store = newStore();
    const manifest = smallManifest('commit');
    const board = await Board.create(store, manifest);
    const election = board.current.electionHash;
    const [a, b, c] = rolesOf(manifest).trustees.map((t) => commitTrusteeKey(t, election, manifest));
    await board.submitTrusteeCommitment(a!.commitment);
    await board.submitTrusteeCommitment(b!.commitment);
    // The last trustee would like to see the others' keys first: not before its own commitment.
    await refused(() => board.submitTrusteeKey(revealTrusteeKey(a!.secret)), 'wrong-phase');
    await board.submitTrusteeCommitment(c!.commitment);
    // A fresh key made after the others were seen is not the one committed to.
    const fresh = commitTrusteeKey({ ...rolesOf(manifest).trustees[2]! }, election, manifest);
    await board.submitTrusteeKey(revealTrusteeKey(a!.secret));
    await board.submitTrusteeKey(revealTrusteeKey(b!.secret));
    await refused(() => board.submitTrusteeKey(revealTrusteeKey(fresh.secret)), 'bad-commitment');
    await board.submitTrusteeKey(revealTrusteeKey(c!.secret));
    assert.match(standing((await checkRecord(linesSource(await recordLines(board)))).state, (await checkRecord(linesSource(await recordLines(board)))).report, 7), /0 of 3 trustees sent shares/);
  });

  test('a trustee who sends a bad share is named at fault by the complaint, from the record alone; no joint key follows', async () => {
    const { board, secrets } = await afterRound1('complaint');
    const { manifest, electionHash } = board.current;
    const keys = () => manifest.trustees.map((t) => board.current.ceremony.keys.get(t.id)!);
    // t3 sends t1 a share that is not P_3(1): encrypted correctly, signed correctly, wrong value.
    const honest = makeShares(secrets[2]!, keys());
    const bad = makeShares({ ...secrets[2]!, coefficients: [encodeScalar(randomScalar()), ...secrets[2]!.coefficients!.slice(1)] }, keys());
    const mixed = signPayload(electionHash, { role: 'trustee', id: 't3' }, 'trustee-shares', { trustee: 't3', shares: { t1: bad.shares.t1!, t2: honest.shares.t2! } }, decodeScalar(secrets[2]!.signing.secret));
    await board.submitTrusteeShares(makeShares(secrets[0]!, keys()));
    await board.submitTrusteeShares(makeShares(secrets[1]!, keys()));
    await board.submitTrusteeShares(mixed);
    const all = manifest.trustees.map((t) => board.current.ceremony.shares.get(t.id)!);
    const t1 = finishKeyCeremony(secrets[0]!, keys(), all);
    assert.equal(t1.kind, 'complaints');
    if (t1.kind !== 'complaints') return;
    await board.submitTrusteeComplaint(t1.complaints[0]!);
    const t2 = finishKeyCeremony(secrets[1]!, keys(), all);
    assert.equal(t2.kind, 'ready');
    if (t2.kind === 'ready') await board.submitTrusteeReady(t2.ready);
    assert.equal(board.current.jointKey, null);
    await refused(() => board.openPoll(), 'wrong-phase');
    const { report, state } = await checkRecord(linesSource(await recordLines(board)));
    assert.ok(report.okSoFar, report.failedChecks.join(', '));
    assert.deepEqual(state.ceremony.complaints.map((c) => c.atFault), ['t3']);
    assert.match(standing(state, report, 0), /key ceremony failed: trustee t3 at fault/);
  });

  test('a false complaint puts the complainer at fault', async () => {
    const { board, secrets } = await afterRound1('false-complaint');
    const { manifest, electionHash } = board.current;
    const keys = () => manifest.trustees.map((t) => board.current.ceremony.keys.get(t.id)!);
    for (const s of secrets) await board.submitTrusteeShares(makeShares(s, keys()));
    const all = manifest.trustees.map((t) => board.current.ceremony.shares.get(t.id)!);
    // t2 claims t1's share is bad, revealing S = R^e truthfully: anyone can open it and see it is good.
    const lying = finishKeyCeremony({ ...secrets[1]! }, [{ ...keys()[0]!, commitments: keys()[0]!.commitments.map(() => encodePoint(baseMul(randomScalar()))) }, keys()[1]!, keys()[2]!], all);
    assert.equal(lying.kind, 'complaints');
    if (lying.kind !== 'complaints') return;
    await board.submitTrusteeComplaint(lying.complaints[0]!);
    assert.deepEqual(board.current.ceremony.complaints.map((c) => c.atFault), ['t2']);
    const { state } = await checkRecord(linesSource(await recordLines(board)));
    assert.deepEqual(state.ceremony.complaints.map((c) => c.atFault), ['t2']);
    assert.equal(typeof electionHash, 'string');
  });
});

describe('issue 9.6 (authority) and 9.9: a hostile board that rewrites and re-chains', () => {
  test('a credential list signed by anyone but the authority is refused and fails on the record', async () => {
    const el = await openElection(newStore(), { voters: 2, manifest: smallManifest('ca-list') });
    await el.board.castBallot(ballotFor(el, el.voters[0]!, 0).ballot);
    await finishElection(el);
    const events = parse(await recordLines(el.board));
    const k = events.findIndex((x) => x.type === 'credentials');
    const ghosts = issueCredentials(el.electionHash, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]).public;
    const boardsOwn = signCredentialList(el.electionHash, ghosts, newAuthority().signing);
    const f = await failed(rewrite(events, (x, i) => (i === k ? { ...x, payload: boardsOwn } : x)));
    assert.ok(f.includes('credentials.signature'), f.join(', '));
  });

  test('a board that rewrites the manifest to name keys of its own fails every trustee\'s signature', async () => {
    const el = await openElection(newStore(), { voters: 2, manifest: smallManifest('own-keys') });
    const events = parse(await recordLines(el.board));
    const g = events[0] as BoardEvent<'election'>;
    const own = newAuthority();
    const manifest = { ...g.payload.manifest, credentialAuthority: { ...g.payload.manifest.credentialAuthority, signingKey: own.signing.key } };
    const f = await failed(rewrite(events, (x, i) => (i === 0 ? { ...x, payload: { ...g.payload, manifest } } : x)));
    assert.ok(f.includes('trustees.signatures'), f.join(', '));
  });

  test('issue 9.7: a record that changes between the verifier\'s two passes fails record.stable', async () => {
    const el = await openElection(newStore(), { voters: 3, manifest: smallManifest('two-pass') });
    const cast = el.voters.map((v, i) => ballotFor(el, v, i));
    for (const c of cast) await el.board.castBallot(c.ballot);
    await finishElection(el);
    const lines = await recordLines(el.board);
    const events = parse(lines);
    const first = events.findIndex((x) => x.type === 'ballot');
    // The second read serves another valid ballot line in place of a counted one.
    const other = ballotFor(el, el.voters[0]!, 2).ballot;
    const swapped = rewrite(events, (x, i) => (i === first ? { ...x, payload: other } : x));
    let reads = 0;
    const source: RecordSource = async function* () { yield* (reads++ === 0 ? lines : swapped); };
    const { report } = await checkRecord(source);
    assert.ok(report.failedChecks.includes('record.stable'), report.failedChecks.join(', '));
    assert.ok((await checkRecord(linesSource(lines))).report.ok);
  });
});

describe('issue 9.3: any prefix of a record verifies, and says where the election stands', () => {
  test('every prefix of an honest record holds so far; only the whole one is final', async () => {
    const el = await openElection(newStore(), { voters: 2, manifest: smallManifest('prefix') });
    await el.board.castBallot(ballotFor(el, el.voters[0]!, 0).ballot);
    await finishElection(el);
    const lines = await recordLines(el.board);
    for (let n = 1; n <= lines.length; n++) {
      const { report, state } = await checkRecord(linesSource(lines.slice(0, n)));
      assert.ok(report.okSoFar, `prefix of ${n}: ${report.failedChecks.join(', ')}`);
      assert.equal(report.ok, n === lines.length, `prefix of ${n}`);
      if (state.phase === 'open') assert.match(standing(state, report, n), /^poll open, \d+ ballots?; \d+ events; every check so far holds$/);
    }
  });
});

describe('issue 9.5: weights that expose votes are reported', () => {
  test('weights 1, 2, 4, … give a warning in the verifier\'s report', async () => {
    const manifest = smallManifest('weights');
    const board = await Board.create(newStore(), manifest);
    const { runKeyCeremony } = await import('../src/demo/roles.js');
    await runKeyCeremony(board, rolesOf(manifest).trustees);
    const issued = issueCredentials(board.current.electionHash, Array.from({ length: 8 }, (_, i) => ({ id: `v${i}`, weight: 2 ** i })));
    await board.submitCredentials(signCredentialList(board.current.electionHash, issued.public, rolesOf(manifest).authority.signing));
    const { report } = await checkRecord(linesSource(await recordLines(board)));
    assert.ok(report.okSoFar);
    assert.ok(report.warnings.length > 0, 'a warning');
  });
});
