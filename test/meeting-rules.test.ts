// Majorities and quorum (src/meeting/rules.ts): each rule on the examples of docs/spec.md §19 M4.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, quorumMet } from '../src/meeting/rules.js';

const c = (f: number, a: number, ab: number) => ({ for: f, against: a, abstain: ab });

describe('meeting majorities', () => {
  it('simple: more for than against, abstentions aside, a tie fails', () => {
    assert.equal(decide('simple', c(5, 4, 10), 19, 30).passed, true);
    assert.equal(decide('simple', c(5, 5, 0), 10, 30).passed, false);
    assert.equal(decide('simple', c(0, 0, 7), 7, 30).passed, false);
  });
  it('absolute: more than half of the votes cast, so abstentions weigh against', () => {
    assert.equal(decide('absolute', c(5, 4, 10), 19, 30).passed, false);
    assert.equal(decide('absolute', c(10, 4, 5), 19, 30).passed, true);
    assert.equal(decide('absolute', c(10, 5, 5), 20, 30).passed, false); // exactly half
  });
  it('two-thirds of for+against: exactly two thirds passes', () => {
    assert.equal(decide('two-thirds', c(20, 10, 5), 35, 60).passed, true);
    assert.equal(decide('two-thirds', c(19, 10, 5), 35, 60).passed, false);
  });
  it('two-thirds of those present and of members give different outcomes on the same votes', () => {
    // 10 members of weight 1, 7 present, votes 5 for, 1 against, 1 abstains.
    const counts = c(5, 1, 1);
    const present = decide('two-thirds-present', counts, 7, 10);
    const members = decide('two-thirds-members', counts, 7, 10);
    assert.deepEqual(present, { base: 'present', baseWeight: 7, passed: true }); // 5 ≥ 2/3·7 = 4.67
    assert.deepEqual(members, { base: 'members', baseWeight: 10, passed: false }); // 5 < 2/3·10 = 6.67
  });
  it('absolute of members counts those absent as not for', () => {
    assert.equal(decide('absolute-of-members', c(6, 0, 0), 6, 11).passed, true);
    assert.equal(decide('absolute-of-members', c(5, 0, 0), 5, 10).passed, false);
  });
  it('refuses counts that cannot be (more cast than present)', () => {
    assert.throws(() => decide('simple', c(5, 5, 1), 10, 30), RangeError);
  });
  it('large weights compare exactly (BigInt)', () => {
    assert.equal(decide('two-thirds-members', c(666_666_667, 0, 0), 666_666_667, 1_000_000_000).passed, true);
    assert.equal(decide('two-thirds-members', c(666_666_666, 0, 0), 666_666_666, 1_000_000_000).passed, false);
  });
});

describe('meeting quorum', () => {
  it('by members (heads) or by weight', () => {
    const half = { num: 1, den: 2 };
    assert.equal(quorumMet({ of: 'members', share: half }, { heads: 5, weight: 5 }, { heads: 10, weight: 100 }), true);
    assert.equal(quorumMet({ of: 'members', share: half }, { heads: 4, weight: 90 }, { heads: 10, weight: 100 }), false);
    assert.equal(quorumMet({ of: 'weight', share: half }, { heads: 4, weight: 90 }, { heads: 10, weight: 100 }), true);
    assert.equal(quorumMet({ of: 'weight', share: half }, { heads: 9, weight: 49 }, { heads: 10, weight: 100 }), false);
  });
});
