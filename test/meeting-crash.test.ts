// A secret vote's close left half-done (spec §19 M7.4): the poll closes before the meeting's vote-closed
// and the tally follows it, so a process can stop between the two or after both. (a) A real server
// process on PostgreSQL is SIGKILLed in each window; started again, it finishes the close, the tellers
// decrypt, and both records verify. (b) A board that let a ballot in after the meeting closed the vote
// (it appended the close before closing the poll, as a process that stopped between them would leave
// it): the meeting finishes the close when next asked, but the verifier refuses the result (late-ballot),
// and an election record without its poll-closed (poll-not-closed).
//
// How (a) stops the process in its window without a hook in the server: a trigger in the test's own
// database makes the one INSERT that ends the window (the vote-closed, then the tally) wait for a lock the
// test holds; the test sees the backend waiting, kills the server (SIGKILL) and the backend's connection
// (as a machine that stops takes it with it), so the transaction that held it never commits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { SqliteMeetingStore } from '../src/meeting/store.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { makeMeetingEvent } from '../src/meeting/events.js';
import type { TrusteeSecret } from '../src/keyceremony/trustee.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { encodeEvent, type BoardEvent } from '../src/record/events.js';
import type { Manifest } from '../src/manifest/types.js';
import { freshDatabase, postgresSkipReason } from './helpers/postgres.js';
import { ServerProcess } from './helpers/server-process.js';
import { call, ok, recordText, startServer } from './helpers/server.js';
import { rechain } from './helpers/election-fixture.js';
import { veche } from './helpers/cli.js';
import { makeBody, signAs, type BodyFixture } from './meeting-fixture.js';
import { tellersKeyCeremony } from './helpers/meeting-tellers.js';

const TOKEN = 'meeting-crash-admin-token-0123456789abcdef';
const MEETING = 'agm';
const MOTION = 'budget';
const ELECTION = `${MEETING}-${MOTION}`;
const TEXT = 'That the budget for next year be adopted.';
const TELLERS = ['sec', 'm2', 'm3'];
const VOTERS = ['m1', 'm2', 'm3', 'm4'];

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failing = (r: Awaited<ReturnType<typeof checkMeetingRecord>>) => r.report.checks.filter((c) => c.failed > 0).map((c) => c.id);
const messages = (r: Awaited<ReturnType<typeof checkMeetingRecord>>, id: string) => r.report.checks.find((c) => c.id === id)!.failures.map((f) => f.message).join(' | ');

