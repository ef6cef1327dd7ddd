// A meeting run on the real engine (src/meeting/live.ts over SQLite; its one transaction a submission on
// PostgreSQL at the end), then its record checked by the meeting verifier; and what each attacker could try: a member (forged, absent, duplicate or late
// votes, proxies beyond the limit), the chair (opening without quorum, a stale roll), the board
// operator (a rewritten and re-chained record: counts, outcome, inserted or unsigned votes).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { canonicalJson } from '../src/crypto/encoding.js';
import { makeMeetingEvent, encodeMeetingEvent } from '../src/meeting/events.js';
import { MeetingError } from '../src/meeting/problem.js';
import { newSigningKey } from '../src/record/signature.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import type { MeetingEvent } from '../src/meeting/types.js';
import { Meetings } from '../src/meeting/live.js';
import { PostgresMeetingStore } from '../src/meeting/postgres-store.js';
import type { MeetingSession } from '../src/meeting/store.js';
import { freshDatabase, postgresSkipReason } from './helpers/postgres.js';
import { makeBody, openMeeting, recordLines, signAs, type MeetingFixture } from './meeting-fixture.js';

const fixtures: MeetingFixture[] = [];
after(async () => { for (const f of fixtures) await f.dispose(); });
async function meeting(weights: number[], present: string[], rules = {}): Promise<MeetingFixture> {
  const f = await openMeeting(makeBody(weights, rules), present);
  fixtures.push(f);
  return f;
}

