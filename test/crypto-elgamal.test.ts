// Exponential ElGamal, the bounded discrete log, and threshold decryption by Lagrange interpolation.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { add, baseMul, encodePoint, G, IDENTITY, mul, ORDER, pointMul, randomScalar, scalarOf } from '../src/crypto/group.js';
import { addCiphertexts, ciphertextEquals, decodeCiphertext, encodeCiphertext, encrypt, scaleCiphertext, ZERO_CIPHERTEXT, type Ciphertext } from '../src/crypto/elgamal.js';
import { EncodingError } from '../src/crypto/encoding.js';
import { discreteLog } from '../src/crypto/dlog.js';
import { evalPolynomial, lagrangeAtZero, randomPolynomial } from '../src/crypto/threshold.js';
import { combineShares } from '../src/tally/decrypt.js';
import type { DecryptionSharePayload } from '../src/record/events.js';

const x = randomScalar();
const h = baseMul(x);
const decrypt = (ct: Ciphertext): number | null => discreteLog(ct.beta.subtract(pointMul(ct.alpha, x)), 100_000);
const small = fc.integer({ min: 0, max: 5000 });

describe('ElGamal', () => {
  test('decrypts what it encrypts; a fixed r gives (g^r, g^m h^r)', () => {
    fc.assert(fc.property(small, (m) => {
      const { ct, r } = encrypt(h, m);
      assert.equal(decrypt(ct), m);
      assert.ok(ct.alpha.equals(baseMul(r)));
      assert.ok(ct.beta.equals(baseMul(BigInt(m)).add(pointMul(h, r))));
      assert.ok(ciphertextEquals(encrypt(h, m, r).ct, ct), 'deterministic for a given r');
    }), { numRuns: 20 });
  });

  test('homomorphic: the product of ciphertexts encrypts the sum, with the sum of randomness', () => {
    fc.assert(fc.property(small, small, (a, b) => {
      const ea = encrypt(h, a);
      const eb = encrypt(h, b);
      const s = addCiphertexts(ea.ct, eb.ct);
      assert.equal(decrypt(s), a + b);
      assert.ok(ciphertextEquals(s, encrypt(h, a + b, add(ea.r, eb.r)).ct));
      assert.ok(ciphertextEquals(addCiphertexts(s, ZERO_CIPHERTEXT), s), 'the zero ciphertext is neutral');
      assert.ok(ciphertextEquals(addCiphertexts(ea.ct, eb.ct), addCiphertexts(eb.ct, ea.ct)), 'commutative');
    }), { numRuns: 20 });
  });

  test('scaling by a weight multiplies the plaintext', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 1_000_000 }), (m, w) => {
      const { ct, r } = encrypt(h, m);
      const scaled = scaleCiphertext(ct, scalarOf(w));
      assert.ok(ciphertextEquals(scaled, encrypt(h, m * w, mul(r, scalarOf(w))).ct));
      assert.ok(scaled.beta.subtract(pointMul(scaled.alpha, x)).equals(baseMul(BigInt(m * w))));
    }), { numRuns: 15 });
    const { ct } = encrypt(h, 1);
    assert.equal(scaleCiphertext(ct, 1n), ct);
  });

  test('wire form: [alpha, beta], two canonical points, nothing else', () => {
    const { ct } = encrypt(h, 3);
    const json = encodeCiphertext(ct);
    assert.ok(ciphertextEquals(decodeCiphertext(json), ct));
    for (const bad of [[json[0]], [...json, json[0]], { alpha: json[0], beta: json[1] }, null, json[0]]) assert.throws(() => decodeCiphertext(bad), TypeError);
    assert.throws(() => decodeCiphertext([json[0], 'x'.repeat(43)]), EncodingError);
    assert.throws(() => decodeCiphertext([json[0], json[1] + '=']), EncodingError);
  });
});

