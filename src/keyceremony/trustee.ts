// The key ceremony, trustee side (spec §7). Each trustee signs everything it contributes with its own
// signing key, named in the manifest. Round 0: commit to the key it will publish (so that no trustee
// can pick its key after seeing the others'). Round 1: reveal the key: commitments K_{i,j} = g^{a_{i,j}}
// to a random polynomial P_i of degree t-1, with proofs, and an encryption key. Round 2: send P_i(l)
// encrypted to each trustee l. Round 3: check what it received against the commitments and either
// publish g^{s_l}, s_l = Σ_i P_i(l), or a complaint that anyone can judge from the record. The joint
// key is h = Π_i K_{i,0}; any t trustees can decrypt, and no trustee ever holds the whole secret.
import { baseMul, decodePoint, decodePublicKey, decodeScalar, encodePoint, encodeScalar, add, randomScalar, IDENTITY, pointMul, type Point, type Scalar } from '../crypto/group.js';
import { hashHex } from '../crypto/hash.js';
import { proveSchnorr, verifySchnorr, encodeSchnorr, decodeSchnorr } from '../crypto/proofs/schnorr.js';
import { proveChaumPedersen, verifyChaumPedersen } from '../crypto/proofs/chaum-pedersen.js';
import { decryptShare, encryptShare, evalCommitments, evalPolynomial, openShare, randomPolynomial, verificationKey } from '../crypto/threshold.js';
import { newSigningKey, signPayload, signingSecret, type SigningKeyPair } from '../record/signature.js';
import type { Manifest } from '../manifest/types.js';
import type { TrusteeCommitmentPayload, TrusteeComplaintPayload, TrusteeKeyPayload, TrusteeReadyPayload, TrusteeSharesPayload } from '../record/events.js';

export const TAG_COEFFICIENT = 'trustee/coefficient';
export const TAG_ENCRYPTION_KEY = 'trustee/encryption-key';
export const TAG_READY = 'trustee/ready';
export const TAG_KEY_COMMITMENT = 'trustee/key-commitment';
export const TAG_COMPLAINT = 'trustee/complaint';

export const coefficientContext = (election: string, trustee: string, index: number, j: number) => ({ election, trustee, index, coefficient: j });
export const encryptionKeyContext = (election: string, trustee: string, index: number) => ({ election, trustee, index });
/** A share is bound to its election, its sender, its recipient and the recipient's encryption key. */
export const shareContext = (election: string, from: string, to: string, key: string) => ({ election, from, to, key });
export const readyContext = (election: string, trustee: string, index: number) => ({ election, trustee, index });
export const complaintContext = (election: string, trustee: string, against: string) => ({ election, trustee, against });

/** What a trustee keeps to itself, in a file on its own machine (or the trustee page's storage). */
export interface TrusteeSecret {
  version: 'veche/trustee-secret/v2';
  trustee: string;
  /** The trustee's signing key pair; the public key goes into the manifest. */
  signing: SigningKeyPair;
  /** Set when the trustee commits to its key in an election. */
  election?: string;
  index?: number;
  threshold?: number;
  coefficients?: string[];
  encryptionSecret?: string;
  /** The signed trustee-key payload it committed to, revealed in round 1. */
  key?: TrusteeKeyPayload;
  /** s_l, once the ceremony is finished. */
  share?: string;
  /** What the trustee's tool has checked the board against (src/keyceremony/board-check.ts). */
  submitted?: { type: string; payloadHash: string }[];
  seen?: { seq: number; hash: string };
}

/** A trustee's identity: its signing key pair, made before the election exists. */
export function newTrustee(trustee: string): TrusteeSecret {
  return { version: 'veche/trustee-secret/v2', trustee, signing: newSigningKey() };
}

const sign = <P extends object>(secret: TrusteeSecret, election: string, type: string, payload: P) =>
  signPayload(election, { role: 'trustee', id: secret.trustee }, type, payload, signingSecret(secret.signing));

function bound(secret: TrusteeSecret): { election: string; index: number; threshold: number; coefficients: Scalar[]; e: Scalar } {
  if (!secret.election || !secret.index || !secret.threshold || !secret.coefficients || !secret.encryptionSecret) throw new Error('this trustee has not made its key for an election yet');
  return { election: secret.election, index: secret.index, threshold: secret.threshold, coefficients: secret.coefficients.map((c) => decodeScalar(c)), e: decodeScalar(secret.encryptionSecret) };
}

