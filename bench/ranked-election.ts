// A ranked election end to end on the real board (SQLite), timed by phase: N ballots with a choice and
// a ranked question (Meek STV, 10 candidates: one ciphertext per row), three trustees (threshold 3, so
// three mixers), each mix checked by the board, the last mix decrypted by three trustees, the ranked
// result counted, and the whole record verified. Figures per ballot, with the ballot check of the same
// run as the baseline. Usage: npm run bench:ranked [-- --ballots 100000] (default 1,000; a bare number
// is taken too). Each phase prints its wall time, the process's CPU time (all threads: the machine is
// shared, so wall time alone says little) and its cost per ballot; the mixers' and the board's mix
// phases also per ciphertext (one ciphertext a ballot here: 10 candidates fit one row). The record is
// written to a file and verified by bench/verify-rss.ts in a process of its own, whose peak resident set
// is the verifier's alone; the last line gives this process's peak too (the board with the bench's
// ballots and payloads).
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Board } from '../src/board/board.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { rankedSlots } from '../src/ballot/ranked.js';
import { setBackend } from '../src/crypto/backend.js';
import { loadNativeBackend } from '../src/crypto/backend-native.js';
import { loadSodiumBackend } from '../src/crypto/backend-sodium.js';
import { credentialKeys } from '../src/credentials/credentials.js';
import { makeRoles, publishCredentials, runKeyCeremony } from '../src/demo/roles.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { makeMix, makeMixDecryption } from '../src/ranked/trustee.js';
import { lastMix } from '../src/ranked/record.js';
import { makeDecryptionShare } from '../src/tally/decrypt.js';
import { encodeEvent } from '../src/record/events.js';
import { fmt, loadAverage, machine } from './common.js';

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i < 0 ? undefined : process.argv[i + 1]; };
const N = Number(arg('ballots') ?? (/^\d+$/.test(process.argv[2] ?? '') ? process.argv[2] : 1000));
if (!Number.isSafeInteger(N) || N < 1) throw new Error('--ballots: a positive integer');
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const CANDIDATES = 10;

