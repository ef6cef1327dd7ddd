// Disjunctive Chaum–Pedersen (CDS) proofs that a ciphertext encrypts one of a list of values: the 0/1
// proof of each ballot option and the [min, max] proof of each group's sum.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { add, baseMul, encodePoint, G, inv, mul, multiMulPublic, neg, ORDER, pointMul, randomScalar, scalarOf, sub, type Point, type Scalar } from '../src/crypto/group.js';
import { hashToScalar } from '../src/crypto/hash.js';
import { addCiphertexts, encodeCiphertext, encrypt, type Ciphertext } from '../src/crypto/elgamal.js';
import { decodeDisjunctive, encodeDisjunctive, proveDisjunctive, verifyDisjunctive, type DisjunctiveProof } from '../src/crypto/proofs/disjunctive.js';
import type { SelectionGroup } from '../src/manifest/types.js';

// The challenge-form CDS proof (docs/spec.md §4.3) with the contexts v1 ballots used; v2 ballots use
// the commitment form of src/crypto/proofs/branches.ts (test/ballot-v2-batch.test.ts, test/ballot.test.ts).
const TAG_OPTION_PROOF = 'test/option';
const TAG_SUM_PROOF = 'test/sum';
const optionContext = (election: string, credential: string, group: SelectionGroup, option: number) => ({ election, credential, question: group.questionId, row: group.rowId, option: group.optionIds[option]! });
const sumContext = (election: string, credential: string, group: SelectionGroup) => ({ election, credential, question: group.questionId, row: group.rowId, min: group.min, max: group.max });
import { onEachBackend } from './helpers/backends.js';

const x = randomScalar();
const h = baseMul(x);
const ELECTION_A = 'a'.repeat(64);
const ELECTION_B = 'b'.repeat(64);
const CRED_X = encodePoint(baseMul(randomScalar()));
const CRED_Y = encodePoint(baseMul(randomScalar()));
const GROUP: SelectionGroup = { questionId: 'q', index: 0, rowId: 'q', optionIds: ['o1', 'o2', 'o3'], min: 0, max: 2 };
const optCtx = (option = 0, election = ELECTION_A, credential = CRED_X, group = GROUP) => optionContext(election, credential, group, option);

/** log_g of the plaintext point, for small values (the test knows the secret key). */
function plaintext(ct: Ciphertext): Point {
  return ct.beta.subtract(pointMul(ct.alpha, x));
}

/** A_i = g^{z_i} α^{-c_i}, B_i = h^{z_i} β^{-c_i} g^{v_i c_i}: the verifier's commitments. */
function commitments(key: Point, ct: Ciphertext, values: number[], p: DisjunctiveProof): [Point, Point][] {
  return values.map((v, i) => [
    multiMulPublic([G, ct.alpha], [p.z[i]!, neg(p.c[i]!)]),
    multiMulPublic([key, ct.beta, G], [p.z[i]!, neg(p.c[i]!), mul(scalarOf(v), p.c[i]!)]),
  ]);
}
const encodeCommitments = (cs: [Point, Point][]) => cs.map(([a, b]) => [encodePoint(a), encodePoint(b)]);
const sum = (xs: Scalar[]) => xs.reduce(add, 0n);

