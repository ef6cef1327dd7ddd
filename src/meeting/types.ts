// A body that decides in meetings (a board, a committee, an assembly), its standing rules, and the
// events of a meeting's record (docs/spec.md §19). Plain data only: everything here is hashed or signed
// in canonical JSON, so it holds integers, strings, booleans and arrays, never floats.
import type { Fraction } from '../manifest/types.js';
import type { SchnorrProofJson } from '../crypto/proofs/schnorr.js';

export type { Fraction };

/** A voting member: `weight` votes (delegates, shares), a signing public key (base64url point) made on
 *  the member's own device; every check-in, proxy and named vote of theirs is signed with it. */
export interface Member { id: string; name: string; weight: number; key: string }
/** A non-voting person who may run a meeting (chair, secretary) or count (teller). */
export interface Officer { id: string; name: string; key: string }

/** What a majority is measured against: for+against, all votes cast (abstentions count as not for),
 *  the weight present at the vote (in person and by proxy), or the weight of all members. */
export type MajorityBase = 'decisive' | 'cast' | 'present' | 'members';
export const MAJORITIES = ['simple', 'absolute', 'absolute-of-members', 'two-thirds', 'two-thirds-present', 'two-thirds-members'] as const;
export type Majority = (typeof MAJORITIES)[number];

export interface QuorumRule {
  /** members: heads counted; weight: weights summed. Present = in person or represented by a present proxy. */
  of: 'members' | 'weight';
  share: Fraction;
}

export type VoteMode = 'named' | 'secret';

export interface StandingRules {
  quorum: QuorumRule;
  /** The majority a motion needs unless the motion names another. */
  majority: Majority;
  /** How many other members' votes one member may hold at once (0: no proxies). */
  proxyLimit: number;
  /** May a member with weight > 1 split it between for, against and abstain? */
  splitVotes: boolean;
  voteMode: VoteMode;
}

export interface Body {
  id: string;
  name: string;
  members: Member[];
  officers: Officer[];
  rules: StandingRules;
}

export interface VoteSplit { member: string; for: number; against: number; abstain: number }
export interface ProxyInForce { principal: string; holder: string }

/** A standing proxy ("until revoked") granted in an earlier meeting of the body, carried into this one:
 *  the principal's signed grant as it was, with the hash of the meeting whose context it was signed in. */
export interface CarriedProxy { meeting: string; grant: ProxyGrantedPayload }

export interface MeetingPayload {
  id: string;
  title: string;
  body: Body;
  /** Chair and secretaries run the meeting: they sign its procedure. Members or officers of the body. */
  chair: string;
  secretaries: string[];
  proxies: CarriedProxy[];
  /** The tellers of secret votes (§19 M7): members or officers, the trustees of each secret vote's
   *  election with their body keys; `threshold` of them decrypt. No tellers: no secret votes (threshold 0). */
  tellers: string[];
  threshold: number;
}

interface BySigned { by: string; signature: SchnorrProofJson }
export type MeetingOpenedPayload = BySigned;
export interface MemberPresentPayload extends BySigned { member: string }
export interface MemberLeftPayload extends BySigned { member: string }
export interface ProxyGrantedPayload extends BySigned { principal: string; holder: string; scope: 'meeting' | 'standing' }
export interface ProxyRevokedPayload extends BySigned { principal: string }
export interface MotionPutPayload extends BySigned { motion: string; title: string; text: string; majority: Majority; mode: VoteMode }
/** `seconds`: the time the chair gives for voting (0: until the chair closes); a vote whose board time is
 *  later than the opening's time plus `seconds` is refused as after the close. */
/** `text`: the text being decided, as the chair shows it (a motion: as amended; an amendment: the motion
 *  as it would read if the amendment is adopted); it must be what the record gives (§19 M11). */
