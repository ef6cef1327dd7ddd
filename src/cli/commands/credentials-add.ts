// `veche credentials add`: the credential authority changes the voter list after it was published
// (spec §6.4): a new credential for a voter whose credential was revoked, or a late voter. Signed here,
// with the authority's key; the private list is rewritten the way the authority's page writes it
// (src/credentials/private-list.ts, the same code), so `mail`, `letters` and `revoke` read it as before.
import { renameSync, writeFileSync } from 'node:fs';
import { signCredentialsAdded } from '../../credentials/additions.js';
import type { AuthoritySecret } from '../../credentials/authority.js';
import { credentialKeys, newCredential } from '../../credentials/credentials.js';
import { checkBaseUrl, votingLink } from '../../credentials/record-match.js';
import type { AddedCredential } from '../../record/events.js';
import type { VerifierState } from '../../verify/state.js';
import { parseCsv, toCsv } from '../../credentials/contacts.js';
import { credentialsOf, privateListOf, privateListRows, withLateVoter, withReissued, type PrivateList } from '../../credentials/private-list.js';
import { intOption, required, UsageError, writeJsonFile } from '../args.js';
import { makeSubmission } from '../submission.js';

export const CREDENTIALS_ADD_HELP = `  add --record RECORD --private DIR/credentials.private.csv
      (--reissue VOTER | --voter ID [--weight N]) [--base-url URL]
      (--out ADD.json | --server URL [--token TOKEN])
      change the voter list while the poll has not closed (a signed credentials-added event):
        --reissue VOTER  a new credential for VOTER, whose credential is revoked on the record (run
                         "revoke --voter VOTER" first); the same weight, in place of the old one
        --voter ID       a late voter, with --weight (default 1)
      The new credential is written into the private list (the file given, rewritten in place; a
      re-issued voter's old credential goes to its "revoked" column), with the voting link when
      --base-url is given. --out writes a submission file for "veche board submit"; --server posts it
      to the server's /api/elections/ID/credentials/add with the election's authority token (--token
      or VECHE_AUTHORITY_TOKEN), and the private list is rewritten only once the server took it.
`;

/** What `add` changes: the signed payload, and the private list with the new credential in it. */
function planAddition(values: Record<string, unknown>, state: VerifierState, list: PrivateList, link: (credential: string) => string): { entry: AddedCredential; voter: string; next: PrivateList } {
  const election = state.electionHash;
  if (!state.credentials) throw new UsageError('refused: the board holds no credential list yet (use "issue")');
  if (state.phase !== 'setup' && state.phase !== 'open') throw new UsageError(`refused: the poll has closed (the record stands at "${state.phase}"): the voter list can no longer change`);
  const held = credentialsOf(list);
  const credential = newCredential();
  const key = credentialKeys(election, credential).key;
  if (values.reissue !== undefined) {
    if (values.voter !== undefined || values.weight !== undefined) throw new UsageError('give --reissue VOTER or --voter ID [--weight N], not both');
    const voter = values.reissue as string;
    const old = held.get(voter);
    if (!old) throw new UsageError(`no voter "${voter}" in the private list`);
    const oldKey = credentialKeys(election, old).key;
    const weight = state.credentials.get(oldKey);
    if (weight === undefined) throw new UsageError(`refused: ${voter}'s credential is not on the board's list (is this the private list of this election?)`);
    if (state.replaced.has(oldKey)) throw new UsageError(`refused: ${voter}'s revoked credential was already re-issued`);
    if (!state.revoked.has(oldKey)) throw new UsageError(`refused: ${voter}'s credential is not revoked on the record; revoke it first (veche credentials revoke --voter ${voter} ...) and submit the revocation`);
    return { entry: { key, weight, replaces: oldKey }, voter, next: withReissued(list, voter, credential, link(credential)) };
  }
  const voter = required(values, 'voter').trim();
  if (voter === '') throw new UsageError('--voter: an id (or e-mail) for the late voter');
  if (held.has(voter)) throw new UsageError(`refused: "${voter}" is in the private list already (a lost credential is re-issued with --reissue)`);
  const weight = intOption(values, 'weight', 1, 1, 1_000_000);
  return { entry: { key, weight }, voter, next: withLateVoter(list, voter, weight, credential, link(credential)) };
}

/** The private list, written whole or not at all (a crash leaves the old file). */
function writePrivateList(path: string, list: PrivateList): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, toCsv(privateListRows(list)), { mode: 0o600 });
  renameSync(tmp, path);
}

async function postAddition(server: string, electionId: string, token: string, payload: unknown): Promise<{ seq: number; eligible: number }> {
  let res: Response;
  const url = `${server.replace(/\/+$/, '')}/api/elections/${encodeURIComponent(electionId)}/credentials/add`;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(payload), signal: AbortSignal.timeout(60_000) });
  } catch (e) { throw new UsageError(`cannot reach ${url}: ${(e as Error).message}`); }
  const body = (await res.json().catch(() => ({}))) as { seq?: number; eligible?: number; error?: string; code?: string; message?: string };
  if (!res.ok) throw new UsageError(`the server refused the addition (${res.status} ${body.code ?? body.error ?? ''}): ${body.message ?? res.statusText}; the private list is unchanged`);
  return { seq: Number(body.seq), eligible: Number(body.eligible) };
}

export async function credentialsAdd(values: Record<string, unknown>, state: VerifierState, authority: AuthoritySecret, readText: (path: string) => string): Promise<number> {
  const privatePath = required(values, 'private');
  let table: string[][];
  try { table = parseCsv(readText(privatePath)); } catch (e) { throw new UsageError(`${privatePath}: ${(e as Error).message}`); }
  const list = privateListOf(table);
  if (!list) throw new UsageError(`${privatePath}: not a private list (expected "voter" and "credential" columns)`);
  const server = values.server as string | undefined;
  const out = values.out as string | undefined;
  if ((server === undefined) === (out === undefined)) throw new UsageError('give --out ADD.json (for "veche board submit") or --server URL');
  const token = server === undefined ? '' : ((values.token as string | undefined) ?? process.env.VECHE_AUTHORITY_TOKEN ?? '');
  if (server !== undefined && !token) throw new UsageError('--server needs the election\'s authority token: --token TOKEN or VECHE_AUTHORITY_TOKEN');
  let baseUrl = '';
  if (values['base-url'] !== undefined) { try { baseUrl = checkBaseUrl(values['base-url'] as string); } catch (e) { throw new UsageError((e as Error).message); } }
  const link = (credential: string) => (baseUrl ? votingLink(baseUrl, state.manifest!.id, credential) : '');
  const { entry, voter, next } = planAddition(values, state, list, link);
  const payload = signCredentialsAdded(state.electionHash, [entry], authority.signing);
  const what = entry.replaces === undefined ? `late voter ${voter} (weight ${entry.weight})` : `a new credential for ${voter} (weight ${entry.weight})`;
  if (server !== undefined) {
    const r = await postAddition(server, state.manifest!.id, token, payload);
    writePrivateList(privatePath, next);
    console.log(`${what}: on the board at event ${r.seq} (${r.eligible} credentials listed); private list rewritten: ${privatePath}`);
  } else {
    writeJsonFile(out!, makeSubmission('credentials-added', state.electionHash, payload));
    writePrivateList(privatePath, next);
    console.log(`${what}: signed addition written to ${out} (hand it to the board: veche board submit); private list rewritten: ${privatePath}`);
  }
  console.log(`send ${voter} their new credential: veche credentials mail|letters --only ${voter} ...`);
  return 0;
}
