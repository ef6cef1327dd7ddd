// The rules of a body's forum (docs/spec.md §21): who may do what, checked before anything is stored.
// Members post proposals and replies, endorse (once each, withdrawable); the body's officers moderate;
// a hidden post's author may appeal once and another officer decides. A proposal that reaches the
// body's endorsement threshold is queued for the agenda of the body's next meeting under a fixed item
// id; the chair puts it there through the meeting's own rules (a signed agenda-item), and the forum
// says where it went by reading the meeting records. Bad input is refused with a code, nothing stored.
import { randomUUID } from 'node:crypto';
import type { BoardStore } from '../board/store.js';
import { memberOf } from '../meeting/body.js';
import type { MeetingStore } from '../meeting/store.js';
import type { Body } from '../meeting/types.js';
import { ballotPlacement, forumItemId, forumQuestions, motionRule, withForumMotion, type BallotQuestion, type MotionRule } from './ballot.js';
import type { Manifest } from '../manifest/types.js';
import { queryWords } from './query.js';
import { checkForumSignature } from './signature.js';
import { ForumConflict, type ForumStore, type StoredAttachment } from './store.js';
import type { ForumAction, ForumRule, ModerationEntry, Placement, Post } from './types.js';
import './types.js';

export type ForumCode =
  | 'malformed' | 'unknown-body' | 'no-forum' | 'unknown-post' | 'not-a-member' | 'not-a-moderator' | 'bad-signature'
  | 'replayed' | 'duplicate' | 'not-endorsed' | 'too-large' | 'hidden' | 'not-hidden' | 'appealed' | 'no-appeal'
  | 'same-officer' | 'not-allowed' | 'not-qualified';

export class ForumError extends Error {
  override name = 'ForumError';
  constructor(readonly code: ForumCode, message: string) { super(message); }
}

