// The verifier's ranked part (docs/spec.md §20): it keeps the ranked rows of each credential's last
// valid ballot as it reads the ballots (packed), then checks every mix, every decryption of the last mix
// and the ranked result by the rules the board applies (src/ranked/record.ts), naming the check that
// fails. The ballots' rows are dropped once the first mix's input is fixed, that input once a mix is
// accepted: from there the progress holds the last mix's rows and the trustees' D points alone.
import type { CiphertextJson } from '../crypto/elgamal.js';
import { rankedSlots, type RankedSlot } from '../ballot/ranked.js';
import type { BallotJson } from '../ballot/types.js';
import { addMix, addMixDecryption, checkMix, checkMixDecryption, checkRankedResult, countedRows, inputJson, lastMix, newRankedProgress, nextMixInput, packBallotRows, type MixedRows, type Problem, type RankedEnv, type RankedProgress } from '../ranked/record.js';
import type { PackedRows } from '../ranked/packed.js';
import type { BoardEvent, MixDecryptionPayload, MixPayload, RankedResultPayload } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

interface RankedVerifierState {
  slots: RankedSlot[];
  /** The ranked rows of each credential's last valid ballot (packBallotRows), and its place; null once
   *  the first mix's input is fixed. */
  rows: Map<string, { seq: number; rows: Uint8Array }> | null;
  progress: RankedProgress;
  /** The first mix's input, fixed when the first mix is read (the poll is closed: no ballot, no
   *  revocation comes after), dropped when a mix is accepted. */
  counted: PackedRows[] | null;
}

// Kept beside the verifier's state (one per record being checked), so the core state stays as it is.
const states = new WeakMap<VerifierState, RankedVerifierState>();

function of(st: VerifierState): RankedVerifierState {
  let r = states.get(st);
  if (!r) {
    r = { slots: st.manifest ? rankedSlots(st.manifest) : [], rows: new Map(), progress: newRankedProgress(), counted: null };
    // Kept only once the manifest is known (its ranked questions are what every check reads).
    if (st.manifest) states.set(st, r);
  }
  return r;
}

/** The election's ranked questions (for the ballot check's context). */
export const rankedSlotsOf = (st: VerifierState): RankedSlot[] => of(st).slots;

/** A valid ballot became its credential's last: keep its ranked rows (as bytes: the line is not kept). */
export function noteRankedBallot(st: VerifierState, credential: string, seq: number, ballot: BallotJson): void {
  const r = of(st);
  if (r.slots.length === 0 || !r.rows) return;
  r.rows.set(credential, { seq, rows: packBallotRows(r.slots, ballot.ranked!.map((a) => a.ct)) });
}

const env = (st: VerifierState, r: RankedVerifierState): RankedEnv => ({ electionHash: st.electionHash, manifest: st.manifest!, jointKey: st.jointKey!, slots: r.slots });

function fail(report: Report, seq: number, p: Problem): void {
  report.fail(p.check, seq, p.message);
}

function inPhase(e: BoardEvent, st: VerifierState, report: Report): boolean {
  return report.check('phase.order', e.seq, (st.phase === 'closed' || st.phase === 'tallied') && st.jointKey !== null, `${e.type} before the poll closed or after the result`);
}

/** The first mix's input: the counted ballots are final once the poll is closed (the last valid ballot
 *  of each unrevoked credential). */
function counted(st: VerifierState, r: RankedVerifierState): PackedRows[] {
  if (!r.counted) {
    r.counted = countedRows(r.slots, [...r.rows!.entries()].filter(([c]) => !st.revoked.has(c) && st.lastBallot.get(c) !== undefined)
      .map(([c, x]) => ({ seq: x.seq, weight: st.credentials!.get(c)!, rows: x.rows })));
    r.rows = null;
  }
  return r.counted;
}

export function verifyMix(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!inPhase(e, st, report)) return;
  const r = of(st);
  const problem = checkMix(env(st, r), r.progress, nextMixInput(() => counted(st, r), r.progress), e.payload);
  if (problem) return fail(report, e.seq, problem);
  report.pass('mix.shuffles');
  addMix(r.progress, r.slots, e.payload as MixPayload);
  r.counted = null;
}

export function verifyMixDecryption(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!inPhase(e, st, report)) return;
  const r = of(st);
  const trustee = (e.payload as { trustee?: unknown }).trustee;
  const vk = typeof trustee === 'string' ? st.ceremony.ready.get(trustee) : undefined;
  const problem = checkMixDecryption(env(st, r), r.progress, vk, e.payload);
  if (problem) return fail(report, e.seq, problem);
  report.pass('mix.decryption');
  addMixDecryption(r.progress, r.slots, e.payload as MixDecryptionPayload);
}

export function verifyRankedResult(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!inPhase(e, st, report)) return;
  const r = of(st);
  const problem = checkRankedResult(env(st, r), r.progress, e.payload);
  // Recorded even when it fails, so that a later result is not also refused for its absence.
  r.progress.result = e.payload as RankedResultPayload;
  if (problem) return fail(report, e.seq, problem);
  report.pass('ranked.rankings');
  report.pass('ranked.count');
}

/** Before the result: every ranked question must have been counted (spec §20.5). */
export function rankedResultDue(e: BoardEvent, st: VerifierState, report: Report): void {
  const r = of(st);
  if (r.slots.length > 0) report.check('phase.order', e.seq, r.progress.result !== null, 'result before the ranked questions were mixed, decrypted and counted');
}

/** The published ranked result, once the record has one (for `veche ranked export`). */
export const rankedResultOf = (st: VerifierState): RankedResultPayload | null => of(st).progress.result;

/** Where the ranked part of a checked record stands, for a trustee's next step (src/cli/commands/trustee.ts):
 *  the next mix's input and the last mix's rows as the record writes them. */
export function rankedStepOf(st: VerifierState): { env: RankedEnv; progress: RankedProgress; nextInput: () => CiphertextJson[][][]; lastMix: () => MixedRows } {
  const r = of(st);
  return { env: env(st, r), progress: r.progress, nextInput: () => inputJson(nextMixInput(() => counted(st, r), r.progress)), lastMix: () => lastMix(r.progress, r.slots) };
}