describe('bounded discrete log', () => {
  test('finds every m in [0, bound] and nothing above', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 }), (m, bound) => {
      const found = discreteLog(baseMul(BigInt(m)), bound);
      assert.equal(found, m <= bound ? m : null);
    }), { numRuns: 40 });
  });

  test('edges: 0, the bound itself, one past it, around the giant step, negative values, bad bounds', () => {
    assert.equal(discreteLog(IDENTITY, 0), 0);
    assert.equal(discreteLog(G, 0), null);
    for (const bound of [1, 15, 16, 17, 255, 256, 1000, 1024, 1_000_000]) {
      const step = Math.max(16, Math.ceil(Math.sqrt(bound + 1)));
      for (const m of [bound, bound - 1, step - 1, step, step + 1, 2 * step]) {
        if (m >= 0) assert.equal(discreteLog(baseMul(BigInt(m)), bound), m <= bound ? m : null, `m=${m}, bound=${bound}`);
      }
      assert.equal(discreteLog(baseMul(BigInt(bound + 1)), bound), null, `bound+1, bound=${bound}`);
    }
    assert.equal(discreteLog(baseMul(ORDER - 1n), 1000), null, 'g^-1');
    assert.equal(discreteLog(baseMul(randomScalar()), 1000), null);
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) assert.throws(() => discreteLog(G, bad), RangeError);
  });
});

/** Decryption shares without proofs or signatures: combineShares only interpolates (both are checked apart). */
function sharesFor(cts: Ciphertext[], s: bigint[], indices: number[]): DecryptionSharePayload[] {
  return indices.map((i) => ({ trustee: `t${i}`, index: i, shares: [cts.map((ct) => ({ D: encodePoint(pointMul(ct.alpha, s[i - 1]!)), proof: { c: '', z: '' } }))], signature: { c: '', z: '' } }));
}

describe('threshold decryption', () => {
  const setup = fc.integer({ min: 1, max: 5 }).chain((n) => fc.record({
    n: fc.constant(n),
    t: fc.integer({ min: 1, max: n }),
    order: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n }),
    m: fc.integer({ min: 0, max: 50 }),
  }));

  test('Lagrange at 0: any t shares of a degree t−1 polynomial give its constant term', () => {
    fc.assert(fc.property(setup, ({ n, t, order }) => {
      const poly = randomPolynomial(t);
      const shares = Array.from({ length: n }, (_, i) => evalPolynomial(poly, i + 1));
      const subset = order.slice(0, t);
      const secret = subset.reduce((acc, i) => add(acc, mul(lagrangeAtZero(subset, i), shares[i - 1]!)), 0n);
      assert.equal(secret, poly[0]);
      // The coefficients sum to 1: a constant polynomial is returned unchanged.
      assert.equal(subset.reduce((acc, i) => add(acc, lagrangeAtZero(subset, i)), 0n), 1n);
    }), { numRuns: 40 });
  });

  test('any t of n trustees decrypt the same counts; t − 1 cannot', () => {
    fc.assert(fc.property(setup, ({ n, t, order, m }) => {
      const poly = randomPolynomial(t);
      const key = baseMul(poly[0]!);
      const s = Array.from({ length: n }, (_, i) => evalPolynomial(poly, i + 1));
      const cts = [encrypt(key, m).ct, encrypt(key, 0).ct, encrypt(key, 50).ct];
      const expected = [[m, 0, 50]];
      assert.deepEqual(combineShares([cts], sharesFor(cts, s, order.slice(0, t)), 50), expected);
      assert.deepEqual(combineShares([cts], sharesFor(cts, s, order.slice(n - t)), 50), expected, 'another subset');
      if (t < n) assert.deepEqual(combineShares([cts], sharesFor(cts, s, order), 50), expected, 'more than t also works');
      if (t > 1) {
        // With t − 1 shares the interpolation lands on a random point: no count in range (2^-240 odds otherwise).
        assert.throws(() => combineShares([cts], sharesFor(cts, s, order.slice(0, t - 1)), 50), /does not decrypt/);
      }
    }), { numRuns: 15 });
  });

  test('a share counted twice, or a wrong share, is refused or detected', () => {
    const poly = randomPolynomial(2);
    const key = baseMul(poly[0]!);
    const s = [1, 2, 3].map((i) => evalPolynomial(poly, i));
    const cts = [encrypt(key, 7).ct];
    const [a, b] = sharesFor(cts, s, [1, 2]);
    assert.throws(() => combineShares([cts], [a!, { ...a!, trustee: 'x' }], 10), /two shares from one trustee/);
    const wrong: DecryptionSharePayload = { ...b!, shares: [[{ D: encodePoint(pointMul(cts[0]!.alpha, add(s[1]!, 1n))), proof: { c: '', z: '' } }]] };
    assert.throws(() => combineShares([cts], [a!, wrong], 10), /does not decrypt/);
    assert.deepEqual(combineShares([cts], [a!, b!], 7), [[7]]);
    assert.throws(() => combineShares([cts], [a!, b!], 6), /does not decrypt to a count in 0\.\.6/, 'the bound is enforced');
  });
});
