// The rules of a meeting's record, written once: the board runs checkMeetingEvent before it appends an
// event, and the verifier runs it on every event of the record. An event changes the state
// (applyMeetingEvent) only if it passed every check.
import { canonicalJson } from '../crypto/encoding.js';
import { keyOf, memberOf, totalWeight, validateBody, isMajority } from './body.js';
import { checkMeetingSignature } from './signature.js';
import { decodePublicKey } from '../crypto/group.js';
import { decide, quorumMet } from './rules.js';
import { problem, MeetingError, type MeetingProblem } from './problem.js';
import { applyAgendaEvent, checkAgendaEvent, emptyAgenda, isAgendaEvent, type Agenda } from './agenda.js';
import { paragraphsOf } from './amend.js';
import { amendmentDecided, amendmentPut, checkAmendmentPut, checkAmendmentWithdrawn, checkVoteText, MAX_TEXT } from './amendments.js';
import { isId, isObj, isText, sameKeys, type Obj } from './shape.js';
import type {
  Body, CarriedProxy, Majority, MeetingEvent, ProxyGrantedPayload, MeetingEventType, MeetingPayload, MeetingPayloadByType, MotionResultPayload, ProxyInForce, VoteMode, VoteSplit,
} from './types.js';

export interface Roll {
  /** Members present in person when the vote opened, in body order. */
  present: string[];
  /** Proxies in force for this vote (principal absent, holder present), in the principal's body order. */
  proxies: ProxyInForce[];
}

export interface MotionState {
  id: string;
  title: string;
  text: string;
  majority: Majority;
  mode: VoteMode;
  /** withdrawn: an amendment taken back before its vote. */
  status: 'put' | 'open' | 'closed' | 'decided' | 'withdrawn';
  roll: Roll | null;
  /** The last board time at which a vote is taken (the opening's time plus its seconds), or null: until closed. */
  deadline: string | null;
  /** Each member's vote (their own or cast by their proxy), by member id. */
  votes: Map<string, VoteSplit>;
  /** Which event cast each member's vote. */
  castIn: Map<string, number>;
  result: MotionResultPayload | null;
  /** The seq of its motion-result, or null. */
  decidedAt: number | null;
  /** The agenda item open when it was put, or null. */
  item: string | null;
  /** For an amendment: the motion it amends, and the paragraph it replaces (0: the whole text). */
  amends: string | null;
  paragraph: number;
  /** For a motion: its amendments in the order put, and its paragraphs as amended so far (§19 M11). */
  amendments: string[];
  places: string[];
  /** The text the vote decided (vote-opened.text). */
  votedText: string | null;
  /** A secret vote (§19 M7): the credential keys registered, by member, in the order registered. */
  credentials: Map<string, string>;
  /** The board time of its vote-closed (set then): a secret vote's election takes no ballot from then on. */
  closedTime?: string;
}

/** An active proxy; a standing one keeps its signed grant, to be carried into the body's next meeting. */
export interface Proxy { holder: string; scope: 'meeting' | 'standing'; seq: number; carry: CarriedProxy | null }

export interface MeetingState {
  meetingHash: string;
  headSeq: number;
  headHash: string;
  headTime: string;
  meeting: MeetingPayload;
  body: Body;
  phase: 'setup' | 'open' | 'closed';
  present: Set<string>;
  /** Active proxies by principal. */
  proxies: Map<string, Proxy>;
  motions: Map<string, MotionState>;
  motionOrder: string[];
  /** The motion whose vote is open, or null. */
  openVote: string | null;
  /** The motion whose vote closed and whose result must be the very next event, or null. */
  resultDue: string | null;
  /** The signatures on the record so far (signatureId), each allowed once. */
  signatures: Set<string>;
  agenda: Agenda;
}

/** A signature's identity: its challenge and response (Schnorr signatures cannot be re-randomised without the key). */
const signatureId = (p: Obj): string => canonicalJson(p.signature);


