// Benaloh challenge: instead of casting, the voter reveals the randomness; anyone can then re-encrypt
// the claimed choices and compare. An audited ballot is spoiled and never cast.
import { encrypt, decodeCiphertext, ciphertextEquals } from '../crypto/elgamal.js';
import { decodeScalar, type Point } from '../crypto/group.js';
import type { BallotJson } from './types.js';
import type { BallotSecrets } from './encrypt.js';

/** True when every ciphertext of `ballot` is the encryption of the revealed selection with the revealed randomness. */
export function auditBallot(ballot: BallotJson, publicKey: Point, secrets: BallotSecrets): boolean {
  if (secrets.selections.length !== ballot.answers.length || secrets.randomness.length !== ballot.answers.length) return false;
  return ballot.answers.every((group, g) => {
    const sel = secrets.selections[g]!;
    const rs = secrets.randomness[g]!;
    if (sel.length !== group.ct.length || rs.length !== group.ct.length) return false;
    return group.ct.every((ctJson, i) => {
      const expected = encrypt(publicKey, sel[i]!, decodeScalar(rs[i]!)).ct;
      return ciphertextEquals(expected, decodeCiphertext(ctJson));
    });
  });
}
