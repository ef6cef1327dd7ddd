// BLT files: read (numbers or nicknames, withdrawn, tie order, equal preferences), written so that
// reading gives the same election back, and malformed files refused with the line at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BltError, parseBlt, writeBlt } from '../src/ranked/blt.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/stv-meek', import.meta.url));

test('reads nicknames, [withdrawn], [tie] and equal preferences', () => {
  const e = parseBlt(readFileSync(join(FIXTURES, 'vegetables.blt'), 'utf8'));
  assert.equal(e.candidates.length, 9);
  assert.equal(e.seats, 4);
  assert.deepEqual(e.withdrawn, [1, 5]);
  assert.equal(e.title, 'Vegetable contest');
  assert.deepEqual(e.rankings[0], [0, 1]);
  assert.equal(e.weights.reduce((a, b) => a + b, 0n), 45n);
  const t = parseBlt(readFileSync(join(FIXTURES, 'ties', 'tie_break_explicit.blt'), 'utf8'));
  assert.deepEqual(t.tieOrder, [2, 1, 0]);
  const q = parseBlt(readFileSync(join(FIXTURES, 'equal_preference', 'equal_preference.blt'), 'utf8'));
  assert.deepEqual(q.rankings[1], [[0, 1], 2]);
});

test('reads the plain numeric form with withdrawn candidates as negative numbers', () => {
  const e = parseBlt('3 1\n-2\n4 1 2 3 0\n2 3=1 0\n0\n"A"\n"B"\n"C"\n"Plain"\n');
  assert.deepEqual(e.withdrawn, [1]);
  assert.deepEqual(e.rankings, [[0, 1, 2], [[2, 0]]]);
  assert.deepEqual(e.weights, [4n, 2n]);
});

test('writeBlt then parseBlt gives the same election', () => {
  const election = { title: 'Board 2026', candidates: ['Ann', 'Bo', 'Cy'], seats: 2, withdrawn: [2], rankings: [[0, 1], [[1, 2], 0], [2]], weights: [3n, 1n, 7n] };
  const text = writeBlt(election);
  assert.equal(text, '3 2\n-3\n3 1 2 0\n1 2=3 1 0\n7 3 0\n0\n"Ann"\n"Bo"\n"Cy"\n"Board 2026"\n');
  const back = parseBlt(text);
  assert.deepEqual({ ...back }, election);
  for (const f of ['vegetables.blt', 'skewed.blt']) {
    const e = parseBlt(readFileSync(join(FIXTURES, f), 'utf8'));
    const again = parseBlt(writeBlt(e));
    assert.deepEqual(again.rankings, e.rankings);
    assert.deepEqual(again.weights, e.weights);
    assert.deepEqual(again.withdrawn, e.withdrawn);
  }
  assert.throws(() => writeBlt({ ...election, title: 'say "hi"' }), /double quote/);
});

const malformed: [string, string, RegExp][] = [
  ['empty file', '', /line 1: the file ends where the header/],
  ['header', '3\n', /line 1: the header must be/],
  ['seats above candidates', '2 3\n', /line 1: seats must be from 1 to 2/],
  ['ballot without its 0', '2 1\n1 1 2\n0\n"A"\n"B"\n"T"\n', /line 2: a ballot line must end with 0/],
  ['candidate out of range', '2 1\n1 1 3 0\n0\n"A"\n"B"\n"T"\n', /line 2: candidate 3 is not from 1 to 2/],
  ['candidate twice', '2 1\n1 1\n1 2 0\n1 1 1 0\n0\n"A"\n"B"\n"T"\n', /line 2: a ballot line must end with 0|line 4: candidate 1 appears twice/],
  ['zero weight', '2 1\n0 1 0\n', /line 2: ballot weight must be from 1/],
  ['fractional weight', '2 1\n1.5 1 0\n0\n', /line 2: a ballot line starts with its weight/],
  ['unknown nickname', '2 1\n[nick a b]\n1 a c 0\n0\n"A"\n"B"\n"T"\n', /line 3: "c" is not a candidate nickname/],
  ['missing names', '2 1\n1 1 0\n0\n"A"\n', /line 5: the file ends where the name of candidate 2/],
  ['unquoted name', '2 1\n1 1 0\n0\nA\n"B"\n"T"\n', /line 4: the name of candidate 1 must be in double quotes/],
  ['text after the title', '2 1\n1 1 0\n0\n"A"\n"B"\n"T"\nmore\n', /line 7: unexpected text after the title/],
  ['unknown option', '2 1\n[colour a b]\n', /line 2: unknown option \[colour\]/],
  ['withdrawn out of range', '2 1\n-3\n', /line 2: withdrawn candidate 3/],
  ['duplicate names', '2 1\n1 1 0\n0\n"A"\n"A"\n"T"\n', /two candidates have the same name/],
  ['incomplete tie order', '2 1\n[nick a b]\n[tie a]\n0\n"A"\n"B"\n"T"\n', /\[tie\] must name every candidate once/],
];
for (const [what, text, re] of malformed) {
  test(`a malformed BLT is refused with its line: ${what}`, () => {
    assert.throws(() => parseBlt(text), (e: unknown) => e instanceof BltError && re.test((e as Error).message));
  });
}

test('attack, a tampered BLT file: any edit is either read or refused as a BltError, never a crash', async () => {
  const fc = (await import('fast-check')).default;
  const good = readFileSync(join(FIXTURES, 'vegetables.blt'), 'utf8');
  const plain = '3 2\n-2\n4 1 2 3 0\n2 3=1 0\n0\n"A"\n"B"\n"C"\n"Plain"\n';
  fc.assert(fc.property(fc.constantFrom(good, plain), fc.nat(), fc.nat(), fc.string({ maxLength: 6 }), (text, at, len, insert) => {
    const i = at % (text.length + 1);
    const edited = text.slice(0, i) + insert + text.slice(i + (len % 4));
    try { parseBlt(edited); } catch (e) { assert.ok(e instanceof BltError, `not a BltError: ${String(e)} for ${JSON.stringify(edited)}`); }
  }), { numRuns: 400 });
});