const FIELDS: Record<MeetingEventType, string[]> = {
  'meeting': ['id', 'title', 'body', 'chair', 'secretaries', 'proxies', 'tellers', 'threshold'],
  'meeting-opened': ['by', 'signature'],
  'member-present': ['member', 'by', 'signature'],
  'member-left': ['member', 'by', 'signature'],
  'proxy-granted': ['principal', 'holder', 'scope', 'by', 'signature'],
  'proxy-revoked': ['principal', 'by', 'signature'],
  'motion-put': ['motion', 'title', 'text', 'majority', 'mode', 'by', 'signature'],
  'vote-opened': ['motion', 'text', 'present', 'proxies', 'seconds', 'by', 'signature'],
  'named-vote': ['motion', 'votes', 'by', 'signature'],
  'vote-closed': ['motion', 'by', 'signature'],
  'credential-registered': ['motion', 'member', 'credential', 'by', 'signature'],
  'motion-result': ['motion', 'majority', 'base', 'counts', 'voters', 'present', 'members', 'baseWeight', 'passed', 'outcome'],
  'meeting-closed': ['by', 'signature'],
  'agenda-item': ['item', 'title', 'by', 'signature'],
  'item-opened': ['item', 'by', 'signature'],
  'speaker-requested': ['item', 'member', 'side', 'by', 'signature'],
  'speaker-withdrawn': ['item', 'member', 'by', 'signature'],
  'floor-given': ['item', 'member', 'by', 'signature'],
  'amendment-put': ['motion', 'amendment', 'title', 'paragraph', 'text', 'majority', 'by', 'signature'],
  'amendment-withdrawn': ['amendment', 'by', 'signature'],
};

// ---- the genesis ----------------------------------------------------------------------------------

/** Checks a meeting definition (event 0); throws MeetingError listing what is wrong. */
export function validateMeeting(input: unknown): MeetingPayload {
  if (!isObj(input) || !sameKeys(input, FIELDS.meeting)) throw new MeetingError('malformed', `a meeting is exactly {${FIELDS.meeting.join(', ')}}`);
  const body = validateBody(input.body);
  const errors: string[] = [];
  if (!isId(input.id)) errors.push('id: lower-case letters, digits and "-", 1-64 characters');
  if (!isText(input.title, 200)) errors.push('title: a non-empty text of at most 200 characters');
  if (!isId(input.chair) || keyOf(body, input.chair) === undefined) errors.push('chair: a member or officer of the body');
  if (!Array.isArray(input.secretaries) || input.secretaries.length > 20 || new Set(input.secretaries).size !== input.secretaries.length
    || !input.secretaries.every((s) => isId(s) && keyOf(body, s) !== undefined && s !== input.chair)) errors.push('secretaries: distinct members or officers of the body, not the chair, at most 20');
  // The tellers are the trustees of each secret vote's election (§19 M7): distinct body keys, as the manifest requires.
  if (!Array.isArray(input.tellers) || input.tellers.length > 20 || new Set(input.tellers).size !== input.tellers.length
    || !input.tellers.every((s) => isId(s) && keyOf(body, s) !== undefined)) errors.push('tellers: distinct members or officers of the body, at most 20');
  else if (!Number.isSafeInteger(input.threshold) || (input.tellers.length === 0 ? input.threshold !== 0 : ((input.threshold as number) < 1 || (input.threshold as number) > input.tellers.length)))
    errors.push('threshold: 1 to the number of tellers (0 without tellers)');
  if (!Array.isArray(input.proxies)) errors.push('proxies: a list');
  else {
    // Standing proxies carried from earlier meetings obey the same rules as those granted here.
    const held = new Map<string, number>();
    const principals = new Set<string>();
    input.proxies.forEach((c, i) => {
      const where = `proxies[${i}]`;
      if (!isObj(c) || !sameKeys(c, ['meeting', 'grant']) || typeof c.meeting !== 'string' || !/^[0-9a-f]{64}$/.test(c.meeting) || !isObj(c.grant) || !sameKeys(c.grant, FIELDS['proxy-granted'])) { errors.push(`${where}: expected {meeting, grant} with a signed proxy-granted payload`); return; }
      const g = c.grant;
      if (g.scope !== 'standing') { errors.push(`${where}: only a standing proxy is carried into another meeting`); return; }
      const bad = proxyRules(body, g, principals, held);
      if (bad) { errors.push(`${where}: ${bad}`); return; }
      const unsigned = checkMeetingSignature(c.meeting, body, 'proxy-granted', g);
      if (unsigned) { errors.push(`${where}: ${unsigned}`); return; }
      principals.add(g.principal as string);
      held.set(g.holder as string, (held.get(g.holder as string) ?? 0) + 1);
    });
  }
  if (errors.length > 0) throw new MeetingError('malformed', `invalid meeting: ${errors[0]}`, errors);
  return input as unknown as MeetingPayload;
}

