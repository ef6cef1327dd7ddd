// node:crypto (the verifier's hashes on Node) and @noble/hashes (the booth's) digest the same bytes for
// every tag and value, non-ASCII text and lone surrogates included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { taggedBytes, taggedDigestWith, hashHex, hashToScalar, hashToChallenge } from '../src/crypto/hash.js';
import { canonicalJson, toHex } from '../src/crypto/encoding.js';
import { scalarFromWideBytes } from '../src/crypto/group.js';

const toHexB = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('node:crypto and @noble/hashes give identical digests of the tagged bytes', () => {
  const values = fc.jsonValue().filter((v) => { try { canonicalJson(v); return true; } catch { return false; } });
  fc.assert(fc.property(fc.string({ unit: 'binary' }), values, fc.string({ unit: 'binary' }), (tag, v, extra) => {
    const canonical = canonicalJson([v, extra]);
    for (const alg of ['sha256', 'sha512'] as const) {
      const want = toHexB((alg === 'sha256' ? sha256 : sha512)(taggedBytes(tag, [v, extra])));
      assert.equal(toHexB(taggedDigestWith('node', alg, tag, canonical)), want);
      assert.equal(toHexB(taggedDigestWith('noble', alg, tag, canonical)), want);
    }
  }), { numRuns: 300 });
  const lone = 'a\ud800b\udfffc';
  assert.equal(toHexB(taggedDigestWith('node', 'sha256', 't', lone)), toHexB(taggedDigestWith('noble', 'sha256', 't', lone)));
});

test('hashHex, hashToScalar and hashToChallenge are the digests the spec defines', () => {
  const v = { election: 'e', n: 1, s: 'ё' };
  assert.equal(hashHex('x', v), toHex(sha256(taggedBytes('x', v))));
  assert.equal(hashToScalar('x', v), scalarFromWideBytes(sha512(taggedBytes('x', v))));
  const d = sha512(taggedBytes('x', v));
  let c = 0n;
  for (let i = 15; i >= 0; i--) c = (c << 8n) | BigInt(d[i]!);
  assert.equal(hashToChallenge('x', v), c);
  assert.ok(c < 1n << 128n);
});
