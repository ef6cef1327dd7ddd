// A body's forum: /forum/<body id>, opened from the member's personal link (#member=<id>&key=<secret>;
// the fragment never reaches the server). Anyone reads: the proposals, a thread, the search, the
// moderation log. A member posts proposals (with attachments within the body's limit) and replies,
// endorses and withdraws; sees the endorsements against the threshold and where a qualified proposal
// went; an officer hides a post with a reason and decides appeals; a hidden post's author appeals.
// Every action is signed here with the person's key (spec §21.2); a refusal is said with its code in
// words. The page asks the server again every few seconds, so other members' posts show up.
import type { Body } from '../../src/meeting/types.js';
import { ApiError, errorText } from '../lib/api.js';
import { h, type Child } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorBox, okBox, pathParts, rerender, runAction, startPage } from '../lib/page.js';
import { languageReady } from '../lib/i18n.js';
import { publicKeyOf } from '../lib/meeting-api.js';
import { forumApi, forumSignerFromLink, readAttachment, rememberForumSigner, submitForum, type ForumPost, type ModerationEntry, type ProposalSummary, type ProposalThread, type SearchHit, type Signer } from '../lib/forum-api.js';
import { attachmentLinks, byline, hiddenNotice, moderationLog, personName, postText, standing } from '../lib/forum-ui.js';

const MAX_ATTACHMENTS = 4;
const REFRESH_MS = 4000;

const bodyId = pathParts()[1] ?? '';
const state = {
  body: null as Body | null,
  signer: forumSignerFromLink(bodyId),
  ready: false,
  error: '',
  busy: false,
  message: '',
  messageOk: true,
  proposals: [] as ProposalSummary[],
  log: [] as ModerationEntry[],
  open: null as string | null,
  thread: null as ProposalThread | null,
  query: '',
  results: null as SearchHit[] | null,
  draft: { title: '', text: '', files: [] as File[] },
  reply: { text: '', parent: null as string | null },
  /** Reasons typed per post and form (hide-…, appeal-…, decide-…), kept across redraws. */
  reasons: new Map<string, string>(),
  email: '',
  signIn: { id: '', secret: '' },
};

const roleOf = (b: Body, s: Signer | null) => ({
  member: !!s && b.members.some((m) => m.id === s.id),
  officer: !!s && b.officers.some((o) => o.id === s.id),
});

/** Why the signer cannot sign here (not in the body, or a key that is not theirs), or null. */
function signerProblem(b: Body, s: Signer): string | null {
  const listed = b.members.find((m) => m.id === s.id) ?? b.officers.find((o) => o.id === s.id);
  if (!listed) return t('meeting.notInBody', { id: s.id });
  return publicKeyOf(s.secret) === listed.key ? null : t('meeting.wrongKey', { name: listed.name });
}

let shown = '';
/** Loads what the page shows; redraws only when something changed (a redraw while typing costs the caret). */
async function load(force = false): Promise<void> {
  try {
    state.body ??= await forumApi.body(bodyId);
    const [proposals, log, thread] = await Promise.all([
      forumApi.proposals(bodyId), forumApi.moderation(bodyId), state.open ? forumApi.proposal(bodyId, state.open) : Promise.resolve(null),
    ]);
    state.proposals = proposals;
    state.log = log;
    state.thread = thread;
    state.error = '';
  } catch (e) {
    state.error = errorText(e);
  }
  const now = JSON.stringify([state.proposals, state.log, state.thread, state.error]);
  if (force || now !== shown) { shown = now; rerender(); }
}

const explain = (e: unknown) => (e instanceof ApiError ? errorText(e) : e instanceof Error ? e.message : String(e));
const act = (run: () => Promise<string>) => runAction(state, run, () => load(true), explain);
const sign: typeof submitForum = (body, signer, action, fields) => submitForum(body, signer, action, fields);
const say = (text: string) => { state.message = text; state.messageOk = false; rerender(); document.getElementById('message')?.focus(); };

async function openProposal(id: string): Promise<void> {
  state.open = id;
  state.reply = { text: '', parent: null };
  await load(true);
  document.getElementById('thread-heading')?.focus();
}

