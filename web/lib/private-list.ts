// The credential authority's private list in the page: the CSV file it was downloaded as, read and
// written here; the list itself (re-issue, late voter) is src/credentials/private-list.ts, which
// `veche credentials add` uses too.
import { privateListOf, privateListRows, type PrivateList } from '../../src/credentials/private-list.js';
import { parseCsv, toCsv } from './files.js';

export { credentialsOf, withLateVoter, withReissued, type PrivateList } from '../../src/credentials/private-list.js';

/** Reads the downloaded file; null when it has no "voter" and "credential" columns. Rows without a credential are dropped. */
export const readPrivateList = (text: string): PrivateList | null => privateListOf(parseCsv(text));

export const privateListCsv = (list: PrivateList): string => toCsv(privateListRows(list));

/** One voter's row alone (for the letter or a mail merge): the columns the private list always has. */
export const credentialRowCsv = (voter: string, weight: number, credential: string, link: string): string =>
  toCsv([['voter', 'weight', 'credential', 'link'], [voter, weight, credential, link]]);