export function keyCommitment(election: string, key: TrusteeKeyPayload): string {
  return hashHex(TAG_KEY_COMMITMENT, { election, key });
}

/** Round 0: draws the polynomial and the encryption key, makes the signed key payload, and commits to it. */
export function commitTrusteeKey(secret: TrusteeSecret, election: string, manifest: Manifest): { secret: TrusteeSecret; commitment: TrusteeCommitmentPayload } {
  const index = manifest.trustees.findIndex((t) => t.id === secret.trustee) + 1;
  if (index === 0) throw new Error(`no trustee "${secret.trustee}" in this election`);
  if (manifest.trustees[index - 1]!.signingKey !== secret.signing.key) throw new Error(`the manifest names another signing key for trustee ${secret.trustee} than this trustee's`);
  if (secret.election !== undefined) throw new Error(`this trustee file already holds a key for election ${secret.election}`);
  const threshold = manifest.threshold;
  const coefficients = randomPolynomial(threshold);
  const commitments = coefficients.map(baseMul);
  const e = randomScalar();
  const E = baseMul(e);
  const trustee = secret.trustee;
  const key = sign(secret, election, 'trustee-key', {
    trustee,
    index,
    commitments: commitments.map(encodePoint),
    proofs: coefficients.map((a, j) => encodeSchnorr(proveSchnorr(TAG_COEFFICIENT, coefficientContext(election, trustee, index, j), a, commitments[j]!))),
    encryptionKey: encodePoint(E),
    encryptionProof: encodeSchnorr(proveSchnorr(TAG_ENCRYPTION_KEY, encryptionKeyContext(election, trustee, index), e, E)),
  });
  const next: TrusteeSecret = { ...secret, election, index, threshold, coefficients: coefficients.map(encodeScalar), encryptionSecret: encodeScalar(e), key };
  return { secret: next, commitment: sign(secret, election, 'trustee-commitment', { trustee, commitment: keyCommitment(election, key) }) };
}

/** Round 1: the key committed to in round 0. */
export function revealTrusteeKey(secret: TrusteeSecret): TrusteeKeyPayload {
  if (!secret.key) throw new Error('this trustee has not committed to a key yet');
  return secret.key;
}

/** Checks a trustee's published key (without its signature): the right number of commitments, each with a valid proof. Returns the reason it fails, or null. */
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

/** Round 2: P_i(l) for every other trustee l, encrypted to l's encryption key, signed. */
export function makeShares(secret: TrusteeSecret, keys: TrusteeKeyPayload[]): TrusteeSharesPayload {
  const { election, coefficients } = bound(secret);
  const shares: TrusteeSharesPayload['shares'] = {};
  for (const k of keys) {
    if (k.trustee === secret.trustee) continue;
    shares[k.trustee] = encryptShare(shareContext(election, secret.trustee, k.trustee, k.encryptionKey), decodePublicKey(k.encryptionKey), evalPolynomial(coefficients, k.index));
  }
  return sign(secret, election, 'trustee-shares', { trustee: secret.trustee, shares });
}

/** Why the share `from` sent to `to` is bad, given S = R^e_to; null when it is good. */
export function shareFault(election: string, from: TrusteeKeyPayload, to: TrusteeKeyPayload, sent: TrusteeSharesPayload, S: Point): string | null {
  const enc = sent.shares[to.trustee];
  if (!enc) return `no share for ${to.trustee}`;
  let value: Scalar;
  try {
    value = openShare(shareContext(election, from.trustee, to.trustee, to.encryptionKey), S, enc);
  } catch (e) {
    return `the share does not open: ${(e as Error).message}`;
  }
  // Feldman check: g^{P_i(l)} must equal Π_j K_{i,j}^{l^j}.
  if (!baseMul(value).equals(evalCommitments(from.commitments.map((c) => decodePoint(c)), to.index))) return 'the share does not match the sender\'s public commitments';
  return null;
}

export type CeremonyOutcome =
  | { kind: 'ready'; secret: TrusteeSecret; ready: TrusteeReadyPayload }
  | { kind: 'complaints'; complaints: TrusteeComplaintPayload[] };

