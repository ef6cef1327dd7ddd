// The admin page's parts for an election whose server is its own credential authority (spec §6.5, §6.6):
// the choice in the new-election form (with the trust warning said before it is taken), and the card of
// such an election: the voter register (CSV) the server makes and mails credentials from, each voter's
// mail status, a corrected address for a refused mail, a lost credential revoked and re-issued (after a
// confirm step: the board keeps it), the reminder times and the trustees' addresses. The server checks
// everything; this module only says it in the organiser's words. It never sees a credential.
import { ManifestError, validateManifest } from '../../src/manifest/validate.js';
import type { Manifest } from '../../src/manifest/types.js';
import { newAuthority } from '../../src/credentials/authority.js';
import { formatInZone, readerZone, wallTimeToInstant } from '../../src/manifest/zoned-time.js';
import type { ElectionInfo } from './api.js';
import { adminCall } from './election-manage.js';
import { focus, h, type Child } from './dom.js';
import { textFileField } from './files.js';
import { currentLanguage, t, tn } from './i18n.js';

// ---- the new-election form ---------------------------------------------------------------------------

/** The form's choice: false, an authority of its own (the default); true, the server is the authority. */
export const serverAuthorityDraft = { chosen: false };

export const isServerAuthorityElection = (m: Pick<Manifest, 'credentialAuthority'>): boolean => m.credentialAuthority?.operatedBy === 'server';

/** The two choices, each with what it means; the warning is part of the server's choice, read before it is taken. */
export function serverAuthorityChoice(onChange: () => void): HTMLElement {
  const radio = (id: string, server: boolean, label: string, hint: string) => h('div', { class: 'field check' },
    h('input', { id, type: 'radio', name: 'authority-mode', value: server ? 'server' : 'own', checked: serverAuthorityDraft.chosen === server, 'aria-describedby': `${id}-hint`,
      onChange: () => { serverAuthorityDraft.chosen = server; onChange(); } }),
    h('label', { for: id }, label),
    h('p', { class: server ? 'notice warning' : 'hint', id: `${id}-hint` }, hint));
  return h('fieldset', { class: 'subgroup', id: 'authority-mode' },
    h('legend', null, t('sa.modeLegend')),
    radio('authority-own', false, t('sa.modeOwn'), t('sa.modeOwnHint')),
    radio('authority-server', true, t('sa.modeServer'), t('sa.modeServerWarning')));
}

/**
 * The form's manifest with the server as its authority: operatedBy "server", and no signing key (the
 * server makes it when it creates the election). The validator wants a key, so it checks the rest with
 * a throwaway one that is never sent.
 */
export function serverAuthorityManifest(m: Manifest): Manifest {
  const name = m.credentialAuthority.name || t('sa.defaultName');
  const checked = validateManifest({ ...m, credentialAuthority: { name, signingKey: newAuthority().signing.key, operatedBy: 'server' } });
  const { signingKey: _made, ...authority } = checked.credentialAuthority;
  return { ...checked, credentialAuthority: authority as Manifest['credentialAuthority'] };
}

// ---- the election's card -----------------------------------------------------------------------------

export interface VoterMail { voter: string; name: string; email: string; weight: number; revoked: boolean; voted: boolean; mail: string | null; mailedAt: string | null; reply: string | null }
export interface MailSettings { reminders: string[]; trustees: Record<string, string>; done?: string[]; mail?: string }

/** What the card shows and what the admin has typed in it (kept across the page's re-renders). */
const card = {
  election: '',
  voters: null as VoterMail[] | null,
  settings: null as MailSettings | null,
  /** The reminder times being edited, as datetime-local values in the election's zone. */
  reminders: null as string[] | null,
  trustees: null as Record<string, string> | null,
  /** voter -> the corrected address typed for them. */
  addresses: {} as Record<string, string>,
  /** The voter whose credential is to be revoked and re-issued, waiting for the confirm button. */
  confirmingRevoke: null as string | null,
  /** The reason typed for that re-issue: in the card, so that the page's polling redraw keeps it. */
  reissueReason: '',
};

