// The mixnet's shuffle and its proof (src/mixnet, docs/spec.md §18), on every backend: an honest
// shuffle of rows of width 1 and 3 verifies and keeps each row's plaintexts together; what a dishonest
// mixer, board operator or anyone handing the verifier a record could try is refused.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backend, isIdentityBytes } from '../src/crypto/backend.js';
import { ORDER, randomScalar, type Scalar } from '../src/crypto/group.js';
import { toHex } from '../src/crypto/encoding.js';
import { shuffle, checkShuffle, prepareGenerators, proofSize, MixnetFormatError, type Row, type ShuffleContext } from '../src/mixnet/index.js';
import { writeScalar } from '../src/mixnet/scalars.js';
import { onEachBackend } from './helpers/backends.js';

const CTX: ShuffleContext = { election: 'e1'.repeat(32), question: 'council', mixer: 'trustee-2', position: 1 };

interface Keys { x: Scalar; pk: Uint8Array }
const keys = (): Keys => { const x = randomScalar(); return { x, pk: backend().baseMul(x) }; };

/** n rows of width k; row i column j encrypts g^(100·i + j + 1). */
function makeRows(pk: Uint8Array, n: number, k: number): Row[] {
  const be = backend();
  return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => {
    const r = randomScalar();
    return { alpha: be.baseMul(r), beta: be.add(be.baseMul(BigInt(100 * i + j + 1)), be.mul(pk, r)) };
  }));
}

/** Each row's plaintexts (as g^m, hex), joined: a row's identity that survives re-encryption. */
function plaintextRows(x: Scalar, rows: Row[]): string[] {
  const be = backend();
  return rows.map((row) => row.map((ct) => toHex(be.sub(ct.beta, be.mul(ct.alpha, x)))).join('|')).sort();
}

const fails = (r: { ok: boolean; reason?: string }, pattern: RegExp) => {
  assert.equal(r.ok, false, 'expected a refusal');
  assert.match((r as { reason: string }).reason, pattern);
};

before(async () => { assert.equal(await prepareGenerators(), 'sodium'); });

