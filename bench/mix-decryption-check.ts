// The board's (and verifier's) check of one trustee's decryption of the last mix (src/ranked/record.ts
// checkMixDecryption, spec §20.4), per ciphertext, beside two baselines measured in the same run: the
// trustee's decryption itself (makeMixDecryption), and the check as it was before it ran on the
// encodings (each D and α decoded to noble points, then verifyChaumPedersen, which on a group backend
// encoded both again). Rows are random ciphertexts of width 1 under a real key ceremony's joint key.
// Then the count's decryption (rankedOutcome: M = β / Π D_l^{λ_l} per ciphertext, decoded; random rows
// decode to no ranking, so the count itself is empty) against the same with noble's points as before.
// Usage: node dist/bench/mix-decryption-check.js [--rows N] (default 2,000), after tsc and build:native.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import { backend, setBackend } from '../src/crypto/backend.js';
import { loadNativeBackend } from '../src/crypto/backend-native.js';
import { loadSodiumBackend } from '../src/crypto/backend-sodium.js';
import { decodePoint, multiMulPublic, pointBytes, randomScalar } from '../src/crypto/group.js';
import { decodeRanking } from '../src/ballot/ranked.js';
import { lagrangeAtZero } from '../src/crypto/threshold.js';
import { verifyChaumPedersen } from '../src/crypto/proofs/chaum-pedersen.js';
import { decodeSchnorr } from '../src/crypto/proofs/schnorr.js';
import { makeRoles, runKeyCeremony } from '../src/demo/roles.js';
import { addMixDecryption, checkMixDecryption, lastMix, rankedOutcome, mixDecryptionContext, TAG_MIX_DECRYPTION, type RankedEnv, type RankedProgress } from '../src/ranked/record.js';
import { makeMixDecryption } from '../src/ranked/trustee.js';
import { fmt, loadAverage, machine } from './common.js';

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i < 0 ? undefined : process.argv[i + 1]; };
const N = Number(arg('rows') ?? 2000);
if (!Number.isSafeInteger(N) || N < 1) throw new Error('--rows: a positive integer');
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const ROUNDS = 3;

const be = (() => { try { return loadNativeBackend(); } catch { return null; } })() ?? await loadSodiumBackend();
setBackend(be);
const roles = makeRoles({
  id: 'bench-mix-decryption', title: 'Bench', description: '', languages: ['en'],
  questions: [{ type: 'ranked', id: 'council', title: 'Council', candidates: Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, label: `C${i}` })), seats: 3, method: 'meek-stv', mustRankAll: false }],
  trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }], threshold: 2,
});
const dir = mkdtempSync(join(tmpdir(), 'veche-bench-mixdec-'));
const store = new SqliteStore(join(dir, 'board.sqlite'));
try {
  const board = await Board.create(store, roles.manifest);
  const secrets = await runKeyCeremony(board, roles.trustees);
  const secret = secrets[0];
  const st = board.current;
  const env: RankedEnv = { electionHash: st.electionHash, manifest: st.manifest, jointKey: st.jointKey!, slots: rankedSlots(st.manifest) };
  const bytes = new Uint8Array(64 * N);
  for (let i = 0; i < 2 * N; i++) bytes.set(be.baseMul(randomScalar()), 32 * i);
  const progress: RankedProgress = { mixes: [{ mixer: 't1', position: 0 }, { mixer: 't2', position: 1 }], lastRows: [{ count: N, width: 1, bytes }], shares: [], result: null };
  const last = lastMix(progress, env.slots);
  const vk = st.ceremony.ready.get(secret!.trustee)!;
  console.log(`mix decryption check, ${N} ciphertexts, backend ${be.name}; ${machine()}; load ${loadAverage()}`);

  const measure = (f: () => void): number => { const c0 = cpuMs(); f(); return (cpuMs() - c0) / N; };
  let payload = makeMixDecryption(secret!, env, last);
  const rows: { decrypt: number; before: number; now: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const decrypt = measure(() => { payload = makeMixDecryption(secret!, env, last); });
    const now = measure(() => { if (checkMixDecryption(env, progress, vk, payload)) throw new Error('the check refused an honest decryption'); });
    const before = measure(() => {
      // The per-ciphertext work of the check before this change (the payload's shape and signature,
      // checked once, left out): both points decoded to noble's, the proof checked on them.
      payload.shares[0]!.forEach((row, i) => {
        const s = row[0]!;
        const D = decodePoint(s.D, 'D'), alpha = decodePoint(last.shuffles[0]!.rows[i]![0]![0], 'alpha');
        if (!verifyChaumPedersen(TAG_MIX_DECRYPTION, mixDecryptionContext(env.electionHash, payload.trustee, payload.index, 'council', i, 0), vk, alpha, D, decodeSchnorr(s.proof))) throw new Error('the former check refused an honest decryption');
      });
    });
    rows.push({ decrypt, before, now });
    console.log(`  round ${round + 1}: decrypt ${fmt(decrypt, 3)} ms/ct   check before ${fmt(before, 3)} ms/ct (${fmt(before / decrypt, 2)}x the decryption)   check now ${fmt(now, 3)} ms/ct (${fmt(now / decrypt, 2)}x; ${fmt(before / now, 2)}x faster)   CPU, load ${loadAverage()}`);
  }
  const mean = (k: 'decrypt' | 'before' | 'now') => rows.reduce((s, r) => s + r[k], 0) / rows.length;
  console.log(`  mean of ${ROUNDS}: decrypt ${fmt(mean('decrypt'), 3)}, check before ${fmt(mean('before'), 3)}, now ${fmt(mean('now'), 3)} ms/ct: ${fmt(mean('before') / mean('now'), 2)}x faster (backend ${backend().name})`);

  for (const s of secrets) addMixDecryption(progress, env.slots, makeMixDecryption(s, env, last));
  const payloads = secrets.map((s) => makeMixDecryption(s, env, last));
  const lambdas = [1, 2].map((i) => lagrangeAtZero([1, 2], i));
  for (let round = 0; round < ROUNDS; round++) {
    let rankings: unknown[] = [];
    const now = measure(() => { rankings = rankedOutcome(env, progress).questions[0]!.rankings; });
    let former: unknown[] = [];
    const before = measure(() => {
      // As before: every D and β decoded to noble's points, M = β − Σ λ_l D_l there, encoded, decoded.
      former = last.shuffles[0]!.rows.map((row, i) => decodeRanking([pointBytes(decodePoint(row[0]![1]).subtract(multiMulPublic(payloads.map((p) => decodePoint(p.shares[0]![i]![0]!.D)), lambdas)))]));
    });
    if (JSON.stringify(rankings) !== JSON.stringify(former)) throw new Error('the two decryptions differ');
    console.log(`  round ${round + 1}: count's decryption before ${fmt(before, 3)} ms/ct, now ${fmt(now, 3)} ms/ct (${fmt(before / now, 2)}x faster; with the empty count)   CPU, load ${loadAverage()}`);
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
