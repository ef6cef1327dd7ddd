// What the meeting pages (member, chair, projector) show alike: who someone is, presence and quorum,
// the agenda and the speakers list, a motion's text, a result. Elements only (no innerHTML): every
// title, text and name is meeting data.
import type { MeetingPayloadByType, SignedMeetingEventType } from '../../src/meeting/types.js';
import { errorText } from './api.js';
import { byId, h, type Child } from './dom.js';
import { t } from './i18n.js';
import { rerender, runAction, section, startPage } from './page.js';
import { followMeeting, meetingView, publicKeyOf, submitSigned, type Appended, type MeetingState, type MeetingView, type Signer, type ViewItem, type ViewMotion } from './meeting-api.js';

/** What every meeting page keeps: the view shown, the record's state checked here, the connection. */
export interface MeetingPageState {
  /** Set when an event of the stream breaks the record's rules: the page then trusts nothing more. */
  broken: string;
  view: MeetingView | null;
  /** The state computed here from the checked stream (null until it has arrived). */
  record: MeetingState | null;
  live: boolean;
  error: string;
}
/** A page where a person signs: who, and the outcome of their last action. */
export interface SigningPageState extends MeetingPageState { signer: Signer | null; busy: boolean; message: string; messageOk: boolean }

/**
 * The block every meeting page runs: the first paint from the server's view, then the live stream
 * checked here (the newer view wins), a broken record said first on every screen; for signing pages,
 * `act` runs an action (busy, its outcome said, the view reloaded) and `sign` signs and submits an event.
 */
export function meetingPage<S extends MeetingPageState>(meetingId: string, state: S) {
  const show = (v: MeetingView): void => { if (!state.view || v.headSeq >= state.view.headSeq) state.view = v; };
  const load = async (): Promise<void> => {
    try {
      show(await meetingView(meetingId));
      state.error = '';
    } catch (e) {
      state.error = errorText(e);
    }
    rerender();
  };
  // A refusal in the server's words (translated where the code is known), a page's own error in its words.
  const act = (run: () => Promise<string>) => runAction(state as unknown as S & SigningPageState, run, load, errorText);
  const sign = <T extends SignedMeetingEventType>(type: T, payload: Omit<MeetingPayloadByType[T], 'signature' | 'by'>): Promise<Appended> =>
    submitSigned(state.view!, (state as unknown as SigningPageState).signer!, type, payload);
  /** Starts the page: `onRecord` runs after each checked state from the stream (the secret votes follow it). */
  const start = (titleKey: string, render: () => Child, onRecord?: () => void): void => {
    startPage({ titleKey, render: () => [state.broken ? h('div', { class: 'notice error', role: 'alert', id: 'record-broken' }, state.broken) : null, render()] });
    void load();
    followMeeting(meetingId, (v, record) => { show(v); state.record = record; onRecord?.(); rerender(); }, (live) => { state.live = live; rerender(); },
      (seq, message) => { state.broken = t('meeting.recordBroken', { seq, message }); rerender(); });
  };
  return { show, load, act, sign, start };
}

export const nameOf = (v: MeetingView, id: string): string => v.members.find((m) => m.id === id)?.name ?? v.officers.find((o) => o.id === id)?.name ?? id;
export const runsMeeting = (v: MeetingView, id: string): boolean => v.chair === id || v.secretaries.includes(id);
export const currentItem = (v: MeetingView): ViewItem | null => v.agenda.items.find((i) => i.id === v.agenda.current) ?? null;
export const openMotion = (v: MeetingView): ViewMotion | null => v.motions.find((m) => m.id === v.openVote) ?? null;
export const motionOf = (v: MeetingView, id: string): ViewMotion | undefined => v.motions.find((m) => m.id === id);
/** The last decided motion or amendment (for the projector and the members' phones). */
export const lastResult = (v: MeetingView): ViewMotion | null => decided(v)[0] ?? null;
/** The decided motions and amendments, the latest decision first. */
export const decided = (v: MeetingView): ViewMotion[] => v.motions.filter((m) => m.decidedAt !== null).sort((a, b) => b.decidedAt! - a.decidedAt!);

/** Does the secret belong to the person the link names? Checked before anything is signed. */
export function signerProblem(v: MeetingView, s: Signer): string | null {
  const listed = v.members.find((m) => m.id === s.id) ?? v.officers.find((o) => o.id === s.id);
  if (!listed) return t('meeting.notInBody', { id: s.id });
  return publicKeyOf(s.secret) === listed.key ? null : t('meeting.wrongKey', { name: listed.name });
}

