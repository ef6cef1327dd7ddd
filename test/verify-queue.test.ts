// Verification over a job queue (pg-boss on a real PostgreSQL): `veche verify RECORD --queue URL` with
// three `veche worker` processes, one of them killed with SIGKILL in the middle of a job, prints the
// report `veche verify RECORD` prints alone; a coordinator killed and started again reuses the answers
// already stored and prints the same report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { freshDatabase, type TestDatabase } from './helpers/postgres.js';
import { veche, vecheBin } from './helpers/cli.js';
import { recordWithBadBallot } from './helpers/queue-record.js';

const dbs: TestDatabase[] = [];
const first = await freshDatabase('verify_queue');
if (first) dbs.push(first);
const skip = first ? false : 'PostgreSQL unavailable (see the message above)';

// exited: on 'close', once the output is all read ('exit' may come before the last of it).
interface Proc { child: ChildProcess; stdout: string; stderr: string; exited: Promise<number | null> }

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [vecheBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
  child.stdout!.on('data', (d: Buffer) => { p.stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { p.stderr += d.toString(); });
  return p;
}

/** Waits until `ready()` holds, or fails after `ms`. */
async function until(what: string, ready: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  for (const t0 = Date.now(); !(await ready()); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
  }
}

const running: Proc[] = [];
const worker = (url: string) => { const w = start(['worker', '--queue', url, '--threads', '0', '--job-timeout', '3']); running.push(w); return w; };
const coordinator = (url: string, record: string) => { const c = start(['verify', record, '--json', '--queue', url, '--job-ballots', '32', '--job-timeout', '3']); running.push(c); return c; };

let record: { dir: string; path: string; ballots: number };
let alone: { code: number; stdout: string; stderr: string };

before(async () => {
  if (skip) return;
  record = await recordWithBadBallot(200);
  alone = await veche(["verify", record.path, "--json"]);
});

after(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) { p.child.kill('SIGKILL'); await p.exited; }
  for (const d of dbs) await d.drop();
  if (record) rmSync(record.dir, { recursive: true, force: true });
});

describe('veche verify --queue', { skip }, () => {
  test('the report alone is not trivial: the bad ballot and the tally fail', () => {
    assert.equal(alone.code, 1);
    assert.ok(alone.stdout.length > 0, alone.stderr);
    const report = JSON.parse(alone.stdout) as { checks: { id: string; failed: number; passed: number }[] };
    const check = (id: string) => report.checks.find((c) => c.id === id)!;
    assert.equal(check('ballots.valid').failed, 1);
    assert.ok(check('ballots.valid').passed >= 190);
    assert.ok(check('tally.counts').failed + check('tally.sums').failed > 0);
  });

  test('three workers, one killed with SIGKILL mid-job: the same report as veche verify alone', async () => {
    const url = dbs[0]!.url;
    const victim = worker(url);
    const others = [worker(url), worker(url)];
    const c = coordinator(url, record.path);
    // The victim dies holding a job it has started (the line comes when the job is in its hands).
    await until('the first worker to start a job', () => /job (\S+) started/.test(victim.stderr));
    victim.child.kill('SIGKILL');
    const killedJob = /job (\S+) started/.exec(victim.stderr)![1]!;
    assert.equal(await victim.exited, null);
    assert.equal(await c.exited, alone.code, c.stderr);
    assert.ok(c.stdout.length > 0, c.stderr);
    assert.deepEqual(JSON.parse(c.stdout), JSON.parse(alone.stdout));
    // The killed worker's job was not lost: pg-boss gave it again (retry) after its timeout, and it is done.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const job = (await client.query<{ state: string; retry_count: number }>('SELECT state, retry_count FROM pgboss.job WHERE id = $1', [killedJob])).rows[0];
      assert.ok(job, 'the killed job is still in the queue table');
      assert.equal(job.state, 'completed');
      assert.ok(job.retry_count >= 1, `retried ${job.retry_count} times`);
    } finally {
      await client.end();
    }
    // Both other workers took part.
    for (const w of others) assert.match(w.stderr, /job \S+ done/);
    for (const w of others) w.child.kill('SIGTERM');
    for (const w of others) assert.equal(await w.exited, 0);
  });

  test('a coordinator killed and started again reuses the stored answers and prints the same report', async () => {
    const db = (await freshDatabase('verify_queue_resume'))!;
    dbs.push(db);
    const results = new pg.Client({ connectionString: db.url });
    const stored = async () => {
      try { return Number((await results.query<{ n: string }>('SELECT count(*) AS n FROM veche_verify_results')).rows[0]!.n); } catch { return 0; }
    };
    await results.connect();
    try {
      // No worker yet: the coordinator queues jobs and waits; one worker then answers some of them.
      const c1 = coordinator(db.url, record.path);
      await until('jobs queued', () => /queued in [1-9]/.test(c1.stderr)).catch((e: Error) => { throw new Error(`${e.message}: ${c1.stderr}`); });
      const w = worker(db.url);
      await until('five batches answered', async () => (await stored()) >= 5).catch((e: Error) => { throw new Error(`${e.message}: worker: ${w.stderr} coordinator: ${c1.stderr}`); });
      c1.child.kill('SIGKILL');
      await c1.exited;
      const c2 = coordinator(db.url, record.path);
      assert.equal(await c2.exited, alone.code, c2.stderr);
      assert.ok(c2.stdout.length > 0, c2.stderr);
      assert.deepEqual(JSON.parse(c2.stdout), JSON.parse(alone.stdout));
      const reused = Math.max(...[...c2.stderr.matchAll(/(\d+) batches reused/g)].map((m) => Number(m[1])));
      assert.ok(reused >= 5, `the restarted coordinator reused ${reused} batches`);
      w.child.kill('SIGTERM');
      assert.equal(await w.exited, 0);
    } finally {
      await results.end();
    }
  });
});
