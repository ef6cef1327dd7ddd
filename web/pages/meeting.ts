// A member's page in a meeting: /meeting/<id>, opened from the member's personal link
// (#member=<id>&key=<secret signing key>; the fragment never reaches the server). Phone first: check in,
// follow the item open now and its speakers list, ask to speak, vote for / against / abstain while the
// vote is open, for oneself and for every member whose proxy one holds in one action, grant or revoke a
// proxy. Every action is signed here with the member's key. Live through the meeting's event stream; a
// dropped connection comes back by itself and the page shows every vote already on the record. In a
// secret vote (spec §19 M7) the page makes and registers the credentials and casts encrypted ballots
// (web/lib/meeting-secret-booth.ts); a teller is pointed to their steps on the chair page. A vote or a
// ballot still on its way when the vote closes is said in plain words not counted, and nothing more is offered.
import { ApiError } from '../lib/api.js';
import { h, type Child } from '../lib/dom.js';
import { formatTime, t } from '../lib/i18n.js';
import { errorBox, okBox, pathParts, rerender } from '../lib/page.js';
import { rememberSigner, signerFromLink, type MeetingView, type Signer } from '../lib/meeting-api.js';
import { amendmentWhat, connectionLine, currentItem, lastResult, meetingPage, motionOf, motionText, nameOf, openMotion, quorumLine, resultLine, signerProblem, signInForm, speakersList, type SigningPageState } from '../lib/meeting-ui.js';
import { followSecretVotes, type SecretStatus } from '../lib/meeting-secret.js';
import { castSecretBallots, keptVote, PollClosedError, registerCredentials, registrationOf, secretVoters, type KeptVote, type SecretChoice } from '../lib/meeting-secret-booth.js';

type Choice = 'for' | 'against' | 'abstain';

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
  /** The choice made on the screen for each member one votes for, kept across live refreshes. */
  choices: new Map<string, Choice>(),
  /** Members whose weight is split between the three (when the body allows it), and the parts typed. */
  splits: new Map<string, Record<Choice, string>>(),
  /** The choices made for a secret vote, by member (never sent in the clear, never kept). */
  secretChoices: new Map<string, SecretChoice>(),
  /** By secret motion: the members whose ballots the board refused because the poll had closed under way (never counted). */
  tooLate: new Map<string, string[]>(),
  grantTo: '',
  grantScope: 'meeting' as 'meeting' | 'standing',
};
const { act, sign, start } = meetingPage(meetingId, state);
const secret = followSecretVotes(() => state.record, () => rerender());

/** The members whose votes `me` casts in the open vote and has not cast yet: themselves (if present at the opening) and the principals held. */
function votesToCast(v: MeetingView, me: string): string[] {
  const m = openMotion(v);
  if (!m?.roll) return [];
  const mine = [...(m.roll.present.includes(me) ? [me] : []), ...m.roll.proxies.filter((p) => p.holder === me).map((p) => p.principal)];
  return mine.filter((id) => !m.voted.includes(id));
}

function castVotes(): void {
  const v = state.view!;
  const m = openMotion(v)!;
  const chosen = votesToCast(v, state.signer!.id).filter((id) => state.choices.has(id) || state.splits.has(id));
  const say = (text: string) => { state.message = text; state.messageOk = false; rerender(); document.getElementById('message')?.focus(); };
  if (chosen.length === 0) { say(t('meeting.chooseFirst')); return; }
  const votes = chosen.map((member) => {
    const weight = v.members.find((x) => x.id === member)!.weight;
    const split = state.splits.get(member);
    if (split) return { member, for: Number(split.for || 0), against: Number(split.against || 0), abstain: Number(split.abstain || 0) };
    const c = state.choices.get(member)!;
    return { member, for: c === 'for' ? weight : 0, against: c === 'against' ? weight : 0, abstain: c === 'abstain' ? weight : 0 };
  });
  // The board refuses a wrong split too (bad-split); saying it here keeps the member on the form.
  const wrong = votes.find((x) => ![x.for, x.against, x.abstain].every((n) => Number.isSafeInteger(n) && n >= 0) || x.for + x.against + x.abstain !== v.members.find((m) => m.id === x.member)!.weight);
  if (wrong) { say(t('meeting.splitWrong', { name: nameOf(v, wrong.member), n: v.members.find((m) => m.id === wrong.member)!.weight })); return; }
  void act(async () => {
    const done = () => { for (const id of chosen) { state.choices.delete(id); state.splits.delete(id); } };
    try {
      const r = await sign('named-vote', { motion: m.id, votes });
      done();
      return t('meeting.votesRecorded', { n: votes.length, seq: r.events[0]!.seq });
    } catch (e) {
      // Closed (or out of time) while the votes were on their way: said in plain words, nothing is left to cast.
      if (!(e instanceof ApiError && e.code === 'vote-closed')) throw e;
      done();
      throw new Error(chosen.map((id) => (id === state.signer!.id ? t('meeting.voteTooLate') : t('meeting.voteTooLateFor', { name: nameOf(v, id) }))).join(' '));
    }
  });
}

