// `veche trustee ...`: run by each trustee on their own machine. Their secret file never leaves it.
import { existsSync } from 'node:fs';
import { finishKeyCeremony, generateTrusteeKey, makeShares, type TrusteeSecret } from '../../keyceremony/trustee.js';
import { makeDecryptionShare } from '../../tally/decrypt.js';
import { electionOf, eventsOf, readRecordFile } from '../../record/read.js';
import { parse, readJsonFile, required, UsageError, writeJsonFile } from '../args.js';
import { makeSubmission } from '../submission.js';

export const TRUSTEE_HELP = `Usage: veche trustee <step> --record RECORD --secret SECRET.json [options]

A trustee's steps, each on the trustee's own machine. RECORD is the board's record as exported by
"veche board export"; each step writes a submission file to hand to the board operator.

Steps:
  keygen --trustee ID --out KEY.json
      make this trustee's polynomial and encryption key. Writes SECRET.json (keep it safe and
      private: it is the trustee's part of the election key) and the public KEY.json.
  shares --out SHARES.json
      once every trustee's key is on the board: encrypt a share for each other trustee.
  finish --out READY.json
      once every trustee's shares are on the board: check the shares received against the
      public commitments, keep the combined share in SECRET.json, and publish its public key.
  decrypt --out SHARE.json
      once the tally is on the board: compute this trustee's decryption share, with proofs.
`;

function loadSecret(path: string, election: string): TrusteeSecret {
  const s = readJsonFile(path) as TrusteeSecret;
  if (s?.version !== 'veche/trustee-secret/v1') throw new UsageError(`${path}: not a trustee secret file`);
  if (s.election !== election) throw new UsageError(`${path}: this secret belongs to another election`);
  return s;
}

export async function trusteeCommand(argv: string[]): Promise<number> {
  const [step, ...rest] = argv;
  const { values } = parse(rest, { record: { type: 'string' }, secret: { type: 'string' }, trustee: { type: 'string' }, out: { type: 'string' } });
  if (values.help || !step) { process.stdout.write(TRUSTEE_HELP); return values.help ? 0 : 2; }
  const events = readRecordFile(required(values, 'record'));
  const { hash: election, payload: { manifest } } = electionOf(events);
  const secretPath = required(values, 'secret');
  const out = required(values, 'out');
  const keys = eventsOf(events, 'trustee-key');
  switch (step) {
    case 'keygen': {
      const id = required(values, 'trustee');
      const index = manifest.trustees.findIndex((t) => t.id === id) + 1;
      if (index === 0) throw new UsageError(`no trustee "${id}" in this election (${manifest.trustees.map((t) => t.id).join(', ')})`);
      if (existsSync(secretPath)) throw new UsageError(`${secretPath} exists: refusing to overwrite a trustee secret`);
      const { secret, published } = generateTrusteeKey(election, id, index, manifest.threshold);
      writeJsonFile(secretPath, secret, 0o600);
      writeJsonFile(out, makeSubmission('trustee-key', election, published));
      console.log(`secret written to ${secretPath} (keep it private); public key written to ${out}`);
      return 0;
    }
    case 'shares': {
      const secret = loadSecret(secretPath, election);
      if (keys.length !== manifest.trustees.length) throw new UsageError(`${keys.length} of ${manifest.trustees.length} trustee keys are on the board; wait for all`);
      writeJsonFile(out, makeSubmission('trustee-shares', election, makeShares(secret, keys)));
      console.log(`encrypted shares written to ${out}`);
      return 0;
    }
    case 'finish': {
      const secret = loadSecret(secretPath, election);
      const shares = eventsOf(events, 'trustee-shares');
      if (shares.length !== manifest.trustees.length) throw new UsageError(`${shares.length} of ${manifest.trustees.length} trustees' shares are on the board; wait for all`);
      const done = finishKeyCeremony(secret, keys, shares);
      writeJsonFile(secretPath, done.secret, 0o600);
      writeJsonFile(out, makeSubmission('trustee-ready', election, done.ready));
      console.log(`shares checked; combined share kept in ${secretPath}; readiness written to ${out}`);
      return 0;
    }
    case 'decrypt': {
      const secret = loadSecret(secretPath, election);
      const [tally] = eventsOf(events, 'tally');
      if (!tally) throw new UsageError('the tally is not on the board yet');
      writeJsonFile(out, makeSubmission('decryption-share', election, makeDecryptionShare(secret, tally.sums)));
      console.log(`decryption share written to ${out}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown trustee step "${step}" (see veche trustee --help)`);
  }
}
