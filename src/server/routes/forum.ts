// A body's forum over HTTP (docs/spec.md §21). Every write is a signed action (src/forum/signature.ts)
// made in the member's (or moderating officer's) own browser with the key the body lists for them;
// the server checks it by the forum's rules and stores it, or refuses with a code and changes nothing.
// Reads are public, as the meetings' are; a hidden post shows its author, not its text. The digest
// round is the admin's to trigger (and runs daily by itself when the server has mail).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BoardStore } from '../../board/store.js';
import { requireAdmin } from '../auth.js';
import { HttpError } from '../errors.js';
import { Forum, ForumError, type ForumCode } from '../../forum/forum.js';
import { sendDigests } from '../../forum/digest.js';
import type { ForumStore } from '../../forum/store.js';
import type { ForumAction } from '../../forum/types.js';
import type { MeetingStore } from '../../meeting/store.js';
import type { Outbox } from '../mail/outbox.js';
import { replaceDraft } from '../election-admin.js';
import type { Elections } from '../elections.js';
import { forumItemId } from '../../forum/ballot.js';

const ID = { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } as const;
const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: ID } } as const;
const postParams = { type: 'object', additionalProperties: false, required: ['id', 'post'], properties: { id: ID, post: ID } } as const;
const attachmentParams = { type: 'object', additionalProperties: false, required: ['id', 'post', 'index'], properties: { id: ID, post: ID, index: { type: 'string', pattern: '^[0-9]$' } } } as const;
const signed = { type: 'object', maxProperties: 8 } as const;
const searchQuery = { type: 'object', additionalProperties: false, required: ['q'], properties: { q: { type: 'string', minLength: 1, maxLength: 500 }, limit: { type: 'string', pattern: '^[1-9][0-9]?$' } } } as const;
const fraction = { type: 'object', additionalProperties: false, required: ['num', 'den'], properties: { num: { type: 'integer', minimum: 0 }, den: { type: 'integer', minimum: 1 } } } as const;
const ballotBody = { type: 'object', additionalProperties: false, required: ['election'], properties: { election: ID, quorum: fraction, threshold: fraction, strict: { type: 'boolean' } } } as const;
type BallotBody = { election: string; quorum?: { num: number; den: number }; threshold?: { num: number; den: number }; strict?: boolean };
export const DAY_MS = 24 * 60 * 60 * 1000;

const STATUS: Record<ForumCode, number> = {
  'malformed': 400, 'unknown-body': 404, 'no-forum': 409, 'unknown-post': 404, 'not-a-member': 403, 'not-a-moderator': 403,
  'bad-signature': 422, 'replayed': 409, 'duplicate': 409, 'not-endorsed': 409, 'too-large': 413, 'hidden': 409,
  'not-hidden': 409, 'appealed': 409, 'no-appeal': 409, 'same-officer': 403, 'not-allowed': 403, 'not-qualified': 409,
};

const guard = async <T>(f: () => Promise<T>): Promise<T> => {
  try { return await f(); } catch (e) {
    if (e instanceof ForumError) throw new HttpError(STATUS[e.code], e.code, e.message);
    throw e;
  }
};

