// npm run bench:verify [-- --ballots N] [-- --record FILE]: a FULL record of N demo-shape ballots (the real
// Board on SQLite, one voter per ballot, ballots made in worker threads and cast as they come: see
// bench/record.ts), then `verifyRecord` on it with one worker per core, streamed from the file, in a
// process of its own under /usr/bin/time (wall, CPU of all threads, peak RSS). Building is not timed.
// With --record, an existing record file is verified instead of a new one.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argNumber, fmt, loadAverage, machine, timeChild } from './common.js';
import { buildRecord } from './record.js';

const threads = availableParallelism();
const given = process.argv.indexOf('--record');
const N = argNumber('ballots', 2000);
console.log(`bench:verify — ${machine()}; ${new Date().toISOString()}; load average ${loadAverage()}`);

const dir = mkdtempSync(join(tmpdir(), 'veche-bench-verify-'));
try {
  let recordPath: string;
  if (given >= 0) {
    recordPath = process.argv[given + 1] ?? '';
    console.log(`  record: ${recordPath}`);
  } else {
    let shown = 0;
    const built = await buildRecord('demo', N, dir, threads, (cast) => {
      if (process.stdout.isTTY && cast - shown >= 50) { shown = cast; process.stdout.write(`  building: ${cast}/${N} ballots cast\r`); }
    });
    recordPath = built.recordPath;
    console.log(`  built a full record of ${N} demo-shape ballots in ${fmt(built.buildWallS)} s wall (${fmt(built.creationCpuMs / N)} ms CPU to make each ballot; not timed below)`);
  }
  const verifier = fileURLToPath(new URL('./verify-record.js', import.meta.url));
  const u = timeChild(process.execPath, [verifier, recordPath, '--workers', String(threads)]);
  const r = JSON.parse(u.stdout.trim().split('\n').pop()!) as { ok: boolean; failed: string[]; events: number; ballots: number; counted: number; ms: number };
  if (!r.ok) throw new Error(`the record does not verify: ${r.failed.join(', ')}`);
  const n = r.ballots;
  const load = loadAverage();
  console.log(`  verifyRecord, ${threads} worker threads: ${r.events} events, ${n} ballots checked, ${r.counted} counted; the record verifies`);
  console.log(`  measured (whole process, /usr/bin/time): ${fmt(u.wallS, 2)} s wall, ${fmt(u.cpuS, 2)} s CPU (all threads), peak RSS ${fmt(u.peakMB, 0)} MB`);
  console.log(`  rate: ${fmt(n / u.wallS)} ballots/s wall; ${fmt(1000 * u.cpuS / n, 2)} ms CPU per ballot, everything included`);
  console.log(`  load average after: ${load}`);
  // The fixed part (process start, libsodium load, key ceremony and decryption checks) is measured on a
  // record of one ballot, verified the same way; the rest is taken as linear in the ballots.
  const base = await fixedCost();
  const perWall = (u.wallS - base.wallS) / (n - 1);
  const perCpu = (u.cpuS - base.cpuS) / (n - 1);
  const wallH = (base.wallS + perWall * 1e6) / 3600;
  const cpuH = (base.cpuS + perCpu * 1e6) / 3600;
  console.log(`  fixed part (a record of 1 ballot, verified the same way): ${fmt(base.wallS, 2)} s wall, ${fmt(base.cpuS, 2)} s CPU`);
  console.log(`  per further ballot: ${fmt(1000 * perWall, 2)} ms wall, ${fmt(1000 * perCpu, 2)} ms CPU`);
  console.log('  extrapolated to 1,000,000 ballots (fixed part + 999,999 x per further ballot):');
  console.log(`    at the wall rate measured here (machine shared, load above): ${fmt(wallH, 2)} h`);
  console.log(`    from the CPU measured, if ${threads} cores were all free for it and scaled perfectly: ${fmt(cpuH / threads, 2)} h (${fmt(cpuH, 2)} CPU-hours)`);
  console.log(`    memory: ${fmt(u.peakMB, 0)} MB at ${n} voters; the per-voter index grows by an estimated 150-250 B/voter (docs/performance.md), ~0.2 GB more at 10^6 voters (not measured)`);
  console.log(`  target (issue 5): < 1 h on this ${threads}-core machine`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function fixedCost() {
  const d = mkdtempSync(join(tmpdir(), 'veche-bench-verify-1-'));
  try {
    const one = await buildRecord('demo', 1, d, 1);
    return timeChild(process.execPath, [fileURLToPath(new URL('./verify-record.js', import.meta.url)), one.recordPath, '--workers', String(threads)]);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}
