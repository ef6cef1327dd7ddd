// The fast paths give the same answers as the plain ones: libsodium (WASM and, when built, the native
// addon) and noble agree byte for byte on every group operation, including libsodium's refused cases (zero scalar, identity result), and the
// encoded-point proof verifiers accept and reject exactly what the Point-based ones do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nobleBackend, IDENTITY_BYTES, type GroupBackend } from '../src/crypto/backend.js';
import { allBackends } from './helpers/backends.js';
import { baseMul, G, IDENTITY, ORDER, Point, randomScalar, encodePoint, pointBytes, neg, add } from '../src/crypto/group.js';
import { encrypt } from '../src/crypto/elgamal.js';
import { proveSchnorr, verifySchnorr } from '../src/crypto/proofs/schnorr.js';
import { proveChaumPedersen, verifyChaumPedersen } from '../src/crypto/proofs/chaum-pedersen.js';
import { proveDisjunctive, verifyDisjunctive } from '../src/crypto/proofs/disjunctive.js';
import { verifyChaumPedersenEncoded, verifyDisjunctiveEncoded, verifySchnorrEncoded, type EncodedPoint } from '../src/crypto/proofs/encoded.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const enc = (p: InstanceType<typeof Point>): EncodedPoint => ({ text: encodePoint(p), bytes: pointBytes(p) });
const scalarArb = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, ORDER - 1n, ORDER - 2n),
  fc.bigInt({ min: 0n, max: ORDER - 1n }),
);
const pointArb = fc.oneof(fc.constant(IDENTITY), fc.constant(G), scalarArb.map((k) => baseMul(k)));

test('noble and libsodium (WASM, native) agree on every group operation, edge cases included', async () => {
  const noble = nobleBackend();
  for (const sodium of (await allBackends()).slice(1)) fc.assert(fc.property(scalarArb, pointArb, pointArb, scalarArb, (k, p, q, k2) => {
    const pb = p.toBytes();
    const qb = q.toBytes();
    for (const [name, f] of [
      ['baseMul', (b: GroupBackend) => b.baseMul(k)],
      ['mul', (b: GroupBackend) => b.mul(pb, k)],
      ['add', (b: GroupBackend) => b.add(pb, qb)],
      ['sub', (b: GroupBackend) => b.sub(pb, qb)],
      ['sub self', (b: GroupBackend) => b.sub(pb, pb)],
      ['baseMulAdd', (b: GroupBackend) => b.baseMulAdd(k, qb, k2)],
    ] as const) {
      assert.equal(hex(f(sodium)), hex(f(noble)), `${sodium.name} ${name}`);
    }
    // And both agree with the plain group code.
    assert.equal(hex(sodium.mul(pb, k)), hex((k === 0n ? IDENTITY : p.multiply(k)).toBytes()));
  }), { numRuns: 150 });
  for (const sodium of (await allBackends()).slice(1)) {
    assert.equal(hex(sodium.mul(IDENTITY_BYTES, 5n)), hex(IDENTITY_BYTES));
    assert.equal(hex(sodium.baseMul(0n)), hex(IDENTITY_BYTES));
  }
});

test('noble and libsodium (WASM, native) accept exactly the same encodings', async () => {
  const noble = nobleBackend();
  for (const sodium of (await allBackends()).slice(1)) {
  const special = [
    new Uint8Array(32), // identity: valid
    Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)), // s = 1: odd, refused
    Uint8Array.from({ length: 32 }, () => 0xff), // s >= p: non-canonical
    Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xed : i === 31 ? 0x7f : 0xff)), // s = p
    Uint8Array.from({ length: 31 }, () => 0), // wrong length
  ];
  for (const b of special) assert.equal(sodium.isValid(b), noble.isValid(b), hex(b));
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), (bytes, clear) => {
    if (clear) { bytes[31]! &= 0x7f; bytes[0]! &= 0xfe; }
    assert.equal(sodium.isValid(bytes), noble.isValid(bytes));
  }), { numRuns: 3000 });
  fc.assert(fc.property(pointArb, (p) => { assert.ok(sodium.isValid(p.toBytes())); }), { numRuns: 50 });
  }
});