function postProposal(b: Body): void {
  const limit = b.rules.forum?.attachmentBytes ?? 0;
  const big = state.draft.files.find((f) => f.size > limit);
  if (big) { say(t('forum.fileTooLarge', { name: big.name, n: big.size, max: limit })); return; }
  if (state.draft.files.length > MAX_ATTACHMENTS) { say(t('forum.tooManyFiles', { n: MAX_ATTACHMENTS })); return; }
  void act(async () => {
    const attachments = await Promise.all(state.draft.files.map(readAttachment));
    const r = await sign(bodyId, state.signer!, 'proposal', { title: state.draft.title, text: state.draft.text, attachments });
    state.draft = { title: '', text: '', files: [] };
    state.open = String(r.id);
    return t('forum.proposalPosted');
  });
}

/** A text field bound to the page's state, so a redraw keeps what was typed. */
function field(id: string, label: string, value: string, set: (v: string) => void, opts: { multiline?: boolean; max: number; required?: boolean; type?: string }): HTMLElement {
  const input = opts.multiline
    ? h('textarea', { id, rows: 5, maxlength: opts.max, required: opts.required ?? true, value, onInput: (e: Event) => set((e.target as HTMLTextAreaElement).value) })
    : h('input', { id, type: opts.type ?? 'text', maxlength: opts.max, required: opts.required ?? true, value, onInput: (e: Event) => set((e.target as HTMLInputElement).value) });
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}
const reasonField = (key: string, label: string) => field(key, label, state.reasons.get(key) ?? '', (v) => state.reasons.set(key, v), { max: 500 });
const takeReason = (key: string) => { const r = state.reasons.get(key) ?? ''; state.reasons.delete(key); return r; };

/** What the signed-in person may do to one post: reply; hide (officer); appeal (its author); decide an appeal (another officer). */
function postActions(b: Body, post: ForumPost): Child {
  const s = state.signer;
  if (!s) return null;
  const role = roleOf(b, s);
  const entries = state.log.filter((e) => e.post === post.id);
  const last = entries[entries.length - 1];
  const hider = [...entries].reverse().find((e) => e.action === 'hidden');
  const out: Child[] = [];
  if (!post.hidden && role.member) {
    out.push(h('button', { type: 'button', id: `reply-to-${post.id}`, disabled: state.busy, onClick: () => {
      state.reply.parent = post.id; rerender(); document.getElementById('reply-text')?.focus();
    } }, t('forum.replyTo')));
  }
  if (!post.hidden && role.officer) {
    const key = `hide-reason-${post.id}`;
    out.push(h('form', { class: 'row', onSubmit: (e: Event) => {
      e.preventDefault();
      void act(async () => { await sign(bodyId, s, 'hide', { post: post.id, reason: takeReason(key) }); return t('forum.hiddenDone'); });
    } }, reasonField(key, t('forum.hideReason')), h('button', { type: 'submit', id: `hide-${post.id}`, disabled: state.busy }, t('forum.hide'))));
  }
  if (post.hidden && post.author === s.id && !entries.some((e) => e.action === 'appealed')) {
    const key = `appeal-reason-${post.id}`;
    out.push(h('form', { class: 'row', onSubmit: (e: Event) => {
      e.preventDefault();
      void act(async () => { await sign(bodyId, s, 'appeal', { post: post.id, reason: takeReason(key) }); return t('forum.appealDone'); });
    } }, reasonField(key, t('forum.appealReason')), h('button', { type: 'submit', id: `appeal-${post.id}`, disabled: state.busy }, t('forum.appeal'))));
  }
  if (post.hidden && role.officer && last?.action === 'appealed' && hider?.by !== s.id) {
    const key = `decide-reason-${post.id}`;
    const decide = (decision: 'upheld' | 'restored') => {
      if (!(state.reasons.get(key) ?? '').trim()) { say(t('forum.reasonFirst')); return; }
      void act(async () => { await sign(bodyId, s, 'decide-appeal', { post: post.id, decision, reason: takeReason(key) }); return t(`forum.decided.${decision}`); });
    };
    out.push(h('div', { class: 'row' }, reasonField(key, t('forum.decideReason')),
      h('button', { type: 'button', id: `uphold-${post.id}`, disabled: state.busy, onClick: () => decide('upheld') }, t('forum.uphold')),
      h('button', { type: 'button', id: `restore-${post.id}`, disabled: state.busy, onClick: () => decide('restored') }, t('forum.restore'))));
  }
  return out.length ? h('div', { class: 'actions' }, out) : null;
}

