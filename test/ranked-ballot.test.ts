// The ranked part of a ballot (spec §8.7): the encoding of a ranking into points and back, its
// capacity, the proofs of knowledge of the randomness under the ballot's one challenge, and that a
// ranked row copied from another voter's ballot is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBallot } from '../src/ballot/check.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { BallotError } from '../src/ballot/types.js';
import { decodeRanking, encodeRanking, PREFERENCES_PER_POINT, rowWidth } from '../src/ballot/ranked.js';
import { pointBytes } from '../src/crypto/group.js';
import { toHex } from '../src/crypto/encoding.js';
import { validateManifest } from '../src/manifest/validate.js';
import { rankedBallotSetup } from './helpers/ranked-fixture.js';

const election = 'ab'.repeat(32);
const { manifest, slots, groups, key, voters } = rankedBallotSetup('ranked-ballot', 'Ranked ballot', election, 2);
const ctx = { electionHash: election, publicKey: key, groups, ranked: slots };

test('a ranking is encoded into points whose own encodings carry it, and read back; 30 preferences a point', () => {
  assert.equal(PREFERENCES_PER_POINT, 30);
  assert.deepEqual([2, 30, 31, 100].map(rowWidth), [1, 1, 2, 4]);
  const slot = slots[0]!;
  assert.equal(slot.width, 2);
  for (const r of [[0], [30, 0, 5], Array.from({ length: 31 }, (_, i) => 30 - i)]) {
    const points = encodeRanking(r, slot);
    assert.equal(points.length, 2);
    assert.deepEqual(decodeRanking(points.map(pointBytes)), r);
  }
  // Test vectors (spec §8.7): the first counter t that gives a point is written in byte 0 (2t).
  assert.deepEqual(encodeRanking([2, 0], slot).map((p) => toHex(pointBytes(p))), [
    '0803010000000000000000000000000000000000000000000000000000000000',
    '0400000000000000000000000000000000000000000000000000000000000000',
  ]);
  assert.deepEqual(encodeRanking([1, 0, 2], { questionId: 'x', candidates: 3, width: 1 }).map((p) => toHex(pointBytes(p))), ['0802010300000000000000000000000000000000000000000000000000000000']);
  // A preference after the end is no ranking this encoding writes.
  const b = new Uint8Array(32); b[2] = 1;
  assert.equal(decodeRanking([b]), null);
  assert.throws(() => encodeRanking([31], slot), /not a candidate index/);
});

test('a ballot with a ranked answer verifies; its proofs are under the one challenge and the signature', () => {
  const { ballot } = encryptBallot(election, key, groups, [[1, 0]], voters[0]!, { slots, rankings: [[3, 1, 4]] });
  assert.equal(ballot.ranked!.length, 1);
  assert.equal(ballot.ranked![0]!.ct.length, 2);
  checkBallot(ballot, ctx);
  // Without the ranked slots in the context, the field is one too many; without the field, one missing.
  assert.throws(() => checkBallot(ballot, { ...ctx, ranked: [] }), (e: unknown) => e instanceof BallotError && e.code === 'malformed');
  const { ranked: _, ...bare } = ballot;
  assert.throws(() => checkBallot(bare, ctx), (e: unknown) => e instanceof BallotError && e.code === 'malformed');
  // A changed response fails the proof; a swapped ciphertext fails the signature first.
  const swapped = { ...ballot, ranked: [{ ...ballot.ranked![0]!, ct: [ballot.ranked![0]!.ct[1]!, ballot.ranked![0]!.ct[0]!] }] };
  assert.throws(() => checkBallot(swapped, ctx), (e: unknown) => e instanceof BallotError && (e.code === 'bad-signature' || e.code === 'bad-proof'));
});

test('copying another voter\'s ranked answer (ciphertexts and proof) into one\'s own signed ballot is refused', () => {
  const victim = encryptBallot(election, key, groups, [[1, 0]], voters[0]!, { slots, rankings: [[7, 8, 9]] }).ballot;
  // The copier makes an honest ballot, then puts the victim's ranked row in and signs it anew with the
  // copier's own credential: the signature holds, the proofs of knowledge do not (bound to the credential).
  const own = encryptBallot(election, key, groups, [[0, 1]], voters[1]!, { slots, rankings: [[0]] });
  const copied = resign({ ...own.ballot, ranked: victim.ranked! }, voters[1]!);
  assert.throws(() => checkBallot(copied, ctx), (e: unknown) => e instanceof BallotError && e.code === 'bad-proof' && /proof of knowledge of its randomness/.test(e.message));
});

import { signCommitted } from '../src/crypto/proofs/signature.js';
import { contentMessage, signatureContext, TAG_SIGNATURE } from '../src/ballot/context.js';
import { pack } from '../src/crypto/proofs/packed.js';
import type { BallotJson } from '../src/ballot/types.js';
import type { VoterKeys } from '../src/ballot/encrypt.js';

function resign(b: BallotJson, voter: VoterKeys): BallotJson {
  const s = signCommitted(TAG_SIGNATURE, signatureContext(b.election), voter.secret, voter.publicKey, contentMessage(b.election, b.credential, b.answers, b.ranked));
  return { ...b, signature: pack([s.R], [], [s.z]) };
}

import { validateChoices, encodeRankings } from '../src/manifest/layout.js';
import { ManifestError } from '../src/manifest/validate.js';

test('the ranked question in the manifest: method, seats and candidates checked, each problem named', () => {
  const base = JSON.parse(JSON.stringify(manifest));
  const bad = (f: (q: any) => void, message: RegExp) => {
    const m = JSON.parse(JSON.stringify(base));
    f(m.questions[1]);
    assert.throws(() => validateManifest(m), (e: unknown) => e instanceof ManifestError && message.test(e.message), message.source);
  };
  bad((q) => { q.method = 'borda'; }, /questions\[1\]\.method: expected one of "meek-stv", "scottish-stv", "irv", "schulze"/);
  bad((q) => { q.seats = 32; }, /questions\[1\]\.seats: must be from 1 to the number of candidates, got 32/);
  bad((q) => { q.method = 'irv'; }, /IRV elects one candidate: seats must be 1/);
  bad((q) => { q.candidates = q.candidates.slice(0, 1); }, /at least two candidates are needed to rank/);
  bad((q) => { delete q.mustRankAll; }, /mustRankAll: required field is missing/);
  bad((q) => { q.tieSeed = 'x'; }, /tieSeed: unknown field/);
});

test('a ranked answer: candidate ids, each once, all of them where the question says so', () => {
  const chair = { type: 'choice', candidate: 'a' } as const;
  const ok = validateChoices(manifest, { chair, board: { type: 'ranked', ranking: ['c3', 'c0'] } });
  assert.deepEqual(encodeRankings(manifest, ok), [[3, 0]]);
  assert.throws(() => validateChoices(manifest, { chair, board: { type: 'ranked', ranking: ['c3', 'c3'] } }), /candidate "c3" ranked twice/);
  assert.throws(() => validateChoices(manifest, { chair, board: { type: 'ranked', ranking: ['zz'] } }), /unknown candidate "zz"/);
  assert.throws(() => validateChoices(manifest, { chair, board: { type: 'ranked', ranking: [] } }), /rank at least one candidate/);
  const all = validateManifest({ ...JSON.parse(JSON.stringify(manifest)), questions: [manifest.questions[0], { ...manifest.questions[1], mustRankAll: true }] });
  assert.throws(() => validateChoices(all, { chair, board: { type: 'ranked', ranking: ['c1'] } }), /1 of 31 candidates ranked, and this question needs all/);
});
