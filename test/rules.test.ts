import { testDemoManifest } from './helpers/election.js';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CountError,
  countApproval,
  countChoice,
  countMotion,
  countResults,
  countVerdict,
  type ApprovalResult,
  type ChoiceResult,
  type MotionResult,
  type QuestionResult,
  type VerdictResult,
} from '../src/tally/rules.js';
import { encodeChoices, selectionGroups } from '../src/manifest/layout.js';

import { validateManifest } from '../src/manifest/validate.js';
import {
  VERDICTS,
  type ApprovalQuestion,
  type ChoiceQuestion,
  type Choices,
  type Fraction,
  type MotionQuestion,
  type VerdictQuestion,
} from '../src/manifest/types.js';
import { choicesArb, manifestArb } from './manifest-arbitraries.test.js';

const opts = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String.fromCharCode(97 + i), label: `Option ${i}` }));
const choiceQ = (n: number, allowBlank = true, absoluteMajority = false): ChoiceQuestion => ({
  type: 'choice',
  id: 'q',
  title: 'Q',
  candidates: opts(n),
  allowBlank,
  absoluteMajority,
});
const approvalQ = (n: number, winners: number, min = 0, max = n): ApprovalQuestion => ({
  type: 'approval',
  id: 'q',
  title: 'Q',
  options: opts(n),
  min,
  max,
  winners,
});
const verdictQ = (n: number, def: (typeof VERDICTS)[number] = 'no-consequences'): VerdictQuestion => ({
  type: 'verdict',
  id: 'q',
  title: 'Q',
  officeHolders: opts(n),
  default: def,
});
const motionQ = (quorum: Fraction, threshold: Fraction, strict: boolean): MotionQuestion => ({ type: 'motion', id: 'q', title: 'Q', quorum, threshold, strict });
const simple = motionQ({ num: 1, den: 2 }, { num: 1, den: 2 }, true);
const twoThirds = motionQ({ num: 1, den: 2 }, { num: 2, den: 3 }, false);

/** for/against/abstain with cast = their sum. */
const motion = (q: MotionQuestion, f: number, a: number, ab: number, eligible: number) => countMotion(q, [[f, a, ab]], f + a + ab, eligible);

/** Asserts that a result is plain JSON data: safe integers, strings, booleans, null; no floats, no undefined. */
function assertJsonData(v: unknown, at = 'result'): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') return assert.ok(Number.isSafeInteger(v), `${at} = ${v} is not a safe integer`);
  if (Array.isArray(v)) return v.forEach((x, i) => assertJsonData(x, `${at}[${i}]`));
  assert.ok(typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype, `${at} is not a plain object`);
  for (const [k, x] of Object.entries(v as object)) assertJsonData(x, `${at}.${k}`);
  assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
}

