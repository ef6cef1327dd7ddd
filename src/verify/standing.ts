// Where an election stands, in words, from what the verifier has checked so far: any prefix of a
// record is a valid place to stand ("poll open, 1,204 ballots, every check so far holds").
import type { Report } from './report.js';
import type { VerifierState } from './state.js';
import { trusteesAtFault } from '../keyceremony/ceremony.js';

export function standing(st: VerifierState, report: Report, events: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const ballots = st.trackingCodes.size;
  const m = st.manifest;
  let where: string;
  const fault = trusteesAtFault(st.ceremony);
  if (!m) where = 'no election';
  else if (fault.length > 0) where = `key ceremony failed: trustee${fault.length > 1 ? 's' : ''} ${fault.join(', ')} at fault (see trustees.complaints); the election must be created again without ${fault.length > 1 ? 'them' : 'it'}`;
  else if (st.phase === 'setup') {
    const c = st.ceremony;
    const t = m.trustees.length;
    const step = c.jointKey ? 'key ceremony done' : c.ready.size > 0 || c.shares.size === t ? `key ceremony: ${c.ready.size} of ${t} trustees ready`
      : c.keys.size === t ? `key ceremony: ${c.shares.size} of ${t} trustees sent shares` : c.commitments.size === t ? `key ceremony: ${c.keys.size} of ${t} keys revealed` : `key ceremony: ${c.commitments.size} of ${t} trustees committed`;
    where = `setup, ${step}, ${st.credentials ? `${n(st.credentials.size)} credentials` : 'no credential list yet'}`;
  } else if (st.phase === 'open') where = `poll open, ${n(ballots)} ballots`;
  else if (st.phase === 'closed') where = `poll closed, ${n(ballots)} ballots, no tally yet`;
  else if (st.phase === 'tallied') where = `tallied (${n(st.tally?.ballots ?? 0)} ballots counted), ${st.decryptionShares.length} of ${m.threshold} decryption shares`;
  else where = `result published (${n(st.result?.ballots ?? 0)} ballots counted)`;
  const verdict = report.okSoFar ? 'every check so far holds' : `FAILING: ${report.failedChecks.filter((c) => c !== 'record.complete').join(', ')}`;
  return `${where}; ${n(events)} events; ${verdict}`;
}
