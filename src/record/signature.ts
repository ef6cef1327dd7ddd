// Signed events. A trustee or the credential authority signs what it contributes to the board with
// its own signing key, whose public half is in the manifest (so the election hash binds it). The
// board relays these events and cannot make, change or replace one without failing this check.
//
//   signature = Schnorr_{event/signature}(context {election, role, signer}, key,
//                                         message {type, payload without its "signature" field})
import { baseMul, decodePublicKey, encodePoint, randomScalar, decodeScalar, encodeScalar, type Scalar } from '../crypto/group.js';
import { decodeSchnorr, encodeSchnorr, proveSchnorr, verifySchnorr, type SchnorrProofJson } from '../crypto/proofs/schnorr.js';
import type { Manifest } from '../manifest/types.js';

export const TAG_EVENT_SIGNATURE = 'event/signature';

/** Who signs: a trustee (by its manifest id) or the election's credential authority. */
export type SignerRole = 'trustee' | 'credential-authority';
export interface SignerRef { role: SignerRole; id: string | null }

export const signatureContext = (election: string, signer: SignerRef) => ({ election, role: signer.role, signer: signer.id });

/** The payload without its signature: what the signature covers (with the event type). */
export function unsignedPayload<P extends object>(payload: P): Omit<P, 'signature'> {
  const { signature: _omit, ...rest } = payload as P & { signature?: unknown };
  return rest;
}

export function signPayload<P extends object>(election: string, signer: SignerRef, type: string, payload: P, secret: Scalar): P & { signature: SchnorrProofJson } {
  const clean = unsignedPayload(payload);
  const key = baseMul(secret);
  const signature = encodeSchnorr(proveSchnorr(TAG_EVENT_SIGNATURE, signatureContext(election, signer), secret, key, { type, payload: clean }));
  return { ...(clean as P), signature };
}

/** The public signing key the manifest names for a signer, or null when it names none. */
export function signingKeyOf(manifest: Manifest, signer: SignerRef): string | null {
  if (signer.role === 'credential-authority') return manifest.credentialAuthority.signingKey;
  return manifest.trustees.find((t) => t.id === signer.id)?.signingKey ?? null;
}

/** Checks the payload's signature against the signer's key in the manifest; returns the problem, or null. */
export function checkPayloadSignature(election: string, manifest: Manifest, signer: SignerRef, type: string, payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'not an object';
  const key = signingKeyOf(manifest, signer);
  if (key === null) return `no signing key for ${signer.role} ${String(signer.id)} in the manifest`;
  const p = payload as Record<string, unknown>;
  if (!Object.hasOwn(p, 'signature')) return 'unsigned';
  try {
    const ok = verifySchnorr(TAG_EVENT_SIGNATURE, signatureContext(election, signer), decodePublicKey(key), decodeSchnorr(p.signature, 'signature'), { type, payload: unsignedPayload(p) });
    return ok ? null : `not signed by the ${signer.role === 'trustee' ? `trustee ${String(signer.id)}` : 'credential authority'}'s key`;
  } catch (e) {
    return `signature: ${(e as Error).message}`;
  }
}

/** A signing key pair, made on its owner's machine. The secret never leaves it. */
export interface SigningKeyPair { secret: string; key: string }

export function newSigningKey(): SigningKeyPair {
  const s = randomScalar();
  return { secret: encodeScalar(s), key: encodePoint(baseMul(s)) };
}

export function signingSecret(pair: { secret: string }): Scalar {
  return decodeScalar(pair.secret, 'signing secret');
}
