// Scottish STV and Schulze against an independent implementation, OpenSTV 1.7, on 60 random elections
// (test/fixtures/scottish-stv, README there): every Scottish stage's tally to 5 places; the Schulze winner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseBlt } from '../src/ranked/blt.js';
import { countRanked } from '../src/ranked/count.js';
import { SCOT5 } from '../src/ranked/fixed.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/scottish-stv', import.meta.url));
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

test('Schulze elects the same single winner as OpenSTV Condorcet with Schwartz sequential dropping, in all 60', () => {
  const winners = JSON.parse(readFileSync(join(DIR, 'openstv-condorcet-winners.json'), 'utf8')) as Record<string, { winner: number; beatpath: boolean }>;
  assert.equal(Object.keys(winners).length, 60);
  assert.ok(Object.values(winners).filter((w) => w.beatpath).length >= 4, 'some files need the beatpaths');
  for (const [file, want] of Object.entries(winners)) {
    const e = parseBlt(readFileSync(join(DIR, file), 'utf8'));
    const r = countRanked({ candidates: e.candidates, seats: 1, method: 'schulze', rankings: e.rankings, weights: e.weights, tieBreak: { order: e.candidates.map((_, i) => i) } });
    assert.deepEqual(r.elected, [want.winner], file);
  }
});
