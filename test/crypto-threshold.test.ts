// The key ceremony's cryptography: share encryption (hashed ElGamal + HMAC), Feldman commitments,
// verification keys, the joint key, and the trustee-key checks.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { add, baseMul, decodePoint, decodeScalar, encodePoint, encodeScalar, ORDER, randomScalar, toScalarBytes } from '../src/crypto/group.js';
import { toBase64Url } from '../src/crypto/encoding.js';
import { decryptShare, encryptShare, evalCommitments, evalPolynomial, randomPolynomial, verificationKey, type EncryptedShare } from '../src/crypto/threshold.js';
import { checkTrusteeKey, finishKeyCeremony, generateTrusteeKey, jointPublicKey, makeShares, shareContext } from '../src/keyceremony/trustee.js';
import type { TrusteeKeyPayload, TrusteeSharesPayload } from '../src/record/events.js';

const ELECTION = 'e'.repeat(64);
const OTHER = 'f'.repeat(64);

/** Flips one bit of a base64url field, keeping it canonical base64url of the same length. */
function flip(text: string, byte: number): string {
  const b = Buffer.from(text, 'base64url');
  b[byte]! ^= 1;
  return b.toString('base64url');
}

describe('share encryption', () => {
  const e = randomScalar();
  const E = baseMul(e);
  const ctx = shareContext(ELECTION, 't1', 't2');

  test('the recipient decrypts any share', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), (share) => {
      const enc = encryptShare(ctx, E, share);
      assert.equal(decryptShare(ctx, e, enc), share);
      assert.notEqual(enc.data, toBase64Url(toScalarBytes(share)), 'the share is not in the clear');
    }), { numRuns: 20 });
  });

  test('any changed bit of R, data or mac is detected', () => {
    const share = randomScalar();
    const enc = encryptShare(ctx, E, share);
    fc.assert(fc.property(fc.constantFrom<keyof EncryptedShare>('R', 'data', 'mac'), fc.nat(31), (field, byte) => {
      const tampered = { ...enc, [field]: flip(enc[field], byte) };
      // A changed R may not even be a point; either way nothing is returned.
      assert.throws(() => decryptShare(ctx, e, tampered), /authentication failed|not a valid ristretto255|non-canonical/);
    }), { numRuns: 60 });
  });

  test('it only opens for the recipient, in its own context', () => {
    const enc = encryptShare(ctx, E, randomScalar());
    assert.throws(() => decryptShare(ctx, randomScalar(), enc), /authentication failed/, 'another key');
    assert.throws(() => decryptShare(shareContext(ELECTION, 't2', 't1'), e, enc), /authentication failed/, 'from/to swapped');
    assert.throws(() => decryptShare(shareContext(OTHER, 't1', 't2'), e, enc), /authentication failed/, 'another election');
    assert.throws(() => decryptShare(shareContext(ELECTION, 't3', 't2'), e, enc), /authentication failed/, 'another sender');
  });

  test('a share moved from one encryption to another fails (data and mac belong to their R)', () => {
    const a = encryptShare(ctx, E, 1n);
    const b = encryptShare(ctx, E, 2n);
    assert.throws(() => decryptShare(ctx, e, { R: a.R, data: b.data, mac: b.mac }), /authentication failed/);
    assert.throws(() => decryptShare(ctx, e, { R: a.R, data: a.data, mac: b.mac }), /authentication failed/);
  });

  test('malformed fields are refused', () => {
    const enc = encryptShare(ctx, E, 5n);
    assert.throws(() => decryptShare(ctx, e, { ...enc, mac: enc.mac + 'A' }));
    assert.throws(() => decryptShare(ctx, e, { ...enc, data: enc.data.slice(1) }));
    assert.throws(() => decryptShare(ctx, e, { ...enc, R: 'not a point' }));
  });
});

describe('Feldman commitments and verification keys', () => {
  test('g^{P(x)} = Π K_j^{x^j} for every x', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 100 }), (t, at) => {
      const poly = randomPolynomial(t);
      assert.ok(baseMul(evalPolynomial(poly, at)).equals(evalCommitments(poly.map(baseMul), at)));
      assert.ok(!baseMul(add(evalPolynomial(poly, at), 1n)).equals(evalCommitments(poly.map(baseMul), at)), 'a wrong share does not match');
    }), { numRuns: 20 });
  });

  test('verification key of l = g^{Σ_i P_i(l)}; the joint key = g^{Σ_i P_i(0)}', () => {
    const polys = [randomPolynomial(2), randomPolynomial(2), randomPolynomial(2)];
    const commitments = polys.map((p) => p.map(baseMul));
    for (const l of [1, 2, 3]) {
      const s = polys.reduce((acc, p) => add(acc, evalPolynomial(p, l)), 0n);
      assert.ok(verificationKey(commitments, l).equals(baseMul(s)));
    }
    const keys = commitments.map((cs) => ({ commitments: cs.map(encodePoint) }) as TrusteeKeyPayload);
    assert.ok(jointPublicKey(keys).equals(baseMul(polys.reduce((acc, p) => add(acc, p[0]!), 0n))));
  });
});

