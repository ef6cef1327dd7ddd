// The admin page's card for credential mails that came back, in an election whose server is its
// credential authority (spec §6.5): the authority pastes the addresses or uploads the bounce notice its
// mailbox got (.eml, or an mbox of several; the server reads it, src/server/authority/bounces.ts), and
// each bounced voter gets a corrected-address form: the server revokes the forgotten credential on the
// board and mails a new one there. The server checks everything; this card says it in the form's words.
// It sits beside the card of web/lib/server-authority-admin.ts, whose table shows the "Bounced" status.
import type { ElectionInfo } from './api.js';
import { h, type Child } from './dom.js';
import { textFileField } from './files.js';
import { adminCall } from './election-manage.js';
import { t } from './i18n.js';
import { isServerAuthorityElection, type VoterMail } from './server-authority-admin.js';

interface BounceResult { marked: { voter: string; name: string; email: string }[]; already: string[]; notSent: string[]; unknown: string[] }

/** What the card shows and what the authority typed in it (kept across the page's redraws). */
const card = {
  election: '',
  voters: null as VoterMail[] | null,
  pasted: '',
  /** voter -> the corrected address typed for them. */
  addresses: {} as Record<string, string>,
};

const path = (id: string, rest: string) => `/api/elections/${encodeURIComponent(id)}/server-authority/${rest}`;

/** Reads the voters' mail statuses for election `info` (nothing for another kind of election); true if they changed. */
export async function loadBounces(info: ElectionInfo, token: string): Promise<boolean> {
  if (!isServerAuthorityElection(info.manifest)) return false;
  if (card.election !== info.id) Object.assign(card, { election: info.id, voters: null, pasted: '', addresses: {} });
  const before = JSON.stringify(card.voters);
  card.voters = await adminCall<{ voters: VoterMail[] }>('GET', path(info.id, 'voters'), token).then((r) => r.voters, () => null);
  return JSON.stringify(card.voters) !== before;
}

export interface BouncesView {
  info: ElectionInfo;
  token: string;
  busy: boolean;
  /** Runs one action (the page's busy state, message and reload); `run` returns the message to show. */
  act(run: () => Promise<string>): void;
}

/** The server's answer in words; nothing marked is a refusal (an error message), so it is not missed. */
function resultText(r: BounceResult): string {
  const parts = [
    r.marked.length ? t('bounce.marked', { names: r.marked.map((m) => `${m.name} (${m.email})`).join(', ') }) : '',
    r.already.length ? t('bounce.already', { addresses: r.already.join(', ') }) : '',
    r.notSent.length ? t('bounce.notSent', { addresses: r.notSent.join(', ') }) : '',
    r.unknown.length ? t('bounce.unknown', { addresses: r.unknown.join(', ') }) : '',
  ].filter(Boolean).join(' ');
  if (r.marked.length === 0) throw new Error(`${t('bounce.noneMarked')} ${parts}`);
  return parts;
}

function mark(v: BouncesView, body: { addresses: string[] } | { notice: string }): void {
  v.act(async () => {
    const r = await adminCall<BounceResult>('POST', path(v.info.id, 'bounced'), v.token, body);
    if ('addresses' in body) card.pasted = '';
    return resultText(r);
  });
}

export function bouncesCard(v: BouncesView): Child {
  const voters = card.voters;
  if (!isServerAuthorityElection(v.info.manifest) || card.election !== v.info.id || !voters || voters.length === 0) return null;
  const open = v.info.phase === 'setup' || v.info.phase === 'open';
  const bounced = voters.filter((x) => x.mail === 'bounced');
  return h('section', { class: 'card', 'aria-labelledby': 'bounce-heading', id: 'bounce-card' },
    h('h2', { id: 'bounce-heading' }, t('bounce.heading')),
    h('p', null, t('bounce.help')),
    h('form', { id: 'bounce-form', novalidate: true, onSubmit: (e: Event) => {
      e.preventDefault();
      mark(v, { addresses: card.pasted.split(/[\s,;]+/).filter(Boolean) });
    } },
      h('div', { class: 'field' },
        h('label', { for: 'bounce-addresses' }, t('bounce.addresses')),
        h('p', { class: 'hint', id: 'bounce-addresses-hint' }, t('bounce.addressesHint')),
        textArea('bounce-addresses', card.pasted, (x) => { card.pasted = x; })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'bounce-mark', disabled: v.busy }, t('bounce.markButton')))),
    textFileField({ id: 'bounce-file', label: t('bounce.file'), hint: t('bounce.fileHint'), accept: '.eml,.mbox,.txt,message/rfc822,application/mbox,text/plain', disabled: v.busy }, (notice) => mark(v, { notice })),
    bounced.length ? [
      h('h3', { id: 'bounced-heading' }, t('bounce.bouncedHeading')),
      h('p', null, open ? t('bounce.reissueHelp') : t('bounce.tooLate')),
      h('ul', { id: 'bounced-voters', 'aria-labelledby': 'bounced-heading' }, bounced.map((x, i) => h('li', { 'data-voter': x.voter },
        h('p', null, h('strong', null, x.name), ' ', h('span', { class: 'mono' }, x.email)),
        open ? reissueForm(v, x, i) : null))),
    ] : null);
}

function reissueForm(v: BouncesView, x: VoterMail, i: number): HTMLElement {
  return h('form', { class: 'row', novalidate: true, onSubmit: (e: Event) => {
    e.preventDefault();
    const email = (card.addresses[x.voter] ?? '').trim();
    v.act(async () => {
      const r = await adminCall<{ email: string }>('POST', path(v.info.id, 'bounced/address'), v.token, { voter: x.voter, email });
      delete card.addresses[x.voter];
      return t('sa.reissued', { name: x.name, email: r.email });
    });
  } },
    h('div', { class: 'field' },
      h('label', { for: `bounce-new-${i}` }, t('bounce.newAddress', { name: x.name })),
      h('input', { id: `bounce-new-${i}`, type: 'text', inputmode: 'email', spellcheck: 'false', autocomplete: 'off', class: 'bounce-new', value: card.addresses[x.voter] ?? '',
        onInput: (e: Event) => { card.addresses[x.voter] = (e.target as HTMLInputElement).value; } })),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'small', disabled: v.busy }, t('bounce.reissue'), h('span', { class: 'visually-hidden' }, `: ${x.name}`))));
}

function textArea(id: string, value: string, set: (v: string) => void): HTMLElement {
  const el = h('textarea', { id, rows: '3', class: 'wide mono', spellcheck: 'false', 'aria-describedby': `${id}-hint`, onInput: (e: Event) => set((e.target as HTMLTextAreaElement).value) }) as HTMLTextAreaElement;
  el.value = value;
  return el;
}
