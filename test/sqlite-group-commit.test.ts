// Group commit on SQLite (src/board/sqlite-store.ts, the default mode): the ballots a board checked while
// a commit was on its way to disk are committed together, one transaction and one fsync; a ballot
// refused in a session is refused alone; a process killed with sessions in flight leaves one valid chain
// holding every ballot it receipted; two processes on one file take turns and lose nothing.
// Real SQLite files; the commits are counted in the WAL file itself (its commit frames), not only by
// the store. Run with VECHE_GC_CHILD=cast this file is the child process of the last two tests.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Board, BoardError } from '../src/board/board.js';
import type { Receipt } from '../src/board/receipt.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { DuplicateBallot, SequenceConflict } from '../src/board/store.js';
import { credentialKeys, newCredential } from '../src/credentials/credentials.js';
import { encodeEvent, GENESIS_PREV, makeEvent, type BoardEvent } from '../src/record/events.js';
import { trackingCode as trackingCodeOf } from '../src/ballot/tracking.js';
import type { BallotJson } from '../src/ballot/types.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { ballotFor, finishElection, openElection, tinyManifest, type OpenElection } from './helpers/election-fixture.js';

/** Child process: loads the board over SqliteStore(DB), prints "ready", waits for "go" on stdin, casts
 *  the ballots of FILE 8 at a time, and prints each receipt as a JSON line once it is handed out, then "done". */
async function castChild(db: string, election: string, file: string): Promise<void> {
  const store = new SqliteStore(db);
  const board = await Board.load(store, election);
  const ballots = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.on('data', (d: Buffer) => { if (d.toString().includes('go')) resolve(); }));
  process.stdin.pause();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < ballots.length) {
      const { receipt } = await board.castBallot(ballots[next++]);
      process.stdout.write(JSON.stringify(receipt) + '\n');
    }
  }));
  await store.close();
  process.stdout.write('done\n');
}