function voteSection(v: MeetingView, me: string): Child {
  const m = openMotion(v);
  // A secret vote closed and awaiting its tellers: said, so a member does not wonder where the vote went.
  const counting = m ? null : v.motions.find((x) => x.mode === 'secret' && x.status === 'closed');
  const status = counting ? secret.statuses.get(counting.id) : undefined;
  if (counting) return h('section', { class: 'card', 'aria-labelledby': 'vote-heading' }, h('h2', { id: 'vote-heading' }, t('meetingSecret.voteOn', { title: counting.title })),
    h('p', { id: 'secret-counting' }, status && !status.error ? t('meetingSecret.counting', { n: status.decryptions, of: status.threshold }) : t('meetingSecret.checking')),
    tooLateNotice(v, counting.id), status && !status.error ? castHere(v, counting.id, status, me) : null);
  if (!m) return null;
  if (m.mode === 'secret') return secretVoteSection(v, me);
  const parent = m.amends ? motionOf(v, m.amends) : undefined;
  const toCast = votesToCast(v, me);
  const onRoll = m.roll && (m.roll.present.includes(me) || m.roll.proxies.some((p) => p.holder === me));
  const cast = onRoll ? [me, ...m.roll!.proxies.filter((p) => p.holder === me).map((p) => p.principal)].filter((id) => m.voted.includes(id)) : [];
  return h('section', { class: 'card vote-now', 'aria-labelledby': 'vote-heading' },
    h('h2', { id: 'vote-heading' }, parent ? t('meeting.voteOnAmendment', { title: m.title, motion: parent.title }) : t('meeting.voteOn', { title: m.title })),
    parent ? h('p', null, amendmentWhat(m), ' ', t('meeting.ifAdopted')) : null,
    motionText(m.votedText ?? m.text, 'voted-text'),
    h('p', { class: 'hint' }, m.deadline ? t('meeting.voteUntil', { time: formatTime(m.deadline) }) : t('meeting.voteUntilClosed')),
    !onRoll ? h('p', null, t('meeting.notOnRoll')) : null,
    cast.length ? h('p', { id: 'cast-done', class: 'notice ok' }, t('meeting.alreadyCast', { names: cast.map((id) => nameOf(v, id)).join(', ') })) : null,
    toCast.length ? h('form', { onSubmit: (e: Event) => { e.preventDefault(); castVotes(); } },
      toCast.map((member) => {
        const weight = v.members.find((x) => x.id === member)!.weight;
        const split = state.splits.get(member);
        return h('fieldset', { class: 'question' },
          h('legend', null, member === me ? t('meeting.yourVote') : t('meeting.voteFor', { name: nameOf(v, member) }), weight !== 1 ? ` · ${t('meeting.weight', { n: weight })}` : ''),
          split ? h('div', { class: 'row' }, (['for', 'against', 'abstain'] as const).map((c) => h('div', { class: 'field' },
            h('label', { for: `split-${member}-${c}` }, t(`meeting.choice.${c}`)),
            h('input', { type: 'number', id: `split-${member}-${c}`, min: 0, max: weight, value: split[c], onInput: (e: Event) => { split[c] = (e.target as HTMLInputElement).value; } }))))
            : h('div', { class: 'options inline' }, (['for', 'against', 'abstain'] as const).map((c) => h('div', { class: 'option' },
              h('input', { type: 'radio', name: `vote-${member}`, id: `vote-${member}-${c}`, value: c, ...(state.choices.get(member) === c ? { checked: true } : {}),
                onChange: () => { state.choices.set(member, c); } }),
              h('label', { for: `vote-${member}-${c}` }, t(`meeting.choice.${c}`))))),
          v.rules.splitVotes && weight > 1 ? h('div', { class: 'field check' },
            h('input', { type: 'checkbox', id: `split-${member}`, ...(split ? { checked: true } : {}), onChange: (e: Event) => {
              if ((e.target as HTMLInputElement).checked) state.splits.set(member, { for: '', against: '', abstain: '' }); else state.splits.delete(member);
              rerender();
            } }),
            h('label', { for: `split-${member}` }, t('meeting.splitWeight', { n: weight }))) : null);
      }),
      h('button', { type: 'submit', class: 'primary', id: 'cast', disabled: state.busy }, toCast.length > 1 ? t('meeting.castAll', { n: toCast.length }) : t('meeting.cast'))) : null);
}