/** Round 3: decrypt and check every share received. All good: keep s_l and publish g^{s_l} with a proof.
 *  Otherwise: one complaint per sender at fault, each revealing S = R^e so anyone can judge it. */
export function finishKeyCeremony(secret: TrusteeSecret, keys: TrusteeKeyPayload[], allShares: TrusteeSharesPayload[]): CeremonyOutcome {
  const { election, index, coefficients, e } = bound(secret);
  const mine = keys.find((k) => k.trustee === secret.trustee);
  if (!mine) throw new Error('this trustee\'s key is not on the board');
  let s: Scalar = evalPolynomial(coefficients, index);
  const complaints: TrusteeComplaintPayload[] = [];
  for (const k of keys) {
    if (k.trustee === secret.trustee) continue;
    const from = allShares.find((x) => x.trustee === k.trustee);
    if (!from?.shares[secret.trustee]) throw new Error(`no share from trustee ${k.trustee} yet`);
    const enc = from.shares[secret.trustee]!;
    const R = decodePoint(enc.R, 'share.R');
    const S = pointMul(R, e);
    if (shareFault(election, k, mine, from, S) !== null) {
      const proof = proveChaumPedersen(TAG_COMPLAINT, complaintContext(election, secret.trustee, k.trustee), e, decodePublicKey(mine.encryptionKey), R, S);
      complaints.push(sign(secret, election, 'trustee-complaint', { trustee: secret.trustee, against: k.trustee, S: encodePoint(S), proof: encodeSchnorr(proof) }));
      continue;
    }
    s = add(s, decryptShare(shareContext(election, k.trustee, secret.trustee, mine.encryptionKey), e, enc));
  }
  if (complaints.length > 0) return { kind: 'complaints', complaints };
  const vk = baseMul(s);
  const expected = verificationKey(keys.map((k) => k.commitments.map((c) => decodePoint(c))), index);
  if (!vk.equals(expected)) throw new Error('internal: the combined share does not match the public commitments');
  const ready = sign(secret, election, 'trustee-ready', {
    trustee: secret.trustee,
    verificationKey: encodePoint(vk),
    proof: encodeSchnorr(proveSchnorr(TAG_READY, readyContext(election, secret.trustee, index), s, vk)),
  });
  return { kind: 'ready', secret: { ...secret, share: encodeScalar(s) }, ready };
}

/** Who is at fault in a complaint, judged from public data alone: the accused if the revealed S is
 *  proven to be R^e of the complainer and the share it opens is bad; otherwise the complainer. */
export function judgeComplaint(election: string, complaint: TrusteeComplaintPayload, complainer: TrusteeKeyPayload, accused: TrusteeKeyPayload, accusedShares: TrusteeSharesPayload): { atFault: string; reason: string } {
  const enc = accusedShares.shares[complainer.trustee];
  try {
    if (!enc) return { atFault: accused.trustee, reason: 'sent no share' };
    const R = decodePoint(enc.R, 'share.R');
    const S = decodePoint(complaint.S, 'S');
    if (!verifyChaumPedersen(TAG_COMPLAINT, complaintContext(election, complaint.trustee, complaint.against), decodePublicKey(complainer.encryptionKey), R, S, decodeSchnorr(complaint.proof))) {
      return { atFault: complainer.trustee, reason: 'the complaint\'s proof that S = R^e does not verify' };
    }
    const fault = shareFault(election, accused, complainer, accusedShares, S);
    return fault ? { atFault: accused.trustee, reason: fault } : { atFault: complainer.trustee, reason: 'the share opens and matches the commitments: a false complaint' };
  } catch (e) {
    return { atFault: complainer.trustee, reason: `the complaint cannot be read: ${(e as Error).message}` };
  }
}

/** h = Π_i K_{i,0}. */
export function jointPublicKey(keys: TrusteeKeyPayload[]): Point {
  return keys.reduce((acc, k) => acc.add(decodePoint(k.commitments[0])), IDENTITY);
}

/** The election-bound parts of a trustee secret, for steps after round 0. */
export function trusteeElection(secret: TrusteeSecret): { election: string; index: number } {
  const b = bound(secret);
  return { election: b.election, index: b.index };
}
