// node dist/bench/verify-record.js RECORD [--workers K]: verifyRecord on a record file, in a process of its
// own so that /usr/bin/time measures its CPU time and peak RSS alone (bench/common.ts timeChild). Prints
// one JSON line; exits 1 when the record does not verify. Without --workers: one worker per core.
import { fileSource, verifyRecord } from '../src/verify/verifier.js';

const path = process.argv[2];
const w = process.argv.indexOf('--workers');
const workers = w < 0 ? undefined : Number(process.argv[w + 1]);
if (!path || (workers !== undefined && !(Number.isSafeInteger(workers) && workers >= 0))) {
  process.stderr.write('usage: verify-record.js RECORD [--workers K (0: this thread only)]\n');
  process.exit(2);
}
const t0 = performance.now();
const { report, events, state } = await verifyRecord(fileSource(path), undefined, workers === undefined ? {} : { workers });
const ms = performance.now() - t0;
const ballots = report.checks.find((c) => c.id === 'ballots.valid')!.passed;
console.log(JSON.stringify({ ok: report.ok, failed: report.failedChecks, events, ballots, counted: state.lastBallot.size, ms }));
if (!report.ok) process.exitCode = 1;