/** A proxy grant's own rules against the proxies already in force; returns the problem or null. */
function proxyRules(body: Body, g: Obj, principals: Set<string>, held: Map<string, number>): string | null {
  if (!isId(g.principal) || !memberOf(body, g.principal)) return 'the principal is not a member';
  if (!isId(g.holder) || !memberOf(body, g.holder)) return 'the holder is not a member';
  if (g.by !== g.principal) return 'a proxy is granted by its principal alone';
  if (g.principal === g.holder) return 'a member cannot hold their own proxy';
  if (principals.has(g.principal)) return `${g.principal} has already given a proxy`;
  if (principals.has(g.holder)) return `${g.holder} has given their own vote away and cannot hold another's`;
  if ((held.get(g.principal) ?? 0) > 0) return `${g.principal} holds proxies and cannot pass them on`;
  if ((held.get(g.holder) ?? 0) >= body.rules.proxyLimit) return `${g.holder} already holds ${held.get(g.holder) ?? 0} proxies, the limit is ${body.rules.proxyLimit}`;
  return null;
}

export function initialMeetingState(genesis: MeetingEvent<'meeting'>): MeetingState {
  const meeting = validateMeeting(genesis.payload);
  const proxies = new Map<string, Proxy>();
  for (const c of meeting.proxies) proxies.set(c.grant.principal, { holder: c.grant.holder, scope: 'standing', seq: 0, carry: c });
  return {
    meetingHash: genesis.hash, headSeq: genesis.seq, headHash: genesis.hash, headTime: genesis.time,
    meeting, body: meeting.body, phase: 'setup', present: new Set(), proxies, motions: new Map(), motionOrder: [], openVote: null, resultDue: null, signatures: new Set(meeting.proxies.map((c) => signatureId(c.grant as unknown as Obj))), agenda: emptyAgenda(),
  };
}

// ---- derived ----------------------------------------------------------------------------------------

/** The roll a vote opening now would fix: who is present, and which proxies are in force. */
export function currentRoll(st: MeetingState): Roll {
  const present = st.body.members.filter((m) => st.present.has(m.id)).map((m) => m.id);
  const proxies = st.body.members
    .filter((m) => !st.present.has(m.id) && st.proxies.has(m.id) && st.present.has(st.proxies.get(m.id)!.holder))
    .map((m) => ({ principal: m.id, holder: st.proxies.get(m.id)!.holder }));
  return { present, proxies };
}

export function rollWeight(body: Body, roll: Roll): { heads: number; weight: number } {
  const ids = [...roll.present, ...roll.proxies.map((p) => p.principal)];
  return { heads: ids.length, weight: ids.reduce((a, id) => a + memberOf(body, id)!.weight, 0) };
}

/** The result of a closed vote, from its votes and roll alone. */
export function computeResult(st: MeetingState, m: MotionState): MotionResultPayload {
  const counts = { for: 0, against: 0, abstain: 0 };
  for (const v of m.votes.values()) { counts.for += v.for; counts.against += v.against; counts.abstain += v.abstain; }
  const present = rollWeight(st.body, m.roll!).weight;
  const members = totalWeight(st.body);
  const d = decide(m.majority, counts, present, members);
  return { motion: m.id, majority: m.majority, base: d.base, counts, voters: m.votes.size, present, members, baseWeight: d.baseWeight, passed: d.passed, outcome: d.passed ? 'passed' : 'rejected' };
}

// ---- checking one event ----------------------------------------------------------------------------

const PROCEDURE = new Set<MeetingEventType>(['meeting-opened', 'motion-put', 'vote-opened', 'vote-closed', 'meeting-closed', 'agenda-item', 'item-opened', 'floor-given', 'amendment-put', 'amendment-withdrawn']);
const runsMeeting = (st: MeetingState, id: string) => st.meeting.chair === id || st.meeting.secretaries.includes(id);

