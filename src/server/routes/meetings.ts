// Meetings over HTTP. The admin creates bodies and meetings; everything else is an event signed in the
// signer's own browser (check-in, proxies, named votes by members; procedure by the chair or a
// secretary), which the server checks by the record's rules and appends, or refuses with a code and
// changes nothing. GET /api/meetings/:id/events streams the record live (server-sent events); a client
// that reconnects with Last-Event-ID gets every event after the last one it saw.
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BoardStore } from '../../board/store.js';
import { requireAdmin } from '../auth.js';
import { HttpError } from '../errors.js';
import { Meetings } from '../../meeting/live.js';
import { MeetingError } from '../../meeting/problem.js';
import { encodeMeetingEvent } from '../../meeting/events.js';
import type { MeetingStore } from '../../meeting/store.js';
import type { MeetingEvent, SignedMeetingEventType } from '../../meeting/types.js';
import { Elections } from '../elections.js';
import { BoardError } from '../../board/board.js';
import { secretElectionIdOf } from '../../meeting/secret.js';

const ID = { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } as const;
const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: ID } } as const;
const motionParams = { type: 'object', additionalProperties: false, required: ['id', 'motion'], properties: { id: ID, motion: ID } } as const;
const anyObject = { type: 'object', maxProperties: 32 } as const;
const meetingBody = {
  type: 'object', additionalProperties: false, required: ['id', 'title', 'body', 'chair', 'secretaries'],
  properties: { id: ID, title: { type: 'string', minLength: 1, maxLength: 200 }, body: ID, chair: ID, secretaries: { type: 'array', maxItems: 20, items: ID }, tellers: { type: 'array', maxItems: 20, items: ID }, threshold: { type: 'integer', minimum: 0, maximum: 20 } },
} as const;

const STATUS: Record<string, number> = {
  'malformed': 400, 'invalid-body': 400, 'not-allowed': 403, 'unknown-meeting': 404, 'unknown-body': 404, 'unknown-motion': 404,
  'exists': 409, 'wrong-phase': 409, 'vote-closed': 409, 'vote-open': 409, 'duplicate': 409, 'stale-roll': 409, 'no-quorum': 409,
  'not-a-member': 422, 'bad-signature': 422, 'not-present': 422, 'proxy-limit': 422, 'no-proxy': 422, 'bad-split': 422,
  'secret-unsupported': 422, 'bad-result': 422,
  'no-tellers': 422, 'wrong-mode': 422, 'tellers-not-ready': 409, 'wrong-list': 422, 'not-decrypted': 409,
  'unknown-item': 404, 'agenda-order': 409, 'not-current': 409, 'amendment-order': 409, 'no-paragraph': 422, 'wrong-text': 409,
};

function asHttp(e: unknown): never {
  if (e instanceof MeetingError) {
    const err = new HttpError(STATUS[e.code] ?? 400, e.code, e.message);
    throw err;
  }
  throw e;
}
const guard = async <T>(f: () => Promise<T>): Promise<T> => { try { return await f(); } catch (e) { return asHttp(e); } };

type IdP = { id: string };
type MotionP = { id: string; motion: string };

