// The HTTP API (docs/api.md): JSON in and out, errors as {error, message} with a 4xx status.
import type { Manifest } from '../../src/manifest/types.js';
import type { ResultPayload } from '../../src/record/events.js';
import type { Receipt } from '../../src/board/receipt.js';
import type { BallotJson } from '../../src/ballot/types.js';
import { has, t } from './i18n.js';

export type Phase = 'setup' | 'open' | 'closed' | 'tallied' | 'decrypted';

export interface ElectionSummary { id: string; title: string; phase: Phase; ballots: number; test?: boolean }

export interface TrusteeStatus { id: string; name: string; committed: boolean; keyPublished: boolean; sharesSent: boolean; ready: boolean; decrypted: boolean }

export interface ElectionInfo {
  id: string;
  electionHash: string;
  manifest: Manifest;
  phase: Phase;
  jointKey: string | null;
  boardKey: string;
  trustees: TrusteeStatus[];
  eligible: number;
  eligibleWeight: number;
  ballots: number;
  headSeq: number;
  headHash: string;
}

export interface BoardRow { seq: number; type: string; hash: string; prev: string; time: string; trackingCode?: string; superseded?: boolean; revoked?: boolean }
export interface BoardPage { events: BoardRow[]; headSeq: number }

export interface VerificationCheck { id: string; description?: string; passed?: number; failed?: number; failures?: { seq: number | null; message: string }[] }
export interface ResultInfo { result: ResultPayload | null; verified: boolean | null; checks?: VerificationCheck[] }

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, e.error ?? `http-${res.status}`, e.message ?? `${res.status} ${res.statusText}`);
  }
  if (json === null && text) throw new ApiError(res.status, 'bad-response', t('error.badResponse'));
  return json as T;
}

/** A JSON call to the meetings' and forums' routes (no token: their actions are signed); the server's refusal as an ApiError. */
export async function publicRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const json = (await res.json().catch(() => null)) as (T & { error?: string; message?: string }) | null;
  if (!res.ok) throw new ApiError(res.status, json?.error ?? `http-${res.status}`, json?.message ?? res.statusText);
  if (json === null) throw new ApiError(res.status, 'bad-response', t('error.badResponse'));
  return json;
}

const enc = encodeURIComponent;
const el = (id: string) => `/api/elections/${enc(id)}`;

let publicBase = location.origin;
/** The server's public address (VECHE_PUBLIC_URL), else this page's origin: the base of the links a page hands out. */
export const linkBase = (): string => publicBase;
/** Asks the server once for its public address; a page calls it before it shows a link. */
export async function loadLinkBase(): Promise<void> {
  try {
    const r = await request<{ publicUrl: string | null }>('GET', '/api/server');
    if (typeof r.publicUrl === 'string' && /^https?:\/\/[^/\s]+$/.test(r.publicUrl.replace(/\/$/, ''))) publicBase = r.publicUrl.replace(/\/$/, '');
  } catch { /* an older server: this page's origin */ }
}

export const api = {
  elections: () => request<ElectionSummary[]>('GET', '/api/elections'),
  election: (id: string) => request<ElectionInfo>('GET', el(id)),
  board: (id: string, from: number, limit: number) => request<BoardPage>('GET', `${el(id)}/board?from=${from}&limit=${limit}`),
  /** When this credential (its public key) last voted, or null: for a returning voter. */
  async lastBallot(id: string, credentialKey: string): Promise<{ seq: number; time: string } | null> {
    try {
      return await request<{ seq: number; time: string }>('GET', `${el(id)}/voters/${enc(credentialKey)}/last-ballot`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  findBallot: (id: string, trackingCode: string) => request<{ trackingCode: string; seq: number; hash: string }>('GET', `${el(id)}/ballots/${enc(trackingCode)}`),
  result: (id: string) => request<ResultInfo>('GET', `${el(id)}/result`),
  recordUrl: (id: string) => `${el(id)}/record`,
  /**
   * The record's lines, exactly as served (`query`: e.g. `?until=poll-opened`), for the verifier's own
   * checks: split at LF only, dropping only a final empty line; bytes that are not UTF-8 (or a BOM) are
   * kept as the verifier must see them, so such a record fails its checks instead of being repaired here.
   */
  async recordLines(id: string, query = ''): Promise<string[]> {
    let res: Response;
    try {
      res = await fetch(`${el(id)}/record${query}`, { cache: 'no-store', credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'network', t('error.network'));
    }
    if (!res.ok) {
      const e = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
      throw new ApiError(res.status, e.error ?? `http-${res.status}`, e.message ?? res.statusText);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await res.arrayBuffer());
    } catch {
      throw new ApiError(res.status, 'bad-response', t('error.badResponse'));
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
  },
  castBallot: (id: string, ballot: BallotJson) => request<{ receipt: Receipt }>('POST', `${el(id)}/ballots`, ballot),

  // Admin
  createElection: (token: string, manifest: Manifest) =>
    request<{ id: string; electionHash: string; trusteeTokens: Record<string, string>; authorityToken: string }>('POST', '/api/elections', manifest, token),
  adminAction: (token: string, id: string, action: 'open' | 'close' | 'tally' | 'result') => request<unknown>('POST', `${el(id)}/${action}`, undefined, token),
  /** A new token for a trustee who lost theirs (the old one stops working). */
  newTrusteeToken: (token: string, id: string, trustee: string) => request<{ trustee: string; token: string }>('POST', `${el(id)}/trustees/${enc(trustee)}/token`, undefined, token),

};

/** A message for the person: the translated text for a known error code, else the server's own words. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const key = `error.code.${e.code}`;
    if (!has(key)) return e.message;
    // The server's words add detail (which proof, which field) unless they only repeat the translation.
    const text = t(key);
    return text.toLowerCase() === e.message.toLowerCase() ? text : `${text} (${e.message})`;
  }
  return e instanceof Error ? e.message : String(e);
}
