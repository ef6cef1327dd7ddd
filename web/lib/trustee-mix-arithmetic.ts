// The group arithmetic of the trustee page's worker (web/workers/trustee-mix.ts): libsodium's
// WebAssembly build (ristretto255 in the sumo build, ~15x faster than noble in Chromium), bundled
// into the worker only. The server lets the trustee page and this worker compile WebAssembly
// ('wasm-unsafe-eval', src/server/app.ts), no other page. Where WebAssembly cannot start (an older
// browser, a stricter policy) the noble backend stays: the same results, slower, and the page says so.
import sodium from 'libsodium-wrappers-sumo';
import { backend, setBackend } from '../../src/crypto/backend.js';
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
      setBackend(sodiumBackendFrom(sodium));
      return { name: 'sodium' };
    } catch (e) {
      loaderFailed = true;
      if (backend().name !== 'noble') throw new Error('a backend other than noble is installed after libsodium failed');
      return { name: 'noble', reason: plainReason(e instanceof Error ? e.message : String(e)) };
    }
  })());
}

/** libsodium's loader wraps the browser's refusal in emscripten's abort text: the refusal alone is said. */
function plainReason(message: string): string {
  return message.replace(/^Aborted\(([\s\S]*)\)\. Build with -sASSERTIONS for more info\.$/, '$1');
}
