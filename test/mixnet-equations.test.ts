// The spec's CheckProof equations (docs/spec.md §18.5.3, E1–Ê_i), written out one by one with
// noble's points as a second verifier would write them, hold for honest proofs and fail for forged
// ones exactly when checkShuffle (one batched MSM) refuses. And a mixer who runs the real prover on a
// witness that is not a shuffle (a ballot duplicated and another dropped, or a ballot substituted) is
// refused by both.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../src/crypto/backend.js';
import { G, mod, mul, neg, Point, randomScalar, type Point as P, type Scalar } from '../src/crypto/group.js';
import { checkShuffle, prepareGenerators, shuffle, type Row, type ShuffleContext } from '../src/mixnet/index.js';
import { decodeProof, encodeProof, packRows, unpackRows } from '../src/mixnet/encoding.js';
import { deriveGenerators, generatorSeed } from '../src/mixnet/generators.js';
import { proveShuffle, randomScalarFrom } from '../src/mixnet/proof.js';
import { TRANSCRIPT } from '../src/mixnet/transcript.js';
import { randomBytes } from '@noble/hashes/utils.js';

const CTX: ShuffleContext = { election: '0c'.repeat(32), question: 'stv', mixer: 'trustee-3', position: 2 };

/** CheckProof, equation by equation (spec §5.3 step 4), on noble points. */
function equationsHold(pkBytes: Uint8Array, rowsIn: Row[], rowsOut: Row[], proofBytes: Uint8Array): boolean {
  const be = backend();
  const n = rowsIn.length, k = rowsIn[0]!.length;
  const p = decodeProof(be, proofBytes, n, k);
  const pt = (b: Uint8Array) => Point.fromBytes(b);
  const pow = (x: P, e: Scalar) => (mod(e) === 0n ? Point.ZERO : x.multiply(mod(e)));
  const prod = (xs: P[]) => xs.reduce((a, b) => a.add(b), Point.ZERO);
  const seed = generatorSeed(CTX);
  const h = deriveGenerators(seed, n).map(pt);
  const input = packRows(be, rowsIn, 'in'), output = packRows(be, rowsOut, 'out');
  const { digest: U, u } = TRANSCRIPT.challenges(TRANSCRIPT.statement({ context: CTX, publicKey: pkBytes, seed, count: n, width: k, inputs: input.packed, outputs: output.packed }), p.c);
  const c = TRANSCRIPT.challenge(U, p);
  const pk = pt(pkBytes), cs = p.c.map(pt), cHat = p.cHat.map(pt), tHat = p.tHat.map(pt);
  const cBar = prod(cs).subtract(prod(h.slice(1)));
  const uAll = u.reduce((a, b) => mul(a, b), 1n);
  const cHatN = cHat[n - 1]!.subtract(pow(h[0]!, uAll));
  const cTilde = prod(cs.map((x, l) => pow(x, u[l]!)));
  const eq = (a: P, b: P) => a.equals(b);
  let ok = eq(pt(p.t1), pow(cBar, neg(c)).add(pow(G, p.s1)))
    && eq(pt(p.t2), pow(cHatN, neg(c)).add(pow(G, p.s2)))
    && eq(pt(p.t3), pow(cTilde, neg(c)).add(pow(G, p.s3)).add(prod(h.slice(1).map((x, i) => pow(x, p.sPrime[i]!)))));
  for (let j = 0; j < k; j++) {
    const aTilde = prod(rowsIn.map((r, l) => pow(pt(r[j]!.alpha), u[l]!)));
    const bTilde = prod(rowsIn.map((r, l) => pow(pt(r[j]!.beta), u[l]!)));
    ok &&= eq(pt(p.t4[j]![0]), pow(aTilde, neg(c)).add(pow(G, neg(p.s4[j]!))).add(prod(rowsOut.map((r, i) => pow(pt(r[j]!.alpha), p.sPrime[i]!)))));
    ok &&= eq(pt(p.t4[j]![1]), pow(bTilde, neg(c)).add(pow(pk, neg(p.s4[j]!))).add(prod(rowsOut.map((r, i) => pow(pt(r[j]!.beta), p.sPrime[i]!)))));
  }
  for (let i = 0; i < n; i++) {
    const prev = i === 0 ? h[0]! : cHat[i - 1]!;
    ok &&= eq(tHat[i]!, pow(cHat[i]!, neg(c)).add(pow(G, p.sHat[i]!)).add(pow(prev, p.sPrime[i]!)));
  }
  return ok;
}

