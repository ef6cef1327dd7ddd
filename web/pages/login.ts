// Signing in: /login. OpenID Connect (the server-wide provider, or an organisation's own) and a local
// password; #set=<link> sets a password from a one-time link an admin handed out; #error=<code> is
// what the OpenID Connect callback sends back when it refuses a login.
import { ApiError, errorText } from '../lib/api.js';
import { accountCall, currentSession, logout, type SessionInfo } from '../lib/account-api.js';
import { byId, focus, h, type Child } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorBox, okBox, rerender, startPage, takeFragmentParam } from '../lib/page.js';

const state = {
  methods: null as { oidc: boolean; organisations: { id: string; name: string }[] } | null,
  session: null as SessionInfo | null,
  link: null as string | null,
  error: '',
  message: '',
  busy: false,
};

const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
const callbackError = fragment.get('error');
if (callbackError) state.error = callbackError === 'no-account' ? t('login.noAccount') : t('login.oidcRefused');
state.link = takeFragmentParam('set');

async function signIn(e: Event): Promise<void> {
  e.preventDefault();
  if (state.busy) return;
  state.busy = true;
  try {
    await accountCall('POST', '/api/login/password', { email: byId<HTMLInputElement>('login-email').value.trim(), password: byId<HTMLInputElement>('login-password').value });
    location.assign('/admin/');
    return;
  } catch (err) {
    state.error = err instanceof ApiError && err.status === 401 ? t('login.wrongPassword') : err instanceof ApiError && err.status === 429 ? t('login.tooMany') : errorText(err);
  }
  state.busy = false;
  rerender();
  focus(document.getElementById('login-error'));
}

async function setPassword(e: Event): Promise<void> {
  e.preventDefault();
  const a = byId<HTMLInputElement>('new-password').value;
  const b = byId<HTMLInputElement>('new-password-again').value;
  if (a !== b) { state.error = t('login.passwordsDiffer'); rerender(); focus(document.getElementById('login-error')); return; }
  try {
    const r = await accountCall<{ email: string }>('POST', '/api/password', { link: state.link, password: a });
    state.link = null;
    state.error = '';
    state.message = t('login.passwordSet', { email: r.email });
  } catch (err) {
    state.error = errorText(err);
  }
  rerender();
  focus(document.getElementById(state.error ? 'login-error' : 'login-message'));
}

function render(): Child {
  const notices = [
    state.error ? h('div', { id: 'login-error', tabindex: '-1' }, errorBox(state.error)) : null,
    state.message ? h('div', { id: 'login-message', tabindex: '-1' }, okBox(state.message)) : null,
  ];
  if (state.link) {
    return [h('h1', null, t('login.setHeading')), notices,
      h('section', { class: 'card' },
        h('p', null, t('login.setHelp')),
        h('form', { onSubmit: (e: Event) => void setPassword(e) },
          h('div', { class: 'field' }, h('label', { for: 'new-password' }, t('login.newPassword')), h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', minlength: 12, required: true })),
          h('div', { class: 'field' }, h('label', { for: 'new-password-again' }, t('login.newPasswordAgain')), h('input', { id: 'new-password-again', type: 'password', autocomplete: 'new-password', minlength: 12, required: true })),
          h('button', { type: 'submit', class: 'primary', id: 'set-password' }, t('login.setButton'))))];
  }
  if (state.session?.email) {
    return [h('h1', null, t('login.heading')), notices,
      h('section', { class: 'card' },
        h('p', null, t('login.signedInAs', { email: state.session.email })),
        h('div', { class: 'actions' },
          h('a', { class: 'button primary', href: '/admin/' }, t('nav.admin')),
          h('a', { class: 'button', href: '/members' }, t('members.title')),
          h('button', { type: 'button', id: 'sign-out', onClick: async () => { await logout().catch(() => undefined); state.session = null; rerender(); } }, t('admin.signOut'))))];
  }
  const m = state.methods;
  return [h('h1', null, t('login.heading')), notices,
    m && (m.oidc || m.organisations.length > 0)
      ? h('section', { class: 'card', 'aria-labelledby': 'oidc-heading' },
          h('h2', { id: 'oidc-heading' }, t('login.oidcHeading')),
          h('div', { class: 'actions' },
            m.oidc ? h('a', { class: 'button primary', id: 'oidc-login', href: '/login/oidc' }, t('login.oidcButton')) : null,
            m.organisations.map((o) => h('a', { class: 'button', href: `/login/oidc?org=${encodeURIComponent(o.id)}` }, t('login.oidcOrgButton', { name: o.name })))))
      : null,
    h('section', { class: 'card', 'aria-labelledby': 'password-heading' },
      h('h2', { id: 'password-heading' }, t('login.passwordHeading')),
      h('form', { onSubmit: (e: Event) => void signIn(e) },
        h('div', { class: 'field' }, h('label', { for: 'login-email' }, t('login.email')), h('input', { id: 'login-email', type: 'email', autocomplete: 'username', required: true })),
        h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), h('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true })),
        h('button', { type: 'submit', class: 'primary', id: 'password-login', disabled: state.busy }, t('login.button')))),
    h('p', null, h('a', { href: '/admin/' }, t('login.tokenInstead'))),
  ];
}

startPage({ titleKey: 'login.title', render });
Promise.all([accountCall<typeof state.methods>('GET', '/api/login/methods'), currentSession()]).then(
  ([methods, session]) => { state.methods = methods; state.session = session; rerender(); },
  (e) => { state.error = errorText(e); rerender(); },
);
