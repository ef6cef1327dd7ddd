// The chair's and secretaries' page: /meeting/<id>/chair, opened from their personal link
// (#member=<id>&key=<secret>). Open and close the meeting, set the agenda and open its items one after
// another, give the floor from the speakers list, put motions and their amendments, open each vote in
// the order the rules allow (amendments in the order put, then the motion as amended: the text shown
// is the text signed) and close it. The result is computed by the board from the votes, never here.
import type { MeetingPayloadByType, SignedMeetingEventType } from '../../src/meeting/types.js';
import { ApiError, errorText } from '../lib/api.js';
import { byId, h, type Child } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorBox, okBox, pathParts, rerender, runAction, section, startPage } from '../lib/page.js';
import { followMeeting, meetingView, recordUrl, rememberSigner, signerFromLink, submitSigned, type MeetingView, type Signer, type ViewMotion } from '../lib/meeting-api.js';
import {
  amendmentWhat, connectionLine, currentItem, dropDrafts, kept, keepDraft, keptOptions, MAJORITY_NAMES, motionOf, motionText, nameOf, openMotion, quorumLine, resultLine, runsMeeting, signerProblem, signInForm, speakersList,
} from '../lib/meeting-ui.js';

const meetingId = pathParts()[1] ?? '';
const state = {
  /** Set when an event of the stream breaks the record's rules: the page then trusts nothing more. */
  broken: '',
  view: null as MeetingView | null,
  signer: signerFromLink(meetingId) as Signer | null,
  live: false,
  error: '',
  busy: false,
  message: '',
  messageOk: true,
  /** The motions whose amendment form is shown. */
  amending: new Set<string>(),
};

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

const act = (run: () => Promise<string>) => runAction(state, run, load, (e) => (e instanceof ApiError ? errorText(e) : String(e)));
const sign = <T extends SignedMeetingEventType>(type: T, payload: Omit<MeetingPayloadByType[T], 'signature' | 'by'>) => submitSigned(state.view!, state.signer!, type, payload);
const value = (id: string) => byId<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value;
/** A new id for the record: the prefix and the next free number. */
const freshId = (prefix: string, taken: string[]) => { let n = 1; while (taken.includes(`${prefix}${n}`)) n++; return `${prefix}${n}`; };

/** What may be voted next on `m`: its first amendment not yet settled, else the motion itself. */
function nextVote(v: MeetingView, m: ViewMotion): ViewMotion {
  return m.amendments.map((id) => motionOf(v, id)!).find((a) => a.status === 'put') ?? m;
}

function openVote(m: ViewMotion): void {
  const v = state.view!;
  const seconds = Number(value('vote-seconds') || '0');
  const time = Number.isSafeInteger(seconds) && seconds >= 0 ? seconds : 0;
  void act(async () => {
    const openOn = (roll: MeetingView['roll']) => sign('vote-opened', { motion: m.id, text: m.voteText ?? '', present: roll.present, proxies: roll.proxies, seconds: time });
    try {
      await openOn(v.roll);
    } catch (e) {
      // Someone checked in or left while the page was catching up: the roll is the one present now, so sign it again as it is.
      if (!(e instanceof ApiError && e.code === 'stale-roll')) throw e;
      state.view = await meetingView(meetingId);
      await openOn(state.view.roll);
    }
    return t('meeting.voteOpened', { title: m.title });
  });
}

