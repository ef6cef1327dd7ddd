// Red team of the features of sessions 12-13 (secret votes in meetings, their close, the forum's
// placement, the server authority's bounces, ranked elections): each role alone (board operator,
// admin, credential authority = the chair, one teller, one member, an outsider) tries to make the
// server take what it should refuse, or the verifier pass a record it should refuse. Each try is a
// named test asserting the exact refusal (board code, or the verifier's check and message).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { SqliteMeetingStore } from '../src/meeting/store.js';
import { Meetings } from '../src/meeting/live.js';
import { Forum } from '../src/forum/forum.js';
import { SqliteForumStore } from '../src/forum/store.js';
import { signForumPayload } from '../src/forum/signature.js';
import type { ForumAction } from '../src/forum/types.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { makeMeetingEvent, encodeMeetingEvent, GENESIS_PREV } from '../src/meeting/events.js';
import type { MeetingEvent } from '../src/meeting/types.js';
import { commitTrusteeKey, type TrusteeSecret } from '../src/keyceremony/trustee.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { signCredentialList, signRevocation } from '../src/credentials/authority.js';
import { signCredentialsAdded } from '../src/credentials/additions.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { encodeEvent, type BoardEvent, type MixPayload, type RankedResultPayload, type ResultPayload, type TallyPayload } from '../src/record/events.js';
import { countResults } from '../src/tally/rules.js';
import { checkRecord, linesSource } from '../src/verify/record-check.js';
import { signPayload, signingSecret } from '../src/record/signature.js';
import type { Manifest } from '../src/manifest/types.js';
import { call, ok, recordText, startServer, type TestServer } from './helpers/server.js';
import { rechain } from './helpers/election-fixture.js';
import { createWithKeys, keyed, publishVoters, recordLines } from './helpers/election.js';
import type { Board } from '../src/board/board.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import type { RankedEnv } from '../src/ranked/record.js';
import { makeMix, makeMixDecryption } from '../src/ranked/trustee.js';
import type { CiphertextJson } from '../src/crypto/elgamal.js';
import { makeBody, signAs, type BodyFixture } from './meeting-fixture.js';
import { tellersKeyCeremony } from './helpers/meeting-tellers.js';

const TEXT = 'That the budget for next year be adopted.';
const TELLERS = ['sec', 'm2', 'm3'];
const VOTERS = ['m1', 'm2', 'm3', 'm4'];

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
type MeetingCheck = Awaited<ReturnType<typeof checkMeetingRecord>>;
const failing = (r: MeetingCheck) => r.report.checks.filter((c) => c.failed > 0).map((c) => c.id).sort();
const messages = (r: MeetingCheck, id: string) => r.report.checks.find((c) => c.id === id)!.failures.map((f) => f.message).join(' | ');

/** The meeting's events with seq, prev and hash recomputed: a board operator rewriting its own history. */
function rechainMeeting(events: MeetingEvent[]): string[] {
  const out: MeetingEvent[] = [];
  for (const e of events) out.push(makeMeetingEvent(out.length, out.length ? out[out.length - 1]!.hash : GENESIS_PREV, e.type, e.payload as never, e.time));
  return out.map(encodeMeetingEvent);
}
const rechainElection = (events: BoardEvent[]) => rechain(events).map(encodeEvent);
const parseMeeting = (ls: string[]) => ls.map((l) => JSON.parse(l) as MeetingEvent);
const parseElection = (ls: string[]) => ls.map((l) => JSON.parse(l) as BoardEvent);

/** A meeting with one secret motion "budget" on a real server, driven over HTTP as the pages drive it. */
class SecretVote {
  readonly f: BodyFixture;
  hash = '';
  electionHash = '';
  manifest!: Manifest;
  secrets = new Map<string, TrusteeSecret>();
  credentials = new Map<string, string>(VOTERS.map((m) => [m, newCredential()]));

  constructor(readonly server: TestServer, readonly meeting: string, f: BodyFixture) { this.f = f; }

  get election(): string { return `${this.meeting}-budget`; }
  post(path: string, type: Parameters<typeof signAs>[2], payload: any) {
    return call(this.server.base, 'POST', `/api/meetings/${this.meeting}/${path}`, { json: signAs(this.f, this.hash, type, payload) });
  }
  async must(path: string, type: Parameters<typeof signAs>[2], payload: any): Promise<void> {
    const r = await this.post(path, type, payload);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
  }
  teller(id: string, step: string, json: unknown) { return call(this.server.base, 'POST', `/api/meetings/${this.meeting}/motions/budget/tellers/${id}/${step}`, { json }); }
  async events(): Promise<BoardEvent[]> { return parseElection(lines(await recordText(this.server.base, this.election))); }
  async head(): Promise<number> { return (await ok(this.server.base, 'GET', `/api/meetings/${this.meeting}`)).headSeq as number; }
  keyOf(m: string): string { return credentialKeys(this.electionHash, this.credentials.get(m)!).key; }
  list() { return VOTERS.map((m) => ({ key: this.keyOf(m), weight: 1 })).sort((a, b) => (a.key < b.key ? -1 : 1)); }