async function until<T>(what: string, f: () => Promise<T | null>): Promise<T> {
  for (const end = Date.now() + 30_000; ; await sleep(50)) {
    const x = await f();
    if (x !== null) return x;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** A meeting with one secret motion, driven over HTTP as the pages drive it; `base()` is asked anew for
 *  each request (a restarted process may listen on another port). */
class SecretVote {
  readonly f: BodyFixture = makeBody([1, 1, 1, 1]);
  hash = '';
  electionHash = '';
  manifest!: Manifest;
  secrets = new Map<string, TrusteeSecret>();
  credentials = new Map<string, string>(VOTERS.map((m) => [m, newCredential()]));

  constructor(readonly base: () => string, readonly token = TOKEN) {}

  post(path: string, type: Parameters<typeof signAs>[2], payload: any) {
    return call(this.base(), 'POST', `/api/meetings/${MEETING}/${path}`, { json: signAs(this.f, this.hash, type, payload) });
  }
  async must(path: string, type: Parameters<typeof signAs>[2], payload: any): Promise<void> {
    const r = await this.post(path, type, payload);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
  }
  teller(id: string, step: string, json: unknown) { return ok(this.base(), 'POST', `/api/meetings/${MEETING}/motions/${MOTION}/tellers/${id}/${step}`, { json }); }
  async election(): Promise<BoardEvent[]> { return lines(await recordText(this.base(), ELECTION)).map((l) => JSON.parse(l) as BoardEvent); }
  async phase(): Promise<string> { return (await ok(this.base(), 'GET', `/api/elections/${ELECTION}`)).phase; }
  async motion(): Promise<{ status: string }> { return (await ok(this.base(), 'GET', `/api/meetings/${MEETING}`)).motions.find((m: { id: string }) => m.id === MOTION); }
  closeVote() { return this.post(`motions/${MOTION}/close`, 'vote-closed', { motion: MOTION, by: 'm1' }); }

  /** Up to the open poll: the tellers' key ceremony, the roll, four registrations, the chair's list. */
  async openPoll(): Promise<void> {
    await ok(this.base(), 'POST', '/api/bodies', { token: this.token, json: this.f.body });
    const created = await ok(this.base(), 'POST', '/api/meetings', { token: this.token, json: { id: MEETING, title: 'Annual meeting', body: this.f.body.id, chair: 'm1', secretaries: ['sec'], tellers: TELLERS, threshold: 2 } });
    this.hash = created.meetingHash;
    await this.must('open', 'meeting-opened', { by: 'm1' });
    for (const m of VOTERS) await this.must('check-in', 'member-present', { member: m, by: m });
    await this.must('motions', 'motion-put', { motion: MOTION, title: 'Budget', text: TEXT, majority: 'simple', mode: 'secret', by: 'm1' });
    this.electionHash = (await ok(this.base(), 'GET', `/api/elections/${ELECTION}`)).electionHash;
    this.manifest = ((await this.election())[0]!.payload as { manifest: Manifest }).manifest;
    const of = async (type: string) => (await this.election()).filter((e) => e.type === type).map((e) => e.payload as any);
    for (const [id, s] of await tellersKeyCeremony(TELLERS, (id) => this.f.people.get(id)!.keys, this.electionHash, this.manifest, (id, step, json) => this.teller(id, step, json), of)) this.secrets.set(id, s);
    await this.must(`motions/${MOTION}/open`, 'vote-opened', { motion: MOTION, text: TEXT, present: VOTERS, proxies: [], seconds: 0, by: 'm1' });
    for (const m of VOTERS) await this.must(`motions/${MOTION}/credentials`, 'credential-registered', { motion: MOTION, member: m, credential: this.keyOf(m), by: m });
    const list = VOTERS.map((m) => ({ key: this.keyOf(m), weight: 1 })).sort((a, b) => (a.key < b.key ? -1 : 1));
    await ok(this.base(), 'POST', `/api/meetings/${MEETING}/motions/${MOTION}/credential-list`, { json: signCredentialList(this.electionHash, list, this.f.people.get('m1')!.keys) });
  }

  keyOf(m: string): string { return credentialKeys(this.electionHash, this.credentials.get(m)!).key; }

  /** An encrypted, proven ballot of member `m`, cast in the election's booth route. */
  async cast(m: string, vote: 'for' | 'against' | 'abstain') {
    const enc = encryptBallot(this.electionHash, decodePublicKey((await ok(this.base(), 'GET', `/api/elections/${ELECTION}`)).jointKey), selectionGroups(this.manifest),
      encodeChoices(this.manifest, { motion: { type: 'motion', vote } }), credentialKeys(this.electionHash, this.credentials.get(m)!));
    return call(this.base(), 'POST', `/api/elections/${ELECTION}/ballots`, { json: enc.ballot });
  }

  /** Two tellers decrypt the tally; the board appends the motion-result; the chair closes the meeting. */
  async decide(): Promise<any> {
    const tally = (await this.election()).find((e) => e.type === 'tally')!.payload as { sums: any };
    for (const id of ['m2', 'sec']) await this.teller(id, 'decryption', makeDecryptionShare(this.secrets.get(id)!, tally.sums));
    const published = await ok(this.base(), 'POST', `/api/meetings/${MEETING}/motions/${MOTION}/result`);
    await this.must('close', 'meeting-closed', { by: 'm1' });
    return published.result;
  }

  async records(): Promise<{ meeting: string[]; election: string[] }> {
    return { meeting: lines((await call(this.base(), 'GET', `/api/meetings/${MEETING}/record`)).text), election: lines(await recordText(this.base(), ELECTION)) };
  }
}

const given = (election: string[]) => async (id: string) => (id === ELECTION ? election : null);

describe('a secret vote\'s close survives a crash (spec §19 M7.4)', () => {
  it('a server SIGKILLed after closing the poll, then after the vote-closed: started again, it finishes the close, the tellers decrypt, VERIFIED', async (t) => {
    const db = await freshDatabase('meeting-crash');
    if (!db) { t.skip(postgresSkipReason() ?? 'no PostgreSQL'); return; }
    const dataDir = mkdtempSync(join(tmpdir(), 'veche-meeting-crash-'));
    const admin = new pg.Client({ connectionString: db.url });
    let server: ServerProcess | null = null;
    try {
      await admin.connect();
      server = await ServerProcess.start({ dataDir, databaseUrl: db.url, adminToken: TOKEN });
      const s = new SecretVote(() => server!.base);
      await s.openPoll();
      for (const [m, vote] of [['m1', 'for'], ['m2', 'for'], ['m3', 'for'], ['m4', 'against']] as const) assert.equal((await s.cast(m, vote)).status, 200);

      const HOLD = 4242;
      await admin.query('SELECT pg_advisory_lock($1)', [HOLD]);
      await admin.query(`CREATE FUNCTION crash_window() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(${HOLD}); RETURN NEW; END $$`);
      /** The backend of the server's INSERT that waits in the trigger. */
      const waiting = () => until('the server to wait in the crash window', async () =>
        (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()")).rows[0]?.pid ?? null);
      /** The machine stops: the server is killed and its waiting connection goes with it. */
      const crash = async (pid: number) => {
        await server!.kill('SIGKILL');
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await until('the dead server\'s connection to go', async () => ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0 ? true : null));
      };
      const stored = async (table: string, key: string, id: string, type: string) =>
        (await admin.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${key} = $1 AND type = $2`, [id, type])).rows[0].n as number;

      // Window 1: the poll is closed, the meeting's vote-closed not yet stored.
      await admin.query("CREATE TRIGGER hold BEFORE INSERT ON veche_meeting_events FOR EACH ROW WHEN (NEW.type = 'vote-closed') EXECUTE FUNCTION crash_window()");
      const first = s.closeVote().catch((e: Error) => e);
      await crash(await waiting());
      assert.ok((await first) instanceof Error, 'the chair got no answer from the killed server');
      assert.deepEqual([await stored('veche_events', 'election', ELECTION, 'poll-closed'), await stored('veche_meeting_events', 'meeting', MEETING, 'vote-closed')], [1, 0]);
      await admin.query('DROP TRIGGER hold ON veche_meeting_events');
      await server.restart();
      // The election takes no more ballots; the meeting's vote is still open until the chair closes it.
      assert.equal((await s.motion()).status, 'open');
      assert.equal(await s.phase(), 'closed');
      const late = await s.cast('m4', 'for');
      assert.deepEqual([late.status, late.body.error], [409, 'wrong-phase'], late.text);

      // Window 2: the meeting's vote-closed is stored, the tally is not.
      await admin.query("CREATE TRIGGER hold BEFORE INSERT ON veche_events FOR EACH ROW WHEN (NEW.type = 'tally') EXECUTE FUNCTION crash_window()");
      const second = s.closeVote().catch((e: Error) => e);
      await crash(await waiting());
      assert.ok((await second) instanceof Error);
      assert.deepEqual([await stored('veche_meeting_events', 'meeting', MEETING, 'vote-closed'), await stored('veche_events', 'election', ELECTION, 'tally')], [1, 0]);
      await admin.query('DROP TRIGGER hold ON veche_events');
      await admin.query('SELECT pg_advisory_unlock($1)', [HOLD]);
      await server.restart();
      // Loading the meeting makes the tally the close owed; the tellers can decrypt it.
      assert.equal((await s.motion()).status, 'closed');
      await until('the tally', async () => ((await s.phase()) === 'tallied' ? true : null));
      const result = await s.decide();
      assert.deepEqual([result.counts, result.outcome], [{ for: 3, against: 1, abstain: 0 }, 'passed']);

      const { meeting, election } = await s.records();
      const closedAt = meeting.map((l) => JSON.parse(l)).find((e) => e.type === 'vote-closed').time;
      const pollClosedAt = election.map((l) => JSON.parse(l)).find((e) => e.type === 'poll-closed').time;
      assert.ok(pollClosedAt < closedAt, `the poll closed (${pollClosedAt}) before the meeting's close (${closedAt})`);
      const v = await checkMeetingRecord(meeting, { elections: given(election) });
      assert.deepEqual(failing(v), [], JSON.stringify(v.report.checks.filter((c) => c.failed > 0)));
      assert.ok(v.report.ok, 'VERIFIED');
    } finally {
      await server?.kill('SIGKILL');
      await admin.end().catch(() => {});
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a board that let a ballot in after the meeting closed the vote: the close is finished when next asked, and the verifier refuses the result (late-ballot); an election without its poll-closed (poll-not-closed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veche-meeting-late-'));
    const boardStore = new SqliteStore(join(dir, 'veche.sqlite'));
    const meetingStore = new SqliteMeetingStore(join(dir, 'veche.sqlite'));
    const server = await startServer(boardStore, { meetingStore });
    try {
      const s = new SecretVote(() => server.base, server.adminToken);
      await s.openPoll();
      for (const [m, vote] of [['m1', 'for'], ['m2', 'against'], ['m3', 'against'], ['m4', 'against']] as const) assert.equal((await s.cast(m, vote)).status, 200);
      // The chair's signed close stored by the board before its poll closed (the old order; or a board
      // operator holding the poll open on purpose), and m3 changes their vote after it.
      const [head] = (await meetingStore.events(MEETING)).slice(-1);
      const close = makeMeetingEvent(head!.seq + 1, head!.hash, 'vote-closed', signAs(s.f, s.hash, 'vote-closed', { motion: MOTION, by: 'm1' }), new Date().toISOString());
      await meetingStore.append(MEETING, close);
      await sleep(2);
      assert.equal((await s.cast('m3', 'for')).status, 200, 'the election, still open, took it');
      // The chair asks for the result: the meeting closes the poll and tallies first (then: not decrypted).
      const early = await call(server.base, 'POST', `/api/meetings/${MEETING}/motions/${MOTION}/result`);
      assert.deepEqual([early.status, early.body.error], [409, 'not-decrypted'], early.text);
      assert.equal(await s.phase(), 'tallied');
      const result = await s.decide();
      assert.deepEqual(result.counts, { for: 2, against: 2, abstain: 0 }, 'the late ballot replaced m3\'s');

      const { meeting, election } = await s.records();
      const v = await checkMeetingRecord(meeting, { elections: given(election) });
      assert.deepEqual(failing(v), ['meeting.secret']);
      assert.match(messages(v, 'meeting.secret'), new RegExp(`^late-ballot: election ${ELECTION} took 1 ballot\\(s\\) at or after the meeting closed the vote on ${MOTION} at ${close.time}`));
      // The election's record is in order by itself (its own check is not among the problems): only the
      // meeting's close shows the ballot was late.
      assert.equal(v.report.checks.find((c) => c.id === 'meeting.secret')!.failed, 1, messages(v, 'meeting.secret'));
      const cli = mkdtempSync(join(tmpdir(), 'veche-meeting-late-record-'));
      try {
        writeFileSync(join(cli, `${ELECTION}.jsonl`), election.join('\n') + '\n');
        writeFileSync(join(cli, `${MEETING}.jsonl`), meeting.join('\n') + '\n');
        const refused = await veche(['verify', join(cli, `${MEETING}.jsonl`), '--final', '--elections', cli]);
        assert.equal(refused.code, 1);
        assert.match(refused.stdout, /FAIL\] meeting\.secret/);
        assert.match(refused.stdout, /late-ballot/);
      } finally { rmSync(cli, { recursive: true, force: true }); }

      // The election's record without its poll-closed (re-chained by the board): nothing ends its ballots.
      const unclosed = rechain(election.map((l) => JSON.parse(l) as BoardEvent).filter((e) => e.type !== 'poll-closed')).map(encodeEvent);
      const w = await checkMeetingRecord(meeting, { elections: given(unclosed) });
      assert.deepEqual(failing(w), ['meeting.secret']);
      assert.match(messages(w, 'meeting.secret'), new RegExp(`poll-not-closed: election ${ELECTION} has no poll-closed`));
    } finally {
      await server.close();
      await meetingStore.close();
      await boardStore.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
