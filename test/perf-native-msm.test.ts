// The native multi-scalar multiplication (signed digits, scalars above q/2 shortened by negating the
// point, a window chosen per call, points decoded through the thread's table of recent decodings) gives
// exactly Σ k_i·P_i, for every size that picks another window, and the table never changes an answer:
// points that share a slot, a point decoded before, a non-canonical encoding after a canonical one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes } from '@noble/hashes/utils.js';
import { IDENTITY_BYTES, nobleBackend } from '../src/crypto/backend.js';
import { ORDER, randomScalar, toScalarBytes } from '../src/crypto/group.js';
import { nativeBackendForTests, nativeExpected } from './helpers/backends.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const skip = nativeExpected() ? false : 'the native addon is not expected here (no libsodium-dev)';
const W128 = (1n << 128n) - 1n;
// The kinds of coefficient a batch check makes: −w (w < 2^128), full size, and the edges.
const kinds = [0n, 1n, 2n, ORDER - 1n, ORDER - 2n, (ORDER - 1n) / 2n, (ORDER + 1n) / 2n, (1n << 252n) - 1n, 1n << 252n, W128, 1n << 128n];
const coefficient = (i: number): bigint => (i < kinds.length ? kinds[i]! : i % 3 === 0 ? randomScalar() : i % 3 === 1 ? ORDER - (randomScalar() & W128) : randomScalar() & W128);

test('native msm equals the sum of single multiplications at every window size', { skip }, () => {
  const native = nativeBackendForTests()!;
  for (const n of [1, 2, 5, 12, 40, 150, 700, 2500]) {
    const points = Array.from({ length: n }, (_, i) => (i === 1 ? IDENTITY_BYTES : native.baseMul(randomScalar())));
    if (n > 4) points[4] = points[0]!; // one point twice
    const scalars = points.map((_, i) => coefficient(i));
    const want = native.sum(points.map((p, i) => native.mul(p, scalars[i]!)));
    const got = native.msm(concatBytes(...points), concatBytes(...scalars.map(toScalarBytes)));
    assert.equal(hex(got), hex(want), `n = ${n}`);
  }
  // The reference composition on noble, for a small one (native mul and sum are checked against noble elsewhere).
  const noble = nobleBackend();
  const points = Array.from({ length: 20 }, () => noble.baseMul(randomScalar()));
  const scalars = points.map((_, i) => coefficient(i));
  assert.equal(hex(native.msm(concatBytes(...points), concatBytes(...scalars.map(toScalarBytes)))),
    hex(points.reduce((acc, p, i) => noble.add(acc, noble.mul(p, scalars[i]!)), IDENTITY_BYTES)));
});

test('native msm of one, two and three terms with every edge coefficient (each picks its own window)', { skip }, () => {
  const native = nativeBackendForTests()!;
  const [p, q, r] = [native.baseMul(randomScalar()), native.baseMul(randomScalar()), native.baseMul(randomScalar())];
  for (const a of kinds) {
    assert.equal(hex(native.msm(p, toScalarBytes(a))), hex(native.mul(p, a)), `one term, k = ${a}`);
    for (const b of kinds) {
      assert.equal(hex(native.msm(concatBytes(p, q), concatBytes(toScalarBytes(a), toScalarBytes(b)))), hex(native.add(native.mul(p, a), native.mul(q, b))), `two terms, ${a}, ${b}`);
      const c = kinds[(kinds.indexOf(a) + kinds.indexOf(b)) % kinds.length]!;
      assert.equal(hex(native.msm(concatBytes(p, q, r), concatBytes(toScalarBytes(a), toScalarBytes(b), toScalarBytes(c)))),
        hex(native.sum([native.mul(p, a), native.mul(q, b), native.mul(r, c)])), `three terms, ${a}, ${b}, ${c}`);
    }
  }
});

test('the decoded-point table never changes an answer', { skip }, () => {
  const native = nativeBackendForTests()!;
  // Enough distinct points that many share a slot of the 2^14-entry table, each decoded first by isValid.
  const points = Array.from({ length: 20000 }, () => native.baseMul(randomScalar()));
  for (const p of points) assert.ok(native.isValid(p));
  const some = [points[0]!, points[19999]!, points[7]!, points[12345]!];
  const scalars = some.map((_, i) => coefficient(i + 3));
  assert.equal(hex(native.msm(concatBytes(...some), concatBytes(...scalars.map(toScalarBytes)))),
    hex(native.sum(some.map((p, i) => native.mul(p, scalars[i]!)))));
  // After a canonical point, the same bytes with the top bit set, and with one byte changed, are still refused.
  const p = points[3]!;
  assert.ok(native.isValid(p));
  const high = p.slice(); high[31]! |= 0x80;
  assert.equal(native.isValid(high), false);
  assert.throws(() => native.msm(high, toScalarBytes(1n)));
  const off = p.slice(); off[31] ^= 0x01; off[0] ^= 0x01;
  assert.equal(native.isValid(off), nobleBackend().isValid(off));
  const bad = new Uint8Array(32).fill(0xff); bad[31] = 0x7f;
  assert.equal(native.isValid(bad), false);
  assert.throws(() => native.msm(concatBytes(p, bad), concatBytes(toScalarBytes(1n), toScalarBytes(1n))));
});
