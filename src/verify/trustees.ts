// The key ceremony on the record: trustee keys, share exchange, verification keys, joint key.
import { decodePublicKey } from '../crypto/group.js';
import { decodeSchnorr, verifySchnorr } from '../crypto/proofs/schnorr.js';
import { verificationKey } from '../crypto/threshold.js';
import { checkTrusteeKey, jointPublicKey, readyContext, TAG_READY } from '../keyceremony/trustee.js';
import type { BoardEvent, JointKeyPayload, TrusteeKeyPayload, TrusteeReadyPayload, TrusteeSharesPayload } from '../record/events.js';
import type { Report } from './report.js';
import type { VerifierState } from './state.js';

function trusteeIndex(st: VerifierState, id: unknown): number {
  return st.manifest!.trustees.findIndex((t) => t.id === id) + 1;
}

export function verifyTrusteeKey(e: BoardEvent, st: VerifierState, report: Report): void {
  const p = e.payload as TrusteeKeyPayload;
  const index = trusteeIndex(st, p.trustee);
  if (!report.check('phase.order', e.seq, index > 0 && p.index === index && !st.trusteeKeys.has(p.trustee), `trustee-key from unknown, misnumbered or repeated trustee ${String(p.trustee)}`)) return;
  const problem = Object.keys(p).length === 6 ? checkTrusteeKey(st.electionHash, st.manifest!.threshold, p) : 'unexpected fields';
  if (report.check('trustees.keys', e.seq, problem === null, `trustee ${p.trustee}: ${problem}`)) st.trusteeKeys.set(p.trustee, p);
}

export function verifyTrusteeShares(e: BoardEvent, st: VerifierState, report: Report): void {
  const p = e.payload as TrusteeSharesPayload;
  const trustees = st.manifest!.trustees.map((t) => t.id);
  const ordered = st.trusteeKeys.size === trustees.length && trusteeIndex(st, p.trustee) > 0 && !st.sharesSent.has(p.trustee);
  if (!report.check('phase.order', e.seq, ordered, `trustee-shares from ${String(p.trustee)} out of order or repeated`)) return;
  const others = trustees.filter((id) => id !== p.trustee).sort().join(',');
  const shares = p.shares && typeof p.shares === 'object' ? p.shares : {};
  const wellFormed = Object.keys(p).length === 2 && Object.keys(shares).sort().join(',') === others
    && Object.values(shares).every((s) => s && typeof s.R === 'string' && typeof s.data === 'string' && typeof s.mac === 'string' && Object.keys(s).length === 3);
  if (report.check('trustees.shares', e.seq, wellFormed, `trustee ${p.trustee}: shares must be addressed to exactly the other trustees`)) st.sharesSent.add(p.trustee);
}

export function verifyTrusteeReady(e: BoardEvent, st: VerifierState, report: Report): void {
  const p = e.payload as TrusteeReadyPayload;
  const trustees = st.manifest!.trustees;
  const index = trusteeIndex(st, p.trustee);
  const ordered = st.sharesSent.size === trustees.length && index > 0 && !st.verificationKeys.has(p.trustee);
  if (!report.check('phase.order', e.seq, ordered, `trustee-ready from ${String(p.trustee)} out of order or repeated`)) return;
  let ok = false;
  try {
    const expected = verificationKey(trustees.map((t) => st.trusteeKeys.get(t.id)!.commitments.map((c) => decodePublicKey(c))), index);
    ok = Object.keys(p).length === 3 && decodePublicKey(p.verificationKey).equals(expected)
      && verifySchnorr(TAG_READY, readyContext(st.electionHash, p.trustee, index), expected, decodeSchnorr(p.proof));
    if (ok) st.verificationKeys.set(p.trustee, expected);
  } catch { ok = false; }
  report.check('trustees.ready', e.seq, ok, `trustee ${p.trustee}: verification key does not match the commitments, or its proof fails`);
}

export function verifyJointKey(e: BoardEvent, st: VerifierState, report: Report): void {
  const trustees = st.manifest!.trustees;
  const ordered = st.verificationKeys.size === trustees.length && st.jointKey === null;
  if (!report.check('phase.order', e.seq, ordered, 'joint-key before every trustee was ready, or twice')) return;
  let ok = false;
  try {
    const expected = jointPublicKey(trustees.map((t) => st.trusteeKeys.get(t.id)!));
    const p = e.payload as JointKeyPayload;
    ok = Object.keys(p).length === 1 && decodePublicKey(p.publicKey).equals(expected);
    if (ok) st.jointKey = expected;
  } catch { ok = false; }
  report.check('keys.joint', e.seq, ok, 'the election key is not the product of the trustees\' keys');
}
