// The credential authority (spec §6.1): its own role, not the admin. It makes the voters' credentials
// on its own machine, keeps the private list (who holds which credential), and signs the public list
// and every revocation with its signing key, named in the manifest. The board and the verifier accept
// a list or a revocation only with that signature, so neither the admin nor the board operator can
// add a voter or cancel one.
import { backend, isIdentityBytes } from '../crypto/backend.js';
import { EncodingError, fromBase64Url } from '../crypto/encoding.js';
import { checkPayloadSignature, newSigningKey, signPayload, signingSecret, type SigningKeyPair } from '../record/signature.js';
import type { Manifest } from '../manifest/types.js';
import { MAX_CREDENTIAL_WEIGHT, MAX_REASON_LENGTH, MAX_TOTAL_WEIGHT, type CredentialEntry, type CredentialsPayload, type RevocationPayload } from '../record/events.js';

export interface AuthoritySecret {
  version: 'veche/authority-secret/v2';
  signing: SigningKeyPair;
}

export function newAuthority(): AuthoritySecret {
  return { version: 'veche/authority-secret/v2', signing: newSigningKey() };
}

const AUTHORITY = { role: 'credential-authority', id: null } as const;

/** The public list, with its total weight, signed. `list` must be sorted by key (issueCredentials does it). */
export function signCredentialList(election: string, list: CredentialEntry[], signing: { secret: string }): CredentialsPayload {
  const credentials = list.map((c) => ({ key: c.key, weight: c.weight }));
  const totalWeight = credentials.reduce((a, c) => a + c.weight, 0);
  return signPayload(election, AUTHORITY, 'credentials', { credentials, totalWeight }, signingSecret(signing));
}

export function signRevocation(election: string, key: string, reason: string, signing: { secret: string }): RevocationPayload {
  return signPayload(election, AUTHORITY, 'credential-revoked', { key, reason: reason.slice(0, MAX_REASON_LENGTH) }, signingSecret(signing));
}


/** A listed key: canonical base64url of a canonical ristretto255 encoding, not the identity (what
 *  decodePublicKey accepts), checked on the group backend in use: a list may hold a million keys. */
function checkCredentialKey(text: unknown, what: string): void {
  const bytes = fromBase64Url(text, 32, what);
  if (!backend().isValid(bytes)) throw new EncodingError(`${what}: not a valid ristretto255 encoding`);
  if (isIdentityBytes(bytes)) throw new EncodingError(`${what}: identity element is not a valid key`);
}
/** Why the list is refused (shape, order, weights, total, signature), or null. One check for board and verifier. */
export function checkCredentialList(election: string, manifest: Manifest, payload: unknown): { check: 'credentials.list' | 'credentials.signature'; message: string } | null {
  const p = payload as CredentialsPayload;
  if (typeof p !== 'object' || p === null || Object.keys(p).sort().join(',') !== 'credentials,signature,totalWeight') return { check: 'credentials.list', message: 'expected exactly {credentials, totalWeight, signature}' };
  if (!Array.isArray(p.credentials) || p.credentials.length === 0) return { check: 'credentials.list', message: 'expected a non-empty list' };
  let total = 0;
  for (const [i, c] of p.credentials.entries()) {
    try { checkCredentialKey(c?.key, `credentials[${i}].key`); } catch (e) { return { check: 'credentials.list', message: (e as Error).message }; }
    if (Object.keys(c).length !== 2 || !Number.isSafeInteger(c.weight) || c.weight < 1 || c.weight > MAX_CREDENTIAL_WEIGHT) return { check: 'credentials.list', message: `credentials[${i}].weight: a whole number from 1 to ${MAX_CREDENTIAL_WEIGHT}` };
    if (i > 0 && !(p.credentials[i - 1]!.key < c.key)) return { check: 'credentials.list', message: 'keys must be sorted and distinct' };
    total += c.weight;
  }
  // The bound keeps the tally's discrete log (bound = cast weight) small.
  if (total > MAX_TOTAL_WEIGHT) return { check: 'credentials.list', message: `total weight above ${MAX_TOTAL_WEIGHT}` };
  if (total !== p.totalWeight) return { check: 'credentials.list', message: `totalWeight is ${String(p.totalWeight)}, the weights sum to ${total}` };
  const bad = checkPayloadSignature(election, manifest, AUTHORITY, 'credentials', p);
  return bad ? { check: 'credentials.signature', message: `the credential list: ${bad}` } : null;
}

/** Why the revocation is refused, or null; `listed`/`revoked` are the state so far. */
export function checkRevocation(election: string, manifest: Manifest, payload: unknown, listed: (key: string) => boolean, revoked: (key: string) => boolean): { check: 'credentials.revocations' | 'credentials.signature'; code: string; message: string } | null {
  const p = payload as RevocationPayload;
  if (typeof p !== 'object' || p === null || Object.keys(p).sort().join(',') !== 'key,reason,signature' || typeof p.key !== 'string' || typeof p.reason !== 'string' || p.reason.length > MAX_REASON_LENGTH) {
    return { check: 'credentials.revocations', code: 'malformed', message: `expected exactly {key, reason (at most ${MAX_REASON_LENGTH} characters), signature}` };
  }
  if (!listed(p.key)) return { check: 'credentials.revocations', code: 'unknown-credential', message: 'no such credential on the list' };
  if (revoked(p.key)) return { check: 'credentials.revocations', code: 'duplicate', message: 'credential already revoked' };
  const bad = checkPayloadSignature(election, manifest, AUTHORITY, 'credential-revoked', p);
  return bad ? { check: 'credentials.signature', code: 'bad-signature', message: `revocation: ${bad}` } : null;
}
