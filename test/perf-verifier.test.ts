// The parallel verifier (worker threads, libsodium) gives the same report as the plain one (this
// thread, noble) on a valid record and on records with forged ballots, repeated ballots or a wrong tally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../src/demo/demo.js';
import { encodeEvent, eventHash, type BoardEvent } from '../src/record/events.js';
import { encodeScalar, decodeScalar, ORDER } from '../src/crypto/group.js';
import { linesSource, verifyRecord, type VerifyOptions } from '../src/verify/verifier.js';

/** Re-chains the events after an edit, so only the edited content is wrong. */
function rechain(events: BoardEvent[]): string[] {
  let prev = events[0]!.prev;
  return events.map((e) => {
    const fixed = { ...e, prev };
    const out = { ...fixed, hash: eventHash(fixed) };
    prev = out.hash;
    return encodeEvent(out);
  });
}

async function reports(lines: string[]) {
  const run = async (options: VerifyOptions) => {
    const { report, state } = await verifyRecord(linesSource(lines), undefined, options);
    return { ok: report.ok, checks: report.checks, result: state.result };
  };
  const plain = await run({ workers: 0, backend: 'noble' });
  const parallel = await run({ workers: 2, parallelAfter: 0 });
  assert.deepEqual(parallel, plain);
  return plain;
}

test('parallel verification reports exactly what the plain verifier reports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-perf-'));
  try {
    const { recordPath } = await runDemo({ voters: 8, seed: 11, outDir: dir, revotePercent: 30, abstainPercent: 10 });
    const lines = readFileSync(recordPath, 'utf8').trim().split('\n');
    const events = lines.map((l) => JSON.parse(l) as BoardEvent);
    const valid = await reports(lines);
    assert.equal(valid.ok, true);

    const ballotSeqs = events.filter((e) => e.type === 'ballot').map((e) => e.seq);
    // A forged proof response in one ballot (signature then fails too: the content changed).
    const forged = structuredClone(events);
    const b = forged[ballotSeqs[1]!]!.payload as { answers: { proof: string }[] };
    const p = b.answers[1]!.proof;
    b.answers[1]!.proof = p.slice(0, -50) + (p[p.length - 50] === 'A' ? 'B' : 'A') + p.slice(-49);
    const r1 = await reports(rechain(forged));
    assert.equal(r1.ok, false);
    assert.ok(r1.checks.find((c) => c.id === 'ballots.valid')!.failed === 1);

    // A ballot repeated right after itself.
    const repeated = structuredClone(events);
    repeated.splice(ballotSeqs[0]! + 1, 0, structuredClone(repeated[ballotSeqs[0]!]!));
    repeated.forEach((e, i) => { e.seq = i; });
    const r2 = await reports(rechain(repeated));
    assert.ok(r2.checks.find((c) => c.id === 'ballots.unique')!.failed === 1);

    // The published tally swaps two sums.
    const tallied = structuredClone(events);
    const tally = tallied.find((e) => e.type === 'tally')!.payload as { sums: string[][][] };
    [tally.sums[0]![0], tally.sums[0]![1]] = [tally.sums[0]![1]!, tally.sums[0]![0]!];
    const r3 = await reports(rechain(tallied));
    assert.ok(r3.checks.find((c) => c.id === 'tally.sums')!.failed >= 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
