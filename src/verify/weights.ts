// Weights and ballot secrecy. Every published count (one per option, §10–§12) is Σ w_i·x_i over the
// counted ballots, x_i ∈ {0, 1} the voter's choice of that option; the tally's cast weight is the same
// sum with x_i = "voted". With every weight 1 a count says how many, never who. Weights can say who:
// a credential is exposed when its part in a count can be decided from the count alone.
//
// The rules (exact statements; n credentials, weights w, sorted ascending w_1 ≤ … ≤ w_n,
// P_k = w_1 + … + w_{k−1}, total T = Σ w):
//
//  1. Super-increasing from the top ("always"): walking down from the largest weight, every w_k with
//     w_k > P_k (larger than all smaller weights together, equal ones included), until the first that
//     is not. Each such credential's choice is determined by every count: take the count c; x_n = [c ≥
//     w_n], subtract, go on down. If the walk reaches w_1 (weights like 1, 2, 4, …, the bitmask
//     attack), every subset of voters has a different sum and every choice of every voter is exposed.
//  2. Remainder ("always"): g = gcd of all the other weights; if g > 1 and g does not divide w_j, then
//     c mod g ≠ 0 exactly when credential j is included (e.g. [5, 5, 5, 1], [2, 2, 2, 3]).
//  3. Exact, for at most EXACT_LIMIT credentials ("always"): credential j is determined by every count
//     exactly when w_j is not Σ ε_i·w_i over the others with ε_i ∈ {−1, 0, 1}, i.e. no two subsets
//     of the others differ by w_j. Rules 1 and 2 are sufficient conditions of this one; for small
//     lists it is checked in full (it also catches weights like 3, 5, 6, 7, whose subset sums are all
//     distinct though no weight exceeds the smaller ones together).
//  4. Alone ("some counts"), for a credential not exposed by 1–3: no other set of credentials has
//     weights adding up to exactly w_j, so a count of exactly w_j shows that this credential alone
//     chose the option (e.g. the 3 in [1, 1, 3, 4]). Checked in full for at most EXACT_LIMIT
//     credentials; for larger lists by the sufficient test "w_j held by exactly one credential and
//     larger than the sum of all strictly smaller weights".
//  5. Majority: one credential with 2·w > T decides alone every question decided by a majority of
//     weight; as the others together hold less than w, rule 1 also exposes its choice in every count.
// A weight held by two or more credentials is never exposed by 1–4 (either holder could be the one),
// which is why all-equal weights are safe. For more than EXACT_LIMIT credentials the rules are
// sufficient, not complete: e.g. a weight that is exposed only through a combination of remainders,
// or a unique 7 among many 3s and 5s (only rule 4's exact form, not checked there, sees it).
export const EXACT_LIMIT = 16;

export interface ExposedCredential {
  key: string;
  weight: number;
  /** 'chain': rule 1; 'remainder': rule 2 (with `modulus`); 'exact': rule 3; 'alone': rule 4. */
  rule: 'chain' | 'remainder' | 'exact' | 'alone';
  /** The gcd of the other weights (rule 2). */
  modulus?: number;
  /** The sum of all strictly smaller weights (rule 4). */
  smallerSum?: number;
}

export interface WeightExposure {
  credentials: number;
  totalWeight: number;
  /** Every weight is larger than all smaller ones together (n ≥ 2): everyone is exposed. */
  superIncreasing: boolean;
  /** Determined by every count (rules 1–3), largest weight first. */
  always: ExposedCredential[];
  /** Shown by some counts (rule 4), largest weight first. */
  some: ExposedCredential[];
  /** More than half of the total weight (rule 5). */
  majority: { key: string; weight: number } | null;
}

const gcd = (a: number, b: number): number => { while (b) [a, b] = [b, a % b]; return a; };

