// A Schnorr signature in commitment form, {R, z}, as a ballot carries it (docs/spec.md §4.5): the same
// transcript as schnorr.ts with R written, so that its equation z·g − R − e·X = 0 joins the ballot's
// linear check and a batch verifies signatures in the same multi-scalar multiplication.
import { add, baseMul, mul, pointBytes, randomScalar, type Point, type Scalar } from '../group.js';
import { toBase64Url } from '../encoding.js';
import { hashToScalar } from '../hash.js';
import { G_BYTES } from './branches.js';
import type { LinearCheck } from './linear.js';

/** e = Hq_tag({context, statement: {X}, message, commitment: R}); texts as on the record. */
export const signatureChallenge = (tag: string, context: unknown, X: string, message: unknown, R: string): Scalar =>
  hashToScalar(tag, { context, statement: { X }, message, commitment: R });

export function signCommitted(tag: string, context: unknown, x: Scalar, X: Point, message: unknown): { R: Uint8Array; z: Scalar } {
  const w = randomScalar();
  const R = pointBytes(baseMul(w));
  const e = signatureChallenge(tag, context, toBase64Url(pointBytes(X)), message, toBase64Url(R));
  return { R, z: add(w, mul(e, x)) };
}

/** Adds z·g − R − e·X = 0. */
export function signatureEquation(check: LinearCheck, what: string, X: Uint8Array, R: Uint8Array, z: Scalar, e: Scalar): void {
  check.add(what, [G_BYTES, R, X], [z, -1n, -e]);
}
