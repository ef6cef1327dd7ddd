// Who gets which credential, and how to reach them: the authority's private list (voter, weight,
// credential, and name, email, language when the voter list had them), optionally joined with a voter
// list that gives or corrects the contact columns. Read strictly: a bad line is named and nothing is sent.
import { CREDENTIAL_PATTERN, normalizeCredential } from './credentials.js';
import { guessColumns, idColumn, withMapping, type ColumnMap, type VoterColumn } from './columns.js';

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cur); cur = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cur); rows.push(row); row = []; cur = '';
    } else cur += ch;
  }
  if (quoted) throw new Error('CSV: a quoted field is not closed');
  if (cur !== '' || row.length > 0) { row.push(cur); rows.push(row); }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

export const csvField = (s: string | number) => { const t = String(s); return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t; };
export const toCsv = (rows: (string | number)[][]) => rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';

/** A table with a header, read by column name (any order and case, the usual spellings: columns.ts);
 *  `mapping` names the header of a column the usual spellings do not find. The voter id is the "voter"
 *  column, or else the e-mail, or else the name. */
export function csvTable(text: string, what: string, mapping: Partial<Record<VoterColumn, string>> = {}): { rows: { line: number; get(col: string): string }[]; has(col: string): boolean } {
  const all = parseCsv(text);
  const header = all.shift() ?? [];
  let map: ColumnMap;
  try { map = withMapping(header, guessColumns(header), mapping); } catch (e) { throw new Error(`${what}: ${(e as Error).message}`); }
  const index = (col: string) => (col === 'voter' ? idColumn(map) : map[col as VoterColumn] ?? -1);
  if (index('voter') < 0) throw new Error(`${what}: the header must have a "voter" column (or "email", or "name")`);
  return {
    has: (col) => index(col) >= 0,
    rows: all.map((r, i) => ({ line: i + 2, get: (col: string) => { const k = index(col); return k < 0 ? '' : (r[k] ?? '').trim(); } })),
  };
}

export interface Recipient {
  voter: string;
  name: string;
  email: string;
  /** As the list gives it (e.g. "ru"), or null. */
  language: string | null;
  weight: number;
  credential: string;
}

// Deliberately narrow: one address, no display name, no header characters.
const EMAIL = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Keeps a letter on one page and a mail header on one line. */
const MAX_NAME = 200;

export class ContactsError extends Error {
  override name = 'ContactsError';
  constructor(readonly problems: string[]) { super(`${problems.length} problem(s) in the voter lists:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`); }
}

/** The recipients, one per voter of the private list; `voters` (optional) supplies name, email and
 *  language by voter id, overriding the private list's. `needEmail`: every voter must have an address. */
export function readRecipients(privateCsv: string, votersCsv: string | null, options: { needEmail: boolean }): Recipient[] {
  const problems: string[] = [];
  const priv = csvTable(privateCsv, 'private list');
  if (!priv.has('credential')) throw new ContactsError(['private list: the header must have a "credential" column (the file "veche credentials issue" wrote)']);
  const contacts = new Map<string, { name: string; email: string; language: string }>();
  if (votersCsv !== null) {
    const v = csvTable(votersCsv, 'voter list');
    for (const r of v.rows) {
      const id = r.get('voter');
      if (contacts.has(id)) problems.push(`voter list line ${r.line}: voter "${id}" appears twice`);
      contacts.set(id, { name: r.get('name'), email: r.get('email'), language: r.get('language') });
    }
  }
  const seenVoters = new Set<string>();
  const seenCredentials = new Set<string>();
  const out: Recipient[] = [];
  for (const r of priv.rows) {
    const at = `private list line ${r.line}`;
    const voter = r.get('voter');
    if (!voter) { problems.push(`${at}: empty voter`); continue; }
    if (seenVoters.has(voter)) { problems.push(`${at}: voter "${voter}" appears twice`); continue; }
    seenVoters.add(voter);
    const credential = normalizeCredential(r.get('credential'));
    if (!CREDENTIAL_PATTERN.test(credential)) { problems.push(`${at}: not a credential`); continue; }
    if (seenCredentials.has(credential)) { problems.push(`${at}: the same credential as another voter`); continue; }
    seenCredentials.add(credential);
    const weightText = r.get('weight');
    const weight = weightText === '' ? 1 : Number(weightText);
    if (!Number.isSafeInteger(weight) || weight < 1) { problems.push(`${at}: weight must be a positive whole number`); continue; }
    const c = contacts.get(voter);
    if (votersCsv !== null && !c) problems.push(`${at}: voter "${voter}" is not in the voter list`);
    const email = c?.email || r.get('email') || (EMAIL.test(voter) ? voter : '');
    const name = c?.name || r.get('name') || voter;
    const language = c?.language || r.get('language') || null;
    if (options.needEmail && !email) problems.push(`${at}: voter "${voter}" has no e-mail address (an "email" column, or a voter id that is one)`);
    else if (email && !EMAIL.test(email)) problems.push(`${at}: "${email}" is not an e-mail address`);
    if (CONTROL.test(name) || CONTROL.test(voter)) problems.push(`${at}: a control character in the name or voter id`);
    if (name.length > MAX_NAME || voter.length > MAX_NAME || email.length > MAX_NAME) problems.push(`${at}: a name, voter id or address longer than ${MAX_NAME} characters`);
    if (language !== null && !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(language)) problems.push(`${at}: "${language}" is not a language tag`);
    out.push({ voter, name, email, language, weight, credential });
  }
  if (out.length === 0 && problems.length === 0) problems.push('private list: no voters');
  if (problems.length) throw new ContactsError(problems);
  return out;
}
