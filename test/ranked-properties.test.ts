// Properties of every ranked count: independent of the ballots' order, ties decided by the seed
// alone (the same seed, the same result; another seed, another lot), bad rankings set aside with a
// reason, bad input refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countRanked } from '../src/ranked/count.js';
import { lotKey, lotOrder } from '../src/ranked/tiebreak.js';
import { RANKED_METHODS, RankedInputError, type RankedInput, type RankedMethod, type Ranking } from '../src/ranked/types.js';

const seed = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);
const candidates = ['Ash', 'Birch', 'Cedar', 'Damson', 'Elm'];

const rankingArb = fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 1 });
const electionArb = fc.record({
  rankings: fc.array(rankingArb, { minLength: 1, maxLength: 40 }),
  weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 40, maxLength: 40 }),
  seats: fc.integer({ min: 1, max: 3 }),
  perm: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
});

function make(method: RankedMethod, rankings: Ranking[], weights: number[], seats: number, s = seed(7)): RankedInput {
  return { candidates, seats: method === 'irv' ? 1 : seats, method, rankings, weights, tieBreak: { seed: s } };
}

for (const method of RANKED_METHODS) {
  test(`${method}: the count does not depend on the order of the ballots`, () => {
    fc.assert(fc.property(electionArb, ({ rankings, weights, seats, perm }) => {
      const w = weights.slice(0, rankings.length);
      const order = rankings.map((_, i) => i).sort((a, b) => perm[a]! - perm[b]! || a - b);
      const a = countRanked(make(method, rankings, w, seats));
      const b = countRanked(make(method, order.map((i) => rankings[i]!), order.map((i) => w[i]!), seats));
      assert.deepEqual(b.elected, a.elected);
      assert.deepEqual(b.order, a.order);
      assert.deepEqual(b.rounds, a.rounds);
    }), { numRuns: method === 'meek-stv' ? 40 : 80 });
  });
}

test('the lot order is a permutation fixed by the seed: same seed same order, another seed another', () => {
  assert.deepEqual(lotOrder(seed(1), 5), lotOrder(seed(1), 5));
  assert.deepEqual([...lotOrder(seed(1), 5)].sort(), [0, 1, 2, 3, 4]);
  const orders = new Set(Array.from({ length: 8 }, (_, i) => lotOrder(seed(i), 5).join()));
  assert.ok(orders.size >= 6, 'eight seeds should give (almost) eight different orders');
  assert.throws(() => lotOrder(new Uint8Array(8), 5), /at least 16 bytes/);
});

test('lot order test vectors (docs/spec.md §17 R2), and the question binds the order', () => {
  // Seed: 32 zero bytes. Key of candidate 0 = H_{ranked/lot-order}({seed: "00…00", question: "", candidate: 0}).
  assert.equal(lotKey(new Uint8Array(32), '', 0), '416b75e87c9c702ed53f230e5fc9d3a11553cba5ff69fabf71d0c6a7c5baf7bd');
  assert.deepEqual(lotOrder(new Uint8Array(32), 5), [1, 4, 0, 2, 3]);
  assert.deepEqual(lotOrder(new Uint8Array(32), 5, 'q1'), [1, 2, 0, 4, 3]);
  const base = { candidates, seats: 1, method: 'irv' as const, rankings: [[0], [1], [2], [3], [4]] };
  const a = countRanked({ ...base, tieBreak: { seed: new Uint8Array(32) } });
  const b = countRanked({ ...base, tieBreak: { seed: new Uint8Array(32), question: 'q1' } });
  assert.deepEqual(a.tieOrder, [1, 4, 0, 2, 3]);
  assert.deepEqual(b.tieOrder, [1, 2, 0, 4, 3]);
});

for (const method of RANKED_METHODS) {
  test(`${method}: a tie is broken by the seed, identically run to run, and differently for another seed`, () => {
    // Two voters for each candidate, nothing else: every method must break a full tie by lot.
    const rankings: Ranking[] = candidates.flatMap((_, c) => [[c], [c]]);
    const winners = new Set<string>();
    for (let s = 0; s < 12; s++) {
      const one = countRanked(make(method, rankings, rankings.map(() => 1), 1, seed(s)));
      const two = countRanked(make(method, rankings, rankings.map(() => 1), 1, seed(s)));
      assert.deepEqual(two, one);
      assert.equal(one.tieSource, 'seed');
      winners.add(one.elected.join());
    }
    assert.ok(winners.size > 1, `${method}: twelve seeds all gave the same winner of a full tie`);
  });
}

