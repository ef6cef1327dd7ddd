// Public routes: anyone may read the board and cast a ballot (the ballot's signature by a listed
// credential is what authorises it, not the connection).
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Board } from '../../board/board.js';
import { trackingCode } from '../../ballot/tracking.js';
import { encodePoint } from '../../crypto/group.js';
import { encodeEvent, EVENT_TYPES, type BoardEvent, type EventType } from '../../record/events.js';
import type { BallotJson } from '../../ballot/types.js';
import { HttpError } from '../errors.js';
import { electionFingerprint } from '../../verify/voter-check.js';
import { bearerToken, principalOf } from '../auth.js';
import { isArchived } from '../election-admin.js';
import type { Elections } from '../elections.js';
import { authoriseBallot, type VoterAuth } from '../voter-auth/voter-auth.js'; // voter sign-in
import { ballotBody, ballotParams, boardQuery, electionParams, noQuery, recordQuery, voterParams } from '../schemas.js';

type IdParams = { id: string };

/** A ballot row's tracking code, and whether it still counts: replaced by a later ballot of its
 *  credential, or the credential revoked (the verifier recomputes both, spec §10). */
function ballotMarks(st: Board['current'], e: BoardEvent) {
  const credential = (e.payload as BallotJson).credential;
  return {
    trackingCode: trackingCode(e.payload as BallotJson),
    ...(st.lastBallot.get(credential)?.seq !== e.seq ? { superseded: true } : {}),
    ...(st.revoked.has(credential) ? { revoked: true } : {}),
  };
}

export function electionSummary(board: Board) {
  const st = board.current;
  return { id: board.electionId, title: st.manifest.title, phase: st.phase, ballots: st.ballots, ...(st.manifest.test ? { test: true } : {}) };
}

export function electionInfo(board: Board) {
  const st = board.current;
  return {
    id: board.electionId,
    electionHash: st.electionHash,
    fingerprint: electionFingerprint(st.electionHash),
    manifest: st.manifest,
    phase: st.phase,
    jointKey: st.jointKey ? encodePoint(st.jointKey) : null,
    boardKey: st.boardKey,
    trustees: st.manifest.trustees.map((t) => ({
      id: t.id,
      name: t.name,
      committed: st.ceremony.commitments.has(t.id),
      keyPublished: st.ceremony.keys.has(t.id),
      sharesSent: st.ceremony.shares.has(t.id),
      complained: st.ceremony.complaints.some((c) => c.payload.trustee === t.id),
      atFault: st.ceremony.complaints.some((c) => c.atFault === t.id),
      ready: st.ceremony.ready.has(t.id),
      decrypted: st.decryptionShares.some((s) => s.trustee === t.id),
    })),
    eligible: (st.credentials?.size ?? 0) - st.replaced.size, // a re-issued credential is the same voter (spec §6.4)
    eligibleWeight: st.eligibleWeight,
    revoked: st.revoked.size,
    ballots: st.ballots,
    decryptionShares: st.decryptionShares.length,
    headSeq: st.headSeq,
    headHash: st.headHash,
  };
}

/** The record (or, with types, a filtered list of its events) as JSON Lines, read from the store page by page. */
async function* recordLines(elections: Elections, id: string, types: EventType[] | undefined, until?: EventType, start = 0): AsyncGenerator<string> {
  const pageSize = 1000;
  for (let from = start; ;) {
    const page: BoardEvent[] = await elections.store.events(id, { fromSeq: from, limit: pageSize, ...(types ? { types } : {}) });
    // With until: the prefix up to and including the first event of that type (the booth's check).
    const stop = until ? page.findIndex((e) => e.type === until) : -1;
    const shown = stop >= 0 ? page.slice(0, stop + 1) : page;
    if (shown.length > 0) yield shown.map((e) => encodeEvent(e) + '\n').join('');
    if (stop >= 0 || page.length < pageSize) return;
    from = page[page.length - 1]!.seq + 1;
  }
}

