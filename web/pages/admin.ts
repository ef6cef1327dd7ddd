// The administrator's pages: /admin/ (#new: create an election; #e/<id>: manage one).
// The voters' credentials are made here, in the admin's browser: the private list is downloaded for
// printing or mail merge, and only the public keys with weights are sent to the board.
import { issueCredentials, type IssuedCredential } from '../../src/credentials/credentials.js';
import { ManifestError, validateManifest } from '../../src/manifest/validate.js';
import { VERDICTS, type Manifest, type Question, type Verdict } from '../../src/manifest/types.js';
import type { CredentialEntry } from '../../src/record/events.js';
import { weightExposure, type WeightExposure } from '../../src/verify/weights.js';
import { api, ApiError, errorText, type ElectionInfo, type ElectionSummary } from '../lib/api.js';
import { announce, byId, focus, h, nextPaint, type Child } from '../lib/dom.js';
import { download, parseCsv, safeName, toCsv } from '../lib/files.js';
import { availableLanguages, languageName, t, tn } from '../lib/i18n.js';
import { errorBox, infoBox, okBox, rerender, runAction, sayStatus, startPage } from '../lib/page.js';
import { phaseBadge } from '../lib/phase.js';
import { verdictLabel } from '../lib/questions.js';

const TOKEN_KEY = 'veche-admin-token';
const linksKey = (id: string) => `veche-admin-trustee-tokens:${id}`;

