// Credential authority routes (Authorization: Bearer <the election's authority token>): publish the
// public credential list and revoke credentials. The token says who may post; the board accepts a list
// or a revocation only with the authority's signature under the key named in the manifest.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BoardError } from '../../board/board.js';
import type { CredentialsAddedPayload, CredentialsPayload, RevocationPayload } from '../../record/events.js';
import { requireAuthority } from '../auth.js';
import type { Access } from '../accounts/access.js';
import { HttpError } from '../errors.js';
import type { Elections } from '../elections.js';
import { credentialsBody, electionParams, noQuery, revokeBody } from '../schemas.js';

type IdParams = { id: string };

const B64_32 = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;
const WEIGHT = { type: 'integer', minimum: 1, maximum: 1_000_000 } as const;
/** Credentials added after the list (spec §6.4): a late voter {key, weight}, a re-issued one {key, weight, replaces}. */
const credentialsAddedBody = {
  type: 'object', additionalProperties: false, required: ['credentials', 'addedWeight', 'signature'],
  properties: {
    credentials: { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'object', additionalProperties: false, required: ['key', 'weight'], properties: { key: B64_32, weight: WEIGHT, replaces: B64_32 } } },
    addedWeight: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    signature: { type: 'object', additionalProperties: false, required: ['c', 'z'], properties: { c: B64_32, z: B64_32 } },
  },
} as const;

/** The credential list of a large electorate is much larger than any other request. */
export const CREDENTIALS_BODY_LIMIT = 64 * 1024 * 1024;

export async function authorityRoutes(app: FastifyInstance, opts: { elections: Elections; credentialsBodyLimit: number; access?: Access | null }): Promise<void> {
  const { elections } = opts;
  // -- accounts (src/server/accounts): the election's authority token, or a signed-in credential
  // authority of the election's organisation (the board still checks the authority's signature); audited.
  const access = opts.access ?? null;
  app.addHook('onRequest', async (req: FastifyRequest<{ Params: IdParams }>) => {
    if (!access || req.headers.authorization !== undefined) {
      await requireAuthority(elections.store, req, req.params.id);
      if (access) access.remember(req, { caller: { kind: 'token', principal: { role: 'authority', election: req.params.id } }, org: await access.store.electionOrg(req.params.id), action: `authority-${req.routeOptions.url?.split('/').pop()}`, target: `election:${req.params.id}` });
      return;
    }
    await access.requireElection(req, req.params.id, ['authority'], `authority-${req.routeOptions.url?.split('/').pop()}`);
  });
  if (access) app.addHook('onSend', async (req, reply, payload) => { await access.auditReply(req, reply, payload); return payload; });
  // -- end accounts

  app.post<{ Params: IdParams; Body: CredentialsPayload }>('/api/elections/:id/credentials', { bodyLimit: opts.credentialsBodyLimit, schema: { params: electionParams, querystring: noQuery, body: credentialsBody } }, async (req) => {
    const board = await elections.current(req.params.id);
    const e = await board.submitCredentials(req.body);
    return { eligible: board.current.credentials!.size - board.current.replaced.size, eligibleWeight: board.current.eligibleWeight, seq: e.seq, hash: e.hash };
  });

  app.post<{ Params: IdParams; Body: RevocationPayload }>('/api/elections/:id/revoke', { schema: { params: electionParams, querystring: noQuery, body: revokeBody } }, async (req) => {
    const board = await elections.current(req.params.id);
    try {
      const e = await board.revokeCredential(req.body);
      return { revoked: board.current.revoked.size, seq: e.seq, hash: e.hash };
    } catch (err) {
      if (err instanceof BoardError && err.code === 'unknown-credential') throw new HttpError(404, 'unknown-credential', err.message);
      throw err;
    }
  });

  app.post<{ Params: IdParams; Body: CredentialsAddedPayload }>('/api/elections/:id/credentials/add', { schema: { params: electionParams, querystring: noQuery, body: credentialsAddedBody } }, async (req) => {
    const board = await elections.current(req.params.id);
    const e = await board.addCredentials(req.body);
    return { eligible: board.current.credentials!.size - board.current.replaced.size, eligibleWeight: board.current.eligibleWeight, seq: e.seq, hash: e.hash };
  });
}
