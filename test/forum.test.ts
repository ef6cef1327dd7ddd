// A body's forum over HTTP on both stores (spec §21): members post, reply and endorse with signed
// actions; a proposal that reaches the body's threshold is queued and, once the chair puts it on a
// meeting's agenda, says where it went (and the meeting record still verifies with `veche verify`);
// moderation hides with a reason in a public log, one appeal decided by another officer; search finds
// text, never hidden posts, and takes operator characters as plain text; a digest mail reaches a real
// SMTP server. Each attacker's try is refused with a code and changes nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import { SqliteMeetingStore, type MeetingStore } from '../src/meeting/store.js';
import { PostgresMeetingStore } from '../src/meeting/postgres-store.js';
import { signMeetingPayload } from '../src/meeting/signature.js';
import { SqliteForumStore, type ForumStore } from '../src/forum/store.js';
import { PostgresForumStore } from '../src/forum/postgres-store.js';
import { signForumPayload } from '../src/forum/signature.js';
import type { ForumAction } from '../src/forum/types.js';
import { SqliteServerMailStore } from '../src/server/mail/sqlite-store.js';
import { PostgresServerMailStore } from '../src/server/mail/postgres-store.js';
import type { ServerMailStore } from '../src/server/mail/store.js';
import { smtpTransport } from '../src/credentials/mail.js';
import { newSigningKey } from '../src/record/signature.js';
import { freshDatabase } from './helpers/postgres.js';
import { call, startServer } from './helpers/server.js';
import { veche } from './helpers/cli.js';
import { startSmtp } from './credentials-fixture.js';
import { makeBody } from './meeting-fixture.js';

interface Stores { board: BoardStore; meetings: MeetingStore; forum: ForumStore; mail: ServerMailStore; dispose(): Promise<void> }
const STORES: { name: string; make(): Promise<Stores | null> }[] = [
  {
    name: 'sqlite',
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'veche-forum-'));
      const file = join(dir, 'veche.sqlite');
      const board = new SqliteStore(file);
      const meetings = new SqliteMeetingStore(file);
      const forum = new SqliteForumStore(file);
      const mail = new SqliteServerMailStore(file);
      return { board, meetings, forum, mail, async dispose() { await mail.close(); await forum.close(); await meetings.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    async make() {
      const db = await freshDatabase('forum');
      if (!db) return null;
      const board = await PostgresStore.connect(db.url);
      const meetings = await PostgresMeetingStore.connect(db.url);
      const forum = await PostgresForumStore.connect(db.url);
      const mail = await PostgresServerMailStore.connect(db.url);
      return { board, meetings, forum, mail, async dispose() { await mail.close(); await forum.close(); await meetings.close(); await board.close(); await db.drop(); } };
    },
  },
];

const PUBLIC = 'https://vote.example.test';
const nonce = () => randomBytes(16).toString('base64url');

