// Secret votes in a meeting (spec §19 M7), all over HTTP to a real server on both stores: the tellers run
// the key ceremony with their body keys, members register credentials (one a proxy holder for a
// principal), the chair signs the list, members cast encrypted ballots in the election, the tellers
// decrypt, the board ties the motion-result to the election; the meeting verifier checks both records.
// Attackers: a non-member, a member not on the roll, two credentials for one member, a chair's list with
// an extra credential, a result before the tellers decrypted, a result whose counts differ from the
// election's, the board operator swapping the election record.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import { SqliteMeetingStore, type MeetingStore } from '../src/meeting/store.js';
import { PostgresMeetingStore } from '../src/meeting/postgres-store.js';
import { checkMeetingRecord } from '../src/meeting/verify.js';
import { makeMeetingEvent, encodeMeetingEvent, GENESIS_PREV } from '../src/meeting/events.js';
import type { MeetingEvent } from '../src/meeting/types.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { signCredentialList } from '../src/credentials/authority.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { encodeEvent, type BoardEvent } from '../src/record/events.js';
import type { Manifest } from '../src/manifest/types.js';
import { freshDatabase } from './helpers/postgres.js';
import { call, ok, recordText, startServer } from './helpers/server.js';
import { rechain } from './helpers/election-fixture.js';
import { veche } from './helpers/cli.js';
import { makeBody, signAs } from './meeting-fixture.js';
import { tellersKeyCeremony } from './helpers/meeting-tellers.js';

interface Stores { board: BoardStore; meetings: MeetingStore; dispose(): Promise<void> }
const STORES: { name: string; make(): Promise<Stores | null> }[] = [
  {
    name: 'sqlite',
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'veche-meeting-secret-'));
      const board = new SqliteStore(join(dir, 'veche.sqlite'));
      const meetings = new SqliteMeetingStore(join(dir, 'veche.sqlite'));
      return { board, meetings, async dispose() { await meetings.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    async make() {
      const db = await freshDatabase('meeting-secret');
      if (!db) return null;
      const board = await PostgresStore.connect(db.url);
      const meetings = await PostgresMeetingStore.connect(db.url);
      return { board, meetings, async dispose() { await meetings.close(); await board.close(); await db.drop(); } };
    },
  },
];

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

/** The meeting's events with seq, prev and hash recomputed: a board rewriting its own history. */
function rechainMeeting(events: MeetingEvent[]): string[] {
  const out: MeetingEvent[] = [];
  for (const e of events) out.push(makeMeetingEvent(out.length, out.length ? out[out.length - 1]!.hash : GENESIS_PREV, e.type, e.payload as never, e.time));
  return out.map(encodeMeetingEvent);
}

const failing = (r: Awaited<ReturnType<typeof checkMeetingRecord>>) => r.report.checks.filter((c) => c.failed > 0).map((c) => c.id);
const messages = (r: Awaited<ReturnType<typeof checkMeetingRecord>>, id: string) => r.report.checks.find((c) => c.id === id)!.failures.map((f) => f.message).join(' | ');

