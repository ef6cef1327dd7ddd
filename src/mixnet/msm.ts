// The terms of one multi-scalar multiplication Σ k_i·P_i, collected into the packed buffers the
// backend's msm takes (Pippenger in the native addon and noble; composed in libsodium WASM).
import type { GroupBackend } from '../crypto/backend.js';
import type { Scalar } from '../crypto/group.js';
import { writeScalar } from './scalars.js';

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
    return be.msm(this.points.subarray(0, 32 * this.n), this.scalars.subarray(0, 32 * this.n));
  }
}
