// Exponential ElGamal: Enc(m; r) = (g^r, g^m · h^r). Adding ciphertexts adds plaintexts.
import { baseMul, decodePoint, encodePoint, fixedBase, IDENTITY, pointMul, pointMulPublic, randomScalar, type Point, type Scalar } from './group.js';

export interface Ciphertext {
  alpha: Point;
  beta: Point;
}

/** Wire form: [alpha, beta] as base64url points. */
export type CiphertextJson = [string, string];

export function encrypt(publicKey: Point, m: number | bigint, r: Scalar = randomScalar()): { ct: Ciphertext; r: Scalar } {
  const h = fixedBase(publicKey);
  const gm = baseMul(BigInt(m));
  return { ct: { alpha: baseMul(r), beta: gm.add(pointMul(h, r)) }, r };
}

export const ZERO_CIPHERTEXT: Ciphertext = { alpha: IDENTITY, beta: IDENTITY };

export function addCiphertexts(a: Ciphertext, b: Ciphertext): Ciphertext {
  return { alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) };
}

/** c^k: the ciphertext of k·m (weights). */
export function scaleCiphertext(c: Ciphertext, k: Scalar): Ciphertext {
  if (k === 1n) return c;
  return { alpha: pointMulPublic(c.alpha, k), beta: pointMulPublic(c.beta, k) };
}

export function ciphertextEquals(a: Ciphertext, b: Ciphertext): boolean {
  return a.alpha.equals(b.alpha) && a.beta.equals(b.beta);
}

export function encodeCiphertext(c: Ciphertext): CiphertextJson {
  return [encodePoint(c.alpha), encodePoint(c.beta)];
}

export function decodeCiphertext(json: unknown, what = 'ciphertext'): Ciphertext {
  if (!Array.isArray(json) || json.length !== 2) throw new TypeError(`${what}: expected [alpha, beta]`);
  return { alpha: decodePoint(json[0], `${what}.alpha`), beta: decodePoint(json[1], `${what}.beta`) };
}
