// The independent verifier: reads the published record alone, in order, and recomputes every check.
// It streams the record twice (the second pass re-sums the counted ballots), so memory does not
// hold the ballots. It trusts nothing: a check that cannot be made is a failed check.
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { enableFastBackend } from '../crypto/backend-sodium.js';
import { encodePoint } from '../crypto/group.js';
import { decodeSums } from '../tally/decrypt.js';
import { backend } from '../crypto/backend.js';
import { sumBallotLines } from './tally-ranges.js';
import type { BallotCheckResult } from './ballot-fast.js';
import { VerifierPool } from './parallel.js';
import type { BoardEvent } from '../record/events.js';
import { Report } from './report.js';
import { newVerifierState, type VerifierState } from './state.js';
import { FRAMING, readEvent, type ChainPosition } from './events.js';
import { verifyElection } from './election.js';
import { verifyJointKey, verifyTrusteeKey, verifyTrusteeReady, verifyTrusteeShares } from './trustees.js';
import { verifyCredentials, verifyRevocation } from './credentials.js';
import { verifyBallotEvent } from './ballots.js';
import { TallyRecount, verifyTallyEvent } from './tally.js';
import { verifyDecryptionShare, verifyResult } from './result.js';

/** A record is a source of lines that can be read more than once. */
export type RecordSource = () => AsyncIterable<string>;

/** The lines of a record file (spec §9.1): split at LF bytes alone; each line decoded as strict UTF-8 (a line
 *  that is not gives a FRAMING message); an empty file gives one empty line, a last line without its LF is
 *  followed by a FRAMING message. A CR or BOM stays in its line, where readEvent refuses it. */
export function fileSource(path: string): RecordSource {
  return async function* () {
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const decode = (parts: Buffer[], n: number): string => {
      try { return utf8.decode(parts.length === 1 ? parts[0]! : Buffer.concat(parts)); } catch { return `${FRAMING}line ${n} is not valid UTF-8`; }
    };
    let parts: Buffer[] = [];
    let n = 0;
    let bytes = 0;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      let start = 0;
      for (let lf = chunk.indexOf(10); lf !== -1; lf = chunk.indexOf(10, start)) {
        parts.push(chunk.subarray(start, lf));
        yield decode(parts, ++n);
        parts = [];
        start = lf + 1;
      }
      if (start < chunk.length) parts.push(chunk.subarray(start));
    }
    if (bytes === 0) yield '';
    else if (parts.length > 0) {
      yield decode(parts, ++n);
      yield `${FRAMING}the file does not end with a line feed (after line ${n})`;
    }
  };
}

/** The lines of a record held in memory; no lines is an empty record, which gives one empty line. */
export function linesSource(lines: string[]): RecordSource {
  return async function* () { if (lines.length === 0) yield ''; else yield* lines; };
}

export interface Verification {
  report: Report;
  state: VerifierState;
  events: number;
}

function dispatch(e: BoardEvent, st: VerifierState, report: Report): void {
  if (st.phase === 'decrypted') {
    report.fail('phase.order', e.seq, `event ${e.seq} (${e.type}) after the result`);
    return;
  }
  switch (e.type) {
    case 'election': report.fail('phase.order', e.seq, 'a second election event'); return;
    case 'trustee-key': if (setup(e, st, report)) verifyTrusteeKey(e, st, report); return;
    case 'trustee-shares': if (setup(e, st, report)) verifyTrusteeShares(e, st, report); return;
    case 'trustee-ready': if (setup(e, st, report)) verifyTrusteeReady(e, st, report); return;
    case 'joint-key': if (setup(e, st, report)) verifyJointKey(e, st, report); return;
    case 'credentials': verifyCredentials(e, st, report); return;
    case 'credential-revoked': verifyRevocation(e, st, report); return;
    case 'poll-opened':
      if (report.check('phase.order', e.seq, st.phase === 'setup' && st.jointKey !== null && st.credentials !== null && empty(e), 'poll opened before the key ceremony and credentials were done, or twice')) st.phase = 'open';
      return;
    case 'ballot': verifyBallotEvent(e, st, report); return;
    case 'poll-closed':
      if (report.check('phase.order', e.seq, st.phase === 'open' && empty(e), 'poll closed when it was not open')) st.phase = 'closed';
      return;
    case 'tally': verifyTallyEvent(e, st, report); return;
    case 'decryption-share': verifyDecryptionShare(e, st, report); return;
    case 'result': verifyResult(e, st, report); return;
  }
}

