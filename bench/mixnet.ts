// npm run bench:mixnet [-- --sizes 1000,10000,100000 --width 1]: the proof of shuffle (src/mixnet) on one
// core, per ciphertext: shuffle + prove and verify, on the native backend and on libsodium's WASM build
// (a trustee's browser), at each size (100,000 on native only: WASM would take ~4 minutes), with the proof's
// bytes per ciphertext. Beside them: the published anchors, the targets, and this run's own baseline (one
// variable-base multiplication on the same backend), so the figures can be compared across machines. A
// warm-up shuffle of 100 rows runs first on each backend (its figures printed apart: the JIT's first rows).
import { randomBytes } from '@noble/hashes/utils.js';
import { setBackend, type GroupBackend } from '../src/crypto/backend.js';
import { loadSodiumBackend } from '../src/crypto/backend-sodium.js';
import { loadNativeBackend } from '../src/crypto/backend-native.js';
import { randomScalar } from '../src/crypto/group.js';
import { shuffle, checkShuffle, prepareGenerators, proofSize, type Row } from '../src/mixnet/index.js';
import { deriveGenerators, generatorSeed } from '../src/mixnet/generators.js';
import { fmt, loadAverage, machine, threadCpuMs } from './common.js';

const arg = (name: string, fallback: string) => { const i = process.argv.indexOf(`--${name}`); return i < 0 ? fallback : process.argv[i + 1]!; };
const SIZES = arg('sizes', '1000,10000,100000').split(',').map(Number);
const WIDTH = Number(arg('width', '1'));
const WASM_MAX = 10_000;
const WARM_UP = 100;

const ANCHORS = 'anchors: Verificatum (P-256) ~0.42 ms/ct verify; egk-ec-mixnet (P-256) ~0.5 ms/ct shuffle+prove, 0.74 ms/ct verify';
const TARGETS: Record<string, { shuffle: number; verify: number }> = { native: { shuffle: 0.25, verify: 0.15 }, sodium: { shuffle: 1, verify: 1 } };

function rowsFor(be: GroupBackend, pk: Uint8Array, n: number, k: number): Row[] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => {
    const r = randomScalar();
    return { alpha: be.baseMul(r), beta: be.add(be.baseMul(BigInt(i * k + j + 1)), be.mul(pk, r)) };
  }));
}

/** Runs f; its cost as this thread's CPU time (fair on a shared, loaded machine) and wall time, in ms. */
function measure<T>(f: () => T): { value: T; cpu: number; wall: number } {
  const c0 = threadCpuMs(), t0 = performance.now();
  const value = f();
  return { value, cpu: threadCpuMs() - c0, wall: performance.now() - t0 };
}

/** This thread's CPU ms of one mul, baseMul and add on `be` (the baseline; and what a composed backend's floor is made of). */
function perOp(be: GroupBackend): { mul: number; baseMul: number; add: number; isValid: number } {
  const p = be.baseMul(randomScalar()), q = be.baseMul(randomScalar());
  const ks = Array.from({ length: 300 }, randomScalar);
  return {
    mul: measure(() => { for (const k of ks) be.mul(p, k); }).cpu / ks.length,
    baseMul: measure(() => { for (const k of ks) be.baseMul(k); }).cpu / ks.length,
    add: measure(() => { for (let i = 0; i < ks.length; i++) be.add(p, q); }).cpu / ks.length,
    // Distinct points: the native addon remembers its last decodings.
    isValid: ((ps) => measure(() => { for (const x of ps) be.isValid(x); }).cpu / ps.length)(ks.map((k) => be.baseMul(k))),
  };
}

