// One group interface, three implementations: @noble/curves (pure JS, the browser's), libsodium's WASM
// build (~5-10x faster per operation) and the optional native addon (backend-native.ts). The interchange type is the
// 32-byte ristretto255 encoding, because hashing a proof needs exactly that encoding and libsodium's
// operations take and return it: noble's toBytes/fromBytes cost ~0.1 ms each, as much as a
// fixed-base multiplication, so converting noble Points at every step would eat the gain.
// All must give identical bytes for identical inputs (test/perf-backend.test.ts, test/perf-native.test.ts).
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { Point, IDENTITY, G, ORDER, neg, toScalarBytes, type Scalar } from './group.js';

export interface GroupBackend {
  readonly name: 'noble' | 'sodium' | 'native';
  /** Is `bytes` the canonical encoding of a group element (the identity included)? */
  isValid(bytes: Uint8Array): boolean;
  /** g^k for 0 <= k < q. */
  baseMul(k: Scalar): Uint8Array;
  /** p^k for 0 <= k < q (constant time in k on both backends). */
  mul(p: Uint8Array, k: Scalar): Uint8Array;
  /** g^a · p^b (public scalars). */
  baseMulAdd(a: Scalar, p: Uint8Array, b: Scalar): Uint8Array;
  add(p: Uint8Array, q: Uint8Array): Uint8Array;
  sub(p: Uint8Array, q: Uint8Array): Uint8Array;
  /**
   * A disjunctive proof's commitments: for each i, A_i = g^{z_i} · α^{−c_i} and
   * B_i = h^{z_i} · (β − gv_i)^{−c_i}, as [A_0, B_0, A_1, …]. noble and libsodium WASM compose it from the
   * operations above (composedDisjunctive); the native backend keeps the points decoded in between.
   */
  disjunctive(h: Uint8Array, alpha: Uint8Array, beta: Uint8Array, gv: Uint8Array[], c: Scalar[], z: Scalar[]): Uint8Array[];
  /** The sum (group product) of the points, identity for none (composedSum, or native). */
  sum(points: Uint8Array[]): Uint8Array;
  /**
   * Σ k_i·P_i over concatenated 32-byte points and as many 32-byte canonical scalars (variable time:
   * public data only). Every point is decoded as canonical ristretto255 first; a non-canonical point or
   * scalar throws. The batch ballot check (src/ballot/check.ts) is one call of it.
   */
  msm(points: Uint8Array, scalars: Uint8Array): Uint8Array;
  /**
   * For i < n: g^{a_i} · p^{b_i} · q_i, every factor optional (a, b: n packed 32-byte canonical scalars;
   * q: n packed points; b needs p). Returns the n points packed (32n bytes). Constant time in the
   * scalars unless `vartime` (then p^b may take variable time: on native, half the time). The mixnet
   * makes its shuffle's points with it (src/mixnet/shuffle.ts, proof.ts): composedMulAddMany on noble
   * and libsodium WASM (their single operations; vartime changes nothing), one call on native.
   */
  mulAddMany(n: number, parts: MulAddParts): Uint8Array;
  /**
   * ristretto255's element derivation from 64 uniform bytes (RFC 9496 §4.3.4; libsodium's
   * crypto_core_ristretto255_from_hash) of each 64 bytes of `uniform`: 32 bytes each (the mixnet's generators).
   */
  fromHashMany(uniform: Uint8Array): Uint8Array;
  /** How many operations of each kind ran (for the benchmark's native bound). */
  readonly counts: OpCounts;
}

/** The factors of mulAddMany: g^{a_i}, p^{b_i} and q_i (absent: left out); vartime: p^{b_i} need not be constant time. */
export interface MulAddParts { a?: Uint8Array; p?: Uint8Array; b?: Uint8Array; q?: Uint8Array; vartime?: boolean }

export interface OpCounts { baseMul: number; mul: number; add: number; isValid: number }

export const newCounts = (): OpCounts => ({ baseMul: 0, mul: 0, add: 0, isValid: 0 });

export const IDENTITY_BYTES: Uint8Array = new Uint8Array(32);

