// What a queued verification job is: a list of batches of ballot record lines (ranges of the record by
// sequence number), each to be checked (signature, proofs, tracking code) or summed (the tally's second
// pass), exactly as the verifier's worker threads check and sum them. A job is a pure function of its
// lines and the run's public context, so running it twice gives the same answers (at-least-once
// delivery is safe). The lines travel in the job: a batch of 16 demo-shape ballots is about 110 KB,
// and a worker then needs nothing but the database (no shared file system, no copy of the record).
import { createHash } from 'node:crypto';
import { checkBallotLines, type BallotCheckResult, type BallotPublicContext } from '../../ballot/check-lines.js';
import { backend } from '../../crypto/backend.js';
import { sumBallotLines, type PartialSums } from '../tally-ranges.js';
import type { BallotPool } from '../record-check.js';

export const QUEUE = 'veche-verify';

export type BatchKind = 'check' | 'sum';

export interface Batch {
  /** The batch's key: kind, the range of sequence numbers, and a digest of its lines (and weights). */
  batch: string;
  lines: string[];
  weights?: number[];
}

export interface JobData {
  run: string;
  kind: BatchKind;
  batches: Batch[];
}

/** A batch's answer as stored: the results of a check, the partial sums, or why the batch could not be done. */
export type BatchAnswer =
  | { kind: 'check'; results: BallotCheckResult[] }
  | { kind: 'sum'; sums: PartialSums }
  | { kind: 'error'; message: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A run is one election's public context: batches of the same lines under it have the same answers. */
export function runId(ctx: BallotPublicContext): string {
  return sha256(JSON.stringify({ electionHash: ctx.electionHash, publicKey: ctx.publicKey, groups: ctx.groups }));
}

/** The sequence number of a record line (the last top-level "seq": keys are sorted, payload comes first). */
function seqOf(line: string): string {
  const at = line.lastIndexOf('"seq":');
  const m = at >= 0 ? /^"seq":(\d+)/.exec(line.slice(at)) : null;
  return m ? m[1]! : '?';
}

export function batchKey(kind: BatchKind, lines: string[], weights?: number[]): string {
  const digest = sha256(JSON.stringify([kind, lines, weights ?? null]));
  return `${kind}:${seqOf(lines[0] ?? '')}-${seqOf(lines[lines.length - 1] ?? '')}:${digest}`;
}

/** Runs one batch, in worker threads when a pool is given, else here; an error becomes the answer. */
export async function runBatch(kind: BatchKind, b: Batch, ctx: BallotPublicContext, pool: BallotPool | null): Promise<BatchAnswer> {
  try {
    if (kind === 'check') return { kind, results: pool ? await pool.check(b.lines) : checkBallotLines(b.lines, ctx) };
    if (!b.weights || b.weights.length !== b.lines.length) throw new Error('a sum batch without one weight per line');
    return { kind, sums: pool ? await pool.sum(b.lines, b.weights) : sumBallotLines(ctx.groups, b.lines, b.weights, backend()) };
  } catch (err) {
    // The worker threads' errors come prefixed; the coordinator prefixes every one alike.
    return { kind: 'error', message: (err as Error).message.replace(/^verifier worker: /, '') };
  }
}