const path = (id: string, rest: string) => `/api/elections/${encodeURIComponent(id)}/${rest}`;

/** Reads the card's data for election `info` (nothing for another kind of election); true if it changed. */
export async function loadServerAuthority(info: ElectionInfo, token: string): Promise<boolean> {
  if (!isServerAuthorityElection(info.manifest)) return false;
  if (card.election !== info.id) Object.assign(card, { election: info.id, voters: null, settings: null, reminders: null, trustees: null, addresses: {}, confirmingRevoke: null, reissueReason: '' });
  const before = JSON.stringify([card.voters, card.settings]);
  const [voters, settings] = await Promise.all([
    adminCall<{ voters: VoterMail[] }>('GET', path(info.id, 'server-authority/voters'), token).then((r) => r.voters, () => null),
    adminCall<MailSettings>('GET', path(info.id, 'mail-settings'), token).catch(() => null),
  ]);
  card.voters = voters;
  card.settings = settings;
  return JSON.stringify([card.voters, card.settings]) !== before;
}

export interface ServerAuthorityView {
  info: ElectionInfo;
  token: string;
  busy: boolean;
  /** Runs one action (the page's busy state, message and reload); `run` returns the message to show. */
  act(run: () => Promise<string>): void;
  rerender(): void;
}

/** The mail statuses in the order a mail goes through them ("waiting": not yet tried). */
const STATUSES = ['waiting', 'sending', 'sent', 're-sent', 'refused', 'failed', 'bounced'] as const;
const statusOf = (v: VoterMail): string => v.mail ?? 'waiting';
/** A mail not delivered whose credential the server still holds: a corrected address can get it out. */
const correctable = (v: VoterMail): boolean => !v.revoked && (v.mail === 'refused' || v.mail === 'failed');

/** The election's zone (its manifest's, else the admin's). */
const zoneOf = (info: ElectionInfo): string => info.manifest.timeZone ?? readerZone();

/** An instant as a datetime-local value in `zone`. */
function localValue(iso: string, zone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function serverAuthorityCard(v: ServerAuthorityView): Child {
  const { info } = v;
  if (!isServerAuthorityElection(info.manifest)) return null;
  const voters = card.voters;
  return h('section', { class: 'card', 'aria-labelledby': 'sa-heading', id: 'server-authority-card' },
    h('h2', { id: 'sa-heading' }, t('sa.heading')),
    h('p', { class: 'notice warning', role: 'note' }, t('page.serverAuthority')),
    card.settings && card.settings.mail !== 'on' ? h('p', { class: 'notice error', id: 'sa-mail-off' }, t('sa.mailOff', { why: card.settings.mail ?? '' })) : null,
    voters === null ? h('p', null, t('sa.unknown'))
      : voters.length === 0 ? registerUpload(v)
      : [mailStatus(v, voters), revokeStep(v, voters)],
    mailSettings(v));
}

function registerUpload(v: ServerAuthorityView): Child {
  const canIssue = v.info.phase === 'setup';
  return h('div', { id: 'sa-register' },
    h('p', null, t('sa.registerHelp')),
    canIssue
      ? textFileField({ id: 'sa-register-file', label: t('sa.registerFile'), hint: t('sa.registerFileHint'), accept: '.csv,text/csv,text/plain', disabled: v.busy }, (csv) =>
          v.act(async () => {
            const r = await adminCall<{ voters: number }>('PUT', path(v.info.id, 'server-authority/voters'), v.token, { csv });
            return tn('sa.issued', r.voters);
          }))
      : h('p', null, t('sa.registerTooLate')));
}

function mailStatus(v: ServerAuthorityView, voters: VoterMail[]): Child {
  const counts = STATUSES.map((s) => [s, voters.filter((x) => statusOf(x) === s).length] as const).filter(([, n]) => n > 0);
  const zone = readerZone();
  const open = v.info.phase === 'setup' || v.info.phase === 'open';
  return h('div', { id: 'sa-status' },
    h('h3', null, t('sa.statusHeading')),
    h('p', { id: 'sa-counts' }, tn('sa.voters', voters.length), ' ', counts.map(([s, n]) => tn(`sa.count.${s}`, n)).join(', ')),
    h('div', { class: 'table-wrap' }, h('table', { id: 'sa-voters' },
      h('caption', { class: 'visually-hidden' }, t('sa.statusHeading')),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('sa.colVoter')), h('th', { scope: 'col' }, t('sa.colEmail')), h('th', { scope: 'col' }, t('sa.colWeight')),
        h('th', { scope: 'col' }, t('sa.colMail')), h('th', { scope: 'col' }, t('sa.colActions')))),
      h('tbody', null, voters.map((x, i) => h('tr', { 'data-voter': x.voter },
        h('th', { scope: 'row' }, x.name),
        h('td', { class: 'mono' }, x.email),
        h('td', null, String(x.weight)),
        h('td', { class: 'sa-mail' },
          h('span', { class: `badge mail-${statusOf(x)}` }, t(`sa.status.${statusOf(x)}`)),
          x.revoked ? [' ', h('span', { class: 'badge' }, t('sa.revoked'))] : null,
          x.mailedAt ? h('span', { class: 'hint' }, ` ${formatInZone(x.mailedAt, currentLanguage(), zone)}`) : null,
          x.reply ? h('span', { class: 'hint sa-reply' }, ` (${x.reply})`) : null),
        h('td', null, open ? rowActions(v, x, i) : null)))))));
}

