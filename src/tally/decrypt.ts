// Threshold decryption. Trustee l publishes D = α^{s_l} for every summed ciphertext with a
// Chaum–Pedersen proof that log_g(g^{s_l}) = log_α(D). Any t valid shares combine by Lagrange
// interpolation to α^s, and g^m = β / α^s; m is found by a bounded discrete log.
import { decodeCiphertext, encodeCiphertext, type Ciphertext, type CiphertextJson } from '../crypto/elgamal.js';
import { baseMul, decodePoint, decodeScalar, encodePoint, IDENTITY, multiMulPublic, pointMul, type Point } from '../crypto/group.js';
import { proveChaumPedersen, verifyChaumPedersen } from '../crypto/proofs/chaum-pedersen.js';
import { decodeSchnorr, encodeSchnorr } from '../crypto/proofs/schnorr.js';
import { lagrangeAtZero } from '../crypto/threshold.js';
import { discreteLog } from '../crypto/dlog.js';
import type { DecryptionSharePayload } from '../record/events.js';
import { trusteeElection, type TrusteeSecret } from '../keyceremony/trustee.js';
import { signPayload, signingSecret } from '../record/signature.js';

export const TAG_DECRYPTION = 'trustee/decryption';

export const decryptionContext = (election: string, trustee: string, index: number, group: number, option: number) => ({ election, trustee, index, group, option });

export function makeDecryptionShare(secret: TrusteeSecret, sums: CiphertextJson[][]): DecryptionSharePayload {
  if (!secret.share) throw new Error('this trustee has not finished the key ceremony');
  const { election, index } = trusteeElection(secret);
  const s = decodeScalar(secret.share);
  const vk = baseMul(s);
  return signPayload(election, { role: 'trustee', id: secret.trustee }, 'decryption-share', {
    trustee: secret.trustee,
    index,
    shares: sums.map((row, g) => row.map((ctJson, i) => {
      const { alpha } = decodeCiphertext(ctJson);
      const D = pointMul(alpha, s);
      const proof = proveChaumPedersen(TAG_DECRYPTION, decryptionContext(election, secret.trustee, index, g, i), s, vk, alpha, D);
      return { D: encodePoint(D), proof: encodeSchnorr(proof) };
    })),
  }, signingSecret(secret.signing));
}

/** Checks every part of a decryption share against the trustee's verification key; returns the reason it fails, or null. */
export function checkDecryptionShare(election: string, verificationKey: Point, sums: Ciphertext[][], share: DecryptionSharePayload): string | null {
  try {
    if (!Array.isArray(share.shares) || share.shares.length !== sums.length) return 'wrong number of groups';
    for (let g = 0; g < sums.length; g++) {
      const row = share.shares[g];
      if (!Array.isArray(row) || row.length !== sums[g]!.length) return `group ${g}: wrong number of options`;
      for (let i = 0; i < row.length; i++) {
        const part = row[i]!;
        const D = decodePoint(part.D, 'D');
        if (!verifyChaumPedersen(TAG_DECRYPTION, decryptionContext(election, share.trustee, share.index, g, i), verificationKey, sums[g]![i]!.alpha, D, decodeSchnorr(part.proof))) {
          return `group ${g}, option ${i}: decryption proof does not verify`;
        }
      }
    }
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Combines t checked shares into the plaintext counts; `bound` is the largest possible count. */
export function combineShares(sums: Ciphertext[][], shares: DecryptionSharePayload[], bound: number): number[][] {
  const indices = shares.map((s) => s.index);
  if (new Set(indices).size !== indices.length) throw new Error('combine: two shares from one trustee');
  const lambdas = indices.map((i) => lagrangeAtZero(indices, i));
  return sums.map((row, g) => row.map((ct, i) => {
    const alphaS = shares.length === 0 ? IDENTITY : multiMulPublic(shares.map((s) => decodePoint(s.shares[g]![i]!.D)), lambdas);
    const m = discreteLog(ct.beta.subtract(alphaS), bound);
    if (m === null) throw new Error(`combine: group ${g}, option ${i} does not decrypt to a count in 0..${bound}`);
    return m;
  }));
}

export const encodeSums = (sums: Ciphertext[][]): CiphertextJson[][] => sums.map((row) => row.map(encodeCiphertext));
export const decodeSums = (json: unknown): Ciphertext[][] => {
  if (!Array.isArray(json)) throw new TypeError('sums: expected an array');
  return json.map((row, g) => {
    if (!Array.isArray(row)) throw new TypeError(`sums[${g}]: expected an array`);
    return row.map((c, i) => decodeCiphertext(c, `sums[${g}][${i}]`));
  });
};
