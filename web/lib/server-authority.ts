// The trust warning of an election whose server is its own credential authority (spec §6.5): the
// manifest says so (credentialAuthority.operatedBy "server", part of the election hash), and the booth
// and the results page say what it means before anything else.
import { h, type Child } from './dom.js';
import { t } from './i18n.js';

export function serverAuthorityNotice(manifest: { credentialAuthority?: { operatedBy?: string } } | null | undefined): Child {
  return manifest?.credentialAuthority?.operatedBy === 'server'
    ? h('p', { class: 'notice warning server-authority', id: 'server-authority', role: 'note' }, t('page.serverAuthority'))
    : null;
}