export async function meetingRoutes(app: FastifyInstance, opts: { boardStore: BoardStore; meetingStore: MeetingStore; elections?: Elections }): Promise<void> {
  // A secret motion's election lives on the same board store as every election (§19 M7).
  const elections = opts.elections ?? new Elections(opts.boardStore);
  const meetings = new Meetings(opts.meetingStore, elections);
  // Live streams never end by themselves: the server ends them when it closes.
  const streams = new Set<() => void>();
  // Other processes' appends (PostgreSQL's notices, spec §19 M9): announced here as soon as they check.
  const unfollow = meetings.followNotices();
  app.addHook('preClose', async () => { unfollow(); for (const end of streams) end(); });
  const admin = (req: FastifyRequest) => requireAdmin(opts.boardStore, req);

  app.post('/api/bodies', { schema: { body: anyObject }, onRequest: admin }, async (req) => guard(async () => ({ id: (await meetings.createBody(req.body)).id })));
  app.put<{ Params: IdP }>('/api/bodies/:id', { schema: { params: idParams, body: anyObject }, onRequest: admin }, async (req) => guard(async () => ({ id: (await meetings.replaceBody(req.params.id, req.body)).id })));
  app.get<{ Params: IdP }>('/api/bodies/:id', { schema: { params: idParams } }, async (req) => guard(() => meetings.body(req.params.id)));

  app.post<{ Body: { id: string; title: string; body: string; chair: string; secretaries: string[]; tellers?: string[]; threshold?: number } }>('/api/meetings', { schema: { body: meetingBody }, onRequest: admin }, async (req) =>
    guard(async () => {
      const m = await meetings.createMeeting(req.body);
      return { id: m.id, meetingHash: m.state.meetingHash, proxies: m.state.meeting.proxies.length };
    }));

  app.get<{ Params: IdP }>('/api/meetings/:id', { schema: { params: idParams } }, async (req) => guard(async () => (await meetings.meeting(req.params.id)).view()));

  app.get<{ Params: IdP }>('/api/meetings/:id/record', { schema: { params: idParams } }, async (req, reply) => guard(async () => {
    const m = await meetings.meeting(req.params.id);
    const events = await m.store.events(m.id, 0, m.state.headSeq + 1);
    reply.header('content-type', 'application/x-ndjson; charset=utf-8');
    return events.map((e) => encodeMeetingEvent(e) + '\n').join('');
  }));

  // One route per kind of signed event; the body is the signed payload.
  const submit = (path: string, type: SignedMeetingEventType, motionInPath = false) =>
    app.post<{ Params: MotionP }>(`/api/meetings/:id/${path}`, { schema: { params: motionInPath ? motionParams : idParams, body: anyObject } }, async (req) => guard(async () => {
      const m = await meetings.meeting(req.params.id);
      const payload = req.body as Record<string, unknown>;
      if (motionInPath && payload.motion !== req.params.motion) throw new MeetingError('malformed', `the payload is for motion ${String(payload.motion)}, the path names ${req.params.motion}`);
      const events = await m.submit(type, payload);
      return { events: events.map((e) => ({ seq: e.seq, hash: e.hash, type: e.type })), result: events.find((e) => e.type === 'motion-result')?.payload ?? null };
    }));
  submit('open', 'meeting-opened');
  submit('close', 'meeting-closed');
  submit('check-in', 'member-present');
  submit('leave', 'member-left');
  submit('proxies', 'proxy-granted');
  submit('proxies/revoke', 'proxy-revoked');
  submit('motions', 'motion-put');
  submit('motions/:motion/open', 'vote-opened', true);
  submit('motions/:motion/close', 'vote-closed', true);
  submit('motions/:motion/votes', 'named-vote', true);
  submit('agenda', 'agenda-item');
  submit('agenda/open', 'item-opened');
  submit('speakers', 'speaker-requested');
  submit('speakers/withdraw', 'speaker-withdrawn');
  submit('speakers/floor', 'floor-given');
  submit('motions/:motion/amendments', 'amendment-put', true);
  submit('amendments/withdraw', 'amendment-withdrawn');

  // Secret votes (§19 M7). A member (or proxy holder) registers a credential key, signed; the chair's
  // browser signs the list (the election's credential authority key is the chair's body key); members
  // cast in the election's booth (POST /api/elections/:election/ballots); the tellers post their key
  // ceremony and decryption, each payload signed with their body key (the election checks it, so no
  // token is needed); then anyone may ask the board for the result, which it computes from the election.
  submit('motions/:motion/credentials', 'credential-registered', true);
  app.post<{ Params: MotionP }>('/api/meetings/:id/motions/:motion/credential-list', { schema: { params: motionParams, body: anyObject } }, async (req) => guard(async () => {
    await (await meetings.meeting(req.params.id)).submitCredentialList(req.params.motion, req.body);
    return { election: secretElectionIdOf(req.params.id, req.params.motion), poll: 'open' };
  }));
  app.post<{ Params: MotionP }>('/api/meetings/:id/motions/:motion/result', { schema: { params: motionParams } }, async (req) => guard(async () => {
    const e = await (await meetings.meeting(req.params.id)).publishSecretResult(req.params.motion);
    return { events: [{ seq: e.seq, hash: e.hash, type: e.type }], result: e.payload };
  }));
  const TELLER_STEPS = ['commitment', 'key', 'shares', 'ready', 'decryption'] as const;
  const tellerParams = { type: 'object', additionalProperties: false, required: ['id', 'motion', 'teller', 'step'], properties: { id: ID, motion: ID, teller: ID, step: { type: 'string', enum: TELLER_STEPS } } } as const;
  app.post<{ Params: MotionP & { teller: string; step: (typeof TELLER_STEPS)[number] } }>('/api/meetings/:id/motions/:motion/tellers/:teller/:step', { bodyLimit: 4 << 20, schema: { params: tellerParams, body: anyObject } }, async (req) => guard(async () => {
    const m = await meetings.meeting(req.params.id);
    if (!m.state.meeting.tellers.includes(req.params.teller)) throw new MeetingError('not-allowed', `${req.params.teller} is not a teller of this meeting`);
    // Only a secret vote of this meeting: the election id <meeting>-<motion> alone could name another
    // meeting's election (meeting "a-b", motion "c" and meeting "a", motion "b-c") or one the admin made.
    if (m.state.motions.get(req.params.motion)?.mode !== 'secret') throw new MeetingError('unknown-motion', `${req.params.motion} is not a secret vote of meeting ${req.params.id}`);
    const payload = req.body as { trustee?: unknown };
    if (payload.trustee !== req.params.teller) throw new MeetingError('malformed', `the payload is for teller ${String(payload.trustee)}, the path names ${req.params.teller}`);
    const board = await elections.current(secretElectionIdOf(req.params.id, req.params.motion)).catch(() => { throw new MeetingError('unknown-motion', `no secret vote ${req.params.motion}`); });
    try {
      const step = req.params.step;
      const e = step === 'commitment' ? await board.submitTrusteeCommitment(req.body as never) : step === 'key' ? await board.submitTrusteeKey(req.body as never)
        : step === 'shares' ? await board.submitTrusteeShares(req.body as never) : step === 'ready' ? await board.submitTrusteeReady(req.body as never) : await board.submitDecryptionShare(req.body as never);
      return { seq: e.seq, hash: e.hash, type: e.type };
    } catch (e) {
      if (e instanceof BoardError) throw new HttpError(e.code === 'unknown-election' ? 404 : 422, e.code, e.message);
      throw e;
    }
  }));

  app.get<{ Params: IdP; Querystring: { from?: string } }>('/api/meetings/:id/events', {
    schema: { params: idParams, querystring: { type: 'object', additionalProperties: false, properties: { from: { type: 'string', pattern: '^[0-9]{1,9}$' } } } },
  }, async (req, reply) => {
    const m = await guard(() => meetings.meeting(req.params.id));
    const last = req.headers['last-event-id'];
    const from = typeof last === 'string' && /^[0-9]{1,9}$/.test(last) ? Number(last) + 1 : Number(req.query.from ?? 0);
    return stream(m, from, req, reply, streams);
  });
}

