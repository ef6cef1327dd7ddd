// npm run bench:verify -- --ballots N: the ballot checks of a demo-shape record on all cores (worker
// threads, streamed in bounded batches, as verifyRecord does), extrapolated to 1,000,000 ballots.
// N real ballots (with proofs) are made first, in parallel; making them is not timed. The checks of a
// full record are these ballot checks plus a recount (measured by npm run bench: ~1.75 ms/ballot on one
// core) and per-event work in the main thread, so the extrapolation adds both.
import { availableParallelism } from 'node:os';
import { encodePoint } from '../src/crypto/group.js';
import { VerifierPool } from '../src/verify/parallel.js';
import { argNumber, benchElection, fmt, machine, onWorkers, timed } from './common.js';
import type { GenRequest } from './gen-worker.js';
import type { BallotJson } from '../src/ballot/types.js';

const N = argNumber('ballots', 2000);
const el = benchElection('demo');
const publicKey = encodePoint(el.publicKey);
const threads = availableParallelism();
console.log(`bench:verify — ${machine()}; ${N} demo-shape ballots, ${threads} worker threads`);
const chunk = 50;
const gen = await timed(() => onWorkers<GenRequest, { ballots: BallotJson[] }>(new URL('./gen-worker.js', import.meta.url),
  Array.from({ length: Math.ceil(N / chunk) }, (_, k) => ({ kind: 'ballots' as const, shape: 'demo' as const, electionHash: el.electionHash, publicKey, count: Math.min(chunk, N - k * chunk) })), threads));
const lines = gen.value.flatMap((g) => g.ballots).map((b, i) => JSON.stringify({ seq: i, payload: b }));
console.log(`  made ${lines.length} ballots in ${fmt(gen.wallMs / 1000)} s (not timed below)`);
const pool = new VerifierPool(threads, { electionHash: el.electionHash, publicKey, groups: el.groups });
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const run = await timed(async () => {
  const inFlight: Promise<unknown>[] = [];
  let bad = 0;
  for (let i = 0; i < lines.length; i += 16) {
    inFlight.push(pool.check(lines.slice(i, i + 16)).then((r) => { bad += r.filter((x) => !x.ok).length; }));
    while (inFlight.length > 2 * threads) await inFlight.shift();
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  await Promise.all(inFlight);
  return bad;
});
await pool.close();
if (run.value !== 0) throw new Error(`${run.value} valid ballots rejected`);
const perBallotWall = run.wallMs / N;
const recountPerBallot = 1.75 / threads;
const million = (perBallotWall + recountPerBallot) * 1e6 / 1000;
console.log(`  checked ${N} ballots in ${fmt(run.wallMs / 1000, 2)} s wall: ${fmt(1000 / perBallotWall)} ballots/s on ${threads} threads`);
console.log(`  main thread RSS: ${fmt(rss0 / 2 ** 20, 0)} MB before, ${fmt(peak / 2 ** 20, 0)} MB peak (ballots are held only by this benchmark's input array)`);
console.log(`  extrapolated to 1,000,000 ballots: ${fmt(million / 3600, 2)} h (checks ${fmt(perBallotWall * 1e6 / 3.6e6, 2)} h + recount ~${fmt(recountPerBallot * 1e6 / 3.6e6, 2)} h), measured N = ${N}`);
console.log('  target (issue 5): < 1 h on this 2-core machine');