function agendaSection(v: MeetingView): HTMLElement {
  const item = currentItem(v);
  const next = v.agenda.items.find((i) => i.status === 'pending');
  return h('section', { class: 'card', 'aria-labelledby': 'agenda-heading' },
    h('h2', { id: 'agenda-heading' }, t('meeting.agenda')),
    v.agenda.items.length ? h('ol', { class: 'agenda' }, v.agenda.items.map((i) => h('li', { class: i.status, ...(i.status === 'current' ? { 'aria-current': 'step' } : {}) },
      i.title, ' ', h('span', { class: 'hint' }, `(${t(`meeting.itemStatus.${i.status}`)})`)))) : h('p', { class: 'hint' }, t('meeting.agendaEmpty')),
    v.phase !== 'closed' ? h('form', { onSubmit: (e: Event) => {
      e.preventDefault();
      const title = value('item-title').trim();
      void act(async () => { await sign('agenda-item', { item: freshId('item-', v.agenda.items.map((i) => i.id)), title }); dropDrafts('item-title'); return t('meeting.itemAdded', { title }); });
    } },
      h('div', { class: 'field' }, h('label', { for: 'item-title' }, t('meeting.itemTitle')), h('input', { ...kept('item-title'), type: 'text', class: 'wide', required: true, maxlength: 200 })),
      h('button', { type: 'submit', id: 'add-item', disabled: state.busy }, t('meeting.addItem'))) : null,
    v.phase === 'open' && next ? h('button', { type: 'button', class: 'primary', id: 'open-item', disabled: state.busy || v.openVote !== null,
      onClick: () => void act(async () => { await sign('item-opened', { item: next.id }); return t('meeting.itemOpened', { title: next.title }); }) }, t('meeting.openItem', { title: next.title })) : null,
    item ? h('div', { class: 'current-item' },
      h('h3', null, t('meeting.currentItem', { title: item.title })),
      speakersList(v, item, (member) => h('button', { type: 'button', class: 'small', id: `floor-${member}`, disabled: state.busy,
        onClick: () => void act(async () => { await sign('floor-given', { item: item.id, member }); return t('meeting.floorGiven', { name: nameOf(v, member) }); }) }, t('meeting.giveFloor', { name: nameOf(v, member) })))) : null);
}

function motionCard(v: MeetingView, m: ViewMotion): HTMLElement {
  const amendments = m.amendments.map((id) => motionOf(v, id)!);
  const next = nextVote(v, m);
  const canOpen = v.phase === 'open' && v.openVote === null && m.status === 'put';
  return h('article', { class: 'motion', id: `motion-${m.id}`, 'aria-labelledby': `motion-${m.id}-title` },
    h('h3', { id: `motion-${m.id}-title` }, m.title, ' ', h('span', { class: 'hint' }, `(${t(`meeting.majority.${m.majority}`)})`)),
    motionText(m.text),
    amendments.length ? h('ol', { class: 'amendments', 'aria-label': t('meeting.amendmentsOf', { title: m.title }) }, amendments.map((a) => h('li', { id: `amendment-${a.id}` },
      h('strong', null, a.title), ': ', amendmentWhat(a), a.text ? [' — ', h('q', null, a.text)] : null, ' ',
      a.result ? resultLine(a) : a.status === 'withdrawn' ? h('span', null, t('meeting.withdrawnAmendment')) : a.status === 'put' && m.status === 'put'
        ? h('button', { type: 'button', class: 'small', id: `withdraw-${a.id}`, disabled: state.busy, onClick: () => void act(async () => { await sign('amendment-withdrawn', { amendment: a.id }); return t('meeting.amendmentWithdrawn', { title: a.title }); }) }, t('meeting.withdrawAmendment', { title: a.title })) : null))) : null,
    m.amendedText !== null && m.amendedText !== m.text ? [h('p', null, h('strong', null, t('meeting.asAmended'))), motionText(m.amendedText, `amended-${m.id}`)] : null,
    m.result ? resultLine(m) : null,
    m.status === 'put' && v.phase === 'open' && !state.amending.has(m.id) ? h('button', { type: 'button', id: `amend-${m.id}`, onClick: () => { state.amending.add(m.id); rerender(); document.getElementById(`am-title-${m.id}`)?.focus(); } }, t('meeting.addAmendment')) : null,
    m.status === 'put' && v.phase === 'open' && state.amending.has(m.id) ? h('div', { class: 'amend-form' }, h('h4', null, t('meeting.addAmendment')),
      h('form', { onSubmit: (e: Event) => {
        e.preventDefault();
        const title = value(`am-title-${m.id}`).trim();
        void act(async () => {
          await sign('amendment-put', { motion: m.id, amendment: freshId(`${m.id}-a`, v.motions.map((x) => x.id)), title, paragraph: Number(value(`am-paragraph-${m.id}`)), text: value(`am-text-${m.id}`), majority: 'simple' });
          dropDrafts(`am-title-${m.id}`, `am-paragraph-${m.id}`, `am-text-${m.id}`);
          state.amending.delete(m.id);
          return t('meeting.amendmentPut', { title });
        });
      } },
        h('div', { class: 'field' }, h('label', { for: `am-title-${m.id}` }, t('meeting.amendmentTitle')), h('input', { ...kept(`am-title-${m.id}`), type: 'text', class: 'wide', required: true, maxlength: 200 })),
        h('div', { class: 'field' }, h('label', { for: `am-paragraph-${m.id}` }, t('meeting.amendmentParagraph')),
          h('select', { id: `am-paragraph-${m.id}`, onChange: keepDraft }, keptOptions(`am-paragraph-${m.id}`,
            [['0', t('meeting.wholeText')], ...(m.places ?? []).map((p, i): [string, string] => [String(i + 1), t('meeting.paragraphN', { n: i + 1, start: p === '' ? t('meeting.struck') : p.slice(0, 40) })])], '1'))),
        h('div', { class: 'field' }, h('label', { for: `am-text-${m.id}` }, t('meeting.amendmentText')), h('textarea', { ...kept(`am-text-${m.id}`), rows: 3, maxlength: 20000 })),
        h('button', { type: 'submit', id: `put-amendment-${m.id}`, disabled: state.busy }, t('meeting.putAmendment')))) : null,
    canOpen && next.voteText !== null ? h('div', { class: 'next-vote' },
      h('p', null, next === m ? t('meeting.nextVoteMotion') : t('meeting.nextVoteAmendment', { title: next.title })),
      motionText(next.voteText, `vote-text-${m.id}`),
      h('button', { type: 'button', class: 'primary', id: `open-vote-${next.id}`, disabled: state.busy || !v.quorum.met, onClick: () => openVote(next) }, t('meeting.openVote', { title: next.title })),
      !v.quorum.met ? h('p', { class: 'notice warning', id: `no-quorum-${m.id}` }, t('meeting.cannotOpenNoQuorum')) : null) : null);
}

