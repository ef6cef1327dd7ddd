// Who is calling, and may they do this here: the operator (the admin token, for automation and to set
// up organisations), an account signed in by session cookie (with a role per organisation), or another
// token (trustee, credential authority: their own routes decide). Roles act only on their own
// organisation's elections; a session made through one organisation's own provider acts only there.
// Cookie-authenticated requests that change something must come from this server's own origin (CSRF;
// the cookie is SameSite=Strict as well). Every admin action is written to the audit log.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BoardStore } from '../../board/store.js';
import { bearerToken, principalOf, type Principal } from '../auth.js';
import { HttpError } from '../errors.js';
import { LoginAttempts } from './attempts.js';
import { OidcLogin } from './oidc.js';
import { cookie, SECRET_ID, SESSION_COOKIE, sessionHash } from './sessions.js';
import type { Account, AccountStore, OidcSettings, Role } from './store.js';

export interface AccountSettings {
  store: AccountStore;
  /** VECHE_PUBLIC_URL: this server's origin (CSRF check, OIDC redirect, password-set links). */
  publicUrl?: string;
  /** The server-wide OpenID Connect provider (VECHE_OIDC_*). */
  oidc?: OidcSettings | null;
  attempts?: LoginAttempts;
  /** scrypt's N for new password hashes; default SCRYPT.N (2^17). Lower only in tests. */
  scryptN?: number;
}

export type Caller =
  | { kind: 'operator' }
  | { kind: 'account'; account: Account; via: string | null; session: string }
  | { kind: 'token'; principal: Principal };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const actorName = (c: Caller): string =>
  c.kind === 'operator' ? 'operator' : c.kind === 'account' ? `account:${c.account.id} ${c.account.email}` : `${c.principal.role}-token`;

export interface Checked { caller: Caller; org: string | null; action: string; target: string | null }

export class Access {
  readonly store: AccountStore;
  readonly attempts: LoginAttempts;
  readonly oidc: OidcLogin;
  private checked = new WeakMap<FastifyRequest, Checked>();

  constructor(readonly boardStore: BoardStore, readonly settings: AccountSettings) {
    this.store = settings.store;
    this.attempts = settings.attempts ?? new LoginAttempts();
    this.oidc = new OidcLogin(settings.oidc ?? null, settings.publicUrl);
  }

  /** This server's origin as browsers name it. */
  origin(req: FastifyRequest): string {
    return this.settings.publicUrl ? new URL(this.settings.publicUrl).origin : `${req.protocol}://${req.headers.host ?? ''}`;
  }

  secure(req: FastifyRequest): boolean {
    return this.settings.publicUrl ? this.settings.publicUrl.startsWith('https:') : req.protocol === 'https';
  }

  /** Refuses a state-changing request whose Origin is not this server (a cross-site form or script). */
  checkOrigin(req: FastifyRequest): void {
    if (SAFE_METHODS.has(req.method)) return;
    const origin = req.headers.origin;
    if (origin !== this.origin(req)) throw new HttpError(403, 'bad-origin', `requests signed in by cookie must come from ${this.origin(req)} (Origin: ${origin ?? 'none'})`);
  }

  async caller(req: FastifyRequest): Promise<Caller | null> {
    const token = bearerToken(req);
    if (token !== null) {
      const p = await principalOf(this.boardStore, token);
      return p === null ? null : p.role === 'admin' ? { kind: 'operator' } : { kind: 'token', principal: p };
    }
    const sid = cookie(req, SESSION_COOKIE);
    if (sid === null || !SECRET_ID.test(sid)) return null;
    const session = await this.store.session(sessionHash(sid));
    if (!session || session.expires <= Date.now()) return null;
    const account = await this.store.account(session.account);
    if (!account) return null;
    this.checkOrigin(req);
    return { kind: 'account', account, via: session.via, session: sessionHash(sid) };
  }

  /** The caller's role in the organisation ("operator" for the admin token), or null. */
  async roleIn(caller: Caller, org: string): Promise<Role | 'operator' | null> {
    if (caller.kind === 'operator') return 'operator';
    if (caller.kind !== 'account' || (caller.via !== null && caller.via !== org)) return null;
    return this.store.role(org, caller.account.id);
  }

  /** Notes who made a request and what it is, for its audit entry (auditReply). */
  remember(req: FastifyRequest, c: Checked): void { this.checked.set(req, c); }

  /** Someone signed in (any kind), else 401. */
  async requireCaller(req: FastifyRequest): Promise<Caller> {
    const c = await this.caller(req);
    if (!c) throw new HttpError(401, 'unauthorized', 'sign in (/login), or send a valid token as "Authorization: Bearer <token>"');
    return c;
  }

  /** One of `roles` in the organisation (the operator always), else 403; the request is then audited under `action`. */
  async requireOrg(req: FastifyRequest, org: string, roles: readonly Role[], action: string, target: string | null = null): Promise<Caller> {
    const caller = await this.requireCaller(req);
    this.remember(req, { caller, org, action, target });
    const role = await this.roleIn(caller, org);
    if (role !== 'operator' && (role === null || !roles.includes(role))) throw new HttpError(403, 'forbidden', `this needs the role ${roles.join(' or ')} in organisation ${org}`);
    if (!(await this.store.organisation(org))) throw new HttpError(404, 'unknown-organisation', `no organisation "${org}"`);
    return caller;
  }

  /** The operator (admin token) only. */
  async requireOperator(req: FastifyRequest, action: string, target: string | null = null): Promise<void> {
    const caller = await this.requireCaller(req);
    this.remember(req, { caller, org: null, action, target });
    if (caller.kind !== 'operator') throw new HttpError(403, 'forbidden', "this needs the server operator's admin token");
  }

  /** One of `roles` in the organisation the election belongs to; elections of no organisation: the operator only. */
  async requireElection(req: FastifyRequest, election: string, roles: readonly Role[], action: string): Promise<Caller> {
    const caller = await this.requireCaller(req);
    const org = await this.store.electionOrg(election);
    this.remember(req, { caller, org, action, target: `election:${election}` });
    if (caller.kind === 'operator') return caller;
    const role = org === null ? null : await this.roleIn(caller, org);
    if (role === null || role === 'operator' || !roles.includes(role)) throw new HttpError(403, 'forbidden', `this needs the role ${roles.join(' or ')} in the organisation of election ${election}`);
    return caller;
  }

  /** The audit entry of a request checked above (its answer's status and a few fields of it, never tokens). */
  async auditReply(req: FastifyRequest, reply: FastifyReply, payload: unknown, extra: Record<string, unknown> = {}): Promise<void> {
    const c = this.checked.get(req);
    if (!c) return;
    this.checked.delete(req);
    let detail: Record<string, unknown> = { ...extra };
    if (typeof payload === 'string') {
      try {
        const body = JSON.parse(payload) as Record<string, unknown>;
        for (const k of ['phase', 'headSeq', 'headHash', 'id', 'electionHash', 'error', 'role', 'account', 'trustee', 'seq', 'hash']) if (k in body) detail[k] = body[k];
      } catch { /* not JSON */ }
    }
    await this.audit(req, c.caller, c.org, c.action, c.target, reply.statusCode, detail);
  }

  async audit(req: FastifyRequest, caller: Caller | string, org: string | null, action: string, target: string | null, status: number, detail: Record<string, unknown> = {}): Promise<void> {
    await this.store.appendAudit({ org, at: Date.now(), actor: typeof caller === 'string' ? caller : actorName(caller), action, target, status, address: req.ip, detail: JSON.stringify(detail) });
  }
}
