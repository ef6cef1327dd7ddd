// Meek STV against the reference transcripts (stv-rs, matching Droop.py): every action of every
// round, each figure to 9 places. The files are copies of ../shared/testdata/stv-meek (Apache-2.0,
// LICENSE beside them), kept in the repository because CI counts on a fresh clone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { parseBlt } from '../src/ranked/blt.js';
import { countRanked } from '../src/ranked/count.js';
import { MeekStalled } from '../src/ranked/meek.js';
import { meekTranscript } from '../src/ranked/transcript.js';
import type { RankedInput } from '../src/ranked/types.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/stv-meek', import.meta.url));

function bltFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? bltFiles(p) : f.endsWith('.blt') ? [p] : [];
  }).sort();
}

// The reference made the crashes/* transcripts with --force-positive-surplus (its CI,
// crash_fixed9_tests): an elected candidate below the quota adds no surplus, veche's rule. The
// others are Droop.py's signed surplus; on crashes/* Droop.py itself stops with an error.
const surplusRule = (file: string): 'positive' | 'signed' => (relative(DIR, file).startsWith('crashes') ? 'positive' : 'signed');

function inputOf(file: string, surplus: 'positive' | 'signed'): RankedInput {
  const e = parseBlt(readFileSync(file, 'utf8'));
  return {
    candidates: e.candidates, seats: e.seats, method: 'meek-stv', rankings: e.rankings, weights: e.weights,
    withdrawn: e.withdrawn, tieBreak: { order: e.tieOrder ?? e.candidates.map((_, i) => i) }, meekSurplus: surplus,
  };
}

/** Splits a transcript into its parts: the initial count, then "Round N:" blocks. */
function byRound(text: string): string[] {
  return text.slice(text.indexOf('Action: Begin Count')).trimEnd().split(/\n(?=Round \d+:\n)/);
}

test('the reference transcripts are present', () => {
  assert.ok(existsSync(DIR), `missing ${DIR}: the Meek reference transcripts must be in the repository`);
  const files = bltFiles(DIR);
  assert.ok(files.length >= 13, `expected the 13 reference ballot files, found ${files.length}`);
  for (const f of files) assert.ok(existsSync(f.replace(/\.blt$/, '.meek-fixed9.log')), `no transcript beside ${f}`);
});

for (const file of existsSync(DIR) ? bltFiles(DIR) : []) {
  const name = relative(DIR, file);
  test(`Meek STV matches the reference transcript round by round: ${name}`, () => {
    const log = readFileSync(file.replace(/\.blt$/, '.meek-fixed9.log'), 'utf8');
    const input = inputOf(file, surplusRule(file));
    const result = countRanked(input);
    // Header figures: seats, ballots and the first quota.
    const header = (key: string): string => new RegExp(`\\t${key}: (.*)`).exec(log)![1]!;
    assert.equal(String(input.seats), header('Seats'));
    assert.equal(result.rounds[0]!.steps[0]!.quota, header('Quota'));
    assert.equal(input.weights!.reduce((a, b) => BigInt(a) + BigInt(b), 0n).toString(), header('Ballots'));
    const ours = byRound(meekTranscript(result));
    const ref = byRound(log);
    for (let r = 0; r < Math.max(ours.length, ref.length); r++) {
      assert.equal(ours[r], ref[r], `${name}: round ${r} differs`);
    }
    // The elected set and order named in the transcript's elect actions.
    const electedInLog = [...log.matchAll(/^Action: Elect(?: remaining)?: (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(result.elected.map((c) => input.candidates[c]), electedInLog);
  });
}

test('the signed surplus stalls where Droop.py does (crashes/*), with a clear error', () => {
  for (const file of bltFiles(join(DIR, 'crashes'))) {
    assert.throws(() => countRanked(inputOf(file, 'signed')), (e: unknown) => e instanceof MeekStalled && /cannot continue/.test((e as Error).message), file);
  }
});

test("veche's positive surplus differs from the signed one exactly where an elected candidate is below the quota", () => {
  const file = join(DIR, 'negative_surplus', 'below_quota.blt');
  const signed = meekTranscript(countRanked(inputOf(file, 'signed')));
  const positive = meekTranscript(countRanked({ ...inputOf(file, 'signed'), meekSurplus: undefined }));
  assert.notEqual(signed, positive);
  assert.match(signed, /Surplus: 0\.166666665/);
  assert.match(positive, /Surplus: 0\.166666666/);
});
