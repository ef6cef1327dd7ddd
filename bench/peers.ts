// npm run bench:peers [-- --ballots N]: Belenios (Debian's belenios-tool) and veche on the same election
// shapes and number of ballots, one run, one table. Per-ballot and tally figures are CPU times (user +
// system), so a busy machine skews both sides alike. Full record verification runs each verifier as a
// child process under /usr/bin/time, the same way for both: wall time, CPU time of all its threads, peak
// RSS. veche's record is real and complete (bench/record.ts: the Board on SQLite, ballots made in worker
// threads); it is verified by verifyRecord on one core (workers: 0) and on all cores.
// Also veche's verification rate against the native bound: the group operations one ballot needs, each at
// the cost native libsodium takes for it (bench/native/opcost.c, built here).
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { backend } from '../src/crypto/backend.js';
import { enableFastBackend, loadSodiumBackend } from '../src/crypto/backend-sodium.js';
import { baseMul, decodeScalar, randomScalar, toScalarBytes } from '../src/crypto/group.js';
import { checkDecryptionShare, combineShares, decodeSums, makeDecryptionShare } from '../src/tally/decrypt.js';
import { selectionGroups } from '../src/manifest/layout.js';
import type { BallotJson } from '../src/ballot/types.js';
import type { SelectionGroup } from '../src/manifest/types.js';
import { checkBallots, checkBallot, type BallotPublicContext } from '../src/ballot/check.js';
import type { GroupBackend } from '../src/crypto/backend.js';

/** The verifier's way: batches of BATCH ballots, each one multi-scalar multiplication (src/ballot/check.ts). */
const BATCH = 200;
function checkAll(ballots: unknown[], ctx: BallotPublicContext, be: GroupBackend): void {
  for (let k = 0; k < ballots.length; k += BATCH) if (!checkBallots(ballots.slice(k, k + BATCH), ctx, be).every((r) => r.ok)) throw new Error('a valid ballot was rejected');
}
import { sumBallots } from '../src/verify/tally-ranges.js';
import { argNumber, fmt, loadAverage, machine, SHAPES, threadCpuMs, timeChild, timed, type ChildUsage, type ShapeName } from './common.js';
import { buildRecord } from './record.js';

const N = argNumber('ballots', 1000);
const here = fileURLToPath(new URL('.', import.meta.url));
const src = join(here, '..', '..', 'bench');
const THREADS = availableParallelism();

function ensureBelenios(): boolean {
  if (spawnSync('belenios-tool', ['--version']).status === 0) return true;
  console.log('installing belenios-tool (apt-get)...');
  spawnSync('apt-get', ['install', '-y', '-qq', 'belenios-tool'], { stdio: 'inherit' });
  return spawnSync('belenios-tool', ['--version']).status === 0;
}

/** Belenios questions for a veche manifest: one question per selection group, same min/max. */
function beleniosTemplate(shape: ShapeName, groups: SelectionGroup[]) {
  const m = SHAPES[shape]();
  return { description: m.title, name: m.id, questions: groups.map((g, i) => ({ question: `Q${i}`, answers: g.optionIds, min: g.min, max: g.max })) };
}

/** Per-ballot and tally figures in ms of CPU; full verification as measured by /usr/bin/time. */
interface Side { create: number; verify: number; tally: number; bytes: number; full: ChildUsage; fullAllCores?: ChildUsage }

