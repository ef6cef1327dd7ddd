// The rules of the key ceremony on the board (spec §7, §9.3), written once: the board checks each
// submission with them before appending it, and the verifier checks each event of the record with them.
// Round 0 commitments → round 1 keys → round 2 shares → round 3 ready or complaints → joint key.
import { decodePoint, decodePublicKey, encodePoint, type Point } from '../crypto/group.js';
import { fromBase64Url } from '../crypto/encoding.js';
import { decodeSchnorr, verifySchnorr } from '../crypto/proofs/schnorr.js';
import { verificationKey } from '../crypto/threshold.js';
import { checkPayloadSignature } from '../record/signature.js';
import type { Manifest } from '../manifest/types.js';
import type { EventType, TrusteeCommitmentPayload, TrusteeComplaintPayload, TrusteeKeyPayload, TrusteeReadyPayload, TrusteeSharesPayload } from '../record/events.js';
import { checkTrusteeKey, jointPublicKey, judgeComplaint, keyCommitment, readyContext, TAG_READY } from './trustee.js';

export const CEREMONY_EVENTS = ['trustee-commitment', 'trustee-key', 'trustee-shares', 'trustee-complaint', 'trustee-ready', 'joint-key'] as const;
export type CeremonyEvent = (typeof CEREMONY_EVENTS)[number];
export const isCeremonyEvent = (t: string): t is CeremonyEvent => (CEREMONY_EVENTS as readonly string[]).includes(t);

export interface Complaint { payload: TrusteeComplaintPayload; atFault: string; reason: string }

export interface CeremonyState {
  commitments: Map<string, string>;
  keys: Map<string, TrusteeKeyPayload>;
  shares: Map<string, TrusteeSharesPayload>;
  complaints: Complaint[];
  /** Verification keys VK_l of the trustees that are ready. */
  ready: Map<string, Point>;
  jointKey: Point | null;
}

export const newCeremonyState = (): CeremonyState => ({ commitments: new Map(), keys: new Map(), shares: new Map(), complaints: [], ready: new Map(), jointKey: null });

/** The verifier's check ids; the board turns each into an error code. */
export type CeremonyCheck = 'phase.order' | 'trustees.signatures' | 'trustees.commitments' | 'trustees.keys' | 'trustees.shares' | 'trustees.complaints' | 'trustees.ready' | 'keys.joint';
export interface CeremonyProblem { check: CeremonyCheck; code: string; message: string }

const problem = (check: CeremonyCheck, code: string, message: string): CeremonyProblem => ({ check, code, message });

const FIELDS: Record<CeremonyEvent, string> = {
  'trustee-commitment': 'commitment,signature,trustee',
  'trustee-key': 'commitments,encryptionKey,encryptionProof,index,proofs,signature,trustee',
  'trustee-shares': 'shares,signature,trustee',
  'trustee-complaint': 'S,against,proof,signature,trustee',
  'trustee-ready': 'proof,signature,trustee,verificationKey',
  'joint-key': 'publicKey',
};

/** Trustees named as at fault by the complaints so far: the ceremony cannot finish; it must be run again
 *  in a new election without them (spec §7.6). */
