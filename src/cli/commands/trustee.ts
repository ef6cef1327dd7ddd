// `veche trustee ...`: run by each trustee on their own machine. Their secret file never leaves it.
// Before every step the tool checks the record it is given (src/keyceremony/board-check.ts): it must
// verify so far, extend what this trustee saw at its last step, and hold exactly what it submitted.
import { existsSync, readFileSync } from 'node:fs';
import { commitTrusteeKey, finishKeyCeremony, makeShares, newTrustee, revealTrusteeKey, type TrusteeSecret } from '../../keyceremony/trustee.js';
import { BoardCheckError, checkBoardForTrustee, noteSubmitted } from '../../keyceremony/board-check.js';
import { makeDecryptionShare } from '../../tally/decrypt.js';
import { ID_PATTERN } from '../../manifest/validate.js';
import { parse, readJsonFile, required, UsageError, writeJsonFile } from '../args.js';
import { makeSubmission, type SubmissionKind } from '../submission.js';
import type { Verification } from '../../verify/record-check.js';
import { rankedStepOf } from '../../verify/ranked.js'; // ranked
import { makeMix, makeMixDecryption } from '../../ranked/trustee.js'; // ranked
import { mixesNeeded } from '../../ranked/record.js'; // ranked

export const TRUSTEE_HELP = `Usage: veche trustee <step> --secret SECRET.json [--record RECORD] [--out FILE]

A trustee's steps, each on the trustee's own machine. RECORD is the board's record as exported by
"veche board export"; each step writes a submission file to hand to the board operator. Before each
step the record is verified up to where it stands, and must still hold every event this trustee saw
and exactly what it submitted; otherwise the step stops and says why.

Steps:
  init --trustee ID
      make this trustee's signing key (before the election exists). Writes SECRET.json (keep it
      private) and prints the public signing key for the organiser to put in the manifest.
  commit --record RECORD --out COMMIT.json
      draw this trustee's polynomial and encryption key and commit to them (round 0).
  reveal --record RECORD --out KEY.json
      once every trustee has committed: publish the key committed to (round 1).
  shares --record RECORD --out SHARES.json
      once every trustee's key is on the board: encrypt a share for each other trustee (round 2).
  finish --record RECORD --out READY.json
      once every trustee's shares are on the board: check the shares received against the public
      commitments (round 3). All good: keep the combined share in SECRET.json and publish its
      public key. A bad share: write a complaint anyone can judge (the ceremony then stops and must
      be run again in a new election without the trustee at fault).
  shuffle --record RECORD --out MIX.json
      ranked questions, once the poll is closed: check every ballot and mix on the record, then
      re-encrypt and permute the counted ballots' ranked rows (or the last mix's), with a proof of
      shuffle. As many trustees as the threshold mix, each once, one after another.
  decrypt-mix --record RECORD --out MIXSHARE.json
      once the mixes are done: check them, then decrypt the last mix's rows with proofs.
  decrypt --record RECORD --out SHARE.json
      once the tally is on the board: recount the tally from the record, then compute this
      trustee's decryption share, with proofs. Refuses if the record or the tally does not verify.
`;

function loadSecret(path: string): TrusteeSecret {
  const s = readJsonFile(path) as TrusteeSecret;
  if (s?.version !== 'veche/trustee-secret/v2' || typeof s.trustee !== 'string' || typeof s.signing?.secret !== 'string') throw new UsageError(`${path}: not a trustee secret file (veche/trustee-secret/v2)`);
  return s;
}

function recordLines(path: string): string[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  return text.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
}

async function checked(secret: TrusteeSecret, recordPath: string): Promise<{ v: Verification; secret: TrusteeSecret }> {
  try {
    const r = await checkBoardForTrustee(secret, recordLines(recordPath));
    return { v: r.verification, secret: r.secret };
  } catch (e) {
    if (e instanceof BoardCheckError) throw new UsageError(`refused: ${e.message}`);
    throw e;
  }
}

