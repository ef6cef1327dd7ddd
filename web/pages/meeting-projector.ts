// The projector view of a meeting: /meeting/<id>/projector, for the screen in the room. Large type:
// the item open now and who has the floor, presence and quorum, the vote open now (the text voted on
// and how many have voted), and each result as soon as the board has appended it (it is computed from
// the votes by the board, and the page shows it within the stream's delay). Nothing to sign here.
import { errorText } from '../lib/api.js';
import { h, type Child } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorBox, pathParts, rerender, startPage } from '../lib/page.js';
import { followMeeting, meetingView, type MeetingView } from '../lib/meeting-api.js';
import { connectionLine, currentItem, decided, lastResult, motionOf, motionText, nameOf, openMotion, quorumLine, resultLine } from '../lib/meeting-ui.js';

const meetingId = pathParts()[1] ?? '';
const state = { view: null as MeetingView | null, live: false, error: '', broken: '' };

/** The newer of the views at hand: the one computed here from the stream, or the server's after an action. */
function show(v: MeetingView): void {
  if (!state.view || v.headSeq >= state.view.headSeq) state.view = v;
}

async function load(): Promise<void> {
  try {
    show(await meetingView(meetingId));
    state.error = '';
  } catch (e) {
    state.error = errorText(e);
  }
  rerender();
}

function render(): Child {
  const v = state.view;
  if (!v) return [h('h1', null, t('meeting.projectorTitle')), state.error ? errorBox(state.error) : h('p', { class: 'loading' }, t('page.loading'))];
  const item = currentItem(v);
  const speaking = item?.speakers.find((s) => s.status === 'speaking');
  const waiting = item?.speakers.filter((s) => s.status === 'waiting') ?? [];
  const open = openMotion(v);
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
      h('p', { id: 'pj-voted' }, t('meeting.votedCount', { n: open.voted.length, of: (open.roll?.present.length ?? 0) + (open.roll?.proxies.length ?? 0) }))) : null,
    // Read out when it changes: the result of each vote.
    h('section', { 'aria-labelledby': 'pj-result', 'aria-live': 'polite', id: 'pj-results', 'data-motion': last?.id ?? '' },
      last ? [h('h2', { id: 'pj-result' }, last.amends ? t('meeting.voteOnAmendment', { title: last.title, motion: parent(last.amends)! }) : last.title), resultLine(last)]
        : h('h2', { id: 'pj-result', class: 'visually-hidden' }, t('meeting.results'))),
    decided(v).length > 1 ? h('section', { 'aria-labelledby': 'pj-earlier' },
      h('h2', { id: 'pj-earlier' }, t('meeting.earlierResults')),
      h('ul', { class: 'earlier' }, decided(v).slice(1).map((m) => h('li', null, m.title, ': ', resultLine(m))))) : null);
}

// A record that breaks its rules is said first, on every screen.
startPage({ titleKey: 'meeting.projectorTitle', render: () => [state.broken ? h('div', { class: 'notice error', role: 'alert', id: 'record-broken' }, state.broken) : null, render()] });
void load();
followMeeting(meetingId, (v) => { show(v); rerender(); }, (live) => { state.live = live; rerender(); },
  (seq, message) => { state.broken = t('meeting.recordBroken', { seq, message }); rerender(); });
