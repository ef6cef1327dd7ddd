// PostgresStore: the store contract, and the races that several server processes over one database
// produce (simulated here by separate stores, each with its own connection pool, as processes have).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresStore } from '../src/board/postgres-store.js';
import { DuplicateBallot, SequenceConflict, type BoardStore } from '../src/board/store.js';
import { Board, BoardError } from '../src/board/board.js';
import type { Receipt } from '../src/board/receipt.js';
import { eventHash, makeEvent, type BoardEvent } from '../src/record/events.js';
import { parseRecord } from '../src/record/read.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { freshDatabase, type TestDatabase } from './helpers/postgres.js';
import { revoke } from './helpers/election.js';
import { ballotFor, finishElection, openElection, recordLines, smallManifest, tinyManifest } from './helpers/election-fixture.js';

const db: TestDatabase | null = await freshDatabase('pg_store');
const skip = db ? false : 'PostgreSQL unavailable (see the message above)';

const stores: PostgresStore[] = [];
async function store(mode?: 'advisory' | 'optimistic'): Promise<PostgresStore> {
  const s = await PostgresStore.connect(db!.url, { poolSize: 4, ...(mode ? { mode } : {}) });
  stores.push(s);
  return s;
}

after(async () => {
  for (const s of stores) await s.close();
  await db?.drop();
});

/** A chain of raw events (the store does not judge content, only order and tracking codes). */
function chain(n: number, from: BoardEvent | null = null): BoardEvent[] {
  const out: BoardEvent[] = [];
  let prev = from;
  for (let i = 0; i < n; i++) {
    const e: BoardEvent = prev ? makeEvent(prev.seq + 1, prev.hash, 'poll-opened', {}) : makeEvent(0, '0'.repeat(64), 'poll-opened', {});
    out.push(e);
    prev = e;
  }
  return out;
}

describe('PostgresStore contract', { skip }, () => {
  let s: BoardStore;
  before(async () => { s = await store(); });

  test('appends in order, pages, filters by type, finds ballots, keeps settings', async () => {
    const events = chain(7);
    for (const [i, e] of events.entries()) await s.append('el-b', e, i === 3 ? 'code-3' : undefined);
    await s.append('el-a', chain(1)[0]!);
    assert.deepEqual(await s.elections(), ['el-a', 'el-b']);
    assert.deepEqual(await s.head('el-b'), events[6]);
    assert.equal(await s.head('none'), null);
    assert.deepEqual(await s.events('el-b'), events);
    assert.deepEqual(await s.events('el-b', { fromSeq: 2, limit: 3 }), events.slice(2, 5));
    assert.deepEqual(await s.events('el-b', { types: ['election'] }), []);
    assert.deepEqual(await s.events('el-b', { types: ['poll-opened'], fromSeq: 6 }), [events[6]]);
    assert.deepEqual(await s.findBallot('el-b', 'code-3'), { seq: 3, hash: events[3]!.hash, trackingCode: 'code-3' });
    assert.equal(await s.findBallot('el-a', 'code-3'), null);
    assert.equal(await s.getSetting('k'), null);
    await s.setSetting('k', 'v1');
    await s.setSetting('k', 'v2');
    assert.equal(await s.getSetting('k'), 'v2');
  });

  test('refuses an event that does not follow the head, and a repeated tracking code; changes nothing', async () => {
    const [e0, e1, e2] = chain(3);
    await s.append('el-c', e0!);
    await assert.rejects(s.append('el-c', e2!), SequenceConflict); // gap
    const fork = makeEvent(1, 'f'.repeat(64), 'poll-opened', {});
    await assert.rejects(s.append('el-c', fork), SequenceConflict); // wrong prev
    await assert.rejects(s.append('el-c', e0!), SequenceConflict); // seq already taken
    await s.append('el-c', e1!, 'dup');
    await assert.rejects(s.append('el-c', e2!, 'dup'), DuplicateBallot);
    assert.deepEqual(await s.events('el-c'), [e0, e1]);
    // The same tracking code in another election is a different ballot.
    const other = chain(2);
    await s.append('el-d', other[0]!);
    await s.append('el-d', other[1]!, 'dup');
  });

  test('the exact JSON text comes back (hashes still match after a round trip)', async () => {
    const e = makeEvent(0, '0'.repeat(64), 'credential-revoked', { key: 'x', reason: 'quote " backslash \\ nul \u0000 emoji \u{1F5F3} lone \ud800', signature: { c: 'c', z: 'z' } });
    await s.append('el-text', e);
    const [back] = await s.events('el-text');
    assert.deepEqual(back, e);
    assert.equal(eventHash(back!), e.hash);
  });
});