/** Which credentials the weights expose, by the rules above. */
export function weightExposure(weights: { key: string; weight: number }[]): WeightExposure {
  const sorted = [...weights].sort((a, b) => a.weight - b.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const n = sorted.length;
  const w = sorted.map((c) => c.weight);
  const prefix: number[] = [0];
  for (let k = 0; k < n; k++) prefix.push(prefix[k]! + w[k]!);
  const total = prefix[n]!;
  const holders = new Map<number, number>();
  for (const x of w) holders.set(x, (holders.get(x) ?? 0) + 1);
  const found = new Map<number, ExposedCredential>(); // index in sorted -> why

  // Rule 1.
  let k = n - 1;
  while (k >= 0 && w[k]! > prefix[k]!) { found.set(k, { ...sorted[k]!, rule: 'chain' }); k--; }
  const superIncreasing = n >= 2 && k < 0;

  // Rule 2: gcd of all but j, from prefix and suffix gcds.
  if (n >= 2) {
    const pg: number[] = [0];
    for (let i = 0; i < n; i++) pg.push(gcd(pg[i]!, w[i]!));
    const sg: number[] = new Array<number>(n + 1).fill(0);
    for (let i = n - 1; i >= 0; i--) sg[i] = gcd(sg[i + 1]!, w[i]!);
    for (let j = 0; j < n; j++) {
      const g = gcd(pg[j]!, sg[j + 1]!);
      if (g > 1 && w[j]! % g !== 0 && !found.has(j)) found.set(j, { ...sorted[j]!, rule: 'remainder', modulus: g });
    }
  }

  // Rules 3 and 4, exact for small lists (only a weight nobody else holds can be exposed); rule 4's
  // sufficient test for larger ones.
  const some: ExposedCredential[] = [];
  const exact = n >= 2 && n <= EXACT_LIMIT;
  for (let j = 0; j < n; j++) {
    if (found.has(j) || holders.get(w[j]!)! > 1) continue;
    if (exact) {
      let sums = new Set<number>([0]);
      for (let i = 0; i < n; i++) if (i !== j) { const next = new Set(sums); for (const s of sums) next.add(s + w[i]!); sums = next; }
      let clash = false;
      for (const s of sums) if (sums.has(s + w[j]!)) { clash = true; break; }
      if (!clash) found.set(j, { ...sorted[j]!, rule: 'exact' });
      else if (!sums.has(w[j]!)) some.push({ ...sorted[j]!, rule: 'alone', smallerSum: prefix[j]! });
    } else if (w[j]! > prefix[j]!) {
      // The weight is unique, so the weights before j are exactly those strictly smaller.
      some.push({ ...sorted[j]!, rule: 'alone', smallerSum: prefix[j]! });
    }
  }

  const top = n > 0 ? sorted[n - 1]! : null;
  const majority = top && 2 * top.weight > total ? { key: top.key, weight: top.weight } : null;
  const byWeightDesc = (a: ExposedCredential, b: ExposedCredential) => b.weight - a.weight;
  return { credentials: n, totalWeight: total, superIncreasing, always: [...found.values()].sort(byWeightDesc), some: some.sort(byWeightDesc), majority };
}

function listWeights(cs: { weight: number }[]): string {
  const shown = cs.slice(0, 10).map((c) => String(c.weight)).join(', ');
  return cs.length > 10 ? `${shown}, … (${cs.length - 10} more)` : shown;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Human-readable warnings (English) when the weights let someone's choice be computed from the
 * published counts (the rules above); empty when none applies. The counts and the tally's cast weight
 * both are such sums, so an exposed credential's choice, and whether it voted, are both shown.
 */
export function weightSecrecyWarnings(weights: { key: string; weight: number }[]): string[] {
  const x = weightExposure(weights);
  const out: string[] = [];
  if (x.always.length + x.some.length > 0) {
    out.push(`These weights expose ${x.always.length} of ${x.credentials} credentials in every count${x.some.length ? ` and ${x.some.length} more in some counts` : ''}: their choices (and whether they voted) can be computed from the published counts.`);
  }
  if (x.superIncreasing) {
    out.push(`Every weight is larger than all smaller weights together (like 1, 2, 4, 8, …): each count can be made in only one way, so it shows the choice of every one of the ${x.credentials} credentials.`);
  } else {
    const chain = x.always.filter((c) => c.rule === 'chain');
    if (chain.length) out.push(`${plural(chain.length, 'credential', 'credentials')} with weight ${listWeights(chain)}: each such weight is larger than all smaller weights together, so every count splits into them in only one way and shows their choices.`);
  }
  for (const c of x.always.filter((c) => c.rule === 'remainder')) {
    out.push(`The credential with weight ${c.weight}: every other weight is a multiple of ${c.modulus} and ${c.weight} is not, so the remainder of every count divided by ${c.modulus} shows whether this credential chose the option.`);
  }
  const exact = x.always.filter((c) => c.rule === 'exact');
  if (exact.length) out.push(`${plural(exact.length, 'credential', 'credentials')} with weight ${listWeights(exact)}: no sum and difference of the other weights equals such a weight, so every count shows their choices.`);
  if (x.some.length) out.push(`${plural(x.some.length, 'credential', 'credentials')} with weight ${listWeights(x.some)}: no other set of credentials has weights adding up to exactly such a weight, so a count of exactly that weight shows that this credential alone chose the option.`);
  if (x.majority) out.push(`One credential holds ${x.majority.weight} of the ${x.totalWeight} total weight, more than half: it alone decides every question decided by a majority of weight, and since all the others together hold less, every count shows its choice.`);
  return out;
}
