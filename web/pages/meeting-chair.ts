// The chair's and secretaries' page: /meeting/<id>/chair, opened from their personal link
// (#member=<id>&key=<secret>). Open and close the meeting, set the agenda and open its items one after
// another, give the floor from the speakers list, put motions and their amendments, open each vote in
// the order the rules allow (amendments in the order put, then the motion as amended: the text shown
// is the text signed) and close it. The result is computed by the board from the votes, never here.
// Secret votes (spec §19 M7): the chair signs the credential list here; the tellers (who may not run
// the meeting: they then see only their steps) run the key ceremony and decrypt from this page.
import { ApiError, errorText } from '../lib/api.js';
import { byId, h, type Child } from '../lib/dom.js';
import { t, tn } from '../lib/i18n.js';
import { errorBox, okBox, pathParts, rerender, section } from '../lib/page.js';
import { forumProposal, forumQueue, meetingView, recordUrl, type QueuedProposal, rememberSigner, signerFromLink, type MeetingView, type Signer, type ViewMotion } from '../lib/meeting-api.js';
import {
  amendmentWhat, connectionLine, currentItem, dropDrafts, setDraft, kept, keepDraft, keptOptions, MAJORITY_NAMES, meetingPage, motionOf, motionText, nameOf, openMotion, quorumLine, resultLine, runsMeeting, signerProblem, signInForm, speakersList, type SigningPageState,
} from '../lib/meeting-ui.js';
import { followSecretVotes, requestSecretResult, signChairList, type SecretStatus } from '../lib/meeting-secret.js';
import { takeTellerStep, tellerStepDue } from '../lib/meeting-secret-teller.js';

const meetingId = pathParts()[1] ?? '';
const state = {
  broken: '',
  view: null as MeetingView | null,
  record: null as SigningPageState['record'],
  signer: signerFromLink(meetingId) as Signer | null,
  live: false,
  error: '',
  busy: false,
  message: '',
  messageOk: true,
  /** The motions whose amendment form is shown. */
  amending: new Set<string>(),
  /** The secret motions whose key ceremony this teller has joined: its steps then run as soon as each is due. */
  tellerJoined: new Set<string>(),
  /** A teller's step under way or failed (its message), so a poll never starts it twice nor repeats a failure. */
  tellerBusy: false,
  tellerError: '',
  /** The body's forum proposals queued for an agenda (spec §21.4), fetched when the agenda changes. */
  forumQueue: [] as QueuedProposal[],
  forumError: '',
};
const { act, sign, start } = meetingPage(meetingId, state);
const secret = followSecretVotes(() => state.record, () => { runDueSteps(); askResultWhenDecrypted(); rerender(); });
const value = (id: string) => byId<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value;
/** A new id for the record: the prefix and the next free number. */
const freshId = (prefix: string, taken: string[]) => { let n = 1; while (taken.includes(`${prefix}${n}`)) n++; return `${prefix}${n}`; };
const isTeller = (id: string) => state.record?.meeting.tellers.includes(id) ?? false;

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

// ---- secret votes (spec §19 M7) ---------------------------------------------------------------------------

const statusOf = (motion: string): SecretStatus | undefined => secret.statuses.get(motion);
const readyCount = (x: SecretStatus) => x.tellers.filter((y) => y.ready).length;

/** The key ceremony as the checked election shows it: "Tellers: 1 of 2 ready". */
function tellersLine(m: ViewMotion): Child {
  const x = statusOf(m.id);
  if (!x) return h('p', { class: 'loading', id: `tellers-${m.id}` }, t('meetingSecret.checking'));
  if (x.error) return h('div', { id: `tellers-${m.id}` }, errorBox(x.error));
  return h('p', { id: `tellers-${m.id}`, class: x.ready ? 'yes' : 'hint' }, x.ready ? t('meetingSecret.tellersReady') : t('meetingSecret.tellersProgress', { n: readyCount(x), of: x.tellers.length }));
}

/** A teller's ceremony steps run by themselves once joined (each after its own check of the record); the decryption is asked for. */
function runDueSteps(): void {
  const s = state.signer;
  const st = state.record;
  if (!s || !st || state.tellerBusy || !isTeller(s.id)) return;
  for (const motion of state.tellerJoined) {
    const x = statusOf(motion);
    const step = x ? tellerStepDue(x, s.id) : null;
    if (!x || !step || step === 'decryption') continue;
    void tellerStep(motion, x, step);
    return;
  }
}

