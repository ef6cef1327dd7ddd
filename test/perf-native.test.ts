// The native addon's fused operations give exactly the bytes of the compositions they replace, and
// the loader refuses an addon that is wrong anywhere (its self-test covers every function).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concatBytes } from '@noble/hashes/utils.js';
import { nobleBackend, IDENTITY_BYTES } from '../src/crypto/backend.js';
import { checkedNativeBackend, loadNativeAddon, type NativeAddon } from '../src/crypto/backend-native.js';
import { baseMul, ORDER, toScalarBytes } from '../src/crypto/group.js';
import { nativeBackendForTests, nativeExpected } from './helpers/backends.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const scalarArb = fc.oneof(
  fc.constantFrom(0n, 1n, 8n, 15n, 16n, ORDER - 1n, ORDER - 8n, (1n << 252n) - 1n, 1n << 252n),
  fc.bigInt({ min: 0n, max: ORDER - 1n }),
);
const pointArb = fc.oneof(fc.constant(IDENTITY_BYTES), scalarArb.map((k) => baseMul(k).toBytes()));
const skip = nativeExpected() ? false : 'the native addon is not expected here (no libsodium-dev)';

test('native disjunctive commitments and sums equal the compositions of plain operations', { skip }, () => {
  const native = nativeBackendForTests()!;
  const noble = nobleBackend();
  const negate = (c: bigint) => (ORDER - c) % ORDER;
  fc.assert(fc.property(pointArb, pointArb, pointArb, fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), scalarArb, scalarArb), { minLength: 1, maxLength: 5 }),
    (h, alpha, beta, branches) => {
      const gv = branches.map(([v]) => noble.baseMul(BigInt(v)));
      const c = branches.map(([, ci]) => ci);
      const z = branches.map(([, , zi]) => zi);
      const got = native.disjunctive(h, alpha, beta, gv, c, z);
      assert.equal(got.length, 2 * branches.length);
      branches.forEach((_, i) => {
        const A = noble.add(noble.baseMul(z[i]!), noble.mul(alpha, negate(c[i]!)));
        const B = noble.add(noble.mul(h, z[i]!), noble.mul(noble.sub(beta, gv[i]!), negate(c[i]!)));
        assert.equal(hex(got[2 * i]!), hex(A));
        assert.equal(hex(got[2 * i + 1]!), hex(B));
      });
    }), { numRuns: 40 });
  fc.assert(fc.property(fc.array(pointArb, { maxLength: 30 }), (points) => {
    assert.equal(hex(native.sum(points)), hex(points.reduce((a, b) => noble.add(a, b), IDENTITY_BYTES)));
  }), { numRuns: 60 });
  fc.assert(fc.property(fc.array(fc.tuple(pointArb, scalarArb), { maxLength: 70 }), (terms) => {
    const want = terms.reduce((a, [p, k]) => noble.add(a, noble.mul(p, k)), IDENTITY_BYTES);
    assert.equal(hex(native.msm!(concatBytes(...terms.map(([p]) => p)), concatBytes(...terms.map(([, k]) => toScalarBytes(k))))), hex(want));
  }), { numRuns: 15 });
  // Bad input is refused with an error, never answered.
  const bad = new Uint8Array(32).fill(0xff);
  assert.throws(() => native.sum([bad]));
  assert.throws(() => native.mul(bad, 3n));
  assert.throws(() => native.msm!(bad, new Uint8Array(32)));
  assert.throws(() => native.msm!(new Uint8Array(32), new Uint8Array(32).fill(0xff)));
  assert.throws(() => native.disjunctive(IDENTITY_BYTES, bad, IDENTITY_BYTES, [IDENTITY_BYTES], [1n], [1n]));
});

test('the loader refuses a native addon that is wrong in any one function', { skip }, () => {
  const real = loadNativeAddon();
  assert.ok(checkedNativeBackend(real));
  // Only the addon's own tables are read as tables.
  const zero = new Uint8Array(32);
  assert.throws(() => real.disjunctive({}, zero, zero, zero, zero, zero), /not a table/);
  assert.throws(() => real.disjunctive(Object.create(null) as object, zero, zero, zero, zero, zero), /not a table/);
  const flip = (b: Uint8Array) => { const o = b.slice(); o[0]! ^= 4; return o; };
  // Each function wrong on some inputs only: the self-test's edge scalars and points must reach them.
  const faulty: Record<string, Partial<NativeAddon>> = {
    isValid: { isValid: (p) => (p[0] === 0xff ? true : real.isValid(p)) },
    baseMul: { baseMul: (k) => (k[31] === 0x10 ? flip(real.baseMul(k)) : real.baseMul(k)) },
    mul: { mul: (p, k) => (k[0] === 8 ? flip(real.mul(p, k)) : real.mul(p, k)) },
    add: { add: (p, q) => (p[0] === q[0] ? flip(real.add(p, q)) : real.add(p, q)) },
    sub: { sub: (p, q) => flip(real.sub(p, q)) },
    baseMulAdd: { baseMulAdd: (a, p, b) => (a[0] === 1 ? flip(real.baseMulAdd(a, p, b)) : real.baseMulAdd(a, p, b)) },
    disjunctive: { disjunctive: (t, a, b, g, c, z) => { const o = real.disjunctive(t, a, b, g, c, z); o[o.length - 1]! ^= 1; return o; } },
    tableOfEdgeScalars: { disjunctive: (t, a, b, g, c, z) => (z.some((x, i) => i % 32 === 31 && x === 0x10) ? new Uint8Array(z.length * 2) : real.disjunctive(t, a, b, g, c, z)) },
    sum: { sum: (p) => (p.length > 64 ? flip(real.sum(p)) : real.sum(p)) },
    msm: { msm: (p, k) => (p.length >= 40 * 32 ? flip(real.msm(p, k)) : real.msm(p, k)) },
  };
  for (const [name, patch] of Object.entries(faulty)) {
    assert.throws(() => checkedNativeBackend({ ...real, ...patch } as NativeAddon), /self-test failed/, name);
  }
});
