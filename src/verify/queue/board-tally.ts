// The board's own tally over the job queue (issue 10 point 7): with a queue configured (VECHE_QUEUE_URL
// for the server, --queue for `veche board tally`), Board.computeTally hands its counted ballots, as
// record lines with their credentials' weights, to `veche worker` processes as the same 'sum' jobs the
// verifier's second pass queues (src/verify/queue/queue-pool.ts, same tables, same retries), and adds
// the partial sums. Sums of points are exact and encoded canonically, so the tally is byte for byte the
// one the board computes alone (test/board-tally-queue.test.ts).
import type { TallySummer } from '../../board/board.js';
import { combinePartialSums, type PartialSums } from '../tally-ranges.js';
import { QueuePool, type QueuePoolOptions } from './queue-pool.js';

/** Counted ballots per sum batch, as the verifier's second pass sends them. */
const SUM_BATCH = 64;

export function queueTallySummer(url: string, options: QueuePoolOptions = {}): TallySummer {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('queue: expected a PostgreSQL URL, like postgres://user@host/db');
  return async (ballots, ctx, progress) => {
    const pool = new QueuePool(url, ctx, options);
    try {
      const parts: Promise<PartialSums>[] = [];
      const inFlight = new Set<Promise<unknown>>();
      let sent = 0;
      let done = 0;
      let lines: string[] = [];
      let weights: number[] = [];
      const send = async () => {
        const n = lines.length;
        const part = pool.sum(lines, weights);
        parts.push(part);
        sent += n;
        lines = [];
        weights = [];
        // Handled here (a failure is thrown by Promise.all below), counted when answered.
        const tracked = part.then(() => { done += n; progress?.(done, sent); }, () => {});
        inFlight.add(tracked);
        void tracked.finally(() => inFlight.delete(tracked));
        // As many batches in flight as the verifier keeps: enough to fill the pool's jobs, no more in memory.
        while (inFlight.size >= 2 * pool.size) await Promise.race(inFlight);
      };
      for await (const b of ballots) {
        lines.push(b.line);
        weights.push(b.weight);
        if (lines.length === SUM_BATCH) await send();
      }
      if (lines.length > 0) await send();
      return combinePartialSums(ctx.groups, await Promise.all(parts));
    } finally {
      await pool.close();
    }
  };
}

/** The server's summer: the queue in VECHE_QUEUE_URL, or none (the board sums in its own process). */
export function tallySummerFromEnv(env: NodeJS.ProcessEnv = process.env): TallySummer | undefined {
  return env.VECHE_QUEUE_URL ? queueTallySummer(env.VECHE_QUEUE_URL) : undefined;
}
