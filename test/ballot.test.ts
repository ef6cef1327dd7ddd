// Ballots: encrypt on the voter's side, check on the board's and the verifier's, audit (Benaloh).
// Every rejection names its reason (BallotError code) and a ballot that is refused is refused whole.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { baseMul, decodeScalar, encodeScalar, pointMul, randomScalar } from '../src/crypto/group.js';
import { hashHex } from '../src/crypto/hash.js';
import { encodeCiphertext, encrypt, type Ciphertext } from '../src/crypto/elgamal.js';
import { discreteLog } from '../src/crypto/dlog.js';
import { encryptBallot, type VoterKeys } from '../src/ballot/encrypt.js';
import { checkBallot } from '../src/ballot/check.js';
import { auditBallot } from '../src/ballot/audit.js';
import { trackingCode } from '../src/ballot/tracking.js';
import { cheatingBallot, packProof, signAnswers, unpackProof } from './helpers/ballot-forge.js';
import { BallotError, type BallotJson } from '../src/ballot/types.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { validateManifest } from '../src/manifest/validate.js';
import type { Choices } from '../src/manifest/types.js';
import { onEachBackend } from './helpers/backends.js';
import { keyed } from './helpers/election.js';

const manifest = validateManifest(keyed({
  id: 'ballot-test',
  title: 'Ballot test',
  description: '',
  languages: ['en'],
  questions: [
    { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'ann', label: 'Ann' }, { id: 'bob', label: 'Bob' }, { id: 'cat', label: 'Cat' }], allowBlank: false, absoluteMajority: false },
    { type: 'approval', id: 'projects', title: 'Projects', options: [{ id: 'p1', label: 'P1' }, { id: 'p2', label: 'P2' }, { id: 'p3', label: 'P3' }], min: 0, max: 2, winners: 1 },
    { type: 'verdict', id: 'review', title: 'Review', officeHolders: [{ id: 'treasurer', label: 'T' }, { id: 'secretary', label: 'S' }], default: 'no-consequences' },
  ],
  trustees: [{ id: 't1', name: 'T1' }],
  threshold: 1,
}));
const groups = selectionGroups(manifest);
const ELECTION = hashHex('test/election', 'ballot-test');
const OTHER_ELECTION = hashHex('test/election', 'another');
const x = randomScalar();
const h = baseMul(x);
const ctx = { electionHash: ELECTION, publicKey: h, groups };
const voterX = credentialKeys(ELECTION, 'XXXXX-11111-22222-33333-44444');
const voterY = credentialKeys(ELECTION, 'YYYYY-11111-22222-33333-44444');

const choices: Choices = {
  chair: { type: 'choice', candidate: 'bob' },
  projects: { type: 'approval', options: ['p1', 'p3'] },
  review: { type: 'verdict', verdicts: { treasurer: 'encouragement', secretary: 'punishment' } },
};
const selections = encodeChoices(manifest, choices);
const honest = encryptBallot(ELECTION, h, groups, selections, voterX);

const clone = (b: BallotJson): BallotJson => JSON.parse(JSON.stringify(b));

/** Signs `ballot` (as changed by a malicious client) with `voter`'s key, so only the proofs can catch it. */
function resign(ballot: BallotJson, voter: VoterKeys, election = ballot.election): BallotJson {
  return signAnswers(election, voter, ballot.answers);
}

function rejects(ballot: unknown, code: string, what: string, context = ctx): void {
  assert.throws(() => checkBallot(ballot, context), (e: unknown) => e instanceof BallotError && e.code === code, what);
}

