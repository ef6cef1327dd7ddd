// Disjunctive (CDS) proofs in commitment form with a shared 128-bit challenge (docs/spec.md §4.4).
// Statement: a ciphertext C = Σ_i k_i·ct_i (a linear combination of ciphertexts on the ballot) under key
// h encrypts one of the values v_0 … v_{b-1} (scalars). Branch j claims log_g C.α = log_h (C.β − v_j·g).
// The proof writes every branch's commitments (A_j, B_j), the challenges c_0 … c_{b-2} and the
// responses z_0 … z_{b-1}; c_{b-1} = c − Σ c_j mod 2^128, where c is the challenge of the whole ballot,
// computed after every commitment of the ballot is fixed. Verification is linear (src/crypto/proofs/
// linear.ts): for each j,  z_j·g − A_j − c_j·C.α = 0  and  z_j·h − B_j − c_j·C.β + c_j·v_j·g = 0.
import { add, baseMul, fixedBase, G, mul, pointBytes, pointMul, randomScalar, sub, type Point, type Scalar } from '../group.js';
import { CHALLENGE_LIMIT } from './packed.js';
import type { LinearCheck } from './linear.js';

/** A ciphertext as a linear combination of encoded ballot ciphertexts: Σ k·(α, β). */
export interface CombinedCiphertext { alphas: Uint8Array[]; betas: Uint8Array[]; weights: Scalar[] }

export const G_BYTES: Uint8Array = pointBytes(G);

/** The prover's state between the commitments and the ballot challenge. */
export interface BranchCommitment {
  /** [A_0, B_0, A_1, B_1, …] encoded. */
  points: Uint8Array[];
  respond(c: bigint): { challenges: bigint[]; responses: Scalar[] };
}

const mod128 = (x: bigint): bigint => ((x % CHALLENGE_LIMIT) + CHALLENGE_LIMIT) % CHALLENGE_LIMIT;

/**
 * Commits to a proof that C = Enc_h(values[sel]; R) (the prover knows R, the combination of the
 * ciphertexts' randomness with the same weights). Randomness order: w, then per simulated branch in
 * increasing j: c_j (the low 128 bits of a random scalar), z_j.
 */
export function commitBranches(h: Point, R: Scalar, values: Scalar[], sel: number): BranchCommitment {
  if (sel < 0 || sel >= values.length) throw new Error('branch proof: the plaintext is not among the values');
  const hf = fixedBase(h);
  const w = randomScalar();
  const cs: bigint[] = new Array(values.length);
  const zs: Scalar[] = new Array(values.length);
  const points: Uint8Array[] = new Array(2 * values.length);
  for (let j = 0; j < values.length; j++) {
    if (j === sel) {
      points[2 * j] = pointBytes(baseMul(w));
      points[2 * j + 1] = pointBytes(pointMul(hf, w));
      continue;
    }
    // Simulated: with R known, A_j = g^{z_j − c_j·R} and B_j = h^{z_j − c_j·R} · g^{(v_j − v_sel)·c_j}.
    // A uniform scalar's low 128 bits: uniform up to 2^-124, and drawn like every other nonce.
    const c = randomScalar() & (CHALLENGE_LIMIT - 1n);
    const z = randomScalar();
    cs[j] = c;
    zs[j] = z;
    const e = sub(z, mul(c, R));
    points[2 * j] = pointBytes(baseMul(e));
    points[2 * j + 1] = pointBytes(pointMul(hf, e).add(baseMul(mul(sub(values[j]!, values[sel]!), c))));
  }
  return {
    points,
    respond(c) {
      let rest = c;
      for (let j = 0; j < values.length; j++) if (j !== sel) rest -= cs[j]!;
      cs[sel] = mod128(rest);
      zs[sel] = add(w, mul(cs[sel]!, R));
      return { challenges: cs.slice(0, values.length - 1), responses: zs };
    },
  };
}

/**
 * Adds the 2b equations of a b-branch proof to `check`. `points` are its 2b commitments, `challenges`
 * its b − 1 written challenges, `responses` its b responses; `c` the ballot challenge.
 */
export function branchEquations(check: LinearCheck, what: string, h: Uint8Array, C: CombinedCiphertext, values: Scalar[],
  points: Uint8Array[], challenges: bigint[], responses: Scalar[], c: bigint): void {
  const b = values.length;
  if (points.length !== 2 * b || challenges.length !== b - 1 || responses.length !== b) throw new Error('branch proof: wrong shape');
  let last = c;
  for (const cj of challenges) last -= cj;
  const all = [...challenges, mod128(last)];
  const n = C.weights.length;
  for (let j = 0; j < b; j++) {
    const cj = all[j]!;
    const z = responses[j]!;
    const aPoints = [G_BYTES, points[2 * j]!, ...C.alphas];
    const aScalars: Scalar[] = [z, -1n];
    const bPoints = [h, points[2 * j + 1]!, ...C.betas];
    const bScalars: Scalar[] = [z, -1n];
    for (let i = 0; i < n; i++) {
      const k = -cj * C.weights[i]!;
      aScalars.push(k);
      bScalars.push(k);
    }
    if (values[j] !== 0n) { bPoints.push(G_BYTES); bScalars.push(cj * values[j]!); }
    check.add(what, aPoints, aScalars);
    check.add(what, bPoints, bScalars);
  }
}
