// The tie-break seed of an election whose manifest says `tieBreak: {method: "seed"}` (spec §12.1).
//
// The seed is derived from the joint key, which is on the board before the poll can open and which no
// one party chooses: every trustee committed to its key (round 0) before any key was revealed, so while
// one trustee is honest the product is uniformly random, and the board operator, who is not a trustee,
// has no say in it at all. The lot order itself is the ranked counts' (src/ranked/tiebreak.ts): one
// derivation for every tie the system breaks.
import { hashHex } from '../crypto/hash.js';
import { fromHex } from '../crypto/encoding.js';
import { lotOrder, lotRank } from '../ranked/tiebreak.js';

export const TIE_SEED_TAG = 'tally/tie-seed';

/** seed = H_{tally/tie-seed}({election, jointKey}): 64 lower-case hex (32 bytes). */
export function tieSeed(electionHash: string, jointKey: string): string {
  return hashHex(TIE_SEED_TAG, { election: electionHash, jointKey });
}

/** The lot order of a question's items (ids in manifest order): earliest = disadvantaged in a tie. */
export function lotOrderOf(seedHex: string, questionId: string, ids: readonly string[]): string[] {
  return lotOrder(fromHex(seedHex, 32, 'tie-break seed'), ids.length, questionId).map((i) => ids[i]!);
}

/** The `places` ids among `tied` that win by lot (latest in `order`), listed in `ids` (manifest) order. */
export function drawnByLot(order: readonly string[], ids: readonly string[], tied: readonly string[], places: number): string[] {
  const rank = lotRank(order.map((id) => ids.indexOf(id)));
  const byLot = [...tied].sort((a, b) => rank[ids.indexOf(b)]! - rank[ids.indexOf(a)]!);
  const chosen = new Set(byLot.slice(0, places));
  return ids.filter((id) => chosen.has(id));
}
