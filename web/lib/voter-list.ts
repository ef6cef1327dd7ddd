// The voter list the credential authority's page imports: CSV with a header naming its columns in any
// order (Name, Email, Weight, Voter, Language: src/credentials/columns.ts), or without a header (an id,
// then optionally a weight). A header whose columns have other names needs a mapping step: the page
// asks which column is the voter's identifier and which the weight.
import { guessColumns, idColumn, looksLikeHeader } from '../../src/credentials/columns.js';
import { t } from './i18n.js';

export interface VoterRow { id: string; weight: number; name?: string; email?: string; language?: string }

export type VoterListRead =
  | { kind: 'voters'; voters: VoterRow[] }
  | { kind: 'problems'; problems: string[] }
  | { kind: 'mapping'; header: string[]; rows: string[][] };

/** Which column is what: indexes into the header (weight -1: every voter weighs 1). */
export interface Mapping { voter: number; weight: number; name?: number; email?: number; language?: number }

const blank = (row: string[]) => row.every((f) => f.trim() === '');

/** Reads the rows (parsed CSV); `mapping` when the person chose the columns. */
export function readVoterList(rows: string[][], mapping?: Mapping): VoterListRead {
  const all = rows.filter((r) => !blank(r));
  if (all.length === 0) return { kind: 'problems', problems: [t('authority.csvEmpty')] };
  const first = all[0]!;
  // A first line naming columns, or with a second field that is no weight, is a header.
  const header = mapping !== undefined || looksLikeHeader(first) || ((first[1] ?? '').trim() !== '' && !/^\d+$/.test((first[1] ?? '').trim()));
  let cols: Mapping;
  if (mapping) cols = mapping;
  else if (header) {
    const map = guessColumns(first);
    const voter = idColumn(map);
    if (voter < 0) return { kind: 'mapping', header: first, rows: all };
    cols = { voter, weight: map.weight ?? -1, ...(map.name !== undefined ? { name: map.name } : {}), ...(map.email !== undefined ? { email: map.email } : {}), ...(map.language !== undefined ? { language: map.language } : {}) };
  } else cols = { voter: 0, weight: 1 };
  const problems: string[] = [];
  const voters: VoterRow[] = [];
  const seen = new Set<string>();
  const body = header ? all.slice(1) : all;
  const lineOf = (i: number) => rows.indexOf(body[i]!) + 1;
  body.forEach((row, i) => {
    const line = lineOf(i);
    const cell = (k: number | undefined) => (k === undefined || k < 0 ? '' : (row[k] ?? '').trim());
    const id = cell(cols.voter);
    const weightText = cell(cols.weight);
    if (!id) { problems.push(t('authority.csvNoVoter', { line })); return; }
    const weight = weightText === '' ? 1 : /^\d+$/.test(weightText) ? Number(weightText) : NaN;
    if (!Number.isSafeInteger(weight) || weight < 1 || weight > 1_000_000) { problems.push(t('authority.csvBadWeight', { line, weight: weightText })); return; }
    if (seen.has(id)) { problems.push(t('authority.csvDuplicate', { line, voter: id })); return; }
    seen.add(id);
    const name = cell(cols.name);
    const email = cell(cols.email);
    const language = cell(cols.language);
    voters.push({ id, weight, ...(name ? { name } : {}), ...(email ? { email } : {}), ...(language ? { language } : {}) });
  });
  if (problems.length) return { kind: 'problems', problems };
  if (voters.length === 0) return { kind: 'problems', problems: [t('authority.csvEmpty')] };
  return { kind: 'voters', voters };
}

/** The private list's columns: voter, weight, credential, link, then the contact columns the list had. */
export function privateListRows(issued: { voter: string; weight: number; credential: string }[], voters: VoterRow[], link: (credential: string) => string): (string | number)[][] {
  const byId = new Map(voters.map((v) => [v.id, v]));
  const extra = (['name', 'email', 'language'] as const).filter((c) => voters.some((v) => v[c]));
  return [
    ['voter', 'weight', 'credential', 'link', ...extra],
    ...issued.map((c) => [c.voter, c.weight, c.credential, link(c.credential), ...extra.map((k) => byId.get(c.voter)?.[k] ?? '')]),
  ];
}