if (process.env.VECHE_GC_CHILD === 'cast') {
  const [db, election, file] = process.argv.slice(2);
  await castChild(db!, election!, file!).catch((e: unknown) => { console.error(e); process.exit(1); });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'veche-sqlite-group-'));
  const children: ChildProcess[] = [];
  const stores: SqliteStore[] = [];
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const s of stores) await s.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (name: string, mode?: 'group' | 'event') => { const s = new SqliteStore(join(dir, name), mode ? { mode } : {}); stores.push(s); return s; };

  const until = async (what: string, ready: () => boolean, ms = 60_000) => {
    for (const t0 = Date.now(); !ready(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
  };

  /** The WAL file's commit frames with its current salt: the transactions committed since it last restarted. */
  const walCommits = (db: string): { salt: string; commits: number } => {
    const wal = readFileSync(`${db}-wal`);
    const pageSize = wal.readUInt32BE(8);
    const salt = wal.subarray(16, 24);
    let commits = 0;
    for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
      if (!wal.subarray(at + 8, at + 16).equals(salt)) break; // left over from before the last restart
      if (wal.readUInt32BE(at + 4) !== 0) commits++;
    }
    return { salt: salt.toString('hex'), commits };
  };

  /** One chain from seq 0; every receipt names its ballot on it. */
  const checkChain = (events: BoardEvent[], receipts: Receipt[]) => {
    events.forEach((e, i) => { assert.equal(e.seq, i); if (i > 0) assert.equal(e.prev, events[i - 1]!.hash, `event ${i} does not follow ${i - 1}`); });
    for (const r of receipts) {
      const e = events[r.seq];
      assert.equal(e?.hash, r.hash, `receipt at seq ${r.seq}: not that event`);
      assert.equal(trackingCodeOf(e!.payload as BallotJson), r.trackingCode);
    }
  };

  const voterOff = (el: OpenElection) => ({ id: 'stranger', credential: '', keys: credentialKeys(el.electionHash, newCredential()), weight: 1 });

  describe('group commit on SQLite', () => {
    test('40 concurrent casts: every receipt on the chain, one commit per session, all of them in the next session while another connection holds the lock', async () => {
      const db = join(dir, 'a.sqlite');
      const store = open('a.sqlite');
      assert.equal(store.mode, 'group');
      assert.equal(store.groupCommit, true);
      const el = await openElection(store, { voters: 80, manifest: tinyManifest('a') });
      const ballots = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      const cast = async (some: BallotJson[]) => {
        const before = walCommits(db);
        const sessionsBefore = store.sessionCommits;
        const results = await Promise.all(some.map((b) => el.board.castBallot(b)));
        const after = walCommits(db);
        assert.equal(after.salt, before.salt, 'the WAL restarted during the test: cannot count');
        assert.equal(after.commits - before.commits, store.sessionCommits - sessionsBefore, 'one commit (in the WAL file) per session');
        return { results, commits: after.commits - before.commits };
      };
      // Free running: the ballots checked while a commit is on its way to disk go in the next one (how
      // many that is depends on the fsync's time against a check's: one a session when the disk is quick).
      const free = await cast(ballots.slice(0, 40));
      assert.ok(free.commits >= 1 && free.commits <= 40);
      // Another connection holds the session lock (as another process would): nothing is committed, and
      // every ballot checked meanwhile waits for the next session.
      const other = open('a.sqlite');
      let release = () => {};
      let holding = false;
      const held = other.exclusive('a', async () => { holding = true; await new Promise<void>((r) => { release = r; }); });
      await until('the other connection to hold the lock', () => holding);
      const waiting = () => (el.board as unknown as { sessionQueue: unknown[] }).sessionQueue.length;
      const blocked = cast(ballots.slice(40));
      await until('39 checked ballots to wait for the next session', () => waiting() >= 39);
      assert.equal((await store.events('a', { types: ['ballot'] })).length, 40, 'a ballot was committed while the lock was held elsewhere');
      release();
      await held;
      const grouped = await blocked;
      assert.ok(grouped.commits <= 2, `${grouped.commits} commits: the waiting ballots were not committed together`);
      const events = await store.events('a');
      checkChain(events, [...free.results, ...grouped.results].map((r) => r.receipt));
      assert.equal(events.filter((e) => e.type === 'ballot').length, 80);
      // The old way, counted the same way: one commit a ballot.
      const old = open('a-event.sqlite', 'event');
      assert.equal(old.groupCommit, false);
      const elOld = await openElection(old, { voters: 6, manifest: tinyManifest('a') });
      const oldBefore = walCommits(join(dir, 'a-event.sqlite'));
      await Promise.all(elOld.voters.map((v, i) => elOld.board.castBallot(ballotFor(elOld, v, i).ballot)));
      assert.equal(walCommits(join(dir, 'a-event.sqlite')).commits - oldBefore.commits, 6);
    });

    test('a session with a duplicate and an unknown credential: the others land, each refused with its own error', async () => {
      const store = open('b.sqlite');
      const el = await openElection(store, { voters: 12, manifest: tinyManifest('b') });
      const ballots = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      const stranger = ballotFor(el, voterOff(el), 0).ballot;
      const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof BoardError ? e.code : String(e)));
      const got = await Promise.all([...ballots.map((b) => outcome(el.board.castBallot(b))), outcome(el.board.castBallot(ballots[3])), outcome(el.board.castBallot(stranger))]);
      assert.deepEqual(got, [...ballots.map(() => 'ok'), 'duplicate', 'unknown-credential']);
      const onBoard = (await store.events('b', { types: ['ballot'] })).map((e) => trackingCodeOf(e.payload as BallotJson));
      assert.deepEqual(new Set(onBoard), new Set(ballots.map(trackingCodeOf)));
      assert.equal(onBoard.length, 12);

      // In one session for certain, at the store: the refused append changes nothing, the others commit together.
      const head = (await store.head('b'))!;
      const before = walCommits(join(dir, 'b.sqlite'));
      const first = makeEvent(head.seq + 1, head.hash, 'credential-revoked', { key: 'x' } as never);
      const second = makeEvent(head.seq + 2, first.hash, 'credential-revoked', { key: 'y' } as never);
      const refused = await store.exclusive('b', async () => {
        await store.append('b', first);
        const dup = await store.append('b', makeEvent(head.seq + 2, first.hash, 'ballot', ballots[0] as never), trackingCodeOf(ballots[0]!)).then(() => null, (e: unknown) => e);
        await store.append('b', second);
        // Inside the session its own events are read back; outside, nothing is committed yet.
        assert.equal((await store.head('b'))!.hash, second.hash);
        return dup;
      });
      assert.ok(refused instanceof DuplicateBallot);
      assert.equal(walCommits(join(dir, 'b.sqlite')).commits - before.commits, 1);
      assert.deepEqual((await store.events('b', { fromSeq: head.seq + 1 })).map((e) => e.hash), [first.hash, second.hash]);

      // A session that throws writes nothing.
      const again = walCommits(join(dir, 'b.sqlite'));
      const last = (await store.head('b'))!;
      await assert.rejects(store.exclusive('b', async () => {
        await store.append('b', makeEvent(last.seq + 1, last.hash, 'credential-revoked', { key: 'z' } as never));
        throw new Error('the caller changed its mind');
      }), /changed its mind/);
      assert.equal((await store.head('b'))!.hash, last.hash);
      assert.equal(walCommits(join(dir, 'b.sqlite')).commits, again.commits);
    });

    test('the board shows committed events only: while a session waits for its commit, and when the commit fails, board.current is the record on disk', async () => {
      const store = open('shown.sqlite');
      const reader = open('shown.sqlite'); // another connection: what any reader of the file sees
      const el = await openElection(store, { voters: 8, manifest: tinyManifest('shown') });
      const ballots = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      const seen: { shown: number; ballots: number; onDisk: number }[] = [];
      let failNext = true;
      const exclusive = store.exclusive.bind(store);
      // At the end of each session, after its ballots were checked and chained, before the store commits
      // them (and once, a commit that fails: nothing is written).
      store.exclusive = ((election: string, f: (s?: unknown) => Promise<unknown>) => exclusive(election, async (s) => {
        const r = await f(s);
        seen.push({ shown: el.board.current.headSeq, ballots: el.board.current.ballots, onDisk: (await reader.head('shown'))!.seq });
        if (failNext) { failNext = false; throw new Error('the disk is full'); }
        return r;
      })) as typeof store.exclusive;
      const receipts = await Promise.all(ballots.map((b) => el.board.castBallot(b)));
      assert.ok(seen.length >= 2, 'the failed session and the one that retried it');
      for (const x of seen) assert.equal(x.shown, x.onDisk, `board.current showed seq ${x.shown} with ${x.onDisk} on disk`);
      assert.equal(seen[0]!.ballots, 0, 'a ballot of the session that failed was counted before its commit');
      // Every ballot landed (retried once after the failed commit), and now the board shows them all.
      const events = await reader.events('shown');
      checkChain(events, receipts.map((r) => r.receipt));
      assert.equal(el.board.current.headSeq, events.at(-1)!.seq);
      assert.equal(el.board.current.headHash, events.at(-1)!.hash);
      assert.equal(el.board.current.ballots, 8);
    });

    test('a commit whose answer is lost: each ballot it committed gets its receipt, not "duplicate"; a real duplicate is still refused', async () => {
      const store = open('lost.sqlite');
      const el = await openElection(store, { voters: 6, manifest: tinyManifest('lost') });
      const ballots = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      await el.board.castBallot(ballots[0]!);
      const exclusive = store.exclusive.bind(store);
      let loseNext = true;
      // The store commits the session, then reports a failure (as a writer thread that died after its
      // COMMIT, or a database connection lost before its answer, would).
      store.exclusive = (async (election: string, f: (s?: unknown) => Promise<unknown>) => {
        const r = await exclusive(election, f);
        if (loseNext) { loseNext = false; throw new Error('the answer was lost'); }
        return r;
      }) as typeof store.exclusive;
      const outcome = (p: Promise<{ receipt: Receipt }>) => p.then((r) => r.receipt, (e: unknown) => (e instanceof BoardError ? e.code : String(e)));
      const got = await Promise.all([ballots[0]!, ...ballots.slice(1), ballots[1]!].map((b) => outcome(el.board.castBallot(b))));
      assert.equal(loseNext, false, 'the session\'s answer was not lost');
      assert.equal(got[0], 'duplicate', 'the ballot already on the board before the session');
      assert.equal(got.at(-1), 'duplicate', 'the same ballot twice in one session');
      const receipts = got.slice(1, -1) as Receipt[];
      assert.ok(receipts.every((r) => typeof r === 'object'), `a committed ballot was refused: ${JSON.stringify(got)}`);
      const events = await store.events('lost');
      checkChain(events, receipts);
      assert.equal(events.filter((e) => e.type === 'ballot').length, 6, 'a ballot twice, or one missing');
      assert.equal(el.board.current.ballots, 6);
    });

    test('a writer that ignores the session lock moves the head mid-session: the session\'s batch is refused whole, the chain stays one line', async () => {
      const store = open('e.sqlite');
      const rogue = open('e.sqlite', 'event'); // the old mode takes no session lock (as an older veche would not)
      await store.append('e', makeEvent(0, GENESIS_PREV, 'poll-closed', {}));
      const genesis = (await store.head('e'))!;
      const mine = makeEvent(1, genesis.hash, 'poll-closed', {});
      const theirs = makeEvent(1, genesis.hash, 'poll-opened', {});
      await assert.rejects(store.exclusive('e', async () => {
        await store.append('e', mine);
        await store.append('e', makeEvent(2, mine.hash, 'poll-closed', {}));
        await rogue.append('e', theirs);
      }), SequenceConflict);
      assert.deepEqual((await store.events('e')).map((e) => e.hash), [genesis.hash, theirs.hash]);
      // The next session starts from the head it finds.
      await store.exclusive('e', async () => { await store.append('e', makeEvent(2, theirs.hash, 'poll-closed', {})); });
      const events = await store.events('e');
      assert.deepEqual(events.map((e) => e.seq), [0, 1, 2]);
      assert.equal(events[2]!.prev, theirs.hash);
    });

    const childScript = fileURLToPath(import.meta.url);
    interface Child { child: ChildProcess; receipts: Receipt[]; ready: boolean; done: boolean; closed: Promise<number | null> }
    const startChild = (db: string, election: string, file: string): Child => {
      const child = spawn(process.execPath, [childScript, db, election, file], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, VECHE_GC_CHILD: 'cast' } });
      children.push(child);
      const c: Child = { child, receipts: [], ready: false, done: false, closed: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
      let rest = '';
      child.stdout!.on('data', (d: Buffer) => {
        const parts = (rest + d.toString()).split('\n');
        rest = parts.pop()!;
        for (const line of parts) if (line === 'ready') c.ready = true; else if (line === 'done') c.done = true; else if (line.startsWith('{')) c.receipts.push(JSON.parse(line) as Receipt);
      });
      return c;
    };
    /** Starts the children's casting at once, when all of them are ready. */
    const go = async (cs: Child[]) => {
      await until('the children to load the board', () => cs.every((c) => c.ready));
      for (const c of cs) c.child.stdin!.write('go\n');
    };
    const ballotsFile = (name: string, ballots: BallotJson[]) => { const f = join(dir, name); writeFileSync(f, JSON.stringify(ballots)); return f; };

    test('a process SIGKILLed with sessions in flight: one valid chain with every ballot it receipted', async () => {
      const db = join(dir, 'c.sqlite');
      const store = open('c.sqlite');
      const el = await openElection(store, { voters: 100, manifest: tinyManifest('c') });
      const ballots = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      const c = startChild(db, 'c', ballotsFile('c.json', ballots));
      await go([c]);
      await until('15 receipts', () => c.receipts.length >= 15);
      c.child.kill('SIGKILL');
      assert.equal(await c.closed, null);
      assert.ok(!c.done && c.receipts.length < ballots.length, 'the child finished before it was killed: nothing was in flight');
      const reopened = open('c.sqlite');
      const events = await reopened.events('c');
      checkChain(events, c.receipts);
      const onBoard = events.filter((e) => e.type === 'ballot').length;
      assert.ok(onBoard >= c.receipts.length && onBoard <= ballots.length);
      const { report } = await verifyRecord(linesSource(events.map(encodeEvent)), undefined, { workers: 0 });
      assert.ok(report.okSoFar, `verifier: ${report.failedChecks.join(', ')}`);
      // The board goes on from there: the ballots not yet on it are taken.
      const board = await Board.load(reopened, 'c');
      const missing = ballots.filter((b) => !events.some((e) => e.type === 'ballot' && trackingCodeOf(e.payload as BallotJson) === trackingCodeOf(b)));
      await Promise.all(missing.map((b) => board.castBallot(b)));
      assert.equal((await reopened.events('c', { types: ['ballot'] })).length, ballots.length);
    });

    test('two processes casting into one file at once: one chain, nothing lost, the record verifies', async () => {
      const db = join(dir, 'd.sqlite');
      const store = open('d.sqlite');
      const el = await openElection(store, { voters: 60, manifest: tinyManifest('d') });
      const ballots = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      const casters = [0, 1].map((k) => startChild(db, 'd', ballotsFile(`d-${k}.json`, ballots.filter((_, i) => i % 2 === k))));
      await go(casters);
      assert.deepEqual(await Promise.all(casters.map((c) => c.closed)), [0, 0]);
      assert.ok(casters.every((c) => c.done && c.receipts.length === 30));
      const receipts = casters.flatMap((c) => c.receipts);
      const events = await store.events('d');
      checkChain(events, receipts);
      assert.equal(events.filter((e) => e.type === 'ballot').length, 60);
      // Their sessions interleaved: neither wrote all its ballots before the other began.
      const seqs = casters.map((c) => c.receipts.map((r) => r.seq).sort((a, b) => a - b));
      assert.ok(seqs[0]![0]! < seqs[1]!.at(-1)! && seqs[1]![0]! < seqs[0]!.at(-1)!, 'the two processes did not cast at the same time');
      const board = await Board.load(store, 'd');
      await finishElection({ ...el, board });
      const lines = (await store.events('d')).map(encodeEvent);
      const { report, state } = await verifyRecord(linesSource(lines), undefined, { workers: 0 });
      assert.ok(report.ok, `verifier: ${report.failedChecks.join(', ')}`);
      assert.equal(state.result!.ballots, 60);
    });
  });
}