export async function publicRoutes(app: FastifyInstance, opts: { elections: Elections; voterAuth?: VoterAuth | null; publicUrl?: string | null }): Promise<void> {
  const { elections } = opts;

  // The server's address as voters and trustees reach it (VECHE_PUBLIC_URL): the pages build the links
  // they hand out from it, not from the address the admin's browser happens to use.
  app.get('/api/server', { schema: { querystring: noQuery } }, async () => ({ publicUrl: opts.publicUrl ?? null }));

  // Who holds this token: lets a page check a token once when it is entered.
  app.get('/api/auth', { schema: { querystring: noQuery } }, async (req) => {
    const who = await principalOf(elections.store, bearerToken(req));
    if (!who) throw new HttpError(401, 'unauthorized', 'send a valid token as "Authorization: Bearer <token>"');
    return who;
  });

  app.get('/api/elections', { schema: { querystring: noQuery } }, async () => {
    const out = [];
    for (const id of await elections.ids()) {
      if (await isArchived(elections, id)) continue; // archived: off the list, the record still public (election-admin.ts)
      out.push(electionSummary(await elections.current(id)));
    }
    return out;
  });

  app.get<{ Params: IdParams }>('/api/elections/:id', { schema: { params: electionParams, querystring: noQuery } }, async (req) => {
    return electionInfo(await elections.current(req.params.id));
  });

  app.get<{ Params: IdParams; Querystring: { types?: string; until?: string; from?: string } }>('/api/elections/:id/record', { schema: { params: electionParams, querystring: recordQuery } }, async (req, reply) => {
    await elections.board(req.params.id);
    let types: EventType[] | undefined;
    if (req.query.types !== undefined) {
      types = [...new Set(req.query.types.split(','))] as EventType[];
      const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
      if (unknown.length > 0) throw new HttpError(400, 'malformed', `unknown event type ${unknown.join(', ')}; known: ${EVENT_TYPES.join(', ')}`);
    }
    const until = req.query.until as EventType | undefined;
    if (until !== undefined && !(EVENT_TYPES as readonly string[]).includes(until)) throw new HttpError(400, 'malformed', `unknown event type ${until}`);
    reply.header('content-type', 'application/x-ndjson; charset=utf-8');
    const from = req.query.from === undefined ? 0 : Number(req.query.from);
    if (!types && !until && from === 0) reply.header('content-disposition', `attachment; filename="${req.params.id}-record.jsonl"`);
    return reply.send(Readable.from(recordLines(elections, req.params.id, types, until, from)));
  });

  app.get<{ Params: IdParams; Querystring: { from?: string; limit?: string } }>('/api/elections/:id/board', { schema: { params: electionParams, querystring: boardQuery } }, async (req) => {
    const board = await elections.current(req.params.id);
    const from = req.query.from === undefined ? 0 : Number(req.query.from);
    const limit = Math.min(req.query.limit === undefined ? 100 : Number(req.query.limit), 1000);
    const page = limit === 0 ? [] : await elections.store.events(req.params.id, { fromSeq: from, limit });
    const st = board.current;
    return {
      events: page.map((e) => ({
        seq: e.seq, type: e.type, hash: e.hash, prev: e.prev, time: e.time,
        ...(e.type === 'ballot' ? ballotMarks(st, e) : {}),
      })),
      headSeq: Math.max(board.current.headSeq, page.at(-1)?.seq ?? -1),
    };
  });

  // A returning voter's booth asks when this credential last voted (public: the record says it too).
  app.get<{ Params: { id: string; credential: string } }>('/api/elections/:id/voters/:credential/last-ballot', { schema: { params: voterParams, querystring: noQuery } }, async (req) => {
    const board = await elections.current(req.params.id);
    const last = board.current.lastBallot.get(req.params.credential);
    if (!last) throw new HttpError(404, 'no-ballot', 'no ballot of this credential on this board');
    return { seq: last.seq, time: last.time };
  });

  app.get<{ Params: { id: string; trackingCode: string } }>('/api/elections/:id/ballots/:trackingCode', { schema: { params: ballotParams, querystring: noQuery } }, async (req) => {
    await elections.board(req.params.id);
    const found = await elections.store.findBallot(req.params.id, req.params.trackingCode);
    if (!found) throw new HttpError(404, 'unknown-ballot', 'no ballot with this tracking code on this board');
    return { trackingCode: found.trackingCode, seq: found.seq, hash: found.hash };
  });

  app.post<{ Params: IdParams; Body: unknown }>('/api/elections/:id/ballots', { schema: { params: electionParams, querystring: noQuery, body: ballotBody } }, async (req) => {
    const board = await elections.current(req.params.id);
    await authoriseBallot(opts.voterAuth ?? null, req, board); // voter sign-in (spec §6.3): a no-op unless the manifest asks for it
    const { receipt } = await board.castBallot(req.body);
    return { receipt };
  });

  app.get<{ Params: IdParams }>('/api/elections/:id/result', { schema: { params: electionParams, querystring: noQuery } }, async (req) => {
    const report = await elections.result(req.params.id);
    if (!report) return { result: null, verified: null };
    return { result: report.result, verified: report.verified, ...(report.checks ? { checks: report.checks } : {}), ...(report.error ? { verifierError: report.error } : {}) };
  });
}
