// What the authority sends must be what the board lists: the private list is matched against the
// verified record's signed credential list before any mail, letter or export (fail closed). And the
// voter's own link.
import { credentialKeys } from './credentials.js';
import type { Recipient } from './contacts.js';
import type { VerifierState } from '../verify/state.js';

/** Refuses (fail closed) a private list that does not match the record's signed credential list: a
 *  credential that is not listed, or listed with another weight. Revoked credentials are left out. */
export function matchRecord(state: VerifierState, recipients: Recipient[]): { send: Recipient[]; revoked: Recipient[]; unlisted: number } {
  if (!state.credentials) throw new Error('refused: the record holds no credential list yet (publish the signed list first)');
  const problems: string[] = [];
  const send: Recipient[] = [];
  const revoked: Recipient[] = [];
  const mine = new Set<string>();
  for (const r of recipients) {
    const key = credentialKeys(state.electionHash, r.credential).key;
    mine.add(key);
    const weight = state.credentials.get(key);
    if (weight === undefined) problems.push(`voter "${r.voter}": the credential is not on the record's list (a private list of another election, or an altered one)`);
    else if (weight !== r.weight) problems.push(`voter "${r.voter}": weight ${r.weight} here, ${weight} on the record`);
    else if (state.revoked.has(key)) revoked.push(r);
    else send.push(r);
  }
  if (problems.length) throw new Error(`refused: the private list does not match the record, nothing sent:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return { send, revoked, unlisted: [...state.credentials.keys()].filter((k) => !mine.has(k)).length };
}

/** The voter's own link: the credential is in the fragment, which a browser never sends to the server. */
export function votingLink(baseUrl: string, electionId: string, credential: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/vote/${encodeURIComponent(electionId)}#credential=${credential}`;
}

export function checkBaseUrl(baseUrl: string): string {
  let u: URL;
  try { u = new URL(baseUrl); } catch { throw new Error(`--base-url: "${baseUrl}" is not a URL (expected like https://vote.example.org)`); }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('--base-url: expected an http(s) URL');
  if (u.search || u.hash || u.username || u.password) throw new Error('--base-url: the voting server\'s address only, without query, fragment or user');
  return u.toString().replace(/\/+$/, '');
}
