// Schnorr proofs of knowledge and signatures (trustee keys, ballot signatures, board receipts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { add, baseMul, encodeScalar, G, mul, ORDER, randomScalar, sub } from '../src/crypto/group.js';
import { EncodingError } from '../src/crypto/encoding.js';
import { hashToScalar } from '../src/crypto/hash.js';
import { decodeSchnorr, encodeSchnorr, proveSchnorr, verifySchnorr, type SchnorrProof } from '../src/crypto/proofs/schnorr.js';
import { signReceipt, verifyReceipt } from '../src/board/receipt.js';
import { onEachBackend } from './helpers/backends.js';

const scalar = fc.bigInt({ min: 1n, max: ORDER - 1n });
const ELECTION_A = 'a'.repeat(64);
const ELECTION_B = 'b'.repeat(64);
const TAG = 'trustee/coefficient';
const ctx = (election: string, coefficient = 0) => ({ election, trustee: 't1', index: 1, coefficient });

// Every test below runs on both group backends.
onEachBackend(() => {

  describe('Schnorr: completeness', () => {
    test('an honest proof verifies, with and without a message', () => {
      fc.assert(fc.property(scalar, fc.option(fc.string(), { nil: undefined }), (x, message) => {
        const X = baseMul(x);
        const proof = proveSchnorr(TAG, ctx(ELECTION_A), x, X, message);
        assert.ok(verifySchnorr(TAG, ctx(ELECTION_A), X, proof, message));
        assert.deepEqual(decodeSchnorr(encodeSchnorr(proof)), proof);
      }), { numRuns: 25 });
    });

    test('the proof is z = w + c·x over the transcript {context, statement: {X}, message, commitment: g^w}', () => {
      const x = randomScalar();
      const X = baseMul(x);
      const proof = proveSchnorr(TAG, ctx(ELECTION_A), x, X, 'm');
      // Recover w and check the challenge against an independently built transcript.
      const w = sub(proof.z, proof.c * x % ORDER);
      const c = hashToScalar(TAG, { context: ctx(ELECTION_A), statement: { X: encode(X) }, message: 'm', commitment: encode(baseMul(w)) });
      assert.equal(c, proof.c);
    });
  });

  const encode = (p: ReturnType<typeof baseMul>) => Buffer.from(p.toBytes()).toString('base64url');

  describe('Schnorr: soundness', () => {
    const x = randomScalar();
    const X = baseMul(x);
    const proof = proveSchnorr(TAG, ctx(ELECTION_A), x, X);

    test('a changed challenge or response is rejected', () => {
      fc.assert(fc.property(scalar, (d) => {
        assert.equal(verifySchnorr(TAG, ctx(ELECTION_A), X, { c: add(proof.c, d), z: proof.z }), false);
        assert.equal(verifySchnorr(TAG, ctx(ELECTION_A), X, { c: proof.c, z: add(proof.z, d) }), false);
      }), { numRuns: 20 });
      assert.equal(verifySchnorr(TAG, ctx(ELECTION_A), X, { c: proof.z, z: proof.c }), false);
      assert.equal(verifySchnorr(TAG, ctx(ELECTION_A), X, { c: 0n, z: 0n }), false);
    });

    test('a simulated transcript (c, z chosen first) does not verify without the secret', () => {
      fc.assert(fc.property(scalar, scalar, (c, z) => {
        assert.equal(verifySchnorr(TAG, ctx(ELECTION_A), X, { c, z }), false);
      }), { numRuns: 20 });
    });

    test('a proof for X does not prove knowledge for another key', () => {
      assert.equal(verifySchnorr(TAG, ctx(ELECTION_A), X.add(G), proof), false);
      assert.equal(verifySchnorr(TAG, ctx(ELECTION_A), baseMul(mul(2n, x)), proof), false);
    });
  });

  describe('Schnorr: binding', () => {
    const x = randomScalar();
    const X = baseMul(x);

    test('to the election, the coefficient, the trustee and the tag', () => {
      const proof = proveSchnorr(TAG, ctx(ELECTION_A, 1), x, X);
      assert.ok(verifySchnorr(TAG, ctx(ELECTION_A, 1), X, proof));
      assert.equal(verifySchnorr(TAG, ctx(ELECTION_B, 1), X, proof), false);
      assert.equal(verifySchnorr(TAG, ctx(ELECTION_A, 0), X, proof), false);
      assert.equal(verifySchnorr(TAG, { ...ctx(ELECTION_A, 1), trustee: 't2' }, X, proof), false);
      assert.equal(verifySchnorr('trustee/encryption-key', ctx(ELECTION_A, 1), X, proof), false);
    });

    test('a signature binds its message; a proof of knowledge is a signature on null only', () => {
      const sig = proveSchnorr('ballot/signature', { election: ELECTION_A }, x, X, 'message A');
      assert.ok(verifySchnorr('ballot/signature', { election: ELECTION_A }, X, sig, 'message A'));
      assert.equal(verifySchnorr('ballot/signature', { election: ELECTION_A }, X, sig, 'message B'), false);
      assert.equal(verifySchnorr('ballot/signature', { election: ELECTION_A }, X, sig), false);
      const pok = proveSchnorr('ballot/signature', { election: ELECTION_A }, x, X);
      assert.ok(verifySchnorr('ballot/signature', { election: ELECTION_A }, X, pok, null), 'documented: no message = message null');
      assert.equal(verifySchnorr('ballot/signature', { election: ELECTION_A }, X, pok, 'anything'), false);
      // The message is hashed through canonical JSON: key order does not matter, content does.
      const obj = proveSchnorr('ballot/signature', { election: ELECTION_A }, x, X, { a: 1, b: 2 });
      assert.ok(verifySchnorr('ballot/signature', { election: ELECTION_A }, X, obj, { b: 2, a: 1 }));
      assert.equal(verifySchnorr('ballot/signature', { election: ELECTION_A }, X, obj, { a: 1, b: 3 }), false);
    });
  });

  describe('Schnorr: wire form', () => {
    const proof: SchnorrProof = { c: 5n, z: 7n };
    const json = encodeSchnorr(proof);
    test('exactly {c, z}, canonical scalars', () => {
      assert.deepEqual(decodeSchnorr(json), proof);
      assert.throws(() => decodeSchnorr({ ...json, extra: 1 }), TypeError);
      assert.throws(() => decodeSchnorr({ c: json.c }), TypeError);
      assert.throws(() => decodeSchnorr({ c: json.c, y: json.z }), EncodingError);
      assert.throws(() => decodeSchnorr(null), TypeError);
      assert.throws(() => decodeSchnorr([json.c, json.z]), Error);
      const q = Buffer.alloc(32);
      let v = ORDER;
      for (let i = 0; i < 32; i++) { q[i] = Number(v & 0xffn); v >>= 8n; }
      assert.throws(() => decodeSchnorr({ c: q.toString('base64url'), z: json.z }), EncodingError, 'c = q is not reduced');
      assert.throws(() => decodeSchnorr({ c: json.c + '=', z: json.z }), EncodingError);
      assert.equal(encodeScalar(decodeSchnorr(json).z), json.z);
    });
  });

  describe('board receipts', () => {
    const secret = randomScalar();
    const key = baseMul(secret);
    const receipt = signReceipt(secret, key, { election: ELECTION_A, trackingCode: 'c'.repeat(64), seq: 12, hash: 'd'.repeat(64) });

    test('verify with the board key, and with nothing changed', () => {
      assert.ok(verifyReceipt(receipt, key));
      assert.ok(verifyReceipt(receipt, encode(key)));
      assert.equal(verifyReceipt(receipt, baseMul(randomScalar())), false);
      assert.equal(verifyReceipt({ ...receipt, seq: 13 }, key), false);
      assert.equal(verifyReceipt({ ...receipt, hash: 'e'.repeat(64) }, key), false);
      assert.equal(verifyReceipt({ ...receipt, trackingCode: 'f'.repeat(64) }, key), false);
      assert.equal(verifyReceipt({ ...receipt, election: ELECTION_B }, key), false);
      assert.equal(verifyReceipt({ ...receipt, signature: { c: receipt.signature.z, z: receipt.signature.c } }, key), false);
      assert.equal(verifyReceipt(receipt, 'A'.repeat(43)), false, 'the identity is no board key');
      assert.equal(verifyReceipt({ ...receipt, signature: { c: 'x', z: 'y' } }, key), false, 'malformed signature: false, not a throw');
    });
  });
});
