// Weights and ballot secrecy (src/verify/weights.ts): which weight lists let a voter's choice be
// computed from the published counts, checked against brute force over every subset of voters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EXACT_LIMIT, weightExposure, weightSecrecyWarnings } from '../src/verify/weights.js';

const list = (ws: number[]) => ws.map((weight, i) => ({ key: `k${String(i).padStart(3, '0')}`, weight }));

/** Every count a set of voters can make, with the subsets (as bitmasks) that make it. */
function countsOf(ws: number[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let mask = 0; mask < 1 << ws.length; mask++) {
    let c = 0;
    ws.forEach((x, i) => { if (mask & (1 << i)) c += x; });
    const l = m.get(c);
    if (l) l.push(mask); else m.set(c, [mask]);
  }
  return m;
}

/** Brute force: is voter j's choice the same in every subset making each count? */
function alwaysDetermined(ws: number[], j: number): boolean {
  for (const masks of countsOf(ws).values()) if (new Set(masks.map((m) => (m >> j) & 1)).size > 1) return false;
  return true;
}

/** Brute force: is voter j alone the only subset making a count of w_j? */
function aloneAtOwnWeight(ws: number[], j: number): boolean {
  const masks = countsOf(ws).get(ws[j]!)!;
  return masks.length === 1 && masks[0] === 1 << j;
}

const keysOf = (cs: { key: string }[]) => cs.map((c) => c.key).sort();

describe('weights: exposing choices through the counts', () => {
  test('weights 1, 2, 4, …, 2^19 are flagged: all 20 credentials exposed', () => {
    const ws = Array.from({ length: 20 }, (_, i) => 2 ** i);
    const x = weightExposure(list(ws));
    assert.equal(x.superIncreasing, true);
    assert.equal(x.always.length, 20);
    const warnings = weightSecrecyWarnings(list(ws));
    assert.ok(warnings.length > 0);
    assert.match(warnings[0]!, /expose 20 of 20 credentials/);
    assert.ok(warnings.some((w) => /1, 2, 4, 8/.test(w)));
    // 2^19 > the 2^19 − 1 all the others hold: also more than half.
    assert.ok(warnings.some((w) => /more than half/.test(w)));
  });

  test('all weights 1: no warning', () => {
    for (const n of [2, 3, 10, 17, 1000]) assert.deepEqual(weightSecrecyWarnings(list(Array(n).fill(1))), [], `${n} voters`);
  });

  test('[1, 1, 3] flags the 3 (it is larger than the 1s together)', () => {
    const x = weightExposure(list([1, 1, 3]));
    assert.deepEqual(x.always.map((c) => c.weight), [3]);
    assert.equal(x.always[0]!.rule, 'chain');
    assert.equal(x.majority?.weight, 3);
    assert.ok(weightSecrecyWarnings(list([1, 1, 3])).some((w) => /weight 3\b/.test(w)));
  });

  test('[5, 5, 5, 1]: the 5s are not flagged (held by several); the 1 is (every count mod 5 shows it)', () => {
    const x = weightExposure(list([5, 5, 5, 1]));
    assert.deepEqual(x.always.map((c) => c.weight), [1]);
    assert.equal(x.always[0]!.rule, 'remainder');
    assert.equal(x.always[0]!.modulus, 5);
    assert.deepEqual(x.some, []);
    assert.equal(x.majority, null);
    const warnings = weightSecrecyWarnings(list([5, 5, 5, 1]));
    assert.ok(warnings.every((w) => !/weight 5\b/.test(w)), warnings.join('\n'));
  });

  test('[1, 1, 3, 4]: the 3 is shown only by some counts (a count of 4 is 4 or 3 + 1)', () => {
    const x = weightExposure(list([1, 1, 3, 4]));
    assert.deepEqual(x.always, []);
    assert.deepEqual(x.some.map((c) => c.weight), [3]);
    assert.match(weightSecrecyWarnings(list([1, 1, 3, 4])).join('\n'), /0 of 4 credentials in every count and 1 more in some counts/);
  });

  test('[2, 2, 2, 3]: parity shows the 3, though it is not above the smaller weights together', () => {
    const x = weightExposure(list([2, 2, 2, 3]));
    assert.deepEqual(x.always.map((c) => [c.weight, c.rule, c.modulus]), [[3, 'remainder', 2]]);
  });

  test('[3, 5, 6, 7]: every subset sum distinct, found by the exact check for small lists', () => {
    const x = weightExposure(list([3, 5, 6, 7]));
    assert.equal(x.always.length, 4);
    for (let j = 0; j < 4; j++) assert.ok(alwaysDetermined([3, 5, 6, 7], j));
  });

  test('more than EXACT_LIMIT credentials: the sufficient rules still apply', () => {
    const ws = [...Array(EXACT_LIMIT + 4).fill(10), 3, 1000];
    const x = weightExposure(list(ws));
    // 1000 > all the others (203); 3 is not a multiple of 10.
    assert.deepEqual(x.always.map((c) => [c.weight, c.rule]), [[1000, 'chain'], [3, 'remainder']]);
    assert.equal(x.majority?.weight, 1000);
  });

  test('one credential and an empty list', () => {
    assert.equal(weightExposure(list([7])).always.length, 1);
    assert.deepEqual(weightSecrecyWarnings([]), []);
  });

  test('property: every flag is confirmed by brute force, and for small lists with no warning no voter is exposed', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 9 }), (ws) => {
      const x = weightExposure(list(ws));
      const index = (key: string) => Number(key.slice(1));
      for (const c of x.always) assert.ok(alwaysDetermined(ws, index(c.key)), `${c.weight} (${c.rule}) in [${ws}]`);
      for (const c of x.some) assert.ok(aloneAtOwnWeight(ws, index(c.key)), `${c.weight} in [${ws}]`);
      if (x.majority) assert.ok(2 * x.majority.weight > ws.reduce((a, b) => a + b, 0));
      // Within EXACT_LIMIT the check is complete, both ways.
      const always = ws.flatMap((_, j) => (alwaysDetermined(ws, j) ? [`k${String(j).padStart(3, '0')}`] : []));
      assert.deepEqual(keysOf(x.always), always.sort(), `[${ws}]`);
      if (weightSecrecyWarnings(list(ws)).length === 0) {
        for (let j = 0; j < ws.length; j++) assert.ok(!alwaysDetermined(ws, j) && !aloneAtOwnWeight(ws, j), `voter ${j} of [${ws}] exposed without a warning`);
      }
    }), { numRuns: 400, seed: 20250501 });
  });

  test('property: the rule the issue asks for (one credential above the sum of all smaller weights) is always flagged', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 60 }), (ws) => {
      const x = weightExposure(list(ws));
      const flagged = new Set([...x.always, ...x.some].map((c) => c.key));
      ws.forEach((w, j) => {
        const unique = ws.filter((v) => v === w).length === 1;
        const smaller = ws.filter((v) => v < w).reduce((a, b) => a + b, 0);
        if (unique && w > smaller) assert.ok(flagged.has(`k${String(j).padStart(3, '0')}`), `${w} in [${ws}]`);
      });
    }), { numRuns: 300, seed: 7 });
  });
});
