// Group commit (src/board/postgres-store.ts, the default mode): several real server processes cast
// ballots into one election on one PostgreSQL at once. The record stays one chain, every receipt handed
// out names its ballot on it, and a process killed in the middle of a batch loses only that batch (no
// receipt was handed out for it) and releases the election's lock with its connection.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { Receipt } from '../src/board/receipt.js';
import { encodeEvent, GENESIS_PREV, makeEvent } from '../src/record/events.js';
import { SequenceConflict, type SessionInfo } from '../src/board/store.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { freshDatabase } from './helpers/postgres.js';
import { ballotFor, openElection, tinyManifest } from './helpers/election-fixture.js';

const db = await freshDatabase('group_commit');
const skip = db ? false : 'PostgreSQL unavailable (see the message above)';
const childScript = fileURLToPath(new URL('./helpers/group-commit-child.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'veche-group-'));
const children: ChildProcess[] = [];

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

interface Child { child: ChildProcess; lines: string[]; closed: Promise<number | null> }

function start(args: string[]): Child {
  const child = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const c: Child = { child, lines: [], closed: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    c.lines.push(...parts);
  });
  return c;
}

async function until(what: string, ready: () => boolean, ms = 60_000): Promise<void> {
  for (const t0 = Date.now(); !ready(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
}

describe('group commit across server processes', { skip }, () => {
  test('3 processes cast at once, one killed mid-batch and one mid-run: one chain, every receipt on it', async () => {
    const store = await PostgresStore.connect(db!.url);
    try {
      assert.equal(store.mode, 'group');
      const el = await openElection(store, { voters: 60, manifest: tinyManifest('group') });
      const ballots = el.voters.map((v, i) => ballotFor(el, v, i).ballot);
      const files = [0, 1, 2].map((k) => {
        const f = join(dir, `ballots-${k}.json`);
        writeFileSync(f, JSON.stringify(ballots.filter((_, i) => i % 3 === k)));
        return f;
      });
      // A process holds the election's lock in a session with an event chained but not written.
      const holder = start(['hang', db!.url, 'group']);
      await until('the session to hold the lock', () => holder.lines.includes('holding'));
      const casters = files.map((f) => start(['cast', db!.url, 'group', f]));
      // While it holds the lock nobody commits, so no receipt can be handed out.
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(casters.map((c) => c.lines.length), [0, 0, 0]);
      holder.child.kill('SIGKILL');
      assert.equal(await holder.closed, null);
      // One caster is killed after its fifth receipt, maybe in the middle of a batch of its own.
      const victim = casters[2]!;
      await until('five receipts from the third process', () => victim.lines.length >= 5);
      victim.child.kill('SIGKILL');
      await victim.closed;
      assert.equal(await casters[0]!.closed, 0);
      assert.equal(await casters[1]!.closed, 0);

      const receipts = casters.flatMap((c) => c.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Receipt));
      const events = await store.events('group');
      // One line: seq 0, 1, 2, ... each linked to the one before; the killed session's event is not there.
      events.forEach((e, i) => { assert.equal(e.seq, i); if (i > 0) assert.equal(e.prev, events[i - 1]!.hash); });
      assert.ok(!events.some((e) => e.type === 'poll-closed'), 'an event of the killed session was written');
      for (const r of receipts) {
        assert.equal(events[r.seq]?.hash, r.hash, `receipt at ${r.seq}`);
        assert.equal(events[r.seq]!.type, 'ballot');
      }
      const onBoard = events.filter((e) => e.type === 'ballot');
      assert.equal(new Set(receipts.map((r) => r.trackingCode)).size, receipts.length);
      // Every ballot of the two processes that finished is on the board, and those the killed one receipted.
      assert.ok(receipts.length >= 40 + 5);
      assert.ok(onBoard.length >= receipts.length && onBoard.length <= ballots.length);
      const { report } = await verifyRecord(linesSource(events.map(encodeEvent)), undefined, { workers: 0 });
      assert.ok(report.okSoFar, `verifier: ${report.failedChecks.join(', ')}`);
    } finally {
      await store.close();
    }
  });

  test('a session is told who waits for the lock; a waiter whose events were built on a stale head cannot fork the chain', async () => {
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => PostgresStore.connect(db!.url, { poolSize: 2 })));
    try {
      const id = 'waiters';
      await a.append(id, makeEvent(0, GENESIS_PREV, 'poll-closed', {}));
      const genesis = (await a.head(id))!;
      const waiting = async () => Number((await (a as unknown as { pool: { query(q: string): Promise<{ rows: { n: number }[] }> } }).pool
        .query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0]!.n);
      let release = () => {};
      const held = new Promise<void>((r) => { release = r; });
      let seenByA: SessionInfo | undefined;
      const sessionA = a.exclusive(id, async (info) => { seenByA = info; await held; });
      await until('A to hold the lock', () => seenByA !== undefined);
      // B and C both built an event on the head they know (seq 0) and wait for the lock, B first.
      const seen: Record<string, SessionInfo | undefined> = {};
      const stale = (who: string) => async (info?: SessionInfo) => { seen[who] = info; await (who === 'b' ? b : c).append(id, makeEvent(1, genesis.hash, 'poll-closed', {})); };
      const sessionB = b.exclusive(id, stale('b'));
      for (const t0 = Date.now(); (await waiting()) < 1; await new Promise((r) => setTimeout(r, 20))) assert.ok(Date.now() - t0 < 10_000, 'B never waited');
      const sessionC = c.exclusive(id, stale('c')).then(() => null, (e: unknown) => e);
      for (const t0 = Date.now(); (await waiting()) < 2; await new Promise((r) => setTimeout(r, 20))) assert.ok(Date.now() - t0 < 10_000, 'C never waited');
      release();
      await sessionA;
      assert.equal(seenByA!.othersWaiting, 0);
      await sessionB;
      assert.equal(seen.b!.othersWaiting, 1, 'B was granted the lock while C waited');
      // C's event follows seq 0 too: the store refuses it, and the chain stays one line.
      assert.ok((await sessionC) instanceof SequenceConflict);
      assert.equal(seen.c!.othersWaiting, 0);
      const events = await a.events(id);
      assert.deepEqual(events.map((e) => e.seq), [0, 1]);
      assert.equal(events[1]!.prev, genesis.hash);
    } finally {
      await Promise.all([a, b, c].map((s) => s.close()));
    }
  });
});
