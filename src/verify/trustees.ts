// The key ceremony on the record: commitments, keys, shares, complaints, verification keys, joint key,
// each checked by the rules the board applies (src/keyceremony/ceremony.ts) and signed by its trustee.
import { applyCeremonyEvent, checkCeremonyEvent, type CeremonyEvent } from '../keyceremony/ceremony.js';
import type { BoardEvent } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

/** The check id that passes for an accepted event of each type. */
const PASSES: Record<CeremonyEvent, Parameters<Report['pass']>[0][]> = {
  'trustee-commitment': ['trustees.signatures', 'trustees.commitments'],
  'trustee-key': ['trustees.signatures', 'trustees.commitments', 'trustees.keys'],
  'trustee-shares': ['trustees.signatures', 'trustees.shares'],
  'trustee-complaint': ['trustees.signatures', 'trustees.complaints'],
  'trustee-ready': ['trustees.signatures', 'trustees.ready'],
  'joint-key': ['keys.joint'],
};

export function verifyCeremonyEvent(e: BoardEvent, st: VerifierState, report: Report, type: CeremonyEvent): void {
  const manifest = st.manifest!;
  const bad = checkCeremonyEvent(st.ceremony, st.electionHash, manifest, type, e.payload);
  if (bad) {
    report.fail(bad.check, e.seq, bad.message);
    return;
  }
  for (const id of PASSES[type]) report.pass(id);
  applyCeremonyEvent(st.ceremony, st.electionHash, type, e.payload);
  if (type === 'trustee-ready' && st.ceremony.ready.size === manifest.trustees.length && st.ceremony.complaints.length === 0) st.jointKeyDue = true;
  if (type === 'joint-key') st.jointKey = st.ceremony.jointKey;
}