export function isIdentityBytes(b: Uint8Array): boolean {
  let x = 0;
  for (let i = 0; i < 32; i++) x |= b[i]!;
  return x === 0;
}

/** disjunctive() from a backend's single operations (docs/spec.md §4.3; (β/g^v)^{−c} as one multiplication). */
export function composedDisjunctive(be: GroupBackend, h: Uint8Array, alpha: Uint8Array, beta: Uint8Array, gv: Uint8Array[], c: Scalar[], z: Scalar[]): Uint8Array[] {
  const out: Uint8Array[] = new Array(2 * gv.length);
  for (let i = 0; i < gv.length; i++) {
    const nc = neg(c[i]!);
    out[2 * i] = be.baseMulAdd(z[i]!, alpha, nc);
    const shifted = isIdentityBytes(gv[i]!) ? beta : be.sub(beta, gv[i]!);
    out[2 * i + 1] = be.add(be.mul(h, z[i]!), be.mul(shifted, nc));
  }
  return out;
}

/** sum() from a backend's additions. */
export function composedSum(be: GroupBackend, points: Uint8Array[]): Uint8Array {
  if (points.length === 0) return IDENTITY_BYTES.slice();
  let acc = points[0]!;
  for (let i = 1; i < points.length; i++) acc = be.add(acc, points[i]!);
  return acc;
}

/** Checks mulAddMany's parts against n; throws on a wrong length or a b without p. */
export function checkMulAddParts(n: number, parts: MulAddParts): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new Error('mulAddMany: n must be a count');
  for (const [name, x] of [['a', parts.a], ['b', parts.b], ['q', parts.q]] as const) {
    if (x !== undefined && (!(x instanceof Uint8Array) || x.length !== 32 * n)) throw new Error(`mulAddMany: ${name} must hold n entries of 32 bytes`);
  }
  if (parts.b !== undefined && (!(parts.p instanceof Uint8Array) || parts.p.length !== 32)) throw new Error('mulAddMany: b needs a 32-byte point p');
}

/** mulAddMany() from a backend's single operations (the same points; each factor left out when absent). */
export function composedMulAddMany(be: GroupBackend, n: number, parts: MulAddParts): Uint8Array {
  checkMulAddParts(n, parts);
  const { a, p, b, q } = parts;
  const refuse = (): never => { throw new Error('mulAddMany: not a canonical ristretto255 point'); };
  const addOrRefuse = (x: Uint8Array, y: Uint8Array): Uint8Array => { try { return be.add(x, y); } catch { return refuse(); } };
  const out = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) {
    const at = 32 * i;
    let r: Uint8Array | null = q ? q.subarray(at, at + 32) : null;
    // q alone is checked here; beside a or b, the addition decodes it (as isValid would) and fails on a bad one.
    if (q && !a && !b && !be.isValid(r!)) refuse();
    if (a) { const x = be.baseMul(scalarAt(a, i)); r = r ? addOrRefuse(r, x) : x; }
    if (b) { const x = be.mul(p!, scalarAt(b, i)); r = r ? addOrRefuse(r, x) : x; }
    out.set(r ?? IDENTITY_BYTES, at);
  }
  return out;
}

/** fromHashMany() from a derivation of one element. */
export function composedFromHashMany(uniform: Uint8Array, derive: (u: Uint8Array) => Uint8Array): Uint8Array {
  if (!(uniform instanceof Uint8Array) || uniform.length % 64 !== 0) throw new Error('fromHashMany: 64-byte inputs expected');
  const n = uniform.length / 64;
  const out = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) out.set(derive(uniform.subarray(64 * i, 64 * i + 64)), 32 * i);
  return out;
}

/** The 32-byte scalar at `at` of concatenated scalars, refused unless canonical (< q). */
export function scalarAt(scalars: Uint8Array, at: number): Scalar {
  let x = 0n;
  for (let i = 31; i >= 0; i--) x = (x << 8n) | BigInt(scalars[32 * at + i]!);
  if (x >= ORDER) throw new Error('msm: a scalar must be 32 canonical bytes');
  return x;
}

