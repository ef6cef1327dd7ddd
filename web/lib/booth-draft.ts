// The booth's unfinished ballot across a reload (issue 11, point 9): sealed, never in the clear.
// The voter's picks and their step are kept in this tab's sessionStorage only as XChaCha20-Poly1305
// ciphertext (@noble/ciphers) under a key derived from the credential, which is itself never written
// anywhere. After a reload the booth has neither: the voter enters the credential again, and only then
// can the draft be opened. A tab closed takes the ciphertext with it; a cast ballot deletes it.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { fromBase64Url, fromHex, toBase64Url, utf8 } from '../../src/crypto/encoding.js';
import { hashHex } from '../../src/crypto/hash.js';

const FORMAT = 'v1';
const NONCE_BYTES = 24;
const storageKey = (electionId: string) => `veche.booth.draft:${electionId}`;

/** The draft key: H_booth/draft-key({election, credential}) as 32 bytes (the normalized credential text). */
export function draftKey(electionHash: string, credential: string): Uint8Array {
  return fromHex(hashHex('booth/draft-key', { election: electionHash, credential }), 32, 'draft key');
}

/** Seals `value` (JSON) under `key`; the election hash is the associated data, so a draft never opens in another election. */
export function sealDraft(electionId: string, electionHash: string, key: Uint8Array, value: unknown): void {
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = xchacha20poly1305(key, nonce, utf8(electionHash)).encrypt(utf8(JSON.stringify(value)));
  try { sessionStorage.setItem(storageKey(electionId), `${FORMAT}.${toBase64Url(nonce)}.${toBase64Url(sealed)}`); } catch { /* memory only: a reload then starts afresh */ }
}

/** Opens the draft sealed under `key`, or null (none, another credential's, or damaged). */
export function openDraft(electionId: string, electionHash: string, key: Uint8Array): unknown {
  let text: string | null = null;
  try { text = sessionStorage.getItem(storageKey(electionId)); } catch { return null; }
  const parts = text?.split('.') ?? [];
  if (parts.length !== 3 || parts[0] !== FORMAT) return null;
  try {
    const nonce = fromBase64Url(parts[1], NONCE_BYTES, 'nonce');
    const sealedLength = Math.floor((parts[2]!.length * 3) / 4);
    const plain = xchacha20poly1305(key, nonce, utf8(electionHash)).decrypt(fromBase64Url(parts[2], sealedLength, 'draft'));
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch {
    return null;
  }
}

/** Whether this tab holds a sealed draft for the election (the booth says so after a reload). */
export function hasDraft(electionId: string): boolean {
  try { return sessionStorage.getItem(storageKey(electionId)) !== null; } catch { return false; }
}

export function forgetDraft(electionId: string): void {
  try { sessionStorage.removeItem(storageKey(electionId)); } catch { /* nothing kept */ }
}
