// The credential authority's private list (who holds which credential) as a table: the file it was
// written as, every column kept (name, email, language, …), so a list changed here (a credential
// re-issued, a late voter) is the same file with the change in it. One code for the authority's page
// (web/lib/private-list.ts reads and writes the CSV in the browser) and `veche credentials add`.
// A re-issued voter keeps one row, with the new credential; the revoked ones go to a "revoked" column,
// so `veche credentials mail|remind|letters` read the file as before (one row per voter). No "link"
// column is made for an empty link (the CLI without --base-url).
import { CREDENTIAL_PATTERN, normalizeCredential } from './credentials.js';

export interface PrivateList { header: string[]; rows: string[][] }

const col = (list: PrivateList, name: string) => list.header.findIndex((h) => h.trim().toLowerCase() === name);

/** A spreadsheet-safe field may start with a quote (the page's CSV escapes leading = + - @). */
const unquote = (s: string) => s.replace(/^'/, '').trim();

/** The list from the file's rows (header first); null when it has no "voter" and "credential" columns. Rows without a credential are dropped. */
export function privateListOf(table: string[][]): PrivateList | null {
  const all = table.filter((r) => r.some((f) => f.trim() !== ''));
  const header = (all.shift() ?? []).map((h) => h.trim());
  const list = { header, rows: all };
  const vi = col(list, 'voter');
  const ci = col(list, 'credential');
  if (vi < 0 || ci < 0) return null;
  list.rows = all.filter((r) => unquote(r[vi] ?? '') !== '' && CREDENTIAL_PATTERN.test(normalizeCredential(unquote(r[ci] ?? ''))));
  return list;
}

/** The rows to write, header first. */
export const privateListRows = (list: PrivateList): string[][] => [list.header, ...list.rows];

/** voter → current credential. */
export function credentialsOf(list: PrivateList): Map<string, string> {
  const vi = col(list, 'voter');
  const ci = col(list, 'credential');
  return new Map(list.rows.map((r) => [unquote(r[vi] ?? ''), normalizeCredential(unquote(r[ci] ?? ''))]));
}

function setCell(list: PrivateList, row: string[], name: string, value: string): void {
  let i = col(list, name);
  if (i < 0) {
    list.header.push(name);
    i = list.header.length - 1;
  }
  while (row.length <= i) row.push('');
  row[i] = value;
}

/** The list with `voter`'s credential replaced; the old one is kept in the "revoked" column. */
export function withReissued(list: PrivateList, voter: string, credential: string, link: string): PrivateList {
  const next = { header: [...list.header], rows: list.rows.map((r) => [...r]) };
  const vi = col(next, 'voter');
  const row = next.rows.find((r) => unquote(r[vi] ?? '') === voter);
  if (!row) throw new Error(`no voter ${voter} in the private list`);
  const old = normalizeCredential(unquote(row[col(next, 'credential')] ?? ''));
  const ri = col(next, 'revoked');
  const before = ri < 0 ? '' : (row[ri] ?? '').trim();
  setCell(next, row, 'revoked', before ? `${before} ${old}` : old);
  setCell(next, row, 'credential', credential);
  if (link || col(next, 'link') >= 0) setCell(next, row, 'link', link);
  return next;
}

/** The list with a late voter's row appended. */
export function withLateVoter(list: PrivateList, voter: string, weight: number, credential: string, link: string): PrivateList {
  const next = { header: [...list.header], rows: list.rows.map((r) => [...r]) };
  const row = next.header.map(() => '');
  setCell(next, row, 'voter', voter);
  setCell(next, row, 'weight', String(weight));
  setCell(next, row, 'credential', credential);
  if (link || col(next, 'link') >= 0) setCell(next, row, 'link', link);
  next.rows.push(row);
  return next;
}
