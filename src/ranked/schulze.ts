// Schulze's method (winning votes): d[i][j] is the weight of ballots ranking i above j (a candidate
// a ballot leaves unranked is below all it ranks; candidates in one level are equal); strongest
// paths by Floyd–Warshall on links d[i][j] > d[j][i]; the order of finish takes, again and again, the
// remaining candidates no other remaining one beats (p[j][i] > p[i][j]), and among several of them
// the one the tie-breaking ranking (the lot order reversed: latest first) puts highest.
import type { CountRound } from './types.js';
import type { StvInput } from './scottish.js';

export interface SchulzeOutcome { order: number[]; rounds: CountRound[] }

export function countSchulze(input: StvInput): SchulzeOutcome {
  const n = input.candidates.length;
  const standing = input.candidates.map((_, i) => i).filter((i) => !input.withdrawn.has(i));
  const d = Array.from({ length: n }, () => new Array<bigint>(n).fill(0n));
  for (const g of input.groups) {
    const level = new Array<number>(n).fill(g.levels.length); // unranked: below every ranked level
    g.levels.forEach((l, k) => { for (const c of l) level[c] = k; });
    for (const i of standing) for (const j of standing) if (level[i]! < level[j]!) d[i]![j]! += g.weight;
  }
  const p = Array.from({ length: n }, () => new Array<bigint>(n).fill(0n));
  for (const i of standing) for (const j of standing) if (i !== j && d[i]![j]! > d[j]![i]!) p[i]![j] = d[i]![j]!;
  for (const k of standing) for (const i of standing) {
    if (i === k) continue;
    for (const j of standing) {
      if (j === i || j === k) continue;
      const via = p[i]![k]! < p[k]![j]! ? p[i]![k]! : p[k]![j]!;
      if (via > p[i]![j]!) p[i]![j] = via;
    }
  }
  const tbrc = [...input.tieOrder].reverse(); // most favoured first
  const order: number[] = [];
  const steps: CountRound['steps'] = [];
  let rest = [...standing];
  while (rest.length > 0) {
    const unbeaten = rest.filter((i) => rest.every((j) => j === i || p[j]![i]! <= p[i]![j]!));
    // The beat relation of strongest paths is transitive, so someone is always unbeaten.
    const pick = unbeaten.length === 1 ? unbeaten[0]! : tbrc.find((c) => unbeaten.includes(c))!;
    steps.push({ action: unbeaten.length === 1 ? 'place' : 'place-by-tie', candidates: unbeaten.length === 1 ? [pick] : unbeaten, note: `${input.candidates[pick]} is number ${order.length + 1}` });
    order.push(pick);
    rest = rest.filter((c) => c !== pick);
  }
  const matrix = (m: bigint[][]): Record<string, string> => Object.fromEntries(standing.flatMap((i) => standing.filter((j) => j !== i).map((j) => [`${i}>${j}`, m[i]![j]!.toString()])));
  const rounds: CountRound[] = [
    { round: 0, steps: [{ action: 'pairwise', candidates: standing, note: 'd[i][j]: weight preferring i to j', figures: matrix(d) }] },
    { round: 1, steps: [{ action: 'strongest-paths', candidates: standing, note: 'p[i][j]: strength of the strongest path from i to j', figures: matrix(p) }, ...steps] },
  ];
  return { order, rounds };
}