  /** The meeting opened, the four members in, the secret motion put (its election made). */
  async putMotion(): Promise<void> {
    const created = await ok(this.server.base, 'POST', '/api/meetings', { token: this.server.adminToken, json: { id: this.meeting, title: 'Annual meeting', body: this.f.body.id, chair: 'm1', secretaries: ['sec'], tellers: TELLERS, threshold: 2 } });
    this.hash = created.meetingHash;
    await this.must('open', 'meeting-opened', { by: 'm1' });
    for (const m of VOTERS) await this.must('check-in', 'member-present', { member: m, by: m });
    await this.must('motions', 'motion-put', { motion: 'budget', title: 'Budget', text: TEXT, majority: 'simple', mode: 'secret', by: 'm1' });
    await this.readElection();
  }

  async readElection(): Promise<void> {
    this.electionHash = (await ok(this.server.base, 'GET', `/api/elections/${this.election}`)).electionHash;
    this.manifest = ((await this.events())[0]!.payload as { manifest: Manifest }).manifest;
  }

  /** The tellers' key ceremony, each step signed with the teller's body key. */
  async ceremony(): Promise<void> {
    const must = async (id: string, step: string, json: unknown) => { const r = await this.teller(id, step, json); assert.equal(r.status, 200, r.text); };
    const of = async (type: string) => (await this.events()).filter((e) => e.type === type).map((e) => e.payload as any);
    for (const [id, s] of await tellersKeyCeremony(TELLERS, (id) => this.f.people.get(id)!.keys, this.electionHash, this.manifest, must, of)) this.secrets.set(id, s);
  }

  openVote() { return this.post('motions/budget/open', 'vote-opened', { motion: 'budget', text: TEXT, present: VOTERS, proxies: [], seconds: 0, by: 'm1' }); }
  signedList() { return call(this.server.base, 'POST', `/api/meetings/${this.meeting}/motions/budget/credential-list`, { json: signCredentialList(this.electionHash, this.list(), this.f.people.get('m1')!.keys) }); }

  /** Up to the open poll: the ceremony, the roll, four registrations, the chair's list. */
  async openPoll(): Promise<void> {
    await this.putMotion();
    await this.ceremony();
    await this.must('motions/budget/open', 'vote-opened', { motion: 'budget', text: TEXT, present: VOTERS, proxies: [], seconds: 0, by: 'm1' });
    for (const m of VOTERS) await this.must('motions/budget/credentials', 'credential-registered', { motion: 'budget', member: m, credential: this.keyOf(m), by: m });
    const listed = await this.signedList();
    assert.equal(listed.status, 200, listed.text);
  }

  async cast(m: string, vote: 'for' | 'against' | 'abstain') {
    const enc = encryptBallot(this.electionHash, decodePublicKey((await ok(this.server.base, 'GET', `/api/elections/${this.election}`)).jointKey), selectionGroups(this.manifest),
      encodeChoices(this.manifest, { motion: { type: 'motion', vote } }), credentialKeys(this.electionHash, this.credentials.get(m)!));
    return call(this.server.base, 'POST', `/api/elections/${this.election}/ballots`, { json: enc.ballot });
  }

  async records(): Promise<{ meeting: string[]; election: string[] }> {
    return { meeting: lines((await call(this.server.base, 'GET', `/api/meetings/${this.meeting}/record`)).text), election: lines(await recordText(this.server.base, this.election)) };
  }
}

