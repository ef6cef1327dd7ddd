// Voter credentials. The voter holds a short secret string; the key pair derived from it signs the
// ballot. Only the public keys (with weights) go on the board, so the board never learns who is who.
import { randomBytes } from '@noble/hashes/utils.js';
import { hashToScalar } from '../crypto/hash.js';
import { baseMul, encodePoint, type Point, type Scalar } from '../crypto/group.js';
import type { CredentialEntry } from '../record/events.js';

// Crockford base32 without I, L, O, U: easy to read aloud and type.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CREDENTIAL_PATTERN = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/;

/** 25 symbols of 5 bits = 125 bits of entropy, written XXXXX-XXXXX-XXXXX-XXXXX-XXXXX. */
export function newCredential(): string {
  const bytes = randomBytes(25);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]);
  const groups: string[] = [];
  for (let i = 0; i < 25; i += 5) groups.push(chars.slice(i, i + 5).join(''));
  return groups.join('-');
}

export function normalizeCredential(text: string): string {
  const clean = text.trim().toUpperCase().replace(/[\s-]/g, '');
  return clean.replace(/(.{5})(?=.)/g, '$1-');
}

/** sk = H("credential", {election, credential}) mod q, pk = g^sk. */
export function credentialKeys(electionHash: string, credential: string): { secret: Scalar; publicKey: Point; key: string } {
  const normalized = normalizeCredential(credential);
  if (!CREDENTIAL_PATTERN.test(normalized)) throw new Error('credential: expected 25 characters like XXXXX-XXXXX-XXXXX-XXXXX-XXXXX');
  const secret = hashToScalar('credential', { election: electionHash, credential: normalized });
  const publicKey = baseMul(secret);
  return { secret, publicKey, key: encodePoint(publicKey) };
}

export interface IssuedCredential { voter: string; credential: string; key: string; weight: number }

/** Makes one credential per voter; the public list is sorted by key so it says nothing of voter order.
 *  Refuses to hand two voters the same credential (a clash attack); `generate` is for tests only. */
export function issueCredentials(electionHash: string, voters: { id: string; weight?: number }[], generate: () => string = newCredential): { private: IssuedCredential[]; public: CredentialEntry[] } {
  const issued = voters.map((v) => {
    const credential = generate();
    const weight = v.weight ?? 1;
    if (!Number.isSafeInteger(weight) || weight < 1) throw new Error(`voter ${v.id}: weight must be a positive integer`);
    return { voter: v.id, credential, key: credentialKeys(electionHash, credential).key, weight };
  });
  const publicList = issued.map((c) => ({ key: c.key, weight: c.weight })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < publicList.length; i++) if (publicList[i]!.key === publicList[i - 1]!.key) throw new Error('credential collision');
  return { private: issued, public: publicList };
}
