// npm run bench:peers [-- --ballots N]: Belenios (Debian's belenios-tool) and veche on the same election
// shapes and number of ballots, one run, one table. CPU times (user + system), so a busy machine skews
// both sides alike. Also veche's verification rate against the native bound: the group operations one
// ballot needs, each at the cost native libsodium takes for it (bench/native/opcost.c, built here).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend } from '../src/crypto/backend.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { encodePoint } from '../src/crypto/group.js';
import { checkDecryptionShare, combineShares, decodeSums, makeDecryptionShare } from '../src/tally/decrypt.js';
import { baseMul, decodeScalar } from '../src/crypto/group.js';
import { fastBallotValid } from '../src/verify/ballot-fast.js';
import { sumBallots } from '../src/verify/tally-ranges.js';
import type { Manifest } from '../src/manifest/types.js';
import { argNumber, benchElection, fmt, machine, makeBallot, recordBytesPerBallot, timed, type ShapeName } from './common.js';

const N = argNumber('ballots', 1000);
const here = fileURLToPath(new URL('.', import.meta.url));
const src = join(here, '..', '..', 'bench');

function ensureBelenios(): boolean {
  if (spawnSync('belenios-tool', ['--version']).status === 0) return true;
  console.log('installing belenios-tool (apt-get)...');
  spawnSync('apt-get', ['install', '-y', '-qq', 'belenios-tool'], { stdio: 'inherit' });
  return spawnSync('belenios-tool', ['--version']).status === 0;
}

/** Belenios questions for a veche manifest: one question per selection group, same min/max. */
function beleniosTemplate(el: ReturnType<typeof benchElection>) {
  return { description: el.manifest.title, name: el.manifest.id, questions: el.groups.map((g, i) => ({ question: `Q${i}`, answers: g.optionIds, min: g.min, max: g.max })) };
}

interface Side { create: number; verify: number; tally: number; fullVerify: number; bytes: number; peakMB: number }

