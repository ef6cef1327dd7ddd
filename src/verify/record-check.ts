// The verifier's core: reads a record (any prefix of one, too) in order and recomputes every check.
// It runs the same in Node and in a browser (the booth and the trustee page check the record with it
// before they use anything the server gives them); Node adds worker threads (src/verify/verifier.ts).
// It streams the record twice (the second pass re-sums the counted ballots), so memory does not hold
// the ballots. It trusts nothing: a check that cannot be made is a failed check.
import { encodePoint } from '../crypto/group.js';
import { decodeSums } from '../tally/decrypt.js';
import { backend } from '../crypto/backend.js';
import { sumBallotLines, type PartialSums } from './tally-ranges.js';
import type { BallotCheckResult, BallotPublicContext } from '../ballot/check-lines.js';
import type { BoardEvent } from '../record/events.js';
import { isCeremonyEvent } from '../keyceremony/ceremony.js';
import { Report } from './report.js';
import { newVerifierState, type VerifierState } from './state.js';
import { lineEventHash, readEvent, type ChainPosition } from './events.js';
import { verifyElection } from './election.js';
import { verifyCeremonyEvent } from './trustees.js';
import { verifyCredentials, verifyCredentialsAdded, verifyRevocation } from './credentials.js';
import { verifyBallotEvent } from './ballots.js';
import { TallyRecount, verifyTallyEvent } from './tally.js';
import { verifyDecryptionShare, verifyResult } from './result.js';
import { checkSchedule } from './schedule.js';
import { rankedResultDue, rankedSlotsOf, verifyMix, verifyMixDecryption, verifyRankedResult } from './ranked.js'; // ranked

/** A record is a source of lines that can be read more than once. */
export type RecordSource = () => AsyncIterable<string>;

/** The lines of a record held in memory; no lines is an empty record, which gives one empty line. */
export function linesSource(lines: string[]): RecordSource {
  return async function* () { if (lines.length === 0) yield ''; else yield* lines; };
}

export interface Verification {
  report: Report;
  state: VerifierState;
  events: number;
}

/** Worker threads that check ballots and re-sum counted ones (Node only). */
export interface BallotPool {
  readonly size: number;
  check(lines: string[]): Promise<BallotCheckResult[]>;
  sum(lines: string[], weights: number[]): Promise<PartialSums>;
  close(): Promise<void>;
}

export interface CheckOptions {
  /** Starts a pool once the record has shown `parallelAfter` ballots; null: check everything here. */
  makePool?: ((ctx: BallotPublicContext) => BallotPool) | null;
  parallelAfter?: number;
  onProgress?: (events: number) => void;
  /** Called after each event of the first pass is checked (observers following a live board). */
  onEvent?: (e: BoardEvent, st: VerifierState, report: Report) => void;
}

function dispatch(e: BoardEvent, st: VerifierState, report: Report): void {
  if (st.phase === 'decrypted') {
    report.fail('phase.order', e.seq, `event ${e.seq} (${e.type}) after the result`);
    return;
  }
  // The board appends the joint key in the same step as the last trustee-ready: nothing comes between.
  if (st.jointKeyDue && e.type !== 'joint-key') report.fail('phase.order', e.seq, `${e.type} between the last trustee-ready and the joint key`);
  st.jointKeyDue = false;
  if (isCeremonyEvent(e.type)) {
    if (setup(e, st, report)) verifyCeremonyEvent(e, st, report, e.type);
    return;
  }
  switch (e.type) {
    case 'election': report.fail('phase.order', e.seq, 'a second election event'); return;
    case 'credentials': verifyCredentials(e, st, report); return;
    case 'credential-revoked': verifyRevocation(e, st, report); return;
    case 'credentials-added': verifyCredentialsAdded(e, st, report); return;
    case 'poll-opened':
      if (report.check('phase.order', e.seq, st.phase === 'setup' && st.jointKey !== null && st.credentials !== null && empty(e), 'poll opened before the key ceremony and credentials were done, or twice')) st.phase = 'open';
      return;
    case 'ballot': verifyBallotEvent(e, st, report); return;
    case 'poll-closed':
      if (report.check('phase.order', e.seq, st.phase === 'open' && empty(e), 'poll closed when it was not open')) st.phase = 'closed';
      return;
    case 'tally': verifyTallyEvent(e, st, report); return;
    case 'decryption-share': verifyDecryptionShare(e, st, report); return;
    case 'result': rankedResultDue(e, st, report); verifyResult(e, st, report); return; // ranked: rankedResultDue
    // ranked (spec §20) -->
    case 'mix': verifyMix(e, st, report); return;
    case 'mix-decryption': verifyMixDecryption(e, st, report); return;
    case 'ranked-result': verifyRankedResult(e, st, report); return;
    // <-- ranked
  }
}

const empty = (e: BoardEvent) => Object.keys(e.payload).length === 0;

function setup(e: BoardEvent, st: VerifierState, report: Report): boolean {
  return report.check('phase.order', e.seq, st.phase === 'setup', `${e.type} after the poll opened`);
}

const BATCH = 16;
const PARALLEL_AFTER = 64;

/** The hash of a canonical event line, as readEvent computed it in the first pass (null: not such a line). */
function lineHash(line: string): string | null {
  try { return lineEventHash(line, (JSON.parse(line) as { hash?: unknown }).hash); } catch { return null; }
}