for (const factory of STORES) {
  describe(`secret votes in a meeting (${factory.name})`, () => {
    it('tellers, credentials, the chair\'s list, encrypted ballots, decryption on the spot; both records verify; attackers refused or caught', async (t) => {
      const stores = await factory.make();
      if (!stores) { t.skip(`${factory.name} unavailable`); return; }
      const server = await startServer(stores.board, { meetingStore: stores.meetings });
      try {
        const { base, adminToken } = server;
        // m5 weighs 2 and gives their vote to m4; the tellers are the secretary and two members, any two decrypt.
        const f = makeBody([1, 1, 1, 1, 2], { proxyLimit: 1 });
        await ok(base, 'POST', '/api/bodies', { token: adminToken, json: f.body });
        const created = await ok(base, 'POST', '/api/meetings', { token: adminToken, json: { id: 'agm', title: 'Annual meeting', body: f.body.id, chair: 'm1', secretaries: ['sec'], tellers: ['sec', 'm2', 'm3'], threshold: 2 } });
        const hash: string = created.meetingHash;
        const post = (path: string, type: Parameters<typeof signAs>[2], payload: any) => call(base, 'POST', `/api/meetings/agm/${path}`, { json: signAs(f, hash, type, payload) });
        const head = async () => (await call(base, 'GET', '/api/meetings/agm')).body.headSeq as number;
        const refused = async (status: number, code: string, send: () => Promise<{ status: number; body: any }>) => {
          const before = await head();
          const r = await send();
          assert.deepEqual([r.status, r.body?.error], [status, code], r.body?.message);
          assert.equal(typeof r.body.message, 'string');
          assert.equal(await head(), before);
        };

        assert.equal((await post('open', 'meeting-opened', { by: 'm1' })).status, 200);
        for (const m of ['m1', 'm2', 'm3', 'm4']) assert.equal((await post('check-in', 'member-present', { member: m, by: m })).status, 200);
        assert.equal((await post('proxies', 'proxy-granted', { principal: 'm5', holder: 'm4', scope: 'meeting', by: 'm5' })).status, 200);
        const text = 'That the budget for next year be adopted.';
        assert.equal((await post('motions', 'motion-put', { motion: 'budget', title: 'Budget', text, majority: 'simple', mode: 'secret', by: 'm1' })).status, 200);
        // The election exists, with the tellers as trustees and the chair as credential authority.
        const election = await ok(base, 'GET', '/api/elections/agm-budget');
        const electionHash: string = election.electionHash;
        const [genesis] = lines(await recordText(base, 'agm-budget')).map((l) => JSON.parse(l) as BoardEvent);
        const manifest = (genesis!.payload as { manifest: Manifest }).manifest;
        assert.deepEqual(manifest.trustees.map((x) => [x.id, x.signingKey]), ['sec', 'm2', 'm3'].map((id) => [id, f.people.get(id)!.keys.key]));
        assert.equal(manifest.credentialAuthority.signingKey, f.people.get('m1')!.keys.key);
        assert.match(manifest.description, new RegExp(hash));

        const roll = { present: ['m1', 'm2', 'm3', 'm4'], proxies: [{ principal: 'm5', holder: 'm4' }] };
        await refused(409, 'tellers-not-ready', () => post('motions/budget/open', 'vote-opened', { motion: 'budget', text, ...roll, seconds: 0, by: 'm1' }));

        // The tellers' key ceremony, each payload signed with the teller's body key.
        const tellers = ['sec', 'm2', 'm3'];
        const teller = (id: string, step: string, json: unknown) => ok(base, 'POST', `/api/meetings/agm/motions/budget/tellers/${id}/${step}`, { json });
        // A member who is not a teller cannot take part.
        assert.equal((await call(base, 'POST', '/api/meetings/agm/motions/budget/tellers/m4/commitment', { json: { trustee: 'm4' } })).body.error, 'not-allowed');
        const recordOf = async (type: string) => lines(await recordText(base, 'agm-budget')).map((l) => JSON.parse(l) as BoardEvent).filter((e) => e.type === type).map((e) => e.payload as any);
        const secrets = await tellersKeyCeremony(tellers, (id) => f.people.get(id)!.keys, electionHash, manifest, teller, recordOf);
        assert.equal((await post('motions/budget/open', 'vote-opened', { motion: 'budget', text, ...roll, seconds: 0, by: 'm1' })).status, 200);

        // Each member makes a credential in their browser and registers its public key, signed.
        const credentials = new Map(['m1', 'm2', 'm3', 'm4', 'm5'].map((m) => [m, newCredential()]));
        const keyOf = (m: string) => credentialKeys(electionHash, credentials.get(m)!).key;
        const register = (member: string, by: string, credential = keyOf(member)) => post('motions/budget/credentials', 'credential-registered', { motion: 'budget', member, credential, by });
        await refused(422, 'not-a-member', () => register('sec', 'sec', credentialKeys(electionHash, newCredential()).key));
        await refused(422, 'not-present', () => register('m5', 'm5'));
        await refused(422, 'no-proxy', () => register('m5', 'm1'));
        // m3 waits too long: registration ends with the chair's list.
        for (const [member, by] of [['m1', 'm1'], ['m2', 'm2'], ['m4', 'm4'], ['m5', 'm4']] as const) assert.equal((await register(member, by)).status, 200);
        await refused(409, 'duplicate', () => register('m2', 'm2', credentialKeys(electionHash, newCredential()).key));
        await refused(422, 'wrong-mode', () => post('motions/budget/votes', 'named-vote', { motion: 'budget', votes: [{ member: 'm1', for: 1, against: 0, abstain: 0 }], by: 'm1' }));
        // The poll is not open until the chair has signed the list.
        await refused(409, 'wrong-phase', () => post('motions/budget/close', 'vote-closed', { motion: 'budget', by: 'm1' }));

        const chair = f.people.get('m1')!.keys;
        const sorted = (l: { key: string; weight: number }[]) => [...l].sort((a, b) => (a.key < b.key ? -1 : 1));
        const registered = sorted(['m1', 'm2', 'm4', 'm5'].map((m) => ({ key: keyOf(m), weight: m === 'm5' ? 2 : 1 })));
        const list = (entries: { key: string; weight: number }[]) => call(base, 'POST', '/api/meetings/agm/motions/budget/credential-list', { json: signCredentialList(electionHash, entries, chair) });
        const extra = { key: credentialKeys(electionHash, newCredential()).key, weight: 1 };
        const wrongList = await list(sorted([...registered, extra]));
        assert.deepEqual([wrongList.status, wrongList.body.error], [422, 'wrong-list']);
        assert.match(wrongList.body.message, /1 not registered/);
        assert.equal((await list(registered.map((c) => ({ ...c, weight: 1 })))).body.error, 'wrong-list', 'the roll\'s weights, not others');
        assert.equal((await ok(base, 'GET', '/api/elections/agm-budget')).phase, 'setup');
        const listed = await list(registered);
        assert.equal(listed.status, 200, listed.text);
        assert.equal((await ok(base, 'GET', '/api/elections/agm-budget')).phase, 'open');
        await refused(409, 'vote-closed', () => register('m3', 'm3'));

        // Encrypted ballots, cast in the election: for 1+1+2 (m5's by m4), against 1 (m4's own).
        const jointKey = decodePublicKey((await ok(base, 'GET', '/api/elections/agm-budget')).jointKey);
        const votes = { m1: 'for', m2: 'for', m4: 'against', m5: 'for' } as const;
        for (const [m, vote] of Object.entries(votes)) {
          const enc = encryptBallot(electionHash, jointKey, selectionGroups(manifest), encodeChoices(manifest, { motion: { type: 'motion', vote } }), credentialKeys(electionHash, credentials.get(m)!));
          await ok(base, 'POST', '/api/elections/agm-budget/ballots', { json: enc.ballot });
        }
        const closed = await post('motions/budget/close', 'vote-closed', { motion: 'budget', by: 'm1' });
        assert.equal(closed.status, 200);
        assert.equal(closed.body.result, null, 'the result waits for the tellers');
        assert.equal((await ok(base, 'GET', '/api/elections/agm-budget')).phase, 'tallied');
        // Nothing else happens in the meeting until the result, and the result waits for the tellers.
        await refused(409, 'wrong-phase', () => post('leave', 'member-left', { member: 'm3', by: 'm3' }));
        await refused(409, 'not-decrypted', () => call(base, 'POST', '/api/meetings/agm/motions/budget/result'));

        const [tally] = await recordOf('tally');
        for (const id of ['m2', 'sec']) await teller(id, 'decryption', makeDecryptionShare(secrets.get(id)!, tally.sums));
        const published = await ok(base, 'POST', '/api/meetings/agm/motions/budget/result');
        const resultEvent = lines(await recordText(base, 'agm-budget')).map((l) => JSON.parse(l) as BoardEvent).find((e) => e.type === 'result')!;
        assert.deepEqual(published.result, {
          motion: 'budget', majority: 'simple', base: 'decisive', counts: { for: 4, against: 1, abstain: 0 }, voters: 4, present: 6, members: 6, baseWeight: 5,
          passed: true, outcome: 'passed', election: { electionHash, resultHash: resultEvent.hash },
        });
        assert.equal((await post('close', 'meeting-closed', { by: 'm1' })).status, 200);

        // Both records verify: the meeting's with its election's.
        const meetingLines = lines((await call(base, 'GET', '/api/meetings/agm/record')).text);
        const electionLines = lines(await recordText(base, 'agm-budget'));
        const records = (given: string[]) => async (id: string) => (id === 'agm-budget' ? given : null);
        const good = await checkMeetingRecord(meetingLines, { elections: records(electionLines) });
        assert.deepEqual(failing(good), [], JSON.stringify(good.report.checks.filter((c) => c.failed > 0)));
        assert.equal(good.report.ok, true);
        assert.equal(good.report.checks.find((c) => c.id === 'meeting.secret')!.passed, 1);
        const dir = mkdtempSync(join(tmpdir(), 'veche-secret-record-'));
        try {
          writeFileSync(join(dir, 'election.jsonl'), electionLines.join('\n') + '\n');
          const cli = await veche(['verify', join(dir, 'election.jsonl'), '--final']);
          assert.equal(cli.code, 0, cli.stdout + cli.stderr);
          // `veche verify` on the meeting's record reads the election's beside it (or from --elections DIR).
          writeFileSync(join(dir, 'agm.jsonl'), meetingLines.join('\n') + '\n');
          const alone = await veche(['verify', join(dir, 'agm.jsonl'), '--final']);
          assert.equal(alone.code, 1, 'without agm-budget.jsonl the secret vote cannot be checked');
          assert.match(alone.stdout, /FAIL\] meeting\.secret/);
          const other = mkdtempSync(join(tmpdir(), 'veche-secret-elections-'));
          try {
            writeFileSync(join(other, 'agm-budget.jsonl'), electionLines.join('\n') + '\n');
            const withDir = await veche(['verify', join(dir, 'agm.jsonl'), '--final', '--elections', other]);
            assert.equal(withDir.code, 0, withDir.stdout + withDir.stderr);
            assert.match(withDir.stdout, /VERIFIED: every check holds/);
          } finally { rmSync(other, { recursive: true, force: true }); }
          writeFileSync(join(dir, 'agm-budget.jsonl'), electionLines.join('\n') + '\n');
          const beside = await veche(['verify', join(dir, 'agm.jsonl'), '--final']);
          assert.equal(beside.code, 0, beside.stdout + beside.stderr);
        } finally { rmSync(dir, { recursive: true, force: true }); }

        // Without the election's record, the secret vote cannot be checked: the meeting does not verify;
        // nor with a record that is not one (a failure, never a crash).
        assert.deepEqual(failing(await checkMeetingRecord(meetingLines)), ['meeting.secret']);
        const garbled = await checkMeetingRecord(meetingLines, { elections: records(['{"seq":0', ...electionLines.slice(1)]) });
        assert.deepEqual(failing(garbled), ['meeting.secret']);

        // A motion-result whose counts differ from the election's (same outcome, re-chained by the board).
        const events = meetingLines.map((l) => JSON.parse(l) as MeetingEvent);
        const forged = events.map((e) => (e.type === 'motion-result' ? { ...e, payload: { ...e.payload, counts: { for: 3, against: 2, abstain: 0 }, baseWeight: 5 } } : e));
        const countsOff = await checkMeetingRecord(rechainMeeting(forged as MeetingEvent[]), { elections: records(electionLines) });
        assert.deepEqual(failing(countsOff), ['meeting.secret']);
        assert.match(messages(countsOff, 'meeting.secret'), /its election counted \{"abstain":0,"against":1,"for":4\}/);

        // The board operator swaps the election record for another one (its genesis rewritten, re-chained).
        const swapped = rechain(electionLines.map((l) => JSON.parse(l) as BoardEvent).map((e) => (e.type === "election" ? { ...e, payload: { ...e.payload, manifest: { ...manifest, title: "Another vote" } } } as BoardEvent : e))).map(encodeEvent);
        const swap = await checkMeetingRecord(meetingLines, { elections: records(swapped) });
        assert.deepEqual(failing(swap), ['meeting.secret']);
        assert.match(messages(swap, 'meeting.secret'), /its hash is not the one the result of budget names/);

        // The chair's list on the election record with an extra credential (signed by the chair, re-chained).
        const padded = rechain(electionLines.map((l) => JSON.parse(l) as BoardEvent).map((e) => (e.type === 'credentials' ? { ...e, payload: signCredentialList(electionHash, sorted([...registered, extra]), chair) } : e))).map(encodeEvent);
        const pad = await checkMeetingRecord(meetingLines, { elections: records(padded) });
        assert.deepEqual(failing(pad), ['meeting.secret']);
        assert.match(messages(pad, 'meeting.secret'), /the list holds 5 credentials, 4 were registered \(1 not registered\)/);

        // A registration by someone not on the roll, slipped into the record by the board: refused by the
        // same rule, and the election's list (which holds it) no longer equals the registrations.
        const ghost = signAs(f, hash, 'credential-registered', { motion: 'budget', member: 'm5', credential: extra.key, by: 'm5' });
        const at = events.findIndex((e) => e.type === 'credential-registered');
        const slipped = [...events.slice(0, at), { ...events[at]!, payload: ghost }, ...events.slice(at)] as MeetingEvent[];
        const ghostCheck = await checkMeetingRecord(rechainMeeting(slipped), { elections: records(electionLines) });
        assert.ok(failing(ghostCheck).includes('meeting.secret'));
        assert.match(messages(ghostCheck, 'meeting.secret'), /m5 was not present in person/);
      } finally {
        await server.close();
        await stores.dispose();
      }
    });
  });
}