export interface VoteOpenedPayload extends BySigned { motion: string; text: string; present: string[]; proxies: ProxyInForce[]; seconds: number }
export interface NamedVotePayload extends BySigned { motion: string; votes: VoteSplit[] }
export interface VoteClosedPayload extends BySigned { motion: string }
/** A secret vote's credential (§19 M7): the public key of a credential the member made in their browser,
 *  registered by the member on the roll (`by = member`) or by the holder of their proxy in force. */
export interface CredentialRegisteredPayload extends BySigned { motion: string; member: string; credential: string }
export type MeetingClosedPayload = BySigned;
/** The agenda and speakers lists (§19 M10). */
export interface AgendaItemPayload extends BySigned { item: string; title: string }
export interface ItemOpenedPayload extends BySigned { item: string }
export interface SpeakerRequestedPayload extends BySigned { item: string; member: string; side: 'for' | 'against' }
export interface SpeakerWithdrawnPayload extends BySigned { item: string; member: string }
export interface FloorGivenPayload extends BySigned { item: string; member: string }
/** An amendment to `motion` (§19 M11): `paragraph` n ≥ 1 replaced by `text` (empty: struck), or 0: the whole text replaced. */
export interface AmendmentPutPayload extends BySigned { motion: string; amendment: string; title: string; paragraph: number; text: string; majority: Majority }
export interface AmendmentWithdrawnPayload extends BySigned { amendment: string }

/** Appended by the board right after vote-closed, from the votes alone; the verifier recomputes it. */
export interface MotionResultPayload {
  motion: string;
  majority: Majority;
  base: MajorityBase;
  counts: { for: number; against: number; abstain: number };
  /** Members whose votes were cast (in person or by proxy). */
  voters: number;
  /** Weight present at the vote (in person and represented), and of all members. */
  present: number;
  members: number;
  /** The weight the majority is measured against (per `base`). */
  baseWeight: number;
  passed: boolean;
  outcome: 'passed' | 'rejected';
  /** A secret vote only (§19 M7): the election that counted it, by its hash and its result event's hash
   *  (null: nobody registered, the election never opened, M7.4). */
  election?: { electionHash: string; resultHash: string | null };
}

export interface MeetingPayloadByType {
  'meeting': MeetingPayload;
  'meeting-opened': MeetingOpenedPayload;
  'member-present': MemberPresentPayload;
  'member-left': MemberLeftPayload;
  'proxy-granted': ProxyGrantedPayload;
  'proxy-revoked': ProxyRevokedPayload;
  'motion-put': MotionPutPayload;
  'vote-opened': VoteOpenedPayload;
  'named-vote': NamedVotePayload;
  'vote-closed': VoteClosedPayload;
  'credential-registered': CredentialRegisteredPayload;
  'motion-result': MotionResultPayload;
  'meeting-closed': MeetingClosedPayload;
  'agenda-item': AgendaItemPayload;
  'item-opened': ItemOpenedPayload;
  'speaker-requested': SpeakerRequestedPayload;
  'speaker-withdrawn': SpeakerWithdrawnPayload;
  'floor-given': FloorGivenPayload;
  'amendment-put': AmendmentPutPayload;
  'amendment-withdrawn': AmendmentWithdrawnPayload;
}
export type MeetingEventType = keyof MeetingPayloadByType;
export const MEETING_EVENT_TYPES = [
  'meeting', 'meeting-opened', 'member-present', 'member-left', 'proxy-granted', 'proxy-revoked', 'motion-put',
  'vote-opened', 'named-vote', 'vote-closed', 'motion-result', 'meeting-closed',
  'agenda-item', 'item-opened', 'speaker-requested', 'speaker-withdrawn', 'floor-given', 'amendment-put', 'amendment-withdrawn', 'credential-registered',
] as const satisfies readonly MeetingEventType[];
/** Events a person signs (everything but the genesis and the board's motion-result). */
export type SignedMeetingEventType = Exclude<MeetingEventType, 'meeting' | 'motion-result'>;

export interface MeetingEvent<T extends MeetingEventType = MeetingEventType> {
  seq: number;
  prev: string;
  time: string;
  type: T;
  payload: MeetingPayloadByType[T];
  hash: string;
}