function session(key: string, value?: string | null): string | null {
  try {
    if (value === undefined) return sessionStorage.getItem(key);
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch { /* storage off: this page still works until it is closed */ }
  return value ?? null;
}

// ---- the draft election -----------------------------------------------------------------------------

type QType = Question['type'];
interface DraftQuestion {
  type: QType;
  title: string;
  items: string;
  allowBlank: boolean;
  absoluteMajority: boolean;
  min: string;
  max: string;
  winners: string;
  verdictDefault: Verdict;
  quorumNum: string;
  quorumDen: string;
  threshold: 'simple' | 'two-thirds' | 'custom';
  thresholdNum: string;
  thresholdDen: string;
  strict: boolean;
}
interface Draft {
  id: string;
  title: string;
  description: string;
  languages: string[];
  questions: DraftQuestion[];
  trustees: string;
  threshold: string;
  opens: string;
  closes: string;
}

const newQuestion = (type: QType): DraftQuestion => ({
  type, title: '', items: '', allowBlank: false, absoluteMajority: false, min: '0', max: '1', winners: '1',
  verdictDefault: 'no-consequences', quorumNum: '1', quorumDen: '2', threshold: 'simple', thresholdNum: '1', thresholdDen: '2', strict: true,
});
const newDraft = (): Draft => ({ id: '', title: '', description: '', languages: availableLanguages(), questions: [newQuestion('choice')], trustees: '', threshold: '2', opens: '', closes: '' });

/** An id from a label: ASCII letters and digits; `fallback` when nothing is left (e.g. Cyrillic) or it is taken. */
function slug(label: string, fallback: string, taken: Set<string>, max = 40): string {
  let s = label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');
  if (!s || taken.has(s)) s = fallback;
  let n = 2;
  const base = s;
  while (taken.has(s)) s = `${base}-${n++}`;
  taken.add(s);
  return s;
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter(Boolean);
const int = (s: string): number => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN);

function options(text: string, prefix: string) {
  const taken = new Set<string>();
  return lines(text).map((label, i) => ({ id: slug(label, `${prefix}${i + 1}`, taken), label }));
}

function toManifest(d: Draft): Manifest {
  const qTaken = new Set<string>();
  const questions: Question[] = d.questions.map((q, i) => {
    const id = slug(q.title, `q${i + 1}`, qTaken, 32);
    switch (q.type) {
      case 'choice':
        return { type: 'choice', id, title: q.title.trim(), candidates: options(q.items, 'c'), allowBlank: q.allowBlank, absoluteMajority: q.absoluteMajority };
      case 'approval':
        return { type: 'approval', id, title: q.title.trim(), options: options(q.items, 'o'), min: int(q.min), max: int(q.max), winners: int(q.winners) };
      case 'verdict':
        return { type: 'verdict', id, title: q.title.trim(), officeHolders: options(q.items, 'h'), default: q.verdictDefault };
      case 'motion': {
        const threshold = q.threshold === 'simple' ? { num: 1, den: 2, strict: true } : q.threshold === 'two-thirds' ? { num: 2, den: 3, strict: false } : { num: int(q.thresholdNum), den: int(q.thresholdDen), strict: q.strict };
        return { type: 'motion', id, title: q.title.trim(), quorum: { num: int(q.quorumNum), den: int(q.quorumDen) }, threshold: { num: threshold.num, den: threshold.den }, strict: threshold.strict };
      }
    }
  });
  const trustees = lines(d.trustees).map((name, i) => ({ id: `t${i + 1}`, name }));
  const manifest: Manifest = {
    version: 'veche/manifest/v1',
    id: d.id.trim() || slug(d.title, `election-${Date.now().toString(36)}`, new Set(), 48),
    title: d.title.trim(),
    description: d.description.trim(),
    languages: d.languages,
    questions,
    trustees,
    threshold: int(d.threshold),
  };
  if (d.opens) manifest.opens = new Date(d.opens).toISOString();
  if (d.closes) manifest.closes = new Date(d.closes).toISOString();
  return manifest;
}

// ---- state ------------------------------------------------------------------------------------------

interface CredentialWork {
  voters: { id: string; weight: number }[] | null;
  problems: string[];
  issued: { private: IssuedCredential[]; public: CredentialEntry[] } | null;
  downloaded: boolean;
  /** What the weights let anyone compute from the counts (src/verify/weights.ts), keyed by voter id. */
  exposure: WeightExposure | null;
}
const newCredentialWork = (): CredentialWork => ({ voters: null, problems: [], issued: null, downloaded: false, exposure: null });

const state = {
  token: session(TOKEN_KEY) ?? '',
  loginError: '',
  elections: null as ElectionSummary[] | null,
  draft: newDraft(),
  draftErrors: [] as string[],
  info: null as ElectionInfo | null,
  error: '',
  message: '',
  messageOk: true,
  busy: false,
  cred: newCredentialWork(),
};

type Route = { view: 'home' } | { view: 'new' } | { view: 'election'; id: string };
function route(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  if (hash === 'new') return { view: 'new' };
  const m = /^e\/([a-z0-9-]{1,64})$/.exec(hash);
  return m ? { view: 'election', id: m[1]! } : { view: 'home' };
}

// ---- loading and actions ------------------------------------------------------------------------------

async function load(quiet = false): Promise<void> {
  const r = route();
  const before = JSON.stringify([state.elections, state.info]);
  try {
    if (r.view === 'home') state.elections = await api.elections();
    if (r.view === 'election') state.info = await api.election(r.id);
    state.error = '';
  } catch (e) {
    state.error = e instanceof ApiError && e.status === 404 && r.view === 'election' ? t('admin.noElection', { id: r.id }) : errorText(e);
  }
  if (!quiet || JSON.stringify([state.elections, state.info]) !== before) rerender();
}

const say = (message: string, ok: boolean, focusId = 'message') => sayStatus(state, message, ok, focusId);

/** Runs one action; a rejected token signs the admin out. */
const act = (run: () => Promise<string>) => runAction(state, run, () => load(true), (e) => {
  if (e instanceof ApiError && e.status === 401) {
    signOut();
    state.loginError = t('admin.tokenRejected');
  }
  return errorText(e);
});

async function signIn(token: string): Promise<void> {
  try {
    const res = await fetch('/api/auth', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    const who = (await res.json().catch(() => null)) as { role?: string } | null;
    if (!res.ok || who?.role !== 'admin') throw new Error(t('admin.tokenRejected'));
  } catch (e) {
    state.loginError = e instanceof TypeError ? t('error.network') : (e as Error).message;
    rerender();
    focus(document.getElementById('admin-token'));
    return;
  }
  state.token = token;
  state.loginError = '';
  session(TOKEN_KEY, token);
  await load();
  focus(document.querySelector('h1'));
}

function signOut(): void {
  state.token = '';
  session(TOKEN_KEY, null);
  rerender();
}

async function createElection(): Promise<void> {
  let manifest: Manifest;
  try {
    manifest = validateManifest(toManifest(state.draft));
  } catch (e) {
    state.draftErrors = e instanceof ManifestError ? [...e.errors] : [errorText(e)];
    rerender();
    focus(document.getElementById('draft-errors'));
    return;
  }
  state.draftErrors = [];
  await act(async () => {
    const created = await api.createElection(state.token, manifest);
    session(linksKey(created.id), JSON.stringify(created.trusteeTokens));
    state.draft = newDraft();
    state.info = null;
    state.cred = newCredentialWork();
    history.pushState(null, '', `#e/${created.id}`); // no hashchange: the message below must stay
    return t('admin.created', { id: created.id });
  });
}

// ---- credentials --------------------------------------------------------------------------------------

function readVoters(text: string): void {
  const cred = state.cred;
  cred.problems = [];
  cred.voters = null;
  cred.issued = null;
  cred.downloaded = false;
  cred.exposure = null;
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (e) {
    cred.problems = [errorText(e)];
    return;
  }
  const voters: { id: string; weight: number }[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const id = (row[0] ?? '').trim();
    const weightText = (row[1] ?? '').trim();
    if (!id && !weightText && row.length <= 2) return; // empty line
    // A first line naming the columns is a header.
    if (i === 0 && (/^(voter|id|name|email|e-mail|избиратель|имя)$/i.test(id) || (weightText !== '' && !/^\d+$/.test(weightText)))) return;
    const line = i + 1;
    if (!id) { cred.problems.push(t('admin.csvNoVoter', { line })); return; }
    const weight = weightText === '' ? 1 : /^\d+$/.test(weightText) ? Number(weightText) : NaN;
    if (!Number.isSafeInteger(weight) || weight < 1 || weight > 1_000_000) { cred.problems.push(t('admin.csvBadWeight', { line, weight: weightText })); return; }
    if (seen.has(id)) { cred.problems.push(t('admin.csvDuplicate', { line, voter: id })); return; }
    seen.add(id);
    voters.push({ id, weight });
  });
  if (voters.length === 0 && cred.problems.length === 0) cred.problems.push(t('admin.csvEmpty'));
  if (cred.problems.length === 0) {
    cred.voters = voters;
    cred.exposure = weightExposure(voters.map((v) => ({ key: v.id, weight: v.weight })));
  }
}

const exposes = (x: WeightExposure | null): x is WeightExposure => !!x && (x.always.length > 0 || x.some.length > 0 || x.majority !== null);

/** The weights' warning, shown from reading the list until it is published (text only, through h()). */
function renderWeightsWarning(x: WeightExposure | null): Child {
  if (!exposes(x)) return null;
  const MAX = 20;
  const reasons = [...x.always, ...x.some].map((c) => {
    const p = { voter: c.key, weight: c.weight };
    switch (c.rule) {
      case 'chain': return t('admin.weightsChain', p);
      case 'remainder': return t('admin.weightsRemainder', { ...p, modulus: c.modulus ?? 0 });
      case 'exact': return t('admin.weightsExact', p);
      case 'alone': return t('admin.weightsAlone', p);
    }
  });
  return h('div', { class: 'notice error', id: 'weights-warning' },
    h('p', null, t('admin.weightsWarning')),
    x.always.length + x.some.length > 0 ? h('p', null, t('admin.weightsExposed', { always: x.always.length, some: x.some.length, n: x.credentials })) : null,
    x.superIncreasing ? h('p', null, t('admin.weightsSuperIncreasing')) : null,
    x.majority ? h('p', null, t('admin.weightsMajority', { voter: x.majority.key, weight: x.majority.weight, total: x.totalWeight })) : null,
    reasons.length ? h('ul', null, reasons.slice(0, MAX).map((r) => h('li', null, r)), reasons.length > MAX ? h('li', null, t('admin.weightsMore', { n: reasons.length - MAX })) : null) : null,
    h('p', null, t('admin.weightsAdvice')));
}

async function generateCredentials(): Promise<void> {
  const info = state.info!;
  const voters = state.cred.voters!;
  state.busy = true;
  say(t('admin.generating', { n: voters.length }), true);
  await nextPaint();
  try {
    state.cred.issued = issueCredentials(info.electionHash, voters);
    state.busy = false;
    say(tn('admin.generated', voters.length), true, 'download-credentials');
  } catch (e) {
    state.busy = false;
    say(errorText(e), false);
  }
}

function downloadCredentials(): void {
  const info = state.info!;
  const issued = state.cred.issued!;
  const link = (c: IssuedCredential) => `${location.origin}/vote/${encodeURIComponent(info.id)}#credential=${c.credential}`;
  download(`veche-credentials-${safeName(info.id)}-PRIVATE.csv`, toCsv([['voter', 'weight', 'credential', 'link'], ...issued.private.map((c) => [c.voter, c.weight, c.credential, link(c)])]), 'text/csv');
  state.cred.downloaded = true;
  rerender();
  announce(t('admin.downloadedCredentials'));
}

const publishCredentials = () => act(async () => {
  const issued = state.cred.issued!;
  await api.publishCredentials(state.token, state.info!.id, issued.public);
  const n = issued.public.length;
  // The private list is not kept: the downloaded file is its only copy.
  state.cred = newCredentialWork();
  return tn('admin.published', n);
});

const newTrusteeLink = (trustee: { id: string; name: string }) => act(async () => {
  const id = state.info!.id;
  const { token } = await api.newTrusteeToken(state.token, id, trustee.id);
  const tokens = JSON.parse(session(linksKey(id)) ?? '{}') as Record<string, string>;
  session(linksKey(id), JSON.stringify({ ...tokens, [trustee.id]: token }));
  return t('admin.newLinkDone', { name: trustee.name });
});

const phaseAction = (action: 'open' | 'close' | 'tally' | 'result') => act(async () => {
  await api.adminAction(state.token, state.info!.id, action);
  return t(`admin.done.${action}`);
});

// ---- rendering ----------------------------------------------------------------------------------------

function render(): Child {
  if (!state.token) return renderLogin();
  const r = route();
  const bar = h('div', { class: 'actions admin-nav' },
    h('a', { class: 'button', href: '#' }, t('admin.elections')),
    h('a', { class: 'button', href: '#new' }, t('admin.new')),
    h('button', { type: 'button', onClick: signOut }, t('admin.signOut')));
  const message = h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null);
  if (r.view === 'new') return [h('h1', null, t('admin.newHeading')), bar, message, renderDraft()];
  if (r.view === 'election') return renderElection(bar, message);
  return [
    h('h1', null, t('admin.title')), bar, message,
    state.error ? errorBox(state.error) : null,
    h('section', { class: 'card' },
      h('h2', null, t('admin.elections')),
      state.elections === null ? h('p', { class: 'loading' }, t('page.loading'))
        : state.elections.length === 0 ? h('p', null, t('index.none'))
        : h('ul', { class: 'elections' }, state.elections.map((e) => h('li', null,
            h('a', { href: `#e/${e.id}` }, e.title), ' ', phaseBadge(e.phase), ' ', h('span', { class: 'hint' }, `${e.id} · ${tn('index.ballots', e.ballots)}`))))),
  ];
}

