// The group backends' batch operations that the mixnet makes its points with (src/crypto/backend.ts:
// mulAddMany, fromHashMany): noble, libsodium WASM and the native addon give the same bytes on random
// inputs, zero scalars, identity points (as p and among the q) and a count of none, constant time or
// not, and every backend
// refuses the same bad inputs (a non-canonical point, a scalar >= q, a wrong length, b without p).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from '@noble/hashes/utils.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ORDER, randomScalar, toScalarBytes, type Scalar } from '../src/crypto/group.js';
import type { GroupBackend, MulAddParts } from '../src/crypto/backend.js';
import { loadNativeAddon } from '../src/crypto/backend-native.js';
import { allBackends, nativeExpected } from './helpers/backends.js';
import { toHex } from '../src/crypto/encoding.js';

const packS = (xs: Scalar[]) => concatBytes(...xs.map((x) => toScalarBytes(x)));
const ID = new Uint8Array(32);

/** Every backend's answer, asserted equal; returns it. */
function agree(backends: GroupBackend[], f: (be: GroupBackend) => Uint8Array, what: string): Uint8Array {
  const answers = backends.map((be) => toHex(f(be)));
  for (let i = 1; i < answers.length; i++) assert.equal(answers[i], answers[0], `${what}: ${backends[i]!.name} differs from ${backends[0]!.name}`);
  return f(backends[0]!);
}

test('mulAddMany: every backend gives the same points for each combination of factors, zero scalars and identities included', async () => {
  const backends = await allBackends();
  const ref = backends[0]!;
  const n = 12;
  // Zero, one, q−1 and random scalars; identity points among the q.
  const scalars = (): Scalar[] => Array.from({ length: n }, (_, i) => (i === 0 ? 0n : i === 1 ? 1n : i === 2 ? ORDER - 1n : randomScalar()));
  const a = packS(scalars()), b = packS(scalars().reverse());
  const q = concatBytes(...Array.from({ length: n }, (_, i) => (i % 4 === 1 ? ID : ref.baseMul(randomScalar()))));
  for (const p of [ref.baseMul(randomScalar()), ID, ref.baseMul(1n)]) {
    const combos: MulAddParts[] = [{ a, p, b, q }, { a, q }, { p, b, q }, { a, p, b }, { a }, { p, b }, { q }, {}, { a, p, b, vartime: true }, { p, b, q, vartime: true }];
    for (const parts of combos) {
      const got = agree(backends, (be) => be.mulAddMany(n, parts), `mulAddMany ${Object.keys(parts).join(' ')}`);
      // And what it means, on noble's single operations: g^{a_i} · p^{b_i} · q_i.
      for (let i = 0; i < n; i++) {
        let want = parts.q ? parts.q.subarray(32 * i, 32 * i + 32) : ID;
        if (parts.a) want = ref.add(want, ref.baseMul(BigInt('0x' + toHex(parts.a.slice(32 * i, 32 * i + 32).reverse()))));
        if (parts.b) want = ref.add(want, ref.mul(parts.p!, BigInt('0x' + toHex(parts.b.slice(32 * i, 32 * i + 32).reverse()))));
        assert.equal(toHex(got.subarray(32 * i, 32 * i + 32)), toHex(want));
      }
    }
  }
  for (const be of backends) assert.equal(be.mulAddMany(0, { a: new Uint8Array(0), p: ID, b: new Uint8Array(0), q: new Uint8Array(0) }).length, 0);
});

test('mulAddMany: every backend refuses a non-canonical q, a scalar >= q, a wrong length and b without p', async () => {
  const backends = await allBackends();
  const ref = backends[0]!;
  const good = ref.baseMul(randomScalar());
  const badPoint = new Uint8Array(32).fill(255);
  const highBit = good.slice(); highBit[31] |= 0x80;
  const aboveQ = new Uint8Array(32).fill(0xff); aboveQ[31] = 0x1f; // < 2^253 (the addon's own bound) but > q
  const cases: [string, number, MulAddParts][] = [
    ['non-canonical q', 1, { a: packS([5n]), q: badPoint }],
    ['q with the top bit set', 1, { q: highBit }],
    ['scalar = q', 1, { a: toScalarBytes(0n).map((_, i) => Number((ORDER >> BigInt(8 * i)) & 0xffn)) }],
    ['b scalar > q', 1, { p: good, b: aboveQ }],
    ['a too short', 2, { a: packS([1n]) }],
    ['q too long', 1, { q: concatBytes(good, good) }],
    ['b without p', 1, { b: packS([1n]) }],
  ];
  for (const be of backends) for (const [what, n, parts] of cases) assert.throws(() => be.mulAddMany(n, parts), Error, `${be.name}: ${what}`);
});

