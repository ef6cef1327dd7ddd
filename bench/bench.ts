// npm run bench: ballots encrypted and verified per second (one core), tally and decryption of 10,000
// ballots of the demo shape, and the record's bytes per ballot. Figures are CPU time of this thread
// (the machine may be shared); wall time is printed beside where it differs.
//   npm run bench -- --ballots 10000 --encrypt 20 --verify 40
import { checkBallot, checkBallots } from '../src/ballot/check.js';
import { backend, nobleBackend } from '../src/crypto/backend.js';
import { enableFastBackend } from '../src/crypto/backend-sodium.js';
import { baseMul, decodeScalar, encodePoint } from '../src/crypto/group.js';
import type { CiphertextJson } from '../src/crypto/elgamal.js';
import { checkDecryptionShare, combineShares, decodeSums, makeDecryptionShare } from '../src/tally/decrypt.js';
import { addToSums, emptySums } from '../src/tally/tally.js';
import { decodeCiphertext } from '../src/crypto/elgamal.js';
import { sumBallots, combinePartialSums } from '../src/verify/tally-ranges.js';
import { argNumber, benchElection, fmt, machine, makeBallot, onWorkers, recordBytesPerBallot, timed } from './common.js';
import type { GenRequest } from './gen-worker.js';

const TALLY_BALLOTS = argNumber('ballots', 10_000);
const ENCRYPT = argNumber('encrypt', 20);
const VERIFY = argNumber('verify', 40);

const line = (label: string, value: string) => console.log(`  ${label.padEnd(52)} ${value}`);

