// For the accounts tests: a veche server with accounts on a real store (SQLite file, or a fresh
// PostgreSQL database holding both the board's and the accounts' tables), and a small browser-like
// HTTP client: a cookie jar (domain, path, Max-Age), redirects followed by hand, an Origin header like a
// browser's on requests that change something. Only exports.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
import { MIN_SCRYPT_N } from '../src/server/accounts/passwords.js';
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

export async function startAccountsServer(s: AccountsStores, opts: { oidc?: OidcSettings; limits?: AttemptLimits; settings?: ServerSettings; port?: number; publicUrl?: string; scryptN?: number } = {}): Promise<AccountsServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'veche-accounts-'));
  const admin = await ensureAdminToken(s.board, dataDir);
  // The redirect URI is built from the public URL, so the port is chosen before the server starts.
  const port = opts.port ?? await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { app, elections } = await buildApp(s.board, {
    rateLimit: 0, webDir: null, scheduleIntervalMs: 0, ...opts.settings,
    accounts: { store: s.accounts, publicUrl: opts.publicUrl ?? base, scryptN: opts.scryptN ?? MIN_SCRYPT_N, oidc: opts.oidc ?? null, ...(opts.limits ? { attempts: new LoginAttempts(opts.limits) } : {}) },
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

// ---- a real OpenID Connect provider (oidc-provider) on loopback, with its own password form ----

export interface User { password: string; email: string; verified: boolean }

export interface TestProvider { issuer: string; clientId: string; clientSecret: string; users: Map<string, User>; close(): Promise<void> }

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

/** oidc-provider on 127.0.0.1 with one confidential client for `redirectUri` and a password form. */
export async function startProvider(redirectUri: string): Promise<TestProvider> {
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: any };
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const users = new Map<string, User>();
  const clientId = 'veche-test';
  const clientSecret = 'a-test-client-secret-of-enough-length-0123456789';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    findAccount: async (_ctx: unknown, id: string) => {
      const u = users.get(id);
      return u ? { accountId: id, claims: async () => ({ sub: id, email: u.email, email_verified: u.verified }) } : undefined;
    },
    // The test client is first-party: its grant is given without a consent screen.
    loadExistingGrant: async (ctx: any) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  const form = (res: ServerResponse, uid: string, error = '') => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Test provider</title><h1>Sign in to the test provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login"><label>User <input name="login" id="login"></label><label>Password <input name="password" id="password" type="password"></label><button type="submit" id="sign-in">Sign in</button></form>`);
  };
  const server: Server = createServer((req, res) => {
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(req.url ?? '');
    if (!m) { callback(req, res); return; }
    (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== m[1]) throw new Error('interaction mismatch');
      if (!m[2]) return form(res, m[1]!);
      const body = await readForm(req);
      const login = body.get('login') ?? '';
      const user = users.get(login);
      if (!user || user.password !== body.get('password')) return form(res, m[1]!, 'wrong user or password');
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    })().catch((e: unknown) => { res.writeHead(500); res.end(String(e)); });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { issuer, clientId, clientSecret, users, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
