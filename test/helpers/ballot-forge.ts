// What a cheating voter's device can make (tests of attacks): ballots of any plaintexts with the best
// proofs the honest prover code gives for a claim in range, packed proofs taken apart and put back,
// ballots re-signed after a change. Built from the same statement code as the booth (src/ballot/context.ts).
import { encrypt, encodeCiphertext } from '../../src/crypto/elgamal.js';
import { add, encodePoint, mod, mul, type Point, type Scalar } from '../../src/crypto/group.js';
import { toBase64Url } from '../../src/crypto/encoding.js';
import { nobleBackend } from '../../src/crypto/backend.js';
import { commitBranches } from '../../src/crypto/proofs/branches.js';
import { pack, unpack } from '../../src/crypto/proofs/packed.js';
import { signCommitted } from '../../src/crypto/proofs/signature.js';
import { ballotChallenge, branchCounts, contentMessage, isOneHot, oneHotWeights, proofShape, proofValues, signatureContext, TAG_SIGNATURE } from '../../src/ballot/context.js';
import type { BallotJson, EncryptedGroupJson } from '../../src/ballot/types.js';
import type { VoterKeys } from '../../src/ballot/encrypt.js';
import type { SelectionGroup } from '../../src/manifest/types.js';

/** The ballot with `answers`, signed by `voter` (any credential text may be put in its name). */
export function signAnswers(election: string, voter: VoterKeys, answers: EncryptedGroupJson[], credential = voter.key): BallotJson {
  const s = signCommitted(TAG_SIGNATURE, signatureContext(election), voter.secret, voter.publicKey, contentMessage(election, credential, answers));
  return { election, credential, answers, signature: pack([s.R], [], [s.z]) };
}

export const resign = (ballot: BallotJson, voter: VoterKeys): BallotJson => signAnswers(ballot.election, voter, ballot.answers, ballot.credential);

/** A group's packed proof taken apart: per proof (layout order) its points, written challenges, responses. */
export interface ProofParts { points: Uint8Array[][]; challenges: bigint[][]; responses: Scalar[][] }

export function unpackProof(text: string, group: SelectionGroup): ProofParts {
  const u = unpack(text, proofShape(group), nobleBackend());
  const parts: ProofParts = { points: [], challenges: [], responses: [] };
  let p = 0, c = 0;
  for (const b of branchCounts(group)) {
    parts.points.push(u.points.slice(2 * p, 2 * (p + b)).map((x) => x.slice()));
    parts.challenges.push(u.challenges.slice(c, c + b - 1));
    parts.responses.push(u.scalars.slice(p, p + b));
    p += b; c += b - 1;
  }
  return parts;
}

export const packProof = (parts: ProofParts): string => pack(parts.points.flat(), parts.challenges.flat(), parts.responses.flat());

/**
 * A ballot of any plaintexts (2, −1, two candidates…), each proof made by the honest prover for the
 * closest claim in range (it has no other way to make one), signed by the voter: only the proofs can
 * catch it.
 */
export function cheatingBallot(election: string, publicKey: Point, groups: SelectionGroup[], plaintexts: number[][], voter: VoterKeys): BallotJson {
  const made = groups.map((group, g) => {
    const ms = plaintexts[g]!;
    const enc = ms.map((m) => encrypt(publicKey, mod(BigInt(m))));
    const ct = enc.map((e) => encodeCiphertext(e.ct));
    const rs = enc.map((e) => e.r);
    const rho = isOneHot(group) ? oneHotWeights(election, voter.key, group, ct) : null;
    const values = proofValues(group, rho);
    const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
    const proofs = isOneHot(group)
      ? [commitBranches(publicKey, rs.reduce((a, r, i) => add(a, mul(rho![i]!, r)), 0n), values[0]!, Math.max(ms.findIndex((m) => m !== 0), 0))]
      : [...ms.map((m, i) => commitBranches(publicKey, rs[i]!, values[i]!, m === 0 ? 0 : 1)),
        commitBranches(publicKey, rs.reduce(add, 0n), values[ms.length]!, clamp(ms.reduce((a, b) => a + b, 0), group.min, group.max) - group.min)];
    return { ct, proofs, points: proofs.flatMap((p) => p.points) };
  });
  const cat = (parts: Uint8Array[]) => { const out = new Uint8Array(32 * parts.length); parts.forEach((p, i) => out.set(p, 32 * i)); return out; };
  const c = ballotChallenge(election, voter.key, encodePoint(publicKey), groups, made.map((m) => ({ ct: m.ct, commitments: toBase64Url(cat(m.points)) })));
  const answers = made.map((m) => {
    const r = m.proofs.map((p) => p.respond(c));
    return { ct: m.ct, proof: pack(m.points, r.flatMap((x) => x.challenges), r.flatMap((x) => x.responses)) };
  });
  return signAnswers(election, voter, answers);
}
