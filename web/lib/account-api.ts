// The accounts API for the login, members and admin pages (src/server/routes/accounts.ts). The session
// is an HttpOnly cookie the page never sees; the browser sends it (and its Origin) with each request.
import { ApiError } from './api.js';
import { t } from './i18n.js';

export interface Membership { org: string; role: string }
export interface SessionInfo { account?: string; email?: string; operator?: boolean; via?: string | null; memberships: Membership[] }
export interface Member { account: string; email: string; role: string }
export interface AuditEntry { seq: number; at: string; actor: string; action: string; target: string | null; status: number; address: string; detail: Record<string, unknown> }

export async function accountCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method, credentials: 'same-origin', cache: 'no-store',
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, e.error ?? `http-${res.status}`, e.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

/** The signed-in account, or null when there is no session. */
export async function currentSession(): Promise<SessionInfo | null> {
  try {
    return await accountCall<SessionInfo>('GET', '/api/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export const logout = () => accountCall<unknown>('POST', '/api/logout');
