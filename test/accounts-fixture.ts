// For the accounts tests: a veche server with accounts on a real store (SQLite file, or a fresh
// PostgreSQL database holding both the board's and the accounts' tables), and a small browser-like
// HTTP client: a cookie jar (domain, path, Max-Age), redirects followed by hand, an Origin header like a
// browser's on requests that change something. Only exports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { PostgresStore } from '../src/board/postgres-store.js';
import type { BoardStore } from '../src/board/store.js';
import { buildApp, type ServerSettings } from '../src/server/app.js';
import { ensureAdminToken } from '../src/server/auth.js';
import type { Elections } from '../src/server/elections.js';
import { SqliteAccountStore } from '../src/server/accounts/sqlite-store.js';
import { PostgresAccountStore } from '../src/server/accounts/postgres-store.js';
import type { AccountStore, OidcSettings } from '../src/server/accounts/store.js';
import { LoginAttempts, type AttemptLimits } from '../src/server/accounts/attempts.js';
import { freshDatabase } from './helpers/postgres.js';
import { freePort } from './helpers/server-process.js';

export interface AccountsStores { name: string; board: BoardStore; accounts: AccountStore; dispose(): Promise<void> }

/** Both stores; make() returns null when PostgreSQL is unavailable here (test/helpers/postgres.ts says so loudly). */
export function accountStores(): { name: string; make(label: string): Promise<AccountsStores | null> }[] {
  return [
    {
      name: 'sqlite',
      async make(label) {
        const dir = mkdtempSync(join(tmpdir(), `veche-${label}-`));
        const board = new SqliteStore(join(dir, 'veche.sqlite'));
        const accounts = new SqliteAccountStore(join(dir, 'veche.sqlite'));
        return { name: 'sqlite', board, accounts, async dispose() { await accounts.close(); await board.close(); rmSync(dir, { recursive: true, force: true }); } };
      },
    },
    {
      name: 'postgres',
      async make(label) {
        const db = await freshDatabase(label);
        if (!db) return null;
        const board = await PostgresStore.connect(db.url);
        const accounts = await PostgresAccountStore.connect(db.url);
        return { name: 'postgres', board, accounts, async dispose() { await accounts.close(); await board.close(); await db.drop(); } };
      },
    },
  ];
}

export interface AccountsServer { base: string; adminToken: string; elections: Elections; close(): Promise<void> }

export async function startAccountsServer(s: AccountsStores, opts: { oidc?: OidcSettings; limits?: AttemptLimits; settings?: ServerSettings; port?: number } = {}): Promise<AccountsServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-accounts-'));
  const admin = await ensureAdminToken(s.board, dataDir);
  // The redirect URI is built from the public URL, so the port is chosen before the server starts.
  const port = opts.port ?? await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { app, elections } = await buildApp(s.board, {
    rateLimit: 0, webDir: null, scheduleIntervalMs: 0, ...opts.settings,
    accounts: { store: s.accounts, publicUrl: base, oidc: opts.oidc ?? null, ...(opts.limits ? { attempts: new LoginAttempts(opts.limits) } : {}) },
  });
  await app.listen({ port, host: '127.0.0.1' });
  return { base, adminToken: admin.token!, elections, async close() { await app.close(); rmSync(dataDir, { recursive: true, force: true }); } };
}

interface StoredCookie { name: string; value: string; host: string; path: string; expires: number; attributes: string }

export interface Answer { status: number; body: any; text: string; headers: Headers; url: string; setCookies: string[] }

/** A browser's HTTP side, enough for login flows. */
export class TestBrowser {
  cookies: StoredCookie[] = [];

  private store(url: URL, header: string): void {
    const [pair, ...attrs] = header.split(';').map((p) => p.trim());
    const i = pair!.indexOf('=');
    const name = pair!.slice(0, i);
    const value = pair!.slice(i + 1);
    let path = '/';
    let expires = Infinity;
    for (const a of attrs) {
      const [k, v] = a.split('=') as [string, string | undefined];
      if (k.toLowerCase() === 'path' && v) path = v;
      if (k.toLowerCase() === 'max-age' && v !== undefined) expires = Date.now() + Number(v) * 1000;
      if (k.toLowerCase() === 'expires' && v !== undefined && expires === Infinity) expires = Date.parse(v);
    }
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === url.host && c.path === path));
    if (expires > Date.now() && value !== '') this.cookies.push({ name, value, host: url.host, path, expires, attributes: attrs.join('; ') });
  }

  cookieHeader(url: URL): string {
    return this.cookies.filter((c) => c.host === url.host && url.pathname.startsWith(c.path) && c.expires > Date.now()).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  cookie(host: string, name: string): StoredCookie | undefined {
    return this.cookies.find((c) => c.host === host && c.name === name);
  }

  /** One request (no redirect followed). `origin`: sent as Origin (default: the URL's own, on non-GET). */
  async request(method: string, url: string, opts: { json?: unknown; form?: Record<string, string>; origin?: string | null; token?: string } = {}): Promise<Answer> {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    const c = this.cookieHeader(u);
    if (c) headers.cookie = c;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const origin = opts.origin === undefined ? (method === 'GET' ? null : u.origin) : opts.origin;
    if (origin !== null) headers.origin = origin;
    let body: string | undefined;
    if (opts.json !== undefined) { body = JSON.stringify(opts.json); headers['content-type'] = 'application/json'; }
    if (opts.form) { body = new URLSearchParams(opts.form).toString(); headers['content-type'] = 'application/x-www-form-urlencoded'; }
    const res = await fetch(u, { method, headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const h of setCookies) this.store(u, h);
    const text = await res.text();
    let parsed: unknown = null;
    try { parsed = JSON.parse(text); } catch { /* HTML */ }
    return { status: res.status, body: parsed, text, headers: res.headers, url: u.href, setCookies };
  }

  /** GETs `url` and follows redirects (as a browser does after a form post or a link). */
  async follow(first: Answer | string, max = 20): Promise<Answer & { visited: string[] }> {
    let answer = typeof first === 'string' ? await this.request('GET', first) : first;
    const visited = [answer.url];
    for (let i = 0; i < max && answer.status >= 300 && answer.status < 400; i++) {
      const next = new URL(answer.headers.get('location')!, answer.url).href;
      answer = await this.request('GET', next);
      visited.push(next);
    }
    return { ...answer, visited };
  }
}
