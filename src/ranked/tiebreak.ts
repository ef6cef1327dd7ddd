// Ties are broken by a lot order derived from the record's public seed: the same bytes give the
// same order in the board and in the verifier. Never Math.random.
import { hashHex } from '../crypto/hash.js';
import { toHex } from '../crypto/encoding.js';

export const LOT_TAG = 'ranked/lot-order';

/** A candidate's lot key: H_{ranked/lot-order}({seed: hex, question, candidate}) (spec §2 hashing). */
export function lotKey(seed: Uint8Array, question: string, candidate: number): string {
  return hashHex(LOT_TAG, { seed: toHex(seed), question, candidate });
}

/**
 * The lot order of `count` candidates: indices sorted by lot key (lower-case hex, so bytewise), then
 * by index (only a SHA-256 collision would need it). In every tie the candidate earliest in this
 * order is the one disadvantaged (defeated first, transferred last, ranked lower). `question` binds
 * the order to one question, so that questions sharing a seed get independent lots.
 */
export function lotOrder(seed: Uint8Array, count: number, question = ''): number[] {
  if (seed.length < 16) throw new RangeError('the tie-break seed must have at least 16 bytes');
  const keys = Array.from({ length: count }, (_, i) => lotKey(seed, question, i));
  return keys.map((_, i) => i).sort((i, j) => (keys[i]! < keys[j]! ? -1 : keys[i]! > keys[j]! ? 1 : i - j));
}

/** Position of each candidate in a lot order (lower = disadvantaged in a tie). */
export function lotRank(order: readonly number[]): number[] {
  const rank = new Array<number>(order.length);
  order.forEach((c, pos) => { rank[c] = pos; });
  return rank;
}

/** The candidate among `tied` that loses the tie: earliest in the lot order. */
export function lotLoser(tied: readonly number[], rank: readonly number[]): number {
  return tied.reduce((a, b) => (rank[b]! < rank[a]! ? b : a));
}

/** The candidate among `tied` that wins the tie: latest in the lot order. */
export function lotWinner(tied: readonly number[], rank: readonly number[]): number {
  return tied.reduce((a, b) => (rank[b]! > rank[a]! ? b : a));
}