function postCard(b: Body, post: ForumPost, heading: boolean): HTMLElement {
  const parent = post.parent && post.parent !== post.proposal ? state.thread?.thread.find((x) => x.id === post.parent) : null;
  return h('article', { class: heading ? '' : 'card reply', id: `post-${post.id}`, 'aria-label': heading ? null : t('forum.replyBy', { name: personName(b, post.author) }) },
    heading ? h('h2', { id: 'thread-heading', tabindex: '-1', class: 'break' }, post.hidden ? t('forum.hiddenTitle') : post.title) : h('h3', { class: 'break' }, personName(b, post.author)),
    byline(b, post),
    parent ? h('p', { class: 'hint' }, t('forum.inReplyTo', { name: personName(b, parent.author) })) : null,
    post.hidden ? hiddenNotice(state.log, post) : [postText(post.text ?? ''), attachmentLinks(bodyId, post)],
    postActions(b, post));
}

function threadSection(b: Body): Child {
  const th = state.thread;
  if (!state.open || !th) return null;
  const s = state.signer;
  const role = roleOf(b, s);
  const mine = !!s && th.endorsements.includes(s.id);
  const p = th.proposal;
  const replyingTo = state.reply.parent ? th.thread.find((x) => x.id === state.reply.parent) : null;
  return h('section', { class: 'card', id: 'thread', 'aria-labelledby': 'thread-heading' },
    postCard(b, p, true),
    standing(th),
    role.member && !p.hidden ? h('div', { class: 'actions' }, mine
      ? h('button', { type: 'button', id: 'withdraw', disabled: state.busy, onClick: () => void act(async () => { await sign(bodyId, s!, 'withdraw-endorsement', { proposal: p.id }); return t('forum.withdrawn'); }) }, t('forum.withdraw'))
      : h('button', { type: 'button', class: 'primary', id: 'endorse', disabled: state.busy, onClick: () => void act(async () => {
        const r = await sign(bodyId, s!, 'endorse', { proposal: p.id });
        return r.qualified ? t('forum.endorsedQualified') : t('forum.endorsed');
      }) }, t('forum.endorse'))) : null,
    h('h3', { id: 'replies-heading' }, t('forum.replies', { n: th.thread.length })),
    th.thread.length ? h('div', { id: 'replies' }, th.thread.map((x) => postCard(b, x, false))) : h('p', { id: 'no-replies' }, t('forum.noReplies')),
    role.member && !p.hidden ? h('form', { id: 'reply-form', onSubmit: (e: Event) => {
      e.preventDefault();
      const parent = state.reply.parent ?? p.id;
      void act(async () => {
        await sign(bodyId, s!, 'reply', { proposal: p.id, parent, text: state.reply.text });
        state.reply = { text: '', parent: null };
        return t('forum.replyPosted');
      });
    } },
      replyingTo ? h('p', { id: 'replying-to' }, t('forum.replyingTo', { name: personName(b, replyingTo.author) }), ' ',
        h('button', { type: 'button', id: 'reply-to-proposal', onClick: () => { state.reply.parent = null; rerender(); document.getElementById('reply-text')?.focus(); } }, t('forum.replyToProposal'))) : null,
      field('reply-text', t('forum.yourReply'), state.reply.text, (v) => { state.reply.text = v; }, { multiline: true, max: 20_000 }),
      h('button', { type: 'submit', class: 'primary', id: 'post-reply', disabled: state.busy }, t('forum.postReply'))) : null,
    h('button', { type: 'button', id: 'close-thread', onClick: () => { state.open = null; state.thread = null; rerender(); document.getElementById('proposals-heading')?.focus(); } }, t('forum.backToList')));
}