describe('key ceremony', () => {
  const ids = ['t1', 't2', 't3'];
  const t = 2;
  const round1 = ids.map((id, i) => generateTrusteeKey(ELECTION, id, i + 1, t));
  const keys = round1.map((r) => r.published);

  test('honest run: every trustee gets a share of the joint secret, any 2 of which rebuild it', () => {
    const shares = round1.map((r) => makeShares(r.secret, keys));
    for (const s of shares) assert.deepEqual(Object.keys(s.shares).sort(), ids.filter((id) => id !== s.trustee));
    const done = round1.map((r) => finishKeyCeremony(r.secret, keys, shares));
    const h = jointPublicKey(keys);
    const sl = done.map((d) => decodeScalar(d.secret.share!));
    done.forEach((d, i) => assert.ok(decodePoint(d.ready.verificationKey).equals(baseMul(sl[i]!))));
    // s = 2·s_1 − s_2 (λ for {1, 2} is 2 and −1): the joint secret behind h.
    assert.ok(baseMul(add(2n * sl[0]! % ORDER, ORDER - sl[1]!)).equals(h));
  });

  test('published keys check; a proof moved to another index, trustee or election does not', () => {
    for (const k of keys) assert.equal(checkTrusteeKey(ELECTION, t, k), null);
    assert.match(checkTrusteeKey(OTHER, t, keys[0]!) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, index: 2 }) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, trustee: 't2' }) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, proofs: [...keys[0]!.proofs].reverse() }) ?? '', /coefficient 0/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, encryptionProof: keys[1]!.encryptionProof }) ?? '', /encryption key/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, encryptionKey: keys[1]!.encryptionKey }) ?? '', /encryption key/);
    assert.match(checkTrusteeKey(ELECTION, 3, keys[0]!) ?? '', /expected 3/);
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, commitments: [keys[0]!.commitments[0]!, 'A'.repeat(43)] }) ?? '', /identity/);
    // A rogue key K = g^k / K_other (to cancel another trustee's key) comes with no valid proof.
    const rogue = baseMul(randomScalar()).subtract(decodePoint(keys[1]!.commitments[0]));
    assert.match(checkTrusteeKey(ELECTION, t, { ...keys[0]!, commitments: [encodePoint(rogue), keys[0]!.commitments[1]!] }) ?? '', /coefficient 0/);
  });

  test('a share that does not match the sender\'s commitments stops the ceremony', () => {
    const shares = round1.map((r) => makeShares(r.secret, keys));
    // t1 sends t2 a properly encrypted but wrong value.
    const coefficients = round1[0]!.secret.coefficients.map((c) => decodeScalar(c));
    const E2 = decodePoint(keys[1]!.encryptionKey);
    const wrong = encryptShare(shareContext(ELECTION, 't1', 't2'), E2, add(evalPolynomial(coefficients, 2), 1n));
    const cheated: TrusteeSharesPayload[] = [{ trustee: 't1', shares: { ...shares[0]!.shares, t2: wrong } }, shares[1]!, shares[2]!];
    assert.throws(() => finishKeyCeremony(round1[1]!.secret, keys, cheated), /does not match its public commitments/);
    // t3 is not affected.
    assert.doesNotThrow(() => finishKeyCeremony(round1[2]!.secret, keys, cheated));
    // A tampered ciphertext is caught earlier, by the MAC.
    const tampered: TrusteeSharesPayload[] = [{ trustee: 't1', shares: { ...shares[0]!.shares, t2: { ...shares[0]!.shares.t2!, data: flip(shares[0]!.shares.t2!.data, 3) } } }, shares[1]!, shares[2]!];
    assert.throws(() => finishKeyCeremony(round1[1]!.secret, keys, tampered), /authentication failed/);
    // A missing share is reported, not skipped.
    assert.throws(() => finishKeyCeremony(round1[1]!.secret, keys, [shares[0]!, shares[1]!]), /no share from trustee t3/);
  });

  test('the trustee secret never appears in what a trustee publishes', () => {
    const published = JSON.stringify([keys[0], makeShares(round1[0]!.secret, keys)]);
    for (const c of round1[0]!.secret.coefficients) assert.ok(!published.includes(c));
    assert.ok(!published.includes(round1[0]!.secret.encryptionSecret));
    assert.ok(!published.includes(encodeScalar(evalPolynomial(round1[0]!.secret.coefficients.map((c) => decodeScalar(c)), 2))));
  });
});
