// Ballots on the record: each valid, eligible, unique, cast while the poll was open.
import { encodePoint } from '../crypto/group.js';
import type { BoardEvent } from '../record/events.js';
import type { BallotJson } from '../ballot/types.js'; // ranked
import type { Report } from './report.js';
import type { VerifierState } from './state.js';
import { checkBallots, type BallotCheckResult } from '../ballot/check.js';
import { noteRankedBallot, rankedSlotsOf } from './ranked.js'; // ranked

/** The cryptographic check of one ballot (the part worker threads run); needs the joint key. */
export function checkBallotEvent(payload: unknown, st: VerifierState): BallotCheckResult {
  return checkBallots([payload], { electionHash: st.electionHash, publicKey: encodePoint(st.jointKey!), groups: st.groups, ranked: rankedSlotsOf(st) })[0]!; // ranked: rankedSlotsOf
}

/** Records one ballot event; `checked` is its check when a worker already made it. */
export function verifyBallotEvent(e: BoardEvent, st: VerifierState, report: Report, checked?: BallotCheckResult): void {
  if (!report.check('phase.order', e.seq, st.phase === 'open', 'ballot outside the open poll')) { st.badBallots++; return; }
  const result = checked ?? checkBallotEvent(e.payload, st);
  if (!result.ok) {
    report.fail('ballots.valid', e.seq, `ballot at ${e.seq}: ${result.message}`);
    st.badBallots++;
    return;
  }
  report.pass('ballots.valid');
  const eligible = st.credentials!.has(result.credential) && !st.revoked.has(result.credential);
  if (!report.check('ballots.eligible', e.seq, eligible, `ballot at ${e.seq}: credential not on the list or revoked`)) { st.badBallots++; return; }
  if (!report.check('ballots.unique', e.seq, !st.trackingCodes.has(result.trackingCode), `ballot at ${e.seq} repeats an earlier ballot`)) { st.badBallots++; return; }
  st.trackingCodes.add(result.trackingCode);
  // A fresh copy: the parsed string is a slice of the whole read chunk, which it would keep alive.
  const credential = JSON.parse(JSON.stringify(result.credential)) as string;
  st.lastBallot.set(credential, e.seq);
  st.lastBallotHash.set(credential, e.hash);
  noteRankedBallot(st, credential, e.seq, e.payload as BallotJson); // ranked
}