export async function trusteeCommand(argv: string[]): Promise<number> {
  const [step, ...rest] = argv;
  const { values } = parse(rest, { record: { type: 'string' }, secret: { type: 'string' }, trustee: { type: 'string' }, out: { type: 'string' } });
  if (values.help || !step) { process.stdout.write(TRUSTEE_HELP); return values.help ? 0 : 2; }
  const secretPath = required(values, 'secret');
  if (step === 'init') {
    const id = required(values, 'trustee');
    if (!ID_PATTERN.test(id)) throw new UsageError('--trustee: 1 to 64 of a-z, 0-9 and "-"');
    if (existsSync(secretPath)) throw new UsageError(`${secretPath} exists: refusing to overwrite a trustee secret`);
    const secret = newTrustee(id);
    writeJsonFile(secretPath, secret, 0o600);
    console.log(`secret written to ${secretPath} (keep it private)`);
    console.log(`signing key of trustee ${id}, for the manifest: ${secret.signing.key}`);
    return 0;
  }
  let secret = loadSecret(secretPath);
  const out = required(values, 'out');
  const { v, secret: seen } = await checked(secret, required(values, 'record'));
  secret = seen;
  const st = v.state;
  const manifest = st.manifest!;
  const ceremony = st.ceremony;
  const n = manifest.trustees.length;
  const emit = (kind: SubmissionKind, payload: unknown, message: string) => {
    secret = noteSubmitted(secret, kind, payload);
    writeJsonFile(secretPath, secret, 0o600);
    writeJsonFile(out, makeSubmission(kind, st.electionHash, payload));
    console.log(message);
    return 0;
  };
  const keys = () => manifest.trustees.map((t) => ceremony.keys.get(t.id)!);
  switch (step) {
    case 'commit': {
      if (st.phase !== 'setup') throw new UsageError('the key ceremony is over');
      const done = commitTrusteeKey(secret, st.electionHash, manifest);
      secret = done.secret;
      return emit('trustee-commitment', done.commitment, `commitment written to ${out}; the key itself stays in ${secretPath} until every trustee has committed`);
    }
    case 'reveal': {
      if (ceremony.commitments.size !== n) throw new UsageError(`${ceremony.commitments.size} of ${n} trustees have committed; wait for all`);
      return emit('trustee-key', revealTrusteeKey(secret), `public key written to ${out}`);
    }
    case 'shares': {
      if (ceremony.keys.size !== n) throw new UsageError(`${ceremony.keys.size} of ${n} trustee keys are on the board; wait for all`);
      return emit('trustee-shares', makeShares(secret, keys()), `encrypted shares written to ${out}`);
    }
    case 'finish': {
      if (ceremony.shares.size !== n) throw new UsageError(`${ceremony.shares.size} of ${n} trustees' shares are on the board; wait for all`);
      const done = finishKeyCeremony(secret, keys(), manifest.trustees.map((t) => ceremony.shares.get(t.id)!));
      if (done.kind === 'complaints') {
        // One complaint per file: FILE, FILE.2, ...
        done.complaints.forEach((c, i) => {
          secret = noteSubmitted(secret, 'trustee-complaint', c);
          writeJsonFile(i === 0 ? out : `${out}.${i + 1}`, makeSubmission('trustee-complaint', st.electionHash, c));
        });
        writeJsonFile(secretPath, secret, 0o600);
        console.error(`bad share from ${done.complaints.map((c) => c.against).join(', ')}: complaint written to ${out}. The ceremony cannot finish; once the complaint is on the board, anyone can see who is at fault.`);
        return 1;
      }
      secret = done.secret;
      return emit('trustee-ready', done.ready, `shares checked; combined share kept in ${secretPath}; readiness written to ${out}`);
    }
    case 'decrypt': {
      if (st.phase !== 'tallied' || !st.tally) throw new UsageError('the tally is not on the board yet (or the result is already published)');
      const sums = v.report.checks.find((c) => c.id === 'tally.sums')!;
      if (sums.failed > 0 || sums.passed === 0) throw new UsageError('refused: the tally on the board is not the sum of the counted ballots');
      return emit('decryption-share', makeDecryptionShare(secret, st.tally.sums), `tally recounted from the record (${st.tally.ballots} ballots); decryption share written to ${out}`);
    }
    // ranked (spec §20) -->
    case 'shuffle': {
      if (st.phase !== 'closed' && st.phase !== 'tallied') throw new UsageError('the poll is not closed yet (or the result is already published)');
      const r = rankedStepOf(st);
      if (r.env.slots.length === 0) throw new UsageError('this election has no ranked question');
      if (r.progress.mixes.some((x) => x.mixer === secret.trustee)) throw new UsageError(`trustee ${secret.trustee} has already mixed`);
      if (r.progress.mixes.length >= mixesNeeded(manifest)) throw new UsageError(`the ${mixesNeeded(manifest)} mixes are done`);
      const input = r.nextInput();
      const mix = makeMix(secret, r.env, r.progress.mixes.length, input);
      return emit('mix', mix, `${r.progress.mixes.length === 0 ? 'counted ballots' : 'previous mix'} checked from the record; ${input[0]?.length ?? 0} rows shuffled and proved (mix ${r.progress.mixes.length + 1} of ${mixesNeeded(manifest)}); written to ${out}`);
    }
    case 'decrypt-mix': {
      const r = rankedStepOf(st);
      if (r.env.slots.length === 0) throw new UsageError('this election has no ranked question');
      if (r.progress.mixes.length < mixesNeeded(manifest)) throw new UsageError(`${r.progress.mixes.length} of ${mixesNeeded(manifest)} mixes are on the board; wait for all`);
      if (r.progress.result) throw new UsageError('the ranked result is already published');
      return emit('mix-decryption', makeMixDecryption(secret, r.env, r.lastMix()), `every mix checked from the record; decryption of the last mix written to ${out}`);
    }
    // <-- ranked
    default:
      throw new UsageError(`unknown trustee step "${step}" (see veche trustee --help)`);
  }
}
