// The register an admin uploads for an election whose server is its credential authority (spec §6.4):
// CSV with a header naming the columns, in any order: email (required), name, weight, language, and
// voter (an id; default the address). Read strictly: every bad line is named and nothing is kept. An
// address or a name with a line break (a mail header smuggled in) or another control character is refused.
import { parseCsv } from '../../credentials/contacts.js';
import { MAX_CREDENTIAL_WEIGHT, MAX_TOTAL_WEIGHT } from '../../record/events.js';
import { EMAIL, MAX_REGISTER } from '../voter-auth/register.js';

export interface AuthorityRegisterEntry { voter: string; name: string; email: string; language: string | null; weight: number }

export class AuthorityRegisterError extends Error { override name = 'AuthorityRegisterError'; }

const COLUMNS: Record<string, string[]> = { voter: ['voter', 'id', 'voter id'], name: ['name', 'full name'], email: ['email', 'e-mail', 'mail'], weight: ['weight'], language: ['language', 'lang', 'locale'] };
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;
const MAX_TEXT = 200;
const LANGUAGE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

export function parseAuthorityRegister(csv: string): AuthorityRegisterEntry[] {
  let rows: string[][];
  try { rows = parseCsv(csv); } catch (e) { throw new AuthorityRegisterError(`the register is refused, nothing changed: ${(e as Error).message}`); }
  const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
  const index = Object.fromEntries(Object.entries(COLUMNS).map(([col, names]) => [col, header.findIndex((h) => names.includes(h))])) as Record<keyof typeof COLUMNS, number>;
  if (index.email! < 0) throw new AuthorityRegisterError('the register is refused, nothing changed: its header must name an "email" column (and may name name, weight, language, voter)');
  const unknown = header.filter((h) => !Object.values(COLUMNS).some((names) => names.includes(h)));
  if (unknown.some((h) => h === 'credential')) throw new AuthorityRegisterError('the register is refused, nothing changed: it must not carry credentials (the server makes them)');
  const problems: string[] = [];
  const out: AuthorityRegisterEntry[] = [];
  const ids = new Set<string>();
  const emails = new Set<string>();
  let total = 0;
  rows.forEach((r, i) => {
    const at = `line ${i + 2}`;
    const get = (col: string) => (index[col]! >= 0 ? (r[index[col]!] ?? '') : '').trim();
    const raw = [get('email'), get('name'), get('voter'), get('language'), get('weight')];
    if (raw.some((x) => CONTROL.test(x))) return void problems.push(`${at}: a line break or control character in a field (no mail header can be smuggled in)`);
    const email = get('email').toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) return void problems.push(`${at}: ${JSON.stringify(get('email').slice(0, 70))} is not an e-mail address`);
    const voter = get('voter') || email;
    const name = get('name') || voter;
    if (voter.length > MAX_TEXT || name.length > MAX_TEXT) return void problems.push(`${at}: a name or voter id longer than ${MAX_TEXT} characters`);
    const weight = get('weight') === '' ? 1 : Number(get('weight'));
    if (!Number.isSafeInteger(weight) || weight < 1 || weight > MAX_CREDENTIAL_WEIGHT) return void problems.push(`${at}: weight must be a whole number from 1 to ${MAX_CREDENTIAL_WEIGHT}`);
    const language = get('language') || null;
    if (language !== null && !LANGUAGE.test(language)) return void problems.push(`${at}: ${JSON.stringify(language)} is not a language tag`);
    if (ids.has(voter)) return void problems.push(`${at}: voter ${JSON.stringify(voter)} is listed twice`);
    if (emails.has(email)) return void problems.push(`${at}: ${email} is listed twice`);
    ids.add(voter);
    emails.add(email);
    total += weight;
    out.push({ voter, name, email, language, weight });
  });
  if (problems.length > 0) throw new AuthorityRegisterError(`the register is refused, nothing changed: ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? `; and ${problems.length - 20} more` : ''}`);
  if (out.length === 0) throw new AuthorityRegisterError('the register is empty');
  if (out.length > MAX_REGISTER) throw new AuthorityRegisterError(`the register has ${out.length} voters, at most ${MAX_REGISTER}`);
  if (total > MAX_TOTAL_WEIGHT) throw new AuthorityRegisterError(`the weights sum to ${total}, at most ${MAX_TOTAL_WEIGHT}`);
  return out;
}
