// From the published rankings to ballot groups: every ranking checked, invalid ones set aside with
// their reason, withdrawn candidates struck out, identical rankings merged (the counts are linear in
// the weight, so merging changes no figure).
import { RankedInputError, type BallotGroup, type InvalidRanking, type RankedInput } from './types.js';

export interface PreparedBallots {
  groups: BallotGroup[];
  invalid: InvalidRanking[];
  /** Total weight of the valid rankings (before withdrawn candidates were struck out). */
  validWeight: bigint;
}

export function checkShape(input: RankedInput): void {
  const n = input.candidates.length;
  if (n < 1) throw new RankedInputError('there must be at least one candidate');
  if (new Set(input.candidates).size !== n) throw new RankedInputError('candidate names must be distinct');
  if (!Number.isSafeInteger(input.seats) || input.seats < 1 || input.seats > n)
    throw new RankedInputError(`seats must be a whole number from 1 to ${n} (the number of candidates)`);
  if (input.weights && input.weights.length !== input.rankings.length)
    throw new RankedInputError(`${input.weights.length} weights for ${input.rankings.length} rankings`);
  for (const w of input.withdrawn ?? [])
    if (!Number.isSafeInteger(w) || w < 0 || w >= n) throw new RankedInputError(`withdrawn candidate ${w} is not a candidate index`);
  const standing = n - new Set(input.withdrawn ?? []).size;
  if (standing < input.seats) throw new RankedInputError(`${input.seats} seats but only ${standing} candidates not withdrawn`);
}

function weightOf(w: number | bigint | undefined, index: number): bigint {
  if (w === undefined) return 1n;
  if (typeof w === 'number' && !Number.isSafeInteger(w)) throw new RankedInputError(`weight of ranking ${index} is not a whole number`);
  const b = BigInt(w);
  if (b < 1n) throw new RankedInputError(`weight of ranking ${index} must be at least 1`);
  return b;
}

/** Why a ranking is invalid, or null when it can be counted. */
export function rankingProblem(ranking: unknown, n: number, allowEqual: boolean, rankAll: boolean): string | null {
  if (!Array.isArray(ranking)) return 'not a list of preferences';
  if (ranking.length === 0) return 'empty ranking (no preference)';
  const seen = new Set<number>();
  for (const pref of ranking as unknown[]) {
    const group = Array.isArray(pref) ? (pref as unknown[]) : [pref];
    if (group.length === 0) return 'an empty preference level';
    if (group.length > 1 && !allowEqual) return 'equal preferences are not allowed by this method';
    for (const c of group) {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= n) return `${JSON.stringify(c)} is not a candidate index`;
      if (seen.has(c)) return `candidate ${c} ranked twice`;
      seen.add(c);
    }
  }
  if (rankAll && seen.size !== n) return `ranks ${seen.size} of ${n} candidates, and this question requires all`;
  return null;
}

export function prepareBallots(input: RankedInput, allowEqual: boolean): PreparedBallots {
  const n = input.candidates.length;
  const withdrawn = new Set(input.withdrawn ?? []);
  const invalid: InvalidRanking[] = [];
  const merged = new Map<string, BallotGroup>();
  let validWeight = 0n;
  input.rankings.forEach((ranking, index) => {
    const weight = weightOf(input.weights?.[index], index);
    const problem = rankingProblem(ranking, n, allowEqual, input.rankAll ?? false);
    if (problem) { invalid.push({ index, reason: problem }); return; }
    validWeight += weight;
    const levels = ranking
      .map((p) => (Array.isArray(p) ? [...(p as number[])] : [p as number]).filter((c) => !withdrawn.has(c)))
      .filter((level) => level.length > 0);
    if (levels.length === 0) return; // only withdrawn candidates: counted as valid, transfers nowhere
    const key = levels.map((l) => l.join('=')).join(' ');
    const group = merged.get(key);
    if (group) group.weight += weight;
    else merged.set(key, { levels, weight });
  });
  // Sorted by key so that the groups, and every sum over them, do not depend on the ballots' order.
  const groups = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  return { groups, invalid, validWeight };
}
