// The check of ballot record lines off the main thread: the function worker threads (src/verify/
// ballot-worker.ts) and queue jobs call. It takes record lines (one board event each) and the election's
// public context, and returns one result per line, in order.
import type { SelectionGroup } from '../manifest/types.js';
import { checkBallotForRecord } from '../verify/ballot-fast.js';

/** What a ballot check needs of the election, all of it public and on the record. */
export interface BallotPublicContext {
  electionHash: string;
  /** The election key as on the record (base64url). */
  publicKey: string;
  groups: SelectionGroup[];
}

export type BallotCheckResult =
  | { ok: true; credential: string; trackingCode: string }
  | { ok: false; message: string };

/** One result per record line (a ballot event's JSON line), in the order of `lines`. */
export function checkBallotLines(lines: string[], ctx: BallotPublicContext): BallotCheckResult[] {
  return lines.map((line) => {
    let payload: unknown;
    try {
      payload = (JSON.parse(line) as { payload: unknown }).payload;
    } catch {
      return { ok: false, message: 'the record line is not JSON' };
    }
    return checkBallotForRecord(payload, ctx);
  });
}