// ---- a secret vote (spec §19 M7): a credential made here, registered, then an encrypted ballot ----------

function takePart(status: SecretStatus): void {
  const st = state.record!;
  const m = st.motions.get(status.motion)!;
  void act(async () => {
    const n = await registerCredentials(state.view!, m, status.electionId, status.electionHash, state.signer!);
    return t('meetingSecret.registeredDone', { n });
  });
}

function castSecret(status: SecretStatus, members: string[]): void {
  const st = state.record!;
  const m = st.motions.get(status.motion)!;
  const chosen = new Map(members.filter((x) => state.secretChoices.has(x)).map((x) => [x, state.secretChoices.get(x)!]));
  if (chosen.size === 0) { state.message = t('meeting.chooseFirst'); state.messageOk = false; rerender(); document.getElementById('message')?.focus(); return; }
  void act(async () => {
    try {
      const codes = await castSecretBallots(st, m, status.electionId, state.signer!, chosen);
      for (const x of chosen.keys()) state.secretChoices.delete(x);
      return t('meetingSecret.castDone', { n: Object.keys(codes).length });
    } catch (e) {
      if (!(e instanceof PollClosedError)) throw e;
      // The secretary closed the vote as the ballots went: those refused are said, and the page stays closed for them.
      for (const x of chosen.keys()) state.secretChoices.delete(x);
      state.tooLate.set(status.motion, e.notCounted);
      const counted = Object.keys(e.counted).length;
      throw new Error([counted ? t('meetingSecret.castDone', { n: counted }) : '', tooLateText(state.view!, e.notCounted)].filter(Boolean).join(' '));
    }
  });
}

/** "The vote closed before your ballot reached the board: it was not counted.", one sentence a member. */
const tooLateText = (v: MeetingView, members: string[]): string =>
  members.map((x) => (x === state.signer!.id ? t('meetingSecret.ballotTooLate') : t('meetingSecret.ballotTooLateFor', { name: nameOf(v, x) }))).join(' ');

/** The ballots cast from this tab, each with its tracking code (kept: the member checks them later on the board). */
function secretReceipts(v: MeetingView, kept: KeptVote, cast: string[]): Child {
  return cast.length ? h('div', { id: 'secret-receipt', class: 'notice ok' },
    h('p', null, t('meetingSecret.castFor', { names: cast.map((x) => nameOf(v, x)).join(', ') })),
    h('ul', null, cast.map((x) => h('li', null, `${nameOf(v, x)}: `, t('meetingSecret.trackingCode'), ' ', h('code', { class: 'mono' }, kept.cast[x]!))))) : null;
}

/** The ballots the board refused because the poll had closed under way (none: nothing). */
function tooLateNotice(v: MeetingView, motion: string): Child {
  const late = state.tooLate.get(motion);
  return late?.length ? h('p', { id: 'ballot-too-late', class: 'notice error' }, tooLateText(v, late)) : null;
}

