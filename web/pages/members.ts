// An organisation's members, for its admins: /members. Invite an address with a role (the account is
// made now; it signs in by OpenID Connect with that verified address, or by a password set through a
// one-time link shown here once), change a role, remove a member (after a confirm step), and read the
// organisation's audit log.
import { ApiError, errorText } from '../lib/api.js';
import { accountCall, currentSession, type AuditEntry, type Member } from '../lib/account-api.js';
import { byId, focus, h, type Child } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorBox, okBox, rerender, runAction, startPage } from '../lib/page.js';

const ROLES = ['admin', 'authority', 'trustee', 'observer'] as const;

const state = {
  signedIn: null as boolean | null,
  orgs: [] as { id: string; name: string; role: string }[],
  org: '',
  members: null as Member[] | null,
  audit: null as AuditEntry[] | null,
  link: '',
  removing: '',
  error: '',
  message: '',
  messageOk: true,
  busy: false,
};

const orgPath = () => `/api/organisations/${encodeURIComponent(state.org)}`;

async function load(): Promise<void> {
  try {
    if (state.signedIn === null) {
      const s = await currentSession();
      state.signedIn = s !== null;
      if (!s) { rerender(); return; }
      state.orgs = (await accountCall<{ id: string; name: string; role: string }[]>('GET', '/api/organisations')).filter((o) => o.role === 'admin' || o.role === 'operator');
      state.org = state.orgs[0]?.id ?? '';
    }
    if (state.org) {
      state.members = await accountCall<Member[]>('GET', `${orgPath()}/members`);
      state.audit = (await accountCall<AuditEntry[]>('GET', `${orgPath()}/audit`)).slice(-50).reverse();
    }
    state.error = '';
  } catch (e) {
    state.error = errorText(e);
  }
  rerender();
}

const act = (run: () => Promise<string>) => runAction(state, run, load, (e) => (e instanceof ApiError && e.status === 401 ? t('members.signedOut') : errorText(e)));

const invite = (e: Event) => {
  e.preventDefault();
  const email = byId<HTMLInputElement>('invite-email').value.trim();
  const role = byId<HTMLSelectElement>('invite-role').value;
  const passwordLink = byId<HTMLInputElement>('invite-link').checked;
  void act(async () => {
    const r = await accountCall<{ email: string; passwordLink?: string }>('POST', `${orgPath()}/members`, { email, role, ...(passwordLink ? { passwordLink: true } : {}) });
    state.link = r.passwordLink ?? '';
    return t('members.invited', { email: r.email });
  });
};

const setRole = (m: Member, role: string) => act(async () => {
  await accountCall('POST', `${orgPath()}/members`, { email: m.email, role });
  return t('members.roleChanged', { email: m.email });
});

const remove = (m: Member) => act(async () => {
  state.removing = '';
  await accountCall('DELETE', `${orgPath()}/members/${encodeURIComponent(m.account)}`);
  return t('members.removed', { email: m.email });
});

const roleLabel = (r: string) => t(`members.role.${r}`);

