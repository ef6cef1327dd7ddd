// The list of public credentials (who may vote, with what weight) and revocations.
import { decodePublicKey } from '../crypto/group.js';
import { MAX_CREDENTIAL_WEIGHT, MAX_REASON_LENGTH, MAX_TOTAL_WEIGHT, type BoardEvent, type CredentialsPayload, type RevocationPayload } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

export function verifyCredentials(e: BoardEvent, st: VerifierState, report: Report): void {
  if (!report.check('phase.order', e.seq, st.credentials === null && st.phase === 'setup', 'credential list published twice or after the poll opened')) return;
  const p = e.payload as CredentialsPayload;
  const map = new Map<string, number>();
  let ok = Object.keys(p).length === 2 && Array.isArray(p.credentials) && p.credentials.length > 0;
  let total = 0;
  try {
    if (ok) {
      p.credentials.forEach((c, i) => {
        decodePublicKey(c.key, 'credential');
        if (Object.keys(c).length !== 2 || !Number.isSafeInteger(c.weight) || c.weight < 1 || c.weight > MAX_CREDENTIAL_WEIGHT) ok = false;
        if (i > 0 && !(p.credentials[i - 1]!.key < c.key)) ok = false;
        map.set(c.key, c.weight);
        total += c.weight;
      });
    }
  } catch { ok = false; }
  // The board's bounds: a larger weight would make the tally's discrete log (bound = cast weight) unbounded.
  ok = ok && total <= MAX_TOTAL_WEIGHT && total === p.totalWeight;
  if (report.check('credentials.list', e.seq, ok, 'the credential list is malformed, unsorted, repeats a key, has a weight out of bounds, or states a wrong total weight')) {
    st.credentials = map;
    st.eligibleWeight = total;
  }
}

export function verifyRevocation(e: BoardEvent, st: VerifierState, report: Report): void {
  const p = e.payload as RevocationPayload;
  const ok = (st.phase === 'setup' || st.phase === 'open') && Object.keys(p).length === 2 && typeof p.reason === 'string' && p.reason.length <= MAX_REASON_LENGTH
    && st.credentials !== null && st.credentials.has(p.key) && !st.revoked.has(p.key);
  if (report.check('credentials.revocations', e.seq, ok, 'revocation of an unknown or already revoked credential, or after the poll closed')) st.revoked.add(p.key);
}