function proposalItem(b: Body, p: ProposalSummary | SearchHit, threshold: number): HTMLElement {
  const summary = 'endorsements' in p ? p : state.proposals.find((x) => x.id === p.proposal);
  return h('li', { class: 'proposal-item' },
    h('button', { type: 'button', class: 'link break', id: `${'score' in p ? 'hit' : 'open'}-${p.id}`, onClick: () => void openProposal(p.proposal) },
      p.hidden ? t('forum.hiddenTitle') : p.title ?? t('forum.replyIn', { title: state.proposals.find((x) => x.id === p.proposal)?.title ?? '' })),
    ' ', h('span', { class: 'hint' }, t('forum.by', { name: personName(b, p.author) })),
    summary ? h('span', { class: 'hint' }, ' · ', t('forum.endorsementCount', { n: summary.endorsements, threshold }), ' · ', t('forum.replies', { n: summary.replies })) : null,
    summary?.qualified ? [' ', h('span', { class: 'badge open' }, t('forum.qualifiedBadge'))] : null);
}

function searchSection(b: Body, threshold: number): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'search-heading' },
    h('h2', { id: 'search-heading' }, t('forum.search')),
    h('form', { role: 'search', class: 'row', onSubmit: (e: Event) => {
      e.preventDefault();
      const q = state.query.trim();
      if (!q) return;
      void (async () => {
        try { state.results = await forumApi.search(bodyId, q); state.error = ''; } catch (err) { state.results = null; state.error = errorText(err); }
        rerender();
        document.getElementById('search-results')?.focus();
      })();
    } },
      field('search-q', t('forum.searchWords'), state.query, (v) => { state.query = v; }, { max: 500, type: 'search' }),
      h('button', { type: 'submit', id: 'search-go' }, t('forum.searchGo'))),
    state.results ? h('div', { id: 'search-results', tabindex: '-1' },
      h('p', { role: 'status' }, t('forum.hits', { n: state.results.length })),
      state.results.length ? h('ul', null, state.results.map((r) => proposalItem(b, r, threshold))) : null) : null);
}

function newProposalSection(b: Body): Child {
  if (!roleOf(b, state.signer).member) return null;
  const limit = b.rules.forum?.attachmentBytes ?? 0;
  return h('section', { class: 'card', 'aria-labelledby': 'new-heading' },
    h('h2', { id: 'new-heading' }, t('forum.newProposal')),
    h('form', { id: 'proposal-form', onSubmit: (e: Event) => { e.preventDefault(); postProposal(b); } },
      field('new-title', t('forum.proposalTitle'), state.draft.title, (v) => { state.draft.title = v; }, { max: 200 }),
      field('new-text', t('forum.proposalText'), state.draft.text, (v) => { state.draft.text = v; }, { multiline: true, max: 20_000 }),
      limit > 0 ? h('div', { class: 'field' },
        h('label', { for: 'new-file' }, t('forum.attach')),
        h('input', { type: 'file', id: 'new-file', multiple: true, 'aria-describedby': 'new-file-hint', onChange: (e: Event) => {
          state.draft.files = [...state.draft.files, ...Array.from((e.target as HTMLInputElement).files ?? [])];
          rerender();
        } }),
        h('p', { class: 'hint', id: 'new-file-hint' }, t('forum.attachLimit', { n: MAX_ATTACHMENTS, max: limit })),
        state.draft.files.length ? h('ul', { id: 'chosen-files' }, state.draft.files.map((f, i) => h('li', null, f.name, ' ', h('span', { class: 'hint' }, t('forum.bytes', { n: f.size })), ' ',
          h('button', { type: 'button', id: `unattach-${i}`, onClick: () => { state.draft.files.splice(i, 1); rerender(); } }, t('forum.unattach', { name: f.name }))))) : null) : null,
      h('button', { type: 'submit', class: 'primary', id: 'post-proposal', disabled: state.busy }, t('forum.post'))));
}

