// Benaloh challenge: instead of casting, the voter reveals the randomness; anyone can then re-encrypt
// the claimed choices and compare. An audited ballot is spoiled and never cast.
import { encrypt, decodeCiphertext, ciphertextEquals } from '../crypto/elgamal.js';
import { decodeScalar, type Point } from '../crypto/group.js';
import type { BallotJson } from './types.js';
import type { BallotSecrets } from './encrypt.js';
import { encodeRanking, PREFERENCES_PER_POINT } from './ranked.js';

/** ranked (spec §8.7): every ranked row is Enc(encodeRanking(ranking); r_j), point by point. Both or
 *  neither of the ballot's ranked answers and the revealed rankings: a part left unrevealed fails. */
function auditRanked(ballot: BallotJson, publicKey: Point, secrets: BallotSecrets): boolean {
  const rows = ballot.ranked ?? [];
  const rankings = secrets.rankings ?? [];
  const rs = secrets.rankedRandomness ?? [];
  if (rankings.length !== rows.length || rs.length !== rows.length) return false;
  return rows.every((row, q) => {
    if (rs[q]!.length !== row.ct.length) return false;
    // The row's width is the ballot's; a ranking that names no candidate of the question shows when
    // the revealed choices are read against the manifest.
    let points;
    try { points = encodeRanking(rankings[q]!, { questionId: '', candidates: Math.min(255, row.ct.length * PREFERENCES_PER_POINT), width: row.ct.length }); } catch { return false; }
    return row.ct.every((ctJson, j) => {
      const e = encrypt(publicKey, 0n, decodeScalar(rs[q]![j]!)).ct;
      return ciphertextEquals({ alpha: e.alpha, beta: e.beta.add(points[j]!) }, decodeCiphertext(ctJson));
    });
  });
}

/** True when every ciphertext of `ballot` is the encryption of the revealed selection with the revealed randomness. */
export function auditBallot(ballot: BallotJson, publicKey: Point, secrets: BallotSecrets): boolean {
  if (secrets.selections.length !== ballot.answers.length || secrets.randomness.length !== ballot.answers.length) return false;
  if (!auditRanked(ballot, publicKey, secrets)) return false;
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