/** Every event from `from` on, then each new one as it is appended, as server-sent events (id = seq).
 *  Only what the meeting has checked is sent: the catch-up reads the store up to the meeting's head, and
 *  every later event comes from the meeting's announcement, made after its check. */
function stream(m: { id: string; store: MeetingStore; state: { headSeq: number }; subscribe(f: (e: MeetingEvent) => void): () => void }, from: number, req: FastifyRequest, reply: FastifyReply, open: Set<() => void>): FastifyReply {
  const out = new PassThrough();
  let next = from;
  let caughtUp = false;
  const waiting: MeetingEvent[] = [];
  const write = (e: MeetingEvent) => {
    if (e.seq !== next) return; // already sent (the catch-up read and the subscription overlap)
    out.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${encodeMeetingEvent(e)}\n\n`);
    next = e.seq + 1;
  };
  // Subscribe first, then read what is stored: an event appended in between is held, not lost.
  const unsubscribe = m.subscribe((e) => { if (caughtUp) write(e); else waiting.push(e); });
  const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), 15_000);
  const end = () => { clearInterval(heartbeat); unsubscribe(); };
  // The server's close ends the stream and its socket (a client that went away may leave it half open).
  const socket = req.raw.socket;
  const close = () => { end(); out.end(); socket.destroy(); };
  open.add(close);
  socket.once('close', () => { end(); open.delete(close); });
  reply.raw.once('close', end);
  void (async () => {
    try {
      while (next <= m.state.headSeq) {
        const batch = await m.store.events(m.id, next, Math.min(1000, m.state.headSeq - next + 1));
        const before = next;
        for (const e of batch) write(e);
        if (next === before) throw new Error(`the store has no event ${next} of ${m.id}`);
      }
      for (const e of waiting) write(e);
      waiting.length = 0;
      caughtUp = true;
    } catch {
      close();
    }
  })();
  return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store').send(out);
}
