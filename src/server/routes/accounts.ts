// Accounts, organisations and sessions (docs/accounts.md): password and OpenID Connect login, logout,
// the operator's organisations, an organisation's members (invitations, roles, one-time password-set
// links), its elections and its audit log. Every request that changes something is audited.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Access } from '../accounts/access.js';
import { checkPassword, hashPassword, passwordProblem } from '../accounts/passwords.js';
import { CALLBACK_PATH, FLOW_COOKIE, FLOW_MINUTES, OidcError } from '../accounts/oidc.js';
import { clearCookie, cookie, newSecretId, passwordLinkHash, SECRET_ID, SESSION_COOKIE, SESSION_HOURS, sessionHash, setCookie } from '../accounts/sessions.js';
import { AccountExists, ROLES, type Account, type Role } from '../accounts/store.js';
import type { Elections } from '../elections.js';
import { HttpError } from '../errors.js';
import { electionSummary } from './public.js';
import { manifestBody, noQuery } from '../schemas.js';

const ID = '^[a-z0-9-]{1,64}$';
const id = { type: 'string', pattern: ID } as const;
const email = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' } as const;
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', additionalProperties: false, required, properties }) as const;
const orgParams = obj({ org: id });
const memberParams = obj({ org: id, account: { type: 'string', pattern: '^[0-9a-f]{16}$' } });
const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const auditQuery = obj({ after: { type: 'string', pattern: '^[0-9]{1,15}$' }, limit: { type: 'string', pattern: '^[0-9]{1,4}$' } }, []);
const https = { type: 'string', maxLength: 500, pattern: '^https?://' } as const;

/** Password-set links work for this long. */
export const PASSWORD_LINK_DAYS = 7;

const newAccountId = () => randomBytes(8).toString('hex');
type OrgP = { org: string };

