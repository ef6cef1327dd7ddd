// The browser-safe encodings (no Buffer) must agree exactly with Node's Buffer, which they replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EncodingError, fromBase64Url, fromHex, toBase64Url, toHex } from '../src/crypto/encoding.js';

const nodeB64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

test('toBase64Url and toHex agree with Buffer for every length', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
    assert.equal(toBase64Url(bytes), nodeB64(bytes));
    assert.equal(toHex(bytes), Buffer.from(bytes).toString('hex'));
  }), { numRuns: 500 });
  // A view into a larger buffer encodes only its own bytes.
  const big = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
  assert.equal(toBase64Url(big.subarray(2, 5)), nodeB64(new Uint8Array([3, 4, 5])));
  assert.equal(toHex(big.subarray(2, 5)), '030405');
});

test('fromBase64Url and fromHex round-trip and match Buffer decoding', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 70 }), (bytes) => {
    const text = nodeB64(bytes);
    assert.deepEqual(fromBase64Url(text, bytes.length), new Uint8Array(Buffer.from(text, 'base64url')));
    assert.deepEqual(fromHex(toHex(bytes), bytes.length), bytes);
  }), { numRuns: 500 });
});

test('fromBase64Url refuses non-canonical trailing bits, wrong lengths and foreign characters', () => {
  // 32 bytes take 43 characters; the last carries 2 unused bits that must be zero.
  const text = toBase64Url(new Uint8Array(32).fill(0xab));
  const last = text[42]!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const tweaked = text.slice(0, 42) + alphabet[alphabet.indexOf(last) + 1];
  assert.throws(() => fromBase64Url(tweaked, 32), EncodingError);
  assert.throws(() => fromBase64Url(text.slice(0, 42), 32), EncodingError);
  assert.throws(() => fromBase64Url(text.slice(0, 42) + '=', 32), EncodingError);
  assert.throws(() => fromBase64Url(text.slice(0, 42) + '+', 32), EncodingError);
  assert.throws(() => fromHex('AB', 1), EncodingError);
  assert.throws(() => fromHex('abc', 1), EncodingError);
});
