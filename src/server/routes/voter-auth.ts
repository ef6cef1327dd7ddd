// Voter sign-in routes (spec §6.3), for elections whose manifest has voterAuthentication:
//   PUT  /api/elections/:id/voter-register        the admin uploads the register (CSV voter,email)
//   GET  /api/elections/:id/voter-register        the admin reads how many voters it has
//   POST /api/elections/:id/voter-auth/link       the booth asks for a link: {"who": e-mail or voter id}
//   POST /api/elections/:id/voter-auth/session    the booth opens a link: {"link": the secret of its #voter-link}
//   GET  /api/elections/:id/voter-auth/session    who is signed in here (the booth's question)
//   POST /api/elections/:id/voter-auth/sign-out
//   GET  /api/elections/:id/voter-auth/oidc          starts an OpenID Connect sign-in (method "oidc")
//   GET  /api/voter-auth/oidc/callback               where the provider sends the voter back
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Access } from '../accounts/access.js';
import { requireAdmin } from '../auth.js';
import type { Elections } from '../elections.js';
import { HttpError } from '../errors.js';
import { emptyBody, electionParams, noQuery } from '../schemas.js';
import { parseRegister, RegisterError } from '../voter-auth/register.js';
import { requiresSignIn, type VoterAuth } from '../voter-auth/voter-auth.js';
import { OidcError } from '../accounts/oidc.js';
import { clearCookie, cookie, setCookie } from '../accounts/sessions.js';
import { FLOW_MINUTES } from '../accounts/oidc.js';
import { VOTER_CALLBACK_PATH, VOTER_FLOW_COOKIE } from '../voter-auth/oidc.js';

type IdParams = { id: string };
const registerBody = { type: 'object', additionalProperties: false, required: ['csv'], properties: { csv: { type: 'string', minLength: 1, maxLength: 64 * 1024 * 1024 } } } as const;
const linkBody = { type: 'object', additionalProperties: false, required: ['who'], properties: { who: { type: 'string', minLength: 1, maxLength: 254 } } } as const;
const sessionBody = { type: 'object', additionalProperties: false, required: ['link'], properties: { link: { type: 'string', minLength: 1, maxLength: 100 } } } as const;
export const REGISTER_BODY_LIMIT = 64 * 1024 * 1024;