/** Everything that must hold for `payload` to be appended as the next event of type `type`; null if it may. */
/** `time`: the board time the event has (or will have, when the board is about to append it). */
export function checkMeetingEvent(st: MeetingState, type: string, payload: unknown, time: string): MeetingProblem | null {
  if (type === 'meeting') return problem('wrong-phase', 'meeting.order', 'a meeting has one meeting event, the first');
  if (!Object.hasOwn(FIELDS, type)) return problem('malformed', 'meeting.format', `unknown event type ${String(type)}`);
  const t = type as MeetingEventType;
  // A missing signature is the signature check's to report ("unsigned"), not a malformed event.
  const signed = FIELDS[t].includes('signature');
  // A secret vote's result also names its election (§19 M7).
  const fields = t === 'motion-result' && st.resultDue !== null && st.motions.get(st.resultDue)!.mode === 'secret' ? [...FIELDS[t], 'election'] : FIELDS[t];
  const present = isObj(payload) ? Object.keys(payload).filter((k) => !(signed && k === 'signature')).sort().join(',') : null;
  if (!isObj(payload) || present !== fields.filter((k) => !(signed && k === 'signature')).sort().join(','))
    return problem('malformed', 'meeting.format', `${t} is exactly {${fields.join(', ')}}`);
  const p = payload;
  if (st.resultDue !== null && t !== 'motion-result') return problem('wrong-phase', 'meeting.order', `the result of ${st.resultDue} must come right after its vote closed`);
  if (t === 'motion-result') return checkResult(st, p);
  // Who signs: known to the body, then the signature, then whether that person may make this event.
  if (!isId(p.by) || keyOf(st.body, p.by) === undefined) return problem('not-a-member', 'meeting.signatures', `"${String(p.by)}" is not a member or officer of this body`);
  const unsigned = checkMeetingSignature(st.meetingHash, st.body, t, p);
  if (unsigned) return problem('bad-signature', 'meeting.signatures', `${t} by ${p.by}: ${unsigned}`);
  // A signed event is good once: the board cannot replay a check-in after its member left, or a
  // grant after its revocation (a new one needs a new signature, which needs the key).
  if (st.signatures.has(signatureId(p))) return problem('duplicate', 'meeting.signatures', `${t} by ${p.by}: this signed event is already on the record (a replay)`);
  if (PROCEDURE.has(t) && !runsMeeting(st, p.by)) return problem('not-allowed', 'meeting.signatures', `${t} is signed by the chair or a secretary, not ${p.by}`);
  if (st.phase === 'closed') return problem('wrong-phase', 'meeting.order', 'the meeting is closed');
  if (isAgendaEvent(t)) return checkAgendaEvent(st, t, p, (id) => runsMeeting(st, id));
  switch (t) {
    case 'meeting-opened':
      return st.phase === 'setup' ? null : problem('wrong-phase', 'meeting.order', 'the meeting is already open');
    case 'member-present':
    case 'member-left': {
      if (!isId(p.member) || !memberOf(st.body, p.member)) return problem('not-a-member', 'meeting.presence', `"${String(p.member)}" is not a member of this body`);
      // Presence counts for quorum: only the member can say they are here. Anyone running the meeting
      // may record that a member left (the member can check in again, signed).
      if (t === 'member-present' && p.by !== p.member) return problem('not-allowed', 'meeting.signatures', `only ${p.member} can check ${p.member} in`);
      if (t === 'member-left' && p.by !== p.member && !runsMeeting(st, p.by)) return problem('not-allowed', 'meeting.signatures', `${p.by} may not record that ${p.member} left`);
      const here = st.present.has(p.member);
      if (t === 'member-present' && here) return problem('duplicate', 'meeting.presence', `${p.member} is already present`);
      if (t === 'member-left' && !here) return problem('not-present', 'meeting.presence', `${p.member} is not present`);
      return null;
    }
    case 'proxy-granted': {
      if (p.scope !== 'meeting' && p.scope !== 'standing') return problem('malformed', 'meeting.format', 'scope is "meeting" or "standing"');
      if (st.body.rules.proxyLimit === 0) return problem('proxy-limit', 'meeting.proxies', 'this body allows no proxies');
      const held = new Map<string, number>();
      for (const x of st.proxies.values()) held.set(x.holder, (held.get(x.holder) ?? 0) + 1);
      const bad = proxyRules(st.body, p, new Set(st.proxies.keys()), held);
      if (bad === null) return null;
      if (!memberOf(st.body, p.holder as string) || !memberOf(st.body, p.principal as string)) return problem('not-a-member', 'meeting.proxies', bad);
      return problem(bad.includes('limit') ? 'proxy-limit' : p.by !== p.principal ? 'not-allowed' : 'duplicate', 'meeting.proxies', bad);
    }
    case 'proxy-revoked': {
      const x = isId(p.principal) ? st.proxies.get(p.principal) : undefined;
      if (!x) return problem('no-proxy', 'meeting.proxies', `${String(p.principal)} has no proxy in force`);
      if (p.by !== p.principal && p.by !== x.holder) return problem('not-allowed', 'meeting.proxies', 'a proxy is revoked by its principal or given up by its holder');
      return null;
    }
    case 'motion-put': {
      if (st.phase !== 'open') return problem('wrong-phase', 'meeting.order', 'the meeting is not open');
      if (!isId(p.motion)) return problem('malformed', 'meeting.format', 'motion: an id');
      if (st.motions.has(p.motion)) return problem('duplicate', 'meeting.order', `motion ${p.motion} was already put`);
      if (!isText(p.title, 200) || !isText(p.text, MAX_TEXT, true)) return problem('malformed', 'meeting.format', 'title: 1-200 characters; text: at most 20,000');
      if (!isMajority(p.majority)) return problem('malformed', 'meeting.format', 'majority: one of the known majorities');
      if (p.mode !== 'named' && p.mode !== 'secret') return problem('malformed', 'meeting.format', 'mode: "named" or "secret"');
      if (p.mode === 'secret') {
        if (st.meeting.tellers.length === 0) return problem('no-tellers', 'meeting.secret', 'this meeting has no tellers: it can take named votes only');
        if (!isId(secretElectionIdOf(st.meeting.id, p.motion))) return problem('malformed', 'meeting.format', `a secret motion's election is "<meeting>-<motion>", at most 64 characters`);
      }
      return null;
    }
    case 'vote-opened': {
      if (st.phase !== 'open') return problem('wrong-phase', 'meeting.order', 'the meeting is not open');
      const m = isId(p.motion) ? st.motions.get(p.motion) : undefined;
      if (!m) return problem('unknown-motion', 'meeting.order', `no motion ${String(p.motion)} was put`);
      if (st.openVote !== null) return problem('vote-open', 'meeting.order', `the vote on ${st.openVote} is still open`);
      if (m.status !== 'put') return problem('vote-closed', 'meeting.order', `${m.amends ? 'amendment' : 'motion'} ${m.id} was already voted on${m.status === 'withdrawn' ? ' or withdrawn' : ''}`);
      if (m.amends !== null && st.motions.get(m.amends)!.status !== 'put') return problem('amendment-order', 'meeting.amendments', `the vote on ${m.amends} has opened: its amendment ${m.id} can no longer be voted on`);
      if (!Number.isSafeInteger(p.seconds) || (p.seconds as number) < 0 || (p.seconds as number) > 86_400) return problem('malformed', 'meeting.format', 'seconds: 0 (until closed) to 86400');
      if (typeof p.text !== 'string') return problem('malformed', 'meeting.format', 'text: the text being decided');
      const wrongText = checkVoteText(st, m, p.text);
      if (wrongText) return wrongText;
      const roll = currentRoll(st);
      if (canonicalJson(p.present) !== canonicalJson(roll.present) || canonicalJson(p.proxies) !== canonicalJson(roll.proxies))
        return problem('stale-roll', 'meeting.presence', 'the roll does not match who is present and the proxies in force; fetch the state and sign again');
      if (!quorumMet(st.body.rules.quorum, rollWeight(st.body, roll), { heads: st.body.members.length, weight: totalWeight(st.body) }))
        return problem('no-quorum', 'meeting.quorum', `no quorum: ${describeRoll(st, roll)}`);
      return null;
    }
    case 'named-vote': {
      const m = isId(p.motion) ? st.motions.get(p.motion) : undefined;
      if (m?.mode === 'secret') return problem('wrong-mode', 'meeting.votes', `the vote on ${m.id} is secret: members vote in its election's booth`);
      return checkVote(st, p, time);
    }
    case 'credential-registered': return checkRegistration(st, p, time);
    case 'vote-closed': {
      const m = isId(p.motion) ? st.motions.get(p.motion) : undefined;
      if (!m) return problem('unknown-motion', 'meeting.order', `no motion ${String(p.motion)} was put`);
      if (m.status !== 'open') return problem(m.status === 'put' ? 'wrong-phase' : 'vote-closed', 'meeting.order', m.status === 'put' ? `the vote on ${m.id} is not open` : `the vote on ${m.id} is already closed`);
      return null;
    }
    case 'meeting-closed':
      if (st.phase !== 'open') return problem('wrong-phase', 'meeting.order', 'the meeting is not open');
      if (st.openVote !== null) return problem('vote-open', 'meeting.order', `the vote on ${st.openVote} is still open`);
      return null;
    case 'amendment-put': return checkAmendmentPut(st, p);
    case 'amendment-withdrawn': return checkAmendmentWithdrawn(st, p);
  }
  return problem('malformed', 'meeting.format', `unknown event type ${t}`);
}

