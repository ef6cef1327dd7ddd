// The check of ballot record lines off the main thread: the function worker threads (src/verify/
// ballot-worker.ts) and queue jobs call. It takes record lines (one board event each) and the election's
// public context, and returns one result per line, in order: the ballots are batch-verified, and a
// failed batch falls back to ballot-by-ballot checks so that the failing ballot is named.
import { backend, type GroupBackend } from '../crypto/backend.js';
import { checkBallots, type BallotCheckResult, type BallotPublicContext } from './check.js';

export type { BallotCheckResult, BallotPublicContext };

const NOT_JSON = {};

/** One result per record line (a ballot event's JSON line), in the order of `lines`. */
export function checkBallotLines(lines: string[], ctx: BallotPublicContext, be: GroupBackend = backend()): BallotCheckResult[] {
  const payloads = lines.map((line) => {
    try {
      return (JSON.parse(line) as { payload: unknown }).payload;
    } catch {
      return NOT_JSON;
    }
  });
  const results = checkBallots(payloads, ctx, be);
  return results.map((r, i) => (payloads[i] === NOT_JSON ? { ok: false, message: 'the record line is not JSON' } : r));
}
