// Ballots on the record: each valid, eligible, unique, cast while the poll was open.
import { checkBallot } from '../ballot/validate.js';
import type { BoardEvent } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

export function verifyBallotEvent(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!report.check('phase.order', e.seq, st.phase === 'open', 'ballot outside the open poll')) { st.badBallots++; return; }
  let checked;
  try {
    checked = checkBallot(e.payload, { electionHash: st.electionHash, publicKey: st.jointKey!, groups: st.groups });
    report.pass('ballots.valid');
  } catch (err) {
    report.fail('ballots.valid', e.seq, `ballot at ${e.seq}: ${(err as Error).message}`);
    st.badBallots++;
    return;
  }
  const eligible = st.credentials!.has(checked.credential) && !st.revoked.has(checked.credential);
  if (!report.check('ballots.eligible', e.seq, eligible, `ballot at ${e.seq}: credential not on the list or revoked`)) { st.badBallots++; return; }
  if (!report.check('ballots.unique', e.seq, !st.trackingCodes.has(checked.trackingCode), `ballot at ${e.seq} repeats an earlier ballot`)) { st.badBallots++; return; }
  st.trackingCodes.add(checked.trackingCode);
  st.lastBallot.set(checked.credential, e.seq);
}
