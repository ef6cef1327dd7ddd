// Scottish STV, IRV and Schulze on cases whose every figure is derived by hand below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countRanked } from '../src/ranked/count.js';
import type { RankedInput, RankedMethod } from '../src/ranked/types.js';

function input(method: RankedMethod, names: string, seats: number, groups: [number, string][]): RankedInput {
  const candidates = [...names];
  return {
    candidates, seats, method, tieBreak: { order: candidates.map((_, i) => i) },
    rankings: groups.map(([, r]) => [...r].map((c) => candidates.indexOf(c))), weights: groups.map(([w]) => w),
  };
}
const names = (r: { candidates: string[] }, cs: number[]): string => cs.map((c) => r.candidates[c]).join('');

// The rules as the statute words them (SSI 2007/42 schedule 1): 46 quota, 47 election at the quota,
// 48 transfer value A/B to five places (remainder ignored), 49 highest surplus first, 50 exclusion at
// the value received, 51 ties by the most recent preceding stage with unequal votes, then lot, 52 the
// last vacancies filled when continuing candidates are as many.
test('Scottish STV: the 5-place truncation of rule 48(3) decides the last seat', () => {
  // 3 seats; A>B 3, A 27, E>C 5, E 20, B 11, C 11. 77 papers: quota = floor(77/4) + 1 = 20.
  // Stage 1: A 30 and E 25 reach the quota (elected A then E); B 11, C 11.
  // Stage 2: A's surplus 10 (the higher, rule 49) goes first. Transfer value = 10 × 1 / 30 = 0.333333…,
  //   truncated to 0.33333. B gets 3 × 0.33333 = 0.99999 → 11.99999; the 27 papers for A alone are
  //   non-transferable, 27 × 0.33333 = 8.99991; fractions lost 10 − 0.99999 − 8.99991 = 0.00010.
  // Stage 3: E's surplus 5: transfer value 5 / 25 = 0.2 exactly; C gets 5 × 0.2 = 1 → 12.00000;
  //   4.00000 non-transferable.
  // Stage 4: no surplus left, one vacancy, B and C continuing: B, lowest with 11.99999, is excluded
  //   (rule 50); its papers have no further choice. C is the only continuing candidate: elected (rule 52).
  // Unrounded, B and C would both have 12; rule 51 looks back to stage 3 (B 12 > C 11) and excludes C.
  const r = countRanked(input('scottish-stv', 'ABCE', 3, [[3, 'AB'], [27, 'A'], [5, 'EC'], [20, 'E'], [11, 'B'], [11, 'C']]));
  assert.equal(names(r, r.elected), 'AEC');
  assert.equal(r.rounds[0]!.steps[0]!.quota, '20.00000');
  const stage2 = r.rounds[1]!.steps.find((s) => s.action === 'transfer-surplus')!;
  assert.deepEqual(stage2.votes, ['20.00000', '11.99999', '11.00000', '25.00000']);
  assert.equal(stage2.figures!.exhausted, '8.99991');
  assert.equal(stage2.figures!.fractionsLost, '0.00010');
  const stage3 = r.rounds[2]!.steps;
  assert.equal(stage3.length, 1);
  assert.deepEqual(stage3[0]!.votes, ['20.00000', '11.99999', '12.00000', '20.00000']);
  const stage4 = r.rounds[3]!.steps;
  assert.equal(stage4[0]!.action, 'exclude');
  assert.deepEqual(stage4[0]!.candidates, [1]);
  assert.equal(stage4[0]!.figures!.exhausted, '11.99999');
  assert.equal(stage4[1]!.action, 'elect-remaining');
  assert.deepEqual(stage4[1]!.candidates, [2]);
  assert.equal(stage4[2]!.figures!.nonTransferable, '24.99990');
});

test('Scottish STV: exclusion moves papers on at the value they arrived with', () => {
  // 2 seats; A>D>C 7, A>C 2, B 5, C 4, D 1. 19 papers: quota floor(19/3) + 1 = 7.
  // Stage 1: A 9 elected. Stage 2: surplus 2, transfer value 2 × 1 / 9 = 0.2222… → 0.22222:
  //   D +7 × 0.22222 = 1.55554 → 2.55554; C +2 × 0.22222 = 0.44444 → 4.44444; lost 2 − 1.99998 = 0.00002.
  // Stage 3: D, lowest (2.55554), excluded: the 7 papers from A go on to C at 0.22222 each
  //   (+1.55554 → 5.99998, rule 50(4)), D's own paper has no further choice (1.00000 non-transferable).
  // Stage 4: B (5) excluded, 5 non-transferable; C, the only continuing candidate, elected (rule 52).
  const r = countRanked(input('scottish-stv', 'ABCD', 2, [[7, 'ADC'], [2, 'AC'], [5, 'B'], [4, 'C'], [1, 'D']]));
  assert.equal(names(r, r.elected), 'AC');
  const s2 = r.rounds[1]!.steps[0]!;
  assert.deepEqual(s2.votes, ['7.00000', '5.00000', '4.44444', '2.55554']);
  assert.equal(s2.figures!.fractionsLost, '0.00002');
  const s3 = r.rounds[2]!.steps;
  assert.equal(s3[0]!.action, 'exclude');
  assert.deepEqual(s3[0]!.candidates, [3]);
  assert.deepEqual(s3[0]!.votes, ['7.00000', '5.00000', '5.99998', '0.00000']);
  assert.equal(s3[0]!.figures!['to:2'], '1.55554');
  assert.equal(s3[0]!.figures!.exhausted, '1.00000');
  const s4 = r.rounds[3]!.steps;
  assert.deepEqual(s4[0]!.candidates, [1]);
  assert.equal(s4[1]!.action, 'elect-remaining');
});

