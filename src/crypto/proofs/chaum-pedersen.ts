// Chaum–Pedersen proof of equal discrete logs: X = g^x and Y = B^x (decryption shares).
// Transcript: hashToScalar(tag, {context, statement: {X, B, Y}, commitment: [A1, A2]}).
import { hashToScalar } from '../hash.js';
import { encodePoint, G, multiMulPublic, neg, pointBytes, type Point, type Scalar } from '../group.js';
import { backend } from '../backend.js';
import { proveChaumPedersenEncoded, verifyChaumPedersenEncoded, type EncodedPoint } from './encoded.js';
import type { SchnorrProof } from './schnorr.js';

export type ChaumPedersenProof = SchnorrProof;

function challenge(tag: string, context: unknown, X: Point, B: Point, Y: Point, A1: Point, A2: Point): Scalar {
  return hashToScalar(tag, {
    context,
    statement: { X: encodePoint(X), B: encodePoint(B), Y: encodePoint(Y) },
    commitment: [encodePoint(A1), encodePoint(A2)],
  });
}

export function proveChaumPedersen(tag: string, context: unknown, x: Scalar, X: Point, B: Point, Y: Point): ChaumPedersenProof {
  const enc = (p: Point): EncodedPoint => ({ text: encodePoint(p), bytes: pointBytes(p) });
  return proveChaumPedersenEncoded(tag, context, x, enc(X), enc(B), enc(Y));
}

export function verifyChaumPedersen(tag: string, context: unknown, X: Point, B: Point, Y: Point, proof: ChaumPedersenProof): boolean {
  if (backend().name !== 'noble') {
    const enc = (p: Point): EncodedPoint => ({ text: encodePoint(p), bytes: pointBytes(p) });
    return verifyChaumPedersenEncoded(tag, context, enc(X), enc(B), enc(Y), proof.c, proof.z);
  }
  const nc = neg(proof.c);
  const A1 = multiMulPublic([G, X], [proof.z, nc]);
  const A2 = multiMulPublic([B, Y], [proof.z, nc]);
  return challenge(tag, context, X, B, Y, A1, A2) === proof.c;
}