async function tellerStep(motion: string, x: SecretStatus, step: NonNullable<ReturnType<typeof tellerStepDue>>): Promise<void> {
  const st = state.record!;
  state.tellerBusy = true;
  state.tellerError = '';
  rerender();
  try {
    const done = await takeTellerStep(st, st.motions.get(motion)!, x.electionId, state.signer!, step);
    if (step === 'decryption') { state.message = done; state.messageOk = true; }
  } catch (e) {
    // A refused step stops the automatic steps: the teller reads why and decides.
    state.tellerJoined.delete(motion);
    state.tellerError = e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message;
  }
  state.tellerBusy = false;
  secret.now();
  rerender();
}

/** The teller's own card for each secret motion whose election is still to be run or decrypted. */
function tellerCards(v: MeetingView): Child {
  const s = state.signer!;
  if (!isTeller(s.id)) return null;
  const motions = v.motions.filter((m) => m.mode === 'secret' && (m.status === 'put' || m.status === 'open' || m.status === 'closed'));
  return motions.map((m) => {
    const x = statusOf(m.id);
    const due = x ? tellerStepDue(x, s.id) : null;
    const mark = (b: boolean) => (b ? h('span', { class: 'yes' }, t('common.yes')) : h('span', { class: 'no' }, t('common.no')));
    return h('section', { class: 'card', id: `teller-${m.id}`, 'aria-labelledby': `teller-${m.id}-heading` },
      h('h2', { id: `teller-${m.id}-heading` }, t('meetingSecret.tellerTitle', { title: m.title })),
      h('p', null, t('meetingSecret.tellerText', { threshold: x?.threshold ?? 0 })),
      !x ? h('p', { class: 'loading' }, t('meetingSecret.checking')) : x.error ? errorBox(x.error) : [
        h('div', { class: 'table-wrap' }, h('table', null,
          h('caption', null, t('meetingSecret.tellersCaption')),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('trustee.colTrustee')), h('th', { scope: 'col' }, t('trustee.colCommitted')), h('th', { scope: 'col' }, t('trustee.colKey')),
            h('th', { scope: 'col' }, t('trustee.colShares')), h('th', { scope: 'col' }, t('trustee.colReady')), h('th', { scope: 'col' }, t('trustee.colDecrypted')))),
          h('tbody', null, x.tellers.map((y) => h('tr', { class: y.id === s.id ? 'highlight' : null },
            h('th', { scope: 'row' }, nameOf(v, y.id), y.id === s.id ? ` (${t('trustee.you')})` : ''),
            h('td', null, mark(y.committed)), h('td', null, mark(y.key)), h('td', null, mark(y.shares)), h('td', null, mark(y.ready)), h('td', null, mark(y.decrypted))))))),
        state.tellerError ? h('div', { id: `teller-error-${m.id}` }, errorBox(state.tellerError)) : null,
        due && due !== 'decryption' && !state.tellerJoined.has(m.id) ? h('button', { type: 'button', class: 'primary', id: `teller-join-${m.id}`, disabled: state.tellerBusy,
          onClick: () => { state.tellerJoined.add(m.id); runDueSteps(); rerender(); } }, t('meetingSecret.joinCeremony')) : null,
        state.tellerJoined.has(m.id) && !x.tellers.find((y) => y.id === s.id)?.ready ? h('p', { id: `teller-running-${m.id}`, class: 'hint' }, t('meetingSecret.stepsRunning')) : null,
        x.tellers.find((y) => y.id === s.id)?.ready && due !== 'decryption' && !x.tellers.find((y) => y.id === s.id)?.decrypted ? h('p', { id: `teller-ready-${m.id}`, class: 'yes' }, t('meetingSecret.youAreReady')) : null,
        due === 'decryption' ? [h('p', null, t('meetingSecret.decryptText')),
          h('button', { type: 'button', class: 'primary', id: `teller-decrypt-${m.id}`, disabled: state.tellerBusy, onClick: () => void tellerStep(m.id, x, 'decryption') }, t('meetingSecret.decrypt'))] : null,
        x.tellers.find((y) => y.id === s.id)?.decrypted ? h('p', { id: `teller-decrypted-${m.id}`, class: 'yes' }, t('meetingSecret.youDecrypted')) : null,
      ]);
  });
}