async function main(): Promise<void> {
  const be = (() => { try { return loadNativeBackend(); } catch { return null; } })() ?? await loadSodiumBackend();
  setBackend(be);
  console.log(`ranked election end to end, ${N} ballots, ${CANDIDATES} candidates (Meek STV, 3 seats), 3 mixers; backend ${be.name}; ${machine()}; load ${loadAverage()}`);
  const roles = makeRoles({
    id: 'bench-ranked', title: 'Bench', description: '', languages: ['en'],
    questions: [
      { type: 'choice', id: 'chair', title: 'Chair', candidates: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], allowBlank: false, absoluteMajority: false },
      { type: 'ranked', id: 'council', title: 'Council', candidates: Array.from({ length: CANDIDATES }, (_, i) => ({ id: `c${i}`, label: `C${i}` })), seats: 3, method: 'meek-stv', mustRankAll: false },
    ],
    trustees: [{ id: 't1', name: 'T1' }, { id: 't2', name: 'T2' }, { id: 't3', name: 'T3' }],
    threshold: 3,
  });
  const dir = mkdtempSync(join(tmpdir(), 'veche-bench-ranked-'));
  const store = new SqliteStore(join(dir, 'board.sqlite'));
  try {
    const board = await Board.create(store, roles.manifest);
    const secrets = await runKeyCeremony(board, roles.trustees);
    const t0 = performance.now();
    const issued = await publishCredentials(board, roles.authority, Array.from({ length: N }, (_, i) => ({ id: `v${i}` })));
    console.log(`  (setup: key ceremony, ${N} credentials made and published: ${fmt((performance.now() - t0) / 1000)} s wall)`);
    await board.openPoll();
    const st = board.current;
    const slots = rankedSlots(st.manifest);
    const groups = selectionGroups(st.manifest);
    const env = { electionHash: st.electionHash, manifest: st.manifest, jointKey: st.jointKey!, slots };
    const t00 = performance.now(), c00 = cpuMs();
    const time = async <T>(what: string, f: () => Promise<T>, cts = 0): Promise<{ ms: number; value: T }> => {
      const t0 = performance.now(), c0 = cpuMs();
      const value = await f();
      const ms = performance.now() - t0, cpu = cpuMs() - c0;
      const perCt = cts > 0 ? `   ${fmt(cpu / cts, 3)} ms/ct CPU` : '';
      console.log(`  ${what.padEnd(48)} wall ${fmt(ms / 1000).padStart(7)} s   CPU ${fmt(cpu / 1000).padStart(7)} s   ${fmt(cpu / N, 2)} ms/ballot CPU${perCt}   (load ${loadAverage()}, ${fmt(process.memoryUsage().rss / 2 ** 20, 0)} MB)`);
      return { ms, value };
    };
    const ballots = await time('voters encrypt (device side)', async () => issued.map((v, i) => {
      const ranking = Array.from({ length: 1 + (i % CANDIDATES) }, (_, j) => (i * 7 + j * 3) % CANDIDATES).filter((c, j, a) => a.indexOf(c) === j);
      return encryptBallot(st.electionHash, st.jointKey!, groups, [[i % 2, 1 - (i % 2)]], credentialKeys(st.electionHash, v.credential), { slots, rankings: [ranking] }).ballot;
    }));
    const cast = await time('board checks and appends the ballots', async () => { for (const b of ballots.value) await board.castBallot(b); });
    await board.closePoll();
    await time('board tallies the homomorphic question', () => board.computeTally());
    let mixes = 0;
    for (const s of secrets) {
      const input = await board.nextMixInput();
      const made = await time(`mixer ${s.trustee} shuffles and proves`, async () => makeMix(s, env, mixes, input), N);
      await time(`board checks mix ${++mixes}`, () => board.submitMix(made.value), N);
    }
    const last = lastMix(board.current.ranked, board.current.rankedSlots);
    for (const s of secrets) {
      const share = await time(`trustee ${s.trustee} decrypts the last mix`, async () => makeMixDecryption(s, env, last), N);
      await time(`board checks the decryption of ${s.trustee}`, () => board.submitMixDecryption(share.value), N);
    }
    await time('board decrypts, decodes and counts (Meek STV)', () => board.publishRankedResult());
    for (const s of secrets) await board.submitDecryptionShare(makeDecryptionShare(s, board.current.tally!.sums));
    await board.publishResult();
    const boardPeak = process.resourceUsage().maxRSS / 1024;
    const recordFile = join(dir, 'record.jsonl');
    const out = createWriteStream(recordFile);
    for await (const e of board.record()) if (!out.write(`${encodeEvent(e)}\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    const v = JSON.parse(execFileSync(process.execPath, [fileURLToPath(new URL('./verify-rss.js', import.meta.url)), recordFile], { encoding: 'utf8', maxBuffer: 2 ** 24 })) as { ok: boolean; failed: string[]; wallMs: number; cpuMs: number; peakRssMB: number; retainedMB: number };
    console.log(`  ${'verifier checks the whole record (own process)'.padEnd(48)} wall ${fmt(v.wallMs / 1000).padStart(7)} s   CPU ${fmt(v.cpuMs / 1000).padStart(7)} s   ${fmt(v.cpuMs / N, 2)} ms/ballot CPU   (load ${loadAverage()}, peak ${fmt(v.peakRssMB, 0)} MB)`);
    if (!v.ok) throw new Error(`the record does not verify: ${v.failed.join(', ')}`);
    console.log(`  record VERIFIED; end to end wall ${fmt((performance.now() - t00) / 60000)} min, CPU ${fmt((cpuMs() - c00) / 60000)} min (and the verifier's ${fmt(v.cpuMs / 60000)} min); per ballot, the board's ballot check is the baseline: ${fmt(cast.ms / N)} ms wall`);
    console.log(`  peak resident set: verifier ${fmt(v.peakRssMB, 0)} MB (it holds ${fmt(v.retainedMB, 0)} MB at the end, after a full collection); this process (board, bench's ballots and payloads) ${fmt(boardPeak, 0)} MB before the record was written`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
