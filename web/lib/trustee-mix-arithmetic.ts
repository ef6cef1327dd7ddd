// The group arithmetic of the trustee page's worker (web/workers/trustee-mix.ts): libsodium's
// WebAssembly build (ristretto255 in the sumo build, ~15x faster than noble in Chromium), bundled
// into the worker only. The server lets the trustee page and this worker compile WebAssembly
// ('wasm-unsafe-eval', src/server/app.ts), no other page. Where WebAssembly cannot start (an older
// browser, a stricter policy) the noble backend stays: the same results, slower, and the page says so.
// Large multi-scalar multiplications (a shuffle's t_3 and t_4, the whole check of a shuffle) and the
// variable-time fixed-base products (ĉ_i, t̂_i) are noble's even on WebAssembly: see trusteeBackend.
import sodium from 'libsodium-wrappers-sumo';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { backend, checkMulAddParts, nobleBackend, scalarAt, setBackend, type GroupBackend, type MulAddParts } from '../../src/crypto/backend.js';
import { sodiumBackendFrom } from '../../src/crypto/backend-sodium.js';

/** Which arithmetic a step ran on; `reason`: why WebAssembly did not start. */
export type Arithmetic = { name: 'sodium' } | { name: 'noble'; reason: string };

/** Set while libsodium fails to start: its loader's own rejection then is expected, not a bug. */
let loaderFailed = false;

/** True for the rejection libsodium's loader leaves behind when WebAssembly is refused (it aborts). */
export function isSodiumLoadAbort(reason: unknown): boolean {
  return loaderFailed && reason instanceof Error && /Aborted\(|WebAssembly/.test(`${reason.name} ${reason.message}`);
}

let loading: Promise<Arithmetic> | null = null;

/** Installs libsodium's backend once, or keeps noble and says why. Never rejects. */
export function loadArithmetic(): Promise<Arithmetic> {
  return (loading ??= (async (): Promise<Arithmetic> => {
    try {
      await sodium.ready;
      setBackend(trusteeBackend(sodiumBackendFrom(sodium)));
      return { name: 'sodium' };
    } catch (e) {
      loaderFailed = true;
      if (backend().name !== 'noble') throw new Error('a backend other than noble is installed after libsodium failed');
      return { name: 'noble', reason: plainReason(e instanceof Error ? e.message : String(e)) };
    }
  })());
}

/** From this many terms on, the trustee page's msm is noble's Pippenger (below, libsodium's composed one). */
export const NOBLE_MSM_FROM = 256;

/**
 * libsodium's operations, with noble's Pippenger for large multi-scalar multiplications. libsodium has
 * no msm: composed of its single operations, a term costs one constant-time multiplication and one
 * addition (each decoding and encoding). In Chromium, noble's Pippenger with its own decoding of each
 * point costs about half as much a term (npm run bench:mixnet-browser: the check of a shuffle ~1.9×
 * faster, the shuffle ~1.3×); in Node 20, whose BigInt arithmetic is slower, the two are even. The
 * results and refusals are the same (test/trustee-arithmetic); variable time, as msm is on every
 * backend (spec §18.7.2). So are mulAddMany's variable-time fixed-base products (vartimeFixedBase).
 * The backend keeps libsodium's name: every other operation, and every constant-time one, is libsodium's.
 */
export function trusteeBackend(sodiumBe: GroupBackend): GroupBackend {
  if (sodiumBe.name !== 'sodium') throw new Error('trusteeBackend: libsodium\'s backend expected');
  const noble = nobleBackend();
  const fixedBase = vartimeFixedBase();
  return {
    ...sodiumBe,
    msm: (points, scalars) => (points.length >= 32 * NOBLE_MSM_FROM ? noble.msm(points, scalars) : sodiumBe.msm(points, scalars)),
    mulAddMany: (n, parts) => (parts.vartime && parts.p && !parts.q ? fixedBase(n, parts) : sodiumBe.mulAddMany(n, parts)),
  };
}

/**
 * mulAddMany's g^{a_i}·p^{b_i} in variable time (the shuffle's ĉ_i and t̂_i, p = h_0: spec §18.7.2) on
 * noble, over radix-256 tables of g and of p (p's built once and kept while p stays the same): about
 * 4 % less a shuffle than libsodium's constant-time multiplications in Chromium (bench:mixnet-browser).
 */
function vartimeFixedBase(): (n: number, parts: MulAddParts) => Uint8Array {
  const Point = ristretto255.Point;
  let table: { bytes: Uint8Array; point: InstanceType<typeof Point> } | null = null;
  return (n, parts) => {
    checkMulAddParts(n, parts);
    const p = parts.p!;
    if (!table || !table.bytes.every((x, i) => x === p[i])) {
      let point: InstanceType<typeof Point>;
      try { point = Point.fromBytes(p); } catch { throw new Error('mulAddMany: not a canonical ristretto255 point'); }
      point.precompute(8, false);
      table = { bytes: p.slice(), point };
    }
    const out = new Uint8Array(32 * n);
    for (let i = 0; i < n; i++) {
      let r = Point.ZERO;
      const a = parts.a ? scalarAt(parts.a, i) : 0n, b = parts.b ? scalarAt(parts.b, i) : 0n;
      if (a !== 0n) r = r.add(Point.BASE.multiplyUnsafe(a));
      if (b !== 0n) r = r.add(table.point.multiplyUnsafe(b));
      out.set(r.toBytes(), 32 * i);
    }
    return out;
  };
}

/** libsodium's loader wraps the browser's refusal in emscripten's abort text: the refusal alone is said. */
function plainReason(message: string): string {
  return message.replace(/^Aborted\(([\s\S]*)\)\. Build with -sASSERTIONS for more info\.$/, '$1');
}
