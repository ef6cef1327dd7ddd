// The verifier alone in a process of its own, so that its peak memory is its own and not the board's
// or the benchmark's: checks a record file on this thread (as bench:ranked did in its own process) and
// prints one JSON line: verified or not, wall and CPU time, the process's peak resident set, and what
// the verifier still holds at the end (heap and buffers after a full collection, its state alive): the
// peak depends on when V8 collects, the retained figure on what the checks keep.
// Usage: node dist/bench/verify-rss.js RECORD-FILE
import { setBackend } from '../src/crypto/backend.js';
import { loadNativeBackend } from '../src/crypto/backend-native.js';
import { loadSodiumBackend } from '../src/crypto/backend-sodium.js';
import { checkRecord } from '../src/verify/record-check.js';
import { fileSource } from '../src/verify/verifier.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const path = process.argv[2];
if (!path) throw new Error('usage: verify-rss RECORD-FILE');
const be = (() => { try { return loadNativeBackend(); } catch { return null; } })() ?? await loadSodiumBackend();
setBackend(be);
const t0 = performance.now(), c0 = process.cpuUsage();
const verification = await checkRecord(fileSource(path));
const { report } = verification;
const c = process.cpuUsage(c0);
gc();
const m = process.memoryUsage();
console.log(JSON.stringify({
  ok: report.ok, failed: report.failedChecks, backend: be.name,
  wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000,
  // resourceUsage().maxRSS is in kilobytes.
  peakRssMB: process.resourceUsage().maxRSS / 1024,
  retainedMB: (m.heapUsed + m.external) / 2 ** 20,
  events: verification.events,
}));
