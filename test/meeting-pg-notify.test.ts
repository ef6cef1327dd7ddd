// One meeting served by two real server processes over one PostgreSQL (spec §19 M9): a member's
// stream on process A gets, at once, in order and once each, what is appended through process B (the
// append's NOTIFY, then A reads the events from the store and checks them); both processes append in
// turn and at the same time without a lost or doubled event (a hundred at once, none refused); when A's LISTEN connection is killed, A
// reconnects and catches up, so its stream still gets every event; and a row put into the store behind
// the board's back that does not check is never announced (A says so on its stderr).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { get, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { makeMeetingEvent } from '../src/meeting/events.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { MEETING_CHANNEL, noticePayload, parseNotice } from '../src/meeting/postgres-listen.js';
import { newSigningKey } from '../src/record/signature.js';
import { freshDatabase, postgresSkipReason, type TestDatabase } from './helpers/postgres.js';
import { ServerProcess } from './helpers/server-process.js';
import { call } from './helpers/server.js';
import { makeBody, signAs } from './meeting-fixture.js';

const TOKEN = 'meeting-notify-admin-token-0123456789abcdef';
const MEETING = 'sitting';
/** A's pause before it opens a dropped LISTEN connection again: long enough to append through B meanwhile. */
const RETRY_MS = 3000;

interface Frame { seq: number; type: string; hash: string }

/** A member's screen: follows the live stream of one process and keeps every frame it is sent. */
class Screen {
  frames: Frame[] = [];
  private req: ClientRequest;
  constructor(base: string) {
    this.req = get(`${base}/api/meetings/${MEETING}/events`, { agent: false }, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (data) { const e = JSON.parse(data); this.frames.push({ seq: e.seq, type: e.type, hash: e.hash }); }
        }
      });
    });
    this.req.on('error', () => {});
  }
  /** Waits (at most 30 s) until the screen has seen event `seq`. */
  async upTo(seq: number): Promise<void> {
    for (const until = Date.now() + 30_000; !this.frames.some((f) => f.seq >= seq); await sleep(20)) {
      if (Date.now() > until) throw new Error(`the screen saw up to ${this.frames.at(-1)?.seq ?? 'nothing'}, not ${seq}`);
    }
  }
  stop(): void { this.req.destroy(); }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every frame once, in seq order from 0, with the stored hashes. */
function assertWhole(frames: Frame[], record: Frame[], label: string): void {
  assert.deepEqual(frames.map((f) => f.seq), record.map((_, i) => i), `${label}: each event once, in order`);
  assert.deepEqual(frames, record, `${label}: the events stored`);
}

