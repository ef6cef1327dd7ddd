// The list of public credentials (who may vote, with what weight) and revocations, each signed by
// the credential authority named in the manifest (src/credentials/authority.ts: the board's check too).
import { checkCredentialList, checkRevocation } from '../credentials/authority.js';
import { applyCredentialsAdded, checkCredentialsAdded } from '../credentials/additions.js';
import type { BoardEvent, CredentialsAddedPayload, CredentialsPayload, RevocationPayload } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';
import { weightSecrecyWarnings } from './weights.js';

export function verifyCredentials(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!report.check('phase.order', e.seq, st.credentials === null && st.phase === 'setup', 'credential list published twice or after the poll opened')) return;
  const bad = checkCredentialList(st.electionHash, st.manifest!, e.payload);
  if (bad) {
    report.fail(bad.check, e.seq, bad.message);
    return;
  }
  report.pass('credentials.list');
  report.pass('credentials.signature');
  const p = e.payload as CredentialsPayload;
  st.credentials = new Map(p.credentials.map((c) => [c.key, c.weight]));
  st.eligibleWeight = p.totalWeight;
  for (const w of weightSecrecyWarnings(p.credentials)) report.warn(e.seq, w);
}

export function verifyRevocation(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!report.check('phase.order', e.seq, (st.phase === 'setup' || st.phase === 'open') && st.credentials !== null, 'revocation before the credential list or after the poll closed')) return;
  const bad = checkRevocation(st.electionHash, st.manifest!, e.payload, (k) => st.credentials!.has(k), (k) => st.revoked.has(k));
  if (bad) {
    report.fail(bad.check, e.seq, bad.message);
    return;
  }
  report.pass('credentials.revocations');
  report.pass('credentials.signature');
  st.revoked.add((e.payload as RevocationPayload).key);
}

/** Credentials added after the list (spec §6.4): the board's own rule (src/credentials/additions.ts). */
export function verifyCredentialsAdded(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!report.check('phase.order', e.seq, (st.phase === 'setup' || st.phase === 'open') && st.credentials !== null, 'credentials added before the list or after the poll closed')) return;
  const bad = checkCredentialsAdded(st.electionHash, st.manifest!, e.payload, {
    weight: (k) => st.credentials!.get(k), revoked: (k) => st.revoked.has(k), replaced: (k) => st.replaced.has(k), eligibleWeight: st.eligibleWeight,
  });
  if (bad) {
    report.fail(bad.check, e.seq, bad.message);
    return;
  }
  report.pass('credentials.additions');
  report.pass('credentials.signature');
  st.eligibleWeight += applyCredentialsAdded(e.payload as CredentialsAddedPayload, st.credentials!, st.replaced);
}