describe('attacks v3: secret votes in a meeting (spec §19 M7, M8)', () => {
  let dir: string;
  let boardStore: SqliteStore;
  let meetingStore: SqliteMeetingStore;
  let server: TestServer;
  const f = makeBody([1, 1, 1, 1]);
  let honest: { meeting: string[]; election: string[] };
  let s: SecretVote;
  const given = (election: string[], id = 'agm-budget') => ({ elections: async (x: string) => (x === id ? election : null) });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veche-attacks-v3-'));
    boardStore = new SqliteStore(join(dir, 'veche.sqlite'));
    meetingStore = new SqliteMeetingStore(join(dir, 'veche.sqlite'));
    server = await startServer(boardStore, { meetingStore });
    await ok(server.base, 'POST', '/api/bodies', { token: server.adminToken, json: f.body });
    // The honest run: m1 and m3 for, m2 against; m4 registered and did not cast.
    s = new SecretVote(server, 'agm', f);
    await s.openPoll();
    for (const [m, vote] of [['m1', 'for'], ['m2', 'against'], ['m3', 'for']] as const) assert.equal((await s.cast(m, vote)).status, 200);
    await s.must('motions/budget/close', 'vote-closed', { motion: 'budget', by: 'm1' });
    const tally = (await s.events()).find((e) => e.type === 'tally')!.payload as { sums: any };
    for (const id of ['m2', 'sec']) assert.equal((await s.teller(id, 'decryption', makeDecryptionShare(s.secrets.get(id)!, tally.sums))).status, 200);
    await ok(server.base, 'POST', '/api/meetings/agm/motions/budget/result');
    await s.must('close', 'meeting-closed', { by: 'm1' });
    honest = await s.records();
    const v = await checkMeetingRecord(honest.meeting, given(honest.election));
    assert.deepEqual(failing(v), [], JSON.stringify(v.report.checks.filter((c) => c.failed > 0)));
    assert.ok(v.report.ok);
  });

  after(async () => {
    await server.close();
    await meetingStore.close();
    await boardStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('admin: replaces the draft manifest of a secret vote\'s election (threshold 1: one teller alone could read every ballot); the meeting refuses to open the vote on it, nothing appended', async () => {
    const v = new SecretVote(server, 'swap', f);
    await v.putMotion();
    // The election is still a draft (only its election event): the admin's manifest edit goes through the admin route.
    const edited = await call(server.base, 'PUT', `/api/elections/${v.election}/manifest`, { token: server.adminToken, json: { ...v.manifest, threshold: 1 } });
    assert.equal(edited.status, 200, edited.text);
    await v.readElection();
    assert.equal(v.manifest.threshold, 1);
    await v.ceremony();
    const before = await v.head();
    const opened = await v.openVote();
    assert.deepEqual([opened.status, opened.body?.error], [409, 'exists'], opened.text);
    assert.match(opened.body.message, /is not the one this meeting's record gives/);
    assert.equal(await v.head(), before, 'nothing appended');
  });

  it('board operator: backdates the meeting\'s vote-closed to before the last ballot (re-chained) → meeting.secret late-ballot', async () => {
    const ballots = parseElection(honest.election).filter((e) => e.type === 'ballot');
    const last = ballots[ballots.length - 1]!;
    const events = parseMeeting(honest.meeting).map((e) => (e.type === 'vote-closed' ? { ...e, time: last.time } : e));
    const v = await checkMeetingRecord(rechainMeeting(events), given(honest.election));
    assert.deepEqual(failing(v), ['meeting.secret']);
    assert.match(messages(v, 'meeting.secret'), new RegExp(`^late-ballot: election agm-budget took 1 ballot\\(s\\) at or after the meeting closed the vote on budget at ${last.time.replace(/\./g, '\\.')}, the first at seq ${last.seq}`));
  });

  it('board operator: drops a member\'s registration from the meeting\'s record (to hide that m4 took part) → meeting.result (voters) and meeting.secret (list ≠ registrations)', async () => {
    const events = parseMeeting(honest.meeting).filter((e) => !(e.type === 'credential-registered' && (e.payload as { member: string }).member === 'm4'));
    const v = await checkMeetingRecord(rechainMeeting(events), given(honest.election));
    assert.deepEqual(failing(v), ['meeting.result', 'meeting.secret']);
    assert.match(messages(v, 'meeting.secret'), /the list holds 4 credentials, 3 were registered/);
  });

  it('board operator: flips the secret result\'s outcome, counts kept → meeting.result', async () => {
    const events = parseMeeting(honest.meeting).map((e) => (e.type === 'motion-result' ? { ...e, payload: { ...e.payload, passed: false, outcome: 'rejected' } } as MeetingEvent : e));
    const v = await checkMeetingRecord(rechainMeeting(events), given(honest.election));
    assert.deepEqual(failing(v), ['meeting.result']);
  });

  it('board operator: gives the verifier the election\'s record cut before its result (a prefix that verifies so far) → meeting.secret', async () => {
    const cut = honest.election.slice(0, parseElection(honest.election).findIndex((e) => e.type === 'result'));
    const v = await checkMeetingRecord(honest.meeting, given(cut));
    assert.deepEqual(failing(v), ['meeting.secret']);
    assert.match(messages(v, 'meeting.secret'), /its record does not verify \(record\.complete\)/);
    assert.match(messages(v, 'meeting.secret'), /its result event is not the one the result of budget names/);
  });

  it('chair (the credential authority): revokes m4\'s unused credential in the election before its poll closed, signed (re-chained by the board) → the election verifies alone, meeting.secret refuses', async () => {
    const events = parseElection(honest.election);
    const at = events.findIndex((e) => e.type === 'poll-closed');
    const revocation = { ...events[at]!, type: 'credential-revoked', payload: signRevocation(s.electionHash, s.keyOf('m4'), 'lost', f.people.get('m1')!.keys) } as BoardEvent;
    const forged = rechainElection([...events.slice(0, at), revocation, ...events.slice(at)]);
    assert.deepEqual((await checkRecord(linesSource(forged))).report.failedChecks, [], 'a valid revocation by the election\'s own rules');
    // The board operator re-chains the election, so the result's hash it names changes too.
    const resultHash = parseElection(forged).find((e) => e.type === 'result')!.hash;
    const meeting = rechainMeeting(parseMeeting(honest.meeting).map((e) => (e.type === 'motion-result' ? { ...e, payload: { ...e.payload, election: { electionHash: s.electionHash, resultHash } } } as MeetingEvent : e)));
    const v = await checkMeetingRecord(meeting, given(forged));
    assert.deepEqual(failing(v), ['meeting.secret']);
    assert.match(messages(v, 'meeting.secret'), /one credential list, never added to nor revoked from/);
  });

  it('chair (the credential authority): adds a credential nobody registered to the election, signed (re-chained by the board) → meeting.secret refuses', async () => {
    const events = parseElection(honest.election);
    const at = events.findIndex((e) => e.type === 'poll-opened');
    const stuffed = credentialKeys(s.electionHash, newCredential()).key;
    const added = { ...events[at]!, type: 'credentials-added', payload: signCredentialsAdded(s.electionHash, [{ key: stuffed, weight: 1 }], f.people.get('m1')!.keys) } as BoardEvent;
    // The board operator states the eligible weight the addition gives, in the tally and the result.
    const grown = (e: BoardEvent): BoardEvent => {
      if (e.type === 'tally') { const t = e.payload as TallyPayload; return { ...e, payload: { ...t, eligibleWeight: t.eligibleWeight + 1 } } as BoardEvent; }
      if (e.type !== 'result') return e;
      const r = e.payload as ResultPayload;
      return { ...e, payload: { ...r, eligibleWeight: r.eligibleWeight + 1, results: countResults(s.manifest, r.counts, r.castWeight, r.eligibleWeight + 1) } } as BoardEvent;
    };
    const forged = rechainElection([...events.slice(0, at), added, ...events.slice(at)].map(grown));
    assert.deepEqual((await checkRecord(linesSource(forged))).report.failedChecks, []);
    const resultHash = parseElection(forged).find((e) => e.type === 'result')!.hash;
    const meeting = rechainMeeting(parseMeeting(honest.meeting).map((e) => (e.type === 'motion-result' ? { ...e, payload: { ...e.payload, election: { electionHash: s.electionHash, resultHash } } } as MeetingEvent : e)));
    const v = await checkMeetingRecord(meeting, given(forged));
    assert.deepEqual(failing(v), ['meeting.secret']);
    assert.match(messages(v, 'meeting.secret'), /one credential list, never added to nor revoked from/);
  });

  it('one teller: a decryption share of the tally made with its own key but for another teller\'s index is refused by the board, and on the record fails the election (meeting.secret)', async () => {
    const events = parseElection(honest.election);
    const at = events.findIndex((e) => e.type === 'decryption-share');
    const share = events[at]!.payload as { trustee: string; index: number };
    // The teller signs a share naming another index (the one of a teller who did not decrypt).
    const other = s.manifest.trustees.findIndex((t) => t.id === 'm3') + 1;
    const { signature: _, ...unsigned } = share as typeof share & { signature: unknown };
    const forgedShare = signPayload(s.electionHash, { role: 'trustee', id: share.trustee }, 'decryption-share', { ...unsigned, index: other }, signingSecret(f.people.get(share.trustee)!.keys));
    const forged = rechainElection(events.map((e, i) => (i === at ? { ...e, payload: forgedShare } as BoardEvent : e)));
    const failed = (await checkRecord(linesSource(forged))).report.failedChecks;
    assert.ok(failed.length > 0, 'the election record with the forged share does not verify');
    const v = await checkMeetingRecord(honest.meeting, given(forged));
    assert.ok(failing(v).includes('meeting.secret'));
  });

  it('member: a second registration of m4 for the same vote (a new key, signed by m4) slipped in before the close → meeting.secret (duplicate)', async () => {
    const events = parseMeeting(honest.meeting);
    const at = events.findIndex((e) => e.type === 'vote-closed');
    const second = signAs(f, s.hash, 'credential-registered', { motion: 'budget', member: 'm4', credential: credentialKeys(s.electionHash, newCredential()).key, by: 'm4' });
    const v = await checkMeetingRecord(rechainMeeting([...events.slice(0, at), { ...events[at - 1]!, type: 'credential-registered', payload: second } as MeetingEvent, ...events.slice(at)]), given(honest.election));
    assert.ok(failing(v).includes('meeting.secret'));
    assert.match(messages(v, 'meeting.secret'), /m4 already has a credential for budget/);
  });

  it('member: m4, registered and silent, casts after the meeting closed the vote → refused (the poll is closed), the election\'s record unchanged', async () => {
    const before = (await s.events()).length;
    const r = await s.cast('m4', 'against');
    assert.deepEqual([r.status, r.body?.error], [409, 'wrong-phase'], r.text);
    assert.equal((await s.events()).length, before);
  });

  it('board operator: replays m4\'s registration signed for another meeting (same body, same member key) into this one (re-chained) → meeting.signatures, and the list then fails meeting.secret', async () => {
    const events = parseMeeting(honest.meeting);
    const at = events.findIndex((e) => e.type === 'credential-registered' && (e.payload as { member: string }).member === 'm4');
    const elsewhere = signAs(f, 'ab'.repeat(32), 'credential-registered', { motion: 'budget', member: 'm4', credential: s.keyOf('m4'), by: 'm4' });
    const v = await checkMeetingRecord(rechainMeeting(events.map((e, i) => (i === at ? { ...e, payload: elsewhere } as MeetingEvent : e))), given(honest.election));
    assert.deepEqual(failing(v), ['meeting.result', 'meeting.secret', 'meeting.signatures']);
    assert.match(messages(v, 'meeting.signatures'), /credential-registered by m4/);
  });

  // ---- a secret vote nobody registers for (§19 M7.4): closed with the empty result, never stuck ----

  /** A boycotted secret vote: the ceremony and the open vote, nobody registers, the chair closes; the records. */
  async function boycott(meeting: string, seconds = 0): Promise<{ v: SecretVote; closed: any; records: { meeting: string[]; election: string[] } }> {
    const v = new SecretVote(server, meeting, f);
    await v.putMotion();
    await v.ceremony();
    await v.must('motions/budget/open', 'vote-opened', { motion: 'budget', text: TEXT, present: VOTERS, proxies: [], seconds, by: 'm1' });
    if (seconds > 0) {
      await new Promise((r) => setTimeout(r, seconds * 1000 + 50));
      const late = await v.post('motions/budget/credentials', 'credential-registered', { motion: 'budget', member: 'm2', credential: v.keyOf('m2'), by: 'm2' });
      assert.deepEqual([late.status, late.body?.error], [409, 'vote-closed'], late.text);
    }
    const empty = await call(server.base, 'POST', `/api/meetings/${meeting}/motions/budget/credential-list`, { json: signCredentialList(v.electionHash, [], f.people.get('m1')!.keys) });
    assert.deepEqual([empty.status, empty.body?.error], [422, 'wrong-list'], empty.text);
    const closed = await v.post('motions/budget/close', 'vote-closed', { motion: 'budget', by: 'm1' });
    assert.equal(closed.status, 200, closed.text);
    await v.must('close', 'meeting-closed', { by: 'm1' });
    return { v, closed: closed.body, records: await v.records() };
  }
  let boycotted: ReturnType<typeof boycott> | null = null;
  let empty: Awaited<ReturnType<typeof boycott>>;
  /** The boycotted vote of meeting "boy", made once for the tests that forge it (each may run alone). */
  const boycottOnce = async () => { empty = await (boycotted ??= boycott('boy')); return empty; };

  it('every member boycotts a secret vote: the chair closes it, the empty result comes with the close (0 voters, 0/0/0, rejected), the meeting closes and verifies', async () => {
    await boycottOnce();
    assert.deepEqual(empty.closed.events.map((e: { type: string }) => e.type), ['vote-closed', 'motion-result']);
    assert.deepEqual(empty.closed.result, {
      motion: 'budget', majority: 'simple', base: empty.closed.result.base, counts: { for: 0, against: 0, abstain: 0 }, voters: 0, present: 4, members: 4,
      baseWeight: empty.closed.result.baseWeight, passed: false, outcome: 'rejected', election: { electionHash: empty.v.electionHash, resultHash: null },
    });
    assert.deepEqual(parseElection(empty.records.election).map((e) => e.type).filter((t) => !t.startsWith('trustee-')), ['election', 'joint-key'], 'the election never opened');
    const r = await checkMeetingRecord(empty.records.meeting, given(empty.records.election, 'boy-budget'));
    assert.deepEqual(failing(r), [], JSON.stringify(r.report.checks.filter((c) => c.failed > 0)));
    assert.ok(r.report.ok);
    // After the close no list goes on: the vote is closed, nothing changes.
    const listed = await empty.v.signedList();
    assert.deepEqual([listed.status, listed.body?.error], [409, 'vote-closed'], listed.text);
    assert.equal((await empty.v.records()).election.length, empty.records.election.length);
  });

  it('a timed secret vote runs out before anyone registers: a late registration is refused vote-closed, the close gives the empty result', async () => {
    const timed = await boycott('late', 1);
    assert.equal(timed.closed.result.voters, 0);
    assert.equal(timed.closed.result.election.resultHash, null);
    assert.ok((await checkMeetingRecord(timed.records.meeting, given(timed.records.election, 'late-budget'))).report.ok);
  });

  it('board operator: states the empty result (resultHash null, 0/0/0) for the honest vote that had registrations, a list and ballots → meeting.result and meeting.secret', async () => {
    const events = parseMeeting(honest.meeting).map((e) => (e.type === 'motion-result'
      ? { ...e, payload: { ...e.payload, counts: { for: 0, against: 0, abstain: 0 }, passed: false, outcome: 'rejected', election: { electionHash: s.electionHash, resultHash: null } } } as MeetingEvent : e));
    const v = await checkMeetingRecord(rechainMeeting(events), given(honest.election));
    assert.deepEqual(failing(v), ['meeting.result', 'meeting.secret']);
    assert.match(messages(v, 'meeting.result'), /4 credential\(s\) were registered, so the result names its election's result event/);
  });

  it('board operator: drops every registration too and states the empty result while the election holds a list and ballots → meeting.secret', async () => {
    await boycottOnce();
    // The boycott's result (the same roll), naming the honest election.
    const events = parseMeeting(honest.meeting).filter((e) => e.type !== 'credential-registered').map((e) => (e.type === 'motion-result'
      ? { ...e, payload: { ...empty.closed.result, election: { electionHash: s.electionHash, resultHash: null } } } as MeetingEvent : e));
    const v = await checkMeetingRecord(rechainMeeting(events), given(honest.election));
    assert.deepEqual(failing(v), ['meeting.secret']);
    assert.match(messages(v, 'meeting.secret'), /says nobody registered and its election never opened, but its record has credentials at seq \d+/);
  });

  it('board operator: a non-zero result for the boycotted vote (no list), in the empty form or naming a result event → meeting.result', async () => {
    await boycottOnce();
    const forge = (election: unknown) => rechainMeeting(parseMeeting(empty.records.meeting).map((e) => (e.type === 'motion-result'
      ? { ...e, payload: { ...e.payload, counts: { for: 3, against: 0, abstain: 0 }, passed: true, outcome: 'passed', election } } as MeetingEvent : e)));
    const nullForm = await checkMeetingRecord(forge({ electionHash: empty.v.electionHash, resultHash: null }), given(empty.records.election, 'boy-budget'));
    assert.deepEqual(failing(nullForm), ['meeting.result']);
    assert.match(messages(nullForm, 'meeting.result'), /exceed the weight registered \(0\)/);
    const named = await checkMeetingRecord(forge({ electionHash: empty.v.electionHash, resultHash: 'ab'.repeat(32) }), given(empty.records.election, 'boy-budget'));
    assert.ok(failing(named).includes('meeting.result'));
    assert.ok(!named.report.ok);
  });

  it('chair and board operator: a credential list appears on the boycotted election after the empty close (signed by the chair, re-chained) → meeting.secret', async () => {
    await boycottOnce();
    const events = parseElection(empty.records.election);
    const list = { ...events[events.length - 1]!, type: 'credentials', payload: signCredentialList(empty.v.electionHash, empty.v.list(), f.people.get('m1')!.keys) } as BoardEvent;
    const forged = rechainElection([...events, list]);
    const v = await checkMeetingRecord(empty.records.meeting, given(forged, 'boy-budget'));
    assert.deepEqual(failing(v), ['meeting.secret']);
    assert.match(messages(v, 'meeting.secret'), /never opened, but its record has credentials at seq/);
  });

  it('outsider: a teller step through meeting "x-y" for motion "budget", which is no motion of it: the path names election x-y-budget, meeting "x"\'s secret vote "y-budget" → 404 unknown-motion, nothing forwarded', async () => {
    const other = new SecretVote(server, 'x', f);
    const created = await ok(server.base, 'POST', '/api/meetings', { token: server.adminToken, json: { id: 'x', title: 'X', body: f.body.id, chair: 'm1', secretaries: ['sec'], tellers: TELLERS, threshold: 2 } });
    other.hash = created.meetingHash;
    await other.must('open', 'meeting-opened', { by: 'm1' });
    await other.must('motions', 'motion-put', { motion: 'y-budget', title: 'Budget', text: TEXT, majority: 'simple', mode: 'secret', by: 'm1' });
    await ok(server.base, 'POST', '/api/meetings', { token: server.adminToken, json: { id: 'x-y', title: 'X-Y', body: f.body.id, chair: 'm1', secretaries: ['sec'], tellers: TELLERS, threshold: 2 } });
    const election = (await ok(server.base, 'GET', '/api/elections/x-y-budget'));
    const manifest = (parseElection(lines(await recordText(server.base, 'x-y-budget')))[0]!.payload as { manifest: Manifest }).manifest;
    const c = commitTrusteeKey({ version: 'veche/trustee-secret/v2', trustee: 'sec', signing: f.people.get('sec')!.keys }, election.electionHash, manifest);
    const before = lines(await recordText(server.base, 'x-y-budget')).length;
    const r = await call(server.base, 'POST', '/api/meetings/x-y/motions/budget/tellers/sec/commitment', { json: c.commitment });
    assert.deepEqual([r.status, r.body?.error], [404, 'unknown-motion'], r.text);
    assert.equal(lines(await recordText(server.base, 'x-y-budget')).length, before, 'nothing forwarded to the election');
    // Through its own meeting the same step is taken.
    const own = await call(server.base, 'POST', '/api/meetings/x/motions/y-budget/tellers/sec/commitment', { json: c.commitment });
    assert.equal(own.status, 200, own.text);
  });

  it('outsider: posts a teller step for a motion that is not a secret vote of the meeting → refused, no election touched', async () => {
    const r = await call(server.base, 'POST', '/api/meetings/agm/motions/nothing/tellers/sec/commitment', { json: { trustee: 'sec' } });
    assert.deepEqual([r.status, r.body?.error], [404, 'unknown-motion'], r.text);
  });
});

describe('attacks v3: a ranked election\'s mixes and their decryption (spec §20)', () => {
  const manifest = keyed({
    id: 'ranked-v3', title: 'Ranked', description: '', languages: ['en'],
    questions: [{ type: 'ranked', id: 'council', title: 'Council', candidates: ['ada', 'bo', 'cy', 'di'].map((id) => ({ id, label: id })), seats: 2, method: 'meek-stv', mustRankAll: false }],
    trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }, { id: 't3', name: 'T3' }],
    threshold: 2,
  });
  const slots = rankedSlots(manifest);
  let board: Board;
  let trustees: TrusteeSecret[];
  let env: RankedEnv;
  let counted: CiphertextJson[][][];
  let lines: string[];
  const secret = (id: string) => trustees.find((x) => x.trustee === id)!;
  const failed = async (ls: string[]) => (await checkRecord(linesSource(ls))).report.failedChecks;
  const RANKINGS = [[0, 1], [1, 0, 2], [2, 3], [0], [3, 2, 1]];

  before(async () => {
    ({ board, trustees } = await createWithKeys(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'veche-attacks-v3-ranked-')), 'board.sqlite')), manifest));
    // The second voter has two votes.
    const voters = await publishVoters(board, RANKINGS.length, [1, 2, 1, 1, 1]);
    await board.openPoll();
    const electionHash = board.current.electionHash;
    const jointKey = board.current.jointKey!;
    env = { electionHash, manifest, jointKey, slots };
    for (const [v, ranking] of RANKINGS.entries()) {
      await board.castBallot(encryptBallot(electionHash, jointKey, selectionGroups(manifest), [], voters[v]!.keys, { slots, rankings: [ranking] }).ballot);
    }
    await board.closePoll();
    await board.computeTally();
    counted = await board.nextMixInput();
    assert.equal(counted[0]!.length, 6, 'a row per vote: the weight-2 ballot\'s row twice');
    await board.submitMix(makeMix(secret('t1'), env, 0, counted));
    await board.submitMix(makeMix(secret('t3'), env, 1, await board.nextMixInput()));
    // The last mix as the record holds it (what a trustee's tool reads).
    const last = parseElection(await recordLines(board)).filter((e) => e.type === 'mix').pop()!.payload as MixPayload;
    for (const t of ['t2', 't3']) await board.submitMixDecryption(makeMixDecryption(secret(t), env, last));
    await board.publishRankedResult();
    // A ranked-only election's tally has no sums; the trustees' shares of it are empty lists.
    for (const t of ['t1', 't2']) await board.submitDecryptionShare(makeDecryptionShare(secret(t), board.current.tally!.sums));
    await board.publishResult();
    lines = await recordLines(board);
    assert.deepEqual(await failed(lines), []);
  });

  it('board operator: the weight-2 voter\'s ranking once in the first mix\'s input (a shuffle proved for that input, re-chained) → mix.shuffles', async () => {
    const rows = counted[0]!;
    const twice = rows.findIndex((r, i) => i > 0 && JSON.stringify(r) === JSON.stringify(rows[i - 1]));
    assert.ok(twice > 0, 'the weight-2 row is written twice, one after the other');
    const once = makeMix(secret('t1'), env, 0, [rows.filter((_, i) => i !== twice)]);
    const events = parseElection(lines);
    const at = events.findIndex((e) => e.type === 'mix');
    assert.ok((await failed(rechainElection(events.map((e, i) => (i === at ? { ...e, payload: once } as BoardEvent : e))))).includes('mix.shuffles'));
  });

  it('one trustee: the second mixer shuffles the counted rows again instead of the first mix\'s output (so it alone could link rankings to ballots), re-chained by the board → mix.shuffles', async () => {
    const skipping = makeMix(secret('t2'), env, 1, counted);
    const events = parseElection(lines);
    const at = events.findIndex((e) => e.type === 'mix' && (e.payload as MixPayload).position === 1);
    // The board runs the same rule (src/ranked/record.ts checkMix) before it appends a mix.
    assert.ok((await failed(rechainElection(events.map((e, i) => (i === at ? { ...e, payload: skipping } as BoardEvent : e))))).includes('mix.shuffles'));
  });

  it('board operator: drops one of the two decryptions of the last mix and keeps the ranked result (re-chained) → ranked.rankings', async () => {
    const events = parseElection(lines);
    const first = events.findIndex((e) => e.type === 'mix-decryption');
    const v = await failed(rechainElection(events.filter((_, i) => i !== first)));
    assert.ok(v.includes('ranked.rankings'), v.join());
  });

  it('board operator: the ranked result\'s rankings published in another order than the last mix\'s rows (reversed; the count unchanged) → ranked.rankings', async () => {
    const events = parseElection(lines);
    const forged = events.map((e) => {
      if (e.type !== 'ranked-result') return e;
      const p = structuredClone(e.payload) as RankedResultPayload;
      p.questions[0]!.rankings.reverse(); // six rankings, five distinct: never a palindrome
      if (JSON.stringify(p.questions[0]!.rankings) === JSON.stringify((e.payload as RankedResultPayload).questions[0]!.rankings)) throw new Error('a palindrome: no forgery');
      return { ...e, payload: p } as BoardEvent;
    });
    assert.ok((await failed(rechainElection(forged))).includes('ranked.rankings'));
  });
});

