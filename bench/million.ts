// npm run bench:million [-- --ballots N] [-- --rebuild] [-- --build-only] [-- --baseline M]: the target of
// issue 10, 10^6 demo-shape ballots fully verified on this machine in < 20 minutes, extrapolated from a
// measured run. Builds a full record of N demo-shape ballots (default 100,000; bench/record.ts: the real
// Board on SQLite, one voter each, ballots made by the booth's code in worker threads, cast through
// Board.castBallot), cached under $TMPDIR/veche-bench-million/demo-N/ (building 10^5 takes most of an
// hour of both cores; --rebuild makes a new one). Then runs the real `veche verify --final RECORD` (the
// CLI a user runs, one worker thread per core) as a child process under /usr/bin/time, sampling its RSS
// and CPU from /proc every 250 ms, and prints wall, CPU, ms per ballot, peak RSS, RSS at 10/50/90 % of
// the run, and the extrapolation to 10^6. The baseline, measured in the same run: the same command on
// the record's first M ballots (default 2,000; a prefix of a record is a record, verified "so far") on
// the native backend and on libsodium's WASM build (VECHE_BACKEND=sodium: a verifier without the addon).
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { argNumber, fmt, loadAverage, machine } from './common.js';
import { buildRecord } from './record.js';

const N = argNumber('ballots', 100_000);
const M = argNumber('baseline', 2000);
const threads = availableParallelism();
const CLI = fileURLToPath(new URL('../../bin/veche.js', import.meta.url));
const CACHE_FORMAT = 'v2'; // the ballot format of the cached records (protocol v2)
// Who makes the ballots: bench/backend-ballot.ts (the protocol on the native backend, ~5 ms a ballot) unless
// --booth-prover asks for the booth's own code (~33 ms a ballot: hours for 10^5 here). The board checks each.
const PROVER: 'booth' | 'backend' = process.argv.includes('--booth-prover') ? 'booth' : 'backend';

interface Meta { ballots: number; buildWallS: number; creationCpuMs: number; built: string; prover: string }

const log = (s: string) => console.log(s);
log(`bench:million — ${machine()}; ${new Date().toISOString()}; load average ${loadAverage()}`);

const { path: recordPath, meta } = await cachedRecord(N);
log(`  record: ${recordPath} (${N} demo-shape ballots; built ${meta.built} in ${fmt(meta.buildWallS, 0)} s wall, ${fmt(meta.creationCpuMs / N)} ms CPU to make each ballot by the ${meta.prover === 'booth' ? "booth's code" : 'backend prover (bench/backend-ballot.ts)'}; not timed here)`);
if (process.argv.includes('--build-only')) process.exit(0);

