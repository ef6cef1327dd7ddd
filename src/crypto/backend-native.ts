// The native backend: native/veche_native.c, a Node-API addon over Debian's libsodium, built by
// `npm run build:native` (node-gyp) when libsodium-dev and a compiler are present. It is optional:
// without it veche runs on libsodium's WASM build, and without that on noble, with the same answers.
// Because the addon uses a few of libsodium's internal functions (see the C file), it is checked here
// against the noble backend on every operation before it is used, and refused on any difference.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { concatBytes } from '@noble/hashes/utils.js';
import { newCounts, nobleBackend, isIdentityBytes, scalarAt, checkMulAddParts, type GroupBackend } from './backend.js';
import { toScalarBytes, ORDER, randomScalar, type Scalar } from './group.js';
import { toBase64Url } from './encoding.js';

export interface NativeAddon {
  isValid(p: Uint8Array): boolean;
  baseMul(k: Uint8Array): Uint8Array;
  mul(p: Uint8Array, k: Uint8Array): Uint8Array;
  add(p: Uint8Array, q: Uint8Array): Uint8Array;
  sub(p: Uint8Array, q: Uint8Array): Uint8Array;
  baseMulAdd(a: Uint8Array, p: Uint8Array, b: Uint8Array): Uint8Array;
  precompute(p: Uint8Array): object;
  precomputeWide(p: Uint8Array): object;
  disjunctive(table: object, alpha: Uint8Array, beta: Uint8Array, gv: Uint8Array, c: Uint8Array, z: Uint8Array): Uint8Array;
  sum(points: Uint8Array): Uint8Array;
  msm(points: Uint8Array, scalars: Uint8Array): Uint8Array;
  mulAddMany(n: number, a: Uint8Array | null, table: object | null, b: Uint8Array | null, q: Uint8Array | null, vartime: boolean): Uint8Array;
  fromHashMany(uniform: Uint8Array): Uint8Array;
}

/** Where `npm run build:native` puts the addon (from dist/src/crypto or src/crypto alike). */
export function nativeAddonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) break;
    dir = dirname(dir);
  }
  return join(dir, 'native', 'build', 'Release', 'veche_native.node');
}

let loaded: GroupBackend | null = null;
let failure: string | null = null;

/**
 * The native backend, checked; throws with the reason when there is none or it fails its check.
 * `checkedByParent`: a worker thread whose parent thread loaded the same file and checked it skips the
 * self-test (~0.2 s of noble arithmetic per thread).
 */
export function loadNativeBackend(options: { checkedByParent?: boolean } = {}): GroupBackend {
  if (loaded) return loaded;
  if (failure) throw new Error(failure);
  try {
    const path = nativeAddonPath();
    if (!existsSync(path)) throw new Error(`no native addon at ${path} (npm run build:native builds it)`);
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    loaded = options.checkedByParent ? makeNativeBackend(addon) : checkedNativeBackend(addon);
    return loaded;
  } catch (e) {
    failure = `native backend unavailable: ${(e as Error).message}`;
    throw new Error(failure);
  }
}

/** The backend over an addon, after its self-test; throws when the addon gives any wrong answer. */
export function checkedNativeBackend(addon: NativeAddon): GroupBackend {
  const be = makeNativeBackend(addon);
  selfTest(be);
  return be;
}

/** The raw addon (tests only: the backend is loadNativeBackend's). */
export function loadNativeAddon(): NativeAddon {
  return createRequire(import.meta.url)(nativeAddonPath()) as NativeAddon;
}