/** The form for a person without a personal link: their id and their secret key. */
export function signInForm(onSigner: (s: Signer) => void): HTMLElement {
  return section(t('meeting.signInTitle'),
    h('p', null, t('meeting.signInHelp')),
    h('form', { onSubmit: (e: Event) => {
      e.preventDefault();
      onSigner({ id: byId<HTMLInputElement>('signer-id').value.trim(), secret: byId<HTMLInputElement>('signer-key').value.trim() });
    } },
      h('div', { class: 'field' }, h('label', { for: 'signer-id' }, t('meeting.signerId')), h('input', { id: 'signer-id', type: 'text', autocomplete: 'username', required: true })),
      h('div', { class: 'field' }, h('label', { for: 'signer-key' }, t('meeting.signerKey')), h('input', { id: 'signer-key', type: 'password', class: 'mono wide', autocomplete: 'off', required: true })),
      h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, t('common.continue'))));
}

/** "7 of 10 present or represented · quorum met". */
export function quorumLine(v: MeetingView): HTMLElement {
  const q = v.quorum;
  const counted = q.rule.of === 'members' ? t('meeting.presentHeads', { n: q.heads, of: q.of.heads }) : t('meeting.presentWeight', { n: q.weight, of: q.of.weight });
  return h('p', { class: `quorum ${q.met ? 'met' : 'not-met'}`, id: 'quorum' },
    counted, ' · ', h('strong', null, q.met ? t('meeting.quorumMet') : t('meeting.quorumNotMet', { share: `${q.rule.share.num}/${q.rule.share.den}` })));
}

export function connectionLine(live: boolean): HTMLElement {
  return h('p', { class: `connection ${live ? 'live' : 'offline'}`, id: 'connection' }, live ? t('meeting.live') : t('meeting.reconnecting'));
}

const sideText = (side: 'for' | 'against') => (side === 'for' ? t('meeting.speakFor') : t('meeting.speakAgainst'));

/** The speakers list of an item: who has the floor, then who waits, in order. */
export function speakersList(v: MeetingView, item: ViewItem, action?: (member: string) => Child): HTMLElement {
  const speaking = item.speakers.find((s) => s.status === 'speaking');
  const waiting = item.speakers.filter((s) => s.status === 'waiting');
  return h('div', { class: 'speakers' },
    h('p', { id: 'speaking' }, speaking ? t('meeting.hasFloor', { name: nameOf(v, speaking.member), side: sideText(speaking.side) }) : t('meeting.nobodySpeaking')),
    waiting.length === 0 ? h('p', { class: 'hint' }, t('meeting.noSpeakers'))
      : h('ol', { class: 'speaker-list', 'aria-label': t('meeting.speakersList') }, waiting.map((s) => h('li', null, `${nameOf(v, s.member)} (${sideText(s.side)})`, action ? [' ', action(s.member)] : null))));
}

/** A motion's text, paragraphs kept. */
export const motionText = (text: string, id?: string): HTMLElement => h('blockquote', { class: 'motion-text', ...(id ? { id } : {}) }, text.split('\n\n').map((p) => h('p', null, p)));

export function resultLine(m: ViewMotion): HTMLElement {
  const r = m.result!;
  return h('p', { class: `result ${r.outcome}` },
    h('strong', null, r.outcome === 'passed' ? t('meeting.passed') : t('meeting.rejected')), ' — ',
    t('meeting.counts', { for: r.counts.for, against: r.counts.against, abstain: r.counts.abstain }), ' · ', t(`meeting.majority.${r.majority}`));
}

/** An amendment's one-line description: which paragraph it changes and how. */
export const amendmentWhat = (a: ViewMotion): string => (a.paragraph === 0 ? t('meeting.replacesText') : a.text === '' ? t('meeting.strikesParagraph', { n: a.paragraph }) : t('meeting.changesParagraph', { n: a.paragraph }));

export const MAJORITY_NAMES = ['simple', 'absolute', 'absolute-of-members', 'two-thirds', 'two-thirds-present', 'two-thirds-members'] as const;

// The pages are rebuilt on every event of the meeting: what a person is typing is kept here by field id.
const drafts = new Map<string, string>();
export const draft = (id: string, fallback = ''): string => drafts.get(id) ?? fallback;
export const keepDraft = (e: Event): void => { const el = e.target as HTMLInputElement; drafts.set(el.id, el.value); };
export const setDraft = (id: string, value: string): void => { drafts.set(id, value); };
export const dropDrafts = (...ids: string[]): void => { for (const id of ids) drafts.delete(id); };
/** Attributes of a kept text field. */
export const kept = (id: string, fallback = '') => ({ id, value: draft(id, fallback), onInput: keepDraft });
/** The options of a kept select. */
export const keptOptions = (id: string, options: [string, string][], fallback: string): HTMLOptionElement[] =>
  options.map(([value, label]) => h('option', { value, ...(draft(id, fallback) === value ? { selected: true } : {}) }, label));
