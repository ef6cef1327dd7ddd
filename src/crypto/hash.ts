// Domain-separated hashes. Each use has its own tag, so a hash made for one purpose is never
// accepted for another. Input is always canonical JSON, so the whole statement is hashed.
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { canonicalJson, utf8, toHex } from './encoding.js';
import { scalarFromWideBytes, type Scalar } from './group.js';

export const PROTOCOL = 'veche/v2';

/** Bytes hashed for `tag` and `value`: "veche/v2/" || tag || 0x00 || canonicalJson(value). */
export function taggedBytes(tag: string, value: unknown): Uint8Array {
  return taggedCanonical(tag, canonicalJson(value));
}

function taggedCanonical(tag: string, canonical: string): Uint8Array {
  const prefix = utf8(`${PROTOCOL}/${tag}\u0000`);
  const body = utf8(canonical);
  const bytes = new Uint8Array(prefix.length + body.length);
  bytes.set(prefix, 0);
  bytes.set(body, prefix.length);
  return bytes;
}

/** SHA-256 of the tagged encoding, as lowercase hex (used for event hashes, election hash, tracking codes). */
export function hashHex(tag: string, value: unknown): string {
  return toHex(sha256(taggedBytes(tag, value)));
}

/** hashHex of a value given as its canonical JSON, which the caller has checked is canonical (a record
 *  line is): the same hash without serializing the value again. */
export function hashHexOfCanonical(tag: string, canonical: string): string {
  return toHex(sha256(taggedCanonical(tag, canonical)));
}

/** A challenge: SHA-512 of the tagged encoding, read little-endian and reduced mod the group order. */
export function hashToScalar(tag: string, value: unknown): Scalar {
  return scalarFromWideBytes(sha512(taggedBytes(tag, value)));
}
