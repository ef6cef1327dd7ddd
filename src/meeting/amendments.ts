// Amendments (docs/spec.md §19 M11). The chair or a secretary puts an amendment to a motion not yet
// voted on; amendments are voted before their motion, in the order they were put (each disposed of
// before the next, as Robert's Rules of Order, 12th ed., §12, take primary amendments one at a time),
// and the motion is then voted on as amended. Every vote-opened carries the text it decides, which must
// be the text these rules give: the verifier refuses a motion voted on any other text, or an
// amendment voted on after (or while) its motion is.
import { applyAmendment, paragraphsOf, textOf } from './amend.js';
import { isMajority } from './body.js';
import { problem, type MeetingProblem } from './problem.js';
import { isId, isText, type Obj } from './shape.js';
import type { MeetingState, MotionState } from './state.js';

export const MAX_AMENDMENTS = 100;
export const MAX_TEXT = 20_000;

const isSettled = (m: MotionState) => m.status === 'decided' || m.status === 'withdrawn';

export function checkAmendmentPut(st: MeetingState, p: Obj): MeetingProblem | null {
  if (st.phase !== 'open') return problem('wrong-phase', 'meeting.order', 'the meeting is not open');
  const motion = isId(p.motion) ? st.motions.get(p.motion) : undefined;
  if (!motion) return problem('unknown-motion', 'meeting.order', `no motion ${String(p.motion)} was put`);
  if (motion.amends !== null) return problem('malformed', 'meeting.amendments', `${motion.id} is an amendment: amendments are to motions (an amendment to an amendment is put as another amendment to the motion)`);
  if (motion.status !== 'put') return problem('amendment-order', 'meeting.amendments', `the vote on ${motion.id} has opened: amendments come before their motion's vote`);
  if (!isId(p.amendment)) return problem('malformed', 'meeting.format', 'amendment: an id');
  if (st.motions.has(p.amendment)) return problem('duplicate', 'meeting.order', `${p.amendment} is already the id of a motion or amendment`);
  if (motion.amendments.length >= MAX_AMENDMENTS) return problem('malformed', 'meeting.amendments', `a motion has at most ${MAX_AMENDMENTS} amendments`);
  if (!isText(p.title, 200)) return problem('malformed', 'meeting.format', 'title: 1-200 characters');
  if (!Number.isSafeInteger(p.paragraph) || (p.paragraph as number) < 0) return problem('malformed', 'meeting.format', 'paragraph: 0 (the whole text) or a paragraph number from 1');
  if ((p.paragraph as number) > motion.places.length) return problem('no-paragraph', 'meeting.amendments', `${motion.id} has ${motion.places.length} paragraphs, not ${String(p.paragraph)}`);
  if (!isText(p.text, MAX_TEXT, p.paragraph !== 0)) return problem('malformed', 'meeting.format', `text: at most ${MAX_TEXT} characters (empty strikes the paragraph; a whole-text replacement is not empty)`);
  if (!isMajority(p.majority)) return problem('malformed', 'meeting.format', 'majority: one of the known majorities');
  return null;
}

export function checkAmendmentWithdrawn(st: MeetingState, p: Obj): MeetingProblem | null {
  if (st.phase !== 'open') return problem('wrong-phase', 'meeting.order', 'the meeting is not open');
  const a = isId(p.amendment) ? st.motions.get(p.amendment) : undefined;
  if (!a || a.amends === null) return problem('unknown-motion', 'meeting.amendments', `no amendment ${String(p.amendment)} was put`);
  if (a.status !== 'put') return problem('amendment-order', 'meeting.amendments', `${a.id} is ${a.status === 'withdrawn' ? 'already withdrawn' : 'being or was voted on'}`);
  return null;
}

/** The text a vote on `m` decides: a motion as amended so far; for an amendment, its motion as it would
 *  read if the amendment is adopted. Throws RangeError if the amendment's paragraph no longer exists. */
export function textToVote(st: MeetingState, m: MotionState): string {
  if (m.amends === null) return textOf(m.places);
  const motion = st.motions.get(m.amends)!;
  return textOf(applyAmendment(motion.places, { paragraph: m.paragraph, text: m.text }));
}

/** Before a vote opens on `m`: the amendments' order, and the text the chair signed. */
export function checkVoteText(st: MeetingState, m: MotionState, text: unknown): MeetingProblem | null {
  if (m.amends === null) {
    const pending = m.amendments.map((id) => st.motions.get(id)!).find((a) => !isSettled(a));
    if (pending) return problem('amendment-order', 'meeting.amendments', `amendment ${pending.id} to ${m.id} is not decided: amendments are voted before their motion`);
  } else {
    const motion = st.motions.get(m.amends)!;
    const earlier = motion.amendments.slice(0, motion.amendments.indexOf(m.id)).map((id) => st.motions.get(id)!).find((a) => !isSettled(a));
    if (earlier) return problem('amendment-order', 'meeting.amendments', `amendment ${earlier.id} was put before ${m.id}: amendments are voted in the order they were put`);
    if (m.paragraph > motion.places.length) return problem('no-paragraph', 'meeting.amendments', `${motion.id} as amended has ${motion.places.length} paragraphs, not ${m.paragraph}: withdraw ${m.id}`);
  }
  const expected = textToVote(st, m);
  if (text !== expected) return problem('wrong-text', 'meeting.amendments', `the vote on ${m.id} must be on the text as amended (${expected.length} characters${typeof text === 'string' ? `; the signed text has ${text.length}` : ''})`);
  return null;
}

/** The record's state for a new amendment, and what a decided one changes. */
export function amendmentPut(st: MeetingState, p: { motion: string; amendment: string; title: string; paragraph: number; text: string; majority: MotionState['majority'] }, item: string | null): void {
  st.motions.set(p.amendment, {
    id: p.amendment, title: p.title, text: p.text, majority: p.majority, mode: 'named', status: 'put', roll: null, deadline: null, votes: new Map(), castIn: new Map(), result: null, decidedAt: null,
    item, amends: p.motion, paragraph: p.paragraph, amendments: [], places: [], votedText: null, credentials: new Map(),
  });
  st.motions.get(p.motion)!.amendments.push(p.amendment);
  st.motionOrder.push(p.amendment);
}

/** An adopted amendment changes its motion's text; a rejected one leaves it. */
export function amendmentDecided(st: MeetingState, m: MotionState): void {
  if (m.amends === null || !m.result?.passed) return;
  const motion = st.motions.get(m.amends)!;
  motion.places = applyAmendment(motion.places, { paragraph: m.paragraph, text: m.text });
}

export { paragraphsOf };
