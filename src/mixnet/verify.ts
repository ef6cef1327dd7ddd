// The verifier of the proof of shuffle (Haenni et al., FC 2017, Algorithm CheckProof, for rows of width
// k; docs/spec.md §18.5.3). The N + 3 + 2k equations of CheckProof are checked at once: each is
// multiplied by its own random 128-bit weight from the verifier's CSPRNG and the products are one
// multi-scalar multiplication, which must give the identity. A false equation passes with probability
// at most 2^-128 (small-exponent batch test in a group of prime order).
import { randomBytes } from '@noble/hashes/utils.js';
import { backend, isIdentityBytes, type GroupBackend } from '../crypto/backend.js';
import { add, mul, neg, type Scalar } from '../crypto/group.js';
import { checkContext } from './context.js';
import { decodeProof, isGoodPoint, MixnetFormatError, packRows, type Row } from './encoding.js';
import { deriveGenerators, generatorSeed } from './generators.js';
import { Terms } from './msm.js';
import { readUnsignedLE } from './scalars.js';
import { bufferedRandom } from './permutation.js';
import { TRANSCRIPT, type Statement } from './transcript.js';
import type { ShuffleContext } from './context.js';

export type ShuffleCheck = { ok: true } | { ok: false; reason: string };

const WEIGHT_BYTES = 16;

/**
 * Does `proof` show that rowsOut is rowsIn re-encrypted under publicKey and permuted, for this
 * context? Refuses, with the reason, anything malformed: a bad context or key, rows of unequal counts or
 * widths, a non-canonical or identity point, a proof of the wrong size or with an unreduced scalar.
 */
export function checkShuffle(ctx: ShuffleContext, publicKey: Uint8Array, rowsIn: Row[], rowsOut: Row[], proof: Uint8Array, be: GroupBackend = backend()): ShuffleCheck {
  try {
    const context = checkContext(ctx);
    if (!isGoodPoint(be, publicKey)) return { ok: false, reason: 'public key: not a canonical non-identity ristretto255 point' };
    // Every point below is a term of the one msm at the end, which decodes each canonically (and throws
    // otherwise); here only their shapes and that none is the identity.
    const input = packRows(be, rowsIn, 'input rows', 'shape');
    const output = packRows(be, rowsOut, 'output rows', 'shape');
    if (input.count !== output.count) return { ok: false, reason: `the shuffle has ${input.count} input rows but ${output.count} output rows` };
    if (input.width !== output.width) return { ok: false, reason: `input rows hold ${input.width} ciphertexts but output rows ${output.width}` };
    const n = input.count, k = input.width;
    const p = decodeProof(be, proof, n, k, 'shape');
    if (n === 0) return { ok: true }; // the empty shuffle: no rows in, none out, the 6-byte empty proof
    const seed = generatorSeed(context);
    const h = deriveGenerators(seed, n, be);
    const statement: Statement = { context, publicKey, seed, count: n, width: k, inputs: input.packed, outputs: output.packed };
    const { digest: uDigest, u } = TRANSCRIPT.challenges(TRANSCRIPT.statement(statement), p.c);
    const c = TRANSCRIPT.challenge(uDigest, p);

    // The weights: δ1, δ2, δ3, δ_{α,j}, δ_{β,j} (j < k), δ̂_i (i < N).
    const weights = bufferedRandom(randomBytes)(WEIGHT_BYTES * (n + 3 + 2 * k));
    let w = 0;
    const weight = () => readUnsignedLE(weights, WEIGHT_BYTES * w++, WEIGHT_BYTES);
    const d1 = weight(), d2 = weight(), d3 = weight();
    const dA: Scalar[] = [], dB: Scalar[] = [];
    for (let j = 0; j < k; j++) { dA.push(weight()); dB.push(weight()); }
    const dHat: Scalar[] = Array.from({ length: n }, weight);

    let uProduct = 1n;
    for (const ui of u) uProduct = mul(uProduct, ui);
    const terms = new Terms(6 + 2 * k + n * (4 + 4 * k));
    // g and pk.
    let gk = add(add(mul(d1, p.s1), mul(d2, p.s2)), mul(d3, p.s3));
    let pkk = 0n;
    for (let j = 0; j < k; j++) { gk = add(gk, neg(mul(dA[j]!, p.s4[j]!))); pkk = add(pkk, neg(mul(dB[j]!, p.s4[j]!))); }
    for (let i = 0; i < n; i++) gk = add(gk, mul(dHat[i]!, p.sHat[i]!));
    terms.add(be.baseMul(1n), gk);
    terms.add(publicKey, pkk);
    // h_0 = ĉ_0, then h_1..h_N.
    terms.add(h[0]!, add(mul(mul(d2, c), uProduct), mul(dHat[0]!, p.sPrime[0]!)));
    const d1c = mul(d1, c);
    for (let i = 0; i < n; i++) terms.add(h[i + 1]!, add(d1c, mul(d3, p.sPrime[i]!)));
    // The permutation commitment.
    for (let i = 0; i < n; i++) terms.add(p.c[i]!, neg(mul(c, add(d1, mul(d3, u[i]!)))));
    // The chain ĉ_i, in t̂_i's equation (−c) and in t̂_{i+1}'s (s'_{i+1}); ĉ_N in t_2's too.
    for (let i = 0; i < n - 1; i++) terms.add(p.cHat[i]!, add(neg(mul(dHat[i]!, c)), mul(dHat[i + 1]!, p.sPrime[i + 1]!)));
    terms.add(p.cHat[n - 1]!, neg(mul(c, add(dHat[n - 1]!, d2))));
    // The commitments, each with minus its weight.
    for (let i = 0; i < n; i++) terms.add(p.tHat[i]!, neg(dHat[i]!));
    terms.add(p.t1, neg(d1));
    terms.add(p.t2, neg(d2));
    terms.add(p.t3, neg(d3));
    for (let j = 0; j < k; j++) { terms.add(p.t4[j]![0], neg(dA[j]!)); terms.add(p.t4[j]![1], neg(dB[j]!)); }
    // The ciphertexts: inputs with −c·u_i, outputs with s'_i, per column weight.
    for (let i = 0; i < n; i++) {
      const cu = neg(mul(c, u[i]!));
      for (let j = 0; j < k; j++) {
        const at = 64 * (i * k + j);
        terms.add(input.packed.subarray(at, at + 32), mul(cu, dA[j]!));
        terms.add(input.packed.subarray(at + 32, at + 64), mul(cu, dB[j]!));
        terms.add(output.packed.subarray(at, at + 32), mul(p.sPrime[i]!, dA[j]!));
        terms.add(output.packed.subarray(at + 32, at + 64), mul(p.sPrime[i]!, dB[j]!));
      }
    }
    let product: Uint8Array;
    try {
      product = terms.run(be);
    } catch (e) {
      // The scalars are ours and reduced: a refusal here is a point (src/crypto/backend.ts msm).
      if (/canonical/.test((e as Error).message)) return { ok: false, reason: 'a point of the rows or the proof is not a canonical ristretto255 encoding' };
      throw e;
    }
    if (!isIdentityBytes(product)) return { ok: false, reason: 'the proof of shuffle does not hold' };
    return { ok: true };
  } catch (e) {
    if (e instanceof MixnetFormatError || e instanceof TypeError) return { ok: false, reason: e.message };
    throw e;
  }
}
