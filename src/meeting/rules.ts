// Majorities and quorum, computed from the record, never left to the chair. Every majority is "for
// against the rest of a base": for ≥ (or >) threshold × base, where the base is for+against, all votes
// cast, the weight present at the vote, or all members' weight. That is exactly the motion rule of
// src/tally/rules.ts (countMotion: for·den vs num·(for+against)) applied to the pair (for, base − for),
// so the comparison (in BigInt, a tie failing a strict ½) is written once, there.
import { countMotion } from '../tally/rules.js';
import type { MotionQuestion } from '../manifest/types.js';
import type { Fraction, Majority, MajorityBase, QuorumRule } from './types.js';

export interface MajorityRule { base: MajorityBase; threshold: Fraction; strict: boolean }

export const MAJORITY_RULES: Record<Majority, MajorityRule> = {
  /** More for than against; abstentions do not count; a tie fails. */
  'simple': { base: 'decisive', threshold: { num: 1, den: 2 }, strict: true },
  /** More than half of all votes cast: an abstention weighs as a vote not for. */
  'absolute': { base: 'cast', threshold: { num: 1, den: 2 }, strict: true },
  /** More than half of the weight of all members, present or not. */
  'absolute-of-members': { base: 'members', threshold: { num: 1, den: 2 }, strict: true },
  /** At least two thirds of for+against. */
  'two-thirds': { base: 'decisive', threshold: { num: 2, den: 3 }, strict: false },
  /** At least two thirds of the weight present at the vote (in person and by proxy), voting or not. */
  'two-thirds-present': { base: 'present', threshold: { num: 2, den: 3 }, strict: false },
  /** At least two thirds of the weight of all members. */
  'two-thirds-members': { base: 'members', threshold: { num: 2, den: 3 }, strict: false },
};

export interface VoteCounts { for: number; against: number; abstain: number }
export interface Decision { base: MajorityBase; baseWeight: number; passed: boolean }

/** Whether `counts` carry the motion under `majority`; `present` and `members` are weights. */
export function decide(majority: Majority, counts: VoteCounts, present: number, members: number): Decision {
  const rule = MAJORITY_RULES[majority];
  const cast = counts.for + counts.against + counts.abstain;
  const baseWeight = { decisive: counts.for + counts.against, cast, present, members }[rule.base];
  if (!(cast <= present && present <= members)) throw new RangeError(`votes cast (${cast}) exceed the weight present (${present}) or present exceeds all members (${members})`);
  const q: MotionQuestion = { type: 'motion', id: 'motion', title: '', quorum: { num: 0, den: 1 }, threshold: rule.threshold, strict: rule.strict };
  // countMotion ignores abstain in its threshold; each base is written as for against (base − for).
  const row = rule.base === 'decisive' ? [counts.for, counts.against, counts.abstain] : [counts.for, baseWeight - counts.for, 0];
  const total = row[0]! + row[1]! + row[2]!;
  const { passed } = countMotion(q, [row], total, total);
  return { base: rule.base, baseWeight, passed };
}

/** Is the quorum met by `present` (heads and weight, in person and represented) out of the body's? */
export function quorumMet(rule: QuorumRule, present: { heads: number; weight: number }, all: { heads: number; weight: number }): boolean {
  const [part, whole] = rule.of === 'members' ? [present.heads, all.heads] : [present.weight, all.weight];
  return BigInt(part) * BigInt(rule.share.den) >= BigInt(rule.share.num) * BigInt(whole);
}
