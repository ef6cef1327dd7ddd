// Threshold sharing (Feldman VSS / Pedersen-style joint key): polynomials, public commitments,
// share checks and Lagrange coefficients at 0. Trustee indices are 1..n.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { taggedBytes } from './hash.js';
import { add, baseMul, decodePoint, decodeScalar, encodePoint, IDENTITY, inv, mul, multiMulPublic, pointMul, randomScalar, scalarOf, sub, toScalarBytes, type Point, type Scalar } from './group.js';
import { fromBase64Url, toBase64Url } from './encoding.js';

/** a_0 + a_1 x + ... + a_{t-1} x^{t-1}, coefficients chosen uniformly at random. */
export function randomPolynomial(threshold: number): Scalar[] {
  return Array.from({ length: threshold }, () => randomScalar());
}

export function evalPolynomial(coefficients: Scalar[], x: number): Scalar {
  const xs = scalarOf(x);
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = add(mul(acc, xs), coefficients[j]!);
  return acc;
}

/** Π_j K_j^{x^j}: g raised to the polynomial's value at x, from its public commitments. */
export function evalCommitments(commitments: Point[], x: number): Point {
  const xs = scalarOf(x);
  const powers: Scalar[] = [];
  let p = 1n;
  for (let j = 0; j < commitments.length; j++) { powers.push(p); p = mul(p, xs); }
  return multiMulPublic(commitments, powers);
}

/** The public verification key of trustee `index`: g^{s_index} = Π_i Π_j K_{i,j}^{index^j}. */
export function verificationKey(allCommitments: Point[][], index: number): Point {
  return allCommitments.reduce((acc, cs) => acc.add(evalCommitments(cs, index)), IDENTITY);
}

/** λ_i = Π_{j≠i} j / (j − i), so that s = Σ λ_i s_i for any `threshold` distinct indices. */
export function lagrangeAtZero(indices: number[], i: number): Scalar {
  let num = 1n;
  let den = 1n;
  for (const j of indices) {
    if (j === i) continue;
    num = mul(num, scalarOf(j));
    den = mul(den, sub(scalarOf(j), scalarOf(i)));
  }
  return mul(num, inv(den));
}

export interface EncryptedShare {
  /** Ephemeral key R = g^r. */
  R: string;
  /** share (32 bytes) XOR mask. */
  data: string;
  /** HMAC-SHA-256 over R and data. */
  mac: string;
}

function shareKeys(context: unknown, R: Point, S: Point): { mask: Uint8Array; macKey: Uint8Array } {
  const k = sha512(taggedBytes('share-key', { context, R: encodePoint(R), S: encodePoint(S) }));
  return { mask: k.slice(0, 32), macKey: k.slice(32) };
}

/** Hashed ElGamal: encrypts a share to the recipient's encryption key E (only E's owner can read it). */
export function encryptShare(context: unknown, E: Point, share: Scalar): EncryptedShare {
  const r = randomScalar();
  const R = baseMul(r);
  const { mask, macKey } = shareKeys(context, R, pointMul(E, r));
  const bytes = toScalarBytes(share);
  for (let i = 0; i < 32; i++) bytes[i]! ^= mask[i]!;
  const Rs = encodePoint(R);
  const data = toBase64Url(bytes);
  const mac = toBase64Url(hmac(sha256, macKey, taggedBytes('share-mac', { R: Rs, data })));
  return { R: Rs, data, mac };
}

export function decryptShare(context: unknown, e: Scalar, enc: EncryptedShare): Scalar {
  const R = decodePoint(enc.R, 'share.R');
  return openShare(context, pointMul(R, e), enc);
}

/** Opens a share given S = R^e: the recipient's way, and anyone's once a complaint reveals S (spec §7.5). */
export function openShare(context: unknown, S: Point, enc: EncryptedShare): Scalar {
  const R = decodePoint(enc.R, 'share.R');
  const { mask, macKey } = shareKeys(context, R, S);
  const mac = hmac(sha256, macKey, taggedBytes('share-mac', { R: enc.R, data: enc.data }));
  if (!sameBytes(mac, fromBase64Url(enc.mac, 32, 'share.mac'))) throw new Error('encrypted share: authentication failed');
  const bytes = fromBase64Url(enc.data, 32, 'share.data');
  for (let i = 0; i < 32; i++) bytes[i]! ^= mask[i]!;
  return decodeScalar(toBase64Url(bytes), 'share');
}

/** Constant-time comparison of two byte strings of equal length. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
