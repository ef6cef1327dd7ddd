// Shared by the meeting tests: a body whose members' signing keys are made here (as each member's
// browser would), signing helpers, and a meeting on a real SQLite meeting store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSigningKey, type SigningKeyPair } from '../src/record/signature.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { LiveMeeting, Meetings } from '../src/meeting/live.js';
import { SqliteMeetingStore } from '../src/meeting/store.js';
import { currentRoll } from '../src/meeting/state.js';
import { textToVote } from '../src/meeting/amendments.js';
import { encodeMeetingEvent } from '../src/meeting/events.js';
import type { Body, Majority, MeetingPayloadByType, SignedMeetingEventType, StandingRules } from '../src/meeting/types.js';

export interface Person { id: string; name: string; weight?: number; keys: SigningKeyPair }

export interface BodyFixture { body: Body; people: Map<string, Person> }

/** Members m1..mN with the given weights (default 1 each), plus an officer "sec" (non-voting secretary). */
export function makeBody(weights: number[], rules: Partial<StandingRules> = {}, id = 'board'): BodyFixture {
  const people = new Map<string, Person>();
  const members = weights.map((weight, i) => {
    const p: Person = { id: `m${i + 1}`, name: `Member ${i + 1}`, weight, keys: newSigningKey() };
    people.set(p.id, p);
    return { id: p.id, name: p.name, weight, key: p.keys.key };
  });
  const sec: Person = { id: 'sec', name: 'Secretary', keys: newSigningKey() };
  people.set(sec.id, sec);
  const body: Body = {
    id, name: 'The Board', members, officers: [{ id: sec.id, name: sec.name, key: sec.keys.key }],
    rules: { quorum: { of: 'members', share: { num: 1, den: 2 } }, majority: 'simple', proxyLimit: 1, splitVotes: true, voteMode: 'named', ...rules },
  };
  return { body, people };
}

type Unsigned<T extends SignedMeetingEventType> = Omit<MeetingPayloadByType[T], 'signature'>;

export function signAs<T extends SignedMeetingEventType>(f: BodyFixture, meetingHash: string, type: T, payload: Unsigned<T>): MeetingPayloadByType[T] {
  const p = f.people.get((payload as { by: string }).by);
  if (!p) throw new Error(`no keys for ${(payload as { by: string }).by}`);
  return signMeetingPayload(meetingHash, type, payload, p.keys.secret);
}

export interface MeetingFixture extends BodyFixture {
  meetings: Meetings;
  meeting: LiveMeeting;
  /** Signs as payload.by and submits. */
  act<T extends SignedMeetingEventType>(type: T, payload: Unsigned<T>): ReturnType<LiveMeeting['submit']>;
  /** The chair (m1) opens a vote on `motion` with the roll as it is now. */
  openVote(motion: string, by?: string, seconds?: number): ReturnType<LiveMeeting['submit']>;
  putMotion(motion: string, majority?: Majority): ReturnType<LiveMeeting['submit']>;
  vote(by: string, motion: string, votes: [string, number, number, number][]): ReturnType<LiveMeeting['submit']>;
  dispose(): Promise<void>;
}

/** A meeting of `f`'s body chaired by m1 with secretary "sec", opened, with `present` checked in. */
export async function openMeeting(f: BodyFixture, present: string[], id = 'sitting-1'): Promise<MeetingFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-meeting-'));
  const store = new SqliteMeetingStore(join(dir, 'meetings.sqlite'));
  const meetings = new Meetings(store);
  await meetings.createBody(f.body);
  const meeting = await meetings.createMeeting({ id, title: 'Ordinary sitting', body: f.body.id, chair: 'm1', secretaries: ['sec'] });
  const fx: MeetingFixture = {
    ...f, meetings, meeting,
    act: (type, payload) => meeting.submit(type, signAs(f, meeting.state.meetingHash, type, payload)),
    openVote: (motion, by = 'm1', seconds = 0) => {
      const roll = currentRoll(meeting.state);
      const m = meeting.state.motions.get(motion);
      // The text the record gives (as amended); an unknown motion is the board's to refuse.
      let text = '';
      try { if (m) text = textToVote(meeting.state, m); } catch { /* a paragraph gone: the board refuses it */ }
      return fx.act('vote-opened', { motion, text, present: roll.present, proxies: roll.proxies, seconds, by });
    },
    putMotion: (motion, majority = 'simple') => fx.act('motion-put', { motion, title: `Motion ${motion}`, text: 'That the board resolves so.', majority, mode: 'named', by: 'm1' }),
    vote: (by, motion, votes) => fx.act('named-vote', { motion, votes: votes.map(([member, yes, no, abstain]) => ({ member, for: yes, against: no, abstain })), by }),
    async dispose() { await store.close(); rmSync(dir, { recursive: true, force: true }); },
  };
  await fx.act('meeting-opened', { by: 'm1' });
  for (const m of present) await fx.act('member-present', { member: m, by: m });
  return fx;
}

/** The meeting's record as lines, as GET /api/meetings/:id/record serves them. */
export async function recordLines(m: LiveMeeting): Promise<string[]> {
  return (await m.store.events(m.id)).map(encodeMeetingEvent);
}