test('encoded-point proof verifiers agree with the Point-based ones, on every backend, for valid and forged proofs', async () => {
  const backends = await allBackends();
  const ctx = { election: 'e', credential: 'c' };
  const x = randomScalar();
  const X = baseMul(x);
  const h = baseMul(randomScalar());
  const forge = (s: bigint, d: bigint) => (s + d) % ORDER;
  fc.assert(fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 }), (which, tweak) => {
    // Schnorr signature, maybe forged in c or z.
    const sig = proveSchnorr('t', ctx, x, X, 'msg');
    const s = { c: which === 1 ? forge(sig.c, BigInt(tweak)) : sig.c, z: which === 2 ? forge(sig.z, BigInt(tweak)) : sig.z };
    const expected = verifySchnorr('t', ctx, X, s, 'msg');
    for (const be of backends) assert.equal(verifySchnorrEncoded('t', ctx, enc(X), s.c, s.z, 'msg', be), expected);
    // Chaum–Pedersen with a possibly wrong Y.
    const B = baseMul(randomScalar());
    const Y = which === 3 && tweak > 0 ? B.multiply(x).add(G) : B.multiply(x);
    const cp = proveChaumPedersen('cp', ctx, x, X, B, Y);
    const cpExpected = verifyChaumPedersen('cp', ctx, X, B, Y, cp);
    assert.equal(cpExpected, !(which === 3 && tweak > 0));
    for (const be of backends) assert.equal(verifyChaumPedersenEncoded('cp', ctx, enc(X), enc(B), enc(Y), cp.c, cp.z, be), cpExpected);
    // Disjunctive proof over values 0..2: honest, wrong plaintext (Enc(3)), or a tweaked response.
    const values = [0, 1, 2];
    const m = which === 3 ? 3 : tweak % 3;
    const { ct, r } = encrypt(h, m);
    const proof = proveDisjunctive('d', ctx, h, ct, r, values, Math.min(m, 2));
    const dz = which === 2 ? proof.z.map((z, i) => (i === tweak % 3 ? forge(z, 1n) : z)) : proof.z;
    const dc = which === 1 && tweak > 0 ? [neg(proof.c[0]!), proof.c[1]!, add(add(proof.c[2]!, proof.c[0]!), proof.c[0]!)] : proof.c;
    const dExpected = verifyDisjunctive('d', ctx, h, ct, values, { c: dc, z: dz });
    assert.equal(dExpected, which === 0 || (which === 1 && tweak === 0));
    for (const be of backends) assert.equal(verifyDisjunctiveEncoded('d', ctx, enc(h), enc(ct.alpha), enc(ct.beta), values, dc, dz, be), dExpected);
  }), { numRuns: 40 });
});

test('msm gives identical bytes on every backend (noble, libsodium WASM, native), and refuses what it must', async () => {
  const all = await allBackends();
  const cat = (parts: Uint8Array[]) => { const out = new Uint8Array(32 * parts.length); parts.forEach((p, i) => out.set(p, 32 * i)); return out; };
  const scalarBytes = (k: bigint) => { const b = new Uint8Array(32); let x = k; for (let i = 0; i < 32; i++) { b[i] = Number(x & 0xffn); x >>= 8n; } return b; };
  const edge = [0n, 1n, 2n, ORDER - 1n, (1n << 128n) - 1n, 1n << 128n];
  fc.assert(fc.property(fc.array(fc.tuple(pointArb, fc.oneof(fc.constantFrom(...edge), scalarArb)), { maxLength: 40 }), (terms) => {
    const points = cat(terms.map(([p]) => p.toBytes()));
    const scalars = cat(terms.map(([, k]) => scalarBytes(k)));
    const want = terms.reduce((acc, [p, k]) => acc.add(k === 0n ? IDENTITY : p.multiply(k)), IDENTITY).toBytes();
    for (const be of all) assert.equal(hex(be.msm(points, scalars)), hex(want), be.name);
  }), { numRuns: 40 });
  const bad = G.toBytes().slice(); bad[0]! ^= 1;
  for (const be of all) {
    assert.equal(hex(be.msm(new Uint8Array(0), new Uint8Array(0))), hex(IDENTITY_BYTES), `${be.name} empty`);
    assert.throws(() => be.msm(bad, scalarBytes(1n)), /canonical|expected/, `${be.name} non-canonical point`);
    assert.throws(() => be.msm(G.toBytes(), scalarBytes(ORDER)), /canonical|expected/, `${be.name} scalar >= q`);
    assert.throws(() => be.msm(G.toBytes(), new Uint8Array(31)), /canonical|expected/, `${be.name} lengths`);
  }
});