export async function checkRecord(source: RecordSource, options: CheckOptions = {}): Promise<Verification> {
  const report = new Report();
  const st = newVerifierState();
  let before: ChainPosition | null = null;
  let seq = 0;
  let broken = false;
  // Ballots checked by workers are applied in record order; at most two batches per worker wait, so memory
  // stays flat. Any other event first waits for every ballot before it.
  let pool: BallotPool | null = null;
  let ballotsSeen = 0;
  let batch: { events: BoardEvent[]; lines: string[] } = { events: [], lines: [] };
  const pending: { events: BoardEvent[]; results: Promise<BallotCheckResult[] | null> }[] = [];
  const applyBallots = (events: BoardEvent[], results: (BallotCheckResult | undefined)[]) => {
    events.forEach((e, k) => {
      try {
        verifyBallotEvent(e, st, report, results[k]);
      } catch (err) {
        report.fail('record.format', e.seq, `event ${e.seq} (${e.type}) could not be checked: ${(err as Error).message}`);
      }
    });
  };
  const sendBatch = () => {
    if (batch.events.length === 0) return;
    const { events, lines } = batch;
    batch = { events: [], lines: [] };
    // A worker that fails leaves its batch to this thread (results null): slower, same report.
    pending.push({ events, results: pool!.check(lines).catch(() => null) });
  };
  const applyOldest = async () => {
    const head = pending.shift()!;
    const results = await head.results;
    applyBallots(head.events, results ?? []);
  };
  const drain = async () => {
    sendBatch();
    while (pending.length > 0) await applyOldest();
  };
  try {
  for await (const line of source()) {
    if (line === '') { report.fail('record.format', seq, `line ${seq + 1} is empty`); broken = true; break; }
    const e = readEvent(line, seq, before, report);
    if (!e) { broken = true; break; }
    if (seq > 0) checkSchedule(e, st, report);
    if (seq === 0) {
      if (e.type !== 'election') report.fail('election.manifest', 0, 'the record does not start with the election');
      if (e.type !== 'election' || !verifyElection(e, st, report)) { broken = true; break; }
    } else if (e.type === 'ballot' && st.phase === 'open' && options.makePool && (pool || ++ballotsSeen > (options.parallelAfter ?? PARALLEL_AFTER))) {
      pool ??= options.makePool({ electionHash: st.electionHash, publicKey: encodePoint(st.jointKey!), groups: st.groups, ranked: rankedSlotsOf(st) }); // ranked: rankedSlotsOf
      batch.events.push(e);
      batch.lines.push(line);
      if (batch.events.length >= BATCH) sendBatch();
      while (pending.length > 2 * pool.size) await applyOldest();
    } else {
      await drain();
      try {
        dispatch(e, st, report);
      } catch (err) {
        // Fail closed: an event the checks could not even read is a failure of the record.
        report.fail('record.format', e.seq, `event ${e.seq} (${e.type}) could not be checked: ${(err as Error).message}`);
      }
    }
    before = { seq: e.seq, hash: e.hash, time: e.time };
    st.headSeq = e.seq;
    st.headHash = e.hash;
    seq++;
    if (options.onEvent) { await drain(); options.onEvent(e, st, report); }
    if (options.onProgress && seq % 100 === 0) options.onProgress(seq);
  }
  await drain();
  if (st.jointKeyDue) {
    // A prefix may end right after the last trustee-ready only if it was cut there; the board never leaves it so.
    report.warn(st.headSeq, 'the record ends after the last trustee-ready, before the joint key');
  }
  if (!broken && st.tally) {
    // Second pass: only the counted ballots are read again, each compared with the hash the first pass found
    // for it, so a source that changes between the passes cannot have other ballots summed.
    const counted = new Set(st.lastBallot.values());
    const recount = new TallyRecount(st);
    let i = 0;
    let sumError: string | null = null;
    let changed: number | null = null;
    let readBack = 0;
    const sums: Promise<void>[] = [];
    let lines: string[] = [];
    let weights: number[] = [];
    const send = () => {
      if (lines.length === 0) return;
      if (pool) {
        sums.push(pool.sum(lines, weights).then((partial) => recount.addSums(decodeSums(partial)), (err: Error) => { sumError ??= err.message; }));
      } else {
        try { recount.addSums(decodeSums(sumBallotLines(st.groups, lines, weights, backend()))); } catch (err) { sumError ??= (err as Error).message; }
      }
      lines = [];
      weights = [];
    };
    for await (const line of source()) {
      if (counted.has(i)) {
        let b: { credential?: unknown } | null = null;
        try { b = (JSON.parse(line) as BoardEvent<'ballot'>).payload; } catch { b = null; }
        const credential = typeof b?.credential === 'string' ? b.credential : '';
        if (b === null || st.lastBallot.get(credential) !== i || lineHash(line) !== st.lastBallotHash.get(credential)) {
          changed ??= i;
        } else if (!st.revoked.has(credential)) {
          readBack++;
          lines.push(line);
          weights.push(st.credentials!.get(credential)!);
          if (lines.length >= 4 * BATCH) send();
          while (pool && sums.length > 2 * pool.size) await sums.shift();
        }
      }
      i++;
    }
    send();
    await Promise.all(sums);
    const expected = [...st.lastBallot.keys()].filter((c) => !st.revoked.has(c)).length;
    if (changed === null && readBack !== expected) changed = -1;
    if (report.check('record.stable', st.tallySeq, changed === null, changed === null ? '' : changed >= 0 ? `the record changed between the two passes: line ${changed + 1} is not the ballot read before` : 'the record changed between the two passes: counted ballots are missing')) {
      if (sumError) report.fail('tally.sums', st.tallySeq, `the counted ballots could not be summed: ${String(sumError)}`);
      else recount.finish(report);
    } else {
      report.fail('tally.sums', st.tallySeq, 'the tally was not recounted: the record changed while it was read');
    }
  }
  } finally {
    await pool?.close();
  }
  report.check('record.complete', null, !broken && st.phase === 'decrypted', broken ? 'the record could not be read to its end' : 'the record has no result yet');
  return { report, state: st, events: seq };
}
