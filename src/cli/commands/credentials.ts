// `veche credentials issue`: the credential authority makes one secret credential per voter.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCredentials } from '../../credentials/credentials.js';
import { electionOf, readRecordFile } from '../../record/read.js';
import { intOption, parse, required, UsageError, writeJsonFile } from '../args.js';
import { makeSubmission } from '../submission.js';

export const CREDENTIALS_HELP = `Usage: veche credentials issue --record RECORD (--voters FILE.csv | --count N) --out-dir DIR

Makes one secret credential per voter, bound to this election. Writes:
  DIR/credentials.private.csv   voter,weight,credential: for mail merge or printing; send each
                                voter their own line, then destroy this file
  DIR/credentials.json          the public list (keys and weights only), a submission for the board
The voters file is CSV with a header: "voter" (an id or e-mail) and optionally "weight".
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

export async function credentialsCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parse(rest, { record: { type: 'string' }, voters: { type: 'string' }, count: { type: 'string' }, 'out-dir': { type: 'string' } });
  if (values.help || action !== 'issue') { process.stdout.write(CREDENTIALS_HELP); return values.help ? 0 : 2; }
  const { hash: election } = electionOf(readRecordFile(required(values, 'record')));
  let voters: { id: string; weight?: number }[];
  if (values.voters) voters = parseVotersCsv(readFileSync(values.voters, 'utf8'));
  else if (values.count) voters = Array.from({ length: intOption(values, 'count', 0, 1, 10_000_000) }, (_, i) => ({ id: `voter-${i + 1}` }));
  else throw new UsageError('give --voters FILE.csv or --count N');
  const dir = required(values, 'out-dir');
  mkdirSync(dir, { recursive: true });
  const issued = issueCredentials(election, voters);
  const csv = ['voter,weight,credential', ...issued.private.map((c) => `${csvField(c.voter)},${c.weight},${c.credential}`)].join('\n') + '\n';
  writeFileSync(join(dir, 'credentials.private.csv'), csv, { mode: 0o600 });
  writeJsonFile(join(dir, 'credentials.json'), makeSubmission('credentials', election, { credentials: issued.public }));
  console.log(`${issued.private.length} credentials: private list in ${join(dir, 'credentials.private.csv')}, public list in ${join(dir, 'credentials.json')}`);
  return 0;
}
