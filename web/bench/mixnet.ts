// The page side of `npm run bench:mixnet-browser` (bench/mixnet-browser.ts bundles it and runs it in
// Chromium): the proof of shuffle (src/mixnet) on the arithmetic a trustee's browser has. Each step is one
// call from the runner, which reads the page thread's CPU time around it (Chromium's ThreadTime metric).
// Arithmetics: 'trustee' is what the trustee page's worker installs (trusteeBackend in web/lib/trustee-mix-arithmetic.ts:
// libsodium WebAssembly with noble's Pippenger for large msm); 'sodium' libsodium's backend alone (every
// msm composed of its mul and add, as before); 'noble' the pure-JavaScript fallback.
import sodium from 'libsodium-wrappers-sumo';
import { backend, nobleBackend, setBackend, type GroupBackend } from '../../src/crypto/backend.js';
import { sodiumBackendFrom } from '../../src/crypto/backend-sodium.js';
import { randomScalar } from '../../src/crypto/group.js';
import { checkShuffle, shuffle, type Row, type ShuffleResult } from '../../src/mixnet/index.js';
import { trusteeBackend } from '../lib/trustee-mix-arithmetic.js';

export type BenchArithmetic = 'trustee' | 'sodium' | 'noble';

interface Prepared { ctx: { election: string; question: string; mixer: string; position: number }; pk: Uint8Array; rows: Row[]; out?: ShuffleResult }
let prepared: Prepared | null = null;

async function install(a: BenchArithmetic): Promise<GroupBackend> {
  await sodium.ready;
  setBackend(a === 'trustee' ? trusteeBackend(sodiumBackendFrom(sodium)) : a === 'sodium' ? sodiumBackendFrom(sodium) : nobleBackend());
  return backend();
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const api = {
  /** Installs the arithmetic and makes n encrypted rows of width k (not measured). */
  async prepare(a: BenchArithmetic, n: number, k: number): Promise<string> {
    const be = await install(a);
    const pk = be.baseMul(randomScalar());
    const rows: Row[] = Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => {
      const r = randomScalar();
      return { alpha: be.baseMul(r), beta: be.add(be.baseMul(BigInt(i * k + j + 1)), be.mul(pk, r)) };
    }));
    prepared = { ctx: { election: hex(crypto.getRandomValues(new Uint8Array(32))), question: 'ranked', mixer: `bench-${a}`, position: 0 }, pk, rows };
    return be.name;
  },
  shuffle(): void {
    const p = prepared!;
    p.out = shuffle(p.ctx, p.pk, p.rows);
  },
  /** The check of the shuffle just made (forgedRefused: the same proof with one row replaced). */
  verify(): boolean {
    const p = prepared!;
    return checkShuffle(p.ctx, p.pk, p.rows, p.out!.rows, p.out!.proof).ok;
  },
  forgedRefused(): boolean {
    const p = prepared!;
    const bad = p.out!.rows.slice();
    bad[bad.length >> 1] = p.rows[bad.length >> 1]!;
    return !checkShuffle(p.ctx, p.pk, p.rows, bad, p.out!.proof).ok;
  },
  proofBytes(): number { return prepared!.out!.proof.length; },
  /** `count` multiplications of one point (the baseline of each arithmetic). */
  muls(count: number): void {
    const be = backend();
    const p = be.baseMul(randomScalar());
    for (let i = 0; i < count; i++) be.mul(p, randomScalar());
  },
};

(globalThis as unknown as { vecheBench: typeof api }).vecheBench = api;
