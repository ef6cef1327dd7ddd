// A verifier worker thread: checks batches of ballot lines, and sums batches of counted ballots.
// It holds nothing between messages but the election's public context, so memory stays flat.
import { parentPort, workerData } from 'node:worker_threads';
import { backend, setBackend } from '../crypto/backend.js';
import { enableFastBackend } from '../crypto/backend-sodium.js';
import { checkBallotLines, type BallotPublicContext } from '../ballot/check-lines.js';
import { sumBallotLines } from './tally-ranges.js';
import type { WorkerRequest, WorkerReply } from './parallel.js';

const ctx = workerData as BallotPublicContext & { backend?: 'noble' | 'sodium' | 'native' };
const ready = ctx.backend === 'noble' ? Promise.resolve()
  // The parent checked the native addon when it loaded it; this thread loads the same file.
  : ctx.backend === 'native' ? import('../crypto/backend-native.js').then((m) => setBackend(m.loadNativeBackend({ checkedByParent: true }))).catch(() => enableFastBackend())
  : enableFastBackend();

parentPort!.on('message', (msg: WorkerRequest) => {
  void ready.then(() => {
    let reply: WorkerReply;
    try {
      if (msg.kind === 'check') {
        reply = { id: msg.id, kind: 'check', results: checkBallotLines(msg.lines, ctx) };
      } else {
        reply = { id: msg.id, kind: 'sum', sums: sumBallotLines(ctx.groups, msg.lines, msg.weights, backend()) };
      }
    } catch (err) {
      reply = { id: msg.id, kind: 'error', message: (err as Error).message };
    }
    parentPort!.postMessage(reply);
  });
});
