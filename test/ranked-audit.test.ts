// A Benaloh audit of a ballot with a ranked answer (spec §8.6, §8.7) covers the ranked rows too: a
// device that encrypted another ranking than the one it reveals, or reveals none, fails the audit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditBallot } from '../src/ballot/audit.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { encodeScalar, randomScalar } from '../src/crypto/group.js';
import { decodeSelections } from '../src/manifest/layout.js';
import { rankedBallotSetup } from './helpers/ranked-fixture.js';

const election = 'cd'.repeat(32);
const { manifest, slots, groups, key, voters: [voter] } = rankedBallotSetup('ranked-audit', 'Ranked audit', election, 1);

test('ranked audit: the revealed ranking and randomness re-encrypt to the ballot; the choices read back in words', () => {
  const { ballot, secrets } = encryptBallot(election, key, groups, [[0, 1]], voter, { slots, rankings: [[30, 2, 7]] });
  assert.deepEqual(secrets.rankings, [[30, 2, 7]]);
  assert.equal(secrets.rankedRandomness![0]!.length, 2);
  assert.equal(auditBallot(ballot, key, secrets), true);
  const choices = decodeSelections(manifest, secrets.selections, secrets.rankings);
  assert.deepEqual(choices.board, { type: 'ranked', ranking: ['c30', 'c2', 'c7'] });
  assert.deepEqual(choices.chair, { type: 'choice', candidate: 'b' });
});

test('ranked audit, attack by a lying device: another ranking, other randomness, or no ranked secrets revealed, fail', () => {
  const { ballot, secrets } = encryptBallot(election, key, groups, [[1, 0]], voter, { slots, rankings: [[1, 2, 3]] });
  assert.equal(auditBallot(ballot, key, { ...secrets, rankings: [[1, 3, 2]] }), false, 'another order');
  assert.equal(auditBallot(ballot, key, { ...secrets, rankings: [[1, 2]] }), false, 'a preference left out');
  assert.equal(auditBallot(ballot, key, { ...secrets, rankings: [[1, 2, 3, 4]] }), false, 'a preference added');
  assert.equal(auditBallot(ballot, key, { ...secrets, rankings: [[999]] }), false, 'no candidate');
  assert.equal(auditBallot(ballot, key, { ...secrets, rankedRandomness: [[encodeScalar(randomScalar()), secrets.rankedRandomness![0]![1]!]] }), false, 'other randomness');
  assert.equal(auditBallot(ballot, key, { selections: secrets.selections, randomness: secrets.randomness }), false, 'the ranked part not revealed');
  assert.equal(auditBallot(ballot, key, { ...secrets, rankedRandomness: [secrets.rankedRandomness![0]!.slice(0, 1)] }), false, 'one ciphertext unrevealed');
  // A ballot without ranked answers with rankings revealed beside it does not pass either.
  const { ballot: plain, secrets: plainSecrets } = encryptBallot(election, key, groups, [[1, 0]], voter, { slots, rankings: [[0]] });
  const { ranked: _dropped, ...withoutRanked } = plain;
  assert.equal(auditBallot(withoutRanked, key, plainSecrets), false);
  assert.throws(() => decodeSelections(manifest, secrets.selections, [[1, 1]]), /at most once/);
});