export const MAX_TITLE = 200;
export const MAX_TEXT = 20_000;
export const MAX_REASON = 500;
export const MAX_ATTACHMENTS = 4;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const ID = /^[a-z0-9-]{1,64}$/;
const MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]{1,80}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const EMAIL = /^[^\s@<>",;]{1,64}@[^\s@<>",;]{1,190}\.[^\s@<>",;]{1,60}$/;

/** The agenda item id under which a qualified proposal goes on a meeting's agenda. */
export const agendaItemId = forumItemId;

const FIELDS: Record<ForumAction, string[]> = {
  'proposal': ['title', 'text', 'attachments'],
  'reply': ['proposal', 'parent', 'text'],
  'endorse': ['proposal'],
  'withdraw-endorsement': ['proposal'],
  'hide': ['post', 'reason'],
  'appeal': ['post', 'reason'],
  'decide-appeal': ['post', 'decision', 'reason'],
  'digest-address': ['email'],
};
const MODERATOR_ACTIONS = new Set<ForumAction>(['hide', 'decide-appeal']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max;
const fail = (code: ForumCode, message: string): never => { throw new ForumError(code, message); };

/** A post as anyone may read it: a hidden post keeps its author, title-less and text-less. */
export function publicPost(p: Post): Post & { text: string | null } {
  return p.hidden ? { ...p, title: null, text: null, attachments: [] } as unknown as Post & { text: null } : p;
}

export class Forum {
  /** `board`: the elections' store, where a proposal put onto a ballot is found (§21.4); none: meetings only. */
  constructor(readonly store: ForumStore, readonly meetings: MeetingStore, readonly board: BoardStore | null = null) {}

  /** The body and its forum rule; a body without one has no forum. */
  async body(id: string): Promise<{ body: Body; rule: ForumRule }> {
    const body = await this.meetings.getBody(id);
    if (!body) fail('unknown-body', `no body "${id}"`);
    const rule = body!.rules.forum;
    if (!rule) fail('no-forum', `the body "${id}" has no forum (its rules set no endorsement threshold)`);
    return { body: body!, rule: rule! };
  }

  /** Checks a signed action in full, then stores it; returns what it made or changed. */
  async act(bodyId: string, action: ForumAction, input: unknown): Promise<Obj> {
    const { body, rule } = await this.body(bodyId);
    if (!isObj(input)) fail('malformed', 'expected an object');
    const p = input as Obj;
    const fields = [...FIELDS[action], 'by', 'nonce', 'signature'];
    const keys = Object.keys(p).sort().join(',');
    if (keys !== [...fields].sort().join(',')) fail('malformed', `expected exactly {${fields.join(', ')}}, got {${Object.keys(p).join(', ')}}`);
    if (typeof p.by !== 'string' || !ID.test(p.by)) fail('malformed', 'by: an id');
    if (typeof p.nonce !== 'string' || !NONCE.test(p.nonce)) fail('malformed', 'nonce: 16-64 characters of A-Z a-z 0-9 _ -');
    const by = p.by as string;
    if (MODERATOR_ACTIONS.has(action)) {
      if (!body.officers.some((o) => o.id === by)) fail('not-a-moderator', `"${by}" is not an officer of ${body.id}: only officers moderate`);
    } else if (!memberOf(body, by)) fail('not-a-member', `"${by}" is not a member of ${body.id}`);
    const bad = checkForumSignature(body, action, p);
    if (bad) fail('bad-signature', bad);
    const nonce = { body: body.id, signer: by, nonce: p.nonce as string };
    const now = new Date().toISOString();
    try {
      switch (action) {
        case 'proposal': return await this.propose(body, rule, p, nonce, now);
        case 'reply': return await this.reply(body, p, nonce, now);
        case 'endorse': case 'withdraw-endorsement': {
          const post = await this.ownPost(body, p.proposal, 'proposal');
          if (post.parent !== null) fail('malformed', `${post.id} is a reply, not a proposal`);
          if (post.hidden && action === 'endorse') fail('hidden', `proposal ${post.id} is hidden by a moderator`);
          const r = await this.store.endorse(post.id, by, action === 'endorse', rule.endorsements, now, nonce);
          return { proposal: post.id, endorsements: r.endorsements, threshold: rule.endorsements, qualified: r.qualified, agendaItem: r.qualified ? agendaItemId(post.id) : null };
        }
        case 'hide': {
          const post = await this.ownPost(body, p.post, 'post');
          if (post.hidden) fail('hidden', `post ${post.id} is already hidden`);
          const reason = this.reason(p.reason);
          await this.store.moderate({ body: body.id, post: post.id, author: post.author, action: 'hidden', by, reason, time: now, hidden: true }, nonce);
          return { post: post.id, hidden: true };
        }
        case 'appeal': {
          const post = await this.ownPost(body, p.post, 'post');
          if (post.author !== by) fail('not-allowed', `only ${post.author}, its author, may appeal the hiding of post ${post.id}`);
          if (!post.hidden) fail('not-hidden', `post ${post.id} is not hidden`);
          const log = (await this.store.moderationLog(body.id)).filter((e) => e.post === post.id);
          if (log.some((e) => e.action === 'appealed')) fail('appealed', `post ${post.id} was appealed before: one appeal per post`);
          await this.store.moderate({ body: body.id, post: post.id, author: post.author, action: 'appealed', by, reason: this.reason(p.reason), time: now, hidden: true }, nonce);
          return { post: post.id, appealed: true };
        }
        case 'decide-appeal': {
          const post = await this.ownPost(body, p.post, 'post');
          const log = (await this.store.moderationLog(body.id)).filter((e) => e.post === post.id);
          const last = log[log.length - 1];
          if (last?.action !== 'appealed') fail('no-appeal', `post ${post.id} has no appeal waiting for a decision`);
          const hider = [...log].reverse().find((e) => e.action === 'hidden')!;
          if (hider.by === by) fail('same-officer', `${by} hid post ${post.id}: another officer decides the appeal`);
          if (p.decision !== 'upheld' && p.decision !== 'restored') fail('malformed', 'decision: "upheld" (stays hidden) or "restored"');
          await this.store.moderate({ body: body.id, post: post.id, author: post.author, action: p.decision as 'upheld' | 'restored', by, reason: this.reason(p.reason), time: now, hidden: p.decision === 'upheld' }, nonce);
          return { post: post.id, decision: p.decision, hidden: p.decision === 'upheld' };
        }
        case 'digest-address': {
          if (typeof p.email !== 'string' || p.email.length > 254 || !EMAIL.test(p.email)) fail('malformed', 'email: an e-mail address');
          await this.store.setAddress(by, p.email as string, nonce);
          return { member: by, digest: true };
        }
      }
    } catch (e) {
      if (e instanceof ForumConflict) throw new ForumError(e.code, e.message);
      throw e;
    }
    return fail('malformed', `unknown action ${String(action)}`);
  }

  private reason(v: unknown): string {
    if (!isText(v, MAX_REASON)) fail('malformed', `reason: 1-${MAX_REASON} characters`);
    return v as string;
  }

  /** A post of this body (a proposal of another body's forum is as good as unknown here). */
  private async ownPost(body: Body, id: unknown, what: string): Promise<Post> {
    if (typeof id !== 'string' || !ID.test(id)) fail('malformed', `${what}: an id`);
    const post = await this.store.post(id as string);
    if (!post || post.body !== body.id) fail('unknown-post', `no ${what} "${String(id)}" in the forum of ${body.id}`);
    return post!;
  }

  private async propose(body: Body, rule: ForumRule, p: Obj, nonce: { body: string; signer: string; nonce: string }, now: string): Promise<Obj> {
    if (!isText(p.title, MAX_TITLE)) fail('malformed', `title: 1-${MAX_TITLE} characters`);
    if (!isText(p.text, MAX_TEXT)) fail('malformed', `text: 1-${MAX_TEXT} characters`);
    if (!Array.isArray(p.attachments) || p.attachments.length > MAX_ATTACHMENTS) fail('malformed', `attachments: a list of at most ${MAX_ATTACHMENTS}`);
    const attachments: StoredAttachment[] = (p.attachments as unknown[]).map((a, i) => {
      if (!isObj(a) || Object.keys(a).sort().join(',') !== 'data,name,type') fail('malformed', `attachments[${i}]: expected exactly {name, type, data}`);
      const x = a as Obj;
      // A file name only: no path, no control characters (it goes into a Content-Disposition header).
      if (!isText(x.name, MAX_TITLE) || /[\u0000-\u001f\u007f/\\"]/.test(x.name as string)) fail('malformed', `attachments[${i}].name: a file name of 1-${MAX_TITLE} characters without / \\ " or control characters`);
      if (typeof x.type !== 'string' || !MEDIA_TYPE.test(x.type)) fail('malformed', `attachments[${i}].type: a media type such as application/pdf`);
      if (typeof x.data !== 'string' || x.data.length % 4 !== 0 || !BASE64.test(x.data)) fail('malformed', `attachments[${i}].data: base64`);
      const data = Buffer.from(x.data as string, 'base64');
      if (data.length > rule.attachmentBytes) fail('too-large', `attachments[${i}] (${x.name as string}) has ${data.length} bytes; this body allows at most ${rule.attachmentBytes}`);
      return { name: x.name as string, type: x.type as string, data };
    });
    const id = randomUUID();
    await this.store.addPost({ id, body: body.id, proposal: id, parent: null, author: nonce.signer, title: p.title as string, text: p.text as string, created: now, hidden: false, attachments: [] }, attachments, nonce);
    return { id, agendaItem: agendaItemId(id) };
  }

  private async reply(body: Body, p: Obj, nonce: { body: string; signer: string; nonce: string }, now: string): Promise<Obj> {
    const proposal = await this.ownPost(body, p.proposal, 'proposal');
    if (proposal.parent !== null) fail('malformed', `${proposal.id} is a reply, not a proposal`);
    const parent = await this.ownPost(body, p.parent, 'post');
    if (parent.proposal !== proposal.id) fail('malformed', `post ${parent.id} is not in the thread of ${proposal.id}`);
    if (parent.hidden) fail('hidden', `post ${parent.id} is hidden by a moderator`);
    if (!isText(p.text, MAX_TEXT)) fail('malformed', `text: 1-${MAX_TEXT} characters`);
    const id = randomUUID();
    await this.store.addPost({ id, body: body.id, proposal: proposal.id, parent: parent.id, author: nonce.signer, title: null, text: p.text as string, created: now, hidden: false, attachments: [] }, [], nonce);
    return { id };
  }

  /** Where a qualified proposal went: the first meeting of the body whose record has its agenda item,
   *  else the first election whose published manifest has it as a motion with its title (§21.4). */
  async placement(body: string, proposal: Post, ballots?: BallotQuestion[]): Promise<Placement | null> {
    return (await this.meetingPlacement(body, proposal)) ?? ballotPlacement(ballots ?? await this.ballotQuestions(), { id: proposal.id, title: proposal.title ?? '' });
  }

  /** The forum questions of the elections' manifests as they are now (read each time: drafts change). */
  ballotQuestions(): Promise<BallotQuestion[]> {
    return this.board ? forumQuestions(this.board) : Promise.resolve([]);
  }

  /** The first meeting of the body whose record has the proposal's agenda item under the proposal's own
   *  title (kept once found: records only grow). An item of that id in other words is not the proposal,
   *  as a ballot's question of other words is not (§21.4): a chair cannot take it off the queue so. */
  private async meetingPlacement(body: string, proposal: Post): Promise<Placement | null> {
    const known = (await this.store.proposal(proposal.id)).placement;
    if (known) return known;
    const item = agendaItemId(proposal.id);
    for (const m of await this.meetings.meetings(body)) {
      const e = (await this.meetings.events(m.id)).find((x) => x.type === 'agenda-item' && (x.payload as { item: string }).item === item && (x.payload as { title: string }).title === proposal.title);
      if (e) {
        const placement = { meeting: m.id, item, seq: e.seq };
        await this.store.setPlacement(proposal.id, placement);
        return placement;
      }
    }
    return null;
  }

  /** A draft's manifest with a qualified proposal added as a motion question (the organiser's step of
   *  §21.4); refused for a proposal not qualified, hidden, already placed, or already in the manifest. */
  async motionFor(bodyId: string, id: string, manifest: Manifest, given: Partial<MotionRule>): Promise<Manifest> {
    const { body } = await this.body(bodyId);
    const post = await this.ownPost(body, id, 'proposal');
    if (post.parent !== null) fail('malformed', `${post.id} is a reply, not a proposal`);
    if (post.hidden) fail('hidden', `proposal ${post.id} is hidden by a moderator`);
    const state = await this.store.proposal(post.id);
    if (!state.qualified) fail('not-qualified', `proposal ${post.id} has ${state.endorsements.length} of the ${body.rules.forum!.endorsements} endorsements it needs`);
    if (manifest.questions.some((q) => q.id === forumItemId(post.id))) fail('duplicate', `the election ${manifest.id} already has a question ${forumItemId(post.id)}`);
    const placed = await this.placement(body.id, post);
    if (placed) fail('duplicate', `proposal ${post.id} already went to ${'meeting' in placed ? `meeting ${placed.meeting}` : `election ${placed.election}`}`);
    const rule = motionRule(body, given);
    if (typeof rule === 'string') fail('malformed', rule);
    return withForumMotion(manifest, { id: post.id, title: post.title! }, rule as MotionRule);
  }

  /** A proposal with its thread, endorsements and where it went. */
  async proposal(bodyId: string, id: string): Promise<Obj> {
    const { body, rule } = await this.body(bodyId);
    const post = await this.ownPost(body, id, 'proposal');
    if (post.parent !== null) fail('unknown-post', `${id} is a reply, not a proposal`);
    const state = await this.store.proposal(id);
    const thread = (await this.store.posts(body.id)).filter((x) => x.proposal === id && x.id !== id).map(publicPost);
    return {
      proposal: publicPost(post), thread, endorsements: state.endorsements, threshold: rule.endorsements, qualified: state.qualified,
      agendaItem: state.qualified ? { item: agendaItemId(id), title: post.title } : null,
      placement: state.qualified ? await this.placement(body.id, post) : null,
    };
  }

  async list(bodyId: string): Promise<Obj[]> {
    const { body } = await this.body(bodyId);
    const posts = await this.store.posts(body.id);
    return Promise.all(posts.filter((x) => x.parent === null).map(async (x) => {
      const s = await this.store.proposal(x.id);
      return { ...publicPost(x), endorsements: s.endorsements.length, qualified: s.qualified, replies: posts.filter((r) => r.proposal === x.id && r.id !== x.id).length };
    }));
  }

  /** Qualified proposals not yet on any meeting's agenda: what the chair is asked to put on the next one. */
  async queue(bodyId: string): Promise<{ proposal: string; item: string; title: string; qualified: string }[]> {
    const { body } = await this.body(bodyId);
    const out = [];
    const ballots = await this.ballotQuestions();
    for (const x of (await this.store.posts(body.id)).filter((p) => p.parent === null && !p.hidden)) {
      const s = await this.store.proposal(x.id);
      if (s.qualified && !(await this.placement(body.id, x, ballots))) out.push({ proposal: x.id, item: agendaItemId(x.id), title: x.title!, qualified: s.qualified });
    }
    return out;
  }

  async search(bodyId: string, q: string, limit = 20): Promise<Obj[]> {
    const { body } = await this.body(bodyId);
    const hits = await this.store.search(body.id, queryWords(q), limit);
    // The store leaves hidden posts out (before its limit), so a page of results is never short.
    const out: Obj[] = [];
    for (const h of hits) out.push({ ...(await this.store.post(h.post))!, score: h.score });
    return out;
  }

  async moderationLog(bodyId: string): Promise<ModerationEntry[]> {
    const { body } = await this.body(bodyId);
    return this.store.moderationLog(body.id);
  }

  async attachment(bodyId: string, post: string, index: number): Promise<StoredAttachment> {
    const { body } = await this.body(bodyId);
    const p = await this.ownPost(body, post, 'post');
    if (p.hidden) fail('hidden', `post ${p.id} is hidden by a moderator`);
    const a = await this.store.attachment(p.id, index);
    if (!a) fail('unknown-post', `post ${p.id} has no attachment ${index}`);
    return a!;
  }
}