function renderLogin(): Child {
  return [
    h('h1', null, t('admin.title')),
    h('section', { class: 'card' },
      h('h2', null, t('admin.signIn')),
      h('p', null, t('admin.tokenHelp')),
      h('form', { onSubmit: (e: Event) => { e.preventDefault(); void signIn(byId<HTMLInputElement>('admin-token').value.trim()); } },
        h('div', { class: 'field' },
          h('label', { for: 'admin-token' }, t('admin.tokenLabel')),
          state.loginError ? h('p', { class: 'field-error', id: 'admin-token-error' }, state.loginError) : null,
          h('input', { id: 'admin-token', type: 'password', class: 'mono wide', autocomplete: 'current-password', required: true, 'aria-invalid': state.loginError ? 'true' : null, 'aria-describedby': state.loginError ? 'admin-token-error' : null })),
        h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, t('admin.signInButton')))),
  ];
}

/** A labelled text field bound to a draft property. */
function textField(id: string, label: string, value: string, set: (v: string) => void, attrs: Record<string, string | number | boolean> = {}, hint?: string): HTMLElement {
  const input = h(attrs.multiline ? 'textarea' : 'input', {
    id, ...(attrs.multiline ? { rows: String(attrs.rows ?? 4) } : { type: String(attrs.type ?? 'text') }),
    ...(hint ? { 'aria-describedby': `${id}-hint` } : {}), ...(attrs.min !== undefined ? { min: String(attrs.min) } : {}),
    ...(attrs.required ? { required: true } : {}), ...(attrs.wide ? { class: 'wide' } : {}),
    onInput: (e: Event) => set((e.target as HTMLInputElement).value),
  });
  (input as HTMLInputElement).value = value;
  return h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, input);
}

