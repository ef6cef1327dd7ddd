// Who may call the admin and trustee routes. Tokens are random, shown once, and kept only as hashes
// (SHA-256 with a domain tag) in the store's settings, so a copy of the database gives no token.
//   admin token:   any text the operator holds; hash in setting "auth:admin-token"
//   trustee token: "vt1.<election>.<trustee>.<random>"; hash in "auth:trustee-token:<election>:<trustee>"
//   authority token: "vc1.<election>.<random>"; hash in "auth:authority-token:<election>" (the credential authority)
// The trustee token names its election and trustee so the server knows which hash to compare with;
// those ids are public, only the random part is secret.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { BoardStore } from '../board/store.js';
import { hashHex } from '../crypto/hash.js';
import { ID_PATTERN } from '../manifest/validate.js';
import { HttpError } from './errors.js';

const TAG_TOKEN = 'server/token';
export const ADMIN_TOKEN_SETTING = 'auth:admin-token';
export const trusteeTokenSetting = (election: string, trustee: string) => `auth:trustee-token:${election}:${trustee}`;
export const authorityTokenSetting = (election: string) => `auth:authority-token:${election}`;
export const ADMIN_TOKEN_FILE = 'admin-token';

const TOKEN_TEXT = /^[A-Za-z0-9._~+/=-]{16,256}$/;

export const tokenHash = (token: string): string => hashHex(TAG_TOKEN, token);

const randomPart = () => randomBytes(32).toString('base64url');
export const newAdminToken = (): string => `va1.${randomPart()}`;
export const newTrusteeToken = (election: string, trustee: string): string => `vt1.${election}.${trustee}.${randomPart()}`;
export const newAuthorityToken = (election: string): string => `vc1.${election}.${randomPart()}`;

/** Constant-time comparison of two SHA-256 hex digests. */
function sameDigest(a: string | null, b: string): boolean {
  if (a === null || a.length !== 64) return false;
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

export type Principal = { role: 'admin' } | { role: 'trustee'; election: string; trustee: string } | { role: 'authority'; election: string };

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/** Who holds this token, or null if nobody (a wrong token and no token look the same to the caller). */
export async function principalOf(store: BoardStore, token: string | null): Promise<Principal | null> {
  if (token === null || !TOKEN_TEXT.test(token)) return null;
  const digest = tokenHash(token);
  if (sameDigest(await store.getSetting(ADMIN_TOKEN_SETTING), digest)) return { role: 'admin' };
  const parts = token.split('.');
  if (parts.length === 4 && parts[0] === 'vt1' && ID_PATTERN.test(parts[1]!) && ID_PATTERN.test(parts[2]!)) {
    const [, election, trustee] = parts as [string, string, string, string];
    if (sameDigest(await store.getSetting(trusteeTokenSetting(election, trustee)), digest)) return { role: 'trustee', election, trustee };
  }
  if (parts.length === 3 && parts[0] === 'vc1' && ID_PATTERN.test(parts[1]!)) {
    const election = parts[1]!;
    if (sameDigest(await store.getSetting(authorityTokenSetting(election)), digest)) return { role: 'authority', election };
  }
  return null;
}

const unauthorized = () => new HttpError(401, 'unauthorized', 'send a valid token as "Authorization: Bearer <token>"');

export async function requireAdmin(store: BoardStore, req: FastifyRequest): Promise<void> {
  const who = await principalOf(store, bearerToken(req));
  if (!who) throw unauthorized();
  if (who.role !== 'admin') throw new HttpError(403, 'forbidden', 'this needs the admin token');
}

export async function requireTrustee(store: BoardStore, req: FastifyRequest, election: string, trustee: string): Promise<void> {
  const who = await principalOf(store, bearerToken(req));
  if (!who) throw unauthorized();
  if (who.role !== 'trustee' || who.election !== election || who.trustee !== trustee) {
    throw new HttpError(403, 'forbidden', `this needs the token of trustee ${trustee} of election ${election}`);
  }
}

export async function requireAuthority(store: BoardStore, req: FastifyRequest, election: string): Promise<void> {
  const who = await principalOf(store, bearerToken(req));
  if (!who) throw unauthorized();
  if (who.role !== 'authority' || who.election !== election) throw new HttpError(403, 'forbidden', `this needs the credential authority's token of election ${election}`);
}

/** A new token for the election's credential authority (the old one stops working); shown once. */
export async function issueAuthorityToken(store: BoardStore, election: string): Promise<string> {
  const token = newAuthorityToken(election);
  await store.setSetting(authorityTokenSetting(election), tokenHash(token));
  return token;
}

/** Makes a new token for each trustee of an election, stores their hashes, and returns the tokens (shown once). */
export async function issueTrusteeTokens(store: BoardStore, election: string, trustees: string[]): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const t of trustees) {
    tokens[t] = newTrusteeToken(election, t);
    await store.setSetting(trusteeTokenSetting(election, t), tokenHash(tokens[t]));
  }
  return tokens;
}

export interface AdminTokenInfo {
  /** The token, when this process knows it (just made, read from the file, or given); else null. */
  token: string | null;
  source: 'created' | 'file' | 'env' | 'store-only';
  file: string;
}

/**
 * The admin token: made at first start (hash in the store, text in DATA_DIR/admin-token, mode 0600), or
 * given by VECHE_ADMIN_TOKEN (for several server nodes over one database). An existing token is never
 * replaced silently: without the file, the server still runs and the holder of the token still works.
 */
export async function ensureAdminToken(store: BoardStore, dataDir: string, given?: string): Promise<AdminTokenInfo> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  if (given !== undefined && given !== '') {
    if (!TOKEN_TEXT.test(given) || given.length < 32) throw new Error('VECHE_ADMIN_TOKEN: at least 32 characters of A-Z a-z 0-9 . _ ~ + / = -');
    await store.setSetting(ADMIN_TOKEN_SETTING, tokenHash(given));
    return { token: given, source: 'env', file };
  }
  const stored = await store.getSetting(ADMIN_TOKEN_SETTING);
  if (stored !== null) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8').trim();
      if (sameDigest(stored, tokenHash(text))) return { token: text, source: 'file', file };
    }
    return { token: null, source: 'store-only', file };
  }
  const token = newAdminToken();
  writeFileSync(file, token + '\n', { mode: 0o600 });
  await store.setSetting(ADMIN_TOKEN_SETTING, tokenHash(token));
  return { token, source: 'created', file };
}
