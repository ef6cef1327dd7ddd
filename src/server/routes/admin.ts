// Admin routes (Authorization: Bearer <admin token>, checked before the body is read): create
// elections, open, close, tally, publish the result, and hand out trustee and authority tokens. The
// admin never sees a private credential or a trustee secret, and cannot publish or revoke credentials:
// that is the credential authority's (routes/authority.ts), signed with its key.
import { tallySummerFromEnv } from '../../verify/queue/board-tally.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BoardError } from '../../board/board.js';
import { issueAuthorityToken, issueTrusteeTokens, requireAdmin } from '../auth.js';
import type { Access } from '../accounts/access.js';
import { HttpError } from '../errors.js';
import type { Elections } from '../elections.js';
import { electionParams, emptyBody, manifestBody, noQuery, trusteeParams } from '../schemas.js';
import { deleteElection, isArchived, replaceDraft, setArchived } from '../election-admin.js';
import { electionSummary } from './public.js';

type IdParams = { id: string };

export async function adminRoutes(app: FastifyInstance, opts: { elections: Elections; access?: Access | null }): Promise<void> {
  const { elections } = opts;
  const store = elections.store;
  // -- accounts (src/server/accounts): the admin token, or an admin of the election's organisation; audited.
  const access = opts.access ?? null;
  app.addHook('onRequest', async (req: FastifyRequest<{ Params: Partial<IdParams> }>) => {
    if (!access) return requireAdmin(store, req);
    const action = (req.routeOptions.url ?? '').replace('/api/elections/:id/', '').replace(/^\/api\/elections$/, 'create') || 'admin';
    if (req.params.id === undefined) {
      // An account creates elections in its organisation: POST /api/organisations/:org/elections.
      return access.requireOperator(req, `election-${action}`, null);
    }
    await access.requireElection(req, req.params.id, ['admin'], `election-${action.replaceAll('/', '-').replace(':trusteeId', 'trustee')}`);
  });
  if (access) app.addHook('onSend', async (req, reply, payload) => { await access.auditReply(req, reply, payload); return payload; });
  // -- end accounts

  app.post('/api/elections', { schema: { querystring: noQuery, body: manifestBody } }, async (req) => {
    const { board, trusteeTokens, authorityToken } = await elections.create(req.body);
    return { id: board.electionId, electionHash: board.current.electionHash, trusteeTokens, authorityToken };
  });

  const action = (path: string, run: (id: string) => Promise<Record<string, unknown>>) =>
    app.post<{ Params: IdParams }>(`/api/elections/:id/${path}`, { schema: { params: electionParams, querystring: noQuery, body: emptyBody } }, async (req) => {
      await elections.current(req.params.id);
      const extra = await run(req.params.id);
      const board = await elections.board(req.params.id);
      return { phase: board.current.phase, headSeq: board.current.headSeq, headHash: board.current.headHash, ...extra };
    });

  action('open', async (id) => { await (await elections.board(id)).openPoll(); return {}; });
  action('close', async (id) => { await (await elections.board(id)).closePoll(); return {}; });
  action('tally', async (id) => {
    // VECHE_QUEUE_URL: the sums are made by `veche worker` processes as jobs on that PostgreSQL (issue 10 point 7).
    const e = await (await elections.board(id)).computeTally(undefined, tallySummerFromEnv());
    const { ballots, castWeight, eligibleWeight } = e.payload as { ballots: number; castWeight: number; eligibleWeight: number };
    return { tally: { ballots, castWeight, eligibleWeight } };
  });
  // ranked (spec §20): decrypt the last mix, count, publish the rankings and rounds
  action('ranked-result', async (id) => ({ rankedResult: (await (await elections.board(id)).publishRankedResult()).payload }));
  action('result', async (id) => {
    const e = await (await elections.board(id)).publishResult();
    void elections.result(id); // start the verifier now, so the result page finds the report ready
    return { result: e.payload };
  });

  // -- organisers' actions (src/server/election-admin.ts): edit a draft, archive, delete; all audited (onSend above)
  app.put<{ Params: IdParams }>('/api/elections/:id/manifest', { schema: { params: electionParams, querystring: noQuery, body: manifestBody } }, async (req) => {
    const { board, trusteeTokens } = await replaceDraft(elections, req.params.id, req.body);
    return { id: board.electionId, electionHash: board.current.electionHash, trusteeTokens };
  });
  app.post<{ Params: IdParams }>('/api/elections/:id/archive', { schema: { params: electionParams, querystring: noQuery, body: emptyBody } }, async (req) => {
    await setArchived(elections, req.params.id, true);
    return { id: req.params.id, archived: true };
  });
  app.post<{ Params: IdParams }>('/api/elections/:id/unarchive', { schema: { params: electionParams, querystring: noQuery, body: emptyBody } }, async (req) => {
    await setArchived(elections, req.params.id, false);
    return { id: req.params.id, archived: false };
  });
  const confirmBody = { type: 'object', additionalProperties: false, required: ['confirm'], properties: { confirm: { type: 'string', maxLength: 64 } } } as const;
  app.post<{ Params: IdParams; Body: { confirm: string } }>('/api/elections/:id/delete', { schema: { params: electionParams, querystring: noQuery, body: confirmBody } }, async (req) => {
    await deleteElection(elections, req.params.id, req.body.confirm);
    return { id: req.params.id, deleted: true };
  });
  app.get<{ Params: IdParams }>('/api/elections/:id/archived', { schema: { params: electionParams, querystring: noQuery } }, async (req) => {
    await elections.current(req.params.id);
    return { id: req.params.id, archived: await isArchived(elections, req.params.id) };
  });
  // Every election of the server, archived ones included (the public list leaves those out): the operator's.
  app.get('/api/admin/elections', { schema: { querystring: noQuery } }, async () => {
    const out = [];
    for (const id of await elections.ids()) out.push({ ...electionSummary(await elections.current(id)), ...(await isArchived(elections, id) ? { archived: true } : {}) });
    return out;
  });
  // -- end organisers' actions

  // A new token for the credential authority (the old one stops working).
  app.post<{ Params: IdParams }>('/api/elections/:id/authority/token', { schema: { params: electionParams, querystring: noQuery, body: emptyBody } }, async (req) => {
    await elections.current(req.params.id);
    return { token: await issueAuthorityToken(store, req.params.id) };
  });

  // A new token for one trustee (the old one stops working): for a trustee who lost theirs.
  app.post<{ Params: { id: string; trusteeId: string } }>('/api/elections/:id/trustees/:trusteeId/token', { schema: { params: trusteeParams, querystring: noQuery, body: emptyBody } }, async (req) => {
    const board = await elections.current(req.params.id);
    if (!board.current.manifest.trustees.some((t) => t.id === req.params.trusteeId)) throw new HttpError(404, 'unknown-trustee', `no trustee "${req.params.trusteeId}" in this election`);
    const tokens = await issueTrusteeTokens(store, req.params.id, [req.params.trusteeId]);
    return { trustee: req.params.trusteeId, token: tokens[req.params.trusteeId] };
  });
}