function checkField(id: string, label: string, checked: boolean, set: (v: boolean) => void): HTMLElement {
  return h('div', { class: 'field check' }, h('input', { id, type: 'checkbox', checked, onChange: (e: Event) => set((e.target as HTMLInputElement).checked) }), h('label', { for: id }, label));
}

function selectField<T extends string>(id: string, label: string, value: T, choices: [T, string][], set: (v: T) => void, rerenderOnChange = false): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, onChange: (e: Event) => { set((e.target as HTMLSelectElement).value as T); if (rerenderOnChange) rerender(); } },
      choices.map(([v, text]) => h('option', { value: v, ...(v === value ? { selected: true } : {}) }, text))));
}

function renderQuestionDraft(q: DraftQuestion, i: number): HTMLElement {
  const p = `q${i}`;
  const itemsLabel = q.type === 'choice' ? t('admin.candidates') : q.type === 'approval' ? t('admin.options') : t('admin.officeHolders');
  const fields: Child[] = [
    selectField(`${p}-type`, t('admin.questionType'), q.type, (['choice', 'approval', 'verdict', 'motion'] as QType[]).map((x) => [x, t(`qtype.${x}`)]), (v) => { q.type = v; }, true),
    textField(`${p}-title`, t('admin.questionTitle'), q.title, (v) => { q.title = v; }, { wide: true, required: true }),
  ];
  if (q.type !== 'motion') fields.push(textField(`${p}-items`, itemsLabel, q.items, (v) => { q.items = v; }, { multiline: true, rows: 4 }, t('admin.onePerLine')));
  if (q.type === 'choice') {
    fields.push(checkField(`${p}-blank`, t('admin.allowBlank'), q.allowBlank, (v) => { q.allowBlank = v; }));
    fields.push(checkField(`${p}-majority`, t('admin.absoluteMajority'), q.absoluteMajority, (v) => { q.absoluteMajority = v; }));
  }
  if (q.type === 'approval') {
    fields.push(h('div', { class: 'row' },
      textField(`${p}-min`, t('admin.min'), q.min, (v) => { q.min = v; }, { type: 'number', min: 0 }),
      textField(`${p}-max`, t('admin.max'), q.max, (v) => { q.max = v; }, { type: 'number', min: 1 }),
      textField(`${p}-winners`, t('admin.winners'), q.winners, (v) => { q.winners = v; }, { type: 'number', min: 1 })));
  }
  if (q.type === 'verdict') {
    fields.push(selectField(`${p}-default`, t('admin.verdictDefault'), q.verdictDefault, VERDICTS.map((v) => [v, verdictLabel(v)]), (v) => { q.verdictDefault = v; }));
  }
  if (q.type === 'motion') {
    fields.push(h('fieldset', { class: 'subgroup' }, h('legend', null, t('admin.quorum')), h('p', { class: 'hint' }, t('admin.quorumHint')),
      h('div', { class: 'row' },
        textField(`${p}-qnum`, t('admin.numerator'), q.quorumNum, (v) => { q.quorumNum = v; }, { type: 'number', min: 0 }),
        textField(`${p}-qden`, t('admin.denominator'), q.quorumDen, (v) => { q.quorumDen = v; }, { type: 'number', min: 1 }))));
    fields.push(selectField(`${p}-threshold`, t('admin.threshold'), q.threshold, [['simple', t('admin.thresholdSimple')], ['two-thirds', t('admin.thresholdTwoThirds')], ['custom', t('admin.thresholdCustom')]], (v) => { q.threshold = v; }, true));
    if (q.threshold === 'custom') {
      fields.push(h('div', { class: 'row' },
        textField(`${p}-tnum`, t('admin.numerator'), q.thresholdNum, (v) => { q.thresholdNum = v; }, { type: 'number', min: 0 }),
        textField(`${p}-tden`, t('admin.denominator'), q.thresholdDen, (v) => { q.thresholdDen = v; }, { type: 'number', min: 1 })),
      checkField(`${p}-strict`, t('admin.strict'), q.strict, (v) => { q.strict = v; }));
    }
  }
  return h('fieldset', { class: 'card question-draft', id: `${p}` },
    h('legend', null, h('h3', null, t('admin.questionN', { n: i + 1, type: t(`qtype.${q.type}`) }))),
    fields,
    state.draft.questions.length > 1
      ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'small danger', id: `${p}-remove`, onClick: () => {
          state.draft.questions.splice(i, 1);
          rerender();
          focus(document.getElementById('add-question'));
          announce(t('admin.questionRemoved', { n: i + 1 }));
        } }, t('admin.removeQuestion', { n: i + 1 })))
      : null);
}