export async function voterAuthRoutes(app: FastifyInstance, opts: { elections: Elections; voterAuth: VoterAuth; access?: Access | null }): Promise<void> {
  const { elections, voterAuth } = opts;
  app.addHook('onClose', async () => voterAuth.flush()); // a sign-in mail under way is finished, not cut off
  const access = opts.access ?? null;
  const requireElectionAdmin = async (req: FastifyRequest<{ Params: IdParams }>) => {
    if (access) await access.requireElection(req, req.params.id, ['admin'], 'voter-register');
    else await requireAdmin(elections.store, req);
  };
  const signInBoard = async (id: string) => {
    const board = await elections.current(id);
    if (!requiresSignIn(board.current.manifest)) throw new HttpError(409, 'no-voter-sign-in', 'this election does not sign voters in (its manifest has no voterAuthentication)');
    return board;
  };

  // The caller is checked on the request's arrival, before a body of up to REGISTER_BODY_LIMIT is read.
  app.put<{ Params: IdParams; Body: { csv: string } }>('/api/elections/:id/voter-register', { bodyLimit: REGISTER_BODY_LIMIT, schema: { params: electionParams, querystring: noQuery, body: registerBody }, onRequest: async (req) => requireElectionAdmin(req as FastifyRequest<{ Params: IdParams }>) }, async (req) => {
    await signInBoard(req.params.id);
    let entries;
    try { entries = parseRegister(req.body.csv); } catch (e) {
      if (e instanceof RegisterError) throw new HttpError(400, 'bad-register', e.message);
      throw e;
    }
    await voterAuth.store.setRegister(req.params.id, entries);
    return { voters: entries.length };
  });

  app.get<{ Params: IdParams }>('/api/elections/:id/voter-register', { schema: { params: electionParams, querystring: noQuery } }, async (req) => {
    await requireElectionAdmin(req);
    await signInBoard(req.params.id);
    return { voters: await voterAuth.store.registerSize(req.params.id), bound: await voterAuth.store.bindingCount(req.params.id) };
  });

  app.post<{ Params: IdParams; Body: { who: string } }>('/api/elections/:id/voter-auth/link', { schema: { params: electionParams, querystring: noQuery, body: linkBody } }, async (req, reply) => {
    voterAuth.checkOrigin(req);
    await voterAuth.requestLink(req, await signInBoard(req.params.id), req.body.who);
    // The same answer whether the address is in the register or not.
    return reply.code(202).send({ sent: 'if this address or voter id is in the register, a sign-in link is on its way' });
  });

  app.post<{ Params: IdParams; Body: { link: string } }>('/api/elections/:id/voter-auth/session', { schema: { params: electionParams, querystring: noQuery, body: sessionBody } }, async (req, reply) => {
    await signInBoard(req.params.id);
    return voterAuth.openLink(req, reply, req.params.id, req.body.link);
  });

  app.get<{ Params: IdParams }>('/api/elections/:id/voter-auth/session', { schema: { params: electionParams, querystring: noQuery } }, async (req) => {
    await signInBoard(req.params.id);
    const voter = await voterAuth.voterOf(req, req.params.id);
    if (voter === null) throw new HttpError(401, 'voter-sign-in-required', 'not signed in as a voter of this election');
    return { voter };
  });

  app.post<{ Params: IdParams }>('/api/elections/:id/voter-auth/sign-out', { schema: { params: electionParams, querystring: noQuery, body: emptyBody } }, async (req, reply) => {
    await voterAuth.signOut(req, reply, req.params.id);
    return { signedOut: true };
  });

  app.get<{ Params: IdParams }>('/api/elections/:id/voter-auth/oidc', { schema: { params: electionParams, querystring: noQuery } }, async (req, reply) => {
    const board = await signInBoard(req.params.id);
    const method = board.current.manifest.voterAuthentication!;
    if (method.method !== 'oidc') throw new HttpError(409, 'no-oidc', 'this election signs voters in by e-mail link');
    const client = voterAuth.oidc.clientFor(method.issuer);
    if (!client) throw new HttpError(409, 'oidc-not-configured', `this server has no OpenID Connect client for ${method.issuer} (VECHE_OIDC_ISSUER)`);
    let started;
    try {
      started = await voterAuth.oidc.start(client, req.params.id, `/vote/${req.params.id}`);
    } catch (e) {
      if (e instanceof OidcError) throw new HttpError(503, 'busy', e.message);
      throw new HttpError(502, 'oidc-unavailable', `the identity provider cannot be reached: ${(e as Error).message}`);
    }
    // Lax, not Strict: the provider sends the browser back with a cross-site redirect.
    setCookie(reply, VOTER_FLOW_COOKIE, started.state, { secure: voterAuth.secure(req), maxAgeSeconds: FLOW_MINUTES * 60, sameSite: 'Lax', path: VOTER_CALLBACK_PATH });
    return reply.redirect(started.url, 303);
  });

  app.get(VOTER_CALLBACK_PATH, { schema: { querystring: { type: 'object', maxProperties: 10, additionalProperties: { type: 'string', maxLength: 4096 } } } }, async (req, reply) => {
    clearCookie(reply, VOTER_FLOW_COOKIE, voterAuth.secure(req), VOTER_CALLBACK_PATH);
    let identity;
    try {
      identity = await voterAuth.oidc.finish(new URL(req.url, voterAuth.oidc.redirectUri), cookie(req, VOTER_FLOW_COOKIE));
    } catch (e) {
      if (e instanceof OidcError) return reply.redirect('/#voter-error=oidc-refused', 303);
      throw e;
    }
    const election = identity.via!;
    const booth = `/vote/${election}`;
    // Only an address the provider vouches for, found in this election's register.
    const entry = identity.email && identity.emailVerified ? await voterAuth.store.findByEmail(election, identity.email) : null;
    if (!entry) return reply.redirect(`${booth}#voter-error=not-registered`, 303);
    await voterAuth.startSession(req, reply, election, entry.voter);
    return reply.redirect(booth, 303);
  });
}
