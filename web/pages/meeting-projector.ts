// The projector view of a meeting: /meeting/<id>/projector, for the screen in the room. Large type:
// the item open now and who has the floor, presence and quorum, the vote open now (the text voted on
// and how many have voted), and each result as soon as the board has appended it (it is computed from
// the votes by the board, and the page shows it within the stream's delay). Nothing to sign here. A
// secret vote shows how many take part and have cast (never who chose what) and its checked result.
import { h, type Child } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorBox, pathParts, rerender } from '../lib/page.js';
import type { MeetingView, ViewMotion } from '../lib/meeting-api.js';
import { connectionLine, currentItem, decided, lastResult, meetingPage, motionOf, motionText, nameOf, openMotion, quorumLine, resultLine, type MeetingPageState } from '../lib/meeting-ui.js';
import { followSecretVotes } from '../lib/meeting-secret.js';

const meetingId = pathParts()[1] ?? '';
const state = { view: null as MeetingView | null, record: null as MeetingPageState['record'], live: false, error: '', broken: '' };
const { start } = meetingPage(meetingId, state);
const secret = followSecretVotes(() => state.record, () => rerender());

/** A decided secret vote, checked here as the verifier checks it (meeting.secret): its election's record counted what the result states. */
function secretCheck(m: ViewMotion): Child {
  const x = secret.statuses.get(m.id);
  if (!x?.final) return h('p', { class: 'hint', id: 'pj-secret-check' }, t('meetingSecret.checking'));
  return x.final.length === 0 ? h('p', { class: 'yes', id: 'pj-secret-check' }, t('meetingSecret.resultChecked', { n: m.result?.voters ?? 0 }))
    : h('div', { id: 'pj-secret-check' }, errorBox(x.final.join(' ')));
}

/** A secret vote's progress, from its checked election: how many took part and cast, never who chose what. */
function secretProgress(m: ViewMotion): Child {
  const x = secret.statuses.get(m.id);
  const registered = state.record?.motions.get(m.id)?.credentials.size ?? 0;
  const expected = (m.roll?.present.length ?? 0) + (m.roll?.proxies.length ?? 0);
  return h('div', { id: 'pj-secret' },
    h('p', { class: 'notice info' }, t('meetingSecret.projectorNotice')),
    h('p', { id: 'pj-registered' }, t('meetingSecret.registeredCount', { n: registered, of: expected })),
    x && !x.error && x.listed ? h('p', { id: 'pj-ballots' }, t('meetingSecret.ballotsCount', { n: x.ballots, of: registered })) : null,
    x?.error ? errorBox(x.error) : null,
    m.status === 'closed' && x && !x.error ? h('p', { id: 'pj-counting' }, t('meetingSecret.counting', { n: x.decryptions, of: x.threshold })) : null);
}

function render(): Child {
  const v = state.view;
  if (!v) return [h('h1', null, t('meeting.projectorTitle')), state.error ? errorBox(state.error) : h('p', { class: 'loading' }, t('page.loading'))];
  const item = currentItem(v);
  const speaking = item?.speakers.find((s) => s.status === 'speaking');
  const waiting = item?.speakers.filter((s) => s.status === 'waiting') ?? [];
  const open = openMotion(v) ?? v.motions.find((m) => m.mode === 'secret' && m.status === 'closed') ?? null;
  const last = lastResult(v);
  const parent = (id: string | null) => (id ? motionOf(v, id)?.title ?? id : null);
  return h('div', { class: 'projector' },
    h('h1', null, v.title),
    connectionLine(state.live),
    v.phase === 'closed' ? h('p', { id: 'pj-closed' }, t('meeting.closed')) : null,
    state.error ? errorBox(state.error) : null,
    quorumLine(v),
    h('section', { 'aria-labelledby': 'pj-item' },
      h('h2', { id: 'pj-item' }, item ? item.title : v.phase === 'closed' ? t('meeting.closed') : t('meeting.noItem')),
      speaking ? h('p', { class: 'speaker-now' }, t('meeting.hasFloor', { name: nameOf(v, speaking.member), side: speaking.side === 'for' ? t('meeting.speakFor') : t('meeting.speakAgainst') })) : null,
      waiting.length ? h('p', null, t('meeting.nextSpeakers', { names: waiting.map((s) => nameOf(v, s.member)).join(', ') })) : null),
    open ? h('section', { class: 'vote-now', 'aria-labelledby': 'pj-vote' },
      h('h2', { id: 'pj-vote' }, open.amends ? t('meeting.voteOnAmendment', { title: open.title, motion: parent(open.amends)! }) : t('meeting.voteOn', { title: open.title })),
      motionText(open.votedText ?? ''),
      open.mode === 'secret' ? secretProgress(open)
        : h('p', { id: 'pj-voted' }, t('meeting.votedCount', { n: open.voted.length, of: (open.roll?.present.length ?? 0) + (open.roll?.proxies.length ?? 0) }))) : null,
    // Read out when it changes: the result of each vote.
    h('section', { 'aria-labelledby': 'pj-result', 'aria-live': 'polite', id: 'pj-results', 'data-motion': last?.id ?? '' },
      last ? [h('h2', { id: 'pj-result' }, last.amends ? t('meeting.voteOnAmendment', { title: last.title, motion: parent(last.amends)! }) : last.title), resultLine(last),
        last.mode === 'secret' ? secretCheck(last) : null]
        : h('h2', { id: 'pj-result', class: 'visually-hidden' }, t('meeting.results'))),
    decided(v).length > 1 ? h('section', { 'aria-labelledby': 'pj-earlier' },
      h('h2', { id: 'pj-earlier' }, t('meeting.earlierResults')),
      h('ul', { class: 'earlier' }, decided(v).slice(1).map((m) => h('li', null, m.title, ': ', resultLine(m))))) : null);
}

start('meeting.projectorTitle', render, () => secret.now());