async function main() {
  await prepareGenerators();
  console.log(`mixnet bench: ${machine()}, load ${loadAverage()}; one core; rows of width ${WIDTH}; generators by each backend's fromHashMany`);
  console.log('times are this thread\'s CPU time per ciphertext (the machine is shared); wall time beside them');
  console.log(ANCHORS);
  console.log(`targets: native ≤ 0.25 ms/ct shuffle+prove, ≤ 0.15 ms/ct verify; WASM ≤ 1 ms/ct each (a trustee's browser: measured there by npm run bench:mixnet-browser; the WASM figures here are libsodium alone in Node); proof ≤ 200 B/ct`);
  const native = (() => { try { return loadNativeBackend(); } catch (e) { console.log(`(native backend skipped: ${(e as Error).message})`); return null; } })();
  const backends = [...(native ? [native] : []), await loadSodiumBackend()];
  const maker = native ?? backends[0]!;
  for (const be of backends) {
    setBackend(be);
    const op = perOp(be);
    const mulMs = op.mul;
    const target = TARGETS[be.name]!;
    console.log(`\n${be.name === 'sodium' ? 'libsodium WASM alone, in Node' : be.name}: one variable-base multiplication = ${fmt(mulMs * 1000, 0)} µs (the baseline: "mul" below); baseMul ${fmt(op.baseMul * 1000, 0)} µs, add ${fmt(op.add * 1000, 0)} µs, isValid ${fmt(op.isValid * 1000, 0)} µs`);
    // The first shuffle in a process also pays for compiling its JavaScript (hashes, scalar arithmetic):
    // a warm-up of WARM_UP rows, printed on its own, so the sizes below are the per-ciphertext cost.
    {
      const ctx = { election: randomHex(), question: 'ranked', mixer: 'warm-up', position: 0 };
      const pk = maker.baseMul(randomScalar());
      const rows = rowsFor(maker, pk, WARM_UP, WIDTH);
      const s = measure(() => shuffle(ctx, pk, rows));
      const v = measure(() => checkShuffle(ctx, pk, rows, s.value.rows, s.value.proof));
      if (!v.value.ok) throw new Error(`bench: the warm-up shuffle was refused: ${v.value.reason}`);
      console.log(`  warm-up, the process's first shuffle (${WARM_UP} rows, not in the figures below): shuffle+prove ${fmt(s.cpu / (WARM_UP * WIDTH), 3)} ms/ct, verify ${fmt(v.cpu / (WARM_UP * WIDTH), 3)} ms/ct`);
    }
    for (const n of SIZES) {
      if (be.name === 'sodium' && n > WASM_MAX) { console.log(`  ${n} rows: skipped on WASM (above ${WASM_MAX}; ~${fmt((n * WIDTH * 2.4) / 1000, 0)} s)`); continue; }
      const ctx = { election: randomHex(), question: 'ranked', mixer: 'trustee-1', position: 0 };
      const pk = maker.baseMul(randomScalar());
      const rows = rowsFor(maker, pk, n, WIDTH);
      const cts = n * WIDTH;
      const gen = measure(() => deriveGenerators(generatorSeed(ctx), n));
      const c0 = { ...be.counts };
      const shuffled = measure(() => shuffle(ctx, pk, rows));
      const perRow = (c: typeof c0, d: typeof c0) => ({ baseMul: (d.baseMul - c.baseMul) / n, mul: (d.mul - c.mul) / n, add: (d.add - c.add) / n, isValid: (d.isValid - c.isValid) / n });
      const proveOps = perRow(c0, be.counts);
      const ops = (['baseMul', 'mul', 'add', 'isValid'] as const).map((o) => `${o} ${fmt(proveOps[o], 1)}`).join(', ');
      const out = shuffled.value;
      const c1 = { ...be.counts };
      const verified = measure(() => checkShuffle(ctx, pk, rows, out.rows, out.proof));
      const verifyOps = perRow(c1, be.counts);
      const check = verified.value;
      const [shuffleMs, verifyMs, genMs] = [shuffled.cpu, verified.cpu, gen.cpu];
      if (!check.ok) throw new Error(`bench: the honest shuffle was refused: ${check.reason}`);
      const bad = out.rows.slice(); bad[n >> 1] = rows[n >> 1]!;
      if (checkShuffle(ctx, pk, rows, bad, out.proof).ok) throw new Error('bench: a shuffle with one row replaced passed');
      const sp = shuffleMs / cts, vp = verifyMs / cts;
      const mark = (x: number, t: number) => (x <= t ? `≤ ${t} met` : `> ${t} MISSED`);
      console.log(`  ${String(n).padStart(6)} rows (${cts} ct): shuffle+prove ${fmt(sp, 3)} ms/ct (${fmt(sp / mulMs, 1)} mul; ${mark(sp, target.shuffle)}), verify ${fmt(vp, 3)} ms/ct (${fmt(vp / mulMs, 1)} mul; ${mark(vp, target.verify)}), of which generators ${fmt(genMs / cts, 3)} ms/ct; wall ${fmt(shuffled.wall / cts, 3)} / ${fmt(verified.wall / cts, 3)} ms/ct; proof ${fmt(out.proof.length / cts, 1)} B/ct (${proofSize(n, WIDTH)} B); one replaced row refused`);
      console.log(`      shuffle+prove per row: ${ops} (a batch counted as the single operations it replaces), plus ${2 * WIDTH + 1} msm terms and ${1} generator`);
      if (be.name === 'sodium') {
        // libsodium's public API has no double or multi-scalar multiplication: its msm is composed, one mul
        // and one add a term (counted above). The operations alone, at this run's costs, are the floor.
        const floor = (o: typeof proveOps) => (o.baseMul * op.baseMul + o.mul * op.mul + o.add * op.add + o.isValid * op.isValid) / WIDTH;
        console.log(`      verify per row: ${(['baseMul', 'mul', 'add', 'isValid'] as const).map((o) => `${o} ${fmt(verifyOps[o], 1)}`).join(', ')}`);
        console.log(`      floor on libsodium's public API (these operations alone, at the costs above): shuffle+prove ${fmt(floor(proveOps), 3)} ms/ct, verify ${fmt(floor(verifyOps), 3)} ms/ct`);
      }
    }
  }
}

const randomHex = () => Array.from(randomBytes(32), (b) => b.toString(16).padStart(2, '0')).join('');

await main();
