// Voter side: encrypt the choices, prove each group well formed (one one-hot proof, or 0/1 proofs and a
// sum proof) under one challenge for the whole ballot, sign with the credential. Runs in the voter's
// device; the plaintext never leaves it.
import { encrypt, encodeCiphertext, type Ciphertext } from '../crypto/elgamal.js';
import { add, encodePoint, encodeScalar, mul, type Point, type Scalar } from '../crypto/group.js';
import { commitBranches, type BranchCommitment } from '../crypto/proofs/branches.js';
import { pack } from '../crypto/proofs/packed.js';
import { toBase64Url } from '../crypto/encoding.js';
import { signCommitted } from '../crypto/proofs/signature.js';
import type { SelectionGroup } from '../manifest/types.js';
import { ballotChallenge, contentMessage, isOneHot, oneHotWeights, proofValues, signatureContext, TAG_SIGNATURE } from './context.js';
import type { BallotJson, EncryptedGroupJson } from './types.js';
import { trackingCode } from './tracking.js';
import { encryptRanking, type RankedSlot } from './ranked.js'; // ranked

export interface BallotSecrets {
  /** The plaintext selections, one 0/1 vector per group. */
  selections: number[][];
  /** The encryption randomness per group and option (base64url scalars): revealed only for an audit. */
  randomness: string[][];
  /** ranked (spec §8.7): per ranked question, the ranking (candidate indices) and each ciphertext's
   *  randomness; present exactly when the ballot has ranked answers, so that an audit covers them too. */
  rankings?: number[][];
  rankedRandomness?: string[][];
}

export interface EncryptedBallot {
  ballot: BallotJson;
  trackingCode: string;
  secrets: BallotSecrets;
}

export interface VoterKeys { secret: Scalar; publicKey: Point; key: string }

/** The group's proofs committed: one per entry of proofValues, in layout order. */
function commitGroup(publicKey: Point, group: SelectionGroup, vector: number[], rs: Scalar[], rho: Scalar[] | null): BranchCommitment[] {
  const values = proofValues(group, rho);
  if (isOneHot(group)) {
    const chosen = vector.indexOf(1);
    const R = rs.reduce((acc, r, i) => add(acc, mul(rho![i]!, r)), 0n);
    return [commitBranches(publicKey, R, values[0]!, chosen < 0 ? vector.length : chosen)];
  }
  const sum = vector.reduce((a, b) => a + b, 0);
  return [
    ...vector.map((v, i) => commitBranches(publicKey, rs[i]!, values[i]!, v)),
    commitBranches(publicKey, rs.reduce(add, 0n), values[vector.length]!, sum - group.min),
  ];
}

/** ranked (spec §8.7): the election's ranked questions and the voter's ranking (candidate indices) for each. */
export interface RankedChoices { slots: RankedSlot[]; rankings: number[][] }

export function encryptBallot(electionHash: string, publicKey: Point, groups: SelectionGroup[], selections: number[][], voter: VoterKeys, ranked?: RankedChoices): EncryptedBallot {
  if (selections.length !== groups.length) throw new Error('ballot: one selection vector per group expected');
  const made = groups.map((group, g) => {
    const vector = selections[g]!;
    if (vector.length !== group.optionIds.length) throw new Error(`ballot: group ${group.rowId} needs ${group.optionIds.length} selections`);
    const sum = vector.reduce((a, b) => a + b, 0);
    if (vector.some((v) => v !== 0 && v !== 1) || sum < group.min || sum > group.max) {
      throw new Error(`ballot: selections for ${group.rowId} must be 0/1 with ${group.min}..${group.max} selected`);
    }
    const cts: Ciphertext[] = [];
    const rs: Scalar[] = [];
    for (const v of vector) {
      const { ct, r } = encrypt(publicKey, v);
      cts.push(ct);
      rs.push(r);
    }
    const ct = cts.map(encodeCiphertext);
    const rho = isOneHot(group) ? oneHotWeights(electionHash, voter.key, group, ct) : null;
    const proofs = commitGroup(publicKey, group, vector, rs, rho);
    const points = proofs.flatMap((p) => p.points);
    return { ct, rs, proofs, points };
  });
  const key = encodePoint(publicKey);
  // ranked -->
  const slots = ranked?.slots ?? [];
  if (slots.length !== (ranked?.rankings.length ?? 0)) throw new Error('ballot: one ranking per ranked question expected');
  const rows = slots.map((slot, q) => encryptRanking(publicKey, slot, ranked!.rankings[q]!));
  const rankedStatements = rows.map((r, q) => ({ question: slots[q]!.questionId, ct: r.ct, commitments: toBase64Url(concat(r.commitments)) }));
  // <-- ranked
  const c = ballotChallenge(electionHash, voter.key, key, groups, made.map((m) => ({ ct: m.ct, commitments: toBase64Url(concat(m.points)) })), rankedStatements);
  const answers: EncryptedGroupJson[] = made.map((m) => {
    const responded = m.proofs.map((p) => p.respond(c));
    return { ct: m.ct, proof: pack(m.points, responded.flatMap((r) => r.challenges), responded.flatMap((r) => r.responses)) };
  });
  const rankedJson = slots.length > 0 ? rows.map((r) => r.respond(c)) : undefined; // ranked
  const signature = signCommitted(TAG_SIGNATURE, signatureContext(electionHash), voter.secret, voter.publicKey, contentMessage(electionHash, voter.key, answers, rankedJson));
  const ballot: BallotJson = { election: electionHash, credential: voter.key, answers, signature: pack([signature.R], [], [signature.z]), ...(rankedJson ? { ranked: rankedJson } : {}) };
  const rankedSecrets = slots.length > 0 ? { rankings: ranked!.rankings.map((r) => [...r]), rankedRandomness: rows.map((r) => r.randomness.map(encodeScalar)) } : {}; // ranked
  return { ballot, trackingCode: trackingCode(ballot), secrets: { selections: selections.map((v) => [...v]), randomness: made.map((m) => m.rs.map(encodeScalar)), ...rankedSecrets } };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