function signInSection(b: Body): HTMLElement {
  const s = state.signer;
  const bad = s ? signerProblem(b, s) : null;
  if (s && !bad) {
    return h('p', { id: 'signed-in' }, t('forum.signedInAs', { name: personName(b, s.id) }), ' ',
      h('button', { type: 'button', id: 'sign-out', onClick: () => { state.signer = null; rememberForumSigner(bodyId, null); rerender(); } }, t('forum.signOut')));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'sign-in-heading' },
    h('h2', { id: 'sign-in-heading' }, t('forum.signInTitle')),
    bad ? errorBox(bad) : null,
    h('p', null, t('forum.signInHelp')),
    h('form', { onSubmit: (e: Event) => {
      e.preventDefault();
      state.signer = { id: state.signIn.id.trim(), secret: state.signIn.secret.trim() };
      state.signIn = { id: '', secret: '' };
      rememberForumSigner(bodyId, state.signer);
      rerender();
    } },
      h('div', { class: 'field' }, h('label', { for: 'signer-id' }, t('meeting.signerId')), h('input', { id: 'signer-id', type: 'text', autocomplete: 'username', required: true, value: state.signIn.id, onInput: (e: Event) => { state.signIn.id = (e.target as HTMLInputElement).value; } })),
      h('div', { class: 'field' }, h('label', { for: 'signer-key' }, t('meeting.signerKey')), h('input', { id: 'signer-key', type: 'password', class: 'mono wide', autocomplete: 'off', required: true, value: state.signIn.secret, onInput: (e: Event) => { state.signIn.secret = (e.target as HTMLInputElement).value; } })),
      h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, t('common.continue'))));
}

function digestSection(b: Body): Child {
  if (!roleOf(b, state.signer).member || (state.signer && signerProblem(b, state.signer))) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'digest-heading' },
    h('h2', { id: 'digest-heading' }, t('forum.digestTitle')),
    h('form', { class: 'row', onSubmit: (e: Event) => {
      e.preventDefault();
      void act(async () => { await sign(bodyId, state.signer!, 'digest-address', { email: state.email.trim() }); return t('forum.digestSaved'); });
    } }, field('digest-email', t('forum.digestEmail'), state.email, (v) => { state.email = v; }, { max: 254, type: 'text' }),
      h('button', { type: 'submit', id: 'digest-save', disabled: state.busy }, t('forum.digestSave'))));
}

function render(): Child {
  const b = state.body;
  if (!b) return [h('h1', null, t('forum.title')), state.error ? errorBox(state.error) : h('p', { class: 'loading' }, t('page.loading'))];
  const threshold = b.rules.forum?.endorsements ?? 0;
  const titleOf = (post: string) => {
    const p = state.proposals.find((x) => x.id === post);
    if (p) return p.hidden ? t('forum.hiddenTitle') : p.title ?? post;
    const r = state.thread?.thread.find((x) => x.id === post);
    return r ? t('forum.replyBy', { name: personName(b, r.author) }) : post;
  };
  return h('div', { id: 'forum', 'data-ready': state.ready ? 'yes' : null },
    h('h1', { class: 'break' }, t('forum.heading', { name: b.name })),
    h('p', { class: 'hint', id: 'threshold' }, t('forum.rule', { n: threshold })),
    h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null),
    state.error ? errorBox(state.error) : null,
    signInSection(b),
    threadSection(b),
    searchSection(b, threshold),
    h('section', { class: 'card', 'aria-labelledby': 'proposals-heading' },
      h('h2', { id: 'proposals-heading', tabindex: '-1' }, t('forum.proposals')),
      state.proposals.length ? h('ul', { id: 'proposals' }, state.proposals.map((p) => proposalItem(b, p, threshold))) : h('p', { id: 'no-proposals' }, t('forum.noProposals'))),
    newProposalSection(b),
    moderationLog(b, state.log, titleOf),
    digestSection(b));
}

startPage({ titleKey: 'forum.title', render });
void (async () => {
  await load(true);
  await languageReady();
  state.ready = !!state.body;
  rerender();
})();
// Other members' posts, endorsements and moderation show up without a reload.
window.setInterval(() => { if (!state.busy) void load(); }, REFRESH_MS);
