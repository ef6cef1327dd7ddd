// Ballots per second taken by 1, 2, 4 and 8 veche server processes on one PostgreSQL election, in the
// store's append modes: 'group' (the default: group commit, one transaction per batch of waiting
// submissions under the election's lock) and, with --modes group,lock, 'lock' (the old default: one
// transaction per event, lost races retried). Each process is a real OS process with a real Board over
// its own PostgresStore (libsodium backend, as the server runs), casting real ballots that it checks
// completely (signature, proofs, tracking code: the board's intake, a few ms of CPU each, which is what
// more processes share out) with --concurrency requests in flight, as a server with several clients does.
// Every run casts the same number of ballots (--ballots), split evenly over its processes; the rate is
// ballots over the time from "go" to the last receipt. Prints ballots/s per process count, the ratio
// against 1 process of the same mode in the same run, retries per append, ballots per commit, latency
// and the load average, and checks that the chain is one line with every receipted ballot on it, once.
//   node dist/bench/pg-append.js [--processes 1,2,4,8] [--modes group] [--concurrency 64] [--ballots 1000] [--rounds 2] [--check-thread 0|1] [--shape tiny|small]
// (64 in flight per process: a server one would scale out has many clients; with few, batches stay small)
// (VECHE_BENCH_DATABASE_URL, or a throwaway cluster from test/helpers/postgres.ts; note that one has
// fsync off, so it measures everything but the disk: with fsync on, group commit saves one flush per event)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Board } from '../src/board/board.js';
import { PostgresStore, type AppendMode } from '../src/board/postgres-store.js';
import { SequenceConflict } from '../src/board/store.js';
import { useCheckThread } from '../src/board/check-thread.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import type { BallotJson } from '../src/ballot/types.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey, encodePoint } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { Manifest } from '../src/manifest/types.js';
import type { BoardEvent } from '../src/record/events.js';
import { openElection, simpleSelections, smallManifest, tinyManifest } from '../test/helpers/election-fixture.js';

const SHAPES = { tiny: tinyManifest, small: smallManifest } as const;
type Shape = keyof typeof SHAPES;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

