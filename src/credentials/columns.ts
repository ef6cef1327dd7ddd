// Which column of a voter list holds what (browser-safe: the CLI's contacts.ts and the authority's page).
// Known header names in any order and case (Name, Email, Weight, …); other headers are mapped by hand
// (a mapping step on the page, `mapping` here). The voter's identifier is the "voter" column, or else
// the e-mail, or else the name: a list of Name, Email, Weight needs no id column.

export type VoterColumn = 'voter' | 'name' | 'email' | 'language' | 'weight' | 'credential';
export type ColumnMap = Partial<Record<VoterColumn, number>>;

const ALIASES: Record<VoterColumn, string[]> = {
  voter: ['voter', 'id', 'voter id', 'member', 'member id', 'member number', 'избиратель'],
  name: ['name', 'full name', 'имя'],
  email: ['email', 'e-mail', 'mail', 'email address', 'e-mail address'],
  language: ['language', 'lang', 'locale'],
  weight: ['weight', 'weights', 'вес'],
  credential: ['credential'],
};

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** The columns the header names (by the usual spellings), each header used once. */
export function guessColumns(header: string[]): ColumnMap {
  const map: ColumnMap = {};
  const names = header.map(norm);
  for (const col of Object.keys(ALIASES) as VoterColumn[]) {
    const i = names.findIndex((h) => ALIASES[col].includes(h));
    if (i >= 0) map[col] = i;
  }
  return map;
}

/** The column of the voter's identifier: "voter", else e-mail, else name; -1 when there is none. */
export function idColumn(map: ColumnMap): number {
  return map.voter ?? map.email ?? map.name ?? -1;
}

/** Does this first line look like a header (any known name, or a non-numeric second field)? */
export function looksLikeHeader(row: string[]): boolean {
  const map = guessColumns(row);
  return Object.keys(map).length > 0;
}

/** `mapping` (column → header text, from the person choosing) on top of what the header names. */
export function withMapping(header: string[], map: ColumnMap, mapping: Partial<Record<VoterColumn, string>>): ColumnMap {
  const out = { ...map };
  for (const [col, name] of Object.entries(mapping) as [VoterColumn, string | undefined][]) {
    if (name === undefined) continue;
    const i = header.findIndex((h) => h.trim() === name.trim());
    if (i < 0) throw new Error(`no column "${name}" in the header`);
    out[col] = i;
  }
  return out;
}