onEachBackend(() => {
  for (const k of [1, 3]) {
    test(`an honest shuffle of rows of width ${k} verifies, re-encrypts every ciphertext and keeps rows together`, () => {
      const { x, pk } = keys();
      const rows = makeRows(pk, 7, k);
      const out = shuffle(CTX, pk, rows);
      assert.equal(out.rows.length, 7);
      assert.equal(out.proof.length, proofSize(7, k));
      assert.deepEqual(checkShuffle(CTX, pk, rows, out.rows, out.proof), { ok: true });
      assert.deepEqual(plaintextRows(x, out.rows), plaintextRows(x, rows));
      const before = new Set(rows.flat().map((ct) => toHex(ct.alpha)));
      for (const ct of out.rows.flat()) assert.ok(!before.has(toHex(ct.alpha)), 'every ciphertext is re-encrypted');
      // And the chain goes on: the next mixer shuffles this output.
      const next = { ...CTX, mixer: 'trustee-3', position: 2 };
      const out2 = shuffle(next, pk, out.rows);
      assert.deepEqual(checkShuffle(next, pk, out.rows, out2.rows, out2.proof), { ok: true });
      assert.deepEqual(plaintextRows(x, out2.rows), plaintextRows(x, rows));
    });
  }

  test('the mixer cannot alter, replace, drop, duplicate or reorder an output ciphertext', () => {
    const be = backend();
    const { pk } = keys();
    const rows = makeRows(pk, 5, 3);
    const { rows: out, proof } = shuffle(CTX, pk, rows);
    const edit = (f: (r: Row[]) => void): Row[] => { const copy = out.map((r) => r.slice()); f(copy); return copy; };
    const altered = edit((r) => { r[2]![1] = { alpha: r[2]![1]!.alpha, beta: be.add(r[2]![1]!.beta, be.baseMul(1n)) }; });
    fails(checkShuffle(CTX, pk, rows, altered, proof), /does not hold/);
    // Replaced by a fresh encryption of another vote, or by an input copied through unchanged.
    const replaced = edit((r) => { r[0] = makeRows(pk, 1, 3)[0]!; });
    fails(checkShuffle(CTX, pk, rows, replaced, proof), /does not hold/);
    const copied = edit((r) => { r[4] = rows[4]!; });
    fails(checkShuffle(CTX, pk, rows, copied, proof), /does not hold/);
    // Re-randomised honestly after the proof was made: a valid re-encryption, but not the proven one.
    const rerandomised = edit((r) => { const s = randomScalar(); const ct = r[1]![0]!; r[1]![0] = { alpha: be.add(ct.alpha, be.baseMul(s)), beta: be.add(ct.beta, be.mul(pk, s)) }; });
    fails(checkShuffle(CTX, pk, rows, rerandomised, proof), /does not hold/);
    const duplicated = edit((r) => { r[3] = r[1]!; });
    fails(checkShuffle(CTX, pk, rows, duplicated, proof), /does not hold/);
    const swappedRows = edit((r) => { [r[0], r[1]] = [r[1]!, r[0]!]; });
    fails(checkShuffle(CTX, pk, rows, swappedRows, proof), /does not hold/);
    const swappedColumns = edit((r) => { r[0] = [r[0]![1]!, r[0]![0]!, r[0]![2]!]; });
    fails(checkShuffle(CTX, pk, rows, swappedColumns, proof), /does not hold/);
    fails(checkShuffle(CTX, pk, rows, out.slice(0, 4), proof), /5 input rows but 4 output rows/);
    fails(checkShuffle(CTX, pk, rows, [...out, out[0]!], proof), /5 input rows but 6 output rows/);
    fails(checkShuffle(CTX, pk, rows, edit((r) => { r[2] = r[2]!.slice(0, 2); }), proof), /row 2 does not hold 3 ciphertexts/);
    // The control: the untouched output passes.
    assert.deepEqual(checkShuffle(CTX, pk, rows, out, proof), { ok: true });
  });

  test('property: any one output component replaced by another point, or the output rows rotated, is refused', () => {
    const be = backend();
    const { pk } = keys();
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.nat(), fc.boolean(), fc.bigInt({ min: 1n, max: ORDER - 1n }), (n, k, pick, beta, s) => {
      const rows = makeRows(pk, n, k);
      const { rows: out, proof } = shuffle(CTX, pk, rows);
      const i = pick % n, j = (pick >> 3) % k;
      const changed = out.map((r) => r.slice());
      const ct = changed[i]![j]!;
      changed[i]![j] = beta ? { alpha: ct.alpha, beta: be.add(ct.beta, be.baseMul(s)) } : { alpha: be.baseMul(s), beta: ct.beta };
      assert.equal(checkShuffle(CTX, pk, rows, changed, proof).ok, false);
      if (n > 1) {
        const rotated = [...out.slice(1), out[0]!];
        assert.equal(checkShuffle(CTX, pk, rows, rotated, proof).ok, false);
      }
      assert.equal(checkShuffle(CTX, pk, rows, out, proof).ok, true);
    }), { numRuns: be.name === 'noble' ? 4 : 12 });
  });

  test('a proof belongs to its input, key, election, question, mixer and position only', () => {
    const { pk } = keys();
    const rows = makeRows(pk, 4, 1);
    const { rows: out, proof } = shuffle(CTX, pk, rows);
    const other = makeRows(pk, 4, 1);
    fails(checkShuffle(CTX, pk, other, out, proof), /does not hold/);
    const inputEdited = rows.slice(); inputEdited[0] = other[0]!;
    fails(checkShuffle(CTX, pk, inputEdited, out, proof), /does not hold/);
    fails(checkShuffle(CTX, keys().pk, rows, out, proof), /does not hold/);
    for (const ctx of [{ ...CTX, election: 'e2'.repeat(32) }, { ...CTX, question: 'board' }, { ...CTX, mixer: 'trustee-1' }, { ...CTX, position: 0 }]) {
      fails(checkShuffle(ctx, pk, rows, out, proof), /does not hold/);
    }
    // Another shuffle's proof of the same input does not fit this output.
    fails(checkShuffle(CTX, pk, rows, out, shuffle(CTX, pk, rows).proof), /does not hold/);
    assert.deepEqual(checkShuffle(CTX, pk, rows, out, proof), { ok: true });
  });

  test('malformed proofs are refused with the reason: length, counts, points, scalars', () => {
    const { pk } = keys();
    const rows = makeRows(pk, 3, 2);
    const { rows: out, proof } = shuffle(CTX, pk, rows);
    const changed = (f: (p: Uint8Array) => void) => { const p = proof.slice(); f(p); return p; };
    fails(checkShuffle(CTX, pk, rows, out, proof.subarray(0, proof.length - 1)), /expected \d+ bytes/);
    fails(checkShuffle(CTX, pk, rows, out, Uint8Array.from([...proof, 0])), /expected \d+ bytes/);
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { p[3] = 4; })), /made for 4 rows, not 3/);
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { p[5] = 1; })), /width 1, not 2/);
    // c[0] non-canonical (all 0xff), ĉ[1] the identity, t1 with the top bit set.
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { p.fill(0xff, 6, 38); })), /a point of the rows or the proof is not a canonical ristretto255 encoding/);
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { p.fill(0, 6 + 32 * 4, 6 + 32 * 5); })), /ĉ\[1\] is not a point other than the identity/);
    const t1At = 6 + 32 * 9;
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { p[t1At + 31]! |= 0x80; })), /not a canonical ristretto255 encoding/);
    // The same point, decoded, on an honest-looking proof: a non-canonical encoding of a valid c[0] is refused, not reduced.
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { p[6 + 31]! |= 0x80; })), /not a canonical ristretto255 encoding/);
    // s1 replaced by s1 + q (the same value mod q, unreduced): one value, one encoding.
    const s1At = 6 + 32 * (9 + 3 + 4);
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { writeScalar(p, s1At, ORDER - 1n); p[s1At + 31] = 0xff; })), /s1 is not a scalar below the group order/);
    // A valid scalar that is simply wrong.
    fails(checkShuffle(CTX, pk, rows, out, changed((p) => { writeScalar(p, s1At, 12345n); })), /does not hold/);
    // Every single-byte flip anywhere in the proof is refused.
    for (let at = 0; at < proof.length; at += backend().name === 'noble' ? 31 : 7) {
      assert.equal(checkShuffle(CTX, pk, rows, out, changed((p) => { p[at]! ^= 1; })).ok, false, `flip at ${at}`);
    }
  });

  test('bad statements are refused: identity or non-canonical points, identity key, bad context, bad rows', () => {
    const be = backend();
    const { pk } = keys();
    const rows = makeRows(pk, 2, 1);
    const { rows: out, proof } = shuffle(CTX, pk, rows);
    const zero = new Uint8Array(32);
    fails(checkShuffle(CTX, zero, rows, out, proof), /public key: not a canonical non-identity/);
    fails(checkShuffle(CTX, new Uint8Array(31), rows, out, proof), /public key/);
    fails(checkShuffle(CTX, pk, rows, [[{ alpha: zero, beta: out[0]![0]!.beta }], out[1]!], proof), /output rows: row 0 column 0 alpha is not 32 bytes, not the identity/);
    fails(checkShuffle(CTX, pk, [rows[0]!, [{ alpha: rows[1]![0]!.alpha, beta: new Uint8Array(32).fill(0xff) }]], out, proof), /not a canonical ristretto255 encoding/);
    const high = out[1]![0]!.alpha.slice(); high[31]! |= 0x80;
    fails(checkShuffle(CTX, pk, rows, [out[0]!, [{ alpha: high, beta: out[1]![0]!.beta }]], proof), /not a canonical ristretto255 encoding/);
    fails(checkShuffle(CTX, pk, rows, [out[0]!, [{ alpha: out[1]![0]!.alpha, beta: out[1]![0]!.beta.subarray(0, 31) }]], proof), /row 1 column 0 beta/);
    fails(checkShuffle({ ...CTX, position: -1 }, pk, rows, out, proof), /position/);
    fails(checkShuffle({ ...CTX, election: 'E1'.repeat(32) }, pk, rows, out, proof), /election hash/);
    fails(checkShuffle({ ...CTX, extra: 1 } as unknown as ShuffleContext, pk, rows, out, proof), /exactly election, question, mixer, position/);
    fails(checkShuffle(CTX, pk, 'rows' as unknown as Row[], out, proof), /expected an array of rows/);
    fails(checkShuffle(CTX, pk, rows, out, 'proof' as unknown as Uint8Array), /expected bytes/);
    // The prover refuses the same inputs and changes nothing.
    assert.throws(() => shuffle(CTX, zero, rows), MixnetFormatError);
    assert.throws(() => shuffle(CTX, pk, [rows[0]!, [rows[1]![0]!, rows[1]![0]!]]), /row 1 does not hold 1 ciphertexts like row 0/);
    assert.throws(() => shuffle(CTX, pk, [[{ alpha: be.baseMul(1n), beta: zero }]]), /beta is not a canonical non-identity/);
    assert.throws(() => shuffle({ ...CTX, question: '' }, pk, rows), /question/);
  });

  test('the empty shuffle and the one-row shuffle', () => {
    const { x, pk } = keys();
    const empty = shuffle(CTX, pk, []);
    assert.deepEqual(empty.rows, []);
    assert.equal(toHex(empty.proof), '000000000000');
    assert.deepEqual(checkShuffle(CTX, pk, [], [], empty.proof), { ok: true });
    fails(checkShuffle(CTX, pk, [], [], new Uint8Array(7)), /expected 6 bytes/);
    fails(checkShuffle(CTX, pk, [], makeRows(pk, 1, 1), empty.proof), /0 input rows but 1 output rows/);
    const one = makeRows(pk, 1, 2);
    const out = shuffle(CTX, pk, one);
    assert.deepEqual(checkShuffle(CTX, pk, one, out.rows, out.proof), { ok: true });
    assert.deepEqual(plaintextRows(x, out.rows), plaintextRows(x, one));
    fails(checkShuffle(CTX, pk, one, one, out.proof), /does not hold/);
    fails(checkShuffle(CTX, pk, one, out.rows, empty.proof), /made for 0 rows, not 1/);
    assert.ok(!out.rows.flat().some((ct) => isIdentityBytes(ct.alpha)));
  });
});