describe('motion', () => {
  test('a tie fails a simple majority', () => {
    const r = motion(simple, 10, 10, 3, 40);
    assert.equal(r.quorumMet, true);
    assert.equal(r.passed, false);
    assert.equal(r.outcome, 'rejected');
    assert.equal(motion(simple, 11, 10, 0, 40).outcome, 'passed');
  });

  test('two thirds exactly reached passes when not strict, fails when strict', () => {
    assert.equal(motion(twoThirds, 20, 10, 5, 60).outcome, 'passed');
    assert.equal(motion(twoThirds, 19, 10, 5, 60).outcome, 'rejected');
    assert.equal(motion({ ...twoThirds, strict: true }, 20, 10, 5, 60).outcome, 'rejected');
    assert.equal(motion({ ...twoThirds, strict: true }, 21, 10, 5, 60).outcome, 'passed');
  });

  test('quorum boundary: exactly the quorum is enough, one less is not', () => {
    assert.equal(motion(simple, 30, 10, 10, 100).outcome, 'passed'); // 50 of 100
    const r = motion(simple, 30, 10, 9, 100); // 49 of 100
    assert.equal(r.quorumMet, false);
    assert.equal(r.passed, false);
    assert.equal(r.outcome, 'no-quorum');
    // 1/3 of 10 is 3.33…: 4 meet it, 3 do not.
    const third = motionQ({ num: 1, den: 3 }, { num: 1, den: 2 }, true);
    assert.equal(motion(third, 4, 0, 0, 10).quorumMet, true);
    assert.equal(motion(third, 3, 0, 0, 10).quorumMet, false);
  });

  test('abstentions count for the quorum, not for the threshold', () => {
    const r = motion(simple, 2, 1, 50, 100);
    assert.deepEqual(r.counts, { for: 2, against: 1, abstain: 50 });
    assert.equal(r.tookPart, 53);
    assert.equal(r.outcome, 'passed');
  });

  test('nobody for or against never passes, even at threshold 0', () => {
    assert.equal(motion(simple, 0, 0, 60, 100).outcome, 'rejected');
    assert.equal(motion(motionQ({ num: 0, den: 1 }, { num: 0, den: 1 }, false), 0, 0, 60, 100).outcome, 'rejected');
    assert.equal(countMotion(motionQ({ num: 0, den: 1 }, { num: 1, den: 2 }, true), [[0, 0, 0]], 0, 0).outcome, 'rejected');
  });

  test('unanimity (1/1, not strict) needs no one against', () => {
    const u = motionQ({ num: 0, den: 1 }, { num: 1, den: 1 }, false);
    assert.equal(motion(u, 9, 0, 3, 20).outcome, 'passed');
    assert.equal(motion(u, 9, 1, 3, 20).outcome, 'rejected');
  });

  test('exact with counts and denominators far beyond 2^53', () => {
    // for/(for+against) = 2^52 / (2^53 - 1): just above 1/2, which doubles cannot tell apart from 1/2.
    const f = 2 ** 52;
    const a = 2 ** 52 - 1;
    assert.equal(countMotion(simple, [[f, a, 0]], f + a, f + a).outcome, 'passed');
    assert.equal(countMotion(simple, [[a, a, 1]], 2 * a + 1, 2 * a + 1).outcome, 'rejected');
    const q = motionQ({ num: 2 ** 53 - 2, den: 2 ** 53 - 1 }, { num: 1, den: 2 }, true);
    const e = 2 ** 53 - 1;
    // A quorum of (2^53-2)/(2^53-1) of 2^53-1 is exactly 2^53-2.
    assert.equal(countMotion(q, [[e - 1, 0, 0]], e - 1, e).quorumMet, true);
    assert.equal(countMotion(q, [[e - 2, 0, 0]], e - 2, e).quorumMet, false);
  });

  test('against an independent formulation: the least number of votes for, and the least turnout', () => {
    const frac = fc.integer({ min: 1, max: 2 ** 40 }).chain((den) => fc.integer({ min: 0, max: den }).map((num) => ({ num, den })));
    const big = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 50 }));
    fc.assert(
      fc.property(frac, frac, fc.boolean(), big, big, big, big, (quorum, threshold, strict, f, a, ab, absent) => {
        const q = motionQ(quorum, threshold, strict);
        const cast = f + a + ab;
        const eligible = cast + absent;
        const r = countMotion(q, [[f, a, ab]], cast, eligible);
        const [F, A, E, C] = [f, a, eligible, cast].map(BigInt) as [bigint, bigint, bigint, bigint];
        const [qn, qd, tn, td] = [quorum.num, quorum.den, threshold.num, threshold.den].map(BigInt) as [bigint, bigint, bigint, bigint];
        // Turnout needed: ceil(quorum × eligible).
        const neededTurnout = (qn * E + qd - 1n) / qd;
        // Votes for needed: strictly above threshold × decisive is floor(...) + 1; at least it is ceil(...).
        const decisive = F + A;
        const neededFor = strict ? (tn * decisive) / td + 1n : (tn * decisive + td - 1n) / td;
        const quorumMet = C >= neededTurnout;
        const passed = quorumMet && decisive > 0n && F >= neededFor;
        assert.equal(r.quorumMet, quorumMet);
        assert.equal(r.passed, passed);
        assert.equal(r.outcome, !quorumMet ? 'no-quorum' : passed ? 'passed' : 'rejected');
        assert.equal(r.tookPart, cast);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('choice', () => {
  test('plurality winner, blank counted apart', () => {
    const r = countChoice(choiceQ(3), [[5, 7, 2]], 20, 30);
    assert.deepEqual(r, {
      type: 'choice',
      questionId: 'q',
      cast: 20,
      eligible: 30,
      counts: [
        { id: 'a', votes: 5 },
        { id: 'b', votes: 7 },
        { id: 'c', votes: 2 },
      ],
      blank: 6,
      valid: 14,
      absoluteMajority: false,
      outcome: 'elected',
      winner: 'b',
      leaders: ['b'],
      tie: [],
    } satisfies ChoiceResult);
  });

  test('a tie at the top elects nobody and names the tied', () => {
    const r = countChoice(choiceQ(3), [[7, 2, 7]], 16, 16);
    assert.equal(r.outcome, 'tie');
    assert.equal(r.winner, null);
    assert.deepEqual(r.tie, ['a', 'c']);
  });

  test('absolute majority: more than half of the non-blank votes, blanks do not count against', () => {
    const q = choiceQ(3, true, true);
    // 7 of 13 valid: a majority although 7 of 20 cast is not.
    assert.equal(countChoice(q, [[7, 4, 2]], 20, 20).winner, 'a');
    // Exactly half is not more than half.
    const r = countChoice(q, [[6, 4, 2]], 12, 20);
    assert.equal(r.outcome, 'no-majority');
    assert.equal(r.winner, null);
    assert.deepEqual(r.leaders, ['a']);
    assert.deepEqual(r.tie, []);
    const t = countChoice(q, [[5, 5, 2]], 12, 20);
    assert.equal(t.outcome, 'no-majority');
    assert.deepEqual(t.tie, ['a', 'b']);
  });

  test('only blank votes, or no ballots: no votes', () => {
    for (const [counts, cast] of [
      [[0, 0], 5],
      [[0, 0], 0],
    ] as const) {
      const r = countChoice(choiceQ(2), [[...counts]], cast, 10);
      assert.equal(r.outcome, 'no-votes');
      assert.equal(r.winner, null);
      assert.deepEqual(r.leaders, []);
      assert.equal(r.blank, cast);
    }
  });

  test('without blank votes the counts must add up to the cast weight', () => {
    assert.throws(() => countChoice(choiceQ(2, false), [[3, 4]], 8, 10), CountError);
    assert.equal(countChoice(choiceQ(2, false), [[3, 5]], 8, 10).winner, 'b');
  });

  test('against an independent formulation: the winner beats every other (and, if asked, all others together)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 6 }), fc.nat(1000), fc.boolean(), (row, blank, abs) => {
        const cast = row.reduce((a, b) => a + b, 0) + blank;
        const r = countChoice(choiceQ(row.length, true, abs), [row], cast, cast);
        const ids = opts(row.length).map((o) => o.id);
        const beatsAll = ids.filter((_, i) => row.every((v, j) => j === i || row[i]! > v));
        const others = (i: number) => row.reduce((s, v, j) => (j === i ? s : s + v), 0);
        const expected = beatsAll.length === 1 && row[ids.indexOf(beatsAll[0]!)]! > 0 && (!abs || row[ids.indexOf(beatsAll[0]!)]! > others(ids.indexOf(beatsAll[0]!))) ? beatsAll[0]! : null;
        assert.equal(r.winner, expected);
        assert.equal(r.outcome === 'elected', expected !== null);
        assert.equal(r.blank, blank);
        const max = Math.max(...row);
        assert.deepEqual(r.leaders, max === 0 ? [] : ids.filter((_, i) => row[i] === max));
        assert.deepEqual(r.tie, r.leaders.length > 1 ? r.leaders : []);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('approval', () => {
  test('the top places win', () => {
    const r = countApproval(approvalQ(5, 2), [[3, 9, 4, 1, 0]], 10, 12);
    assert.equal(r.outcome, 'decided');
    assert.deepEqual(r.winners, ['b', 'c']);
    assert.deepEqual(r.tie, []);
    assert.equal(r.undecided, 0);
    assert.deepEqual(r.counts[1], { id: 'b', votes: 9 });
  });

  test('a tie for the last place leaves it undecided and names the tied', () => {
    const r = countApproval(approvalQ(5, 2), [[5, 3, 3, 1, 0]], 6, 6);
    assert.deepEqual(r, {
      type: 'approval',
      questionId: 'q',
      cast: 6,
      eligible: 6,
      counts: [
        { id: 'a', votes: 5 },
        { id: 'b', votes: 3 },
        { id: 'c', votes: 3 },
        { id: 'd', votes: 1 },
        { id: 'e', votes: 0 },
      ],
      places: 2,
      outcome: 'tie',
      winners: ['a'],
      tie: ['b', 'c'],
      undecided: 1,
    } satisfies ApprovalResult);
  });

  test('a tie above the last place is not a tie for the result', () => {
    const r = countApproval(approvalQ(4, 2), [[4, 4, 1, 0]], 5, 5);
    assert.equal(r.outcome, 'decided');
    assert.deepEqual(r.winners, ['a', 'b']);
    const all = countApproval(approvalQ(3, 2), [[2, 2, 2]], 3, 3);
    assert.equal(all.outcome, 'tie');
    assert.deepEqual(all.winners, []);
    assert.deepEqual(all.tie, ['a', 'b', 'c']);
    assert.equal(all.undecided, 2);
  });

  test('winners are ordered by approvals, equal counts in manifest order', () => {
    assert.deepEqual(countApproval(approvalQ(4, 3), [[1, 5, 5, 7]], 9, 9).winners, ['d', 'b', 'c']);
  });

  test('counts must respect the ballots’ [min, max]', () => {
    assert.throws(() => countApproval(approvalQ(3, 1, 0, 1), [[2, 2, 0]], 3, 3), /outside \[0, 1\]/);
    assert.throws(() => countApproval(approvalQ(3, 1, 1, 2), [[1, 0, 0]], 3, 3), /outside \[1, 2\]/);
    assert.throws(() => countApproval(approvalQ(3, 1), [[4, 0, 0]], 3, 3), /more than the cast weight/);
  });

  test('against an independent formulation: a place is won when fewer than `places` options do at least as well', () => {
    const arb = fc
      .array(fc.nat(8), { minLength: 1, maxLength: 7 })
      .chain((row) => fc.tuple(fc.constant(row), fc.integer({ min: 1, max: row.length })));
    fc.assert(
      fc.property(arb, ([row, k]) => {
        const cast = Math.max(0, ...row);
        const r = countApproval(approvalQ(row.length, k), [row], cast, cast);
        const ids = opts(row.length).map((o) => o.id);
        const better = (i: number) => row.filter((v) => v > row[i]!).length;
        const asGood = (i: number) => row.filter((v) => v >= row[i]!).length; // including itself
        const won = ids.filter((_, i) => asGood(i) <= k);
        const tied = ids.filter((_, i) => better(i) < k && asGood(i) > k);
        assert.deepEqual([...r.winners].sort(), won);
        assert.deepEqual(r.tie, tied);
        assert.equal(r.undecided, k - won.length);
        assert.equal(r.outcome, tied.length > 0 ? 'tie' : 'decided');
        if (tied.length > 0) assert.ok(tied.length > r.undecided && r.undecided > 0);
        else assert.equal(won.length, k);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('verdict', () => {
  test('a verdict with more than half stands; otherwise the default', () => {
    const r = countVerdict(verdictQ(3, 'no-consequences'), [
      [6, 3, 1],
      [5, 5, 0],
      [0, 4, 6],
    ], 10, 12);
    assert.deepEqual(r, {
      type: 'verdict',
      questionId: 'q',
      cast: 10,
      eligible: 12,
      default: 'no-consequences',
      officeHolders: [
        { id: 'a', counts: { encouragement: 6, punishment: 3, 'no-consequences': 1 }, valid: 10, outcome: 'encouragement', by: 'majority' },
        { id: 'b', counts: { encouragement: 5, punishment: 5, 'no-consequences': 0 }, valid: 10, outcome: 'no-consequences', by: 'default' },
        { id: 'c', counts: { encouragement: 0, punishment: 4, 'no-consequences': 6 }, valid: 10, outcome: 'no-consequences', by: 'majority' },
      ],
    } satisfies VerdictResult);
  });

  test('the default is the manifest’s, also when no ballot was cast', () => {
    const r = countVerdict(verdictQ(1, 'encouragement'), [[4, 4, 2]], 10, 10);
    assert.equal(r.officeHolders[0]!.outcome, 'encouragement');
    assert.equal(r.officeHolders[0]!.by, 'default');
    assert.equal(countVerdict(verdictQ(1, 'punishment'), [[0, 0, 0]], 0, 10).officeHolders[0]!.outcome, 'punishment');
  });

  test('every ballot gives each office-holder exactly one verdict', () => {
    assert.throws(() => countVerdict(verdictQ(2), [[1, 1, 1], [1, 1, 0]], 3, 3), /row "b": counts sum to 2, outside \[1, 1\]/);
  });

  test('against an independent formulation: a majority verdict has more than the other two together', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 5 }), fc.constantFrom(...VERDICTS), (rows, def) => {
        // Rows with equal totals: pad the third verdict so every row sums to the same cast.
        const cast = Math.max(...rows.map(([a, b, c]) => a + b + c));
        const padded = rows.map(([a, b, c]) => [a, b, c + cast - (a + b + c)]);
        const r = countVerdict(verdictQ(rows.length, def), padded, cast, cast);
        padded.forEach((row, i) => {
          const winner = VERDICTS.find((_, j) => row[j]! > row.reduce((s, v, k) => (k === j ? s : s + v), 0));
          assert.equal(r.officeHolders[i]!.outcome, winner ?? def);
          assert.equal(r.officeHolders[i]!.by, winner ? 'majority' : 'default');
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('countResults', () => {
  test('splits the flat groups of the demo back into questions', () => {
    const m = testDemoManifest();
    const counts = [
      [12, 30, 18],
      [25, 14, 31, 9, 20],
      [40, 5, 15],
      [20, 20, 20],
      [10, 31, 19],
      [28, 27, 5],
    ];
    const results = countResults(m, counts, 60, 90);
    assert.deepEqual(
      results.map((r) => r.type),
      ['choice', 'approval', 'verdict', 'motion'],
    );
    const [chair, projects, review, fee] = results as [ChoiceResult, ApprovalResult, VerdictResult, MotionResult];
    assert.equal(chair.winner, 'lindqvist');
    assert.deepEqual(projects.winners, ['playground', 'solar-roof']);
    assert.deepEqual(
      review.officeHolders.map((h) => [h.id, h.outcome, h.by]),
      [
        ['treasurer', 'encouragement', 'majority'],
        ['secretary', 'no-consequences', 'default'],
        ['maintenance', 'punishment', 'majority'],
      ],
    );
    assert.equal(fee.outcome, 'passed'); // 28 > 27, and 60 of 90 took part
    assertJsonData(results);
  });

  test('rejects counts that do not fit the manifest', () => {
    const m = testDemoManifest();
    const ok = [[1, 0, 0], [0, 0, 0, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]];
    assert.doesNotThrow(() => countResults(m, ok, 1, 1));
    assert.throws(() => countResults(m, ok.slice(1), 1, 1), /expected 6 count groups, got 5/);
    assert.throws(() => countResults(m, [[1, 0], ...ok.slice(1)], 1, 1), /expected 3 counts, got 2/);
    assert.throws(() => countResults(m, [[1, 0, -0.5], ...ok.slice(1)], 1, 1), /must be a non-negative integer/);
    assert.throws(() => countResults(m, ok, 1, 0), /cast weight 1 is more than the eligible weight 0/);
    assert.throws(() => countResults(m, ok, 2, 2), /row "chair": counts sum to 1, outside \[1, 1\] × cast weight 2/);
  });

  /** Tallies weighted plaintext ballots the way the homomorphic sum does: per group, per option. */
  function tally(m: ReturnType<typeof testDemoManifest>, ballots: [Choices, number][]): number[][] {
    const sums = selectionGroups(m).map((g) => g.optionIds.map(() => 0));
    for (const [c, w] of ballots) encodeChoices(m, c).forEach((row, i) => row.forEach((x, j) => (sums[i]![j]! += w * x)));
    return sums;
  }

  /** Multiplies every weight in a result by k: what scaling all ballots' weights by k should do. */
  function scaled(r: QuestionResult, k: number): QuestionResult {
    const x = structuredClone(r) as any;
    x.cast *= k;
    x.eligible *= k;
    switch (x.type) {
      case 'choice':
        x.blank *= k;
        x.valid *= k;
        for (const c of x.counts) c.votes *= k;
        break;
      case 'approval':
        for (const c of x.counts) c.votes *= k;
        break;
      case 'verdict':
        for (const h of x.officeHolders) {
          h.valid *= k;
          for (const v of VERDICTS) h.counts[v] *= k;
        }
        break;
      case 'motion':
        x.tookPart *= k;
        for (const v of ['for', 'against', 'abstain']) x.counts[v] *= k;
        break;
    }
    return x;
  }

  const electionArb = manifestArb.chain((m) =>
    fc.tuple(
      fc.constant(m),
      fc.array(fc.tuple(choicesArb(m), fc.integer({ min: 1, max: 5 })), { maxLength: 25 }),
      fc.nat(20),
    ),
  );

  test('random weighted ballots: results agree with a direct count of the choices, and are JSON data', () => {
    fc.assert(
      fc.property(electionArb, ([m, ballots, absent]) => {
        const cast = ballots.reduce((s, [, w]) => s + w, 0);
        const results = countResults(validateManifest(m), tally(m, ballots), cast, cast + absent);
        assertJsonData(results);
        m.questions.forEach((q, i) => {
          const r = results[i]!;
          assert.equal(r.questionId, q.id);
          const weightOf = (pred: (c: Choices) => boolean) => ballots.reduce((s, [c, w]) => (pred(c) ? s + w : s), 0);
          switch (r.type) {
            case 'choice':
              for (const c of r.counts) assert.equal(c.votes, weightOf((ch) => (ch[q.id] as any).candidate === c.id));
              assert.equal(r.blank, weightOf((ch) => (ch[q.id] as any).candidate === null));
              break;
            case 'approval':
              for (const c of r.counts) assert.equal(c.votes, weightOf((ch) => (ch[q.id] as any).options.includes(c.id)));
              break;
            case 'verdict':
              for (const h of r.officeHolders)
                for (const v of VERDICTS) assert.equal(h.counts[v], weightOf((ch) => (ch[q.id] as any).verdicts[h.id] === v));
              break;
            case 'motion':
              for (const v of ['for', 'against', 'abstain'] as const) assert.equal(r.counts[v], weightOf((ch) => (ch[q.id] as any).vote === v));
              break;
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  test('scaling every weight by k changes no outcome, only the counts (by k)', () => {
    fc.assert(
      fc.property(electionArb, fc.integer({ min: 2, max: 1_000_000 }), ([m, ballots, absent], k) => {
        const cast = ballots.reduce((s, [, w]) => s + w, 0);
        const base = countResults(m, tally(m, ballots), cast, cast + absent);
        const heavy = countResults(m, tally(m, ballots.map(([c, w]) => [c, w * k])), cast * k, (cast + absent) * k);
        assert.deepEqual(heavy, base.map((r) => scaled(r, k)));
      }),
      { numRuns: 300 },
    );
  });
});
