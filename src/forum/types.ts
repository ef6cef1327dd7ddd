// A body's forum (docs/spec.md §21): proposals and their threads, endorsements, moderation. None of it
// is on a meeting record; a proposal that reaches the body's endorsement threshold is queued for the
// agenda of the body's next meeting, where the chair puts it through the meeting's own rules.
import type { SchnorrProofJson } from '../crypto/proofs/schnorr.js';

/** The body's forum rule (body.rules.forum, checked in src/meeting/body.ts); no rule: no forum. */
export interface ForumRule { endorsements: number; attachmentBytes: number }

declare module '../meeting/types.js' {
  interface StandingRules { forum?: ForumRule }
}

export interface AttachmentInput { name: string; type: string; data: string }
export interface AttachmentInfo { index: number; name: string; type: string; size: number }

/** A proposal (parent null) or a reply in a proposal's thread. */
export interface Post {
  id: string;
  body: string;
  /** The proposal a reply belongs to; a proposal's own id for a proposal. */
  proposal: string;
  parent: string | null;
  author: string;
  title: string | null;
  text: string;
  created: string;
  hidden: boolean;
  attachments: AttachmentInfo[];
}

/** On a meeting's agenda: the first agenda-item event with the proposal's item id (read from the record). */
export interface MeetingPlacement { meeting: string; item: string; seq: number }
/** On a ballot: a motion question `forum-<proposal id>` with the proposal's title in an election's
 *  published manifest (read from the board each time: a draft's manifest may still change). */
export interface BallotPlacement { election: string; question: string }
export type Placement = MeetingPlacement | BallotPlacement;

export interface ProposalState {
  endorsements: string[];
  /** When the proposal reached the threshold (it stays queued even if endorsements are withdrawn later). */
  qualified: string | null;
  placement: Placement | null;
}

export type ModerationAction = 'hidden' | 'appealed' | 'upheld' | 'restored';
export interface ModerationEntry { seq: number; post: string; author: string; action: ModerationAction; by: string; reason: string; time: string }

/** Everything a person signs in the forum: `by` the signer, `nonce` once per signer and body. */
export interface Signed { by: string; nonce: string; signature: SchnorrProofJson }
export interface ForumPayloadByAction {
  'proposal': Signed & { title: string; text: string; attachments: AttachmentInput[] };
  'reply': Signed & { proposal: string; parent: string; text: string };
  'endorse': Signed & { proposal: string };
  'withdraw-endorsement': Signed & { proposal: string };
  'hide': Signed & { post: string; reason: string };
  'appeal': Signed & { post: string; reason: string };
  'decide-appeal': Signed & { post: string; decision: 'upheld' | 'restored'; reason: string };
  'digest-address': Signed & { email: string };
}
export type ForumAction = keyof ForumPayloadByAction;
export const FORUM_ACTIONS = ['proposal', 'reply', 'endorse', 'withdraw-endorsement', 'hide', 'appeal', 'decide-appeal', 'digest-address'] as const satisfies readonly ForumAction[];