test('fromHashMany: every backend derives the same elements (RFC 9496 §4.3.4), zero and all-ones inputs included', async () => {
  const backends = await allBackends();
  const uniform = concatBytes(new Uint8Array(64), new Uint8Array(64).fill(255), randomBytes(64 * 6));
  const got = agree(backends, (be) => be.fromHashMany(uniform), 'fromHashMany');
  assert.equal(got.length, 32 * 8);
  for (const be of backends) {
    assert.equal(be.fromHashMany(new Uint8Array(0)).length, 0);
    assert.throws(() => be.fromHashMany(new Uint8Array(65)), /64-byte/, be.name);
  }
});

test('native addon: mulAddMany and fromHashMany refuse malformed arguments themselves (not only the TypeScript wrapper)', { skip: !nativeExpected() }, () => {
  const N = loadNativeAddon();
  const t = N.precompute(new Uint8Array(32));
  assert.throws(() => N.mulAddMany(1, new Uint8Array(31), null, null, null, false), /32 bytes/);
  assert.throws(() => N.mulAddMany(1, null, null, new Uint8Array(32), null, false), /table/);
  assert.throws(() => N.mulAddMany(1, null, {}, new Uint8Array(32), null, true), /table/);
  assert.throws(() => N.mulAddMany(1, new Uint8Array(32).fill(0xff), null, null, null, false), /canonical/);
  assert.throws(() => N.mulAddMany(1, null, t, null, new Uint8Array(32).fill(0xff), false), /canonical/);
  assert.throws(() => N.mulAddMany(1, null, t, new Uint8Array(32), null, 1 as unknown as boolean), /boolean/);
  // Each kind of table only where it belongs: the radix-16 one is refused in variable time, the radix-256 one in constant time.
  const wide = N.precomputeWide(new Uint8Array(32));
  assert.throws(() => N.mulAddMany(1, null, t, new Uint8Array(32), null, true), /table/);
  assert.throws(() => N.mulAddMany(1, null, wide, new Uint8Array(32), null, false), /table/);
  assert.throws(() => N.disjunctive(wide, new Uint8Array(32), new Uint8Array(32), new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)), /table/);
  assert.throws(() => N.fromHashMany(new Uint8Array(63)), /64-byte/);
  assert.throws(() => N.fromHashMany('x' as unknown as Uint8Array), /64-byte/);
  assert.equal(N.mulAddMany(0, null, null, null, null, false).length, 0);
});

test('one decoding per point still refuses every bad point: msm (zero scalar or not) and shuffle inputs, on every backend', async () => {
  const { shuffle, MixnetFormatError } = await import('../src/mixnet/index.js');
  const bad = new Uint8Array(32).fill(255); // 32 bytes, not the identity, not a canonical encoding
  const high = (await allBackends())[0]!.baseMul(7n).slice(); high[31] |= 0x80; // a point's encoding with the top bit set
  const ctx = { election: 'ab'.repeat(32), question: 'q', mixer: 'm', position: 0 };
  for (const be of await allBackends()) {
    const good = be.baseMul(randomScalar());
    for (const p of [bad, high]) {
      for (const k of [0n, 5n]) assert.throws(() => be.msm(concatBytes(good, p), packS([3n, k])), /canonical/, `${be.name} msm, scalar ${k}`);
      const pk = be.baseMul(randomScalar());
      for (const [what, row] of [['alpha', { alpha: p, beta: good }], ['beta', { alpha: good, beta: p }]] as const) {
        assert.throws(() => shuffle(ctx, pk, [[{ alpha: good, beta: good }], [row]], { backend: be }), (e: Error) => e instanceof MixnetFormatError && new RegExp(`row 1 column 0 ${what} is not a canonical`).test(e.message), `${be.name} shuffle, bad ${what}`);
      }
    }
  }
});
