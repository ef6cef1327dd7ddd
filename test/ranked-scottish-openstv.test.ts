// Scottish STV against an independent implementation: OpenSTV 1.7's ScottishSTV counted 60 random
// elections (test/fixtures/scottish-stv, README there); every stage's tally must match to 5 places.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlt } from '../src/ranked/blt.js';
import { countRanked } from '../src/ranked/count.js';
import { SCOT5 } from '../src/ranked/fixed.js';

const DIR = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'scottish-stv');
const expected = JSON.parse(readFileSync(join(DIR, 'openstv-expected.json'), 'utf8')) as Record<string, { winners: number[]; stages: string[][] }>;

test('the OpenSTV expectations are present', () => {
  assert.equal(Object.keys(expected).length, 60);
});

for (const [file, want] of Object.entries(expected)) {
  test(`Scottish STV matches OpenSTV stage by stage: ${file}`, () => {
    const e = parseBlt(readFileSync(join(DIR, file), 'utf8'));
    const r = countRanked({
      candidates: e.candidates, seats: e.seats, method: 'scottish-stv', rankings: e.rankings, weights: e.weights,
      tieBreak: { order: e.candidates.map((_, i) => i) },
    });
    assert.deepEqual([...r.elected].sort((a, b) => a - b), want.winners);
    assert.equal(r.rounds.length, want.stages.length, 'number of stages');
    r.rounds.forEach((round, i) => {
      const last = [...round.steps].reverse().find((s) => s.votes)!;
      // OpenSTV's last column is everything no longer with a candidate: non-transferable papers and
      // the fractions lost in transfers.
      const gone = SCOT5.parse(last.figures!.nonTransferable!) + SCOT5.parse(last.figures!.lossOfFractions!);
      assert.deepEqual([...last.votes!, SCOT5.format(gone)], want.stages[i], `stage ${i + 1}`);
    });
  });
}