// Every test below runs on both group backends.
onEachBackend(() => {

  describe('disjunctive: completeness', () => {
    test('0/1 proofs for both values', () => {
      fc.assert(fc.property(fc.constantFrom(0, 1), fc.nat(2), (m, option) => {
        const { ct, r } = encrypt(h, m);
        const proof = proveDisjunctive(TAG_OPTION_PROOF, optCtx(option), h, ct, r, [0, 1], m);
        assert.ok(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(option), h, ct, [0, 1], proof));
        assert.deepEqual(decodeDisjunctive(encodeDisjunctive(proof), 2), proof);
      }), { numRuns: 20 });
    });

    test('range proofs: any [min, max] and any value in it', () => {
      fc.assert(fc.property(fc.nat(4), fc.nat(4), fc.nat(100), (min, width, pick) => {
        const values = Array.from({ length: width + 1 }, (_, i) => min + i);
        const index = pick % values.length;
        const { ct, r } = encrypt(h, values[index]!);
        const proof = proveDisjunctive(TAG_SUM_PROOF, { min }, h, ct, r, values, index);
        assert.ok(verifyDisjunctive(TAG_SUM_PROOF, { min }, h, ct, values, proof));
      }), { numRuns: 20 });
    });

    test('the sum of option ciphertexts proves with the sum of their randomness', () => {
      const encs = [1, 0, 1].map((m) => encrypt(h, m));
      const total = encs.map((e) => e.ct).reduce(addCiphertexts);
      const proof = proveDisjunctive(TAG_SUM_PROOF, sumContext(ELECTION_A, CRED_X, GROUP), h, total, sum(encs.map((e) => e.r)), [0, 1, 2], 2);
      assert.ok(verifyDisjunctive(TAG_SUM_PROOF, sumContext(ELECTION_A, CRED_X, GROUP), h, total, [0, 1, 2], proof));
    });

    test('the prover refuses an index outside the values', () => {
      const { ct, r } = encrypt(h, 0);
      assert.throws(() => proveDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, r, [0, 1], 2));
      assert.throws(() => proveDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, r, [0, 1], -1));
    });
  });

  describe('disjunctive: soundness', () => {
    test('a ciphertext of 2 (or any value outside the list) has no 0/1 proof, whichever branch the prover claims', () => {
      fc.assert(fc.property(fc.integer({ min: 2, max: 1000 }), fc.constantFrom(0, 1), (m, claimed) => {
        const { ct, r } = encrypt(h, m);
        const proof = proveDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, r, [0, 1], claimed);
        assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], proof), false);
      }), { numRuns: 15 });
      // q - 1 is -1: not a 0/1 value either.
      const { ct, r } = encrypt(h, ORDER - 1n);
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], proveDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, r, [0, 1], 0)), false);
    });

    test('a sum proof made for a wider range is rejected for the group\'s range', () => {
      const { ct, r } = encrypt(h, 2);
      const wide = proveDisjunctive(TAG_SUM_PROOF, { max: 1 }, h, ct, r, [0, 1, 2], 2);
      assert.equal(verifyDisjunctive(TAG_SUM_PROOF, { max: 1 }, h, ct, [0, 1], wide), false, 'wrong number of branches');
      const shifted = proveDisjunctive(TAG_SUM_PROOF, { max: 1 }, h, ct, r, [1, 2], 1);
      assert.ok(verifyDisjunctive(TAG_SUM_PROOF, { max: 1 }, h, ct, [1, 2], shifted));
      assert.equal(verifyDisjunctive(TAG_SUM_PROOF, { max: 1 }, h, ct, [0, 1], shifted), false, 'same length, other values');
    });

    test('any changed challenge or response is rejected; so are swapped branches and empty lists', () => {
      const { ct, r } = encrypt(h, 1);
      const proof = proveDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, r, [0, 1], 1);
      for (const i of [0, 1]) {
        const c = [...proof.c];
        c[i] = add(c[i]!, 1n);
        assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], { c, z: proof.z }), false);
        const z = [...proof.z];
        z[i] = add(z[i]!, 1n);
        assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], { c: proof.c, z }), false);
      }
      // Moving challenge between branches keeps the sum but breaks the branch equations.
      const c = [add(proof.c[0]!, 5n), sub(proof.c[1]!, 5n)];
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], { c, z: proof.z }), false);
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], { c: [...proof.c].reverse(), z: [...proof.z].reverse() }), false);
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [], { c: [], z: [] }), false);
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], { c: proof.c, z: proof.z.slice(0, 1) }), false);
    });

    // Weak Fiat–Shamir (Bernhard, Pereira, Warinschi 2012): when the challenge hashes only part of the
    // statement, the prover can fix the commitments first and choose the rest of the statement after.
    // Each forgery below fools a verifier whose transcript leaves a part out, and must fail the real one.
    const weakVerify = (omit: 'ciphertext' | 'h', key: Point, ct: Ciphertext, values: number[], p: DisjunctiveProof) => {
      const statement = omit === 'ciphertext' ? { h: encodePoint(key), values } : { ciphertext: encodeCiphertext(ct), values };
      const cs = commitments(key, ct, values, p);
      return hashToScalar(TAG_OPTION_PROOF, { context: optCtx(), statement, commitment: encodeCommitments(cs) }) === sum(p.c);
    };

    test('weak Fiat–Shamir: a transcript without the ciphertext lets a voter prove "0 or 1" for a huge value', () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        // Branch 0 is a zero-challenge branch; branch 1 carries an offset d1 fixed before the hash.
        const [a0, a1, d1, r] = [randomScalar(), randomScalar(), randomScalar(), randomScalar()];
        const cs: [Point, Point][] = [[baseMul(a0), pointMul(h, a0)], [baseMul(a1), pointMul(h, a1).add(baseMul(d1))]];
        const c = hashToScalar(TAG_OPTION_PROOF, { context: optCtx(), statement: { h: encodePoint(h), values: [0, 1] }, commitment: encodeCommitments(cs) });
        // Only now choose the plaintext: m = 1 − d1/c, so that B_1 = h^{a1} g^{c(1−m)} = h^{a1} g^{d1}.
        const m = sub(1n, mul(d1, inv(c)));
        const ct = { alpha: baseMul(r), beta: baseMul(m).add(pointMul(h, r)) };
        const forged = { c: [0n, c], z: [a0, add(a1, mul(c, r))] };
        assert.ok(!plaintext(ct).equals(baseMul(0n)) && !plaintext(ct).equals(G), 'the ciphertext encrypts neither 0 nor 1');
        assert.ok(weakVerify('ciphertext', h, ct, [0, 1], forged), 'the forgery fools a verifier that omits the ciphertext');
        assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, [0, 1], forged), false);
      }
    });

    test('weak Fiat–Shamir: a transcript without the election key lets the key be chosen to fit a bad ciphertext', () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const [r, y, a1, b1] = [randomScalar(), randomScalar(), randomScalar(), randomScalar()];
        const ct = { alpha: baseMul(r), beta: baseMul(y) };
        const I = G.subtract(G);
        const cs: [Point, Point][] = [[I, I], [baseMul(a1), baseMul(b1)]];
        const c = hashToScalar(TAG_OPTION_PROOF, { context: optCtx(), statement: { ciphertext: encodeCiphertext(ct), values: [0, 1] }, commitment: encodeCommitments(cs) });
        // Solve s·(a1 + c·r) − c·y + c = b1 for the key's secret s, then publish h = g^s.
        const s = mul(add(b1, mul(c, sub(y, 1n))), inv(add(a1, mul(c, r))));
        const key = baseMul(s);
        const forged = { c: [0n, c], z: [0n, add(a1, mul(c, r))] };
        const m = sub(y, mul(r, s));
        assert.ok(m !== 0n && m !== 1n, 'the ciphertext encrypts neither 0 nor 1 under that key');
        assert.ok(weakVerify('h', key, ct, [0, 1], forged), 'the forgery fools a verifier that omits the key');
        assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(), key, ct, [0, 1], forged), false);
      }
    });
  });

  describe('disjunctive: binding', () => {
    const { ct, r } = encrypt(h, 1);
    const proof = proveDisjunctive(TAG_OPTION_PROOF, optCtx(1), h, ct, r, [0, 1], 1);

    test('to the election, the credential, the question, the row and the option', () => {
      assert.ok(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1), h, ct, [0, 1], proof));
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1, ELECTION_B), h, ct, [0, 1], proof), false, 'election A → B');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1, ELECTION_A, CRED_Y), h, ct, [0, 1], proof), false, 'credential X → Y');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1, ELECTION_A, CRED_X, { ...GROUP, questionId: 'q2' }), h, ct, [0, 1], proof), false, 'question q → q2');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1, ELECTION_A, CRED_X, { ...GROUP, rowId: 'r2' }), h, ct, [0, 1], proof), false, 'row');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(0), h, ct, [0, 1], proof), false, 'option o2 → o1');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(2), h, ct, [0, 1], proof), false, 'option o2 → o3');
    });

    test('to the tag, the key, the ciphertext and the values', () => {
      assert.equal(verifyDisjunctive(TAG_SUM_PROOF, optCtx(1), h, ct, [0, 1], proof), false, 'option proof is no sum proof');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1), baseMul(randomScalar()), ct, [0, 1], proof), false, 'other key');
      const again = encrypt(h, 1).ct;
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1), h, again, [0, 1], proof), false, 'another encryption of the same value');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1), h, { alpha: ct.beta, beta: ct.alpha }, [0, 1], proof), false, 'alpha and beta swapped');
      assert.equal(verifyDisjunctive(TAG_OPTION_PROOF, optCtx(1), h, ct, [1, 0], proof), false, 'values reordered');
    });

    test('sum proofs bind the group\'s bounds', () => {
      const total = encrypt(h, 1);
      const ctxA = sumContext(ELECTION_A, CRED_X, GROUP);
      const sp = proveDisjunctive(TAG_SUM_PROOF, ctxA, h, total.ct, total.r, [0, 1, 2], 1);
      assert.ok(verifyDisjunctive(TAG_SUM_PROOF, ctxA, h, total.ct, [0, 1, 2], sp));
      assert.equal(verifyDisjunctive(TAG_SUM_PROOF, sumContext(ELECTION_A, CRED_X, { ...GROUP, min: 1 }), h, total.ct, [0, 1, 2], sp), false);
      assert.equal(verifyDisjunctive(TAG_SUM_PROOF, sumContext(ELECTION_A, CRED_Y, GROUP), h, total.ct, [0, 1, 2], sp), false);
    });
  });

  describe('disjunctive: wire form', () => {
    const { ct, r } = encrypt(h, 0);
    const json = encodeDisjunctive(proveDisjunctive(TAG_OPTION_PROOF, optCtx(), h, ct, r, [0, 1], 0));
    test('exactly {c: [...], z: [...]} with the expected number of canonical scalars', () => {
      assert.deepEqual(encodeDisjunctive(decodeDisjunctive(json, 2)), json);
      assert.throws(() => decodeDisjunctive(json, 3), TypeError);
      assert.throws(() => decodeDisjunctive({ ...json, x: 1 }, 2), TypeError);
      assert.throws(() => decodeDisjunctive({ c: json.c }, 2), TypeError);
      assert.throws(() => decodeDisjunctive({ c: json.c, z: json.z[0] }, 2), TypeError);
      assert.throws(() => decodeDisjunctive({ c: [json.c[0], json.c[1] + '='], z: json.z }, 2), /proof\.c\[1\]/);
      assert.throws(() => decodeDisjunctive({ c: json.c, z: [json.z[0], '_'.repeat(43)] }, 2), /not reduced|non-canonical/);
      assert.throws(() => decodeDisjunctive(null, 2), TypeError);
    });
  });
});
