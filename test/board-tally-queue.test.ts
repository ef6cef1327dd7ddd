// The board's own tally over the job queue (issue 10 point 7): `veche board tally --queue URL` sums the
// counted ballots on `veche worker` processes (pg-boss on a real PostgreSQL), one of them killed with
// SIGKILL in the middle of its job, and appends exactly the tally `veche board tally` computes alone
// (byte for byte); the election is then decrypted and its record verifies.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { canonicalJson } from '../src/crypto/encoding.js';
import { encodeEvent, type BoardEvent } from '../src/record/events.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { freshDatabase } from './helpers/postgres.js';
import { vecheBin, veche } from './helpers/cli.js';
import { ballotOf, compactChoices, createWithKeys, publishVoters, revoke } from './helpers/election.js';

const db = await freshDatabase('board_tally_queue');
const skip = db ? false : 'PostgreSQL unavailable (see the message above)';
const dir = mkdtempSync(join(tmpdir(), 'veche-board-tally-'));
const running: ChildProcess[] = [];

after(async () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

interface Proc { child: ChildProcess; stderr: string; exited: Promise<number | null> }

function worker(url: string, onStderr?: (p: Proc) => void): Proc {
  const child = spawn(process.execPath, [vecheBin, 'worker', '--queue', url, '--threads', '0', '--job-timeout', '3'], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.push(child);
  const p: Proc = { child, stderr: '', exited: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
  child.stderr!.on('data', (d: Buffer) => { p.stderr += d.toString(); onStderr?.(p); });
  return p;
}

async function tallyOf(boardDir: string): Promise<BoardEvent> {
  const store = new SqliteStore(join(boardDir, 'board.sqlite'));
  try {
    const [id] = await store.elections();
    const [tally] = await store.events(id!, { types: ['tally'] });
    assert.ok(tally, `no tally on the board in ${boardDir}`);
    return tally;
  } finally {
    await store.close();
  }
}

describe('the board tally on the job queue', { skip }, () => {
  test('two workers, one killed with SIGKILL mid-job: the same tally bytes as alone, and the record verifies', async () => {
    // A closed election on a board directory: weighted voters, re-votes, a revoked credential.
    const alone = join(dir, 'alone');
    const queued = join(dir, 'queued');
    mkdirSync(alone);
    mkdirSync(queued);
    const store = new SqliteStore(join(alone, 'board.sqlite'));
    const { board, trustees } = await createWithKeys(store);
    const voters = await publishVoters(board, 90, Array.from({ length: 90 }, (_, i) => 1 + (i % 3)));
    await board.openPoll();
    for (let i = 0; i < voters.length; i++) await board.castBallot(ballotOf(board, voters[i]!, compactChoices(i)).ballot);
    for (let i = 0; i < 10; i++) await board.castBallot(ballotOf(board, voters[i]!, compactChoices(i + 1)).ballot);
    await revoke(board, voters[20]!.keys.key);
    await board.closePoll();
    const id = board.electionId;
    await store.close();
    for (const f of readdirSync(alone)) if (f.startsWith('board.sqlite')) copyFileSync(join(alone, f), join(queued, f));

    const local = await veche(['board', 'tally', '--board', alone]);
    assert.equal(local.code, 0, local.stderr);

    // The first worker is killed the moment it says it started a job (before it can have stored the
    // job's answers); the second, started after, gets the job again once its timeout passes.
    const url = db!.url;
    let killedJob = '';
    const victim = worker(url, (p) => {
      const m = /job (\S+) started/.exec(p.stderr);
      if (m && !killedJob) { killedJob = m[1]!; p.child.kill('SIGKILL'); }
    });
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => { if (/waiting for jobs/.test(victim.stderr)) { clearInterval(t); resolve(); } }, 25);
      void victim.exited.then(() => { clearInterval(t); reject(new Error(`worker exited: ${victim.stderr}`)); });
    });
    const tally = veche(['board', 'tally', '--board', queued, '--queue', url]);
    assert.equal(await victim.exited, null, 'the first worker was killed');
    assert.ok(killedJob, victim.stderr);
    const survivor = worker(url);
    const run = await tally;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /tally computed over 89 ballots/);
    assert.match(survivor.stderr, /job \S+ done/);

    const [a, b] = [await tallyOf(alone), await tallyOf(queued)];
    assert.equal(canonicalJson(b.payload), canonicalJson(a.payload));
    assert.equal(b.seq, a.seq);
    assert.equal((a.payload as { castWeight: number }).castWeight, voters.reduce((s, v, i) => s + (i === 20 ? 0 : v.weight), 0));

    // The killed worker's job was not lost: pg-boss gave it again after its timeout, and it is done.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const job = (await client.query<{ state: string; retry_count: number }>('SELECT state, retry_count FROM pgboss.job WHERE id = $1', [killedJob])).rows[0];
      assert.equal(job?.state, 'completed');
      assert.ok(job.retry_count >= 1, `retried ${job.retry_count} times`);
    } finally {
      await client.end();
    }
    survivor.child.kill('SIGTERM');
    assert.equal(await survivor.exited, 0);

    // The queued board's election finishes and its record verifies.
    const qs = new SqliteStore(join(queued, 'board.sqlite'));
    try {
      const qb = await Board.load(qs, id);
      for (const index of [1, 2]) await qb.submitDecryptionShare(makeDecryptionShare(trustees[index - 1]!, qb.current.tally!.sums));
      await qb.publishResult();
      const lines: string[] = [];
      for await (const e of qb.record()) lines.push(encodeEvent(e));
      const { report } = await verifyRecord(linesSource(lines), undefined, { workers: 0 });
      assert.ok(report.okSoFar, `verifier: ${report.failedChecks.join(', ')}`);
    } finally {
      await qs.close();
    }
  });
});
