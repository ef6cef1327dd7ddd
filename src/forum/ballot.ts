// A qualified proposal onto a ballot (docs/spec.md §21.4). An election names no body; the link is the
// question id: the organiser adds the proposal to a draft election as a `motion` question whose id is
// `forum-<proposal id>` and whose title is the proposal's title (proposal ids are random UUIDs, so the
// id names one proposal of one body). Where a proposal went is then read from the elections' published
// manifests (their election events), each time it is asked: a draft's manifest may still be edited or
// the draft deleted, so the forum keeps no flag of its own. A question with that id but another title
// or type is not the proposal: the voters would decide on words the members did not endorse.
import type { BoardStore } from '../board/store.js';
import type { Manifest, MotionQuestion } from '../manifest/types.js';
import { MAJORITY_RULES } from '../meeting/rules.js';
import type { Body, Fraction } from '../meeting/types.js';
import type { PayloadByType } from '../record/events.js';
import type { BallotPlacement } from './types.js';

/** The question id (and agenda item id) under which a proposal goes forward. */
export const forumItemId = (proposal: string): string => `forum-${proposal}`;

/** A question with a forum id in a published manifest, as the forum reads it. */
export interface BallotQuestion { election: string; time: string; question: string; type: string; title: string }

/** Every question with a forum id (`forum-…`) in the elections' published manifests, oldest election first. */
export async function forumQuestions(store: BoardStore): Promise<BallotQuestion[]> {
  const out: BallotQuestion[] = [];
  for (const election of await store.elections()) {
    const [genesis] = await store.events(election, { limit: 1 });
    if (genesis?.type !== 'election') continue;
    const manifest = (genesis.payload as PayloadByType['election']).manifest;
    for (const q of manifest.questions) {
      if (q.id.startsWith('forum-')) out.push({ election, time: genesis.time, question: q.id, type: q.type, title: q.title });
    }
  }
  // The first election to carry it is where it went: by the time of its election event, then by id.
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => order(a.time, b.time) || order(a.election, b.election));
}

/** Where the proposal went onto a ballot: the first motion question with its id and exactly its title. */
export function ballotPlacement(questions: BallotQuestion[], proposal: { id: string; title: string }): BallotPlacement | null {
  const id = forumItemId(proposal.id);
  const q = questions.find((x) => x.question === id && x.type === 'motion' && x.title === proposal.title);
  return q ? { election: q.election, question: q.question } : null;
}

export interface MotionRule { quorum: Fraction; threshold: Fraction; strict: boolean }

/** What the motion needs, unless the organiser says: the body's quorum share and, where the body's
 *  default majority counts for against against (simple, two-thirds), that majority; the others have no
 *  ballot form (a ballot's motion counts for+against only), so the organiser must give one. */
export function motionRule(body: Body, given: Partial<MotionRule>): MotionRule | string {
  const m = MAJORITY_RULES[body.rules.majority];
  if ((given.threshold === undefined) !== (given.strict === undefined)) return 'give threshold and strict together';
  if (given.threshold === undefined && m.base !== 'decisive') {
    return `the body's majority "${body.rules.majority}" is not one of for+against, which is all a ballot's motion counts: give threshold and strict`;
  }
  return { quorum: given.quorum ?? body.rules.quorum.share, threshold: given.threshold ?? m.threshold, strict: given.strict ?? m.strict };
}

/** The draft's manifest with the proposal as one more motion question: the election side of §21.4. */
export function withForumMotion(manifest: Manifest, proposal: { id: string; title: string }, rule: MotionRule): Manifest {
  const question: MotionQuestion = { type: 'motion', id: forumItemId(proposal.id), title: proposal.title, ...rule };
  return { ...manifest, questions: [...manifest.questions, question] };
}
