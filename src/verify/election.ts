// The election event: a valid manifest and board key, first and only once.
import { decodePublicKey } from '../crypto/group.js';
import { selectionGroups } from '../manifest/layout.js';
import { validateManifest } from '../manifest/validate.js';
import type { BoardEvent, ElectionPayload } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

export function verifyElection(e: BoardEvent, st: VerifierState, report: Report): boolean {
  const p = e.payload as ElectionPayload;
  try {
    if (Object.keys(p).sort().join(',') !== 'boardKey,manifest') throw new Error('payload must be {manifest, boardKey}');
    const manifest = validateManifest(p.manifest);
    decodePublicKey(p.boardKey, 'board key');
    st.manifest = manifest;
    st.groups = selectionGroups(manifest);
    st.electionHash = e.hash;
    st.boardKey = p.boardKey;
    st.phase = 'setup';
    report.pass('election.manifest');
    return true;
  } catch (err) {
    report.fail('election.manifest', e.seq, `election event: ${(err as Error).message}`);
    return false;
  }
}
