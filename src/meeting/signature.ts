// Signed meeting events. Whoever makes an event (a member checking in, granting a proxy or voting; the
// chair or a secretary for procedure) signs it in their own browser with the key the body lists for
// them; the board relays it and cannot make, change or replace one without failing this check.
//
//   signature = Schnorr_{meeting/signature}(context {meeting: meeting hash, signer: by}, key,
//                                           message {type, payload without its "signature" field})
// The same construction as src/record/signature.ts, under its own tag and context: a meeting key
// signs for meetings only, and a signature made in one meeting is worth nothing in another.
import { baseMul, decodePublicKey } from '../crypto/group.js';
import { decodeSchnorr, encodeSchnorr, proveSchnorr, verifySchnorr } from '../crypto/proofs/schnorr.js';
import { signingSecret, unsignedPayload } from '../record/signature.js';
import type { SchnorrProofJson } from '../crypto/proofs/schnorr.js';
import type { Body, MeetingPayloadByType, SignedMeetingEventType } from './types.js';
import { keyOf } from './body.js';

export const TAG_MEETING_SIGNATURE = 'meeting/signature';

export const meetingSignatureContext = (meeting: string, signer: string) => ({ meeting, signer });

type Unsigned<T extends SignedMeetingEventType> = Omit<MeetingPayloadByType[T], 'signature'>;

/** Signs `payload` (whose `by` is the signer) with the signer's secret (base64url scalar). */
export function signMeetingPayload<T extends SignedMeetingEventType>(meeting: string, type: T, payload: Unsigned<T>, secret: string): MeetingPayloadByType[T] {
  const clean = unsignedPayload(payload as Unsigned<T> & { signature?: unknown });
  const x = signingSecret({ secret });
  const signature: SchnorrProofJson = encodeSchnorr(proveSchnorr(TAG_MEETING_SIGNATURE, meetingSignatureContext(meeting, (clean as { by: string }).by), x, baseMul(x), { type, payload: clean }));
  return { ...clean, signature } as unknown as MeetingPayloadByType[T];
}

/** Checks the payload's signature under the key the body lists for its `by`; returns the problem, or null. */
export function checkMeetingSignature(meeting: string, body: Body, type: string, payload: Record<string, unknown>): string | null {
  const by = payload.by;
  if (typeof by !== 'string') return 'no signer ("by")';
  const key = keyOf(body, by);
  if (key === undefined) return `"${by}" is not a member or officer of the body`;
  if (!Object.hasOwn(payload, 'signature')) return 'unsigned';
  try {
    const ok = verifySchnorr(TAG_MEETING_SIGNATURE, meetingSignatureContext(meeting, by), decodePublicKey(key), decodeSchnorr(payload.signature, 'signature'), { type, payload: unsignedPayload(payload) });
    return ok ? null : `not signed by ${by}'s key`;
  } catch (e) {
    return `signature: ${(e as Error).message}`;
  }
}
