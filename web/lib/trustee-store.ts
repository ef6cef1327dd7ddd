// What the trustee and credential authority pages keep in this browser, and how they talk to the board.
// A signer's secret (signing key, key ceremony state) lives in localStorage under the election and
// signer id, and is offered as a file download (the same JSON as `veche trustee init` or
// `veche credentials init` writes) that can be loaded back. The record is always fetched whole and
// checked in the page before anything is signed; posts go with the signer's token.
import { baseMul, decodePublicKey, decodeScalar, encodePoint } from '../../src/crypto/group.js';
import type { TrusteeSecret } from '../../src/keyceremony/trustee.js';
import type { AuthoritySecret } from '../../src/credentials/authority.js';
import { ApiError } from './api.js';
import { t } from './i18n.js';

const trusteeKey = (election: string, trustee: string) => `veche-trustee-secret:${election}:${trustee}`;
const authorityKey = (election: string) => `veche-authority-secret:${election}`;

function read<T>(key: string): T | null {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch { return null; }
}

function write(key: string, value: unknown): boolean {
  try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch { return false; }
}

/** True when `pair.key` is the public key of `pair.secret`. */
function pairOk(pair: unknown): boolean {
  const p = pair as { secret?: unknown; key?: unknown } | null;
  try {
    if (typeof p?.secret !== 'string' || typeof p.key !== 'string') return false;
    decodePublicKey(p.key);
    return encodePoint(baseMul(decodeScalar(p.secret))) === p.key;
  } catch { return false; }
}

/** Checks a trustee secret file's shape; throws with the reason. */
export function parseTrusteeSecret(text: string, trustee: string): TrusteeSecret {
  let s: TrusteeSecret;
  try { s = JSON.parse(text) as TrusteeSecret; } catch { throw new Error(t('trustee.notSecretFile')); }
  if (s?.version !== 'veche/trustee-secret/v2' || typeof s.trustee !== 'string' || !pairOk(s.signing)) throw new Error(t('trustee.notSecretFile'));
  if (s.trustee !== trustee) throw new Error(t('trustee.otherTrustee', { id: s.trustee }));
  try {
    s.coefficients?.forEach((c) => decodeScalar(c));
    if (s.encryptionSecret !== undefined) decodeScalar(s.encryptionSecret);
    if (s.share !== undefined) decodeScalar(s.share);
  } catch { throw new Error(t('trustee.notSecretFile')); }
  return s;
}

export function parseAuthoritySecret(text: string): AuthoritySecret {
  let a: AuthoritySecret;
  try { a = JSON.parse(text) as AuthoritySecret; } catch { throw new Error(t('authority.notSecretFile')); }
  if (a?.version !== 'veche/authority-secret/v2' || !pairOk(a.signing)) throw new Error(t('authority.notSecretFile'));
  return a;
}

export const loadTrustee = (election: string, trustee: string): TrusteeSecret | null => {
  const s = read<TrusteeSecret>(trusteeKey(election, trustee));
  try { return s ? parseTrusteeSecret(JSON.stringify(s), trustee) : null; } catch { return null; }
};
export const saveTrustee = (election: string, secret: TrusteeSecret): boolean => write(trusteeKey(election, secret.trustee), secret);

export const loadAuthority = (election: string): AuthoritySecret | null => {
  const a = read<AuthoritySecret>(authorityKey(election));
  try { return a ? parseAuthoritySecret(JSON.stringify(a)) : null; } catch { return null; }
};
export const saveAuthority = (election: string, a: AuthoritySecret): boolean => write(authorityKey(election), a);

/** The secret file's text, as the CLI writes it. */
export const secretFileText = (secret: unknown): string => JSON.stringify(secret, null, 2) + '\n';

/** The whole record, as lines (the page checks it itself: nothing the server says about it is trusted). */
export async function fetchRecordLines(election: string): Promise<string[]> {
  let res: Response;
  try {
    res = await fetch(`/api/elections/${encodeURIComponent(election)}/record`, { cache: 'no-store', headers: { accept: 'application/x-ndjson' } });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new ApiError(res.status, e.error ?? `http-${res.status}`, e.message ?? res.statusText);
  }
  const lines = (await res.text()).split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** POSTs JSON with a bearer token; the parsed answer, or an ApiError. */
export async function postJson<T>(path: string, body: unknown, token: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body ?? {}), cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* reported below */ }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, e.error ?? `http-${res.status}`, e.message ?? `${res.status} ${res.statusText}`);
  }
  if (json === null) throw new ApiError(res.status, 'bad-response', t('error.badResponse'));
  return json as T;
}
