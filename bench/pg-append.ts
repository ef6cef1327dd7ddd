// Appends per second of 1, 2, 4 and 8 veche server processes on one PostgreSQL election, in the
// store's append modes: 'group' (the default: group commit, one transaction per batch of waiting
// submissions under the election's lock) and 'lock' (the old default: one transaction per event, lost
// races retried). Each process is a real OS process with a real Board over its own PostgresStore,
// submitting cheap events (credential revocations, which the credential authority signs in each process
// before the clock starts, so the board's check of one signature comes on top of the store's cost) with
// `concurrency` requests in flight, as a server with several clients does. Prints appends/s per process
// count, the ratio against 1 process of the same mode in the same run, retries per append and latency,
// and checks that the chain is one line with every answered event on it, once.
//   node dist/bench/pg-append.js [--processes 1,2,4,8] [--modes group,lock] [--concurrency 4] [--seconds 3] [--revocations N]
// (VECHE_BENCH_DATABASE_URL, or a throwaway cluster from test/helpers/postgres.ts; note that one has
// fsync off, so it measures everything but the disk: with fsync on, group commit saves one flush per event)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { Board } from '../src/board/board.js';
import { PostgresStore, type AppendMode } from '../src/board/postgres-store.js';
import { SequenceConflict } from '../src/board/store.js';
import type { BoardEvent } from '../src/record/events.js';
import { baseMul, encodePoint, G, randomScalar } from '../src/crypto/group.js';
import { signCredentialList, signRevocation } from '../src/credentials/authority.js';
import { makeRoles, type Roles } from '../src/demo/roles.js';

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

/** What the parent tells each process (a JSON file). */
interface ChildJob {
  url: string;
  election: string;
  mode: AppendMode;
  concurrency: number;
  seconds: number;
  signing: { secret: string };
  electionHash: string;
  keys: string[];
}

/** What each process prints when done. */
interface ChildResult { appended: number; failed: number; firstFailure: string; conflicts: number; latencies: number[]; usedUp: boolean; sessions: number; sessionMs: number }

/** The election's roles (src/demo/roles.ts): one trustee and the credential authority, with fresh signing keys. */
function roles(id: string): Roles {
  return makeRoles({
    id, title: 'append benchmark', description: '', languages: ['en'],
    questions: [{ type: 'choice', id: 'q', title: 'Q', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false }],
    trustees: [{ id: 't1', name: 'T1' }], threshold: 1,
  });
}

/** Distinct valid credential keys, cheaply: P, P+G, P+2G, ... */
function credentialKeys(n: number): string[] {
  let p = baseMul(randomScalar());
  const out: string[] = [];
  for (let i = 0; i < n; i++) { out.push(encodePoint(p)); p = p.add(G); }
  return out.sort();
}

// ---- one server process ------------------------------------------------------------------------

async function child(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ChildJob;
  const store = await PostgresStore.connect(job.url, { mode: job.mode, poolSize: 4 });
  const result: ChildResult = { appended: 0, failed: 0, firstFailure: '', conflicts: 0, latencies: [], usedUp: false, sessions: 0, sessionMs: 0 };
  // Sessions (exclusive(): in 'group' mode one commit each) and the time from asking for the lock to the commit.
  const exclusive = store.exclusive.bind(store);
  store.exclusive = async <T>(...args: Parameters<typeof exclusive<T>>) => {
    const t = performance.now();
    try { return await exclusive<T>(...args); } finally { result.sessions++; result.sessionMs += performance.now() - t; }
  };
  const append = store.append.bind(store);
  store.append = async (election: string, event: BoardEvent, code?: string) => {
    try { await append(election, event, code); } catch (e) { if (e instanceof SequenceConflict) result.conflicts++; throw e; }
  };
  const board = await Board.load(store, job.election);
  // Signed before the clock starts (by the authority; here, so that the processes sign in parallel).
  const revocations = job.keys.map((key) => signRevocation(job.electionHash, key, 'bench', job.signing));
  process.stdout.write('ready\n');
  const go = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => go.once('line', () => resolve()));
  // Let go of stdin, or this process would not exit when done.
  go.close();
  process.stdin.destroy();
  const deadline = performance.now() + job.seconds * 1000;
  let next = 0;
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (performance.now() < deadline && next < revocations.length) {
      const r = revocations[next++]!;
      const t = performance.now();
      try {
        await board.revokeCredential(r);
        result.latencies.push(performance.now() - t);
        result.appended++;
      } catch (e) {
        // Board gave up after its retries: the request fails (a voter would get an error).
        result.failed++;
        result.firstFailure ||= `${(e as Error).name}: ${(e as Error).message}`;
      }
    }
  }));
  result.usedUp = next >= revocations.length;
  await store.close();
  process.stdout.write(JSON.stringify(result) + '\n');
}