function describeRoll(st: MeetingState, roll: Roll): string {
  const w = rollWeight(st.body, roll);
  const q = st.body.rules.quorum;
  return q.of === 'members'
    ? `${w.heads} of ${st.body.members.length} members present or represented, ${q.share.num}/${q.share.den} needed`
    : `weight ${w.weight} of ${totalWeight(st.body)} present or represented, ${q.share.num}/${q.share.den} needed`;
}

function checkVote(st: MeetingState, p: Obj, time: string): MeetingProblem | null {
  const m = isId(p.motion) ? st.motions.get(p.motion) : undefined;
  if (!m) return problem('unknown-motion', 'meeting.order', `no motion ${String(p.motion)} was put`);
  if (m.status === 'put') return problem('wrong-phase', 'meeting.order', `the vote on ${m.id} is not open yet`);
  if (m.status !== 'open') return problem('vote-closed', 'meeting.order', `the vote on ${m.id} is closed`);
  if (m.deadline !== null && time > m.deadline) return problem('vote-closed', 'meeting.order', `the time for the vote on ${m.id} ran out at ${m.deadline}`);
  const by = p.by as string;
  if (!memberOf(st.body, by)) return problem('not-a-member', 'meeting.votes', `${by} is not a voting member`);
  const roll = m.roll!;
  const inPerson = presentAt(roll).has(by);
  const holds = new Set(roll.proxies.filter((x) => x.holder === by).map((x) => x.principal));
  if (!inPerson && holds.size === 0) return problem('not-present', 'meeting.votes', `${by} was not present when the vote opened`);
  // One vote per member, each checked below, so a list longer than the member's own plus those held cannot pass.
  if (!Array.isArray(p.votes) || p.votes.length === 0 || p.votes.length > 101) return problem('malformed', 'meeting.format', 'votes: a list of 1 to 101 votes');
  const seen = new Set<string>();
  for (const v of p.votes as unknown[]) {
    if (!isObj(v) || !sameKeys(v, ['member', 'for', 'against', 'abstain']) || !isId(v.member)) return problem('malformed', 'meeting.format', 'each vote is exactly {member, for, against, abstain}');
    const member = v.member;
    if (member === by ? !inPerson : !holds.has(member)) return problem(member === by ? 'not-present' : 'no-proxy', 'meeting.votes', member === by ? `${by} votes only by proxy in this vote` : `${by} holds no proxy for ${member} in this vote`);
    if (seen.has(member) || m.votes.has(member)) return problem('duplicate', 'meeting.votes', `${member} has already voted on ${m.id}`);
    seen.add(member);
    const w = memberOf(st.body, member)!.weight;
    const parts = [v.for, v.against, v.abstain];
    if (!parts.every((x) => Number.isSafeInteger(x) && (x as number) >= 0) || (parts as number[]).reduce((a, b) => a + b, 0) !== w)
      return problem('bad-split', 'meeting.votes', `${member}'s vote must give all their weight ${w} to for, against and abstain`);
    if (!st.body.rules.splitVotes && parts.filter((x) => x !== 0).length !== 1) return problem('bad-split', 'meeting.votes', 'this body does not allow split votes');
  }
  return null;
}

