// The voter register an admin uploads for an election with voter sign-in (spec §6.3): CSV lines
// "voter,email" (a header line "voter,email" may come first). Only ids and addresses: a credential in
// it would let the server vote, so a column that looks like one is refused.
import { ID_PATTERN } from '../../manifest/validate.js';
import type { RegisterEntry } from './store.js';

export const MAX_REGISTER = 1_000_000;
/** One address, no spaces, quotes, commas or line breaks (no header can be smuggled into a mail). */
export const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export class RegisterError extends Error { override name = 'RegisterError'; }

export function parseRegister(csv: string): RegisterEntry[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: RegisterEntry[] = [];
  const ids = new Set<string>();
  const emails = new Set<string>();
  const problems: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || (out.length === 0 && problems.length === 0 && /^voter\s*,\s*e-?mail$/i.test(line))) return;
    const at = `line ${i + 1}`;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 2) return void problems.push(`${at}: expected "voter,email" (two columns, no credential), got ${cells.length} column(s)`);
    const [voter, email] = cells as [string, string];
    if (!ID_PATTERN.test(voter)) return void problems.push(`${at}: voter id ${JSON.stringify(voter.slice(0, 70))}: use 1 to 64 of a-z, 0-9 and "-"`);
    if (!EMAIL.test(email) || email.length > 254) return void problems.push(`${at}: ${JSON.stringify(email.slice(0, 70))} is not an e-mail address`);
    const lower = email.toLowerCase();
    if (ids.has(voter)) return void problems.push(`${at}: voter ${voter} is listed twice`);
    if (emails.has(lower)) return void problems.push(`${at}: ${lower} is listed twice`);
    ids.add(voter);
    emails.add(lower);
    out.push({ voter, email: lower });
  });
  if (problems.length > 0) throw new RegisterError(`the register is refused, nothing changed: ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? `; and ${problems.length - 20} more` : ''}`);
  if (out.length === 0) throw new RegisterError('the register is empty');
  if (out.length > MAX_REGISTER) throw new RegisterError(`the register has ${out.length} voters, at most ${MAX_REGISTER}`);
  return out;
}
