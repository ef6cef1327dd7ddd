// `veche vote --server URL --election ID`: the voter's device talking to a veche server. The election
// key is not taken on the server's word: the device checks the election event's hash, every trustee's
// key proofs, and that the election key is the product of the trustees' keys, before encrypting. The
// receipt is checked against the board key of the election event.
import { readFileSync, writeFileSync } from 'node:fs';
import { encryptBallot } from '../../ballot/encrypt.js';
import { auditBallot } from '../../ballot/audit.js';
import { verifyReceipt, type Receipt } from '../../board/receipt.js';
import { credentialKeys } from '../../credentials/credentials.js';
import { decodePublicKey } from '../../crypto/group.js';
import { checkTrusteeKey, jointPublicKey } from '../../keyceremony/trustee.js';
import { encodeChoices, selectionGroups } from '../../manifest/layout.js';
import { validateManifest } from '../../manifest/validate.js';
import { eventHash, type BoardEvent, type PayloadByType, type TrusteeKeyPayload } from '../../record/events.js';
import { readJsonFile, required, UsageError, type Values } from '../args.js';
import { choicesFromJson } from './vote.js';

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

/** The public election data, checked on this device. */
async function trustedElection(server: string, id: string) {
  const base = `${server}/api/elections/${encodeURIComponent(id)}`;
  const info = await getJson(base) as { electionHash: string; phase: string; jointKey: string | null };
  const res = await request(`${base}/record?types=election,trustee-key,joint-key`);
  if (!res.ok) throw new ServerError(`${base}/record: ${res.status}`);
  const events = (await res.text()).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BoardEvent);
  const genesis = events[0];
  if (genesis?.type !== 'election' || genesis.seq !== 0 || eventHash(genesis) !== genesis.hash) throw new ServerError('the server sent an election event whose hash does not match its content');
  if (genesis.hash !== info.electionHash) throw new ServerError('the server\'s election hash does not match its election event');
  const { manifest: rawManifest, boardKey } = genesis.payload as PayloadByType['election'];
  const manifest = validateManifest(rawManifest);
  const keys: TrusteeKeyPayload[] = [];
  for (const t of manifest.trustees) {
    const ev = events.filter((e) => e.type === 'trustee-key' && (e.payload as TrusteeKeyPayload).trustee === t.id);
    if (ev.length !== 1 || eventHash(ev[0]!) !== ev[0]!.hash) throw new ServerError(`trustee ${t.id}: expected one published key`);
    const key = ev[0]!.payload as TrusteeKeyPayload;
    const problem = key.index === manifest.trustees.indexOf(t) + 1 ? checkTrusteeKey(genesis.hash, manifest.threshold, key) : 'wrong index';
    if (problem) throw new ServerError(`trustee ${t.id}: ${problem}`);
    keys.push(key);
  }
  const joint = events.find((e) => e.type === 'joint-key');
  if (!joint || eventHash(joint) !== joint.hash) throw new ServerError('the election key is not on the board yet');
  const publicKey = decodePublicKey((joint.payload as PayloadByType['joint-key']).publicKey);
  if (!publicKey.equals(jointPublicKey(keys)) || info.jointKey !== (joint.payload as PayloadByType['joint-key']).publicKey) {
    throw new ServerError('the election key is not the product of the trustees\' keys: do not vote through this server');
  }
  return { base, electionHash: genesis.hash, manifest, boardKey, publicKey, phase: info.phase };
}

export async function voteViaServer(values: Values): Promise<number> {
  const server = required(values, 'server').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(server)) throw new UsageError('--server: expected a URL like http://localhost:8080');
  const id = required(values, 'election');
  let credential = required(values, 'credential');
  if (credential.startsWith('@')) credential = readFileSync(credential.slice(1), 'utf8').trim();
  const choicesInput = readJsonFile(required(values, 'choices'));
  try {
    const el = await trustedElection(server, id);
    const voter = credentialKeys(el.electionHash, credential);
    const choices = choicesFromJson(el.manifest, choicesInput);
    const encrypted = encryptBallot(el.electionHash, el.publicKey, selectionGroups(el.manifest), encodeChoices(el.manifest, choices), voter);
    if (values.audit) {
      const ok = auditBallot(encrypted.ballot, el.publicKey, encrypted.secrets);
      console.log(JSON.stringify({ audited: encrypted.trackingCode, choices, randomness: encrypted.secrets.randomness, encryptionMatches: ok }, null, 2));
      console.log(ok ? 'audit passed: the ballot encrypted exactly these choices. It has been discarded; vote again to cast.' : 'AUDIT FAILED: the ballot does not encrypt these choices. Do not use this device.');
      return ok ? 0 : 1;
    }
    if (el.phase !== 'open') throw new ServerError(`the poll is not open (phase: ${el.phase})`);
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