// ---- the parent --------------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url);

async function run(url: string, dir: string, mode: AppendMode, processes: number, concurrency: number, seconds: number, revocations: number): Promise<number> {
  const id = `append-${mode}-${processes}-${Date.now().toString(36)}`;
  const r = roles(id);
  const store = await PostgresStore.connect(url, { mode });
  const board = await Board.create(store, r.manifest);
  const electionHash = board.current.electionHash;
  const keys = credentialKeys(revocations);
  await board.submitCredentials(signCredentialList(electionHash, keys.map((key) => ({ key, weight: 1 })), r.authority.signing));
  const per = Math.floor(keys.length / processes);
  const children = Array.from({ length: processes }, (_, k) => {
    const file = join(dir, `job-${k}.json`);
    const job: ChildJob = { url, election: id, mode, concurrency, seconds, signing: r.authority.signing, electionHash, keys: keys.slice(k * per, (k + 1) * per) };
    writeFileSync(file, JSON.stringify(job));
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
  const t0 = performance.now();
  for (const c of children) c.c.stdin.write('go\n');
  const results = await Promise.all(children.map((c) => c.done));
  const elapsed = (performance.now() - t0) / 1000;
  // The chain: one line, and every answered revocation on it exactly once.
  const events = await store.events(id);
  for (let k = 1; k < events.length; k++) if (events[k]!.prev !== events[k - 1]!.hash || events[k]!.seq !== k) throw new Error('broken chain');
  const revoked = events.filter((e) => e.type === 'credential-revoked').map((e) => (e.payload as { key: string }).key);
  const appended = results.reduce((a, x) => a + x.appended, 0);
  if (revoked.length !== appended || new Set(revoked).size !== appended) throw new Error(`appended ${appended}, stored ${revoked.length} (${new Set(revoked).size} distinct)`);
  await store.close();
  const latencies = results.flatMap((x) => x.latencies).sort((a, b) => a - b);
  const failed = results.reduce((a, x) => a + x.failed, 0);
  const conflicts = results.reduce((a, x) => a + x.conflicts, 0);
  const rate = appended / elapsed;
  const sessions = results.reduce((a, x) => a + x.sessions, 0);
  const sessionMs = results.reduce((a, x) => a + x.sessionMs, 0);
  const usedUp = results.some((x) => x.usedUp);
  process.stdout.write(`${mode.padEnd(6)} ${String(processes).padStart(2)} processes ${rate.toFixed(0).padStart(7)} appends/s`
    + `   ${(conflicts / Math.max(1, appended)).toFixed(2)} retries per append   ${mode === 'group' && sessions ? `${(appended / sessions).toFixed(1)} per commit (${(sessionMs / sessions).toFixed(1)} ms from lock asked to commit)` : ''}   p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`
    + `   ${failed} requests failed${failed ? ` (${results.find((x) => x.failed)!.firstFailure})` : ''}${usedUp ? '   (revocations used up early: give --revocations)' : ''}`);
  return rate;
}

async function main(): Promise<void> {
  const counts = arg('processes', '1,2,4,8').split(',').map(Number);
  const modes = arg('modes', 'group,lock').split(',') as AppendMode[];
  const concurrency = intArg('concurrency', 4);
  const seconds = intArg('seconds', 3);
  const revocations = intArg('revocations', 12_000 * seconds);
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
  console.log(`Board appends over PostgreSQL: 1 election, server processes x ${concurrency} requests in flight, ${seconds} s per run`);
  try {
    for (const mode of modes) {
      let one = NaN;
      for (const n of counts) {
        const rate = await run(url, dir, mode, n, concurrency, seconds, revocations);
        if (n === 1) one = rate;
        process.stdout.write(Number.isNaN(one) ? '\n' : `   ${(rate / one).toFixed(2)}x 1 process\n`);
      }
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
} else {
  main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
}