test('invalid rankings are set aside with their reason and the rest counted', () => {
  const r = countRanked({
    candidates, seats: 1, method: 'irv', tieBreak: { seed: seed(3) },
    rankings: [[0, 1], [], [0, 0], [9], [1.5], [[0, 1]], [2]] as unknown as Ranking[],
  });
  assert.deepEqual(r.invalid.map((x) => x.index), [1, 2, 3, 4, 5]);
  assert.match(r.invalid[0]!.reason, /empty/);
  assert.match(r.invalid[1]!.reason, /twice/);
  assert.match(r.invalid[2]!.reason, /not a candidate/);
  assert.match(r.invalid[4]!.reason, /equal preferences/);
  assert.equal(r.validWeight, '2');
  const all = countRanked({ candidates, seats: 1, method: 'schulze', rankAll: true, tieBreak: { seed: seed(3) }, rankings: [[0, 1, 2, 3, 4], [0, 1]] });
  assert.deepEqual(all.invalid, [{ index: 1, reason: 'ranks 2 of 5 candidates, and this question requires all' }]);
  // Equal preferences are counted by Meek and Schulze.
  assert.deepEqual(countRanked({ candidates, seats: 1, method: 'schulze', tieBreak: { seed: seed(3) }, rankings: [[[0, 1], 2]] }).invalid, []);
});

test('bad input is refused with a clear error', () => {
  const base: RankedInput = { candidates, seats: 1, method: 'meek-stv', rankings: [[0]], tieBreak: { seed: seed(1) } };
  const refuses = (patch: Partial<RankedInput>, re: RegExp): void => {
    assert.throws(() => countRanked({ ...base, ...patch } as RankedInput), (e: unknown) => e instanceof RankedInputError && re.test((e as Error).message));
  };
  refuses({ seats: 0 }, /seats must be/);
  refuses({ seats: 6 }, /seats must be/);
  refuses({ method: 'borda' as RankedMethod }, /unknown method/);
  refuses({ method: 'irv', seats: 2 }, /IRV elects one/);
  refuses({ weights: [0] }, /at least 1/);
  refuses({ weights: [1, 1] }, /2 weights for 1 rankings/);
  refuses({ tieBreak: { seed: new Uint8Array(4) } }, /16 bytes/);
  refuses({ tieBreak: { order: [0, 1, 2, 3, 3] } }, /every candidate index once/);
  refuses({ candidates: ['A', 'A'] }, /distinct/);
  refuses({ withdrawn: [0, 1, 2, 3, 4] }, /only 0 candidates/);
});

test('attack, a voter: malformed rankings are set aside and change nothing in the count of the others', () => {
  const junk = fc.oneof(
    fc.constant([]), fc.constant([0, 0]), fc.constant([[]]), fc.constant([-1]), fc.constant([5]), fc.constant([1e9]),
    fc.constant([0.5]), fc.constant(['0']), fc.constant([null]), fc.constant({ length: 1, 0: 0 }), fc.constant('0'),
    fc.constant([[0, 0]]), fc.constant([NaN]), fc.constant([[1, [2]]]), fc.constant([Infinity]),
  );
  fc.assert(fc.property(electionArb, fc.array(fc.tuple(junk, fc.nat(40)), { maxLength: 6 }), ({ rankings, weights, seats }, extra) => {
    const w = weights.slice(0, rankings.length);
    const withJunk = [...rankings] as unknown[];
    const junkWeights = [...w];
    for (const [j, at] of extra) { const k = at % (withJunk.length + 1); withJunk.splice(k, 0, j); junkWeights.splice(k, 0, 1); }
    for (const method of RANKED_METHODS) {
      const clean = countRanked(make(method, rankings, w, seats));
      const dirty = countRanked(make(method, withJunk as Ranking[], junkWeights, seats));
      assert.equal(dirty.invalid.length, extra.length);
      assert.deepEqual(dirty.rounds, clean.rounds);
      assert.deepEqual(dirty.elected, clean.elected);
      assert.equal(dirty.validWeight, clean.validWeight);
    }
  }), { numRuns: 25 });
});

test('edge cases count to an end: no ballots, only withdrawn candidates ranked, seats = candidates, one candidate ranked', () => {
  const c = ['A', 'B', 'C', 'D'];
  for (const method of RANKED_METHODS) {
    const run = (rankings: Ranking[], seats: number, withdrawn?: number[]) =>
      countRanked({ candidates: c, seats: method === 'irv' ? 1 : seats, method, rankings, withdrawn, tieBreak: { seed: seed(9) } });
    const none = run([], 2);
    assert.equal(none.elected.length, method === 'irv' ? 1 : 2, `${method}: no ballots still fills the seats by lot`);
    const gone = run([[0], [0, 1]], 2, [0, 1]);
    assert.deepEqual([...gone.elected].sort(), method === 'irv' ? [gone.elected[0]!] : [2, 3], `${method}: withdrawn never elected`);
    assert.ok(!gone.elected.includes(0) && !gone.elected.includes(1));
    if (method !== 'irv') assert.deepEqual([...run([[0, 1]], 4).elected].sort(), [0, 1, 2, 3]);
    assert.equal(run([[2], [2], [2]], 2).elected[0], 2, `${method}: the only candidate with votes comes first`);
  }
});
