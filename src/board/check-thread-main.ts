// The thread of src/board/check-thread.ts: checkBallot on each message, with the process's fastest backend.
import { parentPort } from 'node:worker_threads';
import { checkBallot, type BallotPublicContext } from '../ballot/check.js';
import { BallotError } from '../ballot/types.js';
import { enableFastBackend } from '../crypto/backend-sodium.js';
import type { ThreadCheck } from './check-thread.js';

const ready = enableFastBackend().catch(() => undefined);

parentPort!.on('message', (m: { id: number; input: unknown; ctx: BallotPublicContext }) => {
  void ready.then(() => {
    let result: ThreadCheck;
    try {
      const c = checkBallot(m.input, m.ctx);
      result = { ok: true, ballot: c.ballot, trackingCode: c.trackingCode, credential: c.credential };
    } catch (e) {
      result = { ok: false, code: e instanceof BallotError ? e.code : null, message: (e as Error).message };
    }
    parentPort!.postMessage({ id: m.id, result });
  });
});