/** The record of n ballots from the cache, or built now (and cached). */
async function cachedRecord(n: number): Promise<{ path: string; meta: Meta }> {
  const dir = join(tmpdir(), 'veche-bench-million', `demo-${n}-${CACHE_FORMAT}-${PROVER}`);
  const path = join(dir, 'record.jsonl');
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath) && existsSync(path) && !process.argv.includes('--rebuild')) return { path, meta: JSON.parse(readFileSync(metaPath, 'utf8')) as Meta };
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, 'build-'));
  try {
    let shown = 0;
    const t0 = Date.now();
    const built = await buildRecord('demo', n, work, threads, (cast) => {
      if (cast - shown >= 1000) {
        shown = cast;
        const s = (Date.now() - t0) / 1000;
        process.stderr.write(`  building: ${cast}/${n} ballots cast, ${fmt(s, 0)} s, ~${fmt((n - cast) * s / cast / 60, 0)} min to go (load ${loadAverage()})\n`);
      }
    }, PROVER);
    renameSync(built.recordPath, path);
    const meta: Meta = { ballots: n, buildWallS: built.buildWallS, creationCpuMs: built.creationCpuMs, built: new Date().toISOString(), prover: PROVER };
    writeFileSync(metaPath, JSON.stringify(meta));
    return { path, meta };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface Sample { t: number; rssMB: number; cpuS: number }
interface Run { wallS: number; cpuS: number; peakMB: number; samples: Sample[]; stdout: string; load: string }

const TICK = 100; // clock ticks per second in /proc/PID/stat (USER_HZ on Linux)

/** `veche verify [--final] RECORD` as a child process under /usr/bin/time, its RSS and CPU sampled from /proc. */
async function verifyRun(record: string, env: NodeJS.ProcessEnv = {}, final = true): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-million-time-'));
  try {
    const out = join(dir, 'usage');
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, process.execPath, CLI, 'verify', ...(final ? ['--final'] : []), record], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const samples: Sample[] = [];
    const t0 = performance.now();
    let pid: number | null = null;
    const timer = setInterval(() => {
      try {
        pid ??= Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]) || null;
        if (pid === null) return;
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        if (rss) samples.push({ t: (performance.now() - t0) / 1000, rssMB: Number(rss[1]) / 1024, cpuS: (Number(stat[11]) + Number(stat[12])) / TICK });
      } catch { /* the process has just ended */ }
    }, 250);
    const [code] = await once(child, 'exit') as [number | null];
    clearInterval(timer);
    if (code !== 0) throw new Error(`veche verify failed (exit ${code}):\n${stdout.slice(-3000)}\n${stderr.slice(-2000)}`);
    const [wall, user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number, number];
    return { wallS: wall, cpuS: user + sys, peakMB: kb / 1024, samples, stdout, load: loadAverage() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The record's lines up to and including its m-th ballot event: a prefix, which is a record too. */
async function prefix(record: string, m: number, path: string): Promise<void> {
  const out = createWriteStream(path);
  let ballots = 0;
  for await (const line of createInterface({ input: createReadStream(record, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    if (!out.write(line + '\n')) await once(out, 'drain');
    if (line.includes('"type":"ballot"') && ++ballots === m) break;
  }
  out.end();
  await once(out, 'finish');
}

const rssAt = (r: Run, f: number) => {
  const t = f * r.wallS;
  const s = r.samples.reduce((best, x) => (Math.abs(x.t - t) < Math.abs(best.t - t) ? x : best), r.samples[0]!);
  return s ? `${fmt(s.rssMB, 0)} MB` : 'n/a';
};
const checkedBallots = (r: Run) => Number(/ballots\.valid[^\n]*\((\d+) passed/.exec(r.stdout)?.[1] ?? NaN);
const verdict = (r: Run) => r.stdout.trim().split('\n').filter((l) => l.startsWith('VERIFIED') || l.startsWith('NOT VERIFIED')).pop() ?? '?';

log(`  verifying: veche verify --final (the CLI, ${threads} worker threads), load average before ${loadAverage()}`);
const full = await verifyRun(recordPath);
const n = checkedBallots(full);
if (n !== N) throw new Error(`expected ${N} ballots checked, the report says ${n}`);
log(`  ${verdict(full)}; ${n} ballots checked (load average after: ${full.load})`);
log(`  wall ${fmt(full.wallS, 1)} s, CPU ${fmt(full.cpuS, 1)} s (user + sys, all threads): ${fmt(1000 * full.wallS / n, 3)} ms wall and ${fmt(1000 * full.cpuS / n, 3)} ms CPU per ballot, everything included`);
log(`  memory: peak RSS ${fmt(full.peakMB, 0)} MB; RSS at 10 % of the run ${rssAt(full, 0.1)}, at 50 % ${rssAt(full, 0.5)}, at 90 % ${rssAt(full, 0.9)} (${full.samples.length} samples, every 250 ms)`);
const scale = 1e6 / n;
log(`  1,000,000 ballots, scaled from this run (x ${fmt(scale, 1)}, fixed part included):`);
log(`    from the CPU time, on ${threads} free cores: ${fmt(full.cpuS * scale / threads / 60, 1)} min (${fmt(full.cpuS * scale / 3600, 2)} CPU-hours)`);
log(`    from the wall time measured here (machine shared, load above): ${fmt(full.wallS * scale / 60, 1)} min`);
log('    target (issue 10): < 20 min on this 2-core machine');

if (M > 0 && M < N) {
  const dir = mkdtempSync(join(tmpdir(), 'veche-million-prefix-'));
  try {
    const p = join(dir, 'prefix.jsonl');
    await prefix(recordPath, M, p);
    const nat = await verifyRun(p, {}, false);
    const wasm = await verifyRun(p, { VECHE_BACKEND: 'sodium' }, false);
    for (const r of [nat, wasm]) if (checkedBallots(r) !== M) throw new Error(`prefix: expected ${M} ballots checked, got ${checkedBallots(r)}`);
    const per = (r: Run) => 1000 * r.cpuS / M;
    log(`  baseline in the same run, the record's first ${fmt(M, 0)} ballots (a prefix: no tally yet), veche verify on ${threads} threads:`);
    log(`    native backend: ${fmt(nat.wallS, 2)} s wall, ${fmt(nat.cpuS, 2)} s CPU, ${fmt(per(nat), 3)} ms CPU per ballot; peak RSS ${fmt(nat.peakMB, 0)} MB`);
    log(`    libsodium WASM (VECHE_BACKEND=sodium): ${fmt(wasm.wallS, 2)} s wall, ${fmt(wasm.cpuS, 2)} s CPU, ${fmt(per(wasm), 3)} ms CPU per ballot; peak RSS ${fmt(wasm.peakMB, 0)} MB`);
    // Two runs of one command give the cost of each further ballot apart from the fixed part (start-up,
    // the addon's self-test, the key ceremony's checks); the prefix has no tally or result to check.
    const slope = (full.cpuS - nat.cpuS) / (N - M);
    const fixed = nat.cpuS - slope * M;
    log(`    each further ballot, from the two runs: ${fmt(1000 * slope, 3)} ms CPU; fixed part ${fmt(fixed, 1)} s CPU`);
    log(`    1,000,000 ballots from that: ${fmt((fixed + slope * 1e6) / threads / 60, 1)} min on ${threads} free cores (${fmt((fixed + slope * 1e6) / 3600, 2)} CPU-hours)`);
    log(`    ratios: native / WASM ${fmt(per(nat) / per(wasm), 3)} (CPU per ballot); the ${fmt(N, 0)}-ballot run / the native prefix ${fmt((1000 * full.cpuS / N) / per(nat), 3)} (CPU per ballot: > 1 means it grows with N)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