async function main() {
  console.log(`veche benchmark — ${machine()}`);
  const el = benchElection('demo');
  const ctx = { electionHash: el.electionHash, publicKey: encodePoint(el.publicKey), groups: el.groups };
  const nOptions = el.groups.reduce((a, g) => a + g.optionIds.length, 0);
  console.log(`demo shape: ${el.groups.length} selection groups, ${nOptions} options\n`);

  console.log('Ballot creation (the booth\'s code: @noble/curves, one core)');
  makeBallot(el); // warm-up: tables for g and the election key
  const enc = await timed(() => Array.from({ length: ENCRYPT }, () => makeBallot(el)));
  const encMs = enc.cpuMs / ENCRYPT;
  line('encrypt + prove + sign one demo ballot', `${fmt(encMs)} ms CPU (${fmt(enc.wallMs / ENCRYPT)} ms wall)`);
  line('ballots encrypted per second', fmt(1000 / encMs));
  const ballots = enc.value;

  console.log('\nBallot verification (one core)');
  const refN = Math.min(5, ballots.length);
  const noble = nobleBackend();
  const ref = await timed(() => { for (let i = 0; i < refN; i++) checkBallot(ballots[i], ctx, noble); });
  line('checkBallot, one ballot, noble (the booth\'s arithmetic)', `${fmt(ref.cpuMs / refN)} ms/ballot, ${fmt(1000 * refN / ref.cpuMs)} ballots/s`);
  const name = await enableFastBackend();
  const be = backend();
  for (const b of ballots.slice(0, 2)) checkBallot(b, ctx, be);
  const before = { ...be.counts };
  let checked = 0;
  const fast = await timed(() => {
    while (checked < VERIFY) {
      const batch = Array.from({ length: Math.min(200, VERIFY - checked) }, (_, i) => ballots[(checked + i) % ballots.length]);
      if (!checkBallots(batch, ctx, be).every((r) => r.ok)) throw new Error('rejected');
      checked += batch.length;
    }
  });
  const fastMs = fast.cpuMs / checked;
  line(`batch check (200 ballots a batch), ${name}`, `${fmt(fastMs)} ms/ballot, ${fmt(1000 / fastMs)} ballots/s`);
  const per = (k: keyof typeof before) => (be.counts[k] - before[k]) / checked;
  line('group operations per ballot', `${per('mul')} var-base mul, ${per('baseMul')} g-mul, ${per('add')} add/sub, ${per('isValid')} decode`);
  line('speed-up over the reference', `${fmt(ref.cpuMs / refN / fastMs)}x`);

  console.log(`\nTally and decryption of ${TALLY_BALLOTS.toLocaleString('en-US')} ballots (demo shape)`);
  console.log('  (real ElGamal encryptions with fresh randomness, made in worker threads; the tally needs no proofs,');
  console.log('   so these vectors carry none: proofs are measured above)');
  const threads = 2;
  const chunk = Math.ceil(TALLY_BALLOTS / (threads * 4));
  const gen = await timed(() => onWorkers<GenRequest, { vectors: CiphertextJson[][][]; counts: number[][] }>(
    new URL('./gen-worker.js', import.meta.url),
    Array.from({ length: Math.ceil(TALLY_BALLOTS / chunk) }, (_, k) => ({ kind: 'ciphertexts' as const, publicKey: ctx.publicKey, groups: el.groups, count: Math.min(chunk, TALLY_BALLOTS - k * chunk) })),
    threads,
  ));
  const vectors = gen.value.flatMap((p) => p.vectors);
  const expected = el.groups.map((g, gi) => g.optionIds.map((_, i) => gen.value.reduce((a, p) => a + p.counts[gi]![i]!, 0)));
  line('generated (not part of the tally)', `${fmt(gen.wallMs / 1000)} s wall`);
  const tally = await timed(() => sumBallots(el.groups, vectors.map((v) => ({ answers: v.map((ct) => ({ ct })), weight: 1 })), be));
  line(`homomorphic tally, ${name}, one core`, `${fmt(tally.cpuMs / 1000, 2)} s (${fmt(tally.cpuMs / TALLY_BALLOTS, 3)} ms/ballot)`);
  const nobleN = Math.min(1000, TALLY_BALLOTS);
  const nobleTally = await timed(() => { const sums = emptySums(el.groups); for (let k = 0; k < nobleN; k++) addToSums(sums, vectors[k]!.map((row) => row.map((c) => decodeCiphertext(c))), 1); return sums; });
  line(`homomorphic tally, noble (board's code), ${nobleN} ballots`, `${fmt(nobleTally.cpuMs / 1000, 2)} s (${fmt(nobleTally.cpuMs / nobleN, 3)} ms/ballot; x${TALLY_BALLOTS / nobleN} = ${fmt(nobleTally.cpuMs / nobleN * TALLY_BALLOTS / 1000, 1)} s)`);
  const sums = combinePartialSums(el.groups, [tally.value], be);
  const decoded = decodeSums(sums);
  const dec = await timed(() => el.trustees.slice(0, el.manifest.threshold).map((t) => makeDecryptionShare(t, sums)));
  const chk = await timed(() => dec.value.map((s) => checkDecryptionShare(el.electionHash, baseMul(decodeScalar(el.trustees[s.index - 1]!.share!)), decoded, s)));
  if (chk.value.some((p) => p !== null)) throw new Error('a decryption share does not verify');
  const combine = await timed(() => combineShares(decoded, dec.value, TALLY_BALLOTS));
  const countsOk = JSON.stringify(combine.value) === JSON.stringify(expected);
  line('decryption shares (2 trustees, with proofs)', `${fmt(dec.cpuMs)} ms to make, ${fmt(chk.cpuMs)} ms to check`);
  line('combine + discrete logs', `${fmt(combine.cpuMs)} ms — counts ${countsOk ? 'match the plaintexts' : 'DO NOT MATCH'}`);
  if (!countsOk) process.exitCode = 1;

  console.log('\nRecord size');
  for (const shape of ['demo', 'two-questions'] as const) {
    const e2 = shape === 'demo' ? el : benchElection(shape);
    const bytes = recordBytesPerBallot(shape === 'demo' ? ballots[0]! : makeBallot(e2));
    line(`${shape} ballot, as a line of the record`, `${bytes.toLocaleString('en-US')} bytes`);
  }
}

await main();
