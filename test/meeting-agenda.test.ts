// The agenda, the speakers lists and amendments (docs/spec.md §19 M10, M11) on the real engine over
// SQLite, and the verifier on records a board operator rewrote (every hash valid): what a member, an
// officer, the chair and the board could try, each refused with its code and nothing changed.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { amendedText, applyAmendment, paragraphsOf, textOf } from '../src/meeting/amend.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { makeMeetingEvent, encodeMeetingEvent } from '../src/meeting/events.js';
import { MeetingError } from '../src/meeting/problem.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { currentRoll } from '../src/meeting/state.js';
import type { MeetingEvent } from '../src/meeting/types.js';
import { makeBody, openMeeting, recordLines, signAs, type MeetingFixture } from './meeting-fixture.js';

const fixtures: MeetingFixture[] = [];
after(async () => { for (const f of fixtures) await f.dispose(); });
async function meeting(weights: number[], present: string[], rules = {}): Promise<MeetingFixture> {
  const f = await openMeeting(makeBody(weights, rules), present);
  fixtures.push(f);
  return f;
}

async function refused(f: MeetingFixture, code: string, attempt: () => Promise<unknown>): Promise<MeetingError> {
  const before = f.meeting.state.headSeq;
  const err = await attempt().then(() => null, (e: unknown) => e);
  assert.ok(err instanceof MeetingError, `expected a refusal ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.equal(f.meeting.state.headSeq, before, 'a refused event changes nothing');
  assert.equal((await f.meeting.store.events(f.meeting.id)).length, before + 1);
  return err;
}

const failures = async (lines: string[]) => (await checkMeetingRecord(lines)).report.checks.filter((c) => c.failed > 0).map((c) => c.id);
const rechain = (events: MeetingEvent[]) => {
  const out: MeetingEvent[] = [];
  for (const e of events) out.push(makeMeetingEvent(out.length, out.length ? out[out.length - 1]!.hash : '0'.repeat(64), e.type, e.payload, e.time));
  return out.map(encodeMeetingEvent);
};
const records = async (f: MeetingFixture) => (await recordLines(f.meeting)).map((l) => JSON.parse(l) as MeetingEvent);

// The example of docs/spec.md §19 M11.
const BUDGET = 'That the board adopts the budget.\n\nThe fee is 10.\n\nThe fee is due in May.';
const FEE_12 = 'That the board adopts the budget.\n\nThe fee is 12.';

describe('amended text (§19 M11)', () => {
  it('the vector of the spec', () => {
    assert.deepEqual(paragraphsOf(BUDGET), ['That the board adopts the budget.', 'The fee is 10.', 'The fee is due in May.']);
    assert.equal(amendedText(BUDGET, [{ paragraph: 2, text: 'The fee is 12.' }, { paragraph: 3, text: '' }]), FEE_12);
    // A struck paragraph keeps its number: paragraph 3 is still "due in May" after 2 was struck.
    assert.equal(amendedText(BUDGET, [{ paragraph: 2, text: '' }, { paragraph: 3, text: 'Due in June.' }]), 'That the board adopts the budget.\n\nDue in June.');
    // A whole-text replacement renumbers.
    assert.equal(amendedText(BUDGET, [{ paragraph: 0, text: 'No budget.' }, { paragraph: 1, text: 'No budget this year.' }]), 'No budget this year.');
    assert.throws(() => applyAmendment(paragraphsOf('One.'), { paragraph: 2, text: 'x' }), RangeError);
    assert.equal(textOf(['', '']), '');
  });
});

describe('the agenda and speakers lists', () => {
  it('items open in order; members present ask to speak for or against; the chair gives the floor; the record verifies', async () => {
    const f = await meeting([1, 1, 1, 1], ['m1', 'm2', 'm3']);
    await f.act('agenda-item', { item: 'minutes', title: 'Minutes of the last sitting', by: 'sec' });
    await f.act('agenda-item', { item: 'budget', title: 'Budget 2027', by: 'm1' });
    await refused(f, 'duplicate', () => f.act('agenda-item', { item: 'budget', title: 'Again', by: 'm1' }));
    await refused(f, 'not-allowed', () => f.act('agenda-item', { item: 'other', title: 'By a member', by: 'm2' }));
    await refused(f, 'agenda-order', () => f.act('item-opened', { item: 'budget', by: 'm1' }));
    await refused(f, 'not-current', () => f.act('speaker-requested', { item: 'minutes', member: 'm2', side: 'for', by: 'm2' }));
    await f.act('item-opened', { item: 'minutes', by: 'm1' });
    await f.act('speaker-requested', { item: 'minutes', member: 'm2', side: 'for', by: 'm2' });
    await f.act('speaker-requested', { item: 'minutes', member: 'm3', side: 'against', by: 'm3' });
    await refused(f, 'duplicate', () => f.act('speaker-requested', { item: 'minutes', member: 'm2', side: 'against', by: 'm2' }));
    // An officer is not a member; a member cannot put another on the list; an absent member cannot ask.
    await refused(f, 'not-a-member', () => f.act('speaker-requested', { item: 'minutes', member: 'sec', side: 'for', by: 'sec' }));
    await refused(f, 'not-allowed', () => f.act('speaker-requested', { item: 'minutes', member: 'm3', side: 'for', by: 'm2' }));
    await refused(f, 'not-present', () => f.act('speaker-requested', { item: 'minutes', member: 'm4', side: 'for', by: 'm4' }));
    await refused(f, 'malformed', () => f.act('speaker-requested', { item: 'minutes', member: 'm1', side: 'maybe' as 'for', by: 'm1' }));
    // Only the chair or a secretary gives the floor, and only to someone waiting.
    await refused(f, 'not-allowed', () => f.act('floor-given', { item: 'minutes', member: 'm2', by: 'm2' }));
    await refused(f, 'not-present', () => f.act('floor-given', { item: 'minutes', member: 'm1', by: 'm1' }));
    await f.act('floor-given', { item: 'minutes', member: 'm2', by: 'sec' });
    await refused(f, 'not-present', () => f.act('speaker-withdrawn', { item: 'minutes', member: 'm2', by: 'm2' }));
    await f.act('speaker-withdrawn', { item: 'minutes', member: 'm3', by: 'm3' });
    await f.act('speaker-requested', { item: 'minutes', member: 'm3', side: 'for', by: 'm3' });
    await f.act('floor-given', { item: 'minutes', member: 'm3', by: 'm1' });
    const minutes = f.meeting.state.agenda.items[0]!;
    assert.deepEqual(minutes.speakers.map((s) => [s.member, s.side, s.status]), [['m2', 'for', 'spoken'], ['m3', 'against', 'withdrawn'], ['m3', 'for', 'speaking']]);
    await f.putMotion('approve');
    assert.equal(f.meeting.state.motions.get('approve')!.item, 'minutes');
    await f.act('item-opened', { item: 'budget', by: 'm1' });
    assert.deepEqual(f.meeting.state.agenda.items.map((i) => i.status), ['done', 'current']);
    assert.equal(minutes.speakers[2]!.status, 'spoken');
    await refused(f, 'agenda-order', () => f.act('item-opened', { item: 'minutes', by: 'm1' }));
    await refused(f, 'unknown-item', () => f.act('item-opened', { item: 'nothing', by: 'm1' }));
    // No new item while a vote is open.
    await f.act('agenda-item', { item: 'any', title: 'Any other business', by: 'sec' });
    await f.openVote('approve');
    await refused(f, 'vote-open', () => f.act('item-opened', { item: 'any', by: 'm1' }));
    await f.act('vote-closed', { motion: 'approve', by: 'm1' });
    await f.act('meeting-closed', { by: 'm1' });
    assert.deepEqual(await failures(await recordLines(f.meeting)), []);
  });

  it('the verifier refuses a forged speaker request, a floor given by a member, and an item opened out of order', async () => {
    const f = await meeting([1, 1, 1], ['m1', 'm2']);
    await f.act('agenda-item', { item: 'a', title: 'A', by: 'm1' });
    await f.act('agenda-item', { item: 'b', title: 'B', by: 'm1' });
    await f.act('item-opened', { item: 'a', by: 'm1' });
    await f.act('speaker-requested', { item: 'a', member: 'm2', side: 'for', by: 'm2' });
    await f.act('floor-given', { item: 'a', member: 'm2', by: 'm1' });
    await f.act('item-opened', { item: 'b', by: 'm1' });
    await f.act('meeting-closed', { by: 'm1' });
    const events = await records(f);
    assert.deepEqual(await failures(rechain(events)), []);
    const h = events[0]!.hash;
    const at = (type: string) => events.findIndex((e) => e.type === type);

    // The board forges a request to speak by m1 (signed with m2's key) and gives m1 the floor.
    let e = structuredClone(events);
    const i = at('floor-given');
    const forged = signMeetingPayload(h, 'speaker-requested', { item: 'a', member: 'm1', side: 'against', by: 'm1' }, f.people.get('m2')!.keys.secret);
    e.splice(i + 1, 0, { ...e[i]!, type: 'speaker-requested', payload: forged }, { ...e[i]!, payload: signAs(f, h, 'floor-given', { item: 'a', member: 'm1', by: 'm1' }) });
    assert.deepEqual(await failures(rechain(e)), ['meeting.signatures', 'meeting.agenda']);

    // A member who signs the floor for themselves.
    e = structuredClone(events);
    e[at('floor-given')]!.payload = signAs(f, h, 'floor-given', { item: 'a', member: 'm2', by: 'm2' });
    assert.deepEqual(await failures(rechain(e)), ['meeting.signatures']);

    // Item b opened before item a (signed by the chair): out of agenda order.
    e = structuredClone(events);
    e[at('item-opened')]!.payload = signAs(f, h, 'item-opened', { item: 'b', by: 'm1' });
    const failed = await failures(rechain(e));
    assert.ok(failed.includes('meeting.agenda'), failed.join(', '));
  });
});

describe('amendments', () => {
  /** Motion "budget" with three paragraphs and two amendments: a1 changes paragraph 2, a2 strikes paragraph 3. */
  async function amended(present = ['m1', 'm2', 'm3', 'm4']) {
    const f = await meeting([1, 1, 1, 1, 1], present);
    await f.act('motion-put', { motion: 'budget', title: 'Budget 2027', text: BUDGET, majority: 'simple', mode: 'named', by: 'm1' });
    await f.act('amendment-put', { motion: 'budget', amendment: 'a1', title: 'Fee 12', paragraph: 2, text: 'The fee is 12.', majority: 'simple', by: 'sec' });
    await f.act('amendment-put', { motion: 'budget', amendment: 'a2', title: 'No date', paragraph: 3, text: '', majority: 'simple', by: 'sec' });
    return f;
  }
  const voteAll = async (f: MeetingFixture, motion: string, fors: string[], against: string[]) => {
    for (const m of fors) await f.vote(m, motion, [[m, 1, 0, 0]]);
    for (const m of against) await f.vote(m, motion, [[m, 0, 1, 0]]);
    await f.act('vote-closed', { motion, by: 'm1' });
  };
  const roll = (f: MeetingFixture) => currentRoll(f.meeting.state);

  it('voted in the order put, before the motion, which is voted as amended; the chair is outvoted; the record verifies', async () => {
    const f = await amended();
    await refused(f, 'no-paragraph', () => f.act('amendment-put', { motion: 'budget', amendment: 'a9', title: 'x', paragraph: 4, text: 'x', majority: 'simple', by: 'sec' }));
    await refused(f, 'malformed', () => f.act('amendment-put', { motion: 'a1', amendment: 'a9', title: 'x', paragraph: 1, text: 'x', majority: 'simple', by: 'sec' }));
    await refused(f, 'not-allowed', () => f.act('amendment-put', { motion: 'budget', amendment: 'a9', title: 'x', paragraph: 1, text: 'x', majority: 'simple', by: 'm2' }));
    await refused(f, 'duplicate', () => f.act('amendment-put', { motion: 'budget', amendment: 'a1', title: 'x', paragraph: 1, text: 'x', majority: 'simple', by: 'sec' }));
    // Neither the motion nor the later amendment before a1.
    await refused(f, 'amendment-order', () => f.openVote('budget'));
    await refused(f, 'amendment-order', () => f.openVote('a2'));
    // The vote on a1 is on the motion as a1 would make it.
    await refused(f, 'wrong-text', () => f.act('vote-opened', { motion: 'a1', text: 'The fee is 12.', ...roll(f), seconds: 0, by: 'm1' }));
    await f.openVote('a1');
    assert.equal(f.meeting.state.motions.get('a1')!.votedText, 'That the board adopts the budget.\n\nThe fee is 12.\n\nThe fee is due in May.');
    await voteAll(f, 'a1', ['m2', 'm3', 'm4'], ['m1']); // the chair outvoted
    assert.equal(f.meeting.state.motions.get('a1')!.result!.outcome, 'passed');
    await f.openVote('a2');
    await voteAll(f, 'a2', ['m2', 'm3'], ['m4']);
    // The motion's vote is on the amended text; the text as put is refused.
    await refused(f, 'wrong-text', () => f.act('vote-opened', { motion: 'budget', text: BUDGET, ...roll(f), seconds: 0, by: 'm1' }));
    await f.openVote('budget');
    assert.equal(f.meeting.state.motions.get('budget')!.votedText, FEE_12);
    // No amendment once the motion's vote has opened.
    await refused(f, 'amendment-order', () => f.act('amendment-put', { motion: 'budget', amendment: 'a3', title: 'Late', paragraph: 1, text: 'x', majority: 'simple', by: 'sec' }));
    await voteAll(f, 'budget', ['m2', 'm3', 'm4'], ['m1']);
    assert.equal(f.meeting.state.motions.get('budget')!.result!.outcome, 'passed');
    await f.act('meeting-closed', { by: 'm1' });
    assert.deepEqual(await failures(await recordLines(f.meeting)), []);
  });

  it('a rejected amendment leaves the text; a withdrawn one is not voted; a paragraph gone after a replacement must be withdrawn', async () => {
    const f = await amended();
    await f.act('amendment-put', { motion: 'budget', amendment: 'a3', title: 'Short', paragraph: 0, text: 'That the board adopts the budget.', majority: 'simple', by: 'sec' });
    await f.act('amendment-put', { motion: 'budget', amendment: 'a4', title: 'Fee 11', paragraph: 2, text: 'The fee is 11.', majority: 'simple', by: 'sec' });
    await f.openVote('a1');
    await voteAll(f, 'a1', ['m2'], ['m3', 'm4']);
    await f.act('amendment-withdrawn', { amendment: 'a2', by: 'm1' });
    await refused(f, 'vote-closed', () => f.openVote('a2'));
    await refused(f, 'amendment-order', () => f.act('amendment-withdrawn', { amendment: 'a2', by: 'm1' }));
    await f.openVote('a3');
    await voteAll(f, 'a3', ['m2', 'm3'], []);
    assert.equal(f.meeting.view().motions.find((m) => m.id === 'budget')!.amendedText, 'That the board adopts the budget.');
    // a4 names paragraph 2, which the replacement removed.
    await refused(f, 'no-paragraph', () => f.openVote('a4'));
    await f.act('amendment-withdrawn', { amendment: 'a4', by: 'sec' });
    await f.openVote('budget');
    await voteAll(f, 'budget', ['m2'], ['m3']);
    assert.equal(f.meeting.state.motions.get('budget')!.votedText, 'That the board adopts the budget.');
    await refused(f, 'amendment-order', () => f.act('amendment-withdrawn', { amendment: 'a4', by: 'sec' }));
    await f.act('meeting-closed', { by: 'm1' });
    assert.deepEqual(await failures(await recordLines(f.meeting)), []);
  });

  it('the verifier refuses an amendment voted after its motion, a motion voted on its unamended text, and amendments out of order', async () => {
    const f = await amended();
    await f.openVote('a1');
    await voteAll(f, 'a1', ['m2', 'm3'], ['m4']);
    await f.openVote('a2');
    await voteAll(f, 'a2', ['m2', 'm3'], ['m4']);
    await f.openVote('budget');
    await voteAll(f, 'budget', ['m2', 'm3'], ['m4']);
    await f.act('meeting-closed', { by: 'm1' });
    const events = await records(f);
    const h = events[0]!.hash;
    assert.deepEqual(await failures(rechain(events)), []);
    // The events of one vote: from its vote-opened to its motion-result.
    const voteOf = (ev: MeetingEvent[], motion: string) => {
      const start = ev.findIndex((e) => e.type === 'vote-opened' && (e.payload as { motion: string }).motion === motion);
      const end = ev.findIndex((e, i) => i > start && e.type === 'motion-result');
      return [start, end - start + 1] as const;
    };

    // The board moves a2's vote after the motion's (every event still signed by its signer).
    let e = structuredClone(events);
    let [s, n] = voteOf(e, 'a2');
    const a2 = e.splice(s, n);
    e.splice(voteOf(e, 'budget')[0] + voteOf(e, 'budget')[1], 0, ...a2);
    let failed = await failures(rechain(e));
    assert.ok(failed.includes('meeting.amendments'), failed.join(', '));

    // The chair signs the motion's vote on the text as put, not as amended.
    e = structuredClone(events);
    [s] = voteOf(e, 'budget');
    const o = e[s]!.payload as unknown as { present: string[]; proxies: never[] };
    e[s]!.payload = signAs(f, h, 'vote-opened', { motion: 'budget', text: BUDGET, present: o.present, proxies: o.proxies, seconds: 0, by: 'm1' });
    failed = await failures(rechain(e));
    assert.ok(failed.includes('meeting.amendments'), failed.join(', '));

    // a2 voted before a1.
    e = structuredClone(events);
    [s, n] = voteOf(e, 'a2');
    const moved = e.splice(s, n);
    e.splice(voteOf(e, 'a1')[0], 0, ...moved);
    failed = await failures(rechain(e));
    assert.ok(failed.includes('meeting.amendments'), failed.join(', '));
  });
});
