// Where an election stands, in words, from what the verifier has checked so far: any prefix of a
// record is a valid place to stand ("poll open, 1,204 ballots, every check so far holds").
import type { Report } from './report.js';
import type { VerifierState } from './state.js';
import { trusteesAtFault } from '../keyceremony/ceremony.js';

/** "1 ballot", "2 ballots": the count with its noun in the number English gives it (Intl.PluralRules). */
export function counted(x: number, one: string, other: string): string {
  return `${x.toLocaleString('en-US')} ${new Intl.PluralRules('en-US').select(x) === 'one' ? one : other}`;
}

export function standing(st: VerifierState, report: Report, events: number): string {
  const ballotsN = (x: number) => counted(x, 'ballot', 'ballots');
  const ballots = st.trackingCodes.size;
  const m = st.manifest;
  let where: string;
  const fault = trusteesAtFault(st.ceremony);
  if (!m) where = 'no election';
  else if (fault.length > 0) where = `key ceremony failed: trustee${fault.length > 1 ? 's' : ''} ${fault.join(', ')} at fault (see trustees.complaints); the election must be created again without ${fault.length > 1 ? 'them' : 'it'}`;
  else if (st.phase === 'setup') {
    const c = st.ceremony;
    const t = m.trustees.length;
    const step = c.jointKey ? 'key ceremony done' : c.ready.size > 0 || c.shares.size === t ? `key ceremony: ${c.ready.size} of ${counted(t, 'trustee', 'trustees')} ready`
      : c.keys.size === t ? `key ceremony: ${c.shares.size} of ${counted(t, 'trustee', 'trustees')} sent shares` : c.commitments.size === t ? `key ceremony: ${c.keys.size} of ${counted(t, 'key', 'keys')} revealed` : `key ceremony: ${c.commitments.size} of ${counted(t, 'trustee', 'trustees')} committed`;
    where = `setup, ${step}, ${st.credentials ? counted(st.credentials.size, 'credential', 'credentials') : 'no credential list yet'}`;
  } else if (st.phase === 'open') where = `poll open, ${ballotsN(ballots)}`;
  else if (st.phase === 'closed') where = `poll closed, ${ballotsN(ballots)}, no tally yet`;
  else if (st.phase === 'tallied') where = `tallied (${ballotsN(st.tally?.ballots ?? 0)} counted), ${st.decryptionShares.length} of ${counted(m.threshold, 'decryption share', 'decryption shares')}`;
  else where = `result published (${ballotsN(st.result?.ballots ?? 0)} counted)`;
  const verdict = report.okSoFar ? 'every check so far holds' : `FAILING: ${report.failedChecks.filter((c) => c !== 'record.complete').join(', ')}`;
  return `${where}; ${counted(events, 'event', 'events')}; ${verdict}`;
}