function renderDraft(): Child {
  const d = state.draft;
  const addType = { value: 'choice' as QType };
  return h('form', { id: 'new-election', novalidate: true, onSubmit: (e: Event) => { e.preventDefault(); void createElection(); } },
    state.draftErrors.length ? h('div', { class: 'notice error', role: 'alert', id: 'draft-errors', tabindex: '-1' },
      h('h2', null, tn('admin.draftProblems', state.draftErrors.length)), h('ul', null, state.draftErrors.map((x) => h('li', null, x)))) : null,
    h('section', { class: 'card' },
      h('h2', null, t('admin.about')),
      textField('e-title', t('admin.electionTitle'), d.title, (v) => { d.title = v; }, { wide: true, required: true }),
      textField('e-id', t('admin.electionId'), d.id, (v) => { d.id = v; }, {}, t('admin.electionIdHint')),
      textField('e-description', t('admin.description'), d.description, (v) => { d.description = v; }, { multiline: true, rows: 3 }),
      h('fieldset', { class: 'subgroup' }, h('legend', null, t('admin.languages')),
        availableLanguages().map((l) => checkField(`e-lang-${l}`, languageName(l), d.languages.includes(l), (on) => {
          d.languages = on ? [...new Set([...d.languages, l])] : d.languages.filter((x) => x !== l);
        }))),
      h('div', { class: 'row' },
        textField('e-opens', t('admin.opens'), d.opens, (v) => { d.opens = v; }, { type: 'datetime-local' }),
        textField('e-closes', t('admin.closes'), d.closes, (v) => { d.closes = v; }, { type: 'datetime-local' })),
      h('p', { class: 'hint' }, t('admin.periodHint'))),
    h('section', { class: 'card' },
      h('h2', null, t('admin.questions')),
      d.questions.map(renderQuestionDraft),
      h('div', { class: 'row' },
        selectField('add-type', t('admin.addType'), addType.value, (['choice', 'approval', 'verdict', 'motion'] as QType[]).map((x) => [x, t(`qtype.${x}`)]), (v) => { addType.value = v; }),
        h('div', { class: 'field' }, h('button', { type: 'button', id: 'add-question', onClick: () => {
          d.questions.push(newQuestion(byId<HTMLSelectElement>('add-type').value as QType));
          rerender();
          focus(document.getElementById(`q${d.questions.length - 1}-title`));
          announce(t('admin.questionAdded', { n: d.questions.length }));
        } }, t('admin.addQuestion'))))),
    h('section', { class: 'card' },
      h('h2', null, t('admin.trustees')),
      h('p', null, t('admin.trusteesHelp')),
      textField('e-trustees', t('admin.trusteeNames'), d.trustees, (v) => { d.trustees = v; }, { multiline: true, rows: 3 }, t('admin.onePerLine')),
      textField('e-threshold', t('admin.thresholdTrustees'), d.threshold, (v) => { d.threshold = v; }, { type: 'number', min: 1 }, t('admin.thresholdTrusteesHint'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'create', disabled: state.busy }, t('admin.create'))));
}

