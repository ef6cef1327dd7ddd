// npm run bench:load: real server processes (dist/src/server/main.js) on 127.0.0.1 with an open
// election; clients cast pre-made valid ballots for --seconds while other clients read the board.
// Prints sustained ballots/s, latency percentiles, errors (must be 0) and lost ballots (must be 0:
// every receipt is checked against the record afterwards). Exits 1 if any error or loss.
//   npm run bench:load -- --seconds 60 --store sqlite|postgres [--servers 2] [--clients 16] [--readers 4]
//                         [--ballots N] [--shape tiny|small] [--pg-mode group|lock|advisory|optimistic]
//                         [--sqlite-mode group|event|compare [--rounds N]]
// --sqlite-mode compare: the SQLite run N times with the old per-event commit and N times with group
// commit (the default), alternating, and prints the ratio of their ballots/s (src/board/sqlite-store.ts).
// PostgreSQL: VECHE_BENCH_DATABASE_URL (an empty database), else a throwaway cluster (test/helpers/postgres.ts).
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import type { BallotJson } from '../src/ballot/types.js';
import type { Receipt } from '../src/board/receipt.js';
import { verifyReceipt } from '../src/board/receipt.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { decodePublicKey } from '../src/crypto/group.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { parseRecord } from '../src/record/read.js';
import { trackingCode as trackingCodeOf } from '../src/ballot/tracking.js';
import { checkReceipts } from '../src/verify/receipts.js';
import { linesSource } from '../src/verify/verifier.js';
import { simpleSelections, smallManifest, tinyManifest } from '../test/helpers/election-fixture.js';
import { openElectionOverHttp, recordText, type TestServer } from '../test/helpers/server.js';
import { ServerProcess } from '../test/helpers/server-process.js';

const SHAPES = { tiny: tinyManifest, small: smallManifest } as const;
type Shape = keyof typeof SHAPES;

interface WorkerJob { electionHash: string; jointKey: string; shape: Shape; id: string; jobs: { credential: string; pick: number }[] }

// ---- ballot-making worker threads ----------------------------------------------------------------
if (!isMainThread) {
  await enableFastBackend().catch(() => undefined); // libsodium if installed: ~20% faster ballots
  const job = workerData as WorkerJob;
  const groups = selectionGroups(SHAPES[job.shape](job.id));
  const key = decodePublicKey(job.jointKey);
  const out: string[] = [];
  for (const j of job.jobs) out.push(JSON.stringify(encryptBallot(job.electionHash, key, groups, simpleSelections(groups, j.pick), credentialKeys(job.electionHash, j.credential)).ballot));
  parentPort!.postMessage(out);
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
function intArg(name: string, fallback: number, min = 1): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`--${name}: a whole number >= ${min}`);
  return v;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');

async function makeBallots(el: { electionHash: string; jointKey: string; id: string }, shape: Shape, credentials: string[], perVoter: number): Promise<BallotJson[]> {
  const jobs = credentials.flatMap((credential, i) => Array.from({ length: perVoter }, (_, k) => ({ credential, pick: i + k })));
  const threads = Math.max(1, cpus().length);
  const chunks = Array.from({ length: threads }, (_, t) => jobs.filter((_, i) => i % threads === t));
  const made = await Promise.all(chunks.map((chunk) => new Promise<string[]>((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { electionHash: el.electionHash, jointKey: el.jointKey, shape, id: el.id, jobs: chunk } satisfies WorkerJob });
    w.once('message', (m: string[]) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  })));
  // Round-robin back into one list, so that a voter's re-votes are spread over the run.
  const out: BallotJson[] = [];
  for (let i = 0; i < jobs.length; i++) out.push(JSON.parse(made[i % threads]![Math.floor(i / threads)]!) as BallotJson);
  return out;
}

