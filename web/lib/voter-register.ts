// The admin page's voter sign-in register (spec §6.3), for an election whose manifest signs voters in:
// how many voters it holds and how many are bound to a credential, and a CSV file (voter,email) to
// upload in its place. The server checks the file line by line; a refused one changes nothing.
import type { ElectionInfo } from './api.js';
import { h, type Child } from './dom.js';
import { textFileField } from './files.js';
import { t, tn } from './i18n.js';

export interface RegisterStatus { voters: number; bound: number }

export interface RegisterView {
  info: ElectionInfo;
  status: RegisterStatus | null;
  busy: boolean;
  onFile(text: string): void;
}

export function registerCard(v: RegisterView): Child {
  if (!v.info.manifest.voterAuthentication) return null;
  const s = v.status;
  return h('section', { class: 'card', 'aria-labelledby': 'register-heading', id: 'register' },
    h('h2', { id: 'register-heading' }, t('register.heading')),
    h('p', null, t('register.help')),
    h('p', { id: 'register-status' }, s === null ? t('register.unknown') : s.voters === 0 ? t('register.empty') : `${tn('register.voters', s.voters)} ${tn('register.bound', s.bound)}`),
    textFileField({ id: 'register-file', label: t('register.file'), hint: t('register.fileHint'), accept: '.csv,text/csv,text/plain', disabled: v.busy }, (text) => v.onFile(text)));
}
