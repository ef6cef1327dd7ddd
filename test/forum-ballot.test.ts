// A qualified proposal onto a ballot (spec §21.4), over HTTP on the real server, SQLite and PostgreSQL: the
// organiser adds it to a draft election as the motion question forum-<proposal id> with the proposal's
// title, and the proposal's placement is then read from the published manifest. What each party could
// try is refused with a code and changes nothing, or does not count: a question with the proposal's id
// but another title or type, a stranger or a member placing it, an unqualified or hidden proposal,
// placing it twice or onto an election past its draft; and a placement is never kept by the server
// (the draft edited or deleted, the proposal is queued again). A replayed endorsement is refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { SqliteMeetingStore } from '../src/meeting/store.js';
import { SqliteForumStore, type ForumStore } from '../src/forum/store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import { PostgresMeetingStore } from '../src/meeting/postgres-store.js';
import { PostgresForumStore } from '../src/forum/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import type { MeetingStore } from '../src/meeting/store.js';
import { freshDatabase } from './helpers/postgres.js';
import { signForumPayload } from '../src/forum/signature.js';
import { ballotPlacement, forumQuestions } from '../src/forum/ballot.js';
import type { ForumAction } from '../src/forum/types.js';
import type { Manifest } from '../src/manifest/types.js';
import { call, keyCeremony, ok, startServer } from './helpers/server.js';
import { compactManifest } from './helpers/election.js';
import { makeBody } from './meeting-fixture.js';

const nonce = () => randomBytes(16).toString('base64url');

interface Stores { board: BoardStore; meetings: MeetingStore; forum: ForumStore; dispose(): Promise<void> }
const STORES: { name: string; make(): Promise<Stores | null> }[] = [
  {
    name: 'sqlite',
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'veche-forum-ballot-'));
      const file = join(dir, 'veche.sqlite');
      const board = new SqliteStore(file);
      const meetings = new SqliteMeetingStore(file);
      const forum = new SqliteForumStore(file);
      return { board, meetings, forum, async dispose() { await forum.close(); await meetings.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    async make() {
      const db = await freshDatabase('forumballot');
      if (!db) return null;
      const board = await PostgresStore.connect(db.url);
      const meetings = await PostgresMeetingStore.connect(db.url);
      const forum = await PostgresForumStore.connect(db.url);
      return { board, meetings, forum, async dispose() { await forum.close(); await meetings.close(); await board.close(); await db.drop(); } };
    },
  },
];

