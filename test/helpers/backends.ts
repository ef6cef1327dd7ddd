// Runs a block of tests once per group backend (noble, and libsodium as in the server and verifier),
// so a forgery refused by one is shown refused by the other.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { backend, nobleBackend, setBackend } from '../../src/crypto/backend.js';
import { loadSodiumBackend } from '../../src/crypto/backend-sodium.js';

export function onEachBackend(body: () => void): void {
  for (const backendName of ['noble', 'sodium'] as const) {
    describe(`${backendName} backend`, () => {
      before(async () => {
        setBackend(backendName === 'noble' ? nobleBackend() : await loadSodiumBackend());
        assert.equal(backend().name, backendName);
      });
      after(() => setBackend(nobleBackend()));
      body();
    });
  }
}
