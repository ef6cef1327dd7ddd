// The encrypted tally: for every group and option, Σ weight · ciphertext over the counted ballots
// (the last ballot of each credential that was not revoked). The sum is associative, so ranges of
// ballots can be summed apart and combined.
import { addCiphertexts, scaleCiphertext, ZERO_CIPHERTEXT, type Ciphertext } from '../crypto/elgamal.js';
import { scalarOf } from '../crypto/group.js';
import type { SelectionGroup } from '../manifest/types.js';

export interface CountedBallot { credential: string; ciphertexts: Ciphertext[][] }

/** Keeps, for each credential, only its last ballot in board order; drops revoked credentials. */
export function lastBallotPerCredential<T extends { credential: string }>(ballots: T[], revoked: Set<string> = new Set()): T[] {
  const last = new Map<string, T>();
  for (const b of ballots) {
    last.delete(b.credential); // re-insert so the map keeps the order of each credential's last ballot
    last.set(b.credential, b);
  }
  return [...last.values()].filter((b) => !revoked.has(b.credential));
}

export function emptySums(groups: SelectionGroup[]): Ciphertext[][] {
  return groups.map((g) => g.optionIds.map(() => ZERO_CIPHERTEXT));
}

/** Adds one ballot, with its credential's weight, to running sums (in place). */
export function addToSums(sums: Ciphertext[][], ballot: Ciphertext[][], weight: number): void {
  const w = scalarOf(weight);
  for (let g = 0; g < sums.length; g++) {
    const row = sums[g]!;
    for (let i = 0; i < row.length; i++) row[i] = addCiphertexts(row[i]!, scaleCiphertext(ballot[g]![i]!, w));
  }
}

export function combineSums(a: Ciphertext[][], b: Ciphertext[][]): Ciphertext[][] {
  return a.map((row, g) => row.map((c, i) => addCiphertexts(c, b[g]![i]!)));
}

export function tallyBallots(groups: SelectionGroup[], ballots: CountedBallot[], weights: Map<string, number>): Ciphertext[][] {
  const sums = emptySums(groups);
  for (const b of ballots) {
    const w = weights.get(b.credential);
    if (w === undefined) throw new Error('tally: ballot from an unknown credential');
    addToSums(sums, b.ciphertexts, w);
  }
  return sums;
}
