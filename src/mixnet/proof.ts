// The prover of the Terelius–Wikström proof of shuffle, as in Haenni, Locher, Koenig and Dubuis,
// "Pseudo-code algorithms for verifiable re-encryption mix-nets" (FC 2017), Algorithm GenProof, for
// rows of k ciphertexts under one permutation (docs/spec.md §18.5). Output row i is input row π(i)
// re-encrypted: α'_{ij} = α_{π(i)j}·g^{ρ_ij}, β'_{ij} = β_{π(i)j}·pk^{ρ_ij}.
//
// The commitment chain ĉ_i = g^{r̂_i}·ĉ_{i-1}^{u'_i} (ĉ_0 = h_0) is computed in closed form,
// ĉ_i = g^{R_i}·h_0^{U_i} with R_i = r̂_i + u'_i·R_{i-1}, U_i = u'_i·U_{i-1}, and likewise
// t̂_i = g^{ω̂_i}·ĉ_{i-1}^{ω'_i} = g^{ω̂_i + ω'_i R_{i-1}}·h_0^{ω'_i U_{i-1}}: the same points, each from
// one double multiplication with fixed bases instead of a chain of variable-base ones. The points of
// each kind (c_l, ĉ_i, t̂_i) are made in one call of the backend's mulAddMany (on the native backend
// with a table of h_0 built once for the shuffle; h_0^{U_i} in variable time, as baseMulAdd did before
// and docs/spec.md §18.7.2 says; g^{R_i} constant time).
import type { GroupBackend } from '../crypto/backend.js';
import { add, mod, mul, neg, type Scalar } from '../crypto/group.js';
import type { ShuffleProof } from './encoding.js';
import { Terms } from './msm.js';
import { packScalars, readUnsignedLE, writeScalar } from './scalars.js';
import type { RandomBytes } from './permutation.js';
import { TRANSCRIPT, type Statement, type Transcript } from './transcript.js';

export interface ShuffleWitness {
  /** π[i]: the input row that output row i re-encrypts. */
  permutation: number[];
  /** ρ[i][j]: the re-encryption randomness of output row i, column j. */
  randomness: Scalar[][];
}

/** A uniform non-zero scalar from 64 bytes of `random` (their little-endian integer mod q, §1.4). */
export function randomScalarFrom(random: RandomBytes): Scalar {
  for (;;) {
    const s = mod(readUnsignedLE(random(64), 0, 64));
    if (s !== 0n) return s;
  }
}

/**
 * The proof that `statement.outputs` is a re-encryption and permutation of `statement.inputs`.
 * `generators` are h_0..h_N of the statement's seed. The transcript is a parameter only so that a test
 * can show a proof hashed without one input is refused; the application always uses TRANSCRIPT.
 */
export function proveShuffle(be: GroupBackend, statement: Statement, generators: Uint8Array[], witness: ShuffleWitness, random: RandomBytes, transcript: Transcript = TRANSCRIPT): ShuffleProof {
  const { count: n, width: k, publicKey: pk, outputs } = statement;
  const { permutation: pi, randomness: rho } = witness;
  const h0 = generators[0]!;
  const rand = () => randomScalarFrom(random);
  const inverse: number[] = new Array(n);
  for (let i = 0; i < n; i++) inverse[pi[i]!] = i;

  // Permutation commitment: c_l = g^{r_l}·h_{π^{-1}(l)+1} (input l is committed to the generator of the output it goes to).
  const r: Scalar[] = new Array(n);
  const hOf = new Uint8Array(32 * n);
  for (let l = 0; l < n; l++) {
    r[l] = rand();
    hOf.set(generators[inverse[l]! + 1]!, 32 * l);
  }
  const c = views(be.mulAddMany(n, { a: packScalars(r), q: hOf }), n);

  const digest = transcript.statement(statement);
  const { digest: uDigest, u } = transcript.challenges(digest, c);
  const uPrime = pi.map((l) => u[l]!);

  // Commitment chain, with the running R_i and U_i.
  const rHat: Scalar[] = new Array(n);
  const R: Scalar[] = new Array(n + 1);
  const U: Scalar[] = new Array(n + 1);
  R[0] = 0n; U[0] = 1n;
  for (let i = 0; i < n; i++) {
    rHat[i] = rand();
    R[i + 1] = add(rHat[i]!, mul(uPrime[i]!, R[i]!));
    U[i + 1] = mul(uPrime[i]!, U[i]!);
  }
  const cHat = views(be.mulAddMany(n, { a: packScalars(R.slice(1)), p: h0, b: packScalars(U.slice(1)), vartime: true }), n);

  // Commitments.
  const w1 = rand(), w2 = rand(), w3 = rand();
  const w4 = Array.from({ length: k }, rand);
  const wHat: Scalar[] = new Array(n);
  const wPrime: Scalar[] = new Array(n);
  const tHatA = new Uint8Array(32 * n), tHatB = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) {
    wHat[i] = rand();
    wPrime[i] = rand();
    writeScalar(tHatA, 32 * i, add(wHat[i]!, mul(wPrime[i]!, R[i]!)));
    writeScalar(tHatB, 32 * i, mul(wPrime[i]!, U[i]!));
  }
  const tHat = views(be.mulAddMany(n, { a: tHatA, p: h0, b: tHatB, vartime: true }), n);
  const t1 = be.baseMul(w1);
  const t2 = be.baseMul(w2);
  const t3Terms = new Terms(n);
  for (let i = 0; i < n; i++) t3Terms.add(generators[i + 1]!, wPrime[i]!);
  const t3 = be.add(be.baseMul(w3), t3Terms.run(be));
  const t4: [Uint8Array, Uint8Array][] = [];
  for (let j = 0; j < k; j++) {
    const a = new Terms(n), b = new Terms(n);
    for (let i = 0; i < n; i++) {
      const at = 64 * (i * k + j);
      a.add(outputs.subarray(at, at + 32), wPrime[i]!);
      b.add(outputs.subarray(at + 32, at + 64), wPrime[i]!);
    }
    const nw = neg(w4[j]!);
    t4.push([be.add(be.baseMul(nw), a.run(be)), be.add(be.mul(pk, nw), b.run(be))]);
  }

  const ch = transcript.challenge(uDigest, { cHat, tHat, t1, t2, t3, t4 });

  // Responses.
  let rBar = 0n, rTilde = 0n;
  for (let l = 0; l < n; l++) { rBar = add(rBar, r[l]!); rTilde = add(rTilde, mul(r[l]!, u[l]!)); }
  const s4: Scalar[] = [];
  for (let j = 0; j < k; j++) {
    let rhoBar = 0n;
    for (let i = 0; i < n; i++) rhoBar = add(rhoBar, mul(rho[i]![j]!, uPrime[i]!));
    s4.push(add(w4[j]!, mul(ch, rhoBar)));
  }
  return {
    count: n,
    width: k,
    c, cHat, tHat, t1, t2, t3, t4,
    s1: add(w1, mul(ch, rBar)),
    s2: add(w2, mul(ch, R[n]!)),
    s3: add(w3, mul(ch, rTilde)),
    s4,
    sHat: rHat.map((x, i) => add(wHat[i]!, mul(ch, x))),
    sPrime: uPrime.map((x, i) => add(wPrime[i]!, mul(ch, x))),
  };
}

/** The n 32-byte points of a packed result, as views (no copies). */
function views(packed: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = packed.subarray(32 * i, 32 * i + 32);
  return out;
}
