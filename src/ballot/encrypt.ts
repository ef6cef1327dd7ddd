// Voter side: encrypt the choices, prove each selection is 0/1 and each group's sum is in range,
// sign with the credential. Runs in the voter's device; the plaintext never leaves it.
import { encrypt, addCiphertexts, encodeCiphertext, ZERO_CIPHERTEXT, type Ciphertext } from '../crypto/elgamal.js';
import { add, encodeScalar, type Point, type Scalar } from '../crypto/group.js';
import { hashHex } from '../crypto/hash.js';
import { proveDisjunctive, encodeDisjunctive } from '../crypto/proofs/disjunctive.js';
import { proveSchnorr, encodeSchnorr } from '../crypto/proofs/schnorr.js';
import type { SelectionGroup } from '../manifest/types.js';
import { optionContext, range, signatureContext, sumContext, TAG_CONTENT, TAG_OPTION_PROOF, TAG_SIGNATURE, TAG_SUM_PROOF } from './context.js';
import type { BallotJson, EncryptedGroupJson } from './types.js';
import { trackingCode } from './tracking.js';

export interface BallotSecrets {
  /** The plaintext selections, one 0/1 vector per group. */
  selections: number[][];
  /** The encryption randomness per group and option (base64url scalars): revealed only for an audit. */
  randomness: string[][];
}

export interface EncryptedBallot {
  ballot: BallotJson;
  trackingCode: string;
  secrets: BallotSecrets;
}

export interface VoterKeys { secret: Scalar; publicKey: Point; key: string }

export function encryptBallot(electionHash: string, publicKey: Point, groups: SelectionGroup[], selections: number[][], voter: VoterKeys): EncryptedBallot {
  if (selections.length !== groups.length) throw new Error('ballot: one selection vector per group expected');
  const answers: EncryptedGroupJson[] = [];
  const randomness: string[][] = [];
  groups.forEach((group, g) => {
    const vector = selections[g]!;
    if (vector.length !== group.optionIds.length) throw new Error(`ballot: group ${group.rowId} needs ${group.optionIds.length} selections`);
    const sum = vector.reduce((a, b) => a + b, 0);
    if (vector.some((v) => v !== 0 && v !== 1) || sum < group.min || sum > group.max) {
      throw new Error(`ballot: selections for ${group.rowId} must be 0/1 with ${group.min}..${group.max} selected`);
    }
    const cts: Ciphertext[] = [];
    const rs: Scalar[] = [];
    const proofs = vector.map((v, i) => {
      const { ct, r } = encrypt(publicKey, v);
      cts.push(ct);
      rs.push(r);
      return encodeDisjunctive(proveDisjunctive(TAG_OPTION_PROOF, optionContext(electionHash, voter.key, group, i), publicKey, ct, r, [0, 1], v));
    });
    const total = cts.reduce(addCiphertexts, ZERO_CIPHERTEXT);
    const totalR = rs.reduce(add, 0n);
    const values = range(group.min, group.max);
    const sumProof = proveDisjunctive(TAG_SUM_PROOF, sumContext(electionHash, voter.key, group), publicKey, total, totalR, values, sum - group.min);
    answers.push({ ct: cts.map(encodeCiphertext), proofs, sum: encodeDisjunctive(sumProof) });
    randomness.push(rs.map(encodeScalar));
  });
  const message = hashHex(TAG_CONTENT, { election: electionHash, credential: voter.key, answers });
  const signature = encodeSchnorr(proveSchnorr(TAG_SIGNATURE, signatureContext(electionHash), voter.secret, voter.publicKey, message));
  const ballot: BallotJson = { election: electionHash, credential: voter.key, answers, signature };
  return { ballot, trackingCode: trackingCode(ballot), secrets: { selections: selections.map((v) => [...v]), randomness } };
}