function checkResult(st: MeetingState, p: Obj): MeetingProblem | null {
  if (st.resultDue === null || p.motion !== st.resultDue) return problem('wrong-phase', 'meeting.order', 'a motion result comes only right after its vote closed');
  const m = st.motions.get(st.resultDue)!;
  if (m.mode === 'secret') return checkSecretResult(st, m, p);
  const expected = computeResult(st, m);
  if (canonicalJson(p) !== canonicalJson(expected)) {
    const what = canonicalJson(p.counts) !== canonicalJson(expected.counts) ? `counts ${canonicalJson(p.counts)}, the votes give ${canonicalJson(expected.counts)}`
      : p.passed !== expected.passed || p.outcome !== expected.outcome ? `outcome ${String(p.outcome)}, the ${expected.majority} majority gives ${expected.outcome}` : `${canonicalJson(p)}, expected ${canonicalJson(expected)}`;
    return problem('bad-result', 'meeting.result', `result of ${st.resultDue}: ${what}`);
  }
  return null;
}

/** A secret vote's credential (§19 M7): for a member on the roll, by the member in person or their proxy's holder, once. */
function checkRegistration(st: MeetingState, p: Obj, time: string): MeetingProblem | null {
  const m = isId(p.motion) ? st.motions.get(p.motion) : undefined;
  if (!m) return problem('unknown-motion', 'meeting.order', `no motion ${String(p.motion)} was put`);
  if (m.mode !== 'secret') return problem('wrong-mode', 'meeting.secret', `the vote on ${m.id} is named: it takes no credentials`);
  if (m.status === 'put') return problem('wrong-phase', 'meeting.order', `the vote on ${m.id} is not open yet`);
  if (m.status !== 'open' || (m.deadline !== null && time > m.deadline)) return problem('vote-closed', 'meeting.order', `the vote on ${m.id} is closed`);
  if (!isId(p.member) || !memberOf(st.body, p.member)) return problem('not-a-member', 'meeting.secret', `"${String(p.member)}" is not a voting member`);
  const roll = m.roll!;
  const mayRegister = p.member === p.by ? presentAt(roll).has(p.by as string) : roll.proxies.some((x) => x.principal === p.member && x.holder === p.by);
  if (!mayRegister) return problem(p.member === p.by ? 'not-present' : 'no-proxy', 'meeting.secret', p.member === p.by ? `${String(p.by)} was not present in person when the vote opened` : `${String(p.by)} holds no proxy for ${String(p.member)} in this vote`);
  if (m.credentials.has(p.member)) return problem('duplicate', 'meeting.secret', `${p.member} already has a credential for ${m.id}`);
  if (!isPublicKey(p.credential)) return problem('malformed', 'meeting.format', 'credential: a public key (a canonical ristretto255 point, not the identity)');
  if (registeredKeys(m).has(p.credential)) return problem('duplicate', 'meeting.secret', 'this credential key is already registered');
  return null;
}

