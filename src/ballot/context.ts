// The ballot's statement (docs/spec.md §8): its domain tags, the proofs each selection group carries,
// their packed layout, the one-hot weights and the one challenge of the ballot. The voter's device
// (encrypt.ts) and the check (check.ts) both build the statement from here, so they cannot disagree.
import type { SelectionGroup } from '../manifest/types.js';
import type { CiphertextJson } from '../crypto/elgamal.js';
import { hashHex, hashToChallenge, hashToScalar } from '../crypto/hash.js';
import type { PackedShape } from '../crypto/proofs/packed.js';
import type { Scalar } from '../crypto/group.js';
import type { RankedStatement } from './ranked.js'; // ranked

export const TAG_CHALLENGE = 'ballot/challenge';
export const TAG_ONE_HOT = 'ballot/one-hot';
export const TAG_ONE_HOT_WEIGHT = 'ballot/one-hot-weight';
export const TAG_SIGNATURE = 'ballot/signature';
export const TAG_CONTENT = 'ballot/content';
export const TAG_TRACKING = 'ballot/tracking';

/** A group where at most one option is chosen (choice, each verdict, each motion) has one one-hot proof. */
export const isOneHot = (group: SelectionGroup): boolean => group.max === 1;

/** Branches of each proof of the group, in layout order. One-hot: one proof with a branch per option
 *  and a blank branch (value 0) last when min = 0. Otherwise a 0/1 proof per option, then the sum proof. */
export function branchCounts(group: SelectionGroup): number[] {
  const n = group.optionIds.length;
  if (isOneHot(group)) return [n + (group.min === 0 ? 1 : 0)];
  return [...group.optionIds.map(() => 2), group.max - group.min + 1];
}

/** The packed layout of the group's proof text: every commitment, then the written challenges, then the responses. */
export function proofShape(group: SelectionGroup): PackedShape {
  const counts = branchCounts(group);
  const branches = counts.reduce((a, b) => a + b, 0);
  return { points: 2 * branches, challenges: branches - counts.length, scalars: branches };
}

export function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/** ρ_i = Hq_one-hot-weight({seed, option: i}), seed = H_one-hot({election, credential, question, row, ct}). */
export function oneHotWeights(election: string, credential: string, group: SelectionGroup, ct: CiphertextJson[]): Scalar[] {
  const seed = hashHex(TAG_ONE_HOT, { election, credential, question: group.questionId, row: group.rowId, ct });
  return group.optionIds.map((_, i) => hashToScalar(TAG_ONE_HOT_WEIGHT, { seed, option: i }));
}

/** The values each proof of the group shows its ciphertext is among (one list per proof). */
export function proofValues(group: SelectionGroup, rho: Scalar[] | null): Scalar[][] {
  if (isOneHot(group)) return [[...rho!, ...(group.min === 0 ? [0n] : [])]];
  return [...group.optionIds.map(() => [0n, 1n]), range(group.min, group.max).map(BigInt)];
}

export interface GroupStatement { ct: CiphertextJson[]; commitments: string }

/** The ballot's one challenge: every ciphertext and every commitment, bound to election, credential and key. */
export function ballotChallenge(election: string, credential: string, key: string, groups: SelectionGroup[], answers: GroupStatement[], ranked: RankedStatement[] = []): bigint {
  return hashToChallenge(TAG_CHALLENGE, {
    election, credential, key,
    answers: answers.map((a, g) => ({ question: groups[g]!.questionId, row: groups[g]!.rowId, min: groups[g]!.min, max: groups[g]!.max, ct: a.ct, commitments: a.commitments })),
    // ranked (spec §8.7): {question, ct, commitments} per ranked answer; absent without ranked questions
    ...(ranked.length > 0 ? { ranked: ranked.map((r) => ({ question: r.question, ct: r.ct, commitments: r.commitments })) } : {}),
  });
}

/** M = H_ballot/content({election, credential, answers}), with `ranked` as written when the ballot has it (§8.7). */
export const contentMessage = (election: string, credential: string, answers: unknown, ranked?: unknown): string =>
  hashHex(TAG_CONTENT, ranked === undefined ? { election, credential, answers } : { election, credential, answers, ranked });

export const signatureContext = (election: string) => ({ election });
