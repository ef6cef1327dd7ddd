// Pieces of the forum page (docs/spec.md §21) that only show: a post's words, where a proposal stands
// and went, the moderation log. Every user text reaches the page as a text node (dom.ts h()), never as
// markup: titles, texts, attachment names and reasons are the members' input.
import type { Body } from '../../src/meeting/types.js';
import { h, type Child } from './dom.js';
import { formatTime, t } from './i18n.js';
import { forumApi, type ForumPost, type ModerationEntry, type Placement, type ProposalThread } from './forum-api.js';

/** A person's name as the body lists them, else their id. */
export const personName = (body: Body, id: string): string => body.members.find((m) => m.id === id)?.name ?? body.officers.find((o) => o.id === id)?.name ?? id;

/** A post's text, paragraph by paragraph (blank lines apart), line breaks kept. */
export function postText(text: string): HTMLElement {
  return h('div', { class: 'motion-text' }, text.split(/\n{2,}/).map((p) => h('p', null, p)));
}

export function byline(body: Body, post: ForumPost): HTMLElement {
  return h('p', { class: 'hint' }, t('forum.byline', { name: personName(body, post.author), time: formatTime(post.created) }));
}

/** The reason of the latest hiding of a post, from the public log. */
export const hiddenReason = (log: ModerationEntry[], post: string): string | null =>
  [...log].reverse().find((e) => e.post === post && (e.action === 'hidden' || e.action === 'upheld'))?.reason ?? null;

export function hiddenNotice(log: ModerationEntry[], post: ForumPost): HTMLElement {
  const reason = hiddenReason(log, post.id);
  return h('p', { class: 'notice warning', id: `hidden-${post.id}` }, reason ? t('forum.hiddenWithReason', { reason }) : t('forum.hidden'));
}

export function attachmentLinks(bodyId: string, post: ForumPost): Child {
  if (post.hidden || post.attachments.length === 0) return null;
  return h('ul', { class: 'attachments', 'aria-label': t('forum.attachments') }, post.attachments.map((a) =>
    h('li', null, h('a', { href: forumApi.attachmentUrl(bodyId, post.id, a.index), download: a.name, id: `attachment-${post.id}-${a.index}` }, a.name),
      ' ', h('span', { class: 'hint' }, t('forum.bytes', { n: a.size })))));
}

/** Where a placed proposal went: a meeting's agenda (read from its record) or a ballot (its manifest). */
export function placementLine(p: Placement): HTMLElement {
  if ('meeting' in p) {
    return h('p', { id: 'placement', class: 'notice ok' }, t('forum.placedMeeting', { meeting: p.meeting, item: p.item, seq: p.seq }), ' ',
      h('a', { href: `/meeting/${encodeURIComponent(p.meeting)}` }, t('forum.openMeeting')));
  }
  return h('p', { id: 'placement', class: 'notice ok' }, t('forum.placedBallot', { election: p.election, question: p.question }), ' ',
    h('a', { href: `/vote/${encodeURIComponent(p.election)}` }, t('forum.openBallot')));
}

/** "2 of 3 endorsements" and, once qualified, where the proposal is queued or went. */
export function standing(th: ProposalThread): HTMLElement {
  return h('div', { id: 'standing' },
    h('p', { id: 'endorsement-count' }, t('forum.endorsementCount', { n: th.endorsements.length, threshold: th.threshold })),
    th.qualified && !th.placement ? h('p', { id: 'qualified', class: 'notice info' }, t('forum.queued', { time: formatTime(th.qualified), item: th.agendaItem?.item ?? '' })) : null,
    th.placement ? placementLine(th.placement) : null);
}

const ACTION_KEYS: Record<ModerationEntry['action'], string> = { hidden: 'forum.log.hidden', appealed: 'forum.log.appealed', upheld: 'forum.log.upheld', restored: 'forum.log.restored' };

/** The public moderation log, newest last: who did what to whose post, and why. */
export function moderationLog(body: Body, log: ModerationEntry[], titleOf: (post: string) => string): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'log-heading' },
    h('h2', { id: 'log-heading' }, t('forum.logTitle')),
    log.length === 0 ? h('p', { id: 'log-empty' }, t('forum.logEmpty')) : h('ol', { id: 'moderation-log' }, log.map((e) =>
      h('li', { id: `log-${e.seq}` },
        h('span', { class: 'break' }, t(ACTION_KEYS[e.action], { by: personName(body, e.by), author: personName(body, e.author), post: titleOf(e.post), time: formatTime(e.time) })),
        h('div', { class: 'motion-text' }, e.reason)))));
}