test('Scottish STV: equal lowest are settled by the most recent preceding stage where they differed (rule 51)', () => {
  // 1 seat; A>C 4, A 6, B 7, C 3, D>B 2, D 5: first preferences A 10, B 7, C 3, D 7 (quota 14).
  // Round 1: C (3) excluded, its papers go nowhere; B 7 = D 7, and they were equal at every stage:
  // the lot decides, and B, the earlier of the two in the lot order (here the candidates' order), goes.
  const tie = countRanked(input('scottish-stv', 'ABCD', 1, [[4, 'AC'], [6, 'A'], [7, 'B'], [3, 'C'], [2, 'DB'], [5, 'D']]));
  const step = tie.rounds[2]!.steps[0]!;
  assert.equal(step.action, 'tie');
  assert.deepEqual(step.candidates, [1, 3]);
  assert.match(step.note!, /B excluded \(lot\)/);
  // A 10, B 6, C>D 1, D 5, C 2: first preferences A 10, B 6, C 3, D 5 (quota 13). Round 1: C
  // excluded, its C>D paper makes D 6 = B 6. Round 2: the most recent preceding stage where they
  // differed is the first (round 0: B 6 > D 5), so D is excluded — not B, whom the lot would pick.
  const back = countRanked(input('scottish-stv', 'ABCD', 1, [[10, 'A'], [6, 'B'], [1, 'CD'], [5, 'D'], [2, 'C']]));
  const t = back.rounds[2]!.steps[0]!;
  assert.equal(t.action, 'tie');
  assert.deepEqual(t.candidates, [1, 3]);
  assert.match(t.note!, /D excluded \(votes at the end of round 0\)/);
});

test('IRV: the Tennessee capital example elects Knoxville', () => {
  // Memphis 42 M>N>C>K, Nashville 26 N>C>K>M, Chattanooga 15 C>K>N>M, Knoxville 17 K>C>N>M.
  // Round 1: M 42, N 26, C 15, K 17, no majority of 100: C out, its 15 go to K (32).
  // Round 2: M 42, N 26, K 32: N out, its 26 go to K via C: K 58 > 50.
  const r = countRanked(input('irv', 'MNCK', 1, [[42, 'MNCK'], [26, 'NCKM'], [15, 'CKNM'], [17, 'KCNM']]));
  assert.equal(names(r, r.elected), 'K');
  assert.deepEqual(r.rounds.map((x) => x.steps[0]!.votes), [['42', '26', '15', '17'], ['42', '26', '0', '32'], ['42', '0', '0', '58']]);
  assert.equal(names(r, r.order), 'KMNC');
});

test('Schulze: the Wikipedia example with 45 voters gives E > A > C > B > D', () => {
  const r = countRanked(input('schulze', 'ABCDE', 1, [[5, 'ACBED'], [5, 'ADECB'], [8, 'BEDAC'], [3, 'CABED'], [7, 'CAEBD'], [2, 'CBADE'], [7, 'DCEBA'], [8, 'EBADC']]));
  assert.equal(names(r, r.order), 'EACBD');
  assert.equal(names(r, r.elected), 'E');
  // The pairwise and strongest-path figures of the article: d[A][B] = 20, d[B][A] = 25; p[A][B] = 28, p[E][D] = 31.
  const d = r.rounds[0]!.steps[0]!.figures!;
  assert.equal(d['0>1'], '20');
  assert.equal(d['1>0'], '25');
  const p = r.rounds[1]!.steps[0]!.figures!;
  assert.equal(p['0>1'], '28');
  assert.equal(p['4>3'], '31');
});

test('Schulze: the Tennessee example elects the Condorcet winner Nashville; with 2 seats the top two', () => {
  const groups: [number, string][] = [[42, 'MNCK'], [26, 'NCKM'], [15, 'CKNM'], [17, 'KCNM']];
  const r = countRanked(input('schulze', 'MNCK', 2, groups));
  assert.equal(names(r, r.order), 'NCKM');
  assert.equal(names(r, r.elected), 'NC');
});
