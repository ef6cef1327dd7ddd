// `veche vote --server URL --election ID`: the voter's device talking to a veche server. Nothing is
// taken on the server's word: the device verifies the record up to the poll's opening (src/verify/
// voter-check.ts) and encrypts under the key it checked. The receipt is checked against the board key
// of the record's first event.
import { readFileSync, writeFileSync } from 'node:fs';
import { encryptBallot } from '../../ballot/encrypt.js';
import { auditBallot } from '../../ballot/audit.js';
import { verifyReceipt, type Receipt } from '../../board/receipt.js';
import { credentialKeys } from '../../credentials/credentials.js';
import { encodeChoices, selectionGroups } from '../../manifest/layout.js';
import { checkElectionForVoter, ElectionCheckError } from '../../verify/voter-check.js';
import { readJsonFile, required, UsageError, type Values } from '../args.js';
import { choicesFromJson } from './vote.js';
import { rankedChoicesOf } from '../../ballot/ranked.js'; // ranked

class ServerError extends Error {
  override name = 'ServerError';
}

async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new ServerError(`cannot reach ${new URL(url).origin}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
}

async function getJson(url: string): Promise<unknown> {
  const res = await request(url);
  const body = await res.json().catch(() => null) as { error?: string; message?: string } | null;
  if (!res.ok) throw new ServerError(`${url}: ${res.status} ${body?.error ?? ''} ${body?.message ?? ''}`.trim());
  return body;
}

/** The election as the record up to the poll's opening shows it, verified on this device; `whole`: the
 *  whole record, which also holds the list's changes made after the opening (spec §6.4). */
async function trustedElection(server: string, id: string, whole = false) {
  const base = `${server}/api/elections/${encodeURIComponent(id)}`;
  const res = await request(`${base}/record${whole ? '' : '?until=poll-opened'}`);
  if (!res.ok) throw new ServerError(`${base}/record: ${res.status}`);
  const lines = (await res.text()).split('\n');
  if (lines.at(-1) === '') lines.pop();
  let el;
  try {
    el = await checkElectionForVoter(lines);
  } catch (e) {
    if (e instanceof ElectionCheckError) throw new ServerError(`${e.message}: do not vote through this server`);
    throw e;
  }
  return { base, ...el, publicKey: el.jointKey };
}

export async function voteViaServer(values: Values): Promise<number> {
  const server = required(values, 'server').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(server)) throw new UsageError('--server: expected a URL like http://localhost:8080');
  const id = required(values, 'election');
  let credential = required(values, 'credential');
  if (credential.startsWith('@')) credential = readFileSync(credential.slice(1), 'utf8').trim();
  const choicesInput = readJsonFile(required(values, 'choices'));
  try {
    let el = await trustedElection(server, id);
    const voter = credentialKeys(el.electionHash, credential);
    // A credential re-issued or added after the poll opened is only in the rest of the record: the
    // whole record is checked then (rarely: one such voter), not on every vote.
    if (!el.listed(voter.key) && el.phase !== 'setup') {
      const whole = await trustedElection(server, id, true);
      if (whole.electionHash !== el.electionHash) throw new ServerError('the server gave two different elections for one id: do not vote through this server');
      el = whole;
    }
    if (!el.listed(voter.key)) throw new ServerError('this credential is not on the list of voters of this election');
    if (el.revoked(voter.key)) throw new ServerError('this credential was revoked');
    console.error(`election ${el.manifest.id}, fingerprint ${el.fingerprint} (compare it with the one in your invitation)`);
    const choices = choicesFromJson(el.manifest, choicesInput);
    const encrypted = encryptBallot(el.electionHash, el.publicKey, selectionGroups(el.manifest), encodeChoices(el.manifest, choices), voter, rankedChoicesOf(el.manifest, choices)); // ranked: rankedChoicesOf
    if (values.audit) {
      const ok = auditBallot(encrypted.ballot, el.publicKey, encrypted.secrets);
      console.log(JSON.stringify({ audited: encrypted.trackingCode, choices, randomness: encrypted.secrets.randomness, encryptionMatches: ok }, null, 2));
      console.log(ok ? 'audit passed: the ballot encrypted exactly these choices. It has been discarded; vote again to cast.' : 'AUDIT FAILED: the ballot does not encrypt these choices. Do not use this device.');
      return ok ? 0 : 1;
    }
    if (el.phase !== 'open') throw new ServerError('the poll is not open');
    const res = await request(`${el.base}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(encrypted.ballot) });
    const body = await res.json().catch(() => null) as { receipt?: Receipt; error?: string; message?: string } | null;
    if (!res.ok || !body?.receipt) {
      console.error(`veche vote: the board rejected the ballot (${res.status} ${body?.error ?? ''}): ${body?.message ?? 'no explanation'}`);
      return 1;
    }
    const receipt = body.receipt;
    if (!verifyReceipt(receipt, el.boardKey) || receipt.trackingCode !== encrypted.trackingCode || receipt.election !== el.electionHash) {
      console.error('veche vote: THE RECEIPT IS NOT VALID (wrong signature, tracking code or election). Keep this output as evidence.');
      console.error(JSON.stringify(receipt));
      return 1;
    }
    if (values.receipt) writeFileSync(values.receipt as string, JSON.stringify(receipt, null, 2) + '\n');
    console.log(`ballot cast; the board's signed receipt checks out`);
    console.log(`tracking code: ${encrypted.trackingCode}`);
    console.log(`receipt: ${JSON.stringify(receipt)}`);
    console.log(`find it on the board: ${el.base}/ballots/${encrypted.trackingCode}`);
    return 0;
  } catch (e) {
    if (e instanceof ServerError) { console.error(`veche vote: ${e.message}`); return 1; }
    throw e;
  }
}