/** The board publishes a secret result as soon as enough tellers have decrypted; the chair's page asks once. */
let resultAsked = '';
function askResultWhenDecrypted(): void {
  const st = state.record;
  const s = state.signer;
  const motion = st?.resultDue;
  if (!st || !s || !motion || !runsMeeting(state.view!, s.id) || resultAsked === motion) return;
  const x = statusOf(motion);
  if (!x || x.error || x.decryptions < x.threshold) return;
  resultAsked = motion;
  // Quietly: the result shows itself when it comes; another chair's page asking first (wrong-phase) is no fault.
  requestSecretResult(st, motion).catch((e) => {
    if (e instanceof ApiError && e.code === 'wrong-phase') return;
    resultAsked = '';
    state.message = errorText(e);
    state.messageOk = false;
    rerender();
  });
}

// ---- from the forum (spec §21.4): a qualified proposal onto this meeting's agenda, then as a motion ------

let queueFor = '';
/** Fetches the forum's queue again when the agenda has changed (a placed proposal leaves the queue), or when asked (`again`). */
function refreshForumQueue(v: MeetingView, again = false): void {
  const moment = `${v.body} ${v.agenda.items.length}`;
  if (queueFor === moment && !again) return;
  queueFor = moment;
  const before = JSON.stringify([state.forumQueue, state.forumError]);
  forumQueue(v.body).then((q) => { state.forumQueue = q; state.forumError = ''; }, (e) => { state.forumError = (e as Error).message; })
    .then(() => { if (JSON.stringify([state.forumQueue, state.forumError]) !== before) rerender(); });
}
// Endorsements are not meeting events: the queue is looked at again now and then while the meeting runs.
window.setInterval(() => { const v = state.view; if (v && v.phase !== 'closed' && state.signer && runsMeeting(v, state.signer.id) && document.visibilityState === 'visible') refreshForumQueue(v, true); }, 4000);

function forumCard(v: MeetingView): Child {
  if (v.phase === 'closed' || (state.forumQueue.length === 0 && !state.forumError)) return null;
  const taken = new Set(v.agenda.items.map((i) => i.id));
  return h('section', { class: 'card', 'aria-labelledby': 'forum-heading' },
    h('h2', { id: 'forum-heading' }, t('meetingSecret.fromForum')),
    state.forumError ? errorBox(state.forumError) : null,
    h('ul', null, state.forumQueue.filter((q) => !taken.has(q.item)).map((q) => h('li', { id: `queued-${q.item}` }, q.title, ' ',
      h('button', { type: 'button', class: 'small', id: `agenda-from-${q.item}`, disabled: state.busy,
        onClick: () => void act(async () => { await sign('agenda-item', { item: q.item, title: q.title }); return t('meeting.itemAdded', { title: q.title }); }) }, t('meetingSecret.putOnAgenda', { title: q.title }))))));
}

