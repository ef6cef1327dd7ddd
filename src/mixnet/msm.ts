// Σ k_i·P_i through the active backend's msm (Pippenger in the native addon). A backend without one
// (until every backend has it) gets the plain composition of its own multiplications and additions.
import type { GroupBackend } from '../crypto/backend.js';
import { IDENTITY_BYTES } from '../crypto/backend.js';
import type { Scalar } from '../crypto/group.js';
import { readScalar, writeScalar } from './scalars.js';

/** points: 32·n bytes of canonical encodings; scalars: 32·n bytes of canonical scalars. */
export function msm(be: GroupBackend, points: Uint8Array, scalars: Uint8Array): Uint8Array {
  if (points.length !== scalars.length || points.length % 32 !== 0) throw new Error('msm: 32-byte points and as many 32-byte scalars expected');
  if (be.msm) return be.msm(points, scalars);
  let acc: Uint8Array = IDENTITY_BYTES.slice();
  for (let at = 0; at < points.length; at += 32) {
    const k = readScalar(scalars, at);
    if (k === null) throw new Error('msm: a scalar must be canonical');
    if (k !== 0n) acc = be.add(acc, be.mul(points.subarray(at, at + 32), k));
  }
  return acc;
}

/** Collects the terms of one multi-scalar multiplication into packed buffers. */
export class Terms {
  readonly points: Uint8Array;
  readonly scalars: Uint8Array;
  private n = 0;
  constructor(readonly capacity: number) {
    this.points = new Uint8Array(32 * capacity);
    this.scalars = new Uint8Array(32 * capacity);
  }
  /** Adds k·P (0 <= k < q). */
  add(p: Uint8Array, k: Scalar): void {
    if (this.n >= this.capacity) throw new Error('msm: more terms than reserved');
    this.points.set(p, 32 * this.n);
    writeScalar(this.scalars, 32 * this.n, k);
    this.n++;
  }
  get length(): number { return this.n; }
  run(be: GroupBackend): Uint8Array {
    return msm(be, this.points.subarray(0, 32 * this.n), this.scalars.subarray(0, 32 * this.n));
  }
}
