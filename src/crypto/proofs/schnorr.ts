// Schnorr proof of knowledge of x with X = g^x (trustee coefficients, credential signatures).
// Transcript: hashToScalar(tag, {context, statement: {X}, commitment: A}).
import { hashToScalar } from '../hash.js';
import { add, baseMul, decodeScalar, encodePoint, encodeScalar, G, mul, multiMulPublic, neg, pointBytes, randomScalar, type Point, type Scalar } from '../group.js';
import { backend } from '../backend.js';
import { verifySchnorrEncoded } from './encoded.js';

export interface SchnorrProof { c: Scalar; z: Scalar }
export interface SchnorrProofJson { c: string; z: string }

function challenge(tag: string, context: unknown, X: Point, A: Point, message: unknown): Scalar {
  return hashToScalar(tag, { context, statement: { X: encodePoint(X) }, message: message ?? null, commitment: encodePoint(A) });
}

/** Proves knowledge of x (X = g^x) bound to `context`; with `message`, it is a signature on it. */
export function proveSchnorr(tag: string, context: unknown, x: Scalar, X: Point, message?: unknown): SchnorrProof {
  const w = randomScalar();
  const A = baseMul(w);
  const c = challenge(tag, context, X, A, message);
  return { c, z: add(w, mul(c, x)) };
}

export function verifySchnorr(tag: string, context: unknown, X: Point, proof: SchnorrProof, message?: unknown): boolean {
  // With a faster backend installed, the same equation runs there (src/crypto/proofs/encoded.ts).
  if (backend().name !== 'noble') return verifySchnorrEncoded(tag, context, { text: encodePoint(X), bytes: pointBytes(X) }, proof.c, proof.z, message);
  // A = g^z · X^{-c}; the proof holds when the challenge recomputed over A is c.
  const A = multiMulPublic([G, X], [proof.z, neg(proof.c)]);
  return challenge(tag, context, X, A, message) === proof.c;
}

export const encodeSchnorr = (p: SchnorrProof): SchnorrProofJson => ({ c: encodeScalar(p.c), z: encodeScalar(p.z) });
export function decodeSchnorr(json: unknown, what = 'proof'): SchnorrProof {
  const o = json as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Object.keys(o).length !== 2) throw new TypeError(`${what}: expected {c, z}`);
  return { c: decodeScalar(o.c, `${what}.c`), z: decodeScalar(o.z, `${what}.z`) };
}
