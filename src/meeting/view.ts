// What the meeting's screens show, computed from the record's state alone: the server's
// GET /api/meetings/:id answers it, and the pages compute the same from the events they follow (each
// checked by the record's rules in the browser), so a page never shows what the record does not say.
import { totalWeight } from './body.js';
import { quorumMet } from './rules.js';
import { textToVote } from './amendments.js';
import { textOf } from './amend.js';
import { currentRoll, rollWeight, type MeetingState, type Roll } from './state.js';
import type { Fraction, MotionResultPayload } from './types.js';

export interface ViewMember { id: string; name: string; weight: number; key: string; present: boolean }
export interface ViewSpeaker { member: string; side: 'for' | 'against'; status: 'waiting' | 'speaking' | 'spoken' | 'withdrawn' }
export interface ViewItem { id: string; title: string; status: 'pending' | 'current' | 'done'; speakers: ViewSpeaker[] }
export interface ViewMotion {
  id: string; title: string; text: string; majority: string; mode: string; status: 'put' | 'open' | 'closed' | 'decided' | 'withdrawn'; item: string | null;
  /** For an amendment: its motion and paragraph (0: the whole text). */
  amends: string | null; paragraph: number; amendments: string[];
  /** For a motion: the text as amended so far, and its paragraph places (§19 M11). */
  amendedText: string | null; places: string[] | null;
  /** The text a vote opened now would decide (what the chair signs), or null; the text the vote decided. */
  voteText: string | null; votedText: string | null;
  roll: Roll | null; deadline: string | null; voted: string[]; votes: Record<string, number>; result: MotionResultPayload | null; decidedAt: number | null;
}
export interface MeetingView {
  id: string; title: string; body: string; meetingHash: string; headSeq: number; headHash: string; phase: 'setup' | 'open' | 'closed'; chair: string; secretaries: string[];
  members: ViewMember[]; officers: { id: string; name: string; key: string }[]; rules: { splitVotes: boolean; proxyLimit: number };
  proxies: { principal: string; holder: string; scope: 'meeting' | 'standing' }[];
  roll: Roll;
  quorum: { rule: { of: 'members' | 'weight'; share: Fraction }; heads: number; weight: number; of: { heads: number; weight: number }; met: boolean };
  openVote: string | null; agenda: { current: string | null; items: ViewItem[] }; motions: ViewMotion[];
}

export function meetingView(st: MeetingState): MeetingView {
  const roll = currentRoll(st);
  const w = rollWeight(st.body, roll);
  const all = { heads: st.body.members.length, weight: totalWeight(st.body) };
  return {
    id: st.meeting.id, title: st.meeting.title, body: st.body.id, meetingHash: st.meetingHash, headSeq: st.headSeq, headHash: st.headHash,
    phase: st.phase, chair: st.meeting.chair, secretaries: st.meeting.secretaries,
    members: st.body.members.map((m) => ({ id: m.id, name: m.name, weight: m.weight, key: m.key, present: st.present.has(m.id) })),
    officers: st.body.officers.map((o) => ({ id: o.id, name: o.name, key: o.key })),
    rules: { splitVotes: st.body.rules.splitVotes, proxyLimit: st.body.rules.proxyLimit },
    proxies: [...st.proxies].map(([principal, x]) => ({ principal, holder: x.holder, scope: x.scope })),
    roll, quorum: { rule: st.body.rules.quorum, heads: w.heads, weight: w.weight, of: all, met: quorumMet(st.body.rules.quorum, w, all) },
    openVote: st.openVote,
    agenda: { current: st.agenda.current, items: st.agenda.items.map((i) => ({ id: i.id, title: i.title, status: i.status, speakers: i.speakers.map((x) => ({ ...x })) })) },
    motions: st.motionOrder.map((id) => {
      const m = st.motions.get(id)!;
      let voteText: string | null = null;
      // An amendment whose paragraph a replacement removed has no text to vote on (the chair withdraws it).
      if (m.status === 'put') { try { voteText = textToVote(st, m); } catch { voteText = null; } }
      return {
        id, title: m.title, text: m.text, majority: m.majority, mode: m.mode, status: m.status, item: m.item, amends: m.amends, paragraph: m.paragraph, amendments: [...m.amendments],
        amendedText: m.amends === null ? textOf(m.places) : null, places: m.amends === null ? [...m.places] : null, voteText, votedText: m.votedText,
        roll: m.roll, deadline: m.deadline, voted: [...m.votes.keys()], votes: Object.fromEntries(m.castIn), result: m.result, decidedAt: m.decidedAt,
      };
    }),
  };
}