/** A file name as a header can carry it: ASCII fallback, the UTF-8 name in filename*. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

type IdP = { id: string };
type PostP = { id: string; post: string };

export async function forumRoutes(app: FastifyInstance, opts: { boardStore: BoardStore; meetingStore: MeetingStore; forumStore: ForumStore; outbox: Outbox | null; digestIntervalMs?: number; elections?: Elections }): Promise<void> {
  const forum = new Forum(opts.forumStore, opts.meetingStore, opts.boardStore);
  const admin = (req: FastifyRequest) => requireAdmin(opts.boardStore, req);
  const base = '/api/bodies/:id/forum';

  const write = (path: string, action: ForumAction, params: typeof idParams | typeof postParams = idParams, pathField?: string) =>
    app.post<{ Params: PostP }>(`${base}/${path}`, { schema: { params, body: signed } }, async (req) => guard(async () => {
      const payload = req.body as Record<string, unknown>;
      if (pathField && payload[pathField] !== req.params.post) throw new ForumError('malformed', `the payload is for ${pathField} ${String(payload[pathField])}, the path names ${req.params.post}`);
      return forum.act(req.params.id, action, payload);
    }));
  write('proposals', 'proposal');
  write('proposals/:post/replies', 'reply', postParams, 'proposal');
  write('proposals/:post/endorse', 'endorse', postParams, 'proposal');
  write('proposals/:post/withdraw-endorsement', 'withdraw-endorsement', postParams, 'proposal');
  write('posts/:post/hide', 'hide', postParams, 'post');
  write('posts/:post/appeal', 'appeal', postParams, 'post');
  write('posts/:post/decide-appeal', 'decide-appeal', postParams, 'post');
  write('digest-address', 'digest-address');

  app.get<{ Params: IdP }>(`${base}/proposals`, { schema: { params: idParams } }, async (req) => guard(async () => ({ proposals: await forum.list(req.params.id) })));
  app.get<{ Params: PostP }>(`${base}/proposals/:post`, { schema: { params: postParams } }, async (req) => guard(() => forum.proposal(req.params.id, req.params.post)));
  app.get<{ Params: IdP }>(`${base}/agenda-queue`, { schema: { params: idParams } }, async (req) => guard(async () => ({ queue: await forum.queue(req.params.id) })));
  app.get<{ Params: IdP }>(`${base}/moderation`, { schema: { params: idParams } }, async (req) => guard(async () => ({ log: await forum.moderationLog(req.params.id) })));
  app.get<{ Params: IdP; Querystring: { q: string; limit?: string } }>(`${base}/search`, { schema: { params: idParams, querystring: searchQuery } }, async (req) =>
    guard(async () => ({ results: await forum.search(req.params.id, req.query.q, Number(req.query.limit ?? 20)) })));
  app.get<{ Params: PostP & { index: string } }>(`${base}/posts/:post/attachments/:index`, { schema: { params: attachmentParams } }, async (req, reply) => guard(async () => {
    const a = await forum.attachment(req.params.id, req.params.post, Number(req.params.index));
    // Never rendered by the browser on this origin: a download, whatever type its author gave.
    return reply.header('content-type', 'application/octet-stream').header('content-disposition', disposition(a.name)).header('x-declared-type', a.type).send(a.data);
  }));

  // A qualified proposal onto a draft election as a motion question forum-<id> (spec §21.4): the
  // organiser's edit of the draft, through the same step as any edit; the placement is then read from
  // the published manifest, never kept here.
  app.post<{ Params: PostP; Body: BallotBody }>(`${base}/proposals/:post/ballot`, { schema: { params: postParams, body: ballotBody }, onRequest: admin }, async (req) => guard(async () => {
    if (!opts.elections) throw new HttpError(501, 'not-supported', 'this server puts no proposal onto a ballot');
    const { election, ...given } = req.body;
    const board = await opts.elections.current(election);
    if (board.current.headSeq > 0) throw new HttpError(409, 'not-a-draft', `the key ceremony of ${election} has started: its manifest can no longer change`);
    const manifest = await forum.motionFor(req.params.id, req.params.post, board.current.manifest, given);
    await replaceDraft(opts.elections, election, manifest);
    const placement = (await forum.proposal(req.params.id, req.params.post)).placement;
    return { election, question: forumItemId(req.params.post), placement };
  }));

  app.post<{ Params: IdP }>(`${base}/digest`, { schema: { params: idParams, body: { type: 'object', additionalProperties: false, maxProperties: 0 } }, onRequest: admin }, async (req) => guard(async () => {
    if (!opts.outbox) throw new HttpError(503, 'no-mailer', 'this server has no mail settings; nothing was sent');
    const { body } = await forum.body(req.params.id);
    return sendDigests(opts.forumStore, opts.outbox, body);
  }));

  // The daily round for every body with a forum, when the server can send mail.
  const every = opts.digestIntervalMs ?? DAY_MS;
  if (opts.outbox?.enabled && every > 0) {
    const outbox = opts.outbox;
    const timer = setInterval(() => {
      void (async () => {
        for (const id of await opts.meetingStore.bodies()) {
          const body = await opts.meetingStore.getBody(id);
          if (body?.rules.forum) await sendDigests(opts.forumStore, outbox, body).catch((e: Error) => outbox.log(`forum digest ${id}: ${e.message}`));
        }
      })().catch(() => {});
    }, every);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
}