function copyButton(inputId: string, label: string, name: string): HTMLElement {
  return h('button', { type: 'button', class: 'small', onClick: async () => {
    const input = byId<HTMLInputElement>(inputId);
    input.select();
    try { await navigator.clipboard.writeText(input.value); announce(t('admin.copied')); } catch { announce(t('admin.selectToCopy')); }
  } }, label, h('span', { class: 'visually-hidden' }, `: ${name}`));
}

function renderElection(bar: HTMLElement, message: HTMLElement): Child {
  const info = state.info;
  if (!info || info.id !== (route() as { id: string }).id) return [h('h1', null, t('admin.title')), bar, message, state.error ? errorBox(state.error) : h('p', { class: 'loading' }, t('page.loading'))];
  const id = encodeURIComponent(info.id);
  const tokens = JSON.parse(session(linksKey(info.id)) ?? '{}') as Record<string, string>;
  const decrypted = info.trustees.filter((x) => x.decrypted).length;
  const mark = (v: boolean) => (v ? h('span', { class: 'yes' }, t('common.yes')) : h('span', { class: 'no' }, t('common.no')));
  const button = (bid: string, label: string, run: () => void, enabled: boolean) => h('button', { type: 'button', class: enabled ? 'primary' : '', id: bid, disabled: state.busy || !enabled, onClick: run }, label);
  const ceremonyDone = !!info.jointKey;
  return [
    h('p', { class: 'kicker' }, t('admin.title')),
    h('h1', null, info.manifest.title),
    bar, message,
    state.error ? errorBox(state.error) : null,
    h('section', { class: 'card' },
      h('h2', null, t('admin.overview')),
      h('dl', { class: 'facts' },
        h('dt', null, t('admin.electionId')), h('dd', { class: 'mono' }, info.id),
        h('dt', null, t('board.phase')), h('dd', { id: 'phase' }, phaseBadge(info.phase)),
        h('dt', null, t('board.electionHash')), h('dd', { class: 'mono' }, info.electionHash),
        h('dt', null, t('admin.voters')), h('dd', null, info.eligible ? t('admin.votersCount', { n: info.eligible, weight: info.eligibleWeight }) : t('admin.noVoters')),
        h('dt', null, t('board.ballots')), h('dd', { id: 'ballot-count' }, String(info.ballots))),
      h('p', null, h('a', { href: `/board/${id}` }, t('nav.board')), ' · ', h('a', { href: `/results/${id}` }, t('nav.results')), ' · ', h('span', null, t('admin.boothLink'), ' ', h('code', null, `${location.origin}/vote/${id}`)))),
    h('section', { class: 'card', 'aria-labelledby': 'trustees-heading' },
      h('h2', { id: 'trustees-heading' }, t('admin.trustees')),
      h('p', null, ceremonyDone ? t('admin.ceremonyDone') : t('admin.ceremonyPending', { threshold: info.manifest.threshold, n: info.trustees.length })),
      h('div', { class: 'table-wrap' }, h('table', null,
        h('caption', { class: 'visually-hidden' }, t('trustee.statusCaption')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('trustee.colTrustee')), h('th', { scope: 'col' }, t('trustee.colKey')), h('th', { scope: 'col' }, t('trustee.colShares')), h('th', { scope: 'col' }, t('trustee.colReady')), h('th', { scope: 'col' }, t('trustee.colDecrypted')),
          info.phase !== 'decrypted' ? h('th', { scope: 'col' }, t('admin.colLink')) : null)),
        h('tbody', null, info.trustees.map((x) => h('tr', null, h('th', { scope: 'row' }, x.name), h('td', null, mark(x.keyPublished)), h('td', null, mark(x.sharesSent)), h('td', null, mark(x.ready)), h('td', null, mark(x.decrypted)),
          info.phase !== 'decrypted' ? h('td', null, h('button', { type: 'button', class: 'small', disabled: state.busy, onClick: () => void newTrusteeLink(x) }, t('admin.newLink'), h('span', { class: 'visually-hidden' }, `: ${x.name}`))) : null))))),
      h('p', { class: 'hint' }, t('admin.newLinkHelp')),
      Object.keys(tokens).length
        ? [h('h3', null, t('admin.trusteeLinks')), h('p', { class: 'hint' }, t('admin.trusteeLinksHelp')),
           h('ul', { class: 'secret-links' }, info.trustees.filter((x) => tokens[x.id]).map((x) => {
             const inputId = `trustee-link-${x.id}`;
             return h('li', null, h('div', { class: 'field' },
               h('label', { for: inputId }, t('admin.linkFor', { name: x.name })),
               h('div', { class: 'row' }, h('input', { id: inputId, type: 'text', readonly: true, class: 'mono wide trustee-link', value: `${location.origin}/trustee/${id}/${encodeURIComponent(x.id)}#token=${tokens[x.id]}` }), copyButton(inputId, t('admin.copy'), x.name))));
           }))]
        : null),
    info.phase === 'setup' ? renderCredentials(info) : null,
    h('section', { class: 'card', 'aria-labelledby': 'poll-heading' },
      h('h2', { id: 'poll-heading' }, t('admin.poll')),
      h('p', null, t(`admin.phaseHelp.${info.phase}`)),
      info.phase === 'tallied' ? h('p', null, t('admin.decryptionProgress', { n: decrypted, threshold: info.manifest.threshold })) : null,
      h('div', { class: 'actions' },
        info.phase === 'setup' ? button('open-poll', t('admin.open'), () => void phaseAction('open'), ceremonyDone && info.eligible > 0) : null,
        info.phase === 'open' ? button('close-poll', t('admin.close'), () => void phaseAction('close'), true) : null,
        info.phase === 'closed' ? button('tally', t('admin.tally'), () => void phaseAction('tally'), true) : null,
        info.phase === 'tallied' ? button('publish-result', t('admin.publish'), () => void phaseAction('result'), decrypted >= info.manifest.threshold) : null,
        info.phase === 'decrypted' ? h('a', { class: 'button primary', href: `/results/${id}` }, t('nav.results')) : null,
        h('button', { type: 'button', id: 'refresh', disabled: state.busy, onClick: async () => { await load(); announce(t('common.refreshed')); } }, t('common.refresh')))),
  ];
}