export function trusteesAtFault(cs: CeremonyState): string[] {
  return [...new Set(cs.complaints.map((c) => c.atFault))];
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Why this ceremony event may not come now, or is invalid; null when it is accepted. Changes nothing. */
export function checkCeremonyEvent(cs: CeremonyState, election: string, manifest: Manifest, type: CeremonyEvent, payload: unknown): CeremonyProblem | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return problem('phase.order', 'malformed', `${type}: payload must be an object`);
  const p = payload as Record<string, unknown>;
  const fieldsOk = Object.keys(p).sort().join(',') === FIELDS[type];
  const trustees = manifest.trustees;
  const n = trustees.length;
  if (type === 'joint-key') {
    if (cs.jointKey !== null || cs.ready.size !== n || cs.complaints.length > 0) return problem('phase.order', 'wrong-phase', 'joint-key before every trustee was ready, after a complaint, or twice');
    try {
      const ok = fieldsOk && decodePublicKey(p.publicKey).equals(jointPublicKey(trustees.map((t) => cs.keys.get(t.id)!)));
      return ok ? null : problem('keys.joint', 'bad-key', 'the election key is not the product of the trustees\' keys');
    } catch { return problem('keys.joint', 'bad-key', 'the election key does not decode'); }
  }
  const id = p.trustee;
  const index = trustees.findIndex((t) => t.id === id) + 1;
  if (index === 0) return problem('phase.order', 'unknown-trustee', `no trustee "${String(id)}" in this election`);
  const trustee = id as string;
  if (!fieldsOk) return problem('phase.order', 'malformed', `${type} of ${trustee}: expected exactly the fields ${FIELDS[type]}`);
  // Order and uniqueness first: a repeated or early event is refused whatever it holds.
  switch (type) {
    case 'trustee-commitment':
      if (cs.commitments.has(trustee)) return problem('phase.order', 'duplicate', `trustee ${trustee} already committed to a key`);
      break;
    case 'trustee-key':
      if (cs.commitments.size !== n) return problem('phase.order', 'wrong-phase', 'every trustee must commit to its key before any key is revealed');
      if (cs.keys.has(trustee)) return problem('phase.order', 'duplicate', `trustee ${trustee} already published a key`);
      if (p.index !== index) return problem('phase.order', 'malformed', `trustee ${trustee} has index ${index}`);
      break;
    case 'trustee-shares':
      if (cs.keys.size !== n) return problem('phase.order', 'wrong-phase', 'every trustee must publish a key before shares are exchanged');
      if (cs.shares.has(trustee)) return problem('phase.order', 'duplicate', `trustee ${trustee} already sent shares`);
      break;
    case 'trustee-complaint':
    case 'trustee-ready':
      if (cs.shares.size !== n) return problem('phase.order', 'wrong-phase', 'every trustee must send shares first');
      if (cs.ready.has(trustee)) return problem('phase.order', 'duplicate', `trustee ${trustee} is already ready`);
      if (type === 'trustee-ready' && cs.complaints.some((c) => c.payload.trustee === trustee)) return problem('phase.order', 'duplicate', `trustee ${trustee} complained and cannot also be ready`);
      if (type === 'trustee-complaint' && cs.complaints.some((c) => c.payload.trustee === trustee && c.payload.against === p.against)) return problem('phase.order', 'duplicate', `trustee ${trustee} already complained about ${String(p.against)}`);
      break;
  }
  const signed = checkPayloadSignature(election, manifest, { role: 'trustee', id: trustee }, type, p);
  if (signed) return problem('trustees.signatures', 'bad-signature', `${type} of ${trustee}: ${signed}`);
  switch (type) {
    case 'trustee-commitment':
      return typeof p.commitment === 'string' && HEX64.test(p.commitment) ? null : problem('trustees.commitments', 'malformed', `trustee ${trustee}: the commitment must be 64 hex characters`);
    case 'trustee-key': {
      if (keyCommitment(election, p as unknown as TrusteeKeyPayload) !== cs.commitments.get(trustee)) return problem('trustees.commitments', 'bad-commitment', `trustee ${trustee}: the key is not the one it committed to`);
      const bad = checkTrusteeKey(election, manifest.threshold, p as unknown as TrusteeKeyPayload);
      return bad ? problem('trustees.keys', 'bad-proof', `trustee key of ${trustee}: ${bad}`) : null;
    }
    case 'trustee-shares': {
      const others = trustees.map((t) => t.id).filter((t) => t !== trustee).sort();
      const shares = p.shares as Record<string, Record<string, unknown>> | null;
      if (typeof shares !== 'object' || shares === null || Array.isArray(shares) || Object.keys(shares).sort().join(',') !== others.join(',')) {
        return problem('trustees.shares', 'malformed', `shares must be addressed to exactly: ${others.join(', ')}`);
      }
      for (const to of others) {
        const s = shares[to];
        try {
          if (typeof s !== 'object' || s === null || Object.keys(s).sort().join(',') !== 'R,data,mac') throw new Error('expected {R, data, mac}');
          decodePoint(s.R, 'R');
          fromBase64Url(s.data as string, 32, 'data');
          fromBase64Url(s.mac as string, 32, 'mac');
        } catch (e) {
          return problem('trustees.shares', 'malformed', `share for ${to}: ${(e as Error).message}`);
        }
      }
      return null;
    }
    case 'trustee-complaint': {
      const against = p.against;
      if (typeof against !== 'string' || against === trustee || !cs.keys.has(against)) return problem('trustees.complaints', 'malformed', `complaint of ${trustee} against an unknown trustee or itself`);
      try { decodePoint(p.S, 'S'); decodeSchnorr(p.proof); } catch (e) { return problem('trustees.complaints', 'malformed', `complaint of ${trustee}: ${(e as Error).message}`); }
      return null; // judged when applied: a false complaint is valid as an event and puts its author at fault
    }
    case 'trustee-ready': {
      try {
        const expected = verificationKey(trustees.map((t) => cs.keys.get(t.id)!.commitments.map((c) => decodePublicKey(c))), index);
        const ok = decodePublicKey(p.verificationKey).equals(expected)
          && verifySchnorr(TAG_READY, readyContext(election, trustee, index), expected, decodeSchnorr(p.proof));
        return ok ? null : problem('trustees.ready', 'bad-proof', `trustee ${trustee}: verification key does not match the commitments, or its proof fails`);
      } catch {
        return problem('trustees.ready', 'bad-proof', `trustee ${trustee}: verification key does not decode`);
      }
    }
  }
}

/** Records an accepted ceremony event (one that checkCeremonyEvent passed). */
export function applyCeremonyEvent(cs: CeremonyState, election: string, type: CeremonyEvent, payload: unknown): void {
  switch (type) {
    case 'trustee-commitment': { const p = payload as TrusteeCommitmentPayload; cs.commitments.set(p.trustee, p.commitment); return; }
    case 'trustee-key': { const p = payload as TrusteeKeyPayload; cs.keys.set(p.trustee, p); return; }
    case 'trustee-shares': { const p = payload as TrusteeSharesPayload; cs.shares.set(p.trustee, p); return; }
    case 'trustee-complaint': {
      const p = payload as TrusteeComplaintPayload;
      const verdict = judgeComplaint(election, p, cs.keys.get(p.trustee)!, cs.keys.get(p.against)!, cs.shares.get(p.against)!);
      cs.complaints.push({ payload: p, ...verdict });
      return;
    }
    case 'trustee-ready': { const p = payload as TrusteeReadyPayload; cs.ready.set(p.trustee, decodePublicKey(p.verificationKey)); return; }
    case 'joint-key': cs.jointKey = decodePublicKey((payload as { publicKey: string }).publicKey); return;
  }
}

/** The joint key the board appends right after the last trustee is ready, when there was no complaint. */
export function dueJointKey(cs: CeremonyState, manifest: Manifest): string | null {
  if (cs.jointKey !== null || cs.complaints.length > 0 || cs.ready.size !== manifest.trustees.length) return null;
  return encodePoint(jointPublicKey(manifest.trustees.map((t) => cs.keys.get(t.id)!)));
}

export type { EventType };
