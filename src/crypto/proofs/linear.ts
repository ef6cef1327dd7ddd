// Proof equations in commitment form are linear: each says Σ k_i·P_i = identity for public points P_i
// (32-byte canonical encodings, already checked) and scalars k_i. A LinearCheck holds one ballot's
// equations; allHold tests many ballots' at once as ONE multi-scalar multiplication, each equation
// multiplied by its own fresh random 128-bit weight from the CSPRNG (docs/spec.md §4.5): if any equation
// fails, the weighted sum is the identity with probability at most 2^-128. A point that several
// equations share (g, h, a ciphertext) is one term of the multiplication.
import { randomBytes } from '@noble/hashes/utils.js';
import type { GroupBackend } from '../backend.js';
import { ORDER, type Scalar } from '../group.js';

export interface Equation { what: string; points: Uint8Array[]; scalars: Scalar[] }

export class LinearCheck {
  readonly equations: Equation[] = [];
  add(what: string, points: Uint8Array[], scalars: Scalar[]): void {
    this.equations.push({ what, points, scalars });
  }
}

// CSPRNG bytes are drawn 4 KB at a time: one call per weight would cost more than the weight's use.
let pool = new Uint8Array(0);
let at = 0;
/** A uniformly random integer in [0, 2^128) from the platform CSPRNG. */
export function randomWeight(): bigint {
  if (at + 16 > pool.length) { pool = randomBytes(4096); at = 0; }
  const v = new DataView(pool.buffer, pool.byteOffset + at, 16);
  at += 16;
  return (v.getBigUint64(8, true) << 64n) | v.getBigUint64(0, true);
}

const MASK64 = (1n << 64n) - 1n;

/** Writes the canonical 32 bytes of 0 <= k < q at `offset`. */
function putScalar(view: DataView, offset: number, k: Scalar): void {
  view.setBigUint64(offset, k & MASK64, true);
  view.setBigUint64(offset + 8, (k >> 64n) & MASK64, true);
  view.setBigUint64(offset + 16, (k >> 128n) & MASK64, true);
  view.setBigUint64(offset + 24, k >> 192n, true);
}

/** Σ_e w_e · equation_e over all equations of `checks`, as one msm; `weight` gives each w_e. */
export function weightedMsm(checks: LinearCheck[], be: GroupBackend, weight: () => bigint = randomWeight): Uint8Array {
  const index = new Map<Uint8Array, number>();
  const points: Uint8Array[] = [];
  const coeffs: bigint[] = [];
  for (const check of checks) {
    for (const eq of check.equations) {
      const w = weight();
      for (let i = 0; i < eq.points.length; i++) {
        const p = eq.points[i]!;
        let j = index.get(p);
        if (j === undefined) { j = points.length; index.set(p, j); points.push(p); coeffs.push(0n); }
        coeffs[j]! += w * eq.scalars[i]!;
      }
    }
  }
  const pointBytes = new Uint8Array(32 * points.length);
  const scalarBytes = new Uint8Array(32 * points.length);
  const view = new DataView(scalarBytes.buffer);
  for (let j = 0; j < points.length; j++) {
    pointBytes.set(points[j]!, 32 * j);
    let k = coeffs[j]! % ORDER;
    if (k < 0n) k += ORDER;
    putScalar(view, 32 * j, k);
  }
  return be.msm(pointBytes, scalarBytes);
}

const isIdentity = (b: Uint8Array) => b.every((x) => x === 0);

/** Do all equations of all `checks` hold? One msm with fresh random weights (false positives ≤ 2^-128). */
export function allHold(checks: LinearCheck[], be: GroupBackend): boolean {
  return isIdentity(weightedMsm(checks, be));
}

/** The first equation of `check` that fails on its own (no weights: exact), or null when all hold. */
export function firstFailure(check: LinearCheck, be: GroupBackend): string | null {
  for (const eq of check.equations) {
    const one = new LinearCheck();
    one.equations.push(eq);
    if (!isIdentity(weightedMsm([one], be, () => 1n))) return eq.what;
  }
  return null;
}