function msmShape(points: Uint8Array, scalars: Uint8Array): number {
  if (points.length % 32 !== 0 || scalars.length !== points.length) throw new Error('msm: 32-byte points and as many 32-byte scalars expected');
  return points.length / 32;
}

/**
 * msm() from a backend's multiplications and additions (libsodium WASM). Every point is checked: a term
 * with a zero scalar by isValid, any other by its own multiplication, which decodes it exactly as
 * isValid does (libsodium's scalarmult and is_valid_point share one decoding) and fails on a bad one:
 * one decoding a term instead of two.
 */
export function composedMsm(be: GroupBackend, points: Uint8Array, scalars: Uint8Array): Uint8Array {
  const n = msmShape(points, scalars);
  const ps: Uint8Array[] = [];
  const ks: Scalar[] = [];
  const refuse = (): never => { throw new Error('msm: not a canonical ristretto255 point'); };
  for (let i = 0; i < n; i++) {
    const p = points.subarray(32 * i, 32 * i + 32);
    const k = scalarAt(scalars, i);
    if (k === 0n && !be.isValid(p)) refuse();
    ps.push(p);
    ks.push(k);
  }
  let acc: Uint8Array = IDENTITY_BYTES.slice();
  for (let i = 0; i < n; i++) {
    if (ks[i] === 0n) continue;
    let x: Uint8Array;
    try { x = be.mul(ps[i]!, ks[i]!); } catch { return refuse(); }
    acc = be.add(acc, x);
  }
  return acc;
}

/** The noble backend: every operation decodes its inputs and encodes its result. Slow but exact. */
export function nobleBackend(): GroupBackend {
  const counts = newCounts();
  const dec = (b: Uint8Array) => Point.fromBytes(b);
  const table = Point.fromBytes(G.toBytes());
  table.precompute(8, false);
  const be: GroupBackend = {
    name: 'noble',
    counts,
    isValid(bytes) {
      counts.isValid++;
      if (bytes.length !== 32) return false;
      try { Point.fromBytes(bytes); return true; } catch { return false; }
    },
    baseMul(k) {
      counts.baseMul++;
      return (k === 0n ? IDENTITY : table.multiply(k)).toBytes();
    },
    mul(p, k) {
      counts.mul++;
      return (k === 0n ? IDENTITY : dec(p).multiply(k)).toBytes();
    },
    baseMulAdd(a, p, b) {
      counts.mul++; counts.baseMul++; counts.add++;
      return mulAddUnsafe(Point, [G, dec(p)], [a, b]).toBytes();
    },
    add(p, q) { counts.add++; return dec(p).add(dec(q)).toBytes(); },
    sub(p, q) { counts.add++; return dec(p).subtract(dec(q)).toBytes(); },
    disjunctive: (...args) => composedDisjunctive(be, ...args),
    sum: (points) => composedSum(be, points),
    msm(points, scalars) {
      const n = msmShape(points, scalars);
      const ps: Point[] = [];
      const ks: Scalar[] = [];
      for (let i = 0; i < n; i++) {
        const k = scalarAt(scalars, i);
        let p: Point;
        try { p = dec(points.subarray(32 * i, 32 * i + 32)); } catch { throw new Error('msm: not a canonical ristretto255 point'); }
        if (k !== 0n) { ps.push(p); ks.push(k); }
      }
      if (ps.length === 0) return IDENTITY_BYTES.slice();
      return (ps.length <= 8 ? mulAddUnsafe(Point, ps, ks) : pippenger(Point, ps, ks)).toBytes();
    },
    mulAddMany: (n, parts) => composedMulAddMany(be, n, parts),
    fromHashMany: (uniform) => composedFromHashMany(uniform, (u) => ristretto255_hasher.deriveToCurve!(u).toBytes()),
  };
  return be;
}

let active: GroupBackend | null = null;

/** The backend the fast paths use: noble until a faster one is installed with setBackend. */
export function backend(): GroupBackend {
  return (active ??= nobleBackend());
}

export function setBackend(b: GroupBackend): void {
  active = b;
}

export const reduceScalar = (k: Scalar): Scalar => {
  const r = k % ORDER;
  return r < 0n ? r + ORDER : r;
};

export { toScalarBytes };