function encryptRows(pk: Uint8Array, values: number[][]): Row[] {
  const be = backend();
  return values.map((row) => row.map((m) => { const r = randomScalar(); return { alpha: be.baseMul(r), beta: be.add(be.baseMul(BigInt(m)), be.mul(pk, r)) }; }));
}

/** Runs the real prover on any witness: output row i re-encrypts input from[i] (or `substitute` for row 0). */
function dishonestShuffle(pk: Uint8Array, rows: Row[], from: number[], substitute?: Row) {
  const be = backend();
  const n = rows.length, k = rows[0]!.length;
  const rho = from.map(() => Array.from({ length: k }, () => randomScalarFrom(randomBytes)));
  const out: Row[] = from.map((l, i) => (i === 0 && substitute ? substitute : rows[l]!).map((ct, j) => ({
    alpha: be.add(ct.alpha, be.baseMul(rho[i]![j]!)), beta: be.add(ct.beta, be.mul(pk, rho[i]![j]!)),
  })));
  const seed = generatorSeed(CTX);
  const statement = { context: CTX, publicKey: pk, seed, count: n, width: k, inputs: packRows(be, rows, 'in').packed, outputs: packRows(be, out, 'out').packed };
  // The prover needs a permutation to commit to; it is given one (the identity) while the outputs follow `from`.
  const commit = from.every((l, i) => from.indexOf(l) === i) ? from : from.map((_, i) => i);
  const proof = encodeProof(proveShuffle(be, statement, deriveGenerators(seed, n), { permutation: commit, randomness: rho }, randomBytes));
  return { rows: unpackRows(packRows(be, out, 'out').packed, n, k), proof };
}

before(async () => { await prepareGenerators(); });

test('the spec equations, one by one, accept what checkShuffle accepts and refuse what it refuses', () => {
  const be = backend();
  const x = randomScalar(), pk = be.baseMul(x);
  const rows = encryptRows(pk, [[1, 2], [3, 4], [5, 6], [7, 8]]);
  const out = shuffle(CTX, pk, rows);
  assert.equal(equationsHold(pk, rows, out.rows, out.proof), true);
  assert.deepEqual(checkShuffle(CTX, pk, rows, out.rows, out.proof), { ok: true });
  // Forgeries: a response changed, an output row swapped with another, an input replaced.
  const s1At = 6 + 32 * (4 * 3 + 3 + 2 * 2);
  const forgedProof = out.proof.slice(); forgedProof[s1At] ^= 1;
  const swapped = [out.rows[1]!, out.rows[0]!, ...out.rows.slice(2)];
  const otherInput = [encryptRows(pk, [[1, 2]])[0]!, ...rows.slice(1)];
  for (const [name, rIn, rOut, proof] of [['response', rows, out.rows, forgedProof], ['swapped outputs', rows, swapped, out.proof], ['other input', otherInput, out.rows, out.proof]] as const) {
    assert.equal(equationsHold(pk, rIn, rOut, proof), false, name);
    assert.equal(checkShuffle(CTX, pk, rIn, rOut, proof).ok, false, name);
  }
});

test('a mixer running the prover on a witness that is not a shuffle is refused: a ballot duplicated and another dropped, or a ballot substituted', () => {
  const be = backend();
  const x = randomScalar(), pk = be.baseMul(x);
  const rows = encryptRows(pk, [[10], [20], [30], [40]]);
  // Honest control through the same path.
  const honest = dishonestShuffle(pk, rows, [2, 0, 3, 1]);
  assert.deepEqual(checkShuffle(CTX, pk, rows, honest.rows, honest.proof), { ok: true });
  assert.equal(equationsHold(pk, rows, honest.rows, honest.proof), true);
  // Ballot 0 twice, ballot 1 gone.
  const duplicated = dishonestShuffle(pk, rows, [0, 0, 2, 3]);
  assert.deepEqual(checkShuffle(CTX, pk, rows, duplicated.rows, duplicated.proof), { ok: false, reason: 'the proof of shuffle does not hold' });
  assert.equal(equationsHold(pk, rows, duplicated.rows, duplicated.proof), false);
  // Ballot 0 replaced by the mixer's own ballot.
  const substituted = dishonestShuffle(pk, rows, [0, 1, 2, 3], encryptRows(pk, [[99]])[0]!);
  assert.deepEqual(checkShuffle(CTX, pk, rows, substituted.rows, substituted.proof), { ok: false, reason: 'the proof of shuffle does not hold' });
  assert.equal(equationsHold(pk, rows, substituted.rows, substituted.proof), false);
});