function render(): Child {
  if (state.signedIn === false) return [h('h1', null, t('members.title')), h('p', null, h('a', { href: '/login' }, t('members.signIn')))];
  const message = h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null);
  return [
    h('h1', null, t('members.title')),
    h('div', { class: 'actions admin-nav' }, h('a', { class: 'button', href: '/admin/' }, t('nav.admin'))),
    message,
    state.error ? errorBox(state.error) : null,
    state.orgs.length > 1
      ? h('div', { class: 'field' }, h('label', { for: 'org' }, t('members.organisation')),
          h('select', { id: 'org', onChange: (e: Event) => { state.org = (e.target as HTMLSelectElement).value; state.link = ''; void load(); } },
            state.orgs.map((o) => h('option', { value: o.id, ...(o.id === state.org ? { selected: true } : {}) }, o.name))))
      : state.orgs.length === 1 ? h('p', null, t('members.organisationIs', { name: state.orgs[0]!.name })) : h('p', null, t('members.noOrganisation')),
    state.org ? h('section', { class: 'card', 'aria-labelledby': 'members-heading' },
      h('h2', { id: 'members-heading' }, t('members.list')),
      state.members === null ? h('p', { class: 'loading' }, t('page.loading')) : h('table', null,
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('members.email')), h('th', { scope: 'col' }, t('members.roleHeading')), h('th', { scope: 'col' }, t('members.actions')))),
        h('tbody', null, state.members.map((m, i) => h('tr', null,
          h('td', null, m.email),
          h('td', null, h('label', { for: `role-${i}`, class: 'visually-hidden' }, t('members.roleOf', { email: m.email })),
            h('select', { id: `role-${i}`, disabled: state.busy, onChange: (e: Event) => void setRole(m, (e.target as HTMLSelectElement).value) },
              ROLES.map((r) => h('option', { value: r, ...(r === m.role ? { selected: true } : {}) }, roleLabel(r))))),
          h('td', null, state.removing === m.account
            ? h('div', { class: 'actions', role: 'group', 'aria-label': t('members.confirmRemove', { email: m.email }) },
                h('span', null, t('members.confirmRemove', { email: m.email })),
                h('button', { type: 'button', class: 'danger', id: `confirm-remove-${i}`, onClick: () => void remove(m) }, t('members.remove')),
                h('button', { type: 'button', id: `cancel-remove-${i}`, onClick: () => { state.removing = ''; rerender(); focus(document.getElementById(`remove-${i}`)); } }, t('members.cancel')))
            : h('button', { type: 'button', id: `remove-${i}`, disabled: state.busy, onClick: () => { state.removing = m.account; rerender(); focus(document.getElementById(`cancel-remove-${i}`)); } }, t('members.remove')))))))) : null,
    state.org ? h('section', { class: 'card', 'aria-labelledby': 'invite-heading' },
      h('h2', { id: 'invite-heading' }, t('members.invite')),
      h('p', null, t('members.inviteHelp')),
      h('form', { onSubmit: invite },
        h('div', { class: 'field' }, h('label', { for: 'invite-email' }, t('members.email')), h('input', { id: 'invite-email', type: 'email', required: true, autocomplete: 'off' })),
        h('div', { class: 'field' }, h('label', { for: 'invite-role' }, t('members.roleHeading')), h('select', { id: 'invite-role' }, ROLES.map((r) => h('option', { value: r }, roleLabel(r))))),
        h('div', { class: 'field check' }, h('input', { id: 'invite-link', type: 'checkbox' }), h('label', { for: 'invite-link' }, t('members.passwordLink'))),
        h('button', { type: 'submit', class: 'primary', id: 'invite', disabled: state.busy }, t('members.inviteButton'))),
      state.link ? h('div', { class: 'field' },
        h('label', { for: 'password-link' }, t('members.linkLabel')),
        h('p', { class: 'hint', id: 'password-link-hint' }, t('members.linkHint')),
        h('input', { id: 'password-link', type: 'text', readonly: true, class: 'mono wide', 'aria-describedby': 'password-link-hint', value: state.link })) : null) : null,
    state.org && state.audit ? h('section', { class: 'card', 'aria-labelledby': 'audit-heading' },
      h('h2', { id: 'audit-heading' }, t('members.audit')),
      state.audit.length === 0 ? h('p', null, t('members.auditEmpty')) : h('table', null,
        h('thead', null, h('tr', null, ['members.auditWhen', 'members.auditWho', 'members.auditWhat', 'members.auditOutcome'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, state.audit.map((a) => h('tr', null,
          h('td', null, new Date(a.at).toLocaleString()), h('td', null, a.actor), h('td', null, a.action, a.target ? ` (${a.target})` : ''), h('td', null, String(a.status))))))) : null,
  ];
}

startPage({ titleKey: 'members.title', render });
void load();
