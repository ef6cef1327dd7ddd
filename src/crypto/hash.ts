// Domain-separated hashes. Each use has its own tag, so a hash made for one purpose is never
// accepted for another. Input is always canonical JSON, so the whole statement is hashed.
// On Node the digests come from node:crypto (OpenSSL, several times faster on a ballot's kilobytes);
// in the browser from @noble/hashes. Both hash the same bytes (test/crypto-hash.test.ts).
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { canonicalJson, utf8, toHex } from './encoding.js';
import { mod, type Scalar } from './group.js';

export const PROTOCOL = 'veche/v2';

type Algorithm = 'sha256' | 'sha512';
type NodeCrypto = {
  createHash(alg: string): { update(s: string, enc: 'utf8'): { digest(): Uint8Array } };
  /** One-shot digest (Node >= 20.12): no Hash object per call, ~1 µs less on a short input. */
  hash?: (alg: string, data: string, out: 'buffer') => Uint8Array;
};

// process.getBuiltinModule (Node >= 20.16) loads node:crypto without an import a browser bundle would follow.
const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try { return proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined; } catch { return undefined; }
})();

const prefixOf = (tag: string) => `${PROTOCOL}/${tag}\u0000`;

/** The digest of taggedBytes(tag, ·) for a value given as canonical JSON, by the named implementation. */
export function taggedDigestWith(impl: 'node' | 'noble', alg: Algorithm, tag: string, canonical: string): Uint8Array {
  if (impl === 'node') {
    if (!nodeCrypto) throw new Error('node:crypto is not available here');
    const text = prefixOf(tag) + canonical; // a string is hashed as its UTF-8 bytes either way
    return new Uint8Array(nodeCrypto.hash ? nodeCrypto.hash(alg, text, 'buffer') : nodeCrypto.createHash(alg).update(text, 'utf8').digest());
  }
  return (alg === 'sha256' ? sha256 : sha512)(taggedCanonical(tag, canonical));
}

const taggedDigest = (alg: Algorithm, tag: string, canonical: string): Uint8Array => taggedDigestWith(nodeCrypto ? 'node' : 'noble', alg, tag, canonical);

/** Bytes hashed for `tag` and `value`: "veche/v2/" || tag || 0x00 || canonicalJson(value). */
export function taggedBytes(tag: string, value: unknown): Uint8Array {
  return taggedCanonical(tag, canonicalJson(value));
}

function taggedCanonical(tag: string, canonical: string): Uint8Array {
  const prefix = utf8(prefixOf(tag));
  const body = utf8(canonical);
  const bytes = new Uint8Array(prefix.length + body.length);
  bytes.set(prefix, 0);
  bytes.set(body, prefix.length);
  return bytes;
}

/** SHA-256 of the tagged encoding, as lowercase hex (used for event hashes, election hash, tracking codes). */
export function hashHex(tag: string, value: unknown): string {
  return toHex(taggedDigest('sha256', tag, canonicalJson(value)));
}

/** hashHex of a value given as its canonical JSON, which the caller has checked is canonical (a record
 *  line is): the same hash without serializing the value again. */
export function hashHexOfCanonical(tag: string, canonical: string): string {
  return toHex(taggedDigest('sha256', tag, canonical));
}

/** A challenge: SHA-512 of the tagged encoding, read little-endian and reduced mod the group order. */
export function hashToScalar(tag: string, value: unknown): Scalar {
  return mod(littleEndian(taggedDigest('sha512', tag, canonicalJson(value)), 64));
}

/** The first `length` bytes (a multiple of 8) as a little-endian integer, 64 bits at a time: ~4x faster
 *  than a byte at a time (group.ts scalarFromWideBytes reads the same integer). */
function littleEndian(bytes: Uint8Array, length: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  let x = 0n;
  for (let at = length - 8; at >= 0; at -= 8) x = (x << 64n) | view.getBigUint64(at, true);
  return x;
}

/** A 128-bit challenge: the first 16 bytes of SHA-512 of the tagged encoding, read little-endian. */
export function hashToChallenge(tag: string, value: unknown): bigint {
  return littleEndian(taggedDigest('sha512', tag, canonicalJson(value)), 16);
}