/** Refused with `code`, and the record did not change. */
async function refused(f: MeetingFixture, code: string, attempt: () => Promise<unknown>): Promise<MeetingError> {
  const before = f.meeting.state.headSeq;
  const err = await attempt().then(() => null, (e: unknown) => e);
  assert.ok(err instanceof MeetingError, `expected a refusal ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.equal(f.meeting.state.headSeq, before, 'a refused event changes nothing');
  assert.equal((await f.meeting.store.events(f.meeting.id)).length, before + 1);
  return err;
}

async function verified(f: MeetingFixture) {
  const v = await checkMeetingRecord(await recordLines(f.meeting));
  const failed = v.report.checks.filter((c) => c.failed > 0).map((c) => `${c.id}: ${c.failures[0]?.message}`);
  return { v, failed };
}

const result = (f: MeetingFixture, motion: string) => f.meeting.state.motions.get(motion)!.result!;

describe('a live meeting', () => {
  it('the chair is outvoted: votes against, the motion passes; the record verifies', async () => {
    const f = await meeting([1, 1, 1, 1, 1], ['m1', 'm2', 'm3', 'm4']);
    await f.putMotion('budget');
    await f.openVote('budget');
    await f.vote('m1', 'budget', [['m1', 0, 1, 0]]);
    for (const m of ['m2', 'm3', 'm4']) await f.vote(m, 'budget', [[m, 1, 0, 0]]);
    const [closed, res] = await f.act('vote-closed', { motion: 'budget', by: 'sec' });
    assert.equal(closed!.type, 'vote-closed');
    assert.equal(res!.type, 'motion-result');
    assert.deepEqual(result(f, 'budget').counts, { for: 3, against: 1, abstain: 0 });
    assert.equal(result(f, 'budget').outcome, 'passed');
    // The example of docs/spec.md §19 M4, byte for byte.
    assert.equal(canonicalJson(result(f, 'budget')), '{"base":"decisive","baseWeight":4,"counts":{"abstain":0,"against":1,"for":3},"majority":"simple","members":5,"motion":"budget","outcome":"passed","passed":true,"present":4,"voters":4}');
    await f.act('meeting-closed', { by: 'm1' });
    const { v, failed } = await verified(f);
    assert.deepEqual(failed, []);
    assert.ok(v.report.ok);
  });

  it('the quorum is lost when members leave: the vote cannot open, and opens again when they return', async () => {
    const f = await meeting([1, 1, 1, 1, 1, 1], ['m1', 'm2', 'm3', 'm4']);
    await f.putMotion('roof');
    await f.act('member-left', { member: 'm4', by: 'm4' });
    await f.act('member-left', { member: 'm3', by: 'sec' }); // the secretary records a departure at the door
    const err = await refused(f, 'no-quorum', () => f.openVote('roof'));
    assert.match(err.message, /2 of 6 members present or represented, 1\/2 needed/);
    await f.act('member-present', { member: 'm3', by: 'm3' });
    await f.openVote('roof');
    assert.equal(f.meeting.state.openVote, 'roof');
  });

  it('a proxy holder casts the votes of two in one signed action', async () => {
    const f = await meeting([1, 1, 1, 1], ['m1', 'm2']);
    await f.act('proxy-granted', { principal: 'm3', holder: 'm2', scope: 'meeting', by: 'm3' });
    await f.putMotion('fee');
    const [opened] = await f.openVote('fee');
    assert.deepEqual((opened!.payload as { proxies: unknown }).proxies, [{ principal: 'm3', holder: 'm2' }]);
    await f.vote('m2', 'fee', [['m2', 1, 0, 0], ['m3', 0, 0, 1]]);
    await f.vote('m1', 'fee', [['m1', 1, 0, 0]]);
    await f.act('vote-closed', { motion: 'fee', by: 'm1' });
    assert.deepEqual(result(f, 'fee').counts, { for: 2, against: 0, abstain: 1 });
    assert.equal(result(f, 'fee').voters, 3);
    assert.equal(result(f, 'fee').present, 3);
    assert.deepEqual((await verified(f)).failed.filter((x) => !x.startsWith('meeting.complete')), []);
  });

  it('a weighted delegate splits: 30 for, 15 against', async () => {
    const f = await meeting([45, 20, 10], ['m1', 'm2', 'm3']);
    await f.putMotion('merger');
    await f.openVote('merger');
    await f.vote('m1', 'merger', [['m1', 30, 15, 0]]);
    await f.vote('m2', 'merger', [['m2', 0, 20, 0]]);
    await refused(f, 'bad-split', () => f.vote('m3', 'merger', [['m3', 5, 0, 0]])); // not all of the weight
    await f.vote('m3', 'merger', [['m3', 0, 0, 10]]);
    await f.act('vote-closed', { motion: 'merger', by: 'm1' });
    assert.deepEqual(result(f, 'merger').counts, { for: 30, against: 35, abstain: 10 });
    assert.equal(result(f, 'merger').outcome, 'rejected');
  });

  it('the time the chair sets: a vote after it ran out is refused as after the close', async () => {
    const f = await meeting([1, 1, 1], ['m1', 'm2', 'm3']);
    await f.putMotion('quick');
    await f.openVote('quick', 'm1', 1);
    await f.vote('m2', 'quick', [['m2', 1, 0, 0]]);
    await new Promise((r) => setTimeout(r, 1100));
    const late = await refused(f, 'vote-closed', () => f.vote('m3', 'quick', [['m3', 1, 0, 0]]));
    assert.match(late.message, /the time for the vote on quick ran out at /);
    await f.act('vote-closed', { motion: 'quick', by: 'm1' });
    assert.deepEqual(result(f, 'quick').counts, { for: 1, against: 0, abstain: 0 });
  });

  it('a body without split votes refuses one', async () => {
    const f = await meeting([45, 20], ['m1', 'm2'], { splitVotes: false });
    await f.putMotion('merger');
    await f.openVote('merger');
    await refused(f, 'bad-split', () => f.vote('m1', 'merger', [['m1', 30, 15, 0]]));
  });

  it('two-thirds of those present and two-thirds of members: the same votes, different outcomes', async () => {
    const present = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
    const outcome = async (majority: 'two-thirds-present' | 'two-thirds-members') => {
      const f = await meeting(Array(10).fill(1), present);
      await f.putMotion('statutes', majority);
      await f.openVote('statutes');
      for (const [i, m] of present.entries()) await f.vote(m, 'statutes', [[m, i < 5 ? 1 : 0, i === 5 ? 1 : 0, i === 6 ? 1 : 0]]);
      await f.act('vote-closed', { motion: 'statutes', by: 'm1' });
      return result(f, 'statutes');
    };
    const p = await outcome('two-thirds-present');
    const m = await outcome('two-thirds-members');
    assert.deepEqual([p.counts, p.baseWeight, p.outcome], [{ for: 5, against: 1, abstain: 1 }, 7, 'passed']);
    assert.deepEqual([m.counts, m.baseWeight, m.outcome], [{ for: 5, against: 1, abstain: 1 }, 10, 'rejected']);
  });
});

describe('a crash between a named vote\'s close and its result', () => {
  /** A meeting whose process stopped after storing the vote-closed of "budget" (2 for, 1 against) and before its result. */
  async function crashed(): Promise<MeetingFixture> {
    const f = await meeting([1, 1, 1], ['m1', 'm2', 'm3']);
    await f.putMotion('budget');
    await f.openVote('budget');
    for (const m of ['m1', 'm2']) await f.vote(m, 'budget', [[m, 1, 0, 0]]);
    await f.vote('m3', 'budget', [['m3', 0, 1, 0]]);
    const store = f.meeting.store;
    const append = store.append.bind(store);
    store.append = (async (id: string, e: MeetingEvent, body?: string) => {
      if (e.type === 'motion-result') throw new Error('the process stopped');
      return append(id, e, body);
    }) as typeof store.append;
    await assert.rejects(f.act('vote-closed', { motion: 'budget', by: 'sec' }), /the process stopped/);
    store.append = append;
    assert.deepEqual((await store.events(f.meeting.id)).map((e) => e.type).slice(-2), ['named-vote', 'vote-closed']);
    return f;
  }
  const types = async (f: MeetingFixture) => (await f.meeting.store.events(f.meeting.id)).map((e) => e.type);
  const counts = async (f: MeetingFixture) => (await f.meeting.store.events(f.meeting.id)).find((e) => e.type === 'motion-result')!.payload;

  it('the server started again: loading the meeting appends the result from the votes, once; the record verifies', async () => {
    const f = await crashed();
    const { LiveMeeting } = await import('../src/meeting/live.js');
    const again = await LiveMeeting.load(f.meeting.store, f.meeting.id);
    assert.deepEqual((await types(f)).slice(-2), ['vote-closed', 'motion-result']);
    assert.deepEqual((await counts(f) as { counts: unknown }).counts, { for: 2, against: 1, abstain: 0 });
    assert.equal(again.state.resultDue, null);
    const n = (await types(f)).length;
    await LiveMeeting.load(f.meeting.store, f.meeting.id);
    assert.equal((await types(f)).length, n, 'a second load appends nothing');
    await again.submit('meeting-closed', signAs(f, again.state.meetingHash, 'meeting-closed', { by: 'm1' }));
    const v = await checkMeetingRecord(await recordLines(again));
    assert.deepEqual(v.report.checks.filter((c) => c.failed > 0).map((c) => c.id), []);
  });

  it('the same process: the next submission is taken after the result it owes', async () => {
    const f = await crashed();
    await f.act('meeting-closed', { by: 'm1' });
    assert.deepEqual((await types(f)).slice(-3), ['vote-closed', 'motion-result', 'meeting-closed']);
    const { failed } = await verified(f);
    assert.deepEqual(failed, []);
  });
});

describe('bad input is refused with a clear reason and changes nothing', () => {
  it('a vote after the close, a vote by a non-member, a forged named vote, a proxy beyond the limit', async () => {
    const f = await meeting([1, 1, 1, 1, 1], ['m1', 'm2', 'm3']);
    await f.act('proxy-granted', { principal: 'm4', holder: 'm2', scope: 'meeting', by: 'm4' });
    // The limit is one proxy per holder.
    const limit = await refused(f, 'proxy-limit', () => f.act('proxy-granted', { principal: 'm5', holder: 'm2', scope: 'meeting', by: 'm5' }));
    assert.match(limit.message, /m2 already holds 1 proxies, the limit is 1/);
    await f.putMotion('a');
    await f.openVote('a');
    // A stranger's key, not in the body.
    const stranger = newSigningKey();
    const byStranger = signMeetingPayload(f.meeting.state.meetingHash, 'named-vote', { motion: 'a', votes: [{ member: 'x9', for: 1, against: 0, abstain: 0 }], by: 'x9' }, stranger.secret);
    await refused(f, 'not-a-member', () => f.meeting.submit('named-vote', byStranger));
    // m3 signs a vote that claims to be m2's.
    const forged = signMeetingPayload(f.meeting.state.meetingHash, 'named-vote', { motion: 'a', votes: [{ member: 'm2', for: 0, against: 1, abstain: 0 }], by: 'm2' }, f.people.get('m3')!.keys.secret);
    await refused(f, 'bad-signature', () => f.meeting.submit('named-vote', forged));
    // A genuine vote changed after signing.
    const signed = signAs(f, f.meeting.state.meetingHash, 'named-vote', { motion: 'a', votes: [{ member: 'm2', for: 1, against: 0, abstain: 0 }], by: 'm2' });
    await refused(f, 'bad-signature', () => f.meeting.submit('named-vote', { ...signed, votes: [{ member: 'm2', for: 0, against: 1, abstain: 0 }] }));
    // m5 is absent and holds nothing: not on this vote's roll.
    await refused(f, 'not-present', () => f.vote('m5', 'a', [['m5', 1, 0, 0]]));
    // m3 votes for m4, whose proxy is m2's.
    await refused(f, 'no-proxy', () => f.vote('m3', 'a', [['m3', 1, 0, 0], ['m4', 1, 0, 0]]));
    await f.vote('m3', 'a', [['m3', 1, 0, 0]]);
    await refused(f, 'duplicate', () => f.vote('m3', 'a', [['m3', 0, 1, 0]]));
    // Only the chair or a secretary closes a vote.
    await refused(f, 'not-allowed', () => f.act('vote-closed', { motion: 'a', by: 'm2' }));
    await f.act('vote-closed', { motion: 'a', by: 'm1' });
    const late = await refused(f, 'vote-closed', () => f.vote('m2', 'a', [['m2', 1, 0, 0]]));
    assert.match(late.message, /the vote on a is closed/);
    // The board makes results; nobody submits one.
    await refused(f, 'not-allowed', () => f.meeting.submit('motion-result', { ...result(f, 'a') }));
  });

  it('the chair cannot open a vote on a roll other than the present one', async () => {
    const f = await meeting([1, 1, 1, 1], ['m1', 'm2', 'm3']);
    await f.putMotion('a');
    await refused(f, 'stale-roll', () => f.act('vote-opened', { motion: 'a', text: 'That the board resolves so.', present: ['m1', 'm2', 'm3', 'm4'], proxies: [], seconds: 0, by: 'm1' }));
    await refused(f, 'no-tellers', () => f.act('motion-put', { motion: 'b', title: 'B', text: '', majority: 'simple', mode: 'secret', by: 'm1' }));
  });
});

describe('the meeting verifier refuses a tampered record', () => {
  /** A finished meeting: m1..m4 present, m5 absent, m3 holds nobody; motion "a" 3 for 1 against. */
  async function finished() {
    const f = await meeting([1, 1, 1, 1, 1], ['m1', 'm2', 'm3', 'm4']);
    await f.putMotion('a');
    await f.openVote('a');
    await f.vote('m1', 'a', [['m1', 0, 1, 0]]);
    for (const m of ['m2', 'm3', 'm4']) await f.vote(m, 'a', [[m, 1, 0, 0]]);
    await f.act('vote-closed', { motion: 'a', by: 'm1' });
    await f.act('meeting-closed', { by: 'm1' });
    const events = (await f.meeting.store.events(f.meeting.id)).map((e) => structuredClone(e));
    return { f, events };
  }
  /** The board operator's rewrite: every hash made again, so only the rules can find it. */
  const rechain = (events: MeetingEvent[]) => {
    const out: MeetingEvent[] = [];
    for (const e of events) out.push(makeMeetingEvent(out.length, out.length ? out[out.length - 1]!.hash : '0'.repeat(64), e.type, e.payload, e.time));
    return out.map(encodeMeetingEvent);
  };
  const failures = async (lines: string[]) => (await checkMeetingRecord(lines)).report.checks.filter((c) => c.failed > 0).map((c) => c.id);
  const at = (events: MeetingEvent[], type: string) => events.findIndex((e) => e.type === type);

  it('the honest record verifies', async () => {
    const { events } = await finished();
    assert.deepEqual(await failures(rechain(events)), []);
  });
  it('an altered count fails meeting.result', async () => {
    const { events } = await finished();
    const r = events[at(events, 'motion-result')]!.payload as { counts: { for: number; against: number } };
    r.counts.for = 2; r.counts.against = 2;
    assert.deepEqual(await failures(rechain(events)), ['meeting.result']);
  });
  it('a misapplied majority fails meeting.result', async () => {
    const { events } = await finished();
    const r = events[at(events, 'motion-result')]!.payload as { passed: boolean; outcome: string };
    r.passed = false; r.outcome = 'rejected';
    assert.deepEqual(await failures(rechain(events)), ['meeting.result']);
  });
  it('a vote by a member absent at the vote (signed by that member) fails meeting.votes', async () => {
    const { f, events } = await finished();
    const absent = signAs(f, events[0]!.hash, 'named-vote', { motion: 'a', votes: [{ member: 'm5', for: 0, against: 1, abstain: 0 }], by: 'm5' });
    const i = at(events, 'vote-closed');
    events.splice(i, 0, { ...events[i - 1]!, type: 'named-vote', payload: absent } as MeetingEvent);
    // The absent member's vote is left out of the count, so the result stands.
    assert.deepEqual(await failures(rechain(events)), ['meeting.votes']);
  });
  it('an unsigned vote fails meeting.signatures (and the result, which counted it, fails)', async () => {
    const { events } = await finished();
    const v = events.find((e) => e.type === 'named-vote' && (e.payload as { by: string }).by === 'm2')!;
    delete (v.payload as { signature?: unknown }).signature;
    assert.deepEqual(await failures(rechain(events)), ['meeting.signatures', 'meeting.result']);
  });
  it('a vote signed with another member\'s key fails meeting.signatures', async () => {
    const { f, events } = await finished();
    const v = events.find((e) => e.type === 'named-vote' && (e.payload as { by: string }).by === 'm2')!;
    const { signature: _s, ...rest } = v.payload as { signature: unknown };
    v.payload = signMeetingPayload(events[0]!.hash, 'named-vote', rest as never, f.people.get('m3')!.keys.secret);
    assert.deepEqual(await failures(rechain(events)), ['meeting.signatures', 'meeting.result']);
  });
  it('a vote after the close fails meeting.order', async () => {
    const { f, events } = await finished();
    const late = signAs(f, events[0]!.hash, 'named-vote', { motion: 'a', votes: [{ member: 'm5', for: 1, against: 0, abstain: 0 }], by: 'm5' });
    const i = at(events, 'motion-result') + 1;
    events.splice(i, 0, { ...events[i - 1]!, type: 'named-vote', payload: late } as MeetingEvent);
    assert.deepEqual(await failures(rechain(events)), ['meeting.order']);
  });
  it('a second vote of one member (signed anew) fails meeting.votes; the same vote replayed fails meeting.signatures', async () => {
    const { f, events } = await finished();
    const i = events.findIndex((e) => e.type === 'named-vote' && (e.payload as { by: string }).by === 'm2');
    const again = signAs(f, events[0]!.hash, 'named-vote', { motion: 'a', votes: [{ member: 'm2', for: 0, against: 1, abstain: 0 }], by: 'm2' });
    events.splice(i + 1, 0, { ...events[i]!, payload: again });
    assert.deepEqual(await failures(rechain(events)), ['meeting.votes']);
    events.splice(i + 1, 1, structuredClone(events[i]!));
    assert.deepEqual(await failures(rechain(events)), ['meeting.signatures']);
  });
  it('a check-in replayed by the board after the member left fails meeting.signatures', async () => {
    const { f, events } = await finished();
    const checkIn = events.find((e) => e.type === 'member-present' && (e.payload as { member: string }).member === 'm4')!;
    const i = at(events, 'motion-put');
    // m4 leaves (signed by m4), then the board replays m4's old check-in to keep the quorum.
    const left = signAs(f, events[0]!.hash, 'member-left', { member: 'm4', by: 'm4' });
    events.splice(i, 0, { ...events[i - 1]!, type: 'member-left', payload: left } as MeetingEvent, { ...events[i - 1]!, type: 'member-present', payload: structuredClone(checkIn.payload) } as MeetingEvent);
    // The replay is left out, so m4 is absent and the roll the chair signed (with m4) no longer holds.
    const failed = await failures(rechain(events));
    assert.ok(failed.includes('meeting.signatures') && failed.includes('meeting.presence'), failed.join(', '));
  });
  it('a proxy beyond the limit fails meeting.proxies', async () => {
    const { f, events } = await finished();
    // Both principals are present, so neither proxy is in force at the vote: only the limit is broken.
    const g1 = signAs(f, events[0]!.hash, 'proxy-granted', { principal: 'm3', holder: 'm2', scope: 'meeting', by: 'm3' });
    const g2 = signAs(f, events[0]!.hash, 'proxy-granted', { principal: 'm4', holder: 'm2', scope: 'meeting', by: 'm4' });
    const i = at(events, 'motion-put');
    events.splice(i, 0, { ...events[i - 1]!, type: 'proxy-granted', payload: g1 } as MeetingEvent, { ...events[i - 1]!, type: 'proxy-granted', payload: g2 } as MeetingEvent);
    assert.deepEqual(await failures(rechain(events)), ['meeting.proxies']);
  });
  it('a vote opened on a roll the record does not show fails meeting.presence', async () => {
    const { f, events } = await finished();
    const i = at(events, 'vote-opened');
    const o = events[i]!.payload as { present: string[]; text: string };
    events[i]!.payload = signAs(f, events[0]!.hash, 'vote-opened', { motion: 'a', text: o.text, present: [...o.present, 'm5'], proxies: [], seconds: 0, by: 'm1' });
    const failed = await failures(rechain(events));
    assert.ok(failed.includes('meeting.presence'), failed.join(', '));
  });
  it('votes timed after the time the chair set fail meeting.order', async () => {
    const { f, events } = await finished();
    const i = at(events, 'vote-opened');
    const o = events[i]!.payload as MeetingEvent<'vote-opened'>['payload'];
    events[i]!.payload = signAs(f, events[0]!.hash, 'vote-opened', { motion: 'a', text: o.text, present: o.present, proxies: o.proxies, seconds: 1, by: 'm1' });
    const late = new Date(Date.parse(events[i]!.time) + 5000).toISOString();
    for (const e of events.slice(i + 1)) e.time = late;
    assert.deepEqual(await failures(rechain(events)), ['meeting.order', 'meeting.result']);
  });
  it('a record cut before the close holds so far but is not complete', async () => {
    const { events } = await finished();
    const v = await checkMeetingRecord(rechain(events.slice(0, at(events, 'vote-closed'))));
    assert.ok(v.report.holdsSoFar);
    assert.ok(!v.report.ok);
    assert.deepEqual(v.report.checks.filter((c) => c.failed > 0).map((c) => c.id), ['meeting.complete']);
  });
});

describe('standing proxies', () => {
  it('a proxy "until revoked" is carried into the body\'s next meeting, checked there, and ends when revoked', async () => {
    const f = await meeting([1, 1, 1, 1], ['m1', 'm2']);
    await f.act('proxy-granted', { principal: 'm3', holder: 'm2', scope: 'standing', by: 'm3' });
    await f.act('proxy-granted', { principal: 'm4', holder: 'm1', scope: 'meeting', by: 'm4' });
    await f.act('meeting-closed', { by: 'm1' });
    const next = await f.meetings.createMeeting({ id: 'sitting-2', title: 'Next sitting', body: f.body.id, chair: 'm1', secretaries: ['sec'] });
    assert.deepEqual(next.state.meeting.proxies.map((c) => [c.grant.principal, c.grant.holder, c.meeting]), [['m3', 'm2', f.meeting.state.meetingHash]]);
    assert.deepEqual([...next.state.proxies.keys()], ['m3']); // the meeting-only proxy of m4 ended with its meeting
    const lines = await recordLines(next);
    assert.deepEqual((await checkMeetingRecord(lines)).report.checks.filter((c) => c.failed > 0).map((c) => c.id), ['meeting.complete']);
    // A carried grant whose signature does not hold (here: said to come from another meeting) fails the body check.
    const forged = JSON.parse(lines[0]!) as MeetingEvent<'meeting'>;
    forged.payload.proxies[0]!.meeting = '1'.repeat(64);
    const v = await checkMeetingRecord([encodeMeetingEvent(makeMeetingEvent(0, '0'.repeat(64), 'meeting', forged.payload, forged.time))]);
    assert.ok(v.report.failed('meeting.body'));
    // Revoked in the second meeting, it is not carried into the third.
    const sign = (type: 'meeting-opened' | 'proxy-revoked' | 'meeting-closed', payload: Record<string, string>) => next.submit(type, signAs(f, next.state.meetingHash, type, payload as never));
    await sign('meeting-opened', { by: 'm1' });
    await sign('proxy-revoked', { principal: 'm3', by: 'm3' });
    await sign('meeting-closed', { by: 'm1' });
    const third = await f.meetings.createMeeting({ id: 'sitting-3', title: 'Third sitting', body: f.body.id, chair: 'm1', secretaries: [] });
    assert.deepEqual(third.state.meeting.proxies, []);
  });
});

describe('on PostgreSQL: one transaction a submission, under the meeting\'s lock (spec §19 M9)', () => {
  it('a step whose transaction does not commit stores and announces nothing, and the state is the store\'s; a refusal still commits the result the record owed', async (t) => {
    const db = await freshDatabase('meeting-live-session');
    if (!db) { t.skip(postgresSkipReason() ?? 'no PostgreSQL'); return; }
    const store = await PostgresMeetingStore.connect(db.url);
    try {
      const f = makeBody([1, 1, 1]);
      const meetings = new Meetings(store);
      await meetings.createBody(f.body);
      const m = await meetings.createMeeting({ id: 'sitting', title: 'Sitting', body: f.body.id, chair: 'm1', secretaries: ['sec'] });
      const act = (type: Parameters<typeof signAs>[2], payload: any) => m.submit(type, signAs(f, m.state.meetingHash, type, payload));
      const heard: string[] = [];
      m.subscribe((e) => heard.push(e.type));
      await act('meeting-opened', { by: 'm1' });
      for (const x of ['m1', 'm2', 'm3']) await act('member-present', { member: x, by: x });
      await act('motion-put', { motion: 'budget', title: 'Budget', text: 'That the board adopts the budget.', majority: 'simple', mode: 'named', by: 'm1' });
      await act('vote-opened', { motion: 'budget', text: 'That the board adopts the budget.', present: ['m1', 'm2', 'm3'], proxies: [], seconds: 0, by: 'm1' });
      for (const x of ['m1', 'm2', 'm3']) await act('named-vote', { motion: 'budget', votes: [{ member: x, for: x === 'm3' ? 0 : 1, against: x === 'm3' ? 1 : 0, abstain: 0 }], by: x });
      const types = async () => (await store.events('sitting')).map((e) => e.type);
      const stored = (await types()).length;

      // The connection fails as the result is written: the close and its result are one transaction.
      const exclusive = store.exclusive.bind(store);
      store.exclusive = (async (id: string, step: (s: MeetingSession) => Promise<unknown>) => exclusive(id, (session) => step({
        ...session, append: async (e) => { if (e.type === 'motion-result') throw new Error('the connection dropped'); return session.append(e); },
      }))) as typeof store.exclusive;
      heard.length = 0;
      await assert.rejects(act('vote-closed', { motion: 'budget', by: 'sec' }), /the connection dropped/);
      assert.equal((await types()).length, stored, 'neither the close nor its result is stored');
      assert.deepEqual(heard, [], 'nothing announced');
      assert.deepEqual([m.state.headSeq, m.state.motions.get('budget')!.status, m.state.resultDue], [stored - 1, 'open', null], 'the state is the store\'s');
      store.exclusive = exclusive as typeof store.exclusive;
      const [closed, result] = await act('vote-closed', { motion: 'budget', by: 'sec' });
      assert.deepEqual([closed!.type, result!.type, (result!.payload as { outcome: string }).outcome], ['vote-closed', 'motion-result', 'passed']);
      assert.deepEqual(heard, ['vote-closed', 'motion-result'], 'announced once committed, in order');

      // A process that stored a close without its result (the old order, or a writer without the lock): a
      // forged check-in is refused, and the result owed, appended before the check, is committed all the same.
      await act('motion-put', { motion: 'hall', title: 'Hall', text: 'That the board rents the hall.', majority: 'simple', mode: 'named', by: 'm1' });
      await act('vote-opened', { motion: 'hall', text: 'That the board rents the hall.', present: ['m1', 'm2', 'm3'], proxies: [], seconds: 0, by: 'm1' });
      await act('named-vote', { motion: 'hall', votes: [{ member: 'm2', for: 1, against: 0, abstain: 0 }], by: 'm2' });
      const [head] = (await store.events('sitting')).slice(-1);
      await store.append('sitting', makeMeetingEvent(head!.seq + 1, head!.hash, 'vote-closed', signAs(f, m.state.meetingHash, 'vote-closed', { motion: 'hall', by: 'm1' }), new Date().toISOString()));
      const forged = signMeetingPayload(m.state.meetingHash, 'member-left', { member: 'm3', by: 'm3' }, newSigningKey().secret);
      await assert.rejects(m.submit('member-left', forged), (e: unknown) => e instanceof MeetingError && e.code === 'bad-signature');
      assert.deepEqual((await types()).slice(-2), ['vote-closed', 'motion-result']);
      assert.equal(m.state.resultDue, null);
      await act('meeting-closed', { by: 'm1' });
      const v = await checkMeetingRecord(await recordLines(m));
      assert.deepEqual(v.report.checks.filter((c) => c.failed > 0).map((c) => c.id), []);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
