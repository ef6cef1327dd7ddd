// The libsodium (WASM) backend. libsodium refuses two things noble allows, and both are handled here:
// a zero scalar (crypto_scalarmult_ristretto255_base fails) and an identity result (crypto_scalarmult_
// ristretto255 fails when p^k is the identity). In a prime-order group p^k is the identity exactly when
// p is the identity or k = 0 mod q, so both cases are answered before calling libsodium, and any other
// failure is a real error. Buffers live in the WASM heap and are reused: one call, no allocation.
import { newCounts, isIdentityBytes, IDENTITY_BYTES, setBackend, backend, composedDisjunctive, composedSum, composedMsm, composedMulAddMany, composedFromHashMany, type GroupBackend } from './backend.js';
import { toScalarBytes, type Scalar } from './group.js';

interface SodiumRaw {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _crypto_scalarmult_ristretto255(out: number, n: number, p: number): number;
  _crypto_scalarmult_ristretto255_base(out: number, n: number): number;
  _crypto_core_ristretto255_add(out: number, p: number, q: number): number;
  _crypto_core_ristretto255_sub(out: number, p: number, q: number): number;
  _crypto_core_ristretto255_is_valid_point(p: number): number;
  _crypto_core_ristretto255_from_hash(out: number, h: number): number;
}

let loading: Promise<GroupBackend> | null = null;

/** Loads libsodium's WASM build; rejects when it is not installed or cannot run here. */
export function loadSodiumBackend(): Promise<GroupBackend> {
  return (loading ??= (async () => {
    // A computed specifier keeps bundlers (the browser booth) from pulling libsodium in.
    const spec = 'libsodium-wrappers-sumo';
    const mod = (await import(spec)) as { default?: unknown };
    const sodium = (mod.default ?? mod) as { ready: Promise<void>; libsodium: SodiumRaw };
    await sodium.ready;
    return makeSodiumBackend(sodium.libsodium);
  })());
}

/**
 * The backend over a libsodium its caller has already loaded: libsodium-wrappers-sumo after `ready`
 * (a browser worker bundles and awaits it itself: the computed import above is for Node). Refuses a
 * build without the ristretto255 functions (the non-sumo build) by name.
 */
export function sodiumBackendFrom(sodium: object): GroupBackend {
  const L = (sodium as { libsodium?: Partial<SodiumRaw> }).libsodium;
  for (const f of ['_crypto_scalarmult_ristretto255', '_crypto_core_ristretto255_from_hash', '_malloc'] as const) {
    if (typeof L?.[f] !== 'function') throw new Error(`this libsodium has no ${f.slice(1)} (the sumo build is needed)`);
  }
  return makeSodiumBackend(L as SodiumRaw);
}

function makeSodiumBackend(L: SodiumRaw): GroupBackend {
  const counts = newCounts();
  const base = L._malloc(160);
  const OUT = base, A = base + 32, B = base + 64; // B..B+64: the 64 bytes of an element derivation
  const put = (at: number, bytes: Uint8Array) => { L.HEAPU8.set(bytes, at); };
  const take = () => L.HEAPU8.slice(OUT, OUT + 32);
  const call = (rc: number, what: string) => {
    if (rc !== 0) throw new Error(`libsodium ${what} failed on an input that should be valid`);
    return take();
  };
  const mul = (p: Uint8Array, k: Scalar): Uint8Array => {
    counts.mul++;
    if (k === 0n || isIdentityBytes(p)) return IDENTITY_BYTES.slice();
    put(A, toScalarBytes(k));
    put(B, p);
    return call(L._crypto_scalarmult_ristretto255(OUT, A, B), 'scalarmult');
  };
  const baseMul = (k: Scalar): Uint8Array => {
    counts.baseMul++;
    if (k === 0n) return IDENTITY_BYTES.slice();
    put(A, toScalarBytes(k));
    return call(L._crypto_scalarmult_ristretto255_base(OUT, A), 'scalarmult_base');
  };
  const add = (p: Uint8Array, q: Uint8Array): Uint8Array => {
    counts.add++;
    put(A, p);
    put(B, q);
    return call(L._crypto_core_ristretto255_add(OUT, A, B), 'add');
  };
  const be: GroupBackend = {
    name: 'sodium',
    counts,
    isValid(bytes) {
      counts.isValid++;
      if (bytes.length !== 32) return false;
      put(A, bytes);
      return L._crypto_core_ristretto255_is_valid_point(A) === 1;
    },
    baseMul,
    mul,
    baseMulAdd: (a, p, b) => add(baseMul(a), mul(p, b)),
    add,
    sub(p, q) {
      counts.add++;
      put(A, p);
      put(B, q);
      return call(L._crypto_core_ristretto255_sub(OUT, A, B), 'sub');
    },
    disjunctive: (...args) => composedDisjunctive(be, ...args),
    sum: (points) => composedSum(be, points),
    msm: (points, scalars) => composedMsm(be, points, scalars),
    mulAddMany: (n, parts) => composedMulAddMany(be, n, parts),
    fromHashMany: (uniform) => composedFromHashMany(uniform, (u) => {
      put(B, u);
      return call(L._crypto_core_ristretto255_from_hash(OUT, B), 'from_hash');
    }),
  };
  return be;
}

/**
 * Installs the fastest backend that loads: the native addon (when built), else libsodium's WASM
 * build, else noble stays. VECHE_BACKEND=noble|sodium|native picks one (native or sodium: only if it
 * loads). Returns the backend in use.
 */
export async function enableFastBackend(): Promise<GroupBackend['name']> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const wanted = env?.VECHE_BACKEND;
  if (wanted === 'noble') return backend().name;
  if (wanted === undefined || wanted === '' || wanted === 'native') {
    try {
      // A computed specifier keeps bundlers (the browser booth) from following it.
      const spec = './backend-native.js';
      const native = (await import(spec)) as { loadNativeBackend(): GroupBackend }; // not typeof import(…): that would pull Node's types into the browser worker's check
      setBackend(native.loadNativeBackend());
      return backend().name;
    } catch {
      // Not built, or refused by its self-test: libsodium's WASM build is next.
    }
  }
  try {
    setBackend(await loadSodiumBackend());
  } catch {
    // No libsodium: the noble backend stays, slower but the same answers.
  }
  return backend().name;
}
