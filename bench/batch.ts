// npm run bench:batch [-- --ballots N]: a measured prototype of the design veche does NOT use (yet):
// ballot proofs in commitment form, verified in batches by one multi-scalar multiplication. It exists to
// weigh a decision (docs/performance.md, "The targets"): protocol v1 proofs are (challenge, response),
// compact but unbatchable; commitment-form proofs carry (A_i, B_i) as well. Real v1 ballots are made,
// their commitments recomputed (not timed) and kept beside them, then both checks run on one core:
//   v1: the fast ballot check (src/verify/ballot-fast.ts) on the active backend;
//   batch: per ballot the signature and each proof's challenge over the written commitments, and every
//   proof equation of the whole batch at once: Σ ρ_e·(A + c·α − z·g) + σ_e·(B + c·(β − v·g) − z·h) = 0
//   with fresh random 128-bit ρ_e, σ_e, as one MSM (native). An invalid equation passes with
//   probability ≤ 2^-128; the bench also shows a batch with one forged response rejected.
// Prints the per-ballot times, their ratio, and the record line of each form.
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { concatBytes } from '@noble/hashes/utils.js';
import { backend, type GroupBackend } from '../src/crypto/backend.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { fromBase64Url, toBase64Url } from '../src/crypto/encoding.js';
import { decodeScalar, encodePoint, mod, randomScalar, toScalarBytes, type Scalar } from '../src/crypto/group.js';
import { hashToScalar, hashHex } from '../src/crypto/hash.js';
import { verifySchnorrEncoded } from '../src/crypto/proofs/encoded.js';
import { decodeSchnorr } from '../src/crypto/proofs/schnorr.js';
import { optionContext, range, signatureContext, sumContext, TAG_CONTENT, TAG_OPTION_PROOF, TAG_SIGNATURE, TAG_SUM_PROOF } from '../src/ballot/context.js';
import type { BallotJson } from '../src/ballot/types.js';
import type { SelectionGroup } from '../src/manifest/types.js';
import { fastBallotValid } from '../src/verify/ballot-fast.js';
import { argNumber, benchElection, fmt, loadAverage, machine, onWorkers, SHAPES, timed, type ShapeName } from './common.js';
import type { GenRequest } from './gen-worker.js';

const N = argNumber('ballots', 400);

interface Proof { c: string[]; z: string[]; a: [string, string][] }
interface Group2 { ct: [string, string][]; proofs: Proof[]; sum: Proof }
interface Ballot2 { election: string; credential: string; answers: Group2[]; signature: { c: string; z: string } }

const gBytes = (be: GroupBackend, v: number) => (v === 0 ? new Uint8Array(32) : be.baseMul(BigInt(v)));

/** The v1 ballot with each proof's commitments written beside it (what a commitment-form prover sends). */
function withCommitments(b: BallotJson, h: Uint8Array, groups: SelectionGroup[], be: GroupBackend): Ballot2 {
  const commit = (alpha: Uint8Array, beta: Uint8Array, values: number[], p: { c: string[]; z: string[] }): Proof => {
    const AB = be.disjunctive(h, alpha, beta, values.map((v) => gBytes(be, v)), p.c.map((x) => decodeScalar(x)), p.z.map((x) => decodeScalar(x)));
    return { c: p.c, z: p.z, a: values.map((_, i) => [toBase64Url(AB[2 * i]!), toBase64Url(AB[2 * i + 1]!)]) };
  };
  return {
    ...b,
    answers: b.answers.map((a, g) => {
      const cts = a.ct.map(([x, y]) => [fromBase64Url(x, 32), fromBase64Url(y, 32)] as const);
      const alpha = be.sum(cts.map((c) => c[0]));
      const beta = be.sum(cts.map((c) => c[1]));
      return {
        ct: a.ct as [string, string][],
        proofs: a.proofs.map((p, i) => commit(cts[i]![0], cts[i]![1], [0, 1], p)),
        sum: commit(alpha, beta, range(groups[g]!.min, groups[g]!.max), a.sum),
      };
    }),
  };
}