function makeNativeBackend(N: NativeAddon): GroupBackend {
  const counts = newCounts();
  const k = (s: Scalar) => toScalarBytes(s);
  // Tables of the points used as fixed bases (the election key), by encoding; few per process.
  // And radix-256 tables (640 KiB) of the mixnet's h_0, for mulAddMany in variable time; one per shuffle.
  const cached = (make: (p: Uint8Array) => object, limit: number) => {
    const tables = new Map<string, object>();
    return (p: Uint8Array): object => {
      const key = toBase64Url(p);
      let t = tables.get(key);
      if (!t) {
        if (tables.size >= limit) tables.clear();
        t = make(p);
        tables.set(key, t);
      }
      return t;
    };
  };
  const tableOf = cached((p) => N.precompute(p), 16);
  const wideTableOf = cached((p) => N.precomputeWide(p), 4);
  return {
    name: 'native',
    counts,
    isValid(bytes) {
      counts.isValid++;
      return bytes.length === 32 && N.isValid(bytes);
    },
    baseMul(s) { counts.baseMul++; return N.baseMul(k(s)); },
    mul(p, s) { counts.mul++; return N.mul(p, k(s)); },
    baseMulAdd(a, p, b) {
      counts.mul++; counts.baseMul++; counts.add++;
      return N.baseMulAdd(k(a), p, k(b));
    },
    add(p, q) { counts.add++; return N.add(p, q); },
    sub(p, q) { counts.add++; return N.sub(p, q); },
    disjunctive(h, alpha, beta, gv, c, z) {
      const n = gv.length;
      // Counted as the composition it replaces (composedDisjunctive), so the native bound stays comparable.
      counts.baseMul += n; counts.mul += 3 * n; counts.add += 2 * n;
      for (const g of gv) if (!isIdentityBytes(g)) counts.add++;
      const cat = N.disjunctive(tableOf(h), alpha, beta, concatBytes(...gv), concatBytes(...c.map(k)), concatBytes(...z.map(k)));
      const out: Uint8Array[] = new Array(2 * n);
      for (let i = 0; i < 2 * n; i++) out[i] = cat.slice(32 * i, 32 * i + 32);
      return out;
    },
    sum(points) {
      counts.add += Math.max(points.length - 1, 0);
      return N.sum(concatBytes(...points));
    },
    msm(points, scalars) {
      // The addon takes any scalar < 2^253; the interface refuses those >= q, as noble and libsodium do.
      for (let at = 31; at < scalars.length; at += 32) if (scalars[at]! >= 0x10) scalarAt(scalars, (at - 31) / 32);
      return N.msm(points, scalars);
    },
    mulAddMany(n, parts) {
      checkMulAddParts(n, parts);
      const { a, p, b, q } = parts;
      // As msm: the addon takes any scalar < 2^253, the interface only those < q.
      for (const x of [a, b]) if (x) for (let at = 31; at < x.length; at += 32) if (x[at]! >= 0x10) scalarAt(x, (at - 31) / 32);
      // Counted as the composition it replaces (composedMulAddMany).
      if (a) counts.baseMul += n;
      if (b) counts.mul += n;
      counts.add += n * Math.max([a, b, q].filter(Boolean).length - 1, 0);
      const vartime = parts.vartime === true;
      return N.mulAddMany(n, a ?? null, b ? (vartime ? wideTableOf(p!) : tableOf(p!)) : null, b ?? null, q ?? null, vartime);
    },
    fromHashMany(uniform) {
      if (!(uniform instanceof Uint8Array) || uniform.length % 64 !== 0) throw new Error('fromHashMany: 64-byte inputs expected');
      return N.fromHashMany(uniform);
    },
  };
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Every native operation against noble on random and edge inputs; throws on the first difference. */
function selfTest(be: GroupBackend): void {
  const ref = nobleBackend();
  const scalars: Scalar[] = [0n, 1n, 2n, 7n, 8n, 15n, 16n, ORDER - 1n, ORDER - 8n, (1n << 252n) - 1n, (1n << 252n), randomScalar(), randomScalar(), randomScalar()];
  const points = [new Uint8Array(32), ref.baseMul(1n), ref.baseMul(randomScalar()), ref.baseMul(randomScalar())];
  const fail = (what: string) => { throw new Error(`self-test failed: ${what}`); };
  for (const p of points) {
    if (!be.isValid(p)) fail('isValid');
    for (const q of points) {
      if (!same(be.add(p, q), ref.add(p, q))) fail('add');
      if (!same(be.sub(p, q), ref.sub(p, q))) fail('sub');
    }
  }
  const bad = ref.baseMul(5n).slice(); bad[0] ^= 1;
  if (be.isValid(bad) !== ref.isValid(bad)) fail('isValid on a non-point');
  if (be.isValid(new Uint8Array(32).fill(255))) fail('isValid on a non-canonical encoding');
  // The same point with the top bit set: RFC 9496 refuses it (libsodium 1.0.18 alone would not).
  for (const p of points) { const high = p.slice(); high[31] |= 0x80; if (be.isValid(high)) fail('isValid with the top bit set'); }
  for (const [i, s] of scalars.entries()) {
    if (!same(be.baseMul(s), ref.baseMul(s))) fail('baseMul');
    const p = points[i % points.length]!;
    if (!same(be.mul(p, s), ref.mul(p, s))) fail('mul');
    if (!same(be.mul(points[2]!, s), ref.mul(points[2]!, s))) fail('mul');
    if (!same(be.baseMulAdd(s, p, scalars[(i + 5) % scalars.length]!), ref.baseMulAdd(s, p, scalars[(i + 5) % scalars.length]!))) fail('baseMulAdd');
  }
  // Every edge scalar as a response (it goes through the election key's table) and as a challenge.
  const [h, alpha, beta] = [points[2]!, points[3]!, ref.baseMul(randomScalar())];
  for (const values of [[0, 1], [0], scalars.map((_, i) => i % 5)]) {
    const gv = values.map((v) => ref.baseMul(BigInt(v)));
    const c = values.map((_, i) => scalars[(i + 3) % scalars.length]!);
    const z = values.map((_, i) => scalars[i % scalars.length]!);
    const got = be.disjunctive(h, alpha, beta, gv, c, z);
    const want = ref.disjunctive(h, alpha, beta, gv, c, z);
    if (got.length !== want.length || got.some((x, i) => !same(x, want[i]!))) fail('disjunctive');
  }
  const many = scalars.map((s) => ref.baseMul(s));
  if (!same(be.sum(many), ref.sum(many))) fail('sum');
  if (!same(be.sum([]), new Uint8Array(32))) fail('sum of none');
  // Enough terms for two window sizes, every edge scalar among them.
  const terms = Array.from({ length: 40 }, (_, i) => ({ p: many[i % many.length]!, k: scalars[(i * 3) % scalars.length]! }));
  // One term with each edge scalar: each makes the addon pick its own window and digits.
  for (const [i, s] of scalars.entries()) {
    const p = many[(i + 1) % many.length]!;
    if (!same(be.msm(p, toScalarBytes(s)), be.mul(p, s))) fail('msm of one term');
  }
  for (const n of [0, 1, 5, 40]) {
    const t = terms.slice(0, n);
    const want = t.reduce((a: Uint8Array, x) => ref.add(a, ref.mul(x.p, x.k)), new Uint8Array(32));
    if (!same(be.msm(concatBytes(...t.map((x) => x.p)), concatBytes(...t.map((x) => toScalarBytes(x.k)))), want)) fail('msm');
  }
  // The mixnet's batches: every edge scalar as a and as b (the table's digits), the identity among the
  // q, each factor alone, the identity as p, and a count of none (few noble multiplications: this runs
  // at every start).
  const packS = (xs: Scalar[]) => concatBytes(...xs.map((x) => toScalarBytes(x)));
  const qs = concatBytes(...scalars.map((_, i) => (i % 3 === 0 ? new Uint8Array(32) : many[i]!)));
  const three = { a: packS(scalars.slice(-3)), b: packS(scalars.slice(0, 3)), q: qs.subarray(0, 96) };
  const batches: [number, Parameters<GroupBackend['mulAddMany']>[1]][] = [
    [scalars.length, { a: packS(scalars), p: points[2]!, b: packS([...scalars].reverse()), q: qs }],
    [3, { a: three.a, q: three.q }], [3, { p: points[3]!, b: three.b }], [3, { a: three.a }], [3, { q: three.q }], [3, {}],
    [3, { p: new Uint8Array(32), b: three.b, q: three.q }],
    [0, { a: new Uint8Array(0), p: points[2]!, b: new Uint8Array(0), q: new Uint8Array(0) }],
  ];
  for (const [n, parts] of batches) {
    if (!same(be.mulAddMany(n, parts), ref.mulAddMany(n, parts))) fail('mulAddMany');
    if (parts.b && !same(be.mulAddMany(n, { ...parts, vartime: true }), ref.mulAddMany(n, parts))) fail('mulAddMany (vartime)');
  }
  const uniform = new Uint8Array(64 * 6);
  for (let i = 0; i < uniform.length; i++) uniform[i] = (i * 151 + 7) & 255;
  uniform.fill(0, 64, 128); uniform.fill(255, 128, 192);
  if (!same(be.fromHashMany(uniform), ref.fromHashMany(uniform))) fail('fromHashMany');
  if (be.fromHashMany(new Uint8Array(0)).length !== 0) fail('fromHashMany of none');
  be.counts.add = be.counts.baseMul = be.counts.mul = be.counts.isValid = 0;
}
