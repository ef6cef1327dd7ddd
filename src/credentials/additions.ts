// Credentials added after the list is published (spec §6.4): a late voter, or a new credential for a
// voter whose credential was revoked. Signed by the credential authority like the list, so neither the
// admin nor the board operator can add a voter. One check for the board and the verifier.
import { decodePublicKey } from '../crypto/group.js';
import { checkPayloadSignature, signPayload, signingSecret } from '../record/signature.js';
import type { Manifest } from '../manifest/types.js';
import { MAX_CREDENTIAL_WEIGHT, MAX_TOTAL_WEIGHT, type AddedCredential, type CredentialsAddedPayload } from '../record/events.js';

const AUTHORITY = { role: 'credential-authority', id: null } as const;

/** Sorts the entries by key (the rule of §6.4) and signs them; `addedWeight` counts the entries that replace nothing. */
export function signCredentialsAdded(election: string, entries: AddedCredential[], signing: { secret: string }): CredentialsAddedPayload {
  const credentials = entries
    .map((c) => (c.replaces === undefined ? { key: c.key, weight: c.weight } : { key: c.key, weight: c.weight, replaces: c.replaces }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const addedWeight = credentials.reduce((a, c) => a + (c.replaces === undefined ? c.weight : 0), 0);
  return signPayload(election, AUTHORITY, 'credentials-added', { credentials, addedWeight }, signingSecret(signing));
}

/** What an addition is judged against: the credentials listed so far (revoked ones included), with their weights. */
export interface CredentialsSoFar {
  weight(key: string): number | undefined;
  revoked(key: string): boolean;
  /** A revoked key that an earlier addition already replaced. */
  replaced(key: string): boolean;
  eligibleWeight: number;
}

export type AdditionProblem = { check: 'credentials.additions' | 'credentials.signature'; code: string; message: string };

/** Why the addition is refused, or null. Shape and bounds, then the state, then the signature. */
export function checkCredentialsAdded(election: string, manifest: Manifest, payload: unknown, so: CredentialsSoFar): AdditionProblem | null {
  const fail = (code: string, message: string): AdditionProblem => ({ check: 'credentials.additions', code, message });
  const p = payload as CredentialsAddedPayload;
  if (typeof p !== 'object' || p === null || Object.keys(p).sort().join(',') !== 'addedWeight,credentials,signature') return fail('malformed', 'expected exactly {credentials, addedWeight, signature}');
  if (!Array.isArray(p.credentials) || p.credentials.length === 0) return fail('malformed', 'expected a non-empty list');
  let added = 0;
  const replacing = new Set<string>();
  for (const [i, c] of p.credentials.entries()) {
    const where = `credentials[${i}]`;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return fail('malformed', `${where}: expected {key, weight} or {key, weight, replaces}`);
    const fields = Object.keys(c).sort().join(',');
    if (fields !== 'key,weight' && fields !== 'key,replaces,weight') return fail('malformed', `${where}: expected {key, weight} or {key, weight, replaces}`);
    try { decodePublicKey(c.key, `${where}.key`); } catch (e) { return fail('malformed', (e as Error).message); }
    if (!Number.isSafeInteger(c.weight) || c.weight < 1 || c.weight > MAX_CREDENTIAL_WEIGHT) return fail('malformed', `${where}.weight: a whole number from 1 to ${MAX_CREDENTIAL_WEIGHT}`);
    if (i > 0 && !(p.credentials[i - 1]!.key < c.key)) return fail('malformed', 'keys must be sorted and distinct');
    // A key already on the list (revoked or not) is never listed again: its ballots would count twice, or come back.
    if (so.weight(c.key) !== undefined) return fail('duplicate', `${where}.key is already on the list`);
    if (c.replaces === undefined) { added += c.weight; continue; }
    if (typeof c.replaces !== 'string') return fail('malformed', `${where}.replaces: a public credential`);
    const old = so.weight(c.replaces);
    if (old === undefined) return fail('unknown-credential', `${where}.replaces names no credential on the list`);
    if (!so.revoked(c.replaces)) return fail('not-revoked', `${where}.replaces a credential that is not revoked`);
    if (so.replaced(c.replaces) || replacing.has(c.replaces)) return fail('duplicate', `${where}.replaces a credential already replaced`);
    // A replacement keeps the electorate's weight: the same weight, not added to the total.
    if (c.weight !== old) return fail('malformed', `${where}.weight is ${c.weight}, the credential it replaces weighs ${old}`);
    replacing.add(c.replaces);
  }
  if (added !== p.addedWeight) return fail('malformed', `addedWeight is ${String(p.addedWeight)}, the new voters' weights sum to ${added}`);
  if (so.eligibleWeight + added > MAX_TOTAL_WEIGHT) return fail('malformed', `total weight above ${MAX_TOTAL_WEIGHT}`);
  const bad = checkPayloadSignature(election, manifest, AUTHORITY, 'credentials-added', p);
  return bad ? { check: 'credentials.signature', code: 'bad-signature', message: `credentials added: ${bad}` } : null;
}

/** The state after an accepted addition (board and verifier alike). */
export function applyCredentialsAdded(p: CredentialsAddedPayload, credentials: Map<string, number>, replaced: Set<string>): number {
  for (const c of p.credentials) {
    credentials.set(c.key, c.weight);
    if (c.replaces !== undefined) replaced.add(c.replaces);
  }
  return p.addedWeight;
}
