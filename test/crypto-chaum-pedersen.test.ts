// Chaum–Pedersen proofs of equal discrete logs, as trustees use them for decryption shares.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { add, baseMul, encodePoint, encodeScalar, G, inv, mul, multiMulPublic, neg, ORDER, pointMul, randomScalar, sub, type Point } from '../src/crypto/group.js';
import { hashToScalar } from '../src/crypto/hash.js';
import { proveChaumPedersen, verifyChaumPedersen, type ChaumPedersenProof } from '../src/crypto/proofs/chaum-pedersen.js';
import { encodeSchnorr } from '../src/crypto/proofs/schnorr.js';
import { encrypt, encodeCiphertext } from '../src/crypto/elgamal.js';
import { checkDecryptionShare, decodeSums, decryptionContext, makeDecryptionShare, TAG_DECRYPTION } from '../src/tally/decrypt.js';
import { newTrustee, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import { onEachBackend } from './helpers/backends.js';

const scalar = fc.bigInt({ min: 1n, max: ORDER - 1n });
const ELECTION_A = 'a'.repeat(64);
const ELECTION_B = 'b'.repeat(64);
const ctx = (election = ELECTION_A, group = 0, option = 0) => decryptionContext(election, 't1', 1, group, option);

// Every test below runs on both group backends.
onEachBackend(() => {

  describe('Chaum–Pedersen: completeness', () => {
    test('log_g X = log_B Y proves and verifies for any x and B', () => {
      fc.assert(fc.property(scalar, scalar, (x, b) => {
        const X = baseMul(x);
        const B = baseMul(b);
        const Y = pointMul(B, x);
        assert.ok(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, B, Y, proveChaumPedersen(TAG_DECRYPTION, ctx(), x, X, B, Y)));
      }), { numRuns: 20 });
    });

    test('the identity as B (a tally of no ballots) still proves and verifies', () => {
      const x = randomScalar();
      const B = G.subtract(G);
      const proof = proveChaumPedersen(TAG_DECRYPTION, ctx(), x, baseMul(x), B, B);
      assert.ok(verifyChaumPedersen(TAG_DECRYPTION, ctx(), baseMul(x), B, B, proof));
    });
  });

  describe('Chaum–Pedersen: soundness', () => {
    const x = randomScalar();
    const X = baseMul(x);
    const B = baseMul(randomScalar());
    const Y = pointMul(B, x);
    const proof = proveChaumPedersen(TAG_DECRYPTION, ctx(), x, X, B, Y);

    test('a wrong decryption share is rejected, even with a proof run honestly over it', () => {
      fc.assert(fc.property(scalar, (d) => {
        const wrongY = Y.add(baseMul(d));
        assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, B, wrongY, proof), false);
        assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, B, wrongY, proveChaumPedersen(TAG_DECRYPTION, ctx(), x, X, B, wrongY)), false);
      }), { numRuns: 15 });
    });

    test('a changed challenge or response is rejected', () => {
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, B, Y, { c: add(proof.c, 1n), z: proof.z }), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, B, Y, { c: proof.c, z: add(proof.z, 1n) }), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, B, Y, { c: proof.z, z: proof.c }), false);
    });

    test('the statement is every point: X, B and Y swapped or replaced are rejected', () => {
      const other = baseMul(randomScalar());
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), other, B, Y, proof), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, other, Y, proof), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, Y, B, proof), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), B, X, Y, proof), false);
    });

    test('weak Fiat–Shamir: a forgery that works when Y is left out of the transcript is rejected', () => {
      // The trustee commits to A1 = g^w, A2 = B^w' (w' != w), hashes without Y, then solves for Y.
      const weakChallenge = (X: Point, B: Point, A1: Point, A2: Point) =>
        hashToScalar(TAG_DECRYPTION, { context: ctx(), statement: { X: encodePoint(X), B: encodePoint(B) }, commitment: [encodePoint(A1), encodePoint(A2)] });
      const weakVerify = (X: Point, B: Point, Y: Point, p: ChaumPedersenProof) => {
        const A1 = multiMulPublic([G, X], [p.z, neg(p.c)]);
        const A2 = multiMulPublic([B, Y], [p.z, neg(p.c)]);
        return weakChallenge(X, B, A1, A2) === p.c;
      };
      const w = randomScalar();
      const w2 = randomScalar();
      const c = weakChallenge(X, B, baseMul(w), pointMul(B, w2));
      const z = add(w, mul(c, x));
      const forgedY = pointMul(B, mul(sub(z, w2), inv(c)));
      const forged = { c, z };
      assert.ok(!forgedY.equals(Y), 'the forged share is not B^x');
      assert.ok(weakVerify(X, B, forgedY, forged), 'the forgery fools a verifier that omits Y');
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(), X, B, forgedY, forged), false);
    });
  });

  describe('Chaum–Pedersen: binding', () => {
    const x = randomScalar();
    const X = baseMul(x);
    const B = baseMul(randomScalar());
    const Y = pointMul(B, x);
    const proof = proveChaumPedersen(TAG_DECRYPTION, ctx(ELECTION_A, 1, 2), x, X, B, Y);

    test('to the election, the trustee, the group and option, and the tag', () => {
      assert.ok(verifyChaumPedersen(TAG_DECRYPTION, ctx(ELECTION_A, 1, 2), X, B, Y, proof));
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(ELECTION_B, 1, 2), X, B, Y, proof), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(ELECTION_A, 2, 1), X, B, Y, proof), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, ctx(ELECTION_A, 1, 3), X, B, Y, proof), false);
      assert.equal(verifyChaumPedersen(TAG_DECRYPTION, decryptionContext(ELECTION_A, 't2', 2, 1, 2), X, B, Y, proof), false);
      assert.equal(verifyChaumPedersen('trustee/ready', ctx(ELECTION_A, 1, 2), X, B, Y, proof), false);
    });
  });

  describe('decryption shares', () => {
    const s = randomScalar();
    const secret: TrusteeSecret = { ...newTrustee('t1'), election: ELECTION_A, index: 1, threshold: 1, coefficients: [], encryptionSecret: encodeScalar(randomScalar()), share: encodeScalar(s) };
    const h = baseMul(s);
    const sumsJson = [[encodeCiphertext(encrypt(h, 3).ct), encodeCiphertext(encrypt(h, 1).ct)], [encodeCiphertext(encrypt(h, 0).ct)]];
    const sums = decodeSums(sumsJson);
    const share = makeDecryptionShare(secret, sumsJson);

    test('an honest share checks; D = alpha^s for every ciphertext', () => {
      assert.equal(checkDecryptionShare(ELECTION_A, h, sums, share), null);
      share.shares.forEach((row, g) => row.forEach((p, i) => assert.equal(p.D, encodePoint(pointMul(sums[g]![i]!.alpha, s)))));
    });

    test('parts moved between options, another election, a wrong key or a wrong shape are rejected', () => {
      const moved = { ...share, shares: [[share.shares[0]![1]!, share.shares[0]![0]!], share.shares[1]!] };
      assert.match(checkDecryptionShare(ELECTION_A, h, sums, moved) ?? '', /does not verify/);
      assert.match(checkDecryptionShare(ELECTION_B, h, sums, share) ?? '', /does not verify/);
      assert.match(checkDecryptionShare(ELECTION_A, baseMul(randomScalar()), sums, share) ?? '', /does not verify/);
      assert.match(checkDecryptionShare(ELECTION_A, h, sums, { ...share, index: 2 }) ?? '', /does not verify/);
      assert.match(checkDecryptionShare(ELECTION_A, h, sums, { ...share, shares: share.shares.slice(0, 1) }) ?? '', /groups/);
      assert.match(checkDecryptionShare(ELECTION_A, h, sums, { ...share, shares: [share.shares[0]!.slice(0, 1), share.shares[1]!] }) ?? '', /options/);
      const badD = { ...share, shares: [[{ ...share.shares[0]![0]!, D: 'not a point' }, share.shares[0]![1]!], share.shares[1]!] };
      assert.notEqual(checkDecryptionShare(ELECTION_A, h, sums, badD), null);
      const other = encodeSchnorr(proveChaumPedersen(TAG_DECRYPTION, decryptionContext(ELECTION_A, 't1', 1, 0, 0), s, h, sums[0]![0]!.alpha, G));
      const lying = { ...share, shares: [[{ D: encodePoint(G), proof: other }, share.shares[0]![1]!], share.shares[1]!] };
      assert.match(checkDecryptionShare(ELECTION_A, h, sums, lying) ?? '', /does not verify/);
    });
  });
});