const empty = (e: BoardEvent) => Object.keys(e.payload).length === 0;

function setup(e: BoardEvent, st: VerifierState, report: Report): boolean {
  return report.check('phase.order', e.seq, st.phase === 'setup', `${e.type} after the poll opened`);
}

export interface VerifyOptions {
  /**
   * Worker threads that check ballots and re-sum the tally. Default: one per core, started once the
   * record has shown more than 64 ballots (small records are checked faster in this thread). 0: none.
   */
  workers?: number;
  /** 'noble' keeps the pure-JS group; by default libsodium (WASM) is used when it loads. */
  backend?: 'noble' | 'sodium';
  /** Ballots checked in this thread before the workers start (default 64). */
  parallelAfter?: number;
}

const BATCH = 16;
const PARALLEL_AFTER = 64;

export async function verifyRecord(source: RecordSource, onProgress?: (events: number) => void, options: VerifyOptions = {}): Promise<Verification> {
  if (options.backend !== 'noble') await enableFastBackend();
  const report = new Report();
  const st = newVerifierState();
  let before: ChainPosition | null = null;
  let seq = 0;
  let broken = false;
  // Ballots checked by workers are applied in record order; at most two batches per worker wait, so memory
  // stays flat. Any other event first waits for every ballot before it.
  const maxWorkers = options.workers ?? availableParallelism();
  let pool: VerifierPool | null = null;
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
    if (seq === 0) {
      if (e.type !== 'election') report.fail('election.manifest', 0, 'the record does not start with the election');
      if (e.type !== 'election' || !verifyElection(e, st, report)) { broken = true; break; }
    } else if (e.type === 'ballot' && st.phase === 'open' && maxWorkers > 0 && (pool || ++ballotsSeen > (options.parallelAfter ?? PARALLEL_AFTER))) {
      pool ??= new VerifierPool(maxWorkers, { electionHash: st.electionHash, publicKey: encodePoint(st.jointKey!), groups: st.groups, backend: options.backend === 'noble' ? 'noble' : backend().name });
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
    seq++;
    if (onProgress && seq % 100 === 0) onProgress(seq);
  }
  await drain();
  if (!broken && st.tally) {
    // Second pass: only the counted ballots are read again.
    const counted = new Set(st.lastBallot.values());
    const recount = new TallyRecount(st);
    let i = 0;
    // Counted ballots go in batches to the workers, or (one core) to the same summing code here.
    let sumError: string | null = null;
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
        const b = (JSON.parse(line) as BoardEvent<'ballot'>).payload;
        if (!st.revoked.has(b.credential) && st.lastBallot.get(b.credential) === i) {
          lines.push(line);
          weights.push(st.credentials!.get(b.credential)!);
          if (lines.length >= 4 * BATCH) send();
          while (pool && sums.length > 2 * pool.size) await sums.shift();
        }
      }
      i++;
    }
    send();
    await Promise.all(sums);
    if (sumError) report.fail('tally.sums', st.tallySeq, `the counted ballots could not be summed: ${String(sumError)}`);
    else recount.finish(report);
  }
  } finally {
    await pool?.close();
  }
  report.check('record.complete', null, !broken && st.phase === 'decrypted' && st.badBallots === 0, broken ? 'the record could not be read to its end' : st.phase !== 'decrypted' ? 'the record has no result yet' : 'the record holds invalid ballots');
  return { report, state: st, events: seq };
}

