// `veche credentials ...`: the credential authority, on its own machine. It makes one secret credential
// per voter, keeps who holds which, and signs the public list and every revocation with its key.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialKeys, issueCredentials } from '../../credentials/credentials.js';
import { newAuthority, signCredentialList, signRevocation, type AuthoritySecret } from '../../credentials/authority.js';
import { checkRecord, linesSource } from '../../verify/record-check.js';
import { weightSecrecyWarnings } from '../../verify/weights.js';
import { intOption, parse, readJsonFile, required, UsageError, writeJsonFile } from '../args.js';
import { makeSubmission } from '../submission.js';

export const CREDENTIALS_HELP = `Usage: veche credentials <action> --authority AUTHORITY.json [options]

The credential authority's steps (not the admin's), on its own machine:
  init
      make the authority's signing key; writes AUTHORITY.json (keep it private) and prints the
      public key for the organiser to put in the manifest (credentialAuthority.signingKey).
  issue --record RECORD (--voters FILE.csv | --count N) --out-dir DIR
      make one secret credential per voter, bound to this election (the record is verified first
      and must name this authority's key). Writes:
        DIR/credentials.private.csv   voter,weight,credential: send each voter their own line; keep
                                      it to revoke a lost credential, and guard it
        DIR/credentials.json          the public list (keys and weights only), signed: a submission
      The voters file is CSV with a header: "voter" (an id or e-mail) and optionally "weight".
  revoke --record RECORD (--credential KEY | --voter ID --private DIR/credentials.private.csv)
         [--reason TEXT] --out REVOKE.json
      a signed revocation of one public credential (before the poll closes): its ballots are not
      counted, even those already cast.
`;

/** Reads voter,weight CSV (header required; quoted fields allowed). */
export function parseVotersCsv(text: string): { id: string; weight?: number }[] {
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '').map(splitCsvLine);
  const header = rows.shift()?.map((h) => h.trim().toLowerCase()) ?? [];
  const vi = header.indexOf('voter');
  const wi = header.indexOf('weight');
  if (vi < 0) throw new UsageError('voters CSV: the header must have a "voter" column');
  const seen = new Set<string>();
  return rows.map((r, i) => {
    const id = (r[vi] ?? '').trim();
    if (!id) throw new UsageError(`voters CSV line ${i + 2}: empty voter`);
    if (seen.has(id)) throw new UsageError(`voters CSV line ${i + 2}: voter "${id}" appears twice`);
    seen.add(id);
    if (wi < 0 || (r[wi] ?? '').trim() === '') return { id };
    const weight = Number(r[wi]);
    if (!Number.isSafeInteger(weight) || weight < 1) throw new UsageError(`voters CSV line ${i + 2}: weight must be a positive whole number`);
    return { id, weight };
  });
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function loadAuthority(path: string): AuthoritySecret {
  const a = readJsonFile(path) as AuthoritySecret;
  if (a?.version !== 'veche/authority-secret/v2' || typeof a.signing?.secret !== 'string') throw new UsageError(`${path}: not a credential authority file (veche/authority-secret/v2)`);
  return a;
}

/** The record, verified so far, naming this authority: the authority signs nothing for a board it cannot check. */
async function checkedRecord(path: string, authority: AuthoritySecret) {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const { report, state } = await checkRecord(linesSource(lines));
  if (!report.okSoFar) throw new UsageError(`refused: the record does not verify (${report.failedChecks.filter((c) => c !== 'record.complete').join(', ')})`);
  if (state.manifest!.credentialAuthority.signingKey !== authority.signing.key) throw new UsageError('refused: the manifest names another credential authority key than this one');
  return state;
}

export async function credentialsCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parse(rest, { authority: { type: 'string' }, record: { type: 'string' }, voters: { type: 'string' }, count: { type: 'string' }, 'out-dir': { type: 'string' }, credential: { type: 'string' }, voter: { type: 'string' }, private: { type: 'string' }, reason: { type: 'string' }, out: { type: 'string' } });
  if (values.help || !['init', 'issue', 'revoke'].includes(action ?? '')) { process.stdout.write(CREDENTIALS_HELP); return values.help ? 0 : 2; }
  const authorityPath = required(values, 'authority');
  if (action === 'init') {
    if (existsSync(authorityPath)) throw new UsageError(`${authorityPath} exists: refusing to overwrite the authority's key`);
    const a = newAuthority();
    writeJsonFile(authorityPath, a, 0o600);
    console.log(`authority key written to ${authorityPath} (keep it private)`);
    console.log(`credential authority signing key, for the manifest: ${a.signing.key}`);
    return 0;
  }
  const authority = loadAuthority(authorityPath);
  const state = await checkedRecord(required(values, 'record'), authority);
  const election = state.electionHash;
  if (action === 'revoke') {
    let key = values.credential as string | undefined;
    if (!key) {
      const voter = required(values, 'voter');
      const rows = readFileSync(required(values, 'private'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map(splitCsvLine);
      const header = rows.shift() ?? [];
      const row = rows.find((r) => r[header.indexOf('voter')] === voter);
      if (!row) throw new UsageError(`no voter "${voter}" in the private list`);
      key = credentialKeys(election, row[header.indexOf('credential')]!).key;
    }
    if (!state.credentials?.has(key)) throw new UsageError('this credential is not on the board\'s list');
    if (state.revoked.has(key)) throw new UsageError('this credential is already revoked');
    const out = required(values, 'out');
    writeJsonFile(out, makeSubmission('credential-revoked', election, signRevocation(election, key, values.reason ?? '', authority.signing)));
    console.log(`signed revocation written to ${out}`);
    return 0;
  }
  if (state.credentials) throw new UsageError('the board already holds a credential list');
  let voters: { id: string; weight?: number }[];
  if (values.voters) voters = parseVotersCsv(readFileSync(values.voters, 'utf8'));
  else if (values.count) voters = Array.from({ length: intOption(values, 'count', 0, 1, 10_000_000) }, (_, i) => ({ id: `voter-${i + 1}` }));
  else throw new UsageError('give --voters FILE.csv or --count N');
  const dir = required(values, 'out-dir');
  mkdirSync(dir, { recursive: true });
  const issued = issueCredentials(election, voters);
  const csv = ['voter,weight,credential', ...issued.private.map((c) => `${csvField(c.voter)},${c.weight},${c.credential}`)].join('\n') + '\n';
  writeFileSync(join(dir, 'credentials.private.csv'), csv, { mode: 0o600 });
  writeJsonFile(join(dir, 'credentials.json'), makeSubmission('credentials', election, signCredentialList(election, issued.public, authority.signing)));
  for (const w of weightSecrecyWarnings(issued.public)) console.warn(`warning: ${w}`);
  console.log(`${issued.private.length} credentials: private list in ${join(dir, 'credentials.private.csv')}, public list in ${join(dir, 'credentials.json')}`);
  return 0;
}