describe('attacks v3: a qualified proposal and the meeting that says it took it (spec §21.4)', () => {
  it('chair: puts the proposal\'s agenda item id on the agenda under other words (to bury it) → not its placement; the proposal stays in the chair\'s queue; under its own title it is placed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-attacks-v3-forum-'));
    const file = join(dir, 'veche.sqlite');
    const body = makeBody([1, 1, 1], { forum: { endorsements: 2, attachmentBytes: 0 } }, 'club');
    const meetings = new SqliteMeetingStore(file);
    const store = new SqliteForumStore(file);
    try {
      const engine = new Meetings(meetings);
      await engine.createBody(body.body);
      const forum = new Forum(store, meetings);
      const act = (by: string, action: ForumAction, payload: Record<string, unknown>) =>
        forum.act('club', action, signForumPayload('club', action, { ...payload, by, nonce: `nonce-${by}-${action}-0000` } as never, body.people.get(by)!.keys.secret));
      const made = await act('m2', 'proposal', { title: 'Benches for the park', text: 'Ten new benches.', attachments: [] });
      const pid = made.id as string;
      await act('m2', 'endorse', { proposal: pid });
      assert.ok((await act('m3', 'endorse', { proposal: pid })).qualified, 'qualified at the second endorsement');
      const meeting = await engine.createMeeting({ id: 'agm', title: 'Annual meeting', body: 'club', chair: 'm1', secretaries: ['sec'] });
      const item = (title: string, id = `forum-${pid}`) => meeting.submit('agenda-item', signAs(body, meeting.state.meetingHash, 'agenda-item', { item: id, title, by: 'm1' }));
      await item('Any other business');
      const queued = async () => (await forum.queue('club')).map((q) => q.proposal);
      assert.equal((await forum.proposal('club', pid)).placement, null, 'an item of other words is not the proposal');
      assert.deepEqual(await queued(), [pid]);
      // A second meeting puts it under its own title: that is where it went.
      const next = await engine.createMeeting({ id: 'agm-2', title: 'Next meeting', body: 'club', chair: 'm1', secretaries: ['sec'] });
      await next.submit('agenda-item', signAs(body, next.state.meetingHash, 'agenda-item', { item: `forum-${pid}`, title: 'Benches for the park', by: 'm1' }));
      assert.deepEqual((await forum.proposal('club', pid)).placement, { meeting: 'agm-2', item: `forum-${pid}`, seq: 1 });
      assert.deepEqual(await queued(), []);
    } finally {
      await store.close();
      await meetings.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
