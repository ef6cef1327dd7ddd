// npm run bench:batch [-- --ballots N]: the ballot check one ballot at a time (the board's intake) and in
// batches of one multi-scalar multiplication (the verifier's), on the same honest ballots, one core; and a
// batch with one forged response, which must be refused and named. Prints ms per ballot and the ratio.
import { cpus } from 'node:os';
import { backend } from '../src/crypto/backend.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { encodePoint, ORDER } from '../src/crypto/group.js';
import { checkBallot, checkBallots } from '../src/ballot/check.js';
import type { BallotJson } from '../src/ballot/types.js';
import { argNumber, benchElection, fmt, loadAverage, machine, onWorkers, timed, type ShapeName } from './common.js';
import type { GenRequest } from './gen-worker.js';

const N = argNumber('ballots', 400);

async function main() {
  console.log(`bench:batch — ${machine()}; ${N} ballots per shape; ${new Date().toISOString()}; load average ${loadAverage()}\n`);
  await enableFastBackend();
  const be = backend();
  for (const shape of ['two-questions', 'demo'] as ShapeName[]) {
    const el = benchElection(shape);
    const ctx = { electionHash: el.electionHash, publicKey: encodePoint(el.publicKey), groups: el.groups };
    const threads = cpus().length;
    const per = Math.ceil(N / threads);
    const made = await onWorkers<GenRequest, { ballots: BallotJson[] }>(new URL('./gen-worker.js', import.meta.url),
      Array.from({ length: threads }, (_, k) => ({ kind: 'ballots' as const, shape, electionHash: ctx.electionHash, publicKey: ctx.publicKey, count: Math.min(per, N - k * per) })), threads);
    const ballots = made.flatMap((m) => m.ballots);
    const one = await timed(() => { for (const b of ballots) checkBallot(b, ctx, be); });
    const rows: string[] = [];
    for (const size of [10, 100, 1000]) {
      const t = await timed(() => { for (let k = 0; k < ballots.length; k += size) if (!checkBallots(ballots.slice(k, k + size), ctx, be).every((r) => r.ok)) throw new Error('a valid ballot was rejected'); });
      rows.push(`  batches of ${String(size).padEnd(5)} ${fmt(t.cpuMs / ballots.length, 2).padStart(8)} ms/ballot   ${fmt(one.cpuMs / t.cpuMs, 2)}x the single check`);
    }
    const forged = structuredClone(ballots.slice(0, 100));
    const bytes = Buffer.from(forged[57]!.answers[0]!.proof, 'base64url');
    const at = bytes.length - 32;
    let z = 0n;
    for (let i = 31; i >= 0; i--) z = (z << 8n) | BigInt(bytes[at + i]!);
    z = (z + 1n) % ORDER;
    for (let i = 0; i < 32; i++) { bytes[at + i] = Number(z & 0xffn); z >>= 8n; }
    forged[57]!.answers[0]!.proof = bytes.toString('base64url');
    const refused = checkBallots(forged, ctx, be).flatMap((r, i) => (r.ok ? [] : [i]));
    console.log(`Shape ${shape}: ${ballots.length} ballots, one core (CPU), backend ${be.name}`);
    console.log(`  one at a time      ${fmt(one.cpuMs / ballots.length, 2).padStart(8)} ms/ballot`);
    for (const r of rows) console.log(r);
    console.log(`  a batch of 100 with one forged response (ballot 57): refused ${JSON.stringify(refused)}\n`);
    if (refused.length !== 1 || refused[0] !== 57) process.exitCode = 1;
  }
}

await main();