function secretVoteSection(v: MeetingView, me: string): Child {
  const view = openMotion(v)!;
  const st = state.record;
  const m = st?.motions.get(view.id);
  const status = secret.statuses.get(view.id);
  const heading = h('h2', { id: 'vote-heading' }, t('meetingSecret.voteOn', { title: view.title }));
  const shell = (...body: Child[]) => h('section', { class: 'card vote-now', 'aria-labelledby': 'vote-heading' }, heading,
    h('p', { id: 'secret-notice', class: 'notice info' }, t('meetingSecret.secretNotice')), motionText(view.votedText ?? view.text, 'voted-text'), ...body);
  if (!st || !m || !status) return shell(h('p', { class: 'loading' }, t('meetingSecret.checking')));
  if (status.error) return shell(errorBox(status.error));
  const voters = secretVoters(m, me);
  if (voters.length === 0) return shell(h('p', null, t('meeting.notOnRoll')));
  const kept = keptVote(status.electionId, status.electionHash, state.signer!);
  const late = state.tooLate.has(view.id);
  const where = new Map(voters.map((x) => [x, registrationOf(m, kept, status.electionHash, x)]));
  const elsewhere = voters.filter((x) => where.get(x) === 'elsewhere');
  const unregistered = voters.filter((x) => where.get(x) === 'none');
  const cast = voters.filter((x) => where.get(x) === 'here' && kept.cast[x]);
  const toCast = voters.filter((x) => where.get(x) === 'here' && !kept.cast[x]);
  const label = (x: string) => (x === me ? t('meeting.yourVote') : t('meeting.voteFor', { name: nameOf(v, x) }));
  return shell(
    elsewhere.length ? h('p', { class: 'notice warning', id: 'registered-elsewhere' }, t('meetingSecret.registeredElsewhere', { names: elsewhere.map((x) => nameOf(v, x)).join(', ') })) : null,
    !status.listed && unregistered.length ? [
      h('p', { id: 'take-part-text' }, t('meetingSecret.takePartText', { n: unregistered.length, names: unregistered.map((x) => nameOf(v, x)).join(', ') })),
      h('button', { type: 'button', class: 'primary', id: 'take-part', disabled: state.busy, onClick: () => takePart(status) }, t('meetingSecret.takePart', { n: unregistered.length })),
    ] : null,
    status.listed && unregistered.length ? h('p', { id: 'registration-ended' }, t('meetingSecret.registrationEnded')) : null,
    !status.listed && toCast.length ? h('p', { id: 'registered', class: 'notice ok' }, t('meetingSecret.waitForList', { names: toCast.map((x) => nameOf(v, x)).join(', ') })) : null,
    // Not once the board has refused a ballot of it as late, nor once its checked record shows the poll closed.
    status.listed && toCast.length && view.status === 'open' && status.phase === 'open' && !late ? h('form', { onSubmit: (e: Event) => { e.preventDefault(); castSecret(status, toCast); } },
      toCast.map((x) => h('fieldset', { class: 'question' },
        h('legend', null, label(x)),
        h('div', { class: 'options inline' }, (['for', 'against', 'abstain'] as const).map((c) => h('div', { class: 'option' },
          h('input', { type: 'radio', name: `secret-${x}`, id: `secret-${x}-${c}`, value: c, ...(state.secretChoices.get(x) === c ? { checked: true } : {}), onChange: () => { state.secretChoices.set(x, c); } }),
          h('label', { for: `secret-${x}-${c}` }, t(`meeting.choice.${c}`))))))),
      h('p', { class: 'hint' }, t('meetingSecret.encryptedHere')),
      h('button', { type: 'submit', class: 'primary', id: 'cast-secret', disabled: state.busy }, toCast.length > 1 ? t('meeting.castAll', { n: toCast.length }) : t('meeting.cast'))) : null,
    tooLateNotice(v, view.id),
    secretReceipts(v, kept, cast));
}

/** In a closed secret vote, the receipts of the ballots this tab cast in it. */
function castHere(v: MeetingView, motion: string, status: SecretStatus, me: string): Child {
  const m = state.record?.motions.get(motion);
  if (!m) return null;
  const kept = keptVote(status.electionId, status.electionHash, state.signer!);
  return secretReceipts(v, kept, secretVoters(m, me).filter((x) => registrationOf(m, kept, status.electionHash, x) === 'here' && kept.cast[x]));
}

function proxySection(v: MeetingView, me: string): Child {
  if (v.rules.proxyLimit === 0) return null;
  const given = v.proxies.find((p) => p.principal === me);
  const held = v.proxies.filter((p) => p.holder === me);
  const others = v.members.filter((m) => m.id !== me);
  return h('section', { class: 'card', 'aria-labelledby': 'proxy-heading' },
    h('h2', { id: 'proxy-heading' }, t('meeting.proxies')),
    held.length ? h('p', { id: 'proxies-held' }, t('meeting.youHold', { names: held.map((p) => nameOf(v, p.principal)).join(', ') })) : null,
    given ? [
      h('p', { id: 'proxy-given' }, t('meeting.yourVoteHeldBy', { name: nameOf(v, given.holder) })),
      h('button', { type: 'button', id: 'revoke-proxy', disabled: state.busy, onClick: () => void act(async () => { await sign('proxy-revoked', { principal: me }); return t('meeting.proxyRevoked'); }) }, t('meeting.revokeProxy')),
    ] : held.length === 0 && v.phase !== 'closed' ? h('form', { onSubmit: (e: Event) => {
      e.preventDefault();
      const holder = state.grantTo || others[0]?.id;
      if (holder) void act(async () => { await sign('proxy-granted', { principal: me, holder, scope: state.grantScope }); return t('meeting.proxyGranted', { name: nameOf(v, holder) }); });
    } },
      h('div', { class: 'field' }, h('label', { for: 'proxy-holder' }, t('meeting.giveVoteTo')),
        h('select', { id: 'proxy-holder', onChange: (e: Event) => { state.grantTo = (e.target as HTMLSelectElement).value; } },
          others.map((m) => h('option', { value: m.id, ...(m.id === state.grantTo ? { selected: true } : {}) }, m.name)))),
      h('div', { class: 'field' }, h('label', { for: 'proxy-scope' }, t('meeting.proxyScope')),
        h('select', { id: 'proxy-scope', onChange: (e: Event) => { state.grantScope = (e.target as HTMLSelectElement).value as 'meeting' | 'standing'; } },
          (['meeting', 'standing'] as const).map((s) => h('option', { value: s, ...(s === state.grantScope ? { selected: true } : {}) }, t(`meeting.scope.${s}`))))),
      h('button', { type: 'submit', id: 'grant-proxy', disabled: state.busy }, t('meeting.grantProxy'))) : null);
}

