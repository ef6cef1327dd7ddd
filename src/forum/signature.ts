// Signed forum actions. A member (or, for moderation, an officer) signs each action in their own
// browser with the key the body lists for them (the same key their meeting events are signed with):
//
//   signature = Schnorr_{forum/signature}(context {body, signer: by}, key,
//                                         message {action, payload without its "signature" field})
// Its own tag and context: a forum signature is worth nothing in a meeting or in another body's forum.
import { baseMul, decodePublicKey } from '../crypto/group.js';
import { decodeSchnorr, encodeSchnorr, proveSchnorr, verifySchnorr } from '../crypto/proofs/schnorr.js';
import { signingSecret, unsignedPayload } from '../record/signature.js';
import { keyOf } from '../meeting/body.js';
import type { Body } from '../meeting/types.js';
import type { ForumAction, ForumPayloadByAction } from './types.js';

export const TAG_FORUM_SIGNATURE = 'forum/signature';

const context = (body: string, signer: string) => ({ body, signer });

type Unsigned<A extends ForumAction> = Omit<ForumPayloadByAction[A], 'signature'>;

export function signForumPayload<A extends ForumAction>(body: string, action: A, payload: Unsigned<A>, secret: string): ForumPayloadByAction[A] {
  const clean = unsignedPayload(payload as Unsigned<A> & { signature?: unknown });
  const x = signingSecret({ secret });
  const signature = encodeSchnorr(proveSchnorr(TAG_FORUM_SIGNATURE, context(body, (clean as { by: string }).by), x, baseMul(x), { action, payload: clean }));
  return { ...clean, signature } as unknown as ForumPayloadByAction[A];
}

/** The problem with the payload's signature under the key the body lists for `by`, or null. */
export function checkForumSignature(body: Body, action: ForumAction, payload: Record<string, unknown>): string | null {
  const by = payload.by;
  if (typeof by !== 'string') return 'no signer ("by")';
  const key = keyOf(body, by);
  if (key === undefined) return `"${by}" is not a member or officer of the body`;
  if (!Object.hasOwn(payload, 'signature')) return 'unsigned';
  try {
    const ok = verifySchnorr(TAG_FORUM_SIGNATURE, context(body.id, by), decodePublicKey(key), decodeSchnorr(payload.signature, 'signature'), { action, payload: unsignedPayload(payload) });
    return ok ? null : `not signed by ${by}'s key`;
  } catch (e) {
    return `signature: ${(e as Error).message}`;
  }
}