function renderCredentials(info: ElectionInfo): Child {
  if (info.eligible > 0) return null;
  const cred = state.cred;
  return h('section', { class: 'card', 'aria-labelledby': 'voters-heading' },
    h('h2', { id: 'voters-heading' }, t('admin.votersHeading')),
    h('p', null, t('admin.votersHelp')),
    h('ol', { class: 'steps' },
      h('li', null,
        h('div', { class: 'field' },
          h('label', { for: 'voters-file' }, t('admin.csvFile')),
          h('p', { class: 'hint', id: 'voters-file-hint' }, t('admin.csvHint')),
          h('input', { id: 'voters-file', type: 'file', accept: '.csv,text/csv,text/plain', 'aria-describedby': 'voters-file-hint', disabled: state.busy, onChange: async (e: Event) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (!file) return;
            readVoters(await file.text());
            rerender();
            announce(cred.voters ? tn('admin.votersRead', cred.voters.length) + (exposes(cred.exposure) ? ` ${t('admin.weightsWarning')}` : '') : tn('admin.csvProblems', cred.problems.length));
          } })),
        cred.problems.length ? h('div', { class: 'notice error', role: 'alert' }, h('p', null, tn('admin.csvProblems', cred.problems.length)), h('ul', null, cred.problems.slice(0, 20).map((p) => h('li', null, p)))) : null,
        cred.voters ? h('p', { class: 'yes', id: 'voters-read' }, tn('admin.votersRead', cred.voters.length), ' ', t('admin.totalWeight', { weight: cred.voters.reduce((a, v) => a + v.weight, 0) })) : null,
        cred.voters ? renderWeightsWarning(cred.exposure) : null),
      h('li', null,
        h('p', null, t('admin.generateHelp')),
        h('button', { type: 'button', id: 'generate-credentials', class: cred.voters && !cred.issued ? 'primary' : '', disabled: state.busy || !cred.voters || !!cred.issued, onClick: () => void generateCredentials() }, t('admin.generate'))),
      h('li', null,
        h('p', null, t('admin.downloadHelp')),
        h('button', { type: 'button', id: 'download-credentials', class: cred.issued && !cred.downloaded ? 'primary' : '', disabled: !cred.issued, onClick: downloadCredentials }, t('admin.downloadCredentials')),
        cred.downloaded ? h('p', { class: 'yes' }, t('admin.downloadedCredentials')) : null),
      h('li', null,
        h('p', null, t('admin.publishHelp')),
        h('button', { type: 'button', id: 'publish-credentials', class: cred.downloaded ? 'primary' : '', disabled: state.busy || !cred.issued || !cred.downloaded, onClick: () => void publishCredentials() }, t('admin.publishCredentials')))),
    infoBox(t('admin.credentialsFinal')));
}

window.addEventListener('hashchange', () => {
  state.message = '';
  state.draftErrors = [];
  void load().then(() => focus(document.querySelector('h1')));
});

startPage({ titleKey: 'admin.title', render });
if (state.token) void load();
// Trustees and voters act in their own time: the status follows without a reload.
window.setInterval(() => { if (state.token && !state.busy && route().view === 'election' && document.visibilityState === 'visible') void load(true); }, 5000);
