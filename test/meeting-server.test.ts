// Meetings over HTTP on both stores: the admin makes a body and a meeting; members and the chair sign in
// their own "browsers" (here) and the server checks, appends or refuses with a code changing nothing; the
// live stream (server-sent events) resumes after a dropped connection with Last-Event-ID; the record
// served verifies with the meeting verifier.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import { describe, it } from 'node:test';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import { SqliteMeetingStore, type MeetingStore } from '../src/meeting/store.js';
import { PostgresMeetingStore } from '../src/meeting/postgres-store.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { newSigningKey } from '../src/record/signature.js';
import { freshDatabase } from './helpers/postgres.js';
import { call, startServer } from './helpers/server.js';
import { makeBody, signAs } from './meeting-fixture.js';

interface Stores { board: BoardStore; meetings: MeetingStore; dispose(): Promise<void> }
const STORES: { name: string; make(): Promise<Stores | null> }[] = [
  {
    name: 'sqlite',
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'veche-meeting-server-'));
      // One SQLite file for both, as the server would keep it.
      const board = new SqliteStore(join(dir, 'veche.sqlite'));
      const meetings = new SqliteMeetingStore(join(dir, 'veche.sqlite'));
      return { board, meetings, async dispose() { await meetings.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    async make() {
      const db = await freshDatabase('meeting-server');
      if (!db) return null;
      const board = await PostgresStore.connect(db.url);
      const meetings = await PostgresMeetingStore.connect(db.url);
      return { board, meetings, async dispose() { await meetings.close(); await board.close(); await db.drop(); } };
    },
  },
];

interface SseEvent { id: number; type: string; data: any }

/** Reads the live stream until `until(events)` holds, then drops the connection (as a phone losing signal).
 *  node:http with its own socket (no pool), so that dropping it leaves nothing open. */
function readStream(base: string, path: string, until: (evs: SseEvent[]) => boolean, lastEventId?: number): Promise<SseEvent[]> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
    const out: SseEvent[] = [];
    const req = get(base + path, { headers, agent: false }, (res) => {
      try {
        assert.equal(res.statusCode, 200);
        assert.match(res.headers['content-type'] ?? '', /^text\/event-stream/);
      } catch (e) { req.destroy(); reject(e); return; }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f: Record<string, string> = {};
          for (const line of frame.split('\n')) { const m = /^(\w+): (.*)$/.exec(line); if (m) f[m[1]!] = m[2]!; }
          if (f.id !== undefined) out.push({ id: Number(f.id), type: f.event!, data: JSON.parse(f.data!) });
        }
        if (until(out)) { clearTimeout(timer); req.destroy(); resolve(out); }
      });
    });
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`the stream did not bring what was awaited; got ${out.map((e) => e.type).join(', ')}`)); }, 10_000);
    req.on('error', (e) => { clearTimeout(timer); if (!until(out)) reject(e); });
  });
}