/** On an item that came from the forum, the motion form can take the proposal's title and text. */
function takeProposal(item: string, proposal: string, v: MeetingView): void {
  void act(async () => {
    const p = await forumProposal(v.body, proposal);
    setDraft('motion-title', p.title);
    setDraft('motion-text', p.text);
    return t('meetingSecret.proposalTaken', { title: p.title, item });
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
    h('h3', { id: `motion-${m.id}-title` }, m.title, ' ', h('span', { class: 'hint' }, `(${t(`meeting.majority.${m.majority}`)}${m.mode === 'secret' ? ` · ${t('meetingSecret.secretVote')}` : ''})`)),
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
    m.mode === 'secret' && m.status === 'put' ? tellersLine(m) : null,
    canOpen && next.voteText !== null ? h('div', { class: 'next-vote' },
      h('p', null, next === m ? t('meeting.nextVoteMotion') : t('meeting.nextVoteAmendment', { title: next.title })),
      motionText(next.voteText, `vote-text-${m.id}`),
      h('button', { type: 'button', class: 'primary', id: `open-vote-${next.id}`, disabled: state.busy || !v.quorum.met || (next.mode === 'secret' && !statusOf(next.id)?.ready), onClick: () => openVote(next) }, t('meeting.openVote', { title: next.title })),
      !v.quorum.met ? h('p', { class: 'notice warning', id: `no-quorum-${m.id}` }, t('meeting.cannotOpenNoQuorum')) : null,
      next.mode === 'secret' && !statusOf(next.id)?.ready ? h('p', { class: 'notice warning', id: `tellers-not-ready-${next.id}` }, t('meetingSecret.cannotOpenTellers')) : null) : null);
}

/** The secret vote under way: registrations, the chair's list, ballots, the close, the tellers' decryption. */
function secretVoteNow(v: MeetingView, m: ViewMotion): Child {
  const st = state.record;
  const rm = st?.motions.get(m.id);
  const x = statusOf(m.id);
  const s = state.signer!;
  const roll = m.roll!;
  const expected = roll.present.length + roll.proxies.length;
  const closed = m.status === 'closed';
  return h('section', { class: 'card vote-now', 'aria-labelledby': 'open-vote-heading' },
    h('h2', { id: 'open-vote-heading' }, t('meetingSecret.voteOn', { title: m.title })),
    motionText(m.votedText ?? ''),
    rm ? h('p', { id: 'registered-count' }, t('meetingSecret.registeredCount', { n: rm.credentials.size, of: expected })) : null,
    !x ? h('p', { class: 'loading' }, t('meetingSecret.checking')) : x.error ? errorBox(x.error) : [
      !x.listed && !closed ? (v.chair === s.id
        ? [h('p', { class: 'hint' }, t('meetingSecret.signListText')), h('button', { type: 'button', class: 'primary', id: 'sign-list', disabled: state.busy || !rm || rm.credentials.size === 0,
          onClick: () => void act(async () => { const n = await signChairList(st!, rm!, x, s); secret.now(); return tn('meetingSecret.listSigned', n); }) }, t('meetingSecret.signList'))]
        : h('p', { class: 'hint', id: 'chair-signs' }, t('meetingSecret.chairSignsList', { name: nameOf(v, v.chair) }))) : null,
      x.listed ? h('p', { id: 'ballots-count' }, t('meetingSecret.ballotsCount', { n: x.ballots, of: st?.motions.get(m.id)?.credentials.size ?? 0 })) : null,
      closed ? h('p', { id: 'decrypted-count' }, t('meetingSecret.decryptedCount', { n: x.decryptions, of: x.threshold })) : null,
      closed && x.decryptions >= x.threshold ? h('button', { type: 'button', id: 'publish-result', disabled: state.busy, onClick: () => void act(async () => { await requestSecretResult(st!, m.id); return t('meetingSecret.resultPublished'); }) }, t('meetingSecret.publishResult')) : null,
    ],
    // Closable once the list is on the election, or with nobody registered (its empty result, spec §19 M7.4).
    !closed ? h('button', { type: 'button', class: 'primary', id: 'close-vote', disabled: state.busy || !x || (!x.listed && (rm?.credentials.size ?? 0) > 0),
      onClick: () => void act(async () => { await sign('vote-closed', { motion: m.id }); secret.now(); return t('meeting.voteClosed', { title: m.title }); }) }, t('meeting.closeVote')) : null);
}

function voteNow(v: MeetingView): Child {
  const awaiting = v.motions.find((x) => x.mode === 'secret' && x.status === 'closed');
  if (awaiting) return secretVoteNow(v, awaiting);
  const m = openMotion(v);
  if (!m) return null;
  if (m.mode === 'secret') return secretVoteNow(v, m);
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
  // A teller who does not run the meeting takes their steps here too (known once the record is checked).
  if (s && !signerProblem(v, s) && !runsMeeting(v, s.id) && !state.record) return [h('h1', null, v.title), h('p', { class: 'loading' }, t('page.loading'))];
  const bad = s ? signerProblem(v, s) ?? (runsMeeting(v, s.id) || isTeller(s.id) ? null : t('meeting.notChair', { name: nameOf(v, s.id) })) : null;
  if (!s || bad) return [h('h1', null, v.title), bad ? errorBox(bad) : null, signInForm((x) => { state.signer = x; rememberSigner(meetingId, x); rerender(); })];
  if (!runsMeeting(v, s.id)) {
    const cards = tellerCards(v);
    return [h('h1', null, v.title), h('p', null, t('meetingSecret.youTeller', { name: nameOf(v, s.id) }), ' · ', h('a', { href: `/meeting/${encodeURIComponent(v.id)}` }, t('meetingSecret.memberPage'))),
      connectionLine(state.live), h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null),
      Array.isArray(cards) && cards.length ? cards : h('p', { class: 'hint', id: 'teller-nothing' }, t('meetingSecret.tellerNothing'))];
  }
  const motions = v.motions.filter((m) => m.amends === null);
  return [
    h('h1', null, v.title),
    h('p', null, t(v.chair === s.id ? 'meeting.youChair' : 'meeting.youSecretary', { name: nameOf(v, s.id) }), ' · ', h('a', { href: `/meeting/${encodeURIComponent(v.id)}/projector` }, t('meeting.projector')), ' · ', h('a', { href: recordUrl(v.id) }, t('meeting.record'))),
    connectionLine(state.live),
    h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null),
    state.error ? errorBox(state.error) : null,
    tellerCards(v),
    forumCard(v),
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
      v.phase === 'open' && currentItem(v)?.id.startsWith('forum-') ? h('p', null, h('button', { type: 'button', id: 'motion-from-forum', disabled: state.busy,
        onClick: () => takeProposal(currentItem(v)!.id, currentItem(v)!.id.slice('forum-'.length), v) }, t('meetingSecret.takeProposal'))) : null,
      v.phase === 'open' ? h('form', { onSubmit: (e: Event) => {
        e.preventDefault();
        const title = value('motion-title').trim();
        void act(async () => {
          const mode = state.record?.meeting.tellers.length ? value('motion-mode') as 'named' | 'secret' : 'named';
          await sign('motion-put', { motion: freshId('motion-', v.motions.map((x) => x.id)), title, text: value('motion-text'), majority: value('motion-majority') as never, mode });
          dropDrafts('motion-title', 'motion-text', 'motion-majority', 'motion-mode');
          secret.now();
          return t('meeting.motionPut', { title });
        });
      } },
        h('h3', null, t('meeting.putMotion')),
        h('div', { class: 'field' }, h('label', { for: 'motion-title' }, t('meeting.motionTitle')), h('input', { ...kept('motion-title'), type: 'text', class: 'wide', required: true, maxlength: 200 })),
        h('div', { class: 'field' }, h('label', { for: 'motion-text' }, t('meeting.motionText')), h('p', { class: 'hint', id: 'motion-text-hint' }, t('meeting.paragraphsHint')),
          h('textarea', { ...kept('motion-text'), rows: 5, maxlength: 20000, 'aria-describedby': 'motion-text-hint' })),
        h('div', { class: 'field' }, h('label', { for: 'motion-majority' }, t('meeting.majority')),
          h('select', { id: 'motion-majority', onChange: keepDraft }, keptOptions('motion-majority', MAJORITY_NAMES.map((x): [string, string] => [x, t(`meeting.majority.${x}`)]), 'simple'))),
        // Secret votes need the meeting's tellers (§19 M7): without them the choice is not offered.
        state.record?.meeting.tellers.length ? h('div', { class: 'field' }, h('label', { for: 'motion-mode' }, t('meetingSecret.mode')),
          h('select', { id: 'motion-mode', onChange: keepDraft }, keptOptions('motion-mode', [['named', t('meetingSecret.mode.named')], ['secret', t('meetingSecret.mode.secret')]], 'named'))) : null,
        h('button', { type: 'submit', id: 'put-motion', disabled: state.busy }, t('meeting.putMotion'))) : null,
      v.phase === 'open' ? h('div', { class: 'field' }, h('label', { for: 'vote-seconds' }, t('meeting.voteSeconds')), h('input', { ...kept('vote-seconds', '0'), type: 'number', min: 0, max: 86400 })) : null),
  ];
}

start('meeting.chairTitle', render, () => { secret.now(); if (state.view) refreshForumQueue(state.view); });