describe('one meeting on two server processes over PostgreSQL (LISTEN/NOTIFY)', () => {
  let db: TestDatabase | null = null;
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: pg.Client;
  const dirs: string[] = [];
  const f = makeBody([1, 1, 1, 1, 1, 1], { quorum: { of: 'members', share: { num: 1, den: 2 } } }, 'council');
  const ids = f.body.members.map((m) => m.id);
  let hash = '';

  const record = async (): Promise<Frame[]> => (await call(a.base, 'GET', `/api/meetings/${MEETING}/record`)).text.split('\n').filter(Boolean)
    .map((l) => JSON.parse(l)).map((e) => ({ seq: e.seq, type: e.type, hash: e.hash }));
  /** Signs as payload.by and submits through `p`; the events appended. */
  const act = async (p: ServerProcess, path: string, type: Parameters<typeof signAs>[2], payload: any): Promise<Frame[]> => {
    const r = await call(p.base, 'POST', `/api/meetings/${MEETING}/${path}`, { json: signAs(f, hash, type, payload) });
    assert.equal(r.status, 200, `${path} through ${p === a ? 'A' : 'B'}: ${r.text}`);
    return r.body.events.map((e: Frame) => ({ seq: e.seq, type: e.type, hash: e.hash }));
  };
  const rollOf = async (p: ServerProcess) => (await call(p.base, 'GET', `/api/meetings/${MEETING}`)).body.roll;
  const listenerOf = async (p: ServerProcess): Promise<number | null> =>
    (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'", [`veche-meeting-listen-${p.child!.pid}`])).rows[0]?.pid ?? null;
  const waitFor = async <T>(what: string, f: () => Promise<T | null>): Promise<T> => {
    for (const until = Date.now() + 30_000; ; await sleep(50)) {
      const x = await f();
      if (x !== null) return x;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    }
  };

  before(async () => {
    db = await freshDatabase('meeting-notify');
    if (!db) return;
    const start = () => { const dataDir = mkdtempSync(join(tmpdir(), 'veche-meeting-notify-')); dirs.push(dataDir); return ServerProcess.start({ dataDir, databaseUrl: db!.url, adminToken: TOKEN, env: { VECHE_MEETING_LISTEN_RETRY_MS: String(RETRY_MS) } }); };
    [a, b] = await Promise.all([start(), start()]);
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    assert.equal((await call(a.base, 'POST', '/api/bodies', { token: TOKEN, json: f.body })).status, 200);
    const made = await call(b.base, 'POST', '/api/meetings', { token: TOKEN, json: { id: MEETING, title: 'Council', body: 'council', chair: 'm1', secretaries: ['sec'] } });
    assert.equal(made.status, 200, made.text);
    hash = made.body.meetingHash;
    // A opens the meeting here (reads and checks it) and listens before B appends.
    assert.equal((await call(a.base, 'GET', `/api/meetings/${MEETING}`)).status, 200);
    await waitFor('A to listen', () => listenerOf(a));
  });
  after(async () => {
    await admin?.end();
    await a?.kill('SIGTERM');
    await b?.kill('SIGTERM');
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a notice carries only the seq and the meeting id', () => {
    assert.equal(noticePayload('sitting-1', 42), '42 sitting-1');
    assert.deepEqual(parseNotice('42 sitting-1'), { meeting: 'sitting-1', seq: 42 });
    for (const bad of ['', '42', 'x sitting', '-1 sitting', '01 sitting', '42sitting']) assert.equal(parseNotice(bad), null, bad);
  });

  it('a screen on A gets what B appends: check-ins, the vote opened, named votes, the close and the result, in order, once each', async (t) => {
    if (!db) { t.skip(postgresSkipReason() ?? 'no PostgreSQL'); return; }
    const screen = new Screen(a.base);
    try {
      await screen.upTo(0);
      const sent: Frame[] = [];
      sent.push(...await act(b, 'open', 'meeting-opened', { by: 'm1' }));
      for (const m of ids) sent.push(...await act(b, 'check-in', 'member-present', { member: m, by: m }));
      sent.push(...await act(b, 'motions', 'motion-put', { motion: 'budget', title: 'Budget', text: 'That the council adopts the budget.', majority: 'simple', mode: 'named', by: 'm1' }));
      sent.push(...await act(b, 'motions/budget/open', 'vote-opened', { motion: 'budget', text: 'That the council adopts the budget.', ...(await rollOf(b)), seconds: 0, by: 'm1' }));
      for (const [i, m] of ids.entries()) sent.push(...await act(b, 'motions/budget/votes', 'named-vote', { motion: 'budget', votes: [{ member: m, for: i < 4 ? 1 : 0, against: i < 4 ? 0 : 1, abstain: 0 }], by: m }));
      sent.push(...await act(b, 'motions/budget/close', 'vote-closed', { motion: 'budget', by: 'm1' }));
      assert.deepEqual(sent.slice(-2).map((e) => e.type), ['vote-closed', 'motion-result']);
      await screen.upTo(sent.at(-1)!.seq);
      assertWhole(screen.frames, await record(), 'the screen on A');
      assert.deepEqual(screen.frames.slice(1), sent, 'what B appended, as B answered it');
      // A's own state caught up too: its view shows the result B's close made.
      assert.equal((await call(a.base, 'GET', `/api/meetings/${MEETING}`)).body.motions.find((m: { id: string }) => m.id === 'budget').result.outcome, 'passed');
    } finally { screen.stop(); }
  });

  it('A and B append in turn and at once: nothing lost, nothing twice, on either screen, and the record verifies', async (t) => {
    if (!db) { t.skip(postgresSkipReason() ?? 'no PostgreSQL'); return; }
    const onA = new Screen(a.base);
    const onB = new Screen(b.base);
    try {
      await act(a, 'motions', 'motion-put', { motion: 'hall', title: 'Hall', text: 'That the council rents the hall.', majority: 'simple', mode: 'named', by: 'm1' });
      await act(b, 'motions/hall/open', 'vote-opened', { motion: 'hall', text: 'That the council rents the hall.', ...(await rollOf(b)), seconds: 0, by: 'm1' });
      // In turn: each vote through the other process from the one before.
      for (const [i, m] of ids.slice(0, 3).entries()) await act(i % 2 ? a : b, 'motions/hall/votes', 'named-vote', { motion: 'hall', votes: [{ member: m, for: 1, against: 0, abstain: 0 }], by: m });
      // At once: the rest through both, racing for the same seq (the loser catches up and appends after).
      const racing = await Promise.all(ids.slice(3).map((m, i) => act(i % 2 ? a : b, 'motions/hall/votes', 'named-vote', { motion: 'hall', votes: [{ member: m, for: 0, against: 0, abstain: 1 }], by: m })));
      assert.equal(racing.flat().length, 3);
      const closed = await act(a, 'motions/hall/close', 'vote-closed', { motion: 'hall', by: 'm1' });
      const stored = await record();
      await onA.upTo(closed.at(-1)!.seq);
      await onB.upTo(closed.at(-1)!.seq);
      assertWhole(onA.frames, stored, 'the screen on A');
      assertWhole(onB.frames, stored, 'the screen on B');
      const lines = (await call(b.base, 'GET', `/api/meetings/${MEETING}/record`)).text.split('\n').filter(Boolean);
      const v = await checkMeetingRecord(lines);
      // Still sitting (meeting.complete waits for its close); every other check holds.
      assert.deepEqual(v.report.checks.filter((c) => c.failed > 0).map((c) => c.id), ['meeting.complete']);
      assert.ok(v.report.holdsSoFar);
      const result = JSON.parse(lines.at(-1)!).payload;
      assert.deepEqual(result.counts, { for: 3, against: 0, abstain: 3 }, 'every vote counted once');
    } finally { onA.stop(); onB.stop(); }
  });

  it('A\'s LISTEN connection killed: the notices sent meanwhile are lost, yet A catches up once it listens again and its screen gets every event', async (t) => {
    if (!db) { t.skip(postgresSkipReason() ?? 'no PostgreSQL'); return; }
    const screen = new Screen(a.base);
    try {
      const first = await listenerOf(a);
      assert.ok(first !== null, 'A listens');
      await screen.upTo((await record()).length - 1);
      const seen = screen.frames.length;
      assert.equal((await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [first])).rows[0]!.ok, true);
      await waitFor('the old LISTEN connection to be gone', async () => ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [first])).rowCount === 0 ? true : null));
      // A waits RETRY_MS before it reconnects: these two appends through B are notified to nobody on A.
      const sent: Frame[] = [];
      sent.push(...await act(b, 'leave', 'member-left', { member: 'm6', by: 'm6' }));
      sent.push(...await act(b, 'check-in', 'member-present', { member: 'm6', by: 'm6' }));
      assert.equal(await listenerOf(a), null, 'A does not listen yet');
      await sleep(100);
      assert.equal(screen.frames.length, seen, 'A has not heard of them');
      const second = await waitFor('A to listen again', async () => { const p = await listenerOf(a); return p !== null && p !== first ? p : null; });
      assert.notEqual(second, first);
      // Nothing more is appended: only A's catch-up after it listens again can bring them.
      await screen.upTo(sent.at(-1)!.seq);
      assertWhole(screen.frames, await record(), 'the screen on A');
      // And the notices flow again.
      const more = await act(b, 'leave', 'member-left', { member: 'm5', by: 'm5' });
      await screen.upTo(more.at(-1)!.seq);
      assertWhole(screen.frames, await record(), 'the screen on A');
    } finally { screen.stop(); }
  });

  it('A and B each submit 50 events at once: none refused or lost, each once, in one chain that verifies (each submission holds the meeting\'s lock across catch-up, check and append)', async (t) => {
    if (!db) { t.skip(postgresSkipReason() ?? 'no PostgreSQL'); return; }
    const before = (await record()).length;
    const items = (p: ServerProcess, tag: string) => Array.from({ length: 50 }, (_, i) =>
      call(p.base, 'POST', `/api/meetings/${MEETING}/agenda`, { json: signAs(f, hash, 'agenda-item', { item: `${tag}-${i}`, title: `Item ${tag} ${i}`, by: i % 2 ? 'm1' : 'sec' }) }));
    const replies = await Promise.all([...items(a, 'a'), ...items(b, 'b')]);
    const refused = replies.filter((r) => r.status !== 200);
    assert.deepEqual(refused.map((r) => r.text), [], 'no submission refused');
    const stored = await record();
    assert.equal(stored.length, before + 100);
    assert.deepEqual(replies.map((r) => r.body.events[0].seq).sort((x: number, y: number) => x - y), stored.slice(before).map((e) => e.seq), 'each answered with its own seq');
    const lines = (await call(b.base, 'GET', `/api/meetings/${MEETING}/record`)).text.split('\n').filter(Boolean);
    const v = await checkMeetingRecord(lines);
    assert.deepEqual(v.report.checks.filter((c) => c.failed > 0).map((c) => c.id), ['meeting.complete']);
    const agenda = (await call(a.base, 'GET', `/api/meetings/${MEETING}`)).body.agenda;
    assert.equal(JSON.stringify(agenda).match(/"(a|b)-\d+"/g)?.length, 100, 'every item once on the agenda A serves');
  });

  it('a row put into the store behind the board\'s back, and notified, is not announced: A logs it and serves nothing beyond', async (t) => {
    if (!db) { t.skip(postgresSkipReason() ?? 'no PostgreSQL'); return; }
    const screen = new Screen(a.base);
    try {
      const stored = await record();
      const head = stored.at(-1)!;
      await screen.upTo(head.seq);
      // A check-in of m5 signed with a key that is not m5's: well formed and chained, but it does not check.
      const forged = makeMeetingEvent(head.seq + 1, head.hash, 'member-present', signMeetingPayload(hash, 'member-present', { member: 'm5', by: 'm5' }, newSigningKey().secret), new Date().toISOString());
      await admin.query('INSERT INTO veche_meeting_events (meeting, seq, type, hash, event) VALUES ($1, $2, $3, $4, $5)', [MEETING, forged.seq, forged.type, forged.hash, JSON.stringify(forged)]);
      await admin.query('SELECT pg_notify($1, $2)', [MEETING_CHANNEL, noticePayload(MEETING, forged.seq)]);
      await waitFor('A to log the forged event', async () => (a.stderr.includes(`the stored event ${forged.seq} breaks the rules`) ? true : null));
      assert.match(a.stderr, /not signed by m5's key/);
      await sleep(300);
      assert.deepEqual(screen.frames.map((x) => x.seq), stored.map((x) => x.seq), 'the screen got nothing past the last good event');
      // Fail closed: the meeting is not served from a record that does not check, and nothing is appended after the forged row.
      assert.equal((await call(a.base, 'GET', `/api/meetings/${MEETING}`)).status, 500);
      const r = await call(a.base, 'POST', `/api/meetings/${MEETING}/check-in`, { json: signAs(f, hash, 'member-present', { member: 'm5', by: 'm5' }) });
      assert.equal(r.status, 500);
      assert.equal((await admin.query('SELECT count(*)::int AS n FROM veche_meeting_events WHERE meeting = $1', [MEETING])).rows[0].n, forged.seq + 1);
    } finally { screen.stop(); }
  });
});