function rowActions(v: ServerAuthorityView, x: VoterMail, i: number): Child {
  const fix = correctable(x)
    ? h('form', { class: 'row', onSubmit: (e: Event) => {
        e.preventDefault();
        const email = (card.addresses[x.voter] ?? '').trim();
        v.act(async () => {
          const r = await adminCall<{ email: string }>('POST', path(v.info.id, 'server-authority/address'), v.token, { voter: x.voter, email });
          delete card.addresses[x.voter];
          return t('sa.addressDone', { name: x.name, email: r.email });
        });
      } },
        h('label', { for: `sa-address-${i}`, class: 'visually-hidden' }, t('sa.addressFor', { name: x.name })),
        h('input', { id: `sa-address-${i}`, type: 'text', inputmode: 'email', spellcheck: 'false', class: 'sa-address', autocomplete: 'off', value: card.addresses[x.voter] ?? x.email,
          onInput: (e: Event) => { card.addresses[x.voter] = (e.target as HTMLInputElement).value; } }),
        h('button', { type: 'submit', class: 'small', disabled: v.busy }, t('sa.addressSave'), h('span', { class: 'visually-hidden' }, `: ${x.name}`)))
    : null;
  const reissue = h('button', { type: 'button', class: 'small danger', id: `sa-reissue-${i}`, disabled: v.busy, onClick: () => {
    card.confirmingRevoke = x.voter;
    card.reissueReason = '';
    v.rerender();
    focus(document.getElementById('sa-confirm-text'));
  } }, t('sa.reissue'), h('span', { class: 'visually-hidden' }, `: ${x.name}`));
  return [fix, reissue];
}

/** The confirm step of a revocation: it goes on the board and cannot be undone. */
function revokeStep(v: ServerAuthorityView, voters: VoterMail[]): Child {
  const x = voters.find((y) => y.voter === card.confirmingRevoke);
  if (!x) return null;
  return h('div', { class: 'notice info', role: 'group', 'aria-labelledby': 'sa-confirm-text', id: 'sa-confirm' },
    h('p', { id: 'sa-confirm-text', tabindex: '-1' }, t('sa.confirmReissue', { name: x.name, email: x.email })),
    h('div', { class: 'field' },
      h('label', { for: 'sa-reason' }, t('sa.reason')),
      h('input', { id: 'sa-reason', type: 'text', class: 'wide', maxlength: '500', value: card.reissueReason, onInput: (e: Event) => { card.reissueReason = (e.target as HTMLInputElement).value; } })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', id: 'sa-confirm-reissue', disabled: v.busy, onClick: () => v.act(async () => {
        card.confirmingRevoke = null;
        const reason = card.reissueReason.trim();
        card.reissueReason = '';
        await adminCall('POST', path(v.info.id, 'server-authority/revoke'), v.token, { voter: x.voter, reason, reissue: true });
        return t('sa.reissued', { name: x.name, email: x.email });
      }) }, t('sa.confirmReissueButton')),
      h('button', { type: 'button', id: 'sa-cancel-reissue', onClick: () => { card.confirmingRevoke = null; v.rerender(); } }, t('members.cancel'))));
}

