// The verifier's worker pool after a worker stopped (a crash, out of memory): work goes to the live
// workers, and with none left the pool refuses at once. Before, the next batch went to the dead worker
// and verification waited forever.
import { testDemoManifest } from './helpers/election.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';

import { selectionGroups } from '../src/manifest/layout.js';
import { VerifierPool } from '../src/verify/parallel.js';

const ctx = { electionHash: 'ab'.repeat(32), publicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', groups: selectionGroups(testDemoManifest()) };
const workersOf = (pool: VerifierPool) => (pool as unknown as { workers: Worker[] }).workers;

/** The pool's answer, or a failure after 10 s (so a hang fails the test instead of stalling the suite). */
function answer<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the pool did not answer within 10 s')), 10_000); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test('a stopped verifier worker gets no more work; with none left the pool refuses', async () => {
  const pool = new VerifierPool(2, ctx);
  try {
    // A line that is not a ballot: the answer is a rejection with a reason, from a live worker.
    const line = JSON.stringify({ payload: { not: 'a ballot' } });
    const first = await answer(pool.check([line]));
    assert.equal(first.length, 1);
    assert.equal(first[0]!.ok, false);
    await workersOf(pool)[0]!.terminate();
    for (let i = 0; i < 3; i++) assert.deepEqual(await answer(pool.check([line])), first);
    await workersOf(pool)[1]!.terminate();
    await assert.rejects(answer(pool.check([line])), /no verifier worker is running/);
  } finally {
    await pool.close();
  }
});