export async function accountRoutes(app: FastifyInstance, opts: { elections: Elections; access: Access }): Promise<void> {
  const { elections, access } = opts;
  const store = access.store;

  // The audit entry is written before the answer leaves (a failed write fails the request).
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET') await access.auditReply(req, reply, payload);
    return payload;
  });

  const startSession = async (reply: FastifyReply, req: FastifyRequest, account: Account, via: string | null) => {
    const sid = newSecretId();
    await store.createSession(sessionHash(sid), account.id, Date.now() + SESSION_HOURS * 3_600_000, via);
    setCookie(reply, SESSION_COOKIE, sid, { secure: access.secure(req), maxAgeSeconds: SESSION_HOURS * 3600, sameSite: 'Strict' });
  };
  const whoAmI = async (account: Account, via: string | null) => ({
    account: account.id, email: account.email, via,
    memberships: (await store.memberships(account.id)).filter((m) => via === null || m.org === via),
  });

  // ---- password login ---------------------------------------------------------------------------------
  app.post<{ Body: { email: string; password: string } }>('/api/login/password', { schema: { querystring: noQuery, body: obj({ email, password }) } }, async (req, reply) => {
    access.checkOrigin(req); // login CSRF: a cross-site form must not sign the browser in as someone else
    const address = req.ip;
    const who = req.body.email.toLowerCase();
    const wait = access.attempts.blockedFor(who, address);
    if (wait > 0) {
      await access.audit(req, `login:${who}`, null, 'login-password', null, 429);
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new HttpError(429, 'too-many-attempts', `too many wrong passwords; try again in ${Math.ceil(wait / 60_000)} minute(s)`);
    }
    const account = await store.accountByEmail(who);
    if (!(await checkPassword(req.body.password, account?.passwordHash ?? null)) || !account) {
      access.attempts.failed(who, address);
      await access.audit(req, `login:${who}`, null, 'login-password', null, 401);
      throw new HttpError(401, 'wrong-password', 'wrong e-mail address or password');
    }
    access.attempts.succeeded(who);
    await startSession(reply, req, account, null);
    await access.audit(req, `account:${account.id} ${account.email}`, null, 'login-password', `account:${account.id}`, 200);
    return whoAmI(account, null);
  });

  app.post('/api/logout', { schema: { querystring: noQuery } }, async (req, reply) => {
    const caller = await access.caller(req);
    if (caller?.kind === 'account') {
      await store.deleteSession(caller.session);
      await access.audit(req, caller, null, 'logout', `account:${caller.account.id}`, 200);
    }
    clearCookie(reply, SESSION_COOKIE, access.secure(req));
    return { signedOut: true };
  });

  app.get('/api/session', { schema: { querystring: noQuery } }, async (req) => {
    const caller = await access.requireCaller(req);
    if (caller.kind === 'operator') return { operator: true, memberships: (await store.organisations()).map((o) => ({ org: o.id, role: 'operator' })) };
    if (caller.kind !== 'account') throw new HttpError(403, 'forbidden', 'this token is not an account');
    return whoAmI(caller.account, caller.via);
  });

  /** What the login page offers: the server-wide provider, and the organisations with their own. */
  app.get('/api/login/methods', { schema: { querystring: noQuery } }, async () => ({
    oidc: access.oidc.serverWide !== null,
    organisations: (await store.organisations()).filter((o) => o.oidc).map((o) => ({ id: o.id, name: o.name })),
  }));

  // A one-time link's password (the link is the secret; it is removed when used).
  app.post<{ Body: { link: string; password: string } }>('/api/password', { schema: { querystring: noQuery, body: obj({ link: { type: 'string', pattern: SECRET_ID.source }, password }) } }, async (req) => {
    const problem = passwordProblem(req.body.password);
    if (problem) throw new HttpError(400, 'weak-password', problem);
    const account = await store.takePasswordLink(passwordLinkHash(req.body.link), Date.now());
    if (!account) throw new HttpError(404, 'unknown-link', 'this link is unknown, used or expired; ask an admin for a new one');
    await store.setPasswordHash(account, await hashPassword(req.body.password, access.settings.scryptN));
    const a = (await store.account(account))!;
    await access.audit(req, `account:${a.id} ${a.email}`, null, 'password-set', `account:${a.id}`, 200);
    return { account: a.id, email: a.email };
  });

  // ---- OpenID Connect -----------------------------------------------------------------------------------
  app.get<{ Querystring: { org?: string } }>('/login/oidc', { schema: { querystring: obj({ org: id }, []) } }, async (req, reply) => {
    let settings = access.oidc.serverWide;
    let via: string | null = null;
    if (req.query.org) {
      const org = await store.organisation(req.query.org);
      if (!org?.oidc) throw new HttpError(404, 'no-oidc', `organisation "${req.query.org}" has no OpenID Connect provider of its own`);
      settings = org.oidc;
      via = org.id;
    }
    if (!settings) throw new HttpError(404, 'no-oidc', 'no OpenID Connect provider is configured (VECHE_OIDC_ISSUER)');
    let started;
    try {
      started = await access.oidc.start(settings, via, '/admin/');
    } catch (e) {
      if (e instanceof OidcError) throw new HttpError(503, 'busy', e.message);
      throw new HttpError(502, 'oidc-unavailable', `the identity provider cannot be reached: ${(e as Error).message}`);
    }
    const { url, state } = started;
    // Lax, not Strict: the provider sends the browser back with a cross-site redirect.
    setCookie(reply, FLOW_COOKIE, state, { secure: access.secure(req), maxAgeSeconds: FLOW_MINUTES * 60, sameSite: 'Lax', path: CALLBACK_PATH });
    return reply.redirect(url, 303);
  });

  app.get(CALLBACK_PATH, { schema: { querystring: { type: 'object', maxProperties: 10, additionalProperties: { type: 'string', maxLength: 4096 } } } }, async (req, reply) => {
    clearCookie(reply, FLOW_COOKIE, access.secure(req), CALLBACK_PATH);
    const fail = async (code: string, message: string) => {
      await access.audit(req, 'oidc', null, 'login-oidc', null, 403, { error: code, message });
      return reply.redirect(`/login#error=${code}`, 303);
    };
    let identity;
    try {
      identity = await access.oidc.finish(new URL(req.url, access.oidc.redirectUri), cookie(req, FLOW_COOKIE));
    } catch (e) {
      if (e instanceof OidcError) return fail('oidc-refused', e.message);
      throw e;
    }
    let account = await store.accountBySubject(identity.subject);
    if (!account && identity.email && identity.emailVerified) {
      // First login: the invited account with this verified address takes this identity. Through an
      // organisation's own provider, only accounts of that organisation alone can be matched so
      // (another organisation's provider must not vouch for our members' addresses).
      const invited = await store.accountByEmail(identity.email);
      const orgs = invited ? await store.memberships(invited.id) : [];
      if (invited && invited.oidcSubject === null && (identity.via === null || (orgs.length > 0 && orgs.every((m) => m.org === identity.via)))) {
        await store.setSubject(invited.id, identity.subject);
        account = { ...invited, oidcSubject: identity.subject };
      }
    }
    if (!account) return fail('no-account', `no account for ${identity.email ?? identity.subject}: ask your organisation's admin to invite this address`);
    await startSession(reply, req, account, identity.via);
    await access.audit(req, `account:${account.id} ${account.email}`, identity.via, 'login-oidc', `account:${account.id}`, 200);
    return reply.redirect(identity.returnTo, 303);
  });

  // ---- organisations and members -------------------------------------------------------------------------
  app.post<{ Body: { id: string; name: string; oidc?: { issuer: string; clientId: string; clientSecret: string } } }>('/api/organisations', {
    schema: { querystring: noQuery, body: obj({ id, name: { type: 'string', minLength: 1, maxLength: 200 }, oidc: obj({ issuer: https, clientId: { type: 'string', minLength: 1, maxLength: 500 }, clientSecret: { type: 'string', minLength: 1, maxLength: 500 } }) }, ['id', 'name']) },
  }, async (req) => {
    await access.requireOperator(req, 'organisation-create', `organisation:${req.body.id}`);
    try {
      await store.createOrganisation({ id: req.body.id, name: req.body.name, oidc: req.body.oidc ?? null, created: Date.now() });
    } catch (e) {
      if (e instanceof AccountExists) throw new HttpError(409, 'exists', e.message);
      throw e;
    }
    return { id: req.body.id, name: req.body.name };
  });

  app.get('/api/organisations', { schema: { querystring: noQuery } }, async (req) => {
    const caller = await access.requireCaller(req);
    const all = await store.organisations();
    if (caller.kind === 'operator') return all.map((o) => ({ id: o.id, name: o.name, role: 'operator' }));
    if (caller.kind !== 'account') throw new HttpError(403, 'forbidden', 'this token is not an account');
    const mine = new Map((await store.memberships(caller.account.id)).map((m) => [m.org, m.role]));
    return all.filter((o) => mine.has(o.id) && (caller.via === null || caller.via === o.id)).map((o) => ({ id: o.id, name: o.name, role: mine.get(o.id) }));
  });

  app.get<{ Params: OrgP }>('/api/organisations/:org/members', { schema: { params: orgParams, querystring: noQuery } }, async (req) => {
    await access.requireOrg(req, req.params.org, ['admin'], 'members-list');
    return store.members(req.params.org);
  });

  // Invites an address with a role (or changes its role). passwordLink: a one-time link to set a password.
  app.post<{ Params: OrgP; Body: { email: string; role: Role; passwordLink?: boolean } }>('/api/organisations/:org/members', {
    schema: { params: orgParams, querystring: noQuery, body: obj({ email, role: { type: 'string', enum: [...ROLES] }, passwordLink: { type: 'boolean' } }, ['email', 'role']) },
  }, async (req) => {
    const { org } = req.params;
    const address = req.body.email.toLowerCase();
    const caller = await access.requireOrg(req, org, ['admin'], 'member-set', `email:${address}`);
    let account = await store.accountByEmail(address);
    if (!account) {
      account = { id: newAccountId(), email: address, oidcSubject: null, passwordHash: null, created: Date.now() };
      try { await store.createAccount(account); } catch (e) {
        if (!(e instanceof AccountExists)) throw e;
        account = (await store.accountByEmail(address))!; // made at the same moment by another request
      }
    }
    let link: string | undefined;
    if (req.body.passwordLink) {
      // A password link lets its holder sign in as the account: an organisation's admin may make one only
      // for an account of no other organisation, which has no password and no OpenID Connect identity.
      const others = (await store.memberships(account.id)).filter((m) => m.org !== org);
      if (caller.kind !== 'operator' && (others.length > 0 || account.passwordHash !== null || account.oidcSubject !== null)) {
        throw new HttpError(403, 'forbidden', `${address} already has a way to sign in or belongs to another organisation: only the server operator can give it a password link`);
      }
    }
    await store.setMember(org, account.id, req.body.role);
    if (req.body.passwordLink) {
      const secret = newSecretId();
      await store.createPasswordLink(passwordLinkHash(secret), account.id, Date.now() + PASSWORD_LINK_DAYS * 86_400_000);
      link = `${access.origin(req)}/login#set=${secret}`;
    }
    return { account: account.id, email: address, role: req.body.role, ...(link ? { passwordLink: link } : {}) };
  });

  app.delete<{ Params: OrgP & { account: string } }>('/api/organisations/:org/members/:account', { schema: { params: memberParams, querystring: noQuery } }, async (req) => {
    const caller = await access.requireOrg(req, req.params.org, ['admin'], 'member-remove', `account:${req.params.account}`);
    if (caller.kind === 'account' && caller.account.id === req.params.account) throw new HttpError(409, 'self', 'an admin cannot remove themself; another admin can');
    if (!(await store.removeMember(req.params.org, req.params.account))) throw new HttpError(404, 'unknown-member', `no member ${req.params.account} in ${req.params.org}`);
    return { removed: req.params.account };
  });

  // ---- an organisation's elections and audit log --------------------------------------------------------
  app.get<{ Params: OrgP }>('/api/organisations/:org/elections', { schema: { params: orgParams, querystring: noQuery } }, async (req) => {
    await access.requireOrg(req, req.params.org, ROLES, 'elections-list');
    const out = [];
    for (const e of await store.electionsOf(req.params.org)) out.push(electionSummary(await elections.current(e)));
    return out;
  });

  app.post<{ Params: OrgP }>('/api/organisations/:org/elections', { schema: { params: orgParams, querystring: noQuery, body: manifestBody } }, async (req) => {
    const manifestId = (req.body as { id?: unknown }).id;
    await access.requireOrg(req, req.params.org, ['admin'], 'election-create', typeof manifestId === 'string' ? `election:${manifestId.slice(0, 64)}` : null);
    const { board, trusteeTokens, authorityToken } = await elections.create(req.body);
    await store.setElectionOrg(board.electionId, req.params.org);
    return { id: board.electionId, electionHash: board.current.electionHash, trusteeTokens, authorityToken };
  });

  app.get<{ Params: OrgP; Querystring: { after?: string; limit?: string } }>('/api/organisations/:org/audit', {
    schema: { params: orgParams, querystring: auditQuery },
  }, async (req) => {
    await access.requireOrg(req, req.params.org, ['admin'], 'audit-read');
    return auditPage(req.params.org, req.query);
  });

  // The operator's view of the entries of no organisation (logins, organisations made, elections of no organisation).
  app.get<{ Querystring: { after?: string; limit?: string } }>('/api/audit', { schema: { querystring: auditQuery } }, async (req) => {
    await access.requireOperator(req, 'audit-read');
    return auditPage(null, req.query);
  });

  async function auditPage(org: string | null, q: { after?: string; limit?: string }) {
    const limit = Math.min(Math.max(Number(q.limit ?? 500), 1), 1000);
    const entries = await store.audit(org, Number(q.after ?? 0), limit);
    return entries.map((e) => ({ ...e, at: new Date(e.at).toISOString(), detail: JSON.parse(e.detail) as unknown }));
  }
}