describe('a forum proposal onto a ballot (spec §21.4)', () => {
  for (const factory of STORES) it(`placed as motion forum-<id> in a draft; read from the manifest; what does not count and what is refused (${factory.name})`, async (t) => {
    const stores = await factory.make();
    if (!stores) { t.skip(`${factory.name} unavailable`); return; }
    const server = await startServer(stores.board, { meetingStore: stores.meetings, forumStore: stores.forum, forumDigestIntervalMs: 0 });
    t.after(async () => { await server.close(); await stores.dispose(); });
    const { base, adminToken } = server;
    const f = makeBody([1, 1, 1], { forum: { endorsements: 2, attachmentBytes: 0 }, majority: 'two-thirds' }, 'council');
    await ok(base, 'POST', '/api/bodies', { token: adminToken, json: f.body });
    const sign = <A extends ForumAction>(by: string, action: A, fields: Record<string, unknown>) =>
      signForumPayload('council', action, { ...fields, by, nonce: nonce() } as never, f.people.get(by)!.keys.secret);
    const send = (path: string, payload: unknown) => call(base, 'POST', `/api/bodies/council/forum/${path}`, { json: payload });
    const propose = async (by: string, title: string) => (await send('proposals', sign(by, 'proposal', { title, text: `${title}: the text.`, attachments: [] }))).body.id as string;
    const endorse = async (pid: string, ...who: string[]) => { for (const m of who) assert.equal((await send(`proposals/${pid}/endorse`, sign(m, 'endorse', { proposal: pid }))).status, 200); };
    const proposal = (pid: string) => ok(base, 'GET', `/api/bodies/council/forum/proposals/${pid}`);
    const queue = async () => ((await ok(base, 'GET', '/api/bodies/council/forum/agenda-queue')).queue as { proposal: string }[]).map((q) => q.proposal);
    const manifestOf = async (id: string): Promise<Manifest> => (await ok(base, 'GET', `/api/elections/${id}`)).manifest;
    const place = (pid: string, json: unknown, token: string | null = adminToken) => call(base, 'POST', `/api/bodies/council/forum/proposals/${pid}/ballot`, { ...(token === null ? {} : { token }), json });

    const fee = await propose('m1', 'Raise the fee to 12');
    const draft = compactManifest('spring-ballot');
    const created = await ok(base, 'POST', '/api/elections', { token: adminToken, json: draft });
    const before = await manifestOf('spring-ballot');

    // Not qualified yet (1 of 2): refused, the draft unchanged.
    await endorse(fee, 'm1');
    const early = await place(fee, { election: 'spring-ballot' });
    assert.deepEqual([early.status, early.body.error], [409, 'not-qualified']);
    assert.deepEqual(await manifestOf('spring-ballot'), before);

    await endorse(fee, 'm2');
    assert.deepEqual(await queue(), [fee]);
    // A replayed endorsement (the same signed action again, after a withdrawal) is refused and changes nothing.
    const again = sign('m3', 'endorse', { proposal: fee });
    assert.equal((await send(`proposals/${fee}/endorse`, again)).status, 200);
    assert.equal((await send(`proposals/${fee}/withdraw-endorsement`, sign('m3', 'withdraw-endorsement', { proposal: fee }))).status, 200);
    const replay = await send(`proposals/${fee}/endorse`, again);
    assert.deepEqual([replay.status, replay.body.error], [409, 'replayed']);
    assert.deepEqual((await proposal(fee)).endorsements, ['m1', 'm2']);

    // Nobody but the organiser places it: no token, a wrong token; the draft unchanged.
    for (const token of [null, 'not-the-admin-token']) {
      const r = await place(fee, { election: 'spring-ballot' }, token);
      assert.equal(r.status, 401, `token ${token}`);
    }
    // Rules that the ballot cannot count are refused: a threshold without strict, a tie-passing threshold.
    assert.equal((await place(fee, { election: 'spring-ballot', threshold: { num: 1, den: 2 } })).body.error, 'malformed');
    assert.equal((await place(fee, { election: 'spring-ballot', threshold: { num: 1, den: 2 }, strict: false })).body.error, 'invalid-manifest');
    assert.equal((await place(fee, { election: 'nowhere' })).status, 404);
    assert.deepEqual(await manifestOf('spring-ballot'), before);

    // The organiser places it: the body's two-thirds majority and quorum; the placement is the manifest's.
    const placed = await place(fee, { election: 'spring-ballot' });
    assert.equal(placed.status, 200, placed.text);
    assert.deepEqual(placed.body.placement, { election: 'spring-ballot', question: `forum-${fee}` });
    const after = await manifestOf('spring-ballot');
    assert.deepEqual(after.questions.at(-1), { type: 'motion', id: `forum-${fee}`, title: 'Raise the fee to 12', quorum: { num: 1, den: 2 }, threshold: { num: 2, den: 3 }, strict: false });
    assert.deepEqual(after.questions.slice(0, -1), before.questions);
    assert.deepEqual((await proposal(fee)).placement, { election: 'spring-ballot', question: `forum-${fee}` });
    assert.deepEqual(await queue(), []);
    // Twice: refused (already in this manifest; and in any other, already placed).
    assert.equal((await place(fee, { election: 'spring-ballot' })).body.error, 'duplicate');
    await ok(base, 'POST', '/api/elections', { token: adminToken, json: compactManifest('autumn-ballot') });
    assert.equal((await place(fee, { election: 'autumn-ballot' })).body.error, 'duplicate');

    // No flag on the server: the organiser edits the question's title in the draft: no longer the proposal.
    const retitled = { ...after, questions: after.questions.map((q) => (q.id === `forum-${fee}` ? { ...q, title: 'Lower the fee to 8' } : q)) };
    await ok(base, 'PUT', '/api/elections/spring-ballot/manifest', { token: adminToken, json: retitled });
    assert.equal((await proposal(fee)).placement, null);
    assert.deepEqual(await queue(), [fee]);
    // A question with that id and title but another type is not a motion on it either.
    const asChoice = { ...after, questions: after.questions.map((q) => (q.id === `forum-${fee}` ? { type: 'choice', id: q.id, title: q.title, candidates: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }], allowBlank: false, absoluteMajority: false } : q)) };
    await ok(base, 'PUT', '/api/elections/spring-ballot/manifest', { token: adminToken, json: asChoice });
    assert.equal((await proposal(fee)).placement, null);
    // Back as it was placed, then the draft deleted: the placement goes with it.
    await ok(base, 'PUT', '/api/elections/spring-ballot/manifest', { token: adminToken, json: after });
    assert.deepEqual((await proposal(fee)).placement, { election: 'spring-ballot', question: `forum-${fee}` });
    await ok(base, 'POST', '/api/elections/spring-ballot/delete', { token: adminToken, json: { confirm: 'spring-ballot' } });
    assert.equal((await proposal(fee)).placement, null);
    assert.deepEqual(await queue(), [fee]);

    // Past its draft (a trustee has committed), an election takes no proposal; its manifest unchanged.
    const autumn = await manifestOf('autumn-ballot');
    const tokens = (await ok(base, 'POST', '/api/elections', { token: adminToken, json: compactManifest('summer-ballot') })).trusteeTokens;
    await keyCeremony(base, 'summer-ballot', tokens);
    const late = await place(fee, { election: 'summer-ballot' });
    assert.deepEqual([late.status, late.body.error], [409, 'not-a-draft']);
    assert.equal((await manifestOf('summer-ballot')).questions.length, compactManifest('x').questions.length);

    // A hidden proposal is not placed; a reply is not a proposal; another body's proposal is unknown here.
    const hush = await propose('m2', 'Close the library');
    await endorse(hush, 'm2', 'm3');
    assert.equal((await send(`posts/${hush}/hide`, sign('sec', 'hide', { post: hush, reason: 'Duplicate of an earlier proposal' }))).status, 200);
    assert.equal((await place(hush, { election: 'autumn-ballot' })).body.error, 'hidden');
    const reply = (await send(`proposals/${fee}/replies`, sign('m3', 'reply', { proposal: fee, parent: fee, text: 'Agreed.' }))).body.id as string;
    assert.equal((await place(reply, { election: 'autumn-ballot' })).body.error, 'malformed');
    const other = makeBody([1], { forum: { endorsements: 1, attachmentBytes: 0 } }, 'club');
    await ok(base, 'POST', '/api/bodies', { token: adminToken, json: other.body });
    const clubs = (await call(base, 'POST', '/api/bodies/club/forum/proposals', { json: signForumPayload('club', 'proposal', { title: 'Club', text: 'Club text', attachments: [], by: 'm1', nonce: nonce() }, other.people.get('m1')!.keys.secret) })).body.id as string;
    assert.equal((await place(clubs, { election: 'autumn-ballot' })).body.error, 'unknown-post');
    assert.deepEqual(await manifestOf('autumn-ballot'), autumn);
    void created;
  });

  it('the reader\'s check: the first election (by its election event) with a motion of that id and exactly that title', () => {
    const q = (election: string, time: string, question: string, type: string, title: string) => ({ election, time, question, type, title });
    const id = '0b7e5f4c-5d1e-4a43-9a59-3b8e2f1c0d9a';
    const questions = [
      q('a-late', '2026-03-02T00:00:00.000Z', `forum-${id}`, 'motion', 'Budget'),
      q('z-early', '2026-03-01T00:00:00.000Z', `forum-${id}`, 'motion', 'Budget '),
      q('m-mid', '2026-03-01T12:00:00.000Z', `forum-${id}`, 'motion', 'Budget'),
    ].sort((a, b) => (a.time < b.time ? -1 : 1));
    // z-early's title differs by a space: not the proposal; m-mid is the first that is.
    assert.deepEqual(ballotPlacement(questions, { id, title: 'Budget' }), { election: 'm-mid', question: `forum-${id}` });
    assert.equal(ballotPlacement(questions, { id, title: 'budget' }), null);
    assert.equal(ballotPlacement(questions, { id: id.replace('0b', '1b'), title: 'Budget' }), null);
    void forumQuestions;
  });
});