/** Runs a whole Belenios election in a shell, timing each phase by the children's CPU time (bash `times`). */
function belenios(groups: SelectionGroup[], shape: ShapeName, n: number): Side {
  const dir = mkdtempSync(join(tmpdir(), 'belenios-'));
  try {
    writeFileSync(join(dir, 'tpl.json'), JSON.stringify(beleniosTemplate(shape, groups)));
    const choices = Array.from({ length: n }, () => JSON.stringify(groups.map((g) => { const k = g.min; return g.optionIds.map((_, i) => (i < k ? 1 : 0)); })));
    writeFileSync(join(dir, 'choices.txt'), choices.join('\n') + '\n');
    const script = `
set -e
export BELENIOS_USE_URANDOM=1
cd "${dir}"
# CPU time of all finished children (bash 'times', second line), read from a file: $(...) would be a subshell.
cpu() { tail -1 "$1" | awk '{split($1,u,"m"); split($2,s,"m"); sub("s","",u[2]); sub("s","",s[2]); printf "%.3f", u[1]*60+u[2]+s[1]*60+s[2]}'; }
UUID=$(belenios-tool setup generate-token)
G="--group BELENIOS-2048"
belenios-tool setup generate-credentials --uuid $UUID $G --count ${n} >/dev/null
mv *.pubcreds public_creds.json; mv *.privcreds private_creds.json
for t in 1 2 3; do belenios-tool setup generate-trustee-key $G >/dev/null 2>&1; done
cat *.pubkey > public_keys.jsons
belenios-tool setup make-trustees >/dev/null 2>&1
belenios-tool setup make-election --uuid $UUID $G --template tpl.json >/dev/null 2>&1
belenios-tool archive init >/dev/null 2>&1
rm -f election.json trustees.json public_creds.json
awk '{print $2}' private_creds.json > creds.txt
mkdir -p b
times > t0
i=0
paste -d' ' creds.txt choices.txt | while read cred choice; do
  i=$((i+1)); echo "$cred" > c; echo "$choice" > ch
  belenios-tool election generate-ballot --privcred c --ballot ch > b/$i.json 2>/dev/null
done
times > t1
for f in b/*.json; do belenios-tool archive add-event --type=Ballot < $f >/dev/null 2>&1; done
times > t2
belenios-tool election verify >/dev/null 2>&1
times > t3
belenios-tool archive add-event --type=EndBallots < /dev/null >/dev/null 2>&1
belenios-tool election compute-encrypted-tally 2>/dev/null | belenios-tool archive add-event --type=EncryptedTally >/dev/null 2>&1
j=1; for u in *.privkey; do belenios-tool election decrypt --privkey $u --trustee-id $j 2>/dev/null | belenios-tool archive add-event --type=PartialDecryption >/dev/null 2>&1; j=$((j+1)); done
belenios-tool election compute-result 2>/dev/null | belenios-tool archive add-event --type=Result >/dev/null 2>&1
times > t4
BYTES=$(cat b/*.json | wc -c)
echo "$(cpu t0) $(cpu t1) $(cpu t2) $(cpu t3) $(cpu t4) $BYTES"
`;
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n').pop()!.split(' ').map(Number);
    const [t0, t1, t2, t3, t4, bytes] = out as [number, number, number, number, number, number];
    // The whole archive (setup, n ballots, tally, partial decryptions, result), as veche's full record.
    const full = timeChild('belenios-tool', ['election', 'verify'], dir);
    // Ballot verification: `election verify` of the archive holding the n ballots, divided by n (its
    // setup checks included, so slightly generous to veche's side at small n).
    return { create: (t1 - t0) * 1000 / n, verify: (t3 - t2) * 1000 / n, tally: (t4 - t3) * 1000, bytes: bytes / n, full };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function* recordLines(path: string): AsyncGenerator<string> {
  yield* createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

async function veche(shape: ShapeName, n: number): Promise<Side & { ctx: BallotPublicContext; sample: BallotJson; verifyWasm: number; backend: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'veche-peers-'));
  try {
    let shown = 0;
    const built = await buildRecord(shape, n, dir, THREADS, (cast) => {
      if (process.stdout.isTTY && cast - shown >= 50) { shown = cast; process.stdout.write(`  veche record: ${cast}/${n} ballots cast\r`); }
    });
    process.stdout.write(`  veche record: ${n} ballots, built in ${fmt(built.buildWallS)} s wall (not timed below)\n`);
    const groups = selectionGroups(built.manifest);
    const ctx: BallotPublicContext = { electionHash: built.electionHash, publicKey: built.publicKey, groups };
    // The record's own ballots and their bytes as record lines (newline included).
    const ballots: BallotJson[] = [];
    let ballotBytes = 0;
    for await (const line of recordLines(built.recordPath)) {
      const e = JSON.parse(line) as { type: string; payload: unknown };
      if (e.type !== 'ballot') continue;
      ballots.push(e.payload as BallotJson);
      ballotBytes += Buffer.byteLength(line) + 1;
    }
    if (ballots.length !== n) throw new Error(`the record holds ${ballots.length} ballots, expected ${n}`);
    await enableFastBackend();
    const be = backend();
    const checked = await timed(() => checkAll(ballots, ctx, be));
    // The same check on libsodium's WASM build (what runs where the native addon is not built), on a sample.
    const wasm = await loadSodiumBackend();
    const wasmN = Math.min(ballots.length, 200);
    const wasmChecked = await timed(() => checkAll(ballots.slice(0, wasmN), ctx, wasm));
    const tally = await timed(() => {
      const sums = sumBallots(groups, ballots.map((b) => ({ answers: b.answers, weight: 1 })), be);
      const decoded = decodeSums(sums);
      const shares = built.trustees.slice(0, built.manifest.threshold).map((t) => makeDecryptionShare(t, sums));
      for (const s of shares) if (checkDecryptionShare(built.electionHash, baseMul(decodeScalar(built.trustees[s.index - 1]!.share!)), decoded, s) !== null) throw new Error('share');
      return combineShares(decoded, shares, n);
    });
    const sample = ballots[0]!;
    ballots.length = 0;
    const verifier = join(here, 'verify-record.js');
    const run = (args: string[]) => {
      const u = timeChild(process.execPath, [verifier, built.recordPath, ...args]);
      const r = JSON.parse(u.stdout.trim().split('\n').pop()!) as { ok: boolean; ballots: number; failed: string[] };
      if (!r.ok || r.ballots !== n) throw new Error(`veche's verifier did not accept its own record: ${JSON.stringify(r)}`);
      return u;
    };
    const full = run(['--workers', '0']);
    const fullAllCores = run(['--workers', String(THREADS)]);
    return { create: built.creationCpuMs / n, verify: checked.cpuMs / n, verifyWasm: wasmChecked.cpuMs / wasmN, backend: be.name, tally: tally.cpuMs, bytes: ballotBytes / n, full, fullAllCores, ctx, sample };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What one term of a batch verification's multi-scalar multiplication costs: the native backend's MSM
 *  (decoding included) over 15,000 random points, 2/3 of the scalars 128-bit (the random weights of the
 *  commitments) and 1/3 full size, as a batch of ballots would have. */
function msmCost(): { usPerTerm: number; points: number } | null {
  const be = backend();
  if (!be.msm) return null;
  const n = 15_000;
  const points = new Uint8Array(32 * n);
  const scalars = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) {
    points.set(be.baseMul(randomScalar()), 32 * i);
    const k = toScalarBytes(randomScalar());
    if (i % 3 !== 0) k.fill(0, 16);
    scalars.set(k, 32 * i);
  }
  const t0 = threadCpuMs();
  be.msm(points, scalars);
  return { usPerTerm: (1000 * (threadCpuMs() - t0)) / n, points: n };
}

function nativeCosts(): { mul: number; baseMul: number; add: number; isValid: number } | null {
  const exe = join(tmpdir(), 'veche-opcost');
  const r = spawnSync('cc', ['-O2', join(src, 'native', 'opcost.c'), '-o', exe, '-lsodium']);
  if (r.status !== 0 || !existsSync(exe)) return null;
  return JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as { mul: number; baseMul: number; add: number; isValid: number };
}

async function main() {
  console.log(`veche vs Belenios — ${machine()}; ${N} ballots per shape; ${new Date().toISOString()}; load average ${loadAverage()}`);
  console.log('Per-ballot and tally rows: CPU time, one core each side. Full verification: /usr/bin/time of each verifier process.\n');
  const haveBelenios = ensureBelenios();
  const native = nativeCosts();
  // --shape two-questions|demo runs one shape (default: both).
  const only = process.argv.includes('--shape') ? process.argv[process.argv.indexOf('--shape') + 1] : null;
  for (const shape of (['two-questions', 'demo'] as ShapeName[]).filter((s) => only === null || s === only)) {
    const groups = selectionGroups(SHAPES[shape]());
    console.log(`Shape ${shape}: ${groups.length} questions/groups, ${groups.reduce((a, g) => a + g.optionIds.length, 0)} answers`);
    const v = await veche(shape, N);
    const be = backend();
    const msm = msmCost();
    const c0 = { ...be.counts };
    checkBallot(v.sample, v.ctx, be);
    const ops = { mul: be.counts.mul - c0.mul, baseMul: be.counts.baseMul - c0.baseMul, add: be.counts.add - c0.add, isValid: be.counts.isValid - c0.isValid };
    const b = haveBelenios ? belenios(groups, shape, N) : null;
    const row = (label: string, unit: string, vv: number, bb: number | undefined, digits = 1) =>
      console.log(`  ${label.padEnd(44)} ${(fmt(vv, digits) + unit).padStart(14)} ${(bb === undefined ? 'n/a' : fmt(bb, digits) + unit).padStart(14)} ${(bb === undefined ? '' : fmt(vv / bb, 3)).padStart(10)}`);
    console.log(`  load average now: ${loadAverage()}`);
    console.log(`  ${''.padEnd(44)} ${'veche'.padStart(14)} ${'Belenios'.padStart(14)} ${'veche/Bel.'.padStart(10)}`);
    row('ballot creation, per ballot (CPU)', ' ms', v.create, b?.create);
    row(`ballot verification, per ballot (CPU, ${v.backend})`, ' ms', v.verify, b?.verify);
    if (v.backend !== 'sodium') row('  the same on libsodium WASM (no native addon)', ' ms', v.verifyWasm, b?.verify);
    row(`tally + decryption, ${N} ballots (CPU)`, ' ms', v.tally, b?.tally);
    row('full verification, one core: CPU', ' s', v.full.cpuS, b?.full.cpuS, 2);
    row('full verification, one core: wall', ' s', v.full.wallS, b?.full.wallS, 2);
    row(`full verification, ${THREADS} cores: CPU`, ' s', v.fullAllCores!.cpuS, b?.full.cpuS, 2);
    row(`full verification, ${THREADS} cores: wall`, ' s', v.fullAllCores!.wallS, b?.full.wallS, 2);
    row('peak RSS, full verification, one core', ' MB', v.full.peakMB, b?.full.peakMB, 0);
    row(`peak RSS, full verification, ${THREADS} cores`, ' MB', v.fullAllCores!.peakMB, b?.full.peakMB, 0);
    row('bytes per ballot (as stored)', ' B', v.bytes, b?.bytes, 0);
    console.log('  (Belenios\' verifier runs on one core: its one run is compared with both of veche\'s)');
    if (msm) console.log(`  native MSM: ${fmt(msm.usPerTerm, 1)} us a term with decoding (n = ${msm.points}); ballots are checked in batches of ${BATCH}, one MSM each`);
    void native; void ops;
    console.log('');
  }
}

await main();