async function main(): Promise<void> {
  const seconds = intArg('seconds', 60);
  const storeName = arg('store', 'sqlite');
  if (storeName !== 'sqlite' && storeName !== 'postgres') throw new Error('--store sqlite|postgres');
  const servers = intArg('servers', 1);
  if (servers > 1 && storeName !== 'postgres') throw new Error('--servers > 1 needs --store postgres (one SQLite file per process)');
  const casters = intArg('clients', 16);
  const readers = intArg('readers', 4, 0);
  const shape = arg('shape', 'tiny') as Shape;
  if (!(shape in SHAPES)) throw new Error('--shape tiny|small');
  const pgMode = arg('pg-mode', 'group');
  // Enough for ~150 ballots/s (tiny shape, one process on 2 cores does ~110); more with --ballots.
  const ballotsWanted = intArg('ballots', seconds * 150 * intArg('servers', 1));
  const sqliteMode = arg('sqlite-mode', 'group');
  if (!['group', 'event', 'compare'].includes(sqliteMode)) throw new Error('--sqlite-mode group|event|compare');
  if (sqliteMode !== 'group' && storeName !== 'sqlite') throw new Error('--sqlite-mode needs --store sqlite');
  const run = (mode: string) => runOnce({ seconds, storeName, servers, casters, readers, shape, pgMode, ballotsWanted, sqliteMode: mode });
  if (sqliteMode !== 'compare') { await run(sqliteMode); return; }
  // -- SQLite: group commit against the per-event commit, alternating in one run
  const rounds = intArg('rounds', 1);
  const rates: Record<'event' | 'group', number[]> = { event: [], group: [] };
  for (let r = 0; r < rounds; r++) for (const mode of ['event', 'group'] as const) rates[mode].push(await run(mode));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Each round's pair ran back to back, under about the same load from the rest of the machine.
  const ratios = rates.group.map((g, r) => g / rates.event[r]!).sort((a, b) => a - b);
  console.log('');
  console.log(`SQLite append, ${rounds} round(s): per-event commit ${rates.event.map(f1).join(', ')} ballots/s; group commit ${rates.group.map(f1).join(', ')} ballots/s`);
  console.log(`  group commit / per-event commit: ${(mean(rates.group) / mean(rates.event)).toFixed(2)}x (means), each round ${ratios.map((x) => x.toFixed(2)).join(', ')} (median ${percentile(ratios, 50).toFixed(2)}); load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  // -- end SQLite comparison
}

interface RunConfig { seconds: number; storeName: string; servers: number; casters: number; readers: number; shape: Shape; pgMode: string; ballotsWanted: number; sqliteMode: string }

/** One run: servers started, election opened, ballots cast for `seconds`, every receipt checked; returns ballots/s. */
async function runOnce(cfg: RunConfig): Promise<number> {
  const { seconds, storeName, servers, casters, readers, shape, pgMode, ballotsWanted } = cfg;
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-load-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  const procs: ServerProcess[] = [];
  try {
    let databaseUrl: string | undefined;
    if (storeName === 'postgres') {
      databaseUrl = process.env.VECHE_BENCH_DATABASE_URL;
      if (!databaseUrl) {
        const { freshDatabase } = await import('../test/helpers/postgres.js');
        const db = await freshDatabase('load');
        if (!db) throw new Error('PostgreSQL could not be started here (set VECHE_BENCH_DATABASE_URL)');
        databaseUrl = db.url;
        cleanups.push(() => db.drop());
      }
    }
    const adminToken = `va1.bench-load-${'k'.repeat(32)}`;
    for (let i = 0; i < servers; i++) {
      procs.push(await ServerProcess.start({ dataDir: join(dataDir, `server-${i}`), adminToken, ...(databaseUrl ? { databaseUrl } : {}), env: { VECHE_PG_APPEND_MODE: pgMode, VECHE_SQLITE_APPEND_MODE: cfg.sqliteMode } }));
    }
    const id = 'load';
    const manifest = SHAPES[shape](id);
    const voters = Math.ceil(ballotsWanted / 2);
    console.log(`veche load benchmark: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
    console.log(`store ${storeName} (append: ${storeName === 'postgres' ? pgMode : cfg.sqliteMode}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}, ${servers} server process(es), ${casters} casting clients, ${readers} reading clients, ${seconds} s, ballot shape "${shape}"`);
    const t0 = performance.now();
    const el = await openElectionOverHttp({ base: procs[0]!.base, adminToken } as TestServer, manifest, voters);
    const pool = await makeBallots(el, shape, el.credentials.map((c) => c.credential), 2);
    console.log(`setup: election opened for ${voters} voters, ${pool.length} ballots made (2 per voter: every voter re-votes) in ${f1((performance.now() - t0) / 1000)} s`);

    // ---- the run ----
    const latencies: number[] = [];
    const readLatencies: number[] = [];
    const receipts: Receipt[] = [];
    const errors = new Map<string, number>();
    const error = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
    let reads = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const perServer = procs.map(() => 0);

    const caster = async (k: number) => {
      const s = k % procs.length;
      const base = procs[s]!.base;
      while (performance.now() < deadline && next < pool.length) {
        const ballot = pool[next++]!;
        const t = performance.now();
        try {
          const res = await fetch(`${base}/api/elections/${id}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ballot) });
          const body = (await res.json()) as { receipt?: Receipt; error?: string };
          if (res.status === 200 && body.receipt) { latencies.push(performance.now() - t); receipts.push(body.receipt); perServer[s]!++; } else error(`cast ${res.status} ${body.error ?? ''}`);
        } catch (e) {
          error(`cast: ${(e as Error).message}`);
        }
      }
    };
    const reader = async (k: number) => {
      const base = procs[k % procs.length]!.base;
      for (let i = 0; performance.now() < deadline && next < pool.length; i++) {
        const r = receipts[Math.floor(Math.random() * receipts.length)];
        const path = i % 3 === 0 ? `/api/elections/${id}` : i % 3 === 1 || !r ? `/api/elections/${id}/board?from=${Math.max(0, (r?.seq ?? 0) - 50)}&limit=100` : `/api/elections/${id}/ballots/${r.trackingCode}`;
        const t = performance.now();
        try {
          const res = await fetch(base + path);
          await res.arrayBuffer();
          if (res.status === 200) { reads++; readLatencies.push(performance.now() - t); } else error(`read ${res.status} ${path.split('?')[0]!.replace(/[0-9a-f]{64}/, ':code')}`);
        } catch (e) {
          error(`read: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all([...Array.from({ length: casters }, (_, k) => caster(k)), ...Array.from({ length: readers }, (_, k) => reader(k))]);
    const elapsed = (performance.now() - started) / 1000;
    const exhausted = next >= pool.length && elapsed < seconds - 0.5;

    // ---- every receipt on the record ----
    const lines = (await recordText(procs[0]!.base, id)).split('\n').filter((l) => l !== '');
    const events = parseRecord(lines.join('\n')); // the hash chain holds, or this throws
    const codes = events.filter((e) => e.type === 'ballot').map((e) => trackingCodeOf(e.payload as BallotJson));
    const duplicates = codes.length - new Set(codes).size;
    const badSignatures = receipts.filter((r) => !verifyReceipt(r, el.boardKey)).length;
    const check = await checkReceipts(linesSource(lines), receipts.map((receipt, i) => ({ line: i + 1, receipt, error: null })));
    const lost = check.missing + check.invalid;

    latencies.sort((a, b) => a - b);
    readLatencies.sort((a, b) => a - b);
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    console.log('');
    console.log(`  ballots accepted            ${receipts.length} in ${f1(elapsed)} s${exhausted ? ' (pool used up early: give --ballots)' : ''}`);
    console.log(`  sustained                   ${f1(receipts.length / elapsed)} ballots/s${procs.length > 1 ? ` (per process: ${perServer.join(', ')})` : ''}`);
    console.log(`  cast latency                p50 ${f1(percentile(latencies, 50))} ms, p90 ${f1(percentile(latencies, 90))} ms, p99 ${f1(percentile(latencies, 99))} ms, max ${f1(latencies.at(-1) ?? NaN)} ms`);
    console.log(`  reads meanwhile             ${reads} (${f1(reads / elapsed)}/s), p50 ${f1(percentile(readLatencies, 50))} ms, p99 ${f1(percentile(readLatencies, 99))} ms`);
    console.log(`  errors                      ${errorCount}${errorCount ? `: ${[...errors].map(([k, v]) => `${k} x${v}`).join('; ')}` : ''}`);
    console.log(`  receipts on the record      ${check.present} of ${receipts.length}; lost ${lost}; receipt signatures bad ${badSignatures}`);
    console.log(`  record                      ${events.length} events, hash chain intact, ${codes.length} ballots, duplicates ${duplicates}`);
    if (errorCount > 0 || lost > 0 || duplicates > 0 || badSignatures > 0) process.exitCode = 1;
    return receipts.length / elapsed;
  } finally {
    for (const p of procs) await p.kill('SIGTERM');
    for (const c of cleanups.reverse()) await c();
  }
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(`bench:load: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  });
}