function intArg(name: string, fallback: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${name}: a positive whole number`);
  return v;
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const load1 = () => loadavg()[0]!.toFixed(1);

/** What the parent tells each process (a JSON file). */
interface ChildJob { url: string; election: string; mode: AppendMode; concurrency: number; checkThread: boolean; ballots: BallotJson[] }

/** What each process prints when done. */
interface ChildResult { appended: number; failed: number; firstFailure: string; conflicts: number; latencies: number[]; sessions: number; sessionMs: number; waitMs: number; workMs: number; commitMs: number; endedAt: number; codes: string[] }

/** What a ballot-making thread is given: the election, and the credentials to vote with. */
interface MakeJob { electionHash: string; jointKey: string; manifest: Manifest; credentials: string[] }

// ---- ballot-making worker threads (the booth's code) ---------------------------------------------

if (!isMainThread) {
  const job = workerData as MakeJob;
  const groups = selectionGroups(job.manifest);
  const key = decodePublicKey(job.jointKey);
  parentPort!.postMessage(job.credentials.map((c, i) => encryptBallot(job.electionHash, key, groups, simpleSelections(groups, i), credentialKeys(job.electionHash, c)).ballot));
}

/** One ballot per credential, made on one thread per core. */
async function makeBallots(job: Omit<MakeJob, 'credentials'>, credentials: string[]): Promise<BallotJson[]> {
  const threads = Math.max(1, cpus().length);
  const chunks = Array.from({ length: threads }, (_, t) => credentials.filter((_, i) => i % threads === t));
  const made = await Promise.all(chunks.map((chunk) => new Promise<BallotJson[]>((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { ...job, credentials: chunk } satisfies MakeJob });
    w.once('message', (m: BallotJson[]) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  })));
  return made.flat();
}

// ---- one server process ------------------------------------------------------------------------

async function child(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ChildJob;
  await enableFastBackend();
  // --check-thread 1: as the server with VECHE_CHECK_THREAD=1 (the proof checks on a thread, the event loop free for I/O).
  if (job.checkThread) useCheckThread();
  const store = await PostgresStore.connect(job.url, { mode: job.mode, poolSize: 4 });
  const result: ChildResult = { appended: 0, failed: 0, firstFailure: '', conflicts: 0, latencies: [], sessions: 0, sessionMs: 0, waitMs: 0, workMs: 0, commitMs: 0, endedAt: 0, codes: [] };
  // Sessions (exclusive(): in 'group' mode one commit each) and the time from asking for the lock to the commit.
  // Split into the wait for the lock (and the first round trip), the board's work under it, and the write and commit.
  const exclusive = store.exclusive.bind(store);
  store.exclusive = async <T>(...[election, f, hint]: Parameters<typeof exclusive<T>>) => {
    const t = performance.now();
    let granted = t;
    let worked = t;
    try {
      return await exclusive<T>(election, async (session) => {
        granted = performance.now();
        try { return await f(session); } finally { worked = performance.now(); }
      }, hint);
    } finally {
      const end = performance.now();
      result.sessions++; result.sessionMs += end - t; result.waitMs += granted - t; result.workMs += worked - granted; result.commitMs += end - worked;
    }
  };
  const append = store.append.bind(store);
  store.append = async (election: string, event: BoardEvent, code?: string) => {
    try { await append(election, event, code); } catch (e) { if (e instanceof SequenceConflict) result.conflicts++; throw e; }
  };
  const board = await Board.load(store, job.election);
  process.stdout.write('ready\n');
  const go = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => go.once('line', () => resolve()));
  // Let go of stdin, or this process would not exit when done.
  go.close();
  process.stdin.destroy();
  let next = 0;
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (next < job.ballots.length) {
      const b = job.ballots[next++]!;
      const t = performance.now();
      try {
        const { receipt } = await board.castBallot(b);
        result.latencies.push(performance.now() - t);
        result.codes.push(receipt.trackingCode);
        result.appended++;
      } catch (e) {
        // Board gave up after its retries: the request fails (a voter would get an error).
        result.failed++;
        result.firstFailure ||= `${(e as Error).name}: ${(e as Error).message}`;
      }
    }
  }));
  result.endedAt = Date.now();
  await store.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

// ---- the parent --------------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url);

async function run(url: string, dir: string, election: string, mode: AppendMode, processes: number, concurrency: number, checkThread: boolean, ballots: BallotJson[]): Promise<number> {
  const store = await PostgresStore.connect(url, { mode });
  const fromSeq = ((await store.head(election))?.seq ?? 0) + 1;
  const per = Math.floor(ballots.length / processes);
  const children = Array.from({ length: processes }, (_, k) => {
    const file = join(dir, `job-${k}.json`);
    writeFileSync(file, JSON.stringify({ url, election, mode, concurrency, checkThread, ballots: ballots.slice(k * per, (k + 1) * per) } satisfies ChildJob));
    const c = spawn(process.execPath, [self, '--child', file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: c.stdout });
    const ready = new Promise<void>((resolve) => lines.once('line', () => resolve()));
    const done = new Promise<ChildResult>((resolve, reject) => {
      let last = '';
      lines.on('line', (l) => { last = l; });
      c.on('close', (code) => { try { resolve(JSON.parse(last) as ChildResult); } catch { reject(new Error(`process ${k} exited ${code}`)); } });
    });
    return { c, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  const loadBefore = load1();
  const t0 = Date.now();
  for (const c of children) c.c.stdin.write('go\n');
  const results = await Promise.all(children.map((c) => c.done));
  const elapsed = (Math.max(...results.map((x) => x.endedAt)) - t0) / 1000;
  // The chain: one line, and every receipted ballot of this run on it exactly once, and nothing else.
  const all = await store.events(election);
  for (let k = 1; k < all.length; k++) if (all[k]!.prev !== all[k - 1]!.hash || all[k]!.seq !== k) throw new Error('broken chain');
  const stored = all.filter((e) => e.seq >= fromSeq && e.type === 'ballot').length;
  const codes = results.flatMap((x) => x.codes);
  const onChain = await Promise.all(codes.map((c) => store.findBallot(election, c)));
  if (onChain.some((r) => !r || r.seq < fromSeq) || stored !== codes.length || new Set(codes).size !== codes.length) throw new Error(`receipted ${codes.length}, stored ${stored}`);
  await store.close();
  const latencies = results.flatMap((x) => x.latencies).sort((a, b) => a - b);
  const appended = codes.length;
  const failed = results.reduce((a, x) => a + x.failed, 0);
  const conflicts = results.reduce((a, x) => a + x.conflicts, 0);
  const rate = appended / elapsed;
  const sessions = results.reduce((a, x) => a + x.sessions, 0);
  const perSession = (k: 'sessionMs' | 'waitMs' | 'workMs' | 'commitMs') => (results.reduce((a, x) => a + x[k], 0) / Math.max(1, sessions)).toFixed(1);
  process.stdout.write(`${mode.padEnd(6)} ${String(processes).padStart(2)} processes ${rate.toFixed(0).padStart(6)} ballots/s`
    + `   ${(conflicts / Math.max(1, appended)).toFixed(2)} retries per append   ${mode === 'group' && sessions ? `${(appended / sessions).toFixed(1)} per commit (ms from lock asked to commit ${perSession('sessionMs')}: lock and catch-up ${perSession('waitMs')}, under the lock ${perSession('workMs')}, write and commit ${perSession('commitMs')})` : ''}   p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms`
    + `   load ${loadBefore} -> ${load1()}   ${failed} failed${failed ? ` (${results.find((x) => x.failed)!.firstFailure})` : ''}`);
  return rate;
}

async function main(): Promise<void> {
  const counts = arg('processes', '1,2,4,8').split(',').map(Number);
  const modes = arg('modes', 'group').split(',') as AppendMode[];
  const concurrency = intArg('concurrency', 64);
  const perRun = intArg('ballots', 1000);
  const rounds = intArg('rounds', 2);
  const checkThread = arg('check-thread', '0') !== '0';
  const shape = arg('shape', 'tiny') as Shape;
  if (!(shape in SHAPES)) throw new Error('--shape tiny|small');
  let url = process.env.VECHE_BENCH_DATABASE_URL;
  let drop: (() => Promise<void>) | null = null;
  if (!url) {
    const { freshDatabase } = await import('../test/helpers/postgres.js');
    const db = await freshDatabase('append');
    if (!db) throw new Error('PostgreSQL could not be started here (set VECHE_BENCH_DATABASE_URL)');
    url = db.url;
    drop = () => db.drop();
  }
  const dir = mkdtempSync(join(tmpdir(), 'veche-pg-append-'));
  try {
    // One election for every run, one voter per ballot; each run casts its own slice of the ballots.
    const runs = modes.length * counts.length * rounds;
    const t0 = performance.now();
    const store = await PostgresStore.connect(url);
    const election = `append-${Date.now().toString(36)}`;
    const el = await openElection(store, { voters: perRun * runs, manifest: SHAPES[shape](election) });
    const ballots = await makeBallots({ electionHash: el.electionHash, jointKey: encodePoint(el.publicKey), manifest: el.manifest }, el.voters.map((v) => v.credential));
    await store.close();
    console.log(`Ballots cast by server processes on one PostgreSQL election ("${shape}" ballots, each checked by the process that takes it): ${cpus().length} cores, ${concurrency} requests in flight per process, ${perRun} ballots per run, checks ${checkThread ? 'on a thread of each process (VECHE_CHECK_THREAD=1)' : 'on the event loop'}`);
    console.log(`setup: ${ballots.length} ballots made in ${((performance.now() - t0) / 1000).toFixed(1)} s; load average ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
    // Rounds interleave the process counts (1, 2, 4, 8, 1, 2, ...), so that a change in the machine's
    // other load falls on every count alike; the summary takes each count's median over the rounds.
    let slice = 0;
    for (const mode of modes) {
      const rates = new Map<number, number[]>(counts.map((n) => [n, []]));
      for (let round = 1; round <= rounds; round++) {
        let one = NaN;
        for (const n of counts) {
          const rate = await run(url, dir, election, mode, n, concurrency, checkThread, ballots.slice(slice * perRun, ++slice * perRun));
          rates.get(n)!.push(rate);
          if (n === 1) one = rate;
          process.stdout.write(Number.isNaN(one) ? '\n' : `   ${(rate / one).toFixed(2)}x 1 process\n`);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
      const base = median(rates.get(1) ?? [NaN]);
      console.log(`${mode}: median of ${rounds} round(s): ${counts.map((n) => `${n} processes ${median(rates.get(n)!).toFixed(0)}/s (${(median(rates.get(n)!) / base).toFixed(2)}x)`).join(', ')}; load average now ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
    }
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  }
}

if (process.argv.includes('--child')) {
  child(process.argv[process.argv.indexOf('--child') + 1]!).catch((e: unknown) => { console.error(e); process.exit(1); });
} else if (isMainThread) {
  main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
}