/** Runs a whole Belenios election in a shell, timing each phase by the children's CPU time (bash `times`). */
function belenios(el: ReturnType<typeof benchElection>, n: number): Side {
  const dir = mkdtempSync(join(tmpdir(), 'belenios-'));
  writeFileSync(join(dir, 'tpl.json'), JSON.stringify(beleniosTemplate(el)));
  const choices = Array.from({ length: n }, () => JSON.stringify(el.groups.map((g) => { const k = g.min; return g.optionIds.map((_, i) => (i < k ? 1 : 0)); })));
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
/usr/bin/time -f "%M" -o peak.txt belenios-tool election verify >/dev/null 2>&1
times > t5
BYTES=$(cat b/*.json | wc -c)
echo "$(cpu t0) $(cpu t1) $(cpu t2) $(cpu t3) $(cpu t4) $(cpu t5) $BYTES $(cat peak.txt)"
`;
  const out = execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n').pop()!.split(' ').map(Number);
  const [t0, t1, t2, t3, t4, t5, bytes, peakKB] = out as [number, number, number, number, number, number, number, number];
  // Ballot verification: `election verify` of the archive holding the n ballots, divided by n (its
  // setup checks included, so slightly generous to veche's side at small n).
  return { create: (t1 - t0) * 1000 / n, verify: (t3 - t2) * 1000 / n, tally: (t4 - t3) * 1000, fullVerify: (t5 - t4) * 1000, bytes: bytes / n, peakMB: peakKB / 1024 };
}

async function veche(el: ReturnType<typeof benchElection>, n: number): Promise<Side> {
  await enableFastBackend();
  const be = backend();
  const ctx = { electionHash: el.electionHash, publicKey: encodePoint(el.publicKey), groups: el.groups };
  makeBallot(el);
  const made = await timed(() => Array.from({ length: n }, () => makeBallot(el)));
  const ballots = made.value;
  const checked = await timed(() => { for (const b of ballots) if (!fastBallotValid(b, ctx, be)) throw new Error('rejected'); });
  const tally = await timed(() => {
    const sums = sumBallots(el.groups, ballots.map((b) => ({ answers: b.answers, weight: 1 })), be);
    const decoded = decodeSums(sums);
    const shares = el.trustees.slice(0, el.manifest.threshold).map((t) => makeDecryptionShare(t, sums));
    for (const s of shares) if (checkDecryptionShare(el.electionHash, baseMul(decodeScalar(el.trustees[s.index - 1]!.share!)), decoded, s) !== null) throw new Error('share');
    return combineShares(decoded, shares, n);
  });
  const bytes = ballots.reduce((a, b) => a + recordBytesPerBallot(b), 0) / n;
  return { create: made.cpuMs / n, verify: checked.cpuMs / n, tally: tally.cpuMs, fullVerify: NaN, bytes, peakMB: process.resourceUsage().maxRSS / 1024 };
}

function nativeCosts(): { mul: number; baseMul: number; add: number; isValid: number } | null {
  const exe = join(tmpdir(), 'veche-opcost');
  const r = spawnSync('cc', ['-O2', join(src, 'native', 'opcost.c'), '-o', exe, '-lsodium']);
  if (r.status !== 0 || !existsSync(exe)) return null;
  return JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as { mul: number; baseMul: number; add: number; isValid: number };
}

async function main() {
  console.log(`veche vs Belenios — ${machine()}; ${N} ballots per shape; CPU times, one core each side\n`);
  const haveBelenios = ensureBelenios();
  const native = nativeCosts();
  for (const shape of ['two-questions', 'demo'] as ShapeName[]) {
    const el = benchElection(shape);
    const v = await veche(el, N);
    const be = backend();
    const c0 = { ...be.counts };
    fastBallotValid(makeBallot(el), { electionHash: el.electionHash, publicKey: encodePoint(el.publicKey), groups: el.groups }, be);
    const ops = { mul: be.counts.mul - c0.mul, baseMul: be.counts.baseMul - c0.baseMul, add: be.counts.add - c0.add, isValid: be.counts.isValid - c0.isValid };
    const b = haveBelenios ? belenios(el, N) : null;
    console.log(`Shape ${shape}: ${el.groups.length} questions/groups, ${el.groups.reduce((a, g) => a + g.optionIds.length, 0)} answers`);
    const row = (label: string, unit: string, vv: number, bb: number | undefined, digits = 1) =>
      console.log(`  ${label.padEnd(34)} ${(fmt(vv, digits) + unit).padStart(14)} ${(bb === undefined || Number.isNaN(bb) ? 'n/a' : fmt(bb, digits) + unit).padStart(14)} ${(bb === undefined || Number.isNaN(bb) || Number.isNaN(vv) ? '' : fmt(vv / bb, 3)).padStart(10)}`);
    console.log(`  ${''.padEnd(34)} ${'veche'.padStart(14)} ${'Belenios'.padStart(14)} ${'veche/Bel.'.padStart(10)}`);
    row('ballot creation, per ballot', ' ms', v.create, b?.create);
    row('ballot verification, per ballot', ' ms', v.verify, b?.verify);
    row(`tally + decryption, ${N} ballots`, ' ms', v.tally, b?.tally);
    row('full record verification', ' ms', v.fullVerify, b?.fullVerify);
    row('bytes per ballot', ' B', v.bytes, b?.bytes, 0);
    row('peak memory', ' MB', v.peakMB, b?.peakMB, 0);
    if (native) {
      const bound = ops.mul * native.mul + ops.baseMul * native.baseMul + ops.add * native.add + ops.isValid * native.isValid;
      console.log(`  native bound: ${ops.mul} mul x ${native.mul} us + ${ops.baseMul} g-mul x ${native.baseMul} us + ${ops.add} add x ${native.add} us + ${ops.isValid} decode x ${native.isValid} us = ${fmt(bound / 1000, 2)} ms/ballot;`);
      console.log(`  veche verifies at ${fmt(100 * bound / 1000 / v.verify, 0)}% of the native bound`);
    } else console.log('  native bound: not available (cc or libsodium-dev missing: apt-get install libsodium-dev)');
    console.log('');
  }
  console.log('Full record verification of veche: npm run bench:verify (worker threads, streamed record).');
}

await main();
