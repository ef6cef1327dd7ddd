// Ties are broken by a lot order derived from the record's public seed: the same bytes give the
// same order in the board and in the verifier. Never Math.random.
import { sha256 } from '@noble/hashes/sha2.js';

const DOMAIN = new TextEncoder().encode('veche/ranked/lot-order/v1');

/** The hash key of one candidate: SHA-256(domain ‖ u32be(len(seed)) ‖ seed ‖ u32be(index)). */
export function lotKey(seed: Uint8Array, index: number): Uint8Array {
  const buf = new Uint8Array(DOMAIN.length + 4 + seed.length + 4);
  const view = new DataView(buf.buffer);
  buf.set(DOMAIN, 0);
  view.setUint32(DOMAIN.length, seed.length);
  buf.set(seed, DOMAIN.length + 4);
  view.setUint32(DOMAIN.length + 4 + seed.length, index);
  return sha256(buf);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The lot order of `count` candidates: indices sorted by their lot keys (bytewise ascending, then by
 * index, which a collision of SHA-256 would need). In every tie the candidate earliest in this order
 * is the one disadvantaged (defeated first, transferred last, ranked lower).
 */
export function lotOrder(seed: Uint8Array, count: number): number[] {
  if (seed.length < 16) throw new RangeError('the tie-break seed must have at least 16 bytes');
  const keys = Array.from({ length: count }, (_, i) => lotKey(seed, i));
  return keys.map((_, i) => i).sort((i, j) => compareBytes(keys[i]!, keys[j]!) || i - j);
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
