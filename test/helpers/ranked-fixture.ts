// A ballot with a ranked answer, made and checked without a board (spec §8.7): shared by the tests of the
// ranked rows' encoding and proofs and of their Benaloh audit.
import type { VoterKeys } from '../../src/ballot/encrypt.js';
import { rankedSlots } from '../../src/ballot/ranked.js';
import { baseMul, randomScalar } from '../../src/crypto/group.js';
import { credentialKeys, issueCredentials } from '../../src/credentials/credentials.js';
import { selectionGroups } from '../../src/manifest/layout.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { keyed } from './election.js';

/**
 * A pick-one question and a ranked one of 31 candidates (3 seats, Meek STV): one candidate more than a
 * point holds preferences (30), so each ranked row is two points wide. `electionHash` is made up (no
 * board); the joint key is a random point; `voterCount` voters, weight 1, have their keys.
 */
export function rankedBallotSetup(id: string, title: string, electionHash: string, voterCount: number) {
  const manifest = validateManifest(keyed({
    id, title, description: '', languages: ['en'],
    questions: [
      { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false },
      { type: 'ranked', id: 'board', title: 'Board', candidates: Array.from({ length: 31 }, (_, i) => ({ id: `c${i}`, label: `C${i}` })), seats: 3, method: 'meek-stv', mustRankAll: false },
    ],
    trustees: [{ id: 't1', name: 'T1' }], threshold: 1,
  }));
  const issued = issueCredentials(electionHash, Array.from({ length: voterCount }, (_, i) => ({ id: `v${i + 1}`, weight: 1 })));
  const voters: VoterKeys[] = issued.private.map((c) => credentialKeys(electionHash, c.credential));
  return { manifest, slots: rankedSlots(manifest), groups: selectionGroups(manifest), key: baseMul(randomScalar()), voters };
}