// Indexes for the checks of a secret vote's registrations (each was a scan: quadratic with thousands
// of members). Keyed by the objects they index; a copy of the state builds its own.
const presentSets = new WeakMap<readonly string[], Set<string>>();
const presentAt = (roll: { present: readonly string[] }): Set<string> => {
  let s = presentSets.get(roll.present);
  if (!s) { s = new Set(roll.present); presentSets.set(roll.present, s); }
  return s;
};
const keySets = new WeakMap<Map<string, string>, Set<string>>();
const registeredKeys = (m: MotionState): Set<string> => {
  let s = keySets.get(m.credentials);
  if (!s) { s = new Set(m.credentials.values()); keySets.set(m.credentials, s); }
  return s;
};

/** A secret vote's result (§19 M7): its counts come from the election (the verifier ties them to its
 *  record, meeting.secret); here, the M4 decision on those counts and the roll, and the shape. */
function checkSecretResult(st: MeetingState, m: MotionState, p: Obj): MeetingProblem | null {
  const e = p.election;
  if (!isObj(e) || !sameKeys(e, ['electionHash', 'resultHash']) || !isHash(e.electionHash) || !(isHash(e.resultHash) || e.resultHash === null))
    return problem('malformed', 'meeting.format', 'a secret vote\'s result names its election: {electionHash, resultHash}');
  // Nobody registered (a boycott, or the time ran out first): no list can be signed, the election never
  // opens, and the result is the empty one (§19 M7.4): resultHash null exactly then.
  if ((e.resultHash === null) !== (m.credentials.size === 0))
    return problem('bad-result', 'meeting.result', m.credentials.size === 0 ? `result of ${m.id}: nobody registered, so its election never opened and has no result (resultHash null)` : `result of ${m.id}: ${m.credentials.size} credential(s) were registered, so the result names its election's result event`);
  const c = p.counts;
  if (!isObj(c) || !sameKeys(c, ['for', 'against', 'abstain']) || ![c.for, c.against, c.abstain].every((x) => Number.isSafeInteger(x) && (x as number) >= 0))
    return problem('malformed', 'meeting.format', 'counts: {for, against, abstain}, integers ≥ 0');
  const counts = { for: c.for as number, against: c.against as number, abstain: c.abstain as number };
  const present = rollWeight(st.body, m.roll!).weight;
  const registered = [...m.credentials.keys()].reduce((a, id) => a + memberOf(st.body, id)!.weight, 0);
  if (counts.for + counts.against + counts.abstain > registered) return problem('bad-result', 'meeting.result', `result of ${m.id}: counts ${canonicalJson(c)} exceed the weight registered (${registered})`);
  const expected = secretResult(st, m, counts, { electionHash: e.electionHash as string, resultHash: e.resultHash as string });
  if (canonicalJson(p) !== canonicalJson(expected)) return problem('bad-result', 'meeting.result', `result of ${m.id}: ${canonicalJson(p)}, the counts give ${canonicalJson(expected)} (present ${present})`);
  return null;
}

/** A secret vote's result from the election's counts: M4 on the roll; voters = members who registered a credential. */
export function secretResult(st: MeetingState, m: MotionState, counts: { for: number; against: number; abstain: number }, election: { electionHash: string; resultHash: string | null }): MotionResultPayload {
  const present = rollWeight(st.body, m.roll!).weight;
  const members = totalWeight(st.body);
  const d = decide(m.majority, counts, present, members);
  return { motion: m.id, majority: m.majority, base: d.base, counts: { ...counts }, voters: m.credentials.size, present, members, baseWeight: d.baseWeight, passed: d.passed, outcome: d.passed ? 'passed' : 'rejected', election: { ...election } };
}