for (const factory of STORES) {
  describe(`a body's forum over HTTP (${factory.name})`, () => {
    it('post, reply, endorse to the threshold -> on the next meeting\'s agenda; moderation and appeal; search; attachments; a digest mail', async (t) => {
      const stores = await factory.make();
      if (!stores) { t.skip(`${factory.name} unavailable`); return; }
      const smtp = await startSmtp();
      const transport = smtpTransport(smtp.url);
      const server = await startServer(stores.board, {
        meetingStore: stores.meetings, forumStore: stores.forum, forumDigestIntervalMs: 0,
        serverMail: { store: stores.mail, transport, publicUrl: PUBLIC, rate: '1000/s', log: () => {} },
      });
      t.after(async () => { await server.close(); transport.close(); await smtp.close(); await stores.dispose(); });
      const { base, adminToken } = server;
      const f = makeBody([1, 1, 1, 1], { forum: { endorsements: 3, attachmentBytes: 1000 } });
      const mod2 = { id: 'mod2', name: 'Second officer', keys: newSigningKey() };
      f.people.set(mod2.id, mod2);
      f.body.officers.push({ id: mod2.id, name: mod2.name, key: mod2.keys.key });
      const bodyId = f.body.id;

      // The forum rule is checked with the body.
      const badRule = await call(base, 'POST', '/api/bodies', { token: adminToken, json: { ...f.body, rules: { ...f.body.rules, forum: { endorsements: 0, attachmentBytes: 10 } } } });
      assert.deepEqual([badRule.status, badRule.body.error], [400, 'invalid-body']);
      assert.equal((await call(base, 'POST', '/api/bodies', { token: adminToken, json: f.body })).status, 200);

      const sign = (by: string, action: ForumAction, payload: Record<string, unknown>, keyOf = by) =>
        signForumPayload(bodyId, action, { ...payload, by, nonce: nonce() } as never, f.people.get(keyOf)!.keys.secret);
      const send = (path: string, json: unknown) => call(base, 'POST', `/api/bodies/${bodyId}/forum/${path}`, { json });
      const get = async (path: string) => { const r = await call(base, 'GET', `/api/bodies/${bodyId}/forum/${path}`); assert.equal(r.status, 200, r.text); return r.body; };
      const count = async () => (await get('proposals')).proposals.length as number;
      /** Refused with status and code, and the forum unchanged (proposals, thread, log). */
      const refused = async (status: number, code: string, r: Promise<{ status: number; body: any }>, proposal?: string) => {
        const before = [await count(), proposal ? JSON.stringify(await get(`proposals/${proposal}`)) : '', JSON.stringify(await get('moderation'))];
        const res = await r;
        assert.deepEqual([res.status, res.body.error], [status, code], res.body.message);
        assert.equal(typeof res.body.message, 'string');
        assert.deepEqual([await count(), proposal ? JSON.stringify(await get(`proposals/${proposal}`)) : '', JSON.stringify(await get('moderation'))], before);
      };

      // A proposal with an attachment; one over the body's limit is refused.
      const pdf = Buffer.from('%PDF-1.4 <script>alert(1)</script> the budget annex');
      const made = await send('proposals', sign('m1', 'proposal', { title: 'A budget for the park', text: 'We propose a budget for the new park benches.', attachments: [{ name: 'annex ü.pdf', type: 'application/pdf', data: pdf.toString('base64') }] }));
      assert.equal(made.status, 200, made.text);
      const pid: string = made.body.id;
      assert.equal(made.body.agendaItem, `forum-${pid}`);
      await refused(413, 'too-large', send('proposals', sign('m2', 'proposal', { title: 'Big', text: 'Too big an annex.', attachments: [{ name: 'big.bin', type: 'application/octet-stream', data: Buffer.alloc(1001).toString('base64') }] })));
      await refused(400, 'malformed', send('proposals', sign('m2', 'proposal', { title: 'Path', text: 'x', attachments: [{ name: '../etc/passwd', type: 'text/plain', data: '' }] })));
      await refused(400, 'malformed', send('proposals', { ...sign('m2', 'proposal', { title: 'Extra', text: 'x', attachments: [] }), extra: 1 }));

      // A non-member, a forged signer, a replay.
      const outsider = { id: 'x9', name: 'Outsider', keys: newSigningKey() };
      f.people.set(outsider.id, outsider);
      await refused(403, 'not-a-member', send('proposals', sign('x9', 'proposal', { title: 'Spam', text: 'Buy now', attachments: [] })));
      await refused(422, 'bad-signature', send('proposals', sign('m2', 'proposal', { title: 'In m2\'s name', text: 'Not m2', attachments: [] }, 'x9')));
      const replyAction = sign('m2', 'reply', { proposal: pid, parent: pid, text: 'Benches near the pond, please.' });
      assert.equal((await send(`proposals/${pid}/replies`, replyAction)).status, 200);
      await refused(409, 'replayed', send(`proposals/${pid}/replies`, replyAction), pid);

      // Endorsements: once per member, withdrawable, never for another; the third reaches the threshold.
      assert.equal((await send(`proposals/${pid}/endorse`, sign('m1', 'endorse', { proposal: pid }))).body.endorsements.length, 1);
      assert.equal((await send(`proposals/${pid}/endorse`, sign('m2', 'endorse', { proposal: pid }))).status, 200);
      await refused(409, 'duplicate', send(`proposals/${pid}/endorse`, sign('m2', 'endorse', { proposal: pid })), pid);
      await refused(422, 'bad-signature', send(`proposals/${pid}/endorse`, sign('m4', 'endorse', { proposal: pid }, 'm3')), pid);
      await refused(403, 'not-a-member', send(`proposals/${pid}/endorse`, sign('x9', 'endorse', { proposal: pid })), pid);
      assert.deepEqual((await send(`proposals/${pid}/withdraw-endorsement`, sign('m2', 'withdraw-endorsement', { proposal: pid }))).body.endorsements, ['m1']);
      await refused(409, 'not-endorsed', send(`proposals/${pid}/withdraw-endorsement`, sign('m2', 'withdraw-endorsement', { proposal: pid })), pid);
      assert.equal((await send(`proposals/${pid}/endorse`, sign('m2', 'endorse', { proposal: pid }))).body.qualified, null);
      assert.deepEqual((await get('agenda-queue')).queue, []);
      const third = await send(`proposals/${pid}/endorse`, sign('m3', 'endorse', { proposal: pid }));
      assert.equal(third.status, 200, third.text);
      assert.equal(typeof third.body.qualified, 'string');
      assert.deepEqual((await get('agenda-queue')).queue.map((q: any) => [q.proposal, q.item, q.title]), [[pid, `forum-${pid}`, 'A budget for the park']]);

      // The chair puts it on the next meeting's agenda through the meeting's own rules; the proposal says where it went.
      const created = await call(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'agm', title: 'Annual meeting', body: bodyId, chair: 'm1', secretaries: ['sec'] } });
      assert.equal(created.status, 200, created.text);
      const item = signMeetingPayload(created.body.meetingHash, 'agenda-item', { item: `forum-${pid}`, title: 'A budget for the park', by: 'm1' }, f.people.get('m1')!.keys.secret);
      assert.equal((await call(base, 'POST', '/api/meetings/agm/agenda', { json: item })).status, 200);
      const placed = await get(`proposals/${pid}`);
      assert.deepEqual(placed.placement, { meeting: 'agm', item: `forum-${pid}`, seq: 1 });
      assert.deepEqual((await get('agenda-queue')).queue, []);
      const dir = mkdtempSync(join(tmpdir(), 'veche-forum-record-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'agm.jsonl'), (await call(base, 'GET', '/api/meetings/agm/record')).text);
      const verified = await veche(['verify', join(dir, 'agm.jsonl')]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /VERIFIED/);

      // The attachment: a download, never rendered on this origin.
      const info = placed.proposal.attachments[0];
      assert.deepEqual([info.name, info.size], ['annex ü.pdf', pdf.length]);
      const file = await fetch(`${base}/api/bodies/${bodyId}/forum/posts/${pid}/attachments/0`);
      assert.equal(file.headers.get('content-type'), 'application/octet-stream');
      assert.match(file.headers.get('content-disposition') ?? '', /^attachment; filename="annex _.pdf"; filename\*=UTF-8''annex%20%C3%BC\.pdf$/);
      assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), pdf);
      assert.equal((await call(base, 'GET', `/api/bodies/${bodyId}/forum/posts/${pid}/attachments/1`)).status, 404);

      // Moderation: only officers hide; the log shows author and reason; one appeal, decided by another officer.
      const spam = await send(`proposals/${pid}/replies`, sign('m4', 'reply', { proposal: pid, parent: pid, text: 'Cheap watches offensive spam' }));
      const sid: string = spam.body.id;
      const search = async (q: string) => { const r = await call(base, 'GET', `/api/bodies/${bodyId}/forum/search?q=${encodeURIComponent(q)}`); assert.equal(r.status, 200, `${q}: ${r.text}`); return (r.body.results as any[]).map((x) => x.id); };
      assert.deepEqual(await search('offensive watches'), [sid]);
      await refused(403, 'not-a-moderator', send(`posts/${sid}/hide`, sign('m1', 'hide', { post: sid, reason: 'I dislike it' })), pid);
      assert.equal((await send(`posts/${sid}/hide`, sign('sec', 'hide', { post: sid, reason: 'Advertising' }))).status, 200);
      assert.deepEqual(await search('offensive'), []);
      const hiddenView = (await get(`proposals/${pid}`)).thread.find((x: any) => x.id === sid);
      assert.deepEqual([hiddenView.author, hiddenView.hidden, hiddenView.text], ['m4', true, null]);
      await refused(403, 'not-allowed', send(`posts/${sid}/appeal`, sign('m1', 'appeal', { post: sid, reason: 'For m4' })), pid);
      await refused(409, 'no-appeal', send(`posts/${sid}/decide-appeal`, sign('mod2', 'decide-appeal', { post: sid, decision: 'restored', reason: 'early' })), pid);
      assert.equal((await send(`posts/${sid}/appeal`, sign('m4', 'appeal', { post: sid, reason: 'It was a joke' }))).status, 200);
      await refused(409, 'appealed', send(`posts/${sid}/appeal`, sign('m4', 'appeal', { post: sid, reason: 'Again' })), pid);
      await refused(403, 'same-officer', send(`posts/${sid}/decide-appeal`, sign('sec', 'decide-appeal', { post: sid, decision: 'upheld', reason: 'Mine' })), pid);
      assert.equal((await send(`posts/${sid}/decide-appeal`, sign('mod2', 'decide-appeal', { post: sid, decision: 'restored', reason: 'A joke, not spam' }))).status, 200);
      const log = (await get('moderation')).log.map((e: any) => [e.post, e.author, e.action, e.by, e.reason]);
      assert.deepEqual(log, [[sid, 'm4', 'hidden', 'sec', 'Advertising'], [sid, 'm4', 'appealed', 'm4', 'It was a joke'], [sid, 'm4', 'restored', 'mod2', 'A joke, not spam']]);
      assert.deepEqual(await search('offensive'), [sid]);

      // Search: the title ranks first; operators and quotes are plain text; nothing breaks.
      assert.deepEqual(await search('budget'), [pid]);
      assert.deepEqual((await search('park')).slice(0, 1), [pid]);
      for (const q of ['"', '*', 'NEAR', ':', '&', 'budget"', 'bud*', 'NEAR(budget park)', 'title:budget', 'budget & park', 'budget | !park', "'budget'", '(', 'AND OR NOT', '\\']) await search(q);
      assert.deepEqual(await search('"budget" & park*'), [pid]);
      assert.deepEqual(await search('title:budget'), []); // "title" is a word here, not a column
      assert.equal((await call(base, 'GET', `/api/bodies/${bodyId}/forum/search?q=`)).status, 400);

      // The digest: to members who asked, through the outbox, to a real SMTP server; nothing new, no mail.
      await refused(400, 'malformed', send('digest-address', sign('m2', 'digest-address', { email: 'not an address' })));
      assert.equal((await send('digest-address', sign('m2', 'digest-address', { email: 'm2@example.org' }))).status, 200);
      assert.equal((await call(base, 'POST', `/api/bodies/${bodyId}/forum/digest`, { json: {} })).status, 401);
      const round = await call(base, 'POST', `/api/bodies/${bodyId}/forum/digest`, { token: adminToken, json: {} });
      assert.equal(round.status, 200, round.text);
      assert.deepEqual([round.body.mails, round.body.sent], [1, 1]);
      const mail = smtp.received.find((r) => r.to === 'm2@example.org');
      assert.ok(mail, 'the digest reached the SMTP server');
      assert.match(mail.mail.subject ?? '', /The Board: forum digest/);
      assert.match(mail.mail.text ?? '', /New proposals:\n- A budget for the park \(by m1\)/);
      assert.match(mail.mail.text ?? '', /Benches near the pond/);
      assert.ok((mail.mail.text ?? '').includes(`${PUBLIC}/forum/${bodyId}#${pid}`));
      const again = await call(base, 'POST', `/api/bodies/${bodyId}/forum/digest`, { token: adminToken, json: {} });
      assert.deepEqual([again.body.mails, smtp.received.length], [0, 1]);

      // A request body over the server's limit is refused before anything is read into the forum.
      const huge = await send('proposals', sign('m1', 'proposal', { title: 'Huge', text: 'x'.repeat(10), attachments: [{ name: 'a.bin', type: 'application/octet-stream', data: Buffer.alloc(800_000).toString('base64') }] }));
      assert.equal(huge.status, 413, huge.text);
      assert.equal(typeof huge.body.message, 'string');

      // Another body's forum knows nothing of this one's posts, and its members cannot act on them;
      // a body without the rule has no forum.
      const other = makeBody([1], { forum: { endorsements: 1, attachmentBytes: 0 } }, 'other');
      assert.equal((await call(base, 'POST', '/api/bodies', { token: adminToken, json: other.body })).status, 200);
      const foreign = await call(base, 'GET', `/api/bodies/other/forum/proposals/${pid}`);
      assert.deepEqual([foreign.status, foreign.body.error], [404, 'unknown-post']);
      const otherEndorse = signForumPayload('other', 'endorse', { proposal: pid, by: 'm1', nonce: nonce() }, other.people.get('m1')!.keys.secret);
      const crossed = await call(base, 'POST', `/api/bodies/other/forum/proposals/${pid}/endorse`, { json: otherEndorse });
      assert.deepEqual([crossed.status, crossed.body.error], [404, 'unknown-post']);
      const replayedElsewhere = await send(`proposals/${pid}/endorse`, otherEndorse); // other's m1 is not this body's m1
      assert.deepEqual([replayedElsewhere.status, replayedElsewhere.body.error], [422, 'bad-signature']);
      const plain = makeBody([1], {}, 'plain');
      assert.equal((await call(base, 'POST', '/api/bodies', { token: adminToken, json: plain.body })).status, 200);
      const none = await call(base, 'GET', '/api/bodies/plain/forum/proposals');
      assert.deepEqual([none.status, none.body.error], [409, 'no-forum']);
      assert.deepEqual((await get(`proposals/${pid}`)).endorsements, ['m1', 'm2', 'm3']);
    });
  });
}