// Random 128-bit weights from the platform CSPRNG, drawn 64 KB at a time (one call per weight is slow).
let pool = new Uint8Array(0);
let at = 0;
const rand128 = (): Scalar => {
  if (at + 16 > pool.length) { pool = randomBytes(65536); at = 0; }
  const v = new DataView(pool.buffer, pool.byteOffset + at, 16);
  at += 16;
  return (v.getBigUint64(8, true) << 64n) | v.getBigUint64(0, true);
};

/** Batch check of ballots in commitment form: true when every ballot's signature and challenges hold and the batch equation holds. */
function batchValid(ballots: Ballot2[], ctx: { electionHash: string; publicKey: string; groups: SelectionGroup[] }, be: GroupBackend, checkSignatures = true): boolean {
  const h = fromBase64Url(ctx.publicKey, 32);
  const points: Uint8Array[] = [];
  const coeffs: Scalar[] = [];
  let gCoeff = 0n;
  let hCoeff = 0n;
  for (const b of ballots) {
    const credential = { text: b.credential, bytes: fromBase64Url(b.credential, 32) };
    const sig = decodeSchnorr(b.signature);
    const message = hashHex(TAG_CONTENT, { election: ctx.electionHash, credential: b.credential, answers: b.answers.map((a) => ({ ct: a.ct, proofs: a.proofs.map((p) => ({ c: p.c, z: p.z })), sum: { c: a.sum.c, z: a.sum.z } })) });
    if (checkSignatures && !verifySchnorrEncoded(TAG_SIGNATURE, signatureContext(ctx.electionHash), credential, sig.c, sig.z, message, be)) return false;
    for (let g = 0; g < ctx.groups.length; g++) {
      const group = ctx.groups[g]!;
      const a = b.answers[g]!;
      // Each option's α and β get the coefficients of their own proof plus those of the group's sum
      // proof (the sum ciphertext is the product of the options': its coefficient goes to each factor).
      const alphaC: Scalar[] = a.ct.map(() => 0n);
      const betaC: Scalar[] = a.ct.map(() => 0n);
      const proof = (p: Proof, tag: string, context: unknown, alpha: string | null, beta: string | null, values: number[], target: number | null) => {
        const c = p.c.map((x) => decodeScalar(x));
        const z = p.z.map((x) => decodeScalar(x));
        if (c.length !== values.length || z.length !== values.length || p.a.length !== values.length) return false;
        const statement = { h: ctx.publicKey, ciphertext: alpha && beta ? [alpha, beta] : null, values };
        if (statement.ciphertext === null) {
          // The sum ciphertext is not written: its encoding is needed for the transcript.
          statement.ciphertext = [toBase64Url(be.sum(a.ct.map((x) => fromBase64Url(x[0], 32)))), toBase64Url(be.sum(a.ct.map((x) => fromBase64Url(x[1], 32))))];
        }
        const challenge = hashToScalar(tag, { context, statement, commitment: p.a });
        if (mod(c.reduce((s, x) => s + x, 0n)) !== challenge) return false;
        for (let i = 0; i < values.length; i++) {
          const rho = rand128();
          const sigma = rand128();
          points.push(fromBase64Url(p.a[i]![0], 32), fromBase64Url(p.a[i]![1], 32));
          coeffs.push(rho, sigma);
          gCoeff += -rho * z[i]! + sigma * c[i]! * BigInt(-values[i]!);
          hCoeff += -sigma * z[i]!;
          const ac = rho * c[i]!;
          const bc = sigma * c[i]!;
          if (target === null) for (let j = 0; j < alphaC.length; j++) { alphaC[j]! += ac; betaC[j]! += bc; }
          else { alphaC[target]! += ac; betaC[target]! += bc; }
        }
        return true;
      };
      for (let i = 0; i < a.ct.length; i++) {
        if (!proof(a.proofs[i]!, TAG_OPTION_PROOF, optionContext(ctx.electionHash, b.credential, group, i), a.ct[i]![0], a.ct[i]![1], [0, 1], i)) return false;
      }
      if (!proof(a.sum, TAG_SUM_PROOF, sumContext(ctx.electionHash, b.credential, group), null, null, range(group.min, group.max), null)) return false;
      for (let i = 0; i < a.ct.length; i++) {
        points.push(fromBase64Url(a.ct[i]![0], 32), fromBase64Url(a.ct[i]![1], 32));
        coeffs.push(mod(alphaC[i]!), mod(betaC[i]!));
      }
    }
  }
  points.push(be.baseMul(1n), h);
  coeffs.push(mod(gCoeff), mod(hCoeff));
  const total = be.msm!(concatBytes(...points), concatBytes(...coeffs.map(toScalarBytes)));
  return total.every((x) => x === 0);
}