/** The election that counts a secret motion (§19 M7). */
export const secretElectionIdOf = (meeting: string, motion: string): string => `${meeting}-${motion}`;

const isHash = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
function isPublicKey(x: unknown): x is string {
  if (typeof x !== 'string') return false;
  try { decodePublicKey(x); return true; } catch { return false; }
}

// ---- applying one checked event ----------------------------------------------------------------------

export function applyMeetingEvent(st: MeetingState, e: MeetingEvent): void {
  const p = e.payload as MeetingPayloadByType[MeetingEventType] & Obj;
  switch (e.type) {
    case 'meeting-opened': st.phase = 'open'; break;
    case 'member-present': st.present.add(p.member as string); break;
    case 'member-left': st.present.delete(p.member as string); break;
    case 'proxy-granted': {
      const g = e.payload as ProxyGrantedPayload;
      st.proxies.set(g.principal, { holder: g.holder, scope: g.scope, seq: e.seq, carry: g.scope === 'standing' ? { meeting: st.meetingHash, grant: g } : null });
      break;
    }
    case 'proxy-revoked': st.proxies.delete(p.principal as string); break;
    case 'motion-put': {
      const x = e.payload as MeetingPayloadByType['motion-put'];
      st.motions.set(x.motion, {
        id: x.motion, title: x.title, text: x.text, majority: x.majority, mode: x.mode, status: 'put', roll: null, deadline: null, votes: new Map(), castIn: new Map(), result: null, decidedAt: null,
        item: st.agenda.current, amends: null, paragraph: 0, amendments: [], places: paragraphsOf(x.text), votedText: null, credentials: new Map(),
      });
      st.motionOrder.push(x.motion);
      break;
    }
    case 'vote-opened': {
      const x = e.payload as MeetingPayloadByType['vote-opened'];
      const m = st.motions.get(x.motion)!;
      m.status = 'open';
      m.votedText = x.text;
      m.roll = { present: [...x.present], proxies: x.proxies.map((y) => ({ ...y })) };
      m.deadline = x.seconds > 0 ? new Date(Date.parse(e.time) + x.seconds * 1000).toISOString() : null;
      st.openVote = m.id;
      break;
    }
    case 'named-vote': {
      const x = e.payload as MeetingPayloadByType['named-vote'];
      const m = st.motions.get(x.motion)!;
      for (const v of x.votes) { m.votes.set(v.member, { ...v }); m.castIn.set(v.member, e.seq); }
      break;
    }
    case 'credential-registered': {
      const x = e.payload as MeetingPayloadByType['credential-registered'];
      const m = st.motions.get(x.motion)!;
      m.credentials.set(x.member, x.credential);
      keySets.get(m.credentials)?.add(x.credential);
      break;
    }
    case 'vote-closed': {
      const m = st.motions.get((p as { motion: string }).motion)!;
      m.status = 'closed';
      m.closedTime = e.time;
      st.openVote = null;
      st.resultDue = m.id;
      break;
    }
    case 'motion-result': {
      const m = st.motions.get(st.resultDue!)!;
      m.status = 'decided';
      m.result = e.payload as MotionResultPayload;
      m.decidedAt = e.seq;
      st.resultDue = null;
      amendmentDecided(st, m);
      break;
    }
    case 'amendment-put': amendmentPut(st, e.payload as MeetingPayloadByType['amendment-put'], st.agenda.current); break;
    case 'amendment-withdrawn': st.motions.get((p as { amendment: string }).amendment)!.status = 'withdrawn'; break;
    case 'agenda-item': case 'item-opened': case 'speaker-requested': case 'speaker-withdrawn': case 'floor-given':
      applyAgendaEvent(st.agenda, e.type, p);
      break;
    case 'meeting-closed': {
      st.phase = 'closed';
      // A proxy for this meeting ends with it; a standing one is carried into the next (docs/spec.md §19 M5).
      for (const [k, x] of st.proxies) if (x.scope === 'meeting') st.proxies.delete(k);
      break;
    }
    case 'meeting': break;
  }
  if (Object.hasOwn(p, 'signature')) st.signatures.add(signatureId(p));
  st.headSeq = e.seq;
  st.headHash = e.hash;
  st.headTime = e.time;
}