function voteNow(v: MeetingView): Child {
  const m = openMotion(v);
  if (!m) return null;
  const roll = m.roll!;
  const expected = roll.present.length + roll.proxies.length;
  return h('section', { class: 'card vote-now', 'aria-labelledby': 'open-vote-heading' },
    h('h2', { id: 'open-vote-heading' }, t('meeting.voteOn', { title: m.title })),
    motionText(m.votedText ?? ''),
    h('p', { id: 'voted-count' }, t('meeting.votedCount', { n: m.voted.length, of: expected })),
    h('button', { type: 'button', class: 'primary', id: 'close-vote', disabled: state.busy,
      onClick: () => void act(async () => { await sign('vote-closed', { motion: m.id }); return t('meeting.voteClosed', { title: m.title }); }) }, t('meeting.closeVote')));
}

function render(): Child {
  const v = state.view;
  if (!v) return [h('h1', null, t('meeting.chairTitle')), state.error ? errorBox(state.error) : h('p', { class: 'loading' }, t('page.loading'))];
  const s = state.signer;
  const bad = s ? signerProblem(v, s) ?? (runsMeeting(v, s.id) ? null : t('meeting.notChair', { name: nameOf(v, s.id) })) : null;
  if (!s || bad) return [h('h1', null, v.title), bad ? errorBox(bad) : null, signInForm((x) => { state.signer = x; rememberSigner(meetingId, x); rerender(); })];
  const motions = v.motions.filter((m) => m.amends === null);
  return [
    h('h1', null, v.title),
    h('p', null, t(v.chair === s.id ? 'meeting.youChair' : 'meeting.youSecretary', { name: nameOf(v, s.id) }), ' · ', h('a', { href: `/meeting/${encodeURIComponent(v.id)}/projector` }, t('meeting.projector')), ' · ', h('a', { href: recordUrl(v.id) }, t('meeting.record'))),
    connectionLine(state.live),
    h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null),
    state.error ? errorBox(state.error) : null,
    h('section', { class: 'card', 'aria-labelledby': 'presence-heading' },
      h('h2', { id: 'presence-heading' }, t('meeting.presence')),
      quorumLine(v),
      h('ul', { class: 'roll' }, v.members.map((m) => h('li', null, m.name, ': ', m.present ? t('meeting.present') : t('meeting.absent'),
        v.proxies.filter((p) => p.principal === m.id).map((p) => ` (${t('meeting.heldBy', { name: nameOf(v, p.holder) })})`)))),
      v.phase === 'setup' ? h('button', { type: 'button', class: 'primary', id: 'open-meeting', disabled: state.busy, onClick: () => void act(async () => { await sign('meeting-opened', {}); return t('meeting.opened'); }) }, t('meeting.openMeeting')) : null,
      v.phase === 'open' ? h('button', { type: 'button', id: 'close-meeting', disabled: state.busy || v.openVote !== null, onClick: () => void act(async () => { await sign('meeting-closed', {}); return t('meeting.closedDone'); }) }, t('meeting.closeMeeting')) : null,
      v.phase === 'closed' ? h('p', null, t('meeting.closed')) : null),
    voteNow(v),
    agendaSection(v),
    section(t('meeting.motions'),
      motions.length ? motions.map((m) => motionCard(v, m)) : h('p', { class: 'hint' }, t('meeting.noMotions')),
      v.phase === 'open' ? h('form', { onSubmit: (e: Event) => {
        e.preventDefault();
        const title = value('motion-title').trim();
        void act(async () => {
          await sign('motion-put', { motion: freshId('motion-', v.motions.map((x) => x.id)), title, text: value('motion-text'), majority: value('motion-majority') as never, mode: 'named' });
          dropDrafts('motion-title', 'motion-text', 'motion-majority');
          return t('meeting.motionPut', { title });
        });
      } },
        h('h3', null, t('meeting.putMotion')),
        h('div', { class: 'field' }, h('label', { for: 'motion-title' }, t('meeting.motionTitle')), h('input', { ...kept('motion-title'), type: 'text', class: 'wide', required: true, maxlength: 200 })),
        h('div', { class: 'field' }, h('label', { for: 'motion-text' }, t('meeting.motionText')), h('p', { class: 'hint', id: 'motion-text-hint' }, t('meeting.paragraphsHint')),
          h('textarea', { ...kept('motion-text'), rows: 5, maxlength: 20000, 'aria-describedby': 'motion-text-hint' })),
        h('div', { class: 'field' }, h('label', { for: 'motion-majority' }, t('meeting.majority')),
          h('select', { id: 'motion-majority', onChange: keepDraft }, keptOptions('motion-majority', MAJORITY_NAMES.map((x): [string, string] => [x, t(`meeting.majority.${x}`)]), 'simple'))),
        h('button', { type: 'submit', id: 'put-motion', disabled: state.busy }, t('meeting.putMotion'))) : null,
      v.phase === 'open' ? h('div', { class: 'field' }, h('label', { for: 'vote-seconds' }, t('meeting.voteSeconds')), h('input', { ...kept('vote-seconds', '0'), type: 'number', min: 0, max: 86400 })) : null),
  ];
}

// A record that breaks its rules is said first, on every screen.
startPage({ titleKey: 'meeting.chairTitle', render: () => [state.broken ? h('div', { class: 'notice error', role: 'alert', id: 'record-broken' }, state.broken) : null, render()] });
void load();
followMeeting(meetingId, (v) => { show(v); rerender(); }, (live) => { state.live = live; rerender(); },
  (seq, message) => { state.broken = t('meeting.recordBroken', { seq, message }); rerender(); });
