// The proof verifiers on encoded points, through the active group backend (src/crypto/backend.ts).
// Same statements, transcripts and equations as schnorr.ts, chaum-pedersen.ts and disjunctive.ts
// (docs/spec.md); only the arithmetic runs elsewhere. The transcript hashes the very encodings the
// backend returns, so no point is ever converted. Each returns exactly what its Point-based twin returns.
import { backend, type GroupBackend } from '../backend.js';
import { toBase64Url } from '../encoding.js';
import { add, G, mul, neg, randomScalar, scalarOf, type Scalar } from '../group.js';
import { hashToScalar } from '../hash.js';

/** A point as it stands in the record (canonical base64url) and its 32 bytes. */
export interface EncodedPoint { text: string; bytes: Uint8Array }

export const encodedPoint = (bytes: Uint8Array): EncodedPoint => ({ text: toBase64Url(bytes), bytes });

/** A = g^z · X^{-c}; holds when the challenge over A is c. */
export function verifySchnorrEncoded(tag: string, context: unknown, X: EncodedPoint, c: Scalar, z: Scalar, message?: unknown, be: GroupBackend = backend()): boolean {
  const A = be.baseMulAdd(z, X.bytes, neg(c));
  return hashToScalar(tag, { context, statement: { X: X.text }, message: message ?? null, commitment: toBase64Url(A) }) === c;
}

/** A1 = g^z · X^{-c}, A2 = B^z · Y^{-c}. */
export function verifyChaumPedersenEncoded(tag: string, context: unknown, X: EncodedPoint, B: EncodedPoint, Y: EncodedPoint, c: Scalar, z: Scalar, be: GroupBackend = backend()): boolean {
  const nc = neg(c);
  const A1 = be.baseMulAdd(z, X.bytes, nc);
  const A2 = be.add(be.mul(B.bytes, z), be.mul(Y.bytes, nc));
  return hashToScalar(tag, {
    context,
    statement: { X: X.text, B: B.text, Y: Y.text },
    commitment: [toBase64Url(A1), toBase64Url(A2)],
  }) === c;
}

/** The prover of equal discrete logs on the group backend (X = g^x, Y = B^x given): the only one, so the
 *  board's encoded inputs and the trustees' decryptions share it. Constant time in x and in the nonce. */
export function proveChaumPedersenEncoded(tag: string, context: unknown, x: Scalar, X: EncodedPoint, B: EncodedPoint, Y: EncodedPoint, be: GroupBackend = backend()): { c: Scalar; z: Scalar } {
  const w = randomScalar();
  const c = hashToScalar(tag, {
    context,
    statement: { X: X.text, B: B.text, Y: Y.text },
    commitment: [toBase64Url(be.baseMul(w)), toBase64Url(be.mul(B.bytes, w))],
  });
  return { c, z: add(w, mul(c, x)) };
}

// g^v for the small values a range proof names, encoded once.
const smallPowers = new Map<number, Uint8Array>();
function gPower(v: number): Uint8Array {
  let p = smallPowers.get(v);
  if (!p) {
    p = G.multiply(scalarOf(v)).toBytes();
    if (smallPowers.size < 4096) smallPowers.set(v, p);
  }
  return p;
}

const IDENTITY_ENCODING = new Uint8Array(32);
const gPowerOrIdentity = (v: number): Uint8Array => (v === 0 ? IDENTITY_ENCODING : gPower(v));

/**
 * Branch i: A_i = g^{z_i} α^{-c_i},  B_i = h^{z_i} (β / g^{v_i})^{-c_i}; the challenge over all
 * commitments must equal Σ c_i. (β / g^{v_i})^{-c_i} is β^{-c_i} g^{v_i c_i} of the spec, computed
 * with one multiplication instead of two.
 */
export function verifyDisjunctiveEncoded(
  tag: string, context: unknown, h: EncodedPoint, alpha: EncodedPoint, beta: EncodedPoint, values: number[], c: Scalar[], z: Scalar[],
  be: GroupBackend = backend(),
): boolean {
  if (c.length !== values.length || z.length !== values.length || values.length === 0) return false;
  const AB = be.disjunctive(h.bytes, alpha.bytes, beta.bytes, values.map(gPowerOrIdentity), c, z);
  const commitments: [string, string][] = new Array(values.length);
  let sum = 0n;
  for (let i = 0; i < values.length; i++) {
    commitments[i] = [toBase64Url(AB[2 * i]!), toBase64Url(AB[2 * i + 1]!)];
    sum += c[i]!;
  }
  const challenge = hashToScalar(tag, { context, statement: { h: h.text, ciphertext: [alpha.text, beta.text], values }, commitment: commitments });
  return mul(sum, 1n) === challenge;
}
