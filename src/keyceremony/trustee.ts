// The key ceremony, trustee side. Each trustee i picks a random polynomial P_i of degree t-1,
// publishes commitments K_{i,j} = g^{a_{i,j}} with proofs, sends P_i(l) encrypted to each trustee l,
// checks what it receives against the commitments, and keeps s_l = Σ_i P_i(l). The joint key is
// h = Π_i K_{i,0}; any t trustees can decrypt, and no trustee ever holds the whole secret.
import { baseMul, decodePoint, decodePublicKey, decodeScalar, encodePoint, encodeScalar, add, randomScalar, IDENTITY, type Point, type Scalar } from '../crypto/group.js';
import { proveSchnorr, verifySchnorr, encodeSchnorr, decodeSchnorr } from '../crypto/proofs/schnorr.js';
import { decryptShare, encryptShare, evalCommitments, evalPolynomial, randomPolynomial, verificationKey } from '../crypto/threshold.js';
import type { TrusteeKeyPayload, TrusteeReadyPayload, TrusteeSharesPayload } from '../record/events.js';

export const TAG_COEFFICIENT = 'trustee/coefficient';
export const TAG_ENCRYPTION_KEY = 'trustee/encryption-key';
export const TAG_READY = 'trustee/ready';

export const coefficientContext = (election: string, trustee: string, index: number, j: number) => ({ election, trustee, index, coefficient: j });
export const encryptionKeyContext = (election: string, trustee: string, index: number) => ({ election, trustee, index });
export const shareContext = (election: string, from: string, to: string) => ({ election, from, to });
export const readyContext = (election: string, trustee: string, index: number) => ({ election, trustee, index });

/** What a trustee keeps to itself, in a file on its own machine. */
export interface TrusteeSecret {
  version: 'veche/trustee-secret/v1';
  election: string;
  trustee: string;
  index: number;
  threshold: number;
  coefficients: string[];
  encryptionSecret: string;
  /** s_l, once the ceremony is finished. */
  share?: string;
}

export function generateTrusteeKey(election: string, trustee: string, index: number, threshold: number): { secret: TrusteeSecret; published: TrusteeKeyPayload } {
  const coefficients = randomPolynomial(threshold);
  const commitments = coefficients.map(baseMul);
  const e = randomScalar();
  const E = baseMul(e);
  return {
    secret: { version: 'veche/trustee-secret/v1', election, trustee, index, threshold, coefficients: coefficients.map(encodeScalar), encryptionSecret: encodeScalar(e) },
    published: {
      trustee,
      index,
      commitments: commitments.map(encodePoint),
      proofs: coefficients.map((a, j) => encodeSchnorr(proveSchnorr(TAG_COEFFICIENT, coefficientContext(election, trustee, index, j), a, commitments[j]!))),
      encryptionKey: encodePoint(E),
      encryptionProof: encodeSchnorr(proveSchnorr(TAG_ENCRYPTION_KEY, encryptionKeyContext(election, trustee, index), e, E)),
    },
  };
}

/** Checks a trustee's published key: the right number of commitments, each with a valid proof. Returns the reason it fails, or null. */
export function checkTrusteeKey(election: string, threshold: number, key: TrusteeKeyPayload): string | null {
  try {
    if (!Array.isArray(key.commitments) || key.commitments.length !== threshold || !Array.isArray(key.proofs) || key.proofs.length !== threshold) {
      return `expected ${threshold} commitments and proofs`;
    }
    for (let j = 0; j < threshold; j++) {
      const K = decodePublicKey(key.commitments[j], `commitments[${j}]`);
      if (!verifySchnorr(TAG_COEFFICIENT, coefficientContext(election, key.trustee, key.index, j), K, decodeSchnorr(key.proofs[j]))) {
        return `proof of coefficient ${j} does not verify`;
      }
    }
    const E = decodePublicKey(key.encryptionKey, 'encryptionKey');
    if (!verifySchnorr(TAG_ENCRYPTION_KEY, encryptionKeyContext(election, key.trustee, key.index), E, decodeSchnorr(key.encryptionProof))) {
      return 'proof of the encryption key does not verify';
    }
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Round 2: P_i(l) for every other trustee l, encrypted to l's encryption key. */
export function makeShares(secret: TrusteeSecret, keys: TrusteeKeyPayload[]): TrusteeSharesPayload {
  const coefficients = secret.coefficients.map((c) => decodeScalar(c));
  const shares: TrusteeSharesPayload['shares'] = {};
  for (const k of keys) {
    if (k.trustee === secret.trustee) continue;
    shares[k.trustee] = encryptShare(shareContext(secret.election, secret.trustee, k.trustee), decodePoint(k.encryptionKey), evalPolynomial(coefficients, k.index));
  }
  return { trustee: secret.trustee, shares };
}

/** Round 3: decrypt and check every share received; keep s_l and publish g^{s_l} with a proof. */
export function finishKeyCeremony(secret: TrusteeSecret, keys: TrusteeKeyPayload[], allShares: TrusteeSharesPayload[]): { secret: TrusteeSecret; ready: TrusteeReadyPayload } {
  const e = decodeScalar(secret.encryptionSecret);
  let s: Scalar = evalPolynomial(secret.coefficients.map((c) => decodeScalar(c)), secret.index);
  for (const k of keys) {
    if (k.trustee === secret.trustee) continue;
    const from = allShares.find((x) => x.trustee === k.trustee);
    const enc = from?.shares[secret.trustee];
    if (!enc) throw new Error(`no share from trustee ${k.trustee} yet`);
    const value = decryptShare(shareContext(secret.election, k.trustee, secret.trustee), e, enc);
    // Feldman check: g^{P_i(l)} must equal Π_j K_{i,j}^{l^j}.
    if (!baseMul(value).equals(evalCommitments(k.commitments.map((c) => decodePoint(c)), secret.index))) {
      throw new Error(`the share from trustee ${k.trustee} does not match its public commitments: the ceremony must be restarted without it`);
    }
    s = add(s, value);
  }
  const vk = baseMul(s);
  const expected = verificationKey(keys.map((k) => k.commitments.map((c) => decodePoint(c))), secret.index);
  if (!vk.equals(expected)) throw new Error('internal: the combined share does not match the public commitments');
  const ready: TrusteeReadyPayload = {
    trustee: secret.trustee,
    verificationKey: encodePoint(vk),
    proof: encodeSchnorr(proveSchnorr(TAG_READY, readyContext(secret.election, secret.trustee, secret.index), s, vk)),
  };
  return { secret: { ...secret, share: encodeScalar(s) }, ready };
}

/** h = Π_i K_{i,0}. */
export function jointPublicKey(keys: TrusteeKeyPayload[]): Point {
  return keys.reduce((acc, k) => acc.add(decodePoint(k.commitments[0])), IDENTITY);
}