for (const factory of STORES) {
  describe(`meetings over HTTP (${factory.name})`, () => {
    it('a sitting: body, meeting, check-in, proxy, motion, votes, refusals, live stream with resume, a record that verifies', async (t) => {
      const stores = await factory.make();
      if (!stores) { t.skip(`${factory.name} unavailable`); return; }
      const server = await startServer(stores.board, { meetingStore: stores.meetings });
      try {
        const { base, adminToken } = server;
        const f = makeBody([1, 1, 1, 1, 1], { proxyLimit: 1 });
        // Admin only; a body is checked field by field.
        assert.equal((await call(base, 'POST', '/api/bodies', { json: f.body })).status, 401);
        const bad = await call(base, 'POST', '/api/bodies', { token: adminToken, json: { ...f.body, members: [] } });
        assert.deepEqual([bad.status, bad.body.error], [400, 'invalid-body']);
        assert.equal((await call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body })).status, 200);
        assert.equal((await call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body })).body.error, 'exists');
        const created = await call(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'agm', title: 'Annual meeting', body: f.body.id, chair: 'm1', secretaries: ['sec'] } });
        assert.equal(created.status, 200, created.text);
        const hash: string = created.body.meetingHash;
        const post = (path: string, type: Parameters<typeof signAs>[2], payload: any) => call(base, 'POST', `/api/meetings/agm/${path}`, { json: signAs(f, hash, type, payload) });
        const head = async () => (await call(base, 'GET', '/api/meetings/agm')).body.headSeq as number;
        /** Refused with status and code, and nothing changed. */
        const refused = async (status: number, code: string, send: () => Promise<{ status: number; body: any }>) => {
          const before = await head();
          const r = await send();
          assert.deepEqual([r.status, r.body.error], [status, code], r.body.message);
          assert.equal(typeof r.body.message, 'string');
          assert.equal(await head(), before);
        };

        assert.equal((await post('open', 'meeting-opened', { by: 'm1' })).status, 200);
        for (const m of ['m1', 'm2', 'm3']) assert.equal((await post('check-in', 'member-present', { member: m, by: m })).status, 200);
        assert.equal((await post('proxies', 'proxy-granted', { principal: 'm4', holder: 'm2', scope: 'meeting', by: 'm4' })).status, 200);
        await refused(422, 'proxy-limit', () => post('proxies', 'proxy-granted', { principal: 'm5', holder: 'm2', scope: 'meeting', by: 'm5' }));
        // The quorum is half the members: m2, m3 leave → 1 present, 1 represented (m4's holder m2 is gone).
        assert.equal((await post('motions', 'motion-put', { motion: 'dues', title: 'Raise the dues', text: 'By 5 %.', majority: 'simple', mode: 'named', by: 'sec' })).status, 200);
        await post('leave', 'member-left', { member: 'm2', by: 'm2' });
        await post('leave', 'member-left', { member: 'm3', by: 'm3' });
        let view = (await call(base, 'GET', '/api/meetings/agm')).body;
        assert.equal(view.quorum.met, false);
        await refused(409, 'no-quorum', () => post('motions/dues/open', 'vote-opened', { motion: 'dues', text: 'By 5 %.', ...view.roll, seconds: 0, by: 'm1' }));
        await post('check-in', 'member-present', { member: 'm2', by: 'm2' });
        // Only the member can check in: the secretary cannot make up a quorum.
        await refused(403, 'not-allowed', () => post('check-in', 'member-present', { member: 'm3', by: 'sec' }));
        await post('check-in', 'member-present', { member: 'm3', by: 'm3' });
        view = (await call(base, 'GET', '/api/meetings/agm')).body;
        assert.deepEqual(view.roll, { present: ['m1', 'm2', 'm3'], proxies: [{ principal: 'm4', holder: 'm2' }] });
        assert.equal((await post('motions/dues/open', 'vote-opened', { motion: 'dues', text: 'By 5 %.', ...view.roll, seconds: 0, by: 'm1' })).status, 200);

        // m3's phone follows the meeting, then loses its connection after the vote opened.
        const seen = await readStream(base, '/api/meetings/agm/events', (evs) => evs.some((e) => e.type === 'vote-opened'));
        assert.deepEqual(seen.map((e) => e.id), seen.map((_e, i) => i));
        const lastSeen = seen[seen.length - 1]!.id;

        // A stranger, a forgery, a vote for someone else's principal: refused, nothing changes.
        const stranger = newSigningKey();
        await refused(422, 'not-a-member', () => call(base, 'POST', '/api/meetings/agm/motions/dues/votes', { json: signMeetingPayload(hash, 'named-vote', { motion: 'dues', votes: [{ member: 'zz', for: 1, against: 0, abstain: 0 }], by: 'zz' }, stranger.secret) }));
        await refused(422, 'bad-signature', () => call(base, 'POST', '/api/meetings/agm/motions/dues/votes', { json: signMeetingPayload(hash, 'named-vote', { motion: 'dues', votes: [{ member: 'm3', for: 1, against: 0, abstain: 0 }], by: 'm3' }, f.people.get('m2')!.keys.secret) }));
        await refused(422, 'no-proxy', () => post('motions/dues/votes', 'named-vote', { motion: 'dues', votes: [{ member: 'm4', for: 1, against: 0, abstain: 0 }], by: 'm3' }));
        await refused(400, 'malformed', () => call(base, 'POST', '/api/meetings/agm/motions/other/votes', { json: signAs(f, hash, 'named-vote', { motion: 'dues', votes: [{ member: 'm3', for: 1, against: 0, abstain: 0 }], by: 'm3' }) }));
        await refused(400, 'malformed-json', () => call(base, 'POST', '/api/meetings/agm/motions/dues/votes', { raw: '{"motion":"dues","motion":"x"}' }));

        // The chair votes against; m2 votes for itself and m4 in one action; m3 votes while offline from the stream.
        assert.equal((await post('motions/dues/votes', 'named-vote', { motion: 'dues', votes: [{ member: 'm1', for: 0, against: 1, abstain: 0 }], by: 'm1' })).status, 200);
        const block = await post('motions/dues/votes', 'named-vote', { motion: 'dues', votes: [{ member: 'm2', for: 1, against: 0, abstain: 0 }, { member: 'm4', for: 1, against: 0, abstain: 0 }], by: 'm2' });
        assert.equal(block.status, 200);
        // Both sides of the proxy see it, and which event cast the principal's vote.
        view = (await call(base, 'GET', '/api/meetings/agm')).body;
        assert.deepEqual(view.proxies, [{ principal: 'm4', holder: 'm2', scope: 'meeting' }]);
        assert.equal(view.motions[0].votes.m4, block.body.events[0].seq);
        assert.deepEqual(view.motions[0].voted, ['m1', 'm2', 'm4']);
        const mine = await post('motions/dues/votes', 'named-vote', { motion: 'dues', votes: [{ member: 'm3', for: 1, against: 0, abstain: 0 }], by: 'm3' });
        assert.equal(mine.status, 200);
        const closed = await post('motions/dues/close', 'vote-closed', { motion: 'dues', by: 'sec' });
        assert.equal(closed.status, 200);
        assert.deepEqual([closed.body.result.counts, closed.body.result.outcome], [{ for: 3, against: 1, abstain: 0 }, 'passed']);
        await refused(409, 'vote-closed', () => post('motions/dues/votes', 'named-vote', { motion: 'dues', votes: [{ member: 'm3', for: 0, against: 1, abstain: 0 }], by: 'm3' }));

        // m3's phone reconnects with Last-Event-ID: it gets exactly what it missed, its own vote among them.
        const missed = await readStream(base, '/api/meetings/agm/events', (evs) => evs.some((e) => e.type === 'motion-result'), lastSeen);
        assert.equal(missed[0]!.id, lastSeen + 1);
        assert.deepEqual(missed.map((e) => e.id), missed.map((_e, i) => lastSeen + 1 + i));
        const myVote = missed.find((e) => e.type === 'named-vote' && e.data.payload.by === 'm3')!;
        assert.deepEqual([myVote.id, myVote.data.hash], [mine.body.events[0].seq, mine.body.events[0].hash]);
        assert.equal(missed[missed.length - 1]!.data.payload.outcome, 'passed');

        // And a live listener gets the next event as it happens.
        const live = readStream(base, '/api/meetings/agm/events', (evs) => evs.some((e) => e.type === 'meeting-closed'), missed[missed.length - 1]!.id);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal((await post('close', 'meeting-closed', { by: 'm1' })).status, 200);
        assert.deepEqual((await live).map((e) => e.type), ['meeting-closed']);

        assert.deepEqual([(await call(base, 'GET', '/api/meetings/nope/events')).status, (await call(base, 'GET', '/api/meetings/nope')).body.error], [404, 'unknown-meeting']);
        const record = await call(base, 'GET', '/api/meetings/agm/record');
        const v = await checkMeetingRecord(record.text.split('\n').slice(0, -1));
        assert.deepEqual(v.report.checks.filter((c) => c.failed > 0).map((c) => c.id), []);
        assert.ok(v.report.ok);
      } finally {
        await server.close();
        await stores.dispose();
      }
    });

    it('the agenda, a speakers list and amendments over HTTP: refusals with their status and nothing changed; the record verifies', async (t) => {
      const stores = await factory.make();
      if (!stores) { t.skip(`${factory.name} unavailable`); return; }
      const server = await startServer(stores.board, { meetingStore: stores.meetings });
      try {
        const { base, adminToken } = server;
        const f = makeBody([1, 1, 1]);
        assert.equal((await call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body })).status, 200);
        const hash: string = (await call(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'sit', title: 'Sitting', body: f.body.id, chair: 'm1', secretaries: ['sec'] } })).body.meetingHash;
        const post = (path: string, type: Parameters<typeof signAs>[2], payload: any) => call(base, 'POST', `/api/meetings/sit/${path}`, { json: signAs(f, hash, type, payload) });
        const state = async () => (await call(base, 'GET', '/api/meetings/sit')).body;
        const refused = async (status: number, code: string, send: () => Promise<{ status: number; body: any }>) => {
          const before = (await state()).headSeq;
          const r = await send();
          assert.deepEqual([r.status, r.body.error], [status, code], r.body.message);
          assert.equal((await state()).headSeq, before);
        };
        assert.equal((await post('agenda', 'agenda-item', { item: 'fees', title: 'Fees', by: 'sec' })).status, 200);
        assert.equal((await post('open', 'meeting-opened', { by: 'm1' })).status, 200);
        for (const m of ['m1', 'm2']) await post('check-in', 'member-present', { member: m, by: m });
        await refused(409, 'not-current', () => post('speakers', 'speaker-requested', { item: 'fees', member: 'm2', side: 'for', by: 'm2' }));
        assert.equal((await post('agenda/open', 'item-opened', { item: 'fees', by: 'sec' })).status, 200);
        await refused(422, 'not-present', () => post('speakers', 'speaker-requested', { item: 'fees', member: 'm3', side: 'for', by: 'm3' }));
        await refused(422, 'not-a-member', () => post('speakers', 'speaker-requested', { item: 'fees', member: 'sec', side: 'for', by: 'sec' }));
        assert.equal((await post('speakers', 'speaker-requested', { item: 'fees', member: 'm2', side: 'against', by: 'm2' })).status, 200);
        assert.equal((await post('speakers/floor', 'floor-given', { item: 'fees', member: 'm2', by: 'm1' })).status, 200);
        assert.deepEqual((await state()).agenda.items[0].speakers, [{ member: 'm2', side: 'against', status: 'speaking' }]);

        assert.equal((await post('motions', 'motion-put', { motion: 'fee', title: 'Fee', text: 'The fee is 10.\n\nDue in May.', majority: 'simple', mode: 'named', by: 'sec' })).status, 200);
        await refused(400, 'malformed', () => post('motions/other/amendments', 'amendment-put', { motion: 'fee', amendment: 'a1', title: 'x', paragraph: 1, text: 'x', majority: 'simple', by: 'sec' }));
        await refused(422, 'no-paragraph', () => post('motions/fee/amendments', 'amendment-put', { motion: 'fee', amendment: 'a1', title: 'x', paragraph: 3, text: 'x', majority: 'simple', by: 'sec' }));
        assert.equal((await post('motions/fee/amendments', 'amendment-put', { motion: 'fee', amendment: 'a1', title: 'Fee 12', paragraph: 1, text: 'The fee is 12.', majority: 'simple', by: 'sec' })).status, 200);
        let v = await state();
        const open = (motion: string, text: string) => post(`motions/${motion}/open`, 'vote-opened', { motion, text, ...v.roll, seconds: 0, by: 'm1' });
        await refused(409, 'amendment-order', () => open('fee', 'The fee is 10.\n\nDue in May.'));
        assert.equal(v.motions.find((m: any) => m.id === 'a1').voteText, 'The fee is 12.\n\nDue in May.');
        await refused(409, 'wrong-text', () => open('a1', 'The fee is 12.'));
        assert.equal((await open('a1', 'The fee is 12.\n\nDue in May.')).status, 200);
        for (const m of ['m1', 'm2']) await post('motions/a1/votes', 'named-vote', { motion: 'a1', votes: [{ member: m, for: 1, against: 0, abstain: 0 }], by: m });
        assert.equal((await post('motions/a1/close', 'vote-closed', { motion: 'a1', by: 'sec' })).body.result.outcome, 'passed');
        v = await state();
        assert.equal(v.motions.find((m: any) => m.id === 'fee').amendedText, 'The fee is 12.\n\nDue in May.');
        await refused(409, 'wrong-text', () => open('fee', 'The fee is 10.\n\nDue in May.'));
        assert.equal((await open('fee', 'The fee is 12.\n\nDue in May.')).status, 200);
        await refused(409, 'amendment-order', () => post('motions/fee/amendments', 'amendment-put', { motion: 'fee', amendment: 'a2', title: 'Late', paragraph: 2, text: '', majority: 'simple', by: 'sec' }));
        await post('motions/fee/votes', 'named-vote', { motion: 'fee', votes: [{ member: 'm2', for: 1, against: 0, abstain: 0 }], by: 'm2' });
        await post('motions/fee/close', 'vote-closed', { motion: 'fee', by: 'sec' });
        assert.equal((await post('close', 'meeting-closed', { by: 'm1' })).status, 200);
        const record = await call(base, 'GET', '/api/meetings/sit/record');
        const checked = await checkMeetingRecord(record.text.split('\n').slice(0, -1));
        assert.deepEqual(checked.report.checks.filter((c) => c.failed > 0).map((c) => c.id), []);
        assert.ok(checked.report.checks.find((c) => c.id === 'meeting.amendments'));
      } finally {
        await server.close();
        await stores.dispose();
      }
    });
  });
}