function mailSettings(v: ServerAuthorityView): Child {
  const s = card.settings;
  if (!s) return null;
  const { info } = v;
  const zone = zoneOf(info);
  const admin = readerZone();
  const lang = currentLanguage();
  card.reminders ??= s.reminders.map((r) => localValue(r, zone));
  card.trustees ??= { ...s.trustees };
  const reminders = card.reminders;
  const trustees = card.trustees;
  const done = new Set(s.done ?? []);
  return h('form', { id: 'sa-settings', novalidate: true, onSubmit: (e: Event) => {
    e.preventDefault();
    v.act(async () => {
      const times = reminders.map((r) => r.trim()).filter(Boolean).map((r) => {
        const ms = wallTimeToInstant(r, zone);
        if (ms === null) throw new ManifestError([t('sa.badTime', { time: r, zone })]);
        return new Date(ms).toISOString();
      });
      const addresses = Object.fromEntries(Object.entries(trustees).map(([k, a]) => [k, a.trim()]).filter(([, a]) => a));
      const saved = await adminCall<MailSettings>('PUT', path(info.id, 'mail-settings'), v.token, { reminders: times, trustees: addresses });
      card.settings = { ...saved, done: card.settings?.done ?? [] }; // shown at once, as the server kept it
      card.reminders = null;
      card.trustees = null;
      return tn('sa.settingsSaved', times.length);
    });
  } },
    h('h3', null, t('sa.remindersHeading')),
    h('p', null, t('sa.remindersHelp', { zone })),
    s.reminders.length
      ? h('ul', { id: 'sa-reminders' }, s.reminders.map((r) => h('li', null,
          formatInZone(r, lang, zone),
          admin !== zone ? h('span', { class: 'hint' }, ` — ${t('sa.inYourZone', { time: formatInZone(r, lang, admin) })}`) : null,
          done.has(`reminder:${new Date(r).toISOString()}`) ? h('span', { class: 'badge' }, ` ${t('sa.reminderSent')}`) : null)))
      : h('p', { id: 'sa-reminders' }, t('sa.noReminders')),
    reminders.map((r, i) => h('div', { class: 'row' },
      h('div', { class: 'field' },
        h('label', { for: `sa-reminder-${i}` }, t('sa.reminderN', { n: i + 1, zone })),
        h('input', { id: `sa-reminder-${i}`, type: 'datetime-local', value: r, onInput: (e: Event) => { reminders[i] = (e.target as HTMLInputElement).value; } })),
      h('div', { class: 'field' }, h('button', { type: 'button', class: 'small', onClick: () => { reminders.splice(i, 1); v.rerender(); focus(document.getElementById('sa-add-reminder')); } },
        t('sa.removeReminder', { n: i + 1 }))))),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'small', id: 'sa-add-reminder', onClick: () => {
      reminders.push('');
      v.rerender();
      focus(document.getElementById(`sa-reminder-${reminders.length - 1}`));
    } }, t('sa.addReminder'))),
    h('h3', null, t('sa.trusteesHeading')),
    h('p', null, t('sa.trusteesHelp')),
    info.manifest.trustees.map((x) => h('div', { class: 'field' },
      h('label', { for: `sa-trustee-${x.id}` }, t('sa.trusteeAddress', { name: x.name })),
      h('input', { id: `sa-trustee-${x.id}`, type: 'text', inputmode: 'email', spellcheck: 'false', class: 'wide', autocomplete: 'off', value: trustees[x.id] ?? '', onInput: (e: Event) => { trustees[x.id] = (e.target as HTMLInputElement).value; } }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'sa-save-settings', disabled: v.busy }, t('sa.saveSettings'))));
}
