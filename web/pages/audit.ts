// The audit-check page: /audit/:id (issue 11, point 9). A voter who audited a ballot in the booth gives
// this page, on another device, the audit file the booth saved. The page fetches the election's whole
// record and verifies it here with the verifier's modules (src/verify/voter-check.ts), then checks the
// file with the same module as `veche vote --check-audit` (src/verify/audit-file.ts): right election and
// key, a valid ballot, its tracking code, the ciphertexts exactly the revealed choices, never cast.
// Nothing is sent: the file is read in the page. A record that does not verify leaves no file to check
// (fail closed): an audit is only as good as the record it is checked against.
import { ballotsOnRecord, checkAuditFile, parseAuditFile, type AuditCheck } from '../../src/verify/audit-file.js';
import { checkElectionForVoter, type CheckedElection } from '../../src/verify/voter-check.js';
import { localizedManifest } from '../../src/manifest/localize.js';
import { api, ApiError, errorText } from '../lib/api.js';
import { choicesList } from '../lib/choices-list.js';
import { announce, focus, h, type Child } from '../lib/dom.js';
import { readFile } from '../lib/files.js';
import { currentLanguage, languageReady, t, tn } from '../lib/i18n.js';
import { errorBox, okBox, pathParts, rerender, setTitle, startPage, testElectionNotice, useLanguages } from '../lib/page.js';

const state = {
  electionId: pathParts()[1] ?? '',
  checking: true,
  /** The record as this page verified it: the only source of the election, its key and its ballots. */
  checked: null as CheckedElection | null,
  cast: new Set<string>(),
  refusal: '',
  noElection: false,
  fileName: '',
  /** What the last file gave: a parse error, or the audit module's verdict. */
  notAuditFile: '',
  result: null as AuditCheck | null,
};

async function load(): Promise<void> {
  await languageReady();
  announce(t('audit.checkingRecord'));
  try {
    const lines = await api.recordLines(state.electionId);
    state.checked = await checkElectionForVoter(lines);
    state.cast = ballotsOnRecord(lines);
    useLanguages(state.checked.manifest.languages);
    setTitle(state.checked.manifest.title);
  } catch (e) {
    state.noElection = e instanceof ApiError && e.status === 404;
    state.refusal = e instanceof Error ? errorText(e) : String(e);
  }
  state.checking = false;
  rerender();
  announce(state.checked ? tn('audit.recordChecked', state.checked.events) : state.noElection ? t('audit.noElection', { id: state.electionId }) : t('audit.recordRefused'));
}

async function takeFile(file: File | undefined): Promise<void> {
  if (!file || !state.checked) return;
  state.fileName = file.name;
  state.notAuditFile = '';
  state.result = null;
  try {
    const parsed = parseAuditFile(await readFile(file));
    state.result = checkAuditFile(parsed, state.checked, (code) => state.cast.has(code));
  } catch (e) {
    state.notAuditFile = (e as Error).message;
  }
  rerender();
  announce(state.notAuditFile ? t('audit.notAuditFile') : state.result?.ok ? t('audit.holds') : t('audit.failed'));
  focus(document.getElementById('audit-outcome'));
}

function render(): Child {
  const checked = state.checked;
  const manifest = checked ? localizedManifest(checked.manifest, currentLanguage()) : null;
  const id = encodeURIComponent(state.electionId);
  return [
    h('header', { class: 'election-head' },
      manifest ? h('p', { class: 'kicker' }, manifest.title) : null,
      testElectionNotice(manifest),
      h('h1', null, t('audit.title')),
      h('p', null, t('audit.intro'))),
    recordBlock(),
    checked ? fileBlock() : null,
    outcomeBlock(),
    h('p', null, h('a', { href: `/vote/${id}` }, t('audit.toBooth')), ' · ', h('a', { href: `/board/${id}` }, t('nav.board'))),
  ];
}

function recordBlock(): Child {
  if (state.checking) return h('p', { class: 'loading' }, t('audit.checkingRecord'));
  if (state.noElection) return errorBox(t('audit.noElection', { id: state.electionId }));
  if (!state.checked) {
    return h('div', { class: 'notice error', role: 'alert', id: 'record-refused' },
      h('p', null, t('audit.recordRefused')),
      h('p', null, t('audit.reason'), ' ', h('span', { id: 'refusal-reason' }, state.refusal)));
  }
  return [
    h('p', { class: 'notice ok', id: 'record-checked' }, tn('audit.recordChecked', state.checked.events)),
    h('div', { class: 'tracking', role: 'group', 'aria-labelledby': 'fingerprint-label' },
      h('p', { class: 'label', id: 'fingerprint-label' }, t('booth.fingerprint')),
      h('p', { class: 'code mono', id: 'fingerprint' }, state.checked.fingerprint)),
  ];
}

/** The file field, inside a box a file can also be dropped on. */
function fileBlock(): HTMLElement {
  const onDrop = (e: Event) => {
    const d = e as DragEvent;
    d.preventDefault();
    void takeFile(d.dataTransfer?.files[0]);
  };
  return h('section', { class: 'card' },
    h('div', { class: 'field tracking', id: 'drop-zone', onDragover: (e: Event) => e.preventDefault(), onDrop },
      h('label', { for: 'audit-file' }, t('audit.fileLabel')),
      h('p', { class: 'hint', id: 'audit-file-hint' }, t('audit.fileHint')),
      h('input', { id: 'audit-file', type: 'file', accept: '.json,application/json', 'aria-describedby': 'audit-file-hint', onChange: (e: Event) => void takeFile((e.target as HTMLInputElement).files?.[0]) })));
}

function outcomeBlock(): Child {
  const name = state.fileName ? h('p', { class: 'hint' }, t('audit.fileName', { file: state.fileName })) : null;
  if (state.notAuditFile) {
    return h('section', { class: 'card', id: 'audit-outcome', tabindex: '-1', 'data-outcome': 'not-audit-file' },
      errorBox(t('audit.notAuditFile')), h('p', { class: 'hint', id: 'audit-reason' }, state.notAuditFile), name);
  }
  const r = state.result;
  if (!r) return null;
  if (!r.ok) {
    return h('section', { class: 'card', id: 'audit-outcome', tabindex: '-1', 'data-outcome': 'failed' },
      errorBox(t('audit.failed')), h('p', { id: 'audit-reason' }, r.reason), name);
  }
  const questions = localizedManifest(state.checked!.manifest, currentLanguage()).questions;
  return h('section', { class: 'card', id: 'audit-outcome', tabindex: '-1', 'data-outcome': 'holds' },
    okBox(t('audit.holds')),
    h('div', { class: 'tracking' },
      h('p', { class: 'label' }, t('booth.trackingCode')),
      h('p', { class: 'code mono', id: 'audit-tracking-code' }, r.trackingCode)),
    h('p', null, t('booth.auditContains')),
    choicesList(questions, r.choices),
    name);
}

startPage({ titleKey: 'audit.title', render });
void load();