function render(): Child {
  const v = state.view;
  if (!v) return [h('h1', null, t('meeting.title')), state.error ? errorBox(state.error) : h('p', { class: 'loading' }, t('page.loading'))];
  const s = state.signer;
  const bad = s ? signerProblem(v, s) : null;
  if (!s || bad) return [h('h1', null, v.title), bad ? errorBox(bad) : null, signInForm((x) => { state.signer = x; rememberSigner(meetingId, x); rerender(); })];
  const me = v.members.find((m) => m.id === s.id);
  if (!me) return [h('h1', null, v.title), errorBox(t('meeting.officerUseChair')), h('p', null, h('a', { href: `/meeting/${encodeURIComponent(v.id)}/chair` }, t('meeting.chairPage')))];
  const item = currentItem(v);
  const last = lastResult(v);
  const open = v.phase === 'open';
  const waiting = item?.speakers.some((x) => x.member === me.id && x.status === 'waiting');
  return [
    h('h1', null, v.title),
    connectionLine(state.live),
    h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null),
    state.error ? errorBox(state.error) : null,
    h('section', { class: 'card', 'aria-labelledby': 'me-heading' },
      h('h2', { id: 'me-heading' }, me.name, me.weight !== 1 ? ` · ${t('meeting.weight', { n: me.weight })}` : ''),
      h('p', { id: 'presence' }, v.phase === 'closed' ? t('meeting.closed') : me.present ? t('meeting.youArePresent') : t('meeting.youAreAbsent')),
      v.phase !== 'closed' ? (me.present
        ? h('button', { type: 'button', id: 'leave', disabled: state.busy, onClick: () => void act(async () => { await sign('member-left', { member: me.id }); return t('meeting.leftDone'); }) }, t('meeting.leave'))
        : h('button', { type: 'button', class: 'primary', id: 'check-in', disabled: state.busy, onClick: () => void act(async () => { await sign('member-present', { member: me.id }); return t('meeting.checkedIn'); }) }, t('meeting.checkIn'))) : null,
      quorumLine(v)),
    state.record?.meeting.tellers.includes(me.id) ? h('p', { id: 'teller-link' }, t('meetingSecret.youAreTeller'), ' ', h('a', { href: `/meeting/${encodeURIComponent(v.id)}/chair` }, t('meetingSecret.tellerPage'))) : null,
    voteSection(v, me.id),
    h('section', { class: 'card', 'aria-labelledby': 'item-heading' },
      h('h2', { id: 'item-heading' }, item ? t('meeting.currentItem', { title: item.title }) : t('meeting.noItem')),
      item ? speakersList(v, item) : null,
      item && open && me.present ? h('div', { class: 'actions' }, waiting
        ? h('button', { type: 'button', id: 'withdraw-speech', disabled: state.busy, onClick: () => void act(async () => { await sign('speaker-withdrawn', { item: item.id, member: me.id }); return t('meeting.withdrawn'); }) }, t('meeting.withdrawSpeech'))
        : (['for', 'against'] as const).map((side) => h('button', { type: 'button', id: `speak-${side}`, disabled: state.busy,
            onClick: () => void act(async () => { await sign('speaker-requested', { item: item.id, member: me.id, side }); return t('meeting.onTheList'); }) }, side === 'for' ? t('meeting.askFor') : t('meeting.askAgainst')))) : null),
    proxySection(v, me.id),
    last ? h('section', { class: 'card', 'aria-labelledby': 'result-heading' },
      h('h2', { id: 'result-heading' }, t('meeting.lastResult', { title: last.title })), resultLine(last)) : null,
  ];
}

start('meeting.title', render, () => secret.now());