// Every test below runs on both group backends.
onEachBackend(() => {

  describe('ballot: round trip', () => {
    test('an honest ballot checks, decrypts to the selections and audits', () => {
      const checked = checkBallot(honest.ballot, ctx);
      assert.equal(checked.credential, voterX.key);
      assert.equal(checked.trackingCode, honest.trackingCode);
      assert.equal(trackingCode(honest.ballot), hashHex('ballot/tracking', honest.ballot));
      checked.ciphertexts.forEach((row: Ciphertext[], g: number) => row.forEach((ct: Ciphertext, i: number) => assert.equal(discreteLog(ct.beta.subtract(pointMul(ct.alpha, x)), 1), selections[g]![i])));
      assert.ok(auditBallot(honest.ballot, h, honest.secrets));
      // The randomness revealed by an audit re-creates each ciphertext.
      honest.secrets.randomness.forEach((rs, g) => rs.forEach((r, i) => assert.deepEqual(encodeCiphertext(encrypt(h, selections[g]![i]!, decodeScalar(r)).ct), honest.ballot.answers[g]!.ct[i])));
    });

    test('any valid choices encrypt to a ballot that checks and audits', () => {
      const arb = fc.record({
        chair: fc.constantFrom('ann', 'bob', 'cat'),
        projects: fc.subarray(['p1', 'p2', 'p3'], { maxLength: 2 }),
        treasurer: fc.constantFrom('encouragement', 'punishment', 'no-consequences' as const),
        secretary: fc.constantFrom('encouragement', 'punishment', 'no-consequences' as const),
      });
      fc.assert(fc.property(arb, (a) => {
        const sel = encodeChoices(manifest, {
          chair: { type: 'choice', candidate: a.chair }, projects: { type: 'approval', options: a.projects },
          review: { type: 'verdict', verdicts: { treasurer: a.treasurer, secretary: a.secretary } },
        });
        const b = encryptBallot(ELECTION, h, groups, sel, voterY);
        assert.equal(checkBallot(b.ballot, ctx).trackingCode, b.trackingCode);
        assert.ok(auditBallot(b.ballot, h, b.secrets));
      }), { numRuns: 4 });
    });

    test('two encryptions of the same choices differ (fresh randomness), so do their tracking codes', () => {
      const again = encryptBallot(ELECTION, h, groups, selections, voterX);
      assert.notEqual(again.trackingCode, honest.trackingCode);
      assert.notDeepEqual(again.ballot.answers[0]!.ct, honest.ballot.answers[0]!.ct);
    });

    test('the voter side refuses selections the manifest does not allow', () => {
      assert.throws(() => encryptBallot(ELECTION, h, groups, [[1, 1, 0], ...selections.slice(1)], voterX), /must be 0\/1 with 1\.\.1/);
      assert.throws(() => encryptBallot(ELECTION, h, groups, [[0, 0, 0], ...selections.slice(1)], voterX), /must be 0\/1/);
      assert.throws(() => encryptBallot(ELECTION, h, groups, [[2, 0, 0], ...selections.slice(1)], voterX), /must be 0\/1/);
      assert.throws(() => encryptBallot(ELECTION, h, groups, [[1, 1, 1], [1, 1, 1], [1, 0, 0], [1, 0, 0]].slice(1), voterX), /one selection vector per group/);
      assert.throws(() => encryptBallot(ELECTION, h, groups, [[1, 0], ...selections.slice(1)], voterX), /needs 3 selections/);
    });
  });

  describe('ballot: audit', () => {
    test('a ballot that does not say what the voter chose fails the audit', () => {
      const lie = selections.map((v) => [...v]);
      lie[0] = [1, 0, 0];
      assert.equal(auditBallot(honest.ballot, h, { selections: lie, randomness: honest.secrets.randomness }), false);
      const randomness = honest.secrets.randomness.map((v) => [...v]);
      randomness[1]![2] = encodeScalar(randomScalar());
      assert.equal(auditBallot(honest.ballot, h, { selections, randomness }), false);
      assert.equal(auditBallot(honest.ballot, baseMul(randomScalar()), honest.secrets), false, 'encrypted to another key');
      assert.equal(auditBallot(honest.ballot, h, { selections: selections.slice(1), randomness: honest.secrets.randomness }), false);
      assert.equal(auditBallot(honest.ballot, h, { selections: [selections[0]!.slice(1), ...selections.slice(1)], randomness: honest.secrets.randomness }), false);
    });
  });

  describe('ballot: rejections', () => {
    test('shape: exact fields, counts and encodings', () => {
      const b = honest.ballot;
      rejects({ ...b, extra: 1 }, 'malformed', 'extra field');
      const { signature: _s, ...unsigned } = b;
      rejects(unsigned, 'malformed', 'missing signature');
      rejects({ ...b, answers: b.answers.slice(1) }, 'malformed', 'a group missing');
      rejects({ ...b, answers: [{ ...b.answers[0]!, extra: 1 }, ...b.answers.slice(1)] }, 'malformed', 'extra field in a group');
      rejects({ ...b, answers: [{ ...b.answers[0]!, ct: b.answers[0]!.ct.slice(1) }, ...b.answers.slice(1)] }, 'malformed', 'an option missing');
      rejects({ ...b, answers: [{ ...b.answers[0]!, ct: [b.answers[0]!.ct[0]![0], ...b.answers[0]!.ct.slice(1)] }, ...b.answers.slice(1)] }, 'malformed', 'a ciphertext that is not a pair');
      const badPoint = clone(b);
      badPoint.answers[0]!.ct[0]![0] = '7'.repeat(43);
      rejects(badPoint, 'malformed', 'a ciphertext that is not a point');
      const badScalar = clone(b);
      const highBytes = (text: string) => { const u = Buffer.from(text, 'base64url'); u.fill(0xff, u.length - 32); return u.toString('base64url'); };
      badScalar.answers[1]!.proof = highBytes(b.answers[1]!.proof);
      rejects(badScalar, 'malformed', 'a response that is not reduced mod q');
      const short = clone(b);
      short.answers[1]!.proof = b.answers[1]!.proof.slice(0, -43);
      rejects(short, 'malformed', 'a proof text of the wrong length (a branch missing)');
      const long = clone(b);
      long.answers[1]!.proof = b.answers[1]!.proof + 'AAAA';
      rejects(long, 'malformed', 'a proof text too long');
      const notPoint = clone(b);
      notPoint.answers[0]!.proof = '7'.repeat(43) + b.answers[0]!.proof.slice(43);
      rejects(notPoint, 'malformed', 'a commitment that is not a point');
      rejects({ ...b, answers: [{ ...b.answers[0]!, proof: 42 }, ...b.answers.slice(1)] }, 'malformed', 'a proof that is not text');
      rejects({ ...b, credential: 'A'.repeat(43) }, 'malformed', 'the identity as credential');
      rejects({ ...b, credential: 42 }, 'malformed', 'a credential that is not a key');
      rejects({ ...b, signature: b.signature.slice(0, 43) }, 'malformed', 'a signature without z');
      rejects({ ...b, signature: { R: b.signature } }, 'malformed', 'a signature that is not text');
      rejects(null, 'malformed', 'null');
      rejects([b], 'malformed', 'an array');
    });

    test('another election: refused outright; re-labelled and re-signed, its proofs still belong to the first', () => {
      rejects(honest.ballot, 'wrong-election', 'checked in another election', { ...ctx, electionHash: OTHER_ELECTION });
      const voterOther = credentialKeys(OTHER_ELECTION, 'XXXXX-11111-22222-33333-44444');
      rejects(resign(clone(honest.ballot), voterOther, OTHER_ELECTION), 'bad-proof', 'relabelled', { ...ctx, electionHash: OTHER_ELECTION });
    });

    test('the signature covers everything: any change without re-signing is caught', () => {
      const changed = clone(honest.ballot);
      const [c0, c1] = [changed.answers[0]!.ct[0]!, changed.answers[0]!.ct[1]!];
      changed.answers[0]!.ct[0] = c1;
      changed.answers[0]!.ct[1] = c0;
      rejects(changed, 'bad-signature', 'two ciphertexts swapped');
      const sig = Buffer.from(honest.ballot.signature, 'base64url');
      sig[40]! ^= 1;
      rejects({ ...honest.ballot, signature: sig.toString('base64url') }, 'bad-signature', 'signature response changed');
      rejects({ ...honest.ballot, credential: voterY.key }, 'bad-signature', 'another credential named, not re-signed');
    });

    test('a ballot copied to another credential (re-signed by its holder) fails: the proofs are bound to the first', () => {
      rejects(resign(clone(honest.ballot), voterY), 'bad-proof', 'copied from X to Y');
    });

    test('proofs moved between options, rows or questions fail even when the voter signs them', () => {
      const swappedOptions = clone(honest.ballot);
      const a = swappedOptions.answers[1]!;
      [a.ct[0], a.ct[1]] = [a.ct[1]!, a.ct[0]!];
      const parts = unpackProof(a.proof, groups[1]!);
      for (const f of ['points', 'challenges', 'responses'] as const) { const list = parts[f] as unknown[]; [list[0], list[1]] = [list[1], list[0]]; }
      a.proof = packProof(parts);
      rejects(resign(swappedOptions, voterX), 'bad-proof', 'option p1 ↔ p2, with their 0/1 proofs');
      const swappedOneHot = clone(honest.ballot);
      [swappedOneHot.answers[0]!.ct[0], swappedOneHot.answers[0]!.ct[1]] = [swappedOneHot.answers[0]!.ct[1]!, swappedOneHot.answers[0]!.ct[0]!];
      rejects(resign(swappedOneHot, voterX), 'bad-proof', 'candidates ann ↔ bob under the same one-hot proof');
      // Verdict rows treasurer and secretary have the same shape: swap whole groups.
      const swappedRows = clone(honest.ballot);
      [swappedRows.answers[2], swappedRows.answers[3]] = [swappedRows.answers[3]!, swappedRows.answers[2]!];
      rejects(resign(swappedRows, voterX), 'bad-proof', 'treasurer ↔ secretary');
      // chair (3 options, [1,1]) and the first verdict row (3 options, [1,1]) also have the same shape.
      const swappedQuestions = clone(honest.ballot);
      [swappedQuestions.answers[0], swappedQuestions.answers[2]] = [swappedQuestions.answers[2]!, swappedQuestions.answers[0]!];
      rejects(resign(swappedQuestions, voterX), 'bad-proof', 'chair ↔ review/treasurer');
    });

    test('over-voting and under-voting: two candidates, or none, in a pick-one question; three approvals of at most two', () => {
      const cheat = (vectors: number[][]) => cheatingBallot(ELECTION, h, groups, vectors, voterX);
      const rest = selections.slice(1);
      assert.throws(() => checkBallot(cheat([[1, 1, 0], ...rest]), ctx), /chair: the proof that exactly one option is selected fails/);
      assert.throws(() => checkBallot(cheat([[0, 0, 0], ...rest]), ctx), /chair: the proof that exactly one option is selected fails/);
      assert.throws(() => checkBallot(cheat([selections[0]!, [1, 1, 1], ...selections.slice(2)]), ctx), /projects: the proof that between 0 and 2 options are selected fails/);
      // The same maker with honest choices makes a ballot that checks: the refusals are the proofs'.
      assert.equal(checkBallot(cheat(selections), ctx).credential, voterX.key);
    });

    test('an option encrypting 2 (or −1) fails its proof', () => {
      // 2 + 0 + (−1) = 1: a sum proof alone would pass; the one-hot proof must not.
      assert.throws(() => checkBallot(cheatingBallot(ELECTION, h, groups, [[2, 0, -1], ...selections.slice(1)], voterX), ctx), /chair: the proof that exactly one option is selected fails/);
      assert.throws(() => checkBallot(cheatingBallot(ELECTION, h, groups, [selections[0]!, [2, 0, -1], ...selections.slice(2)], voterX), ctx), /projects, option p1: the proof that it encrypts 0 or 1 fails/);
    });

    test('a refused ballot changes nothing: the same honest ballot still checks afterwards', () => {
      rejects(resign(clone(honest.ballot), voterY), 'bad-proof', 'copy');
      assert.equal(checkBallot(honest.ballot, ctx).trackingCode, honest.trackingCode);
    });
  });
});
