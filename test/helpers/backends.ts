// Runs a block of tests once per group backend (noble, libsodium WASM as in the server and verifier,
// and the native addon when it is built), so a forgery refused by one is shown refused by the others.
// Where libsodium-dev is installed the native addon must have been built (npm test builds it): its
// absence there is a failure, not a skip.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe } from 'node:test';
import { backend, nobleBackend, setBackend, type GroupBackend } from '../../src/crypto/backend.js';
import { loadSodiumBackend } from '../../src/crypto/backend-sodium.js';
import { loadNativeBackend } from '../../src/crypto/backend-native.js';

/** Should the native addon be here? Yes where libsodium-dev is installed, unless VECHE_NATIVE=0. */
export function nativeExpected(): boolean {
  if (process.env.VECHE_NATIVE === '0') return false;
  try { execFileSync('pkg-config', ['--exists', 'libsodium'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** The native backend, or null where it is not expected; throws where it is expected but missing. */
export function nativeBackendForTests(): GroupBackend | null {
  if (!nativeExpected()) return null;
  return loadNativeBackend();
}

/** Every backend this machine has: noble, libsodium WASM, and native when expected. */
export async function allBackends(): Promise<GroupBackend[]> {
  const native = nativeBackendForTests();
  return [nobleBackend(), await loadSodiumBackend(), ...(native ? [native] : [])];
}

export function onEachBackend(body: () => void): void {
  const names = ['noble', 'sodium', ...(nativeExpected() ? ['native'] as const : [])] as const;
  for (const backendName of names) {
    describe(`${backendName} backend`, () => {
      before(async () => {
        setBackend(backendName === 'noble' ? nobleBackend() : backendName === 'sodium' ? await loadSodiumBackend() : loadNativeBackend());
        assert.equal(backend().name, backendName);
      });
      after(() => setBackend(nobleBackend()));
      body();
    });
  }
}