for (const mode of ['advisory', 'optimistic'] as const) {
  describe(`PostgresStore races between processes (${mode})`, { skip }, () => {
    test('of 8 processes appending at the same seq, exactly one wins, every time', async () => {
      const racers = await Promise.all(Array.from({ length: 8 }, () => store(mode)));
      const election = `race-${mode}`;
      let head = chain(1)[0]!;
      await racers[0]!.append(election, head);
      for (let round = 0; round < 25; round++) {
        const candidates = racers.map((_, i) => makeEvent(head.seq + 1, head.hash, 'credential-revoked', { key: `k${i}`, reason: `round ${round}`, signature: { c: 'c', z: 'z' } }));
        const outcomes = await Promise.allSettled(racers.map((r, i) => r.append(election, candidates[i]!)));
        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
        for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof SequenceConflict, String(o.reason));
        head = candidates[won[0]!]!;
        assert.deepEqual(await racers[3]!.head(election), head);
      }
      const all = await racers[5]!.events(election);
      assert.equal(all.length, 26);
      all.forEach((e, i) => { assert.equal(e.seq, i); if (i > 0) assert.equal(e.prev, all[i - 1]!.hash); });
    });

    test('the same ballot sent to 6 processes at once lands once', async () => {
      const racers = await Promise.all(Array.from({ length: 6 }, () => store(mode)));
      const election = `dup-${mode}`;
      let head = chain(1)[0]!;
      await racers[0]!.append(election, head);
      for (let round = 0; round < 10; round++) {
        const code = `ballot-${round}`;
        // Each process retries like Board does: on SequenceConflict it reads the head and tries again.
        const outcomes = await Promise.allSettled(racers.map(async (r, i) => {
          for (;;) {
            const h = (await r.head(election))!;
            try {
              await r.append(election, makeEvent(h.seq + 1, h.hash, 'credential-revoked', { key: `p${i}`, reason: code, signature: { c: 'c', z: 'z' } }), code);
              return;
            } catch (e) {
              if (!(e instanceof SequenceConflict)) throw e;
            }
          }
        }));
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, `round ${round}`);
        for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof DuplicateBallot, String(o.reason));
        head = (await racers[0]!.head(election))!;
      }
      assert.equal((await racers[1]!.events(election)).length, 11);
    });
  });
}

describe('Boards in several processes over one PostgreSQL', { skip }, () => {
  test('4 busy boards: every request succeeds, and none loses more than 3 races (then it waits for the lock)', async (t) => {
    // Without the lock for retries, a process with a backlog re-appends right after each commit and
    // the others can lose race after race until Board gives up (bench/pg-append.ts measures it).
    const first = await store();
    const el = await openElection(first, { voters: 400, manifest: tinyManifest('turns') });
    const boards = [el.board, ...(await Promise.all([1, 2, 3].map(async () => Board.load(await store(), 'turns'))))];
    let conflicts = 0;
    let longestRun = 0;
    for (const b of boards) {
      // A board appends one event at a time, so its consecutive conflicts are the lost races of one request.
      let run = 0;
      const append = b.store.append.bind(b.store);
      b.store.append = async (...args) => {
        try { await append(...args); run = 0; } catch (e) { if (e instanceof SequenceConflict) { conflicts++; longestRun = Math.max(longestRun, ++run); } throw e; }
      };
    }
    const keys = [...el.board.current.credentials!.keys()];
    let next = 0;
    await Promise.all(boards.flatMap((b) => [0, 1, 2, 3].map(async () => {
      while (next < keys.length) await revoke(b, keys[next++]!, 'turns');
    })));
    t.diagnostic(`${keys.length} appends from 4 boards: ${conflicts} lost races, at most ${longestRun} in a row for one request`);
    assert.ok(longestRun <= 3, `a request lost ${longestRun} races in a row`);
    await el.board.refresh();
    assert.equal(el.board.current.revoked.size, keys.length);
    const events = await first.events('turns');
    events.forEach((e, i) => { assert.equal(e.seq, i); if (i > 0) assert.equal(e.prev, events[i - 1]!.hash); });
  });

  test('4 boards cast ballots at once (each also resent to another board): one chain, no duplicate, every receipt on it', async () => {
    const first = await store();
    const el = await openElection(first, { voters: 40, manifest: smallManifest('multi') });
    const boards = [el.board, ...(await Promise.all([1, 2, 3].map(async () => Board.load(await store(), 'multi'))))];
    const ballots = el.voters.map((v, i) => ballotFor(el, v, i));
    const receipts: Receipt[] = [];
    let duplicates = 0;
    await Promise.all(boards.map(async (board, b) => {
      for (let i = b; i < ballots.length; i += boards.length) {
        // The same ballot to this board and to the next one, at the same time.
        const twin = boards[(b + 1) % boards.length]!;
        const outcomes = await Promise.allSettled([board.castBallot(ballots[i]!.ballot), twin.castBallot(ballots[i]!.ballot)]);
        for (const o of outcomes) {
          if (o.status === 'fulfilled') receipts.push(o.value.receipt);
          else { assert.ok(o.reason instanceof BoardError && o.reason.code === 'duplicate', String(o.reason)); duplicates++; }
        }
      }
    }));
    assert.equal(receipts.length, ballots.length);
    assert.equal(duplicates, ballots.length);
    await el.board.refresh();
    await finishElection(el);
    const lines = await recordLines(el.board);
    const events = parseRecord(lines.join('\n'));
    for (const r of receipts) {
      const e = events[r.seq]!;
      assert.equal(e.hash, r.hash);
      assert.equal(e.type, 'ballot');
    }
    assert.equal(new Set(receipts.map((r) => r.trackingCode)).size, ballots.length);
    assert.deepEqual(new Set(receipts.map((r) => r.trackingCode)), new Set(ballots.map((b) => b.trackingCode)));
    const { report } = await verifyRecord(linesSource(lines));
    assert.ok(report.ok, `verifier: ${report.failedChecks.join(', ')}`);
  });
});
