// A uniformly random permutation of 0..n-1 from a CSPRNG: Fisher–Yates with rejection sampling, so no
// index is favoured (no modulo bias).
import { randomBytes } from '@noble/hashes/utils.js';

export type RandomBytes = (length: number) => Uint8Array;

/**
 * The CSPRNG read 64 KiB at a time: a shuffle draws ~5 scalars of 64 bytes a row, and one platform call
 * per scalar cost more than the hashing of the whole transcript.
 */
export function bufferedRandom(source: RandomBytes = randomBytes, chunk = 1 << 16): RandomBytes {
  let buffer: Uint8Array = new Uint8Array(0);
  let at = 0;
  return (length) => {
    if (length > chunk) {
      // Platform sources give at most 64 KiB a call.
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += chunk) out.set(source(Math.min(chunk, length - i)), i);
      return out;
    }
    if (at + length > buffer.length) { buffer = source(chunk); at = 0; }
    const out = buffer.slice(at, at + length);
    buffer.fill(0, at, at + length); // what was handed out is not kept
    at += length;
    return out;
  };
}

/** A uniform integer in [0, bound) for 1 <= bound <= 2^32, by rejection. */
export function uniformBelow(bound: number, random: RandomBytes): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) throw new RangeError('uniformBelow: bound out of range');
  const limit = Math.floor(2 ** 32 / bound) * bound; // the largest multiple of bound that fits
  for (;;) {
    const b = random(4);
    const x = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (x < limit) return x % bound;
  }
}

/** π with π[i] = the input index that output i takes. */
export function randomPermutation(n: number, random: RandomBytes = randomBytes): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = uniformBelow(i + 1, random);
    const t = p[i]!; p[i] = p[j]!; p[j] = t;
  }
  return p;
}

/** Is p a permutation of 0..p.length-1? */
export function isPermutation(p: readonly number[]): boolean {
  const seen = new Uint8Array(p.length);
  for (const x of p) {
    if (!Number.isInteger(x) || x < 0 || x >= p.length || seen[x]) return false;
    seen[x] = 1;
  }
  return true;
}