async function main() {
  console.log(`bench:batch — ${machine()}; ${N} ballots per shape; ${new Date().toISOString()}; load average ${loadAverage()}`);
  console.log('A prototype for a decision, not veche\'s protocol: see the header of bench/batch.ts.\n');
  await enableFastBackend();
  const be = backend();
  if (!be.msm) { console.log('needs the native backend (npm run build:native; apt-get install libsodium-dev)'); return; }
  for (const shape of ['two-questions', 'demo'] as ShapeName[]) {
    const el = benchElection(shape);
    const ctx = { electionHash: el.electionHash, publicKey: encodePoint(el.publicKey), groups: el.groups };
    const threads = cpus().length;
    const per = Math.ceil(N / threads);
    const made = await onWorkers<GenRequest, { ballots: BallotJson[] }>(new URL('./gen-worker.js', import.meta.url),
      Array.from({ length: threads }, (_, k) => ({ kind: 'ballots' as const, shape, electionHash: ctx.electionHash, publicKey: ctx.publicKey, count: Math.min(per, N - k * per) })), threads);
    const v1 = made.flatMap((m) => m.ballots);
    const h = fromBase64Url(ctx.publicKey, 32);
    const v2 = v1.map((b) => withCommitments(b, h, el.groups, be));
    const line = (payload: unknown) => JSON.stringify({ hash: 'f'.repeat(64), payload, prev: 'f'.repeat(64), seq: 123456, time: new Date().toISOString(), type: 'ballot' }).length + 1;
    const one = await timed(() => { for (const b of v1) if (!fastBallotValid(b, ctx, be)) throw new Error('v1 rejected a valid ballot'); });
    const BATCH = 100;
    const batch = await timed(() => { for (let k = 0; k < v2.length; k += BATCH) if (!batchValid(v2.slice(k, k + BATCH), ctx, be)) throw new Error('the batch rejected valid ballots'); });
    // A forgery only the equations can catch: ballot 100's first option proof replaced by random
    // commitments with challenges that do sum to their hash, and random responses. Its signature no
    // longer matches (we cannot re-sign), so this run skips signatures for the batch and a control.
    const forged = structuredClone(v2.slice(0, BATCH));
    const victim = forged[BATCH - 1]!;
    const p = victim.answers[0]!.proofs[0]!;
    p.a = [0, 1].map(() => [toBase64Url(be.baseMul(randomScalar())), toBase64Url(be.baseMul(randomScalar()))] as [string, string]);
    const H = hashToScalar(TAG_OPTION_PROOF, { context: optionContext(ctx.electionHash, victim.credential, el.groups[0]!, 0), statement: { h: ctx.publicKey, ciphertext: victim.answers[0]!.ct[0], values: [0, 1] }, commitment: p.a });
    const c0 = randomScalar();
    p.c = [c0, mod(H - c0)].map((x) => toBase64Url(toScalarBytes(x)));
    p.z = [randomScalar(), randomScalar()].map((x) => toBase64Url(toScalarBytes(x)));
    const control = batchValid(v2.slice(0, BATCH), ctx, be, false);
    const rejected = control && !batchValid(forged, ctx, be, false);
    console.log(`Shape ${shape}: ${v1.length} ballots, one core (CPU), backend ${be.name}, batches of ${BATCH}`);
    console.log(`  v1 check, (challenge, response) proofs      ${fmt(one.cpuMs / v1.length, 2).padStart(8)} ms/ballot   record line ${line(v1[0]).toLocaleString('en-US')} B`);
    console.log(`  batch check, commitment-form proofs         ${fmt(batch.cpuMs / v2.length, 2).padStart(8)} ms/ballot   record line ${line(v2[0]).toLocaleString('en-US')} B`);
    console.log(`  batch / v1: ${fmt(batch.cpuMs / one.cpuMs, 3)}; a batch with one forged proof (challenges right, equations wrong; ballot ${BATCH}): ${rejected ? 'rejected' : 'ACCEPTED (bug)'}\n`);
    if (!rejected) process.exitCode = 1;
  }
}

await main();
