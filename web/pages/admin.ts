// The administrator's pages: /admin/ (#new: create an election; #e/<id>: manage one).
// An election names the public signing keys of its trustees and of its credential authority, each made
// on that signer's own machine (the trustee and authority pages, or the CLI): the admin pastes them in.
// The admin hands out the trustees' and the authority's links, opens, closes and tallies; the voters'
// credentials are the authority's (web/pages/authority.ts): the admin never sees a private credential.
import { ManifestError, parseManifestJson, validateManifest } from '../../src/manifest/validate.js';
import { VERDICTS, type Manifest, type Question, type Verdict } from '../../src/manifest/types.js';
import { decodePublicKey } from '../../src/crypto/group.js';
import { api, ApiError, errorText, linkBase, loadLinkBase, type ElectionInfo, type ElectionSummary } from '../lib/api.js';
import { announce, byId, focus, h, type Child } from '../lib/dom.js';
import { postJson } from '../lib/trustee-store.js';
import { currentSession, logout } from '../lib/account-api.js'; // accounts
import { adminCall, copiedManifest, copyId, manageCard, manifestText } from '../lib/election-manage.js'; // organisers' actions
import { registerCard, type RegisterStatus } from '../lib/voter-register.js'; // voter sign-in register
import { isServerAuthorityElection, loadServerAuthority, serverAuthorityCard, serverAuthorityChoice, serverAuthorityDraft, serverAuthorityManifest } from '../lib/server-authority-admin.js'; // server authority
import { bouncesCard, loadBounces } from '../lib/authority-bounces.js'; // bounced mails
import { forumPlacementCard } from '../lib/forum-placement.js'; // forum placement
import { availableLanguages, currentLanguage, languageName, t, tn } from '../lib/i18n.js';
import { errorBox, infoBox, okBox, rerender, runAction, sayStatus, startPage, testElectionNotice } from '../lib/page.js';
import { phaseBadge } from '../lib/phase.js';
import { verdictLabel } from '../lib/questions.js';
import { readerZone, wallTimeToInstant } from '../../src/manifest/zoned-time.js';
import { countRanked, hasRankedQuestions, RANKED_METHODS, rankedCard, rankedFieldWords, rankedProgress, serverManifestErrors, type RankedMethod, type RankedProgress } from '../lib/admin-ranked.js'; // ranked

const TOKEN_KEY = 'veche-admin-token';
const linksKey = (id: string) => `veche-admin-trustee-tokens:${id}`;
const authorityKey = (id: string) => `veche-admin-authority-token:${id}`;

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
/** The kinds of question the form offers, in the order of its menus. */
const QTYPES: QType[] = ['choice', 'approval', 'verdict', 'motion', 'ranked']; // ranked
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
  // ranked (issue 12) -->
  seats: string;
  method: RankedMethod;
  mustRankAll: boolean;
  // <-- ranked
}
interface DraftTrustee { id: string; name: string; key: string }
interface Draft {
  id: string;
  title: string;
  description: string;
  languages: string[];
  questions: DraftQuestion[];
  trustees: DraftTrustee[];
  authorityName: string;
  authorityKey: string;
  threshold: string;
  opens: string;
  closes: string;
  /** The zone the two times are read in (the admin's own by default), also kept in the manifest. */
  timeZone: string;
  earlyClose: boolean;
}

const newQuestion = (type: QType): DraftQuestion => ({
  type, title: '', items: '', allowBlank: false, absoluteMajority: false, min: '0', max: '1', winners: '1',
  verdictDefault: 'no-consequences', quorumNum: '1', quorumDen: '2', threshold: 'simple', thresholdNum: '1', thresholdDen: '2', strict: true,
  seats: '1', method: 'meek-stv', mustRankAll: false, // ranked
});
/** The election's languages, the organiser's own first: the first is the one mails and pages fall back to. */
const organiserLanguageFirst = (): string[] => {
  const all = availableLanguages();
  const mine = currentLanguage();
  return all.includes(mine) ? [mine, ...all.filter((l) => l !== mine)] : all;
};

const newDraft = (): Draft => ({ id: '', title: '', description: '', languages: organiserLanguageFirst(), questions: [newQuestion('choice')], trustees: [1, 2, 3].map(newTrustee), authorityName: '', authorityKey: '', threshold: '2', opens: '', closes: '', timeZone: readerZone(), earlyClose: false });
function newTrustee(n: number): DraftTrustee { return { id: `t${n}`, name: '', key: '' }; }

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
      case 'ranked': // ranked
        return { type: 'ranked', id, title: q.title.trim(), candidates: options(q.items, 'c'), seats: int(q.seats), method: q.method, mustRankAll: q.mustRankAll };
    }
  });
  const trustees = d.trustees.map((x) => ({ id: x.id.trim(), name: x.name.trim(), signingKey: x.key.trim() }));
  const manifest: Manifest = {
    version: 'veche/manifest/v2',
    id: d.id.trim() || slug(d.title, `election-${Date.now().toString(36)}`, new Set(), 48),
    title: d.title.trim(),
    description: d.description.trim(),
    languages: d.languages,
    questions,
    trustees,
    credentialAuthority: { name: d.authorityName.trim() || t('admin.authorityDefaultName'), signingKey: d.authorityKey.trim() },
    threshold: int(d.threshold),
  };
  const zone = d.timeZone.trim() || readerZone();
  const instant = (field: 'opens' | 'closes', local: string): string => {
    const ms = wallTimeToInstant(local, zone);
    if (ms === null) throw new ManifestError([`${t(field === 'opens' ? 'admin.opens' : 'admin.closes')}: ${t('admin.badZone', { zone })}`]);
    return new Date(ms).toISOString();
  };
  if (d.opens) manifest.opens = instant('opens', d.opens);
  if (d.closes) manifest.closes = instant('closes', d.closes);
  if (d.opens || d.closes) manifest.timeZone = zone;
  if (d.closes && d.earlyClose) manifest.earlyClose = true;
  return manifest;
}

/** Problems of the signers' keys in the draft, in words (the manifest validator then checks the rest). */
function keyProblems(d: Draft): string[] {
  const problems: string[] = [];
  const bad = (text: string) => { try { decodePublicKey(text.trim()); return false; } catch { return true; } };
  d.trustees.forEach((x, i) => {
    const who = x.name.trim() || x.id || String(i + 1);
    if (!x.key.trim()) problems.push(t('admin.trusteeKeyMissing', { name: who }));
    else if (bad(x.key)) problems.push(t('admin.trusteeKeyBad', { name: who }));
  });
  const keys = d.trustees.map((x) => x.key.trim()).filter(Boolean);
  if (new Set(keys).size !== keys.length) problems.push(t('admin.keysRepeated'));
  if (serverAuthorityDraft.chosen) return problems; // server authority: the server makes the key
  if (!d.authorityKey.trim()) problems.push(t('admin.authorityKeyMissing'));
  else if (bad(d.authorityKey)) problems.push(t('admin.authorityKeyBad'));
  return problems;
}

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
  /** A whole manifest pasted as JSON, instead of the form. */
  manifestJson: '',
  // -- accounts: signed in by session cookie (/login) instead of a token; the organisations it is admin of.
  account: null as null | { email: string; orgs: string[] },
  org: '',
  /** An irreversible step waiting for its confirm button. */
  confirming: null as null | 'close' | 'tally' | 'result',
  // -- organisers' actions (web/lib/election-manage.ts)
  /** The id of the draft whose manifest the editor holds (saved with PUT), or null for a new election. */
  editing: null as string | null,
  /** The election's archived mark (null: not known, e.g. a caller who may not see it). */
  archived: null as boolean | null,
  confirmingDelete: false,
  deleteTyped: '',
  /** The voter sign-in register's size (elections that sign voters in), or null. */
  register: null as RegisterStatus | null,
  /** ranked: the ranked step of a closed election with ranked questions (shuffles, decryptions, counted), or null. */
  ranked: null as RankedProgress | null,
  // -- end organisers' actions
  // -- end accounts
};

// -- accounts
async function loadSession(): Promise<void> {
  try {
    const s = await currentSession();
    if (s?.email) {
      state.account = { email: s.email, orgs: s.memberships.filter((m) => m.role === 'admin').map((m) => m.org) };
      state.org = state.account.orgs[0] ?? '';
      await load();
      return;
    }
  } catch { /* no session: the sign-in form */ }
  rerender();
}
const signedIn = () => !!state.token || !!state.account;
// -- end accounts

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
    if (r.view === 'home') state.elections = await adminCall<ElectionSummary[]>('GET', '/api/admin/elections', state.token).catch(() => api.elections()); // archived ones too, where allowed
    if (r.view === 'election') {
      state.info = await api.election(r.id);
      state.archived = await adminCall<{ archived: boolean }>('GET', `/api/elections/${encodeURIComponent(r.id)}/archived`, state.token).then((x) => x.archived, () => null);
      state.register = state.info.manifest.voterAuthentication
        ? await adminCall<RegisterStatus>('GET', `/api/elections/${encodeURIComponent(r.id)}/voter-register`, state.token).catch(() => null) : null;
      if (await loadServerAuthority(state.info, state.token)) quiet = false; // server authority: mail statuses changed
      if (await loadBounces(state.info, state.token)) quiet = false; // bounced mails
      // ranked: the shuffles and their decryption, once the poll is closed and until the count is on the board
      const rankedOpen = hasRankedQuestions(state.info.manifest) && (state.info.phase === 'closed' || state.info.phase === 'tallied');
      const rankedBefore = JSON.stringify(state.ranked);
      state.ranked = !rankedOpen ? null : state.ranked?.counted && state.ranked.election === r.id ? state.ranked : await rankedProgress(r.id, state.info.headSeq, state.token).catch(() => state.ranked);
      if (JSON.stringify(state.ranked) !== rankedBefore) quiet = false;
    }
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
  if (state.account) { void logout().catch(() => undefined); state.account = null; } // accounts
  state.token = '';
  session(TOKEN_KEY, null);
  rerender();
}

/** A threshold of one (or a single trustee): any one trustee could decrypt every ballot alone. */
const oneCanDecrypt = (d: Draft): boolean => d.threshold.trim() === '1' || d.trustees.length === 1;

/**
 * A manifest error ("questions[1].options[2].label: …") in the words of the form: "Question 2, item 3:
 * …". The validator speaks JSON paths (the spec's); the organiser filled in fields.
 */
function inFormWords(error: string): string {
  const m = /^([A-Za-z0-9_.[\]-]+): (.*)$/s.exec(error);
  if (!m) return error;
  const [, path, message] = m as unknown as [string, string, string];
  const field: Record<string, string> = {
    title: t('admin.electionTitle'), id: t('admin.electionId'), description: t('admin.description'), languages: t('admin.languages'),
    opens: t('admin.opens'), closes: t('admin.closes'), timeZone: t('admin.timeZone'), threshold: t('admin.thresholdTrustees'),
    questions: t('admin.questions'), trustees: t('admin.trustees'), credentialAuthority: t('admin.authority'),
  };
  const parts: string[] = [];
  let rest = path;
  let q: RegExpExecArray | null;
  if ((q = /^questions\[(\d+)\]\.?/.exec(rest))) {
    parts.push(t('admin.errQuestion', { n: Number(q[1]) + 1 }));
    rest = rest.slice(q[0].length);
    const item = /^(candidates|options|officeHolders)(?:\[(\d+)\])?\.?/.exec(rest);
    if (item) { parts.push(item[2] === undefined ? t(item[1] === 'candidates' ? 'admin.candidates' : 'admin.options') : t('admin.errItem', { n: Number(item[2]) + 1 })); rest = ''; }
    else if (rest === 'title') { parts.push(t('admin.questionTitle')); rest = ''; }
    else if (rankedFieldWords(rest)) { parts.push(rankedFieldWords(rest)!); rest = ''; } // ranked: seats, method, mustRankAll
  } else if ((q = /^trustees\[(\d+)\]\.?/.exec(rest))) {
    parts.push(t('admin.errTrustee', { n: Number(q[1]) + 1 }));
    rest = rest.slice(q[0].length);
    if (rest === 'name') { parts.push(t('admin.trusteeName')); rest = ''; }
    else if (rest === 'signingKey') { parts.push(t('admin.trusteeKey')); rest = ''; }
  } else if ((q = /^credentialAuthority\.?/.exec(rest))) {
    parts.push(t('admin.authority'));
    rest = '';
  } else if (field[rest]) {
    parts.push(field[rest]!);
    rest = '';
  }
  if (parts.length === 0) return error;
  return `${parts.join(', ')}${rest ? ` (${rest})` : ''}: ${message}`;
}

async function createElection(fromJson = false): Promise<void> {
  let manifest: Manifest;
  try {
    if (fromJson) {
      manifest = parseManifestJson(state.manifestJson);
    } else {
      const problems = keyProblems(state.draft);
      if (problems.length) throw new ManifestError(problems);
      manifest = serverAuthorityDraft.chosen ? serverAuthorityManifest(toManifest(state.draft)) : validateManifest(toManifest(state.draft)); // server authority
    }
  } catch (e) {
    state.draftErrors = e instanceof ManifestError ? e.errors.map(inFormWords) : [errorText(e)];
    rerender();
    focus(document.getElementById('draft-errors'));
    return;
  }
  state.draftErrors = [];
  // -- organisers' actions: the editor holds a draft's manifest: saved in place (same id and tokens).
  const editing = state.editing;
  if (editing && fromJson) {
    await act(async () => {
      const saved = await adminCall<{ id: string; trusteeTokens: Record<string, string> }>('PUT', `/api/elections/${encodeURIComponent(editing)}/manifest`, state.token, manifest);
      const tokens = JSON.parse(session(linksKey(saved.id)) ?? '{}') as Record<string, string>;
      session(linksKey(saved.id), JSON.stringify({ ...tokens, ...saved.trusteeTokens }));
      state.editing = null;
      state.manifestJson = '';
      state.info = null;
      history.pushState(null, '', `#e/${saved.id}`);
      return t('manage.saved', { id: saved.id });
    });
    return;
  }
  // -- end organisers' actions
  await act(async () => {
    // accounts: a signed-in admin creates the election in their organisation.
    if (state.account && !state.org) throw new Error(t('members.noOrganisation'));
    const created = await (state.account
      ? postJson<{ id: string; trusteeTokens: Record<string, string>; authorityToken: string }>(`/api/organisations/${encodeURIComponent(state.org)}/elections`, manifest, '')
      : api.createElection(state.token, manifest)).catch((e: unknown) => {
      // ranked: the server's manifest check is the authority; its refusal is said in the form's words.
      const refused = serverManifestErrors(e);
      throw refused ? new Error(`${t('admin.serverRefused')} ${refused.map(inFormWords).join(' · ')}`) : e;
    });
    session(linksKey(created.id), JSON.stringify(created.trusteeTokens));
    session(authorityKey(created.id), created.authorityToken);
    state.draft = newDraft();
    serverAuthorityDraft.chosen = false; // server authority
    state.manifestJson = '';
    state.info = null;
    history.pushState(null, '', `#e/${created.id}`); // no hashchange: the message below must stay
    return t('admin.created', { id: created.id });
  });
}

const newTrusteeLink = (trustee: { id: string; name: string }) => act(async () => {
  const id = state.info!.id;
  const { token } = await api.newTrusteeToken(state.token, id, trustee.id);
  const tokens = JSON.parse(session(linksKey(id)) ?? '{}') as Record<string, string>;
  session(linksKey(id), JSON.stringify({ ...tokens, [trustee.id]: token }));
  return t('admin.newLinkDone', { name: trustee.name });
});

const newAuthorityLink = () => act(async () => {
  const id = state.info!.id;
  const { token } = await postJson<{ token: string }>(`/api/elections/${encodeURIComponent(id)}/authority/token`, {}, state.token);
  session(authorityKey(id), token);
  return t('admin.newAuthorityLinkDone');
});

// -- organisers' actions (web/lib/election-manage.ts, src/server/election-admin.ts)
function openEditor(manifestJson: string, editing: string | null, message: string): void {
  state.editing = editing;
  state.manifestJson = manifestJson;
  state.draftErrors = [];
  history.pushState(null, '', '#new'); // no hashchange: it would clear the message
  say(message, true, 'e-manifest');
}
const editElection = () => openEditor(manifestText(state.info!.manifest), state.info!.id, t('manage.editing', { id: state.info!.id }));
function copyElection(): void {
  const m = state.info!.manifest;
  const id = copyId(m.id, new Set((state.elections ?? []).map((e) => e.id)));
  openEditor(manifestText(copiedManifest(m, id)), null, t('manage.copying', { id }));
}
const archiveElection = (archived: boolean) => act(async () => {
  await adminCall('POST', `/api/elections/${encodeURIComponent(state.info!.id)}/${archived ? 'archive' : 'unarchive'}`, state.token, {});
  return t(archived ? 'manage.archived' : 'manage.unarchived');
});
const deleteElection = () => act(async () => {
  const id = state.info!.id;
  if (state.deleteTyped.trim() !== id) throw new Error(t('manage.deleteTypeMismatch', { id }));
  await adminCall('POST', `/api/elections/${encodeURIComponent(id)}/delete`, state.token, { confirm: state.deleteTyped.trim() });
  state.confirmingDelete = false;
  state.deleteTyped = '';
  state.info = null;
  history.pushState(null, '', '#');
  return t('manage.deleted', { id });
});
const uploadRegister = (csv: string) => act(async () => {
  const r = await adminCall<{ voters: number }>('PUT', `/api/elections/${encodeURIComponent(state.info!.id)}/voter-register`, state.token, { csv });
  return tn('register.uploaded', r.voters);
});
// -- end organisers' actions

const phaseAction = (action: 'open' | 'close' | 'tally' | 'result') => act(async () => {
  state.confirming = null; // accounts
  await api.adminAction(state.token, state.info!.id, action);
  return t(`admin.done.${action}`);
});

// ---- rendering ----------------------------------------------------------------------------------------

function render(): Child {
  if (!signedIn()) return renderLogin(); // accounts: a session or a token
  const r = route();
  const bar = h('div', { class: 'actions admin-nav' },
    h('a', { class: 'button', href: '#' }, t('admin.elections')),
    h('a', { class: 'button', href: '#new' }, t('admin.new')),
    state.account ? h('a', { class: 'button', href: '/members' }, t('members.title')) : null, // accounts
    state.account ? h('span', { class: 'hint', id: 'signed-in-as' }, t('login.signedInAs', { email: state.account.email })) : null, // accounts
    h('button', { type: 'button', onClick: signOut }, t('admin.signOut')));
  const message = h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null);
  if (r.view === 'new') return [h('h1', null, t('admin.newHeading')), bar, message, orgPicker(), renderDraft()]; // accounts: orgPicker
  if (r.view === 'election') return renderElection(bar, message);
  return [
    h('h1', null, t('admin.title')), bar, message,
    state.error ? errorBox(state.error) : null,
    h('section', { class: 'card' },
      h('h2', null, t('admin.elections')),
      state.elections === null ? h('p', { class: 'loading' }, t('page.loading'))
        : state.elections.length === 0 ? h('p', null, t('index.none'))
        : h('ul', { class: 'elections' }, state.elections.map((e) => h('li', null,
            h('a', { href: `#e/${e.id}` }, e.title), ' ', phaseBadge(e.phase), ' ', h('span', { class: 'hint' }, `${e.id} · ${tn('index.ballots', e.ballots)}`),
            (e as { archived?: boolean }).archived ? [' ', h('span', { class: 'badge' }, t('manage.archivedBadge'))] : null)))),
  ];
}

function renderLogin(): Child {
  return [
    h('h1', null, t('admin.title')),
    h('section', { class: 'card' },
      h('h2', null, t('admin.signIn')),
      // accounts: accounts sign in on /login; the token (in DATA_DIR/admin-token) stays for the operator.
      h('p', null, h('a', { href: '/login', id: 'account-login' }, t('admin.accountLogin'))),
      h('p', null, t('admin.tokenHelpFile')),
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
    ...(attrs.required ? { required: true } : {}), ...(attrs.wide || attrs.mono ? { class: [attrs.wide ? 'wide' : '', attrs.mono ? 'mono' : ''].filter(Boolean).join(' ') } : {}),
    ...(attrs.mono ? { spellcheck: 'false', autocomplete: 'off' } : {}),
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
  const itemsLabel = q.type === 'choice' || q.type === 'ranked' ? t('admin.candidates') : q.type === 'approval' ? t('admin.options') : t('admin.officeHolders');
  const fields: Child[] = [
    selectField(`${p}-type`, t('admin.questionType'), q.type, QTYPES.map((x) => [x, t(`qtype.${x}`)]), (v) => { q.type = v; }, true),
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
  if (q.type === 'ranked') fields.push(rankedFields(q, p)); // ranked
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

// ranked (issue 12) -->
/**
 * A ranked question's own fields: seats, the counting method, whether voters must rank every candidate,
 * and, in words, what the manifest does not leave to the organiser: ties go by the record's public seed
 * (fixed with the election key before the poll opens, spec §20.5) and the trustees are the mixers
 * (threshold-many shuffles, spec §20.2).
 */
function rankedFields(q: DraftQuestion, p: string): Child {
  const irv = q.method === 'irv';
  return [
    selectField(`${p}-method`, t('admin.rankedMethod'), q.method, RANKED_METHODS.map((m) => [m, t(`admin.rankedMethod.${m}`)]), (v) => {
      q.method = v;
      if (v === 'irv') q.seats = '1'; // IRV elects one: the seats field follows rather than being refused later
    }, true),
    textField(`${p}-seats`, t('admin.seats'), q.seats, (v) => { q.seats = v; }, { type: 'number', min: 1 }, t(irv ? 'admin.seatsHintIrv' : 'admin.seatsHint')),
    h('fieldset', { class: 'subgroup' }, h('legend', null, t('admin.rankAllLegend')),
      h('div', { class: 'options' }, ([[false, 'admin.rankMayStop'], [true, 'admin.rankAll']] as const).map(([all, key]) => {
        const id = `${p}-rank-${all ? 'all' : 'stop'}`;
        return h('div', { class: 'field check' },
          h('input', { type: 'radio', id, name: `${p}-rank`, checked: q.mustRankAll === all, onChange: () => { q.mustRankAll = all; } }),
          h('label', { for: id }, t(key)));
      }))),
    h('p', { class: 'hint', id: `${p}-ranked-rules` }, t('admin.rankedTieBreak'), ' ', t('admin.rankedMixers')),
  ];
}
// <-- ranked

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
        textField('e-closes', t('admin.closes'), d.closes, (v) => { d.closes = v; }, { type: 'datetime-local' }),
        textField('e-zone', t('admin.timeZone'), d.timeZone, (v) => { d.timeZone = v; }, {}, t('admin.timeZoneHint'))),
      checkField('e-early-close', t('admin.earlyClose'), d.earlyClose, (on) => { d.earlyClose = on; }),
      h('p', { class: 'hint' }, t('admin.periodHint'))),
    h('section', { class: 'card' },
      h('h2', null, t('admin.questions')),
      d.questions.map(renderQuestionDraft),
      h('div', { class: 'row' },
        selectField('add-type', t('admin.addType'), addType.value, QTYPES.map((x) => [x, t(`qtype.${x}`)]), (v) => { addType.value = v; }),
        h('div', { class: 'field' }, h('button', { type: 'button', id: 'add-question', onClick: () => {
          d.questions.push(newQuestion(byId<HTMLSelectElement>('add-type').value as QType));
          rerender();
          focus(document.getElementById(`q${d.questions.length - 1}-title`));
          announce(t('admin.questionAdded', { n: d.questions.length }));
        } }, t('admin.addQuestion'))))),
    h('section', { class: 'card' },
      h('h2', null, t('admin.trustees')),
      h('p', null, t('admin.trusteesHelp')),
      h('p', null, t('admin.trusteeKeysHelp')),
      d.trustees.map((x, i) => h('fieldset', { class: 'subgroup trustee-draft', id: `tr${i}` },
        h('legend', null, t('admin.trusteeN', { n: i + 1 })),
        h('div', { class: 'row' },
          textField(`tr${i}-name`, t('admin.trusteeName'), x.name, (v) => { x.name = v; }, { required: true }),
          textField(`tr${i}-id`, t('admin.trusteeId'), x.id, (v) => { x.id = v; }, {}, t('admin.trusteeIdHint'))),
        textField(`tr${i}-key`, t('admin.trusteeKey'), x.key, (v) => { x.key = v; }, { wide: true, required: true, mono: true }, t('admin.trusteeKeyHint', { url: `${linkBase()}/trustee/${d.id.trim() || '…'}/${x.id || '…'}` })),
        d.trustees.length > 1 ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'small danger', id: `tr${i}-remove`, onClick: () => {
          d.trustees.splice(i, 1);
          rerender();
          focus(document.getElementById('add-trustee'));
          announce(t('admin.trusteeRemoved', { n: i + 1 }));
        } }, t('admin.removeTrustee', { n: i + 1 }))) : null)),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'add-trustee', onClick: () => {
        const taken = new Set(d.trustees.map((x) => x.id));
        let n = d.trustees.length + 1;
        while (taken.has(`t${n}`)) n++;
        d.trustees.push(newTrustee(n));
        rerender();
        focus(document.getElementById(`tr${d.trustees.length - 1}-name`));
        announce(t('admin.trusteeAdded', { n: d.trustees.length }));
      } }, t('admin.addTrustee'))),
      textField('e-threshold', t('admin.thresholdTrustees'), d.threshold, (v) => {
        d.threshold = v;
        const w = document.getElementById('threshold-warning');
        if (w) w.hidden = !oneCanDecrypt(d);
      }, { type: 'number', min: 1 }, t('admin.thresholdTrusteesHint')),
      // One trustee able to decrypt alone is the whole secrecy of the vote resting on one person.
      h('p', { class: 'notice warning', id: 'threshold-warning', role: 'note', hidden: !oneCanDecrypt(d) }, t('admin.oneTrusteeWarning'))),
    h('section', { class: 'card' },
      h('h2', null, t('admin.authority')),
      h('p', null, t('admin.authorityHelp')),
      serverAuthorityChoice(rerender), // server authority
      textField('e-authority-name', t('admin.authorityName'), d.authorityName, (v) => { d.authorityName = v; }),
      serverAuthorityDraft.chosen ? null : textField('e-authority-key', t('admin.authorityKey'), d.authorityKey, (v) => { d.authorityKey = v; }, { wide: true, required: true, mono: true }, t('admin.authorityKeyHint', { url: `${linkBase()}/authority/${d.id.trim() || '…'}` }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'create', disabled: state.busy }, t('admin.create'))),
    h('section', { class: 'card', id: 'manifest-editor' },
      h('h2', null, state.editing ? t('manage.editorHeading', { id: state.editing }) : t('admin.fromManifest')), // organisers' actions
      textField('e-manifest', t('admin.manifestJson'), state.manifestJson, (v) => { state.manifestJson = v; }, { multiline: true, rows: 6, mono: true }, t('admin.manifestJsonHint')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'create-from-manifest', disabled: state.busy, onClick: () => void createElection(true) }, t(state.editing ? 'manage.save' : 'admin.createFromManifest')),
        state.editing ? h('button', { type: 'button', id: 'cancel-edit', onClick: () => { state.editing = null; state.manifestJson = ''; rerender(); } }, t('members.cancel')) : null)));
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
    testElectionNotice(info.manifest),
    h('h1', null, info.manifest.title),
    bar, message,
    state.error ? errorBox(state.error) : null,
    h('section', { class: 'card' },
      h('h2', null, t('admin.overview')),
      h('dl', { class: 'facts' },
        h('dt', null, t('admin.electionId')), h('dd', { class: 'mono' }, info.id),
        h('dt', null, t('board.phase')), h('dd', { id: 'phase' }, phaseBadge(info.phase)),
        h('dt', null, t('board.electionHash')), h('dd', { class: 'mono' }, info.electionHash),
        h('dt', null, t('admin.voters')), h('dd', { id: 'eligible' }, info.eligible ? tn('admin.votersCount', info.eligible, { weight: info.eligibleWeight }) : t('admin.noVoters')),
        h('dt', null, t('board.ballots')), h('dd', { id: 'ballot-count' }, String(info.ballots))),
      h('p', null, h('a', { href: `/board/${id}` }, t('nav.board')), ' · ', h('a', { href: `/results/${id}` }, t('nav.results')), ' · ', h('span', null, t('admin.boothLink'), ' ', h('code', null, `${linkBase()}/vote/${id}`)))),
    h('section', { class: 'card', 'aria-labelledby': 'trustees-heading' },
      h('h2', { id: 'trustees-heading' }, t('admin.trustees')),
      h('p', null, ceremonyDone ? t('admin.ceremonyDone') : tn('admin.ceremonyPending', info.trustees.length, { threshold: info.manifest.threshold })),
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
               h('div', { class: 'row' }, h('input', { id: inputId, type: 'text', readonly: true, class: 'mono wide trustee-link', value: `${linkBase()}/trustee/${id}/${encodeURIComponent(x.id)}#token=${tokens[x.id]}` }), copyButton(inputId, t('admin.copy'), x.name))));
           }))]
        : null),
    isServerAuthorityElection(info.manifest) ? null : renderAuthority(info), // server authority: no authority of its own to hand a link to
    serverAuthorityCard({ info, token: state.token, busy: state.busy, act: (run) => void act(run), rerender }), // server authority
    bouncesCard({ info, token: state.token, busy: state.busy, act: (run) => void act(run) }), // bounced mails
    forumPlacementCard({ info, token: state.token, busy: state.busy, act: (run) => void act(run) }), // forum placement
    registerCard({ info, status: state.register, busy: state.busy, onFile: (csv) => void uploadRegister(csv) }), // voter sign-in register
    manageCard({ // organisers' actions
      info, archived: state.archived, busy: state.busy, confirmingDelete: state.confirmingDelete, deleteTyped: state.deleteTyped,
      onEdit: editElection, onCopy: copyElection, onArchive: (a) => void archiveElection(a),
      onAskDelete: () => { state.confirmingDelete = true; state.deleteTyped = ''; rerender(); focus(document.getElementById('delete-confirm-text')); },
      onDeleteTyped: (v) => { state.deleteTyped = v; }, onDelete: () => void deleteElection(),
      onCancelDelete: () => { state.confirmingDelete = false; rerender(); },
    }),
    rankedCard({ info, progress: state.ranked, busy: state.busy, onCount: () => void act(() => countRanked(info.id, state.token)) }), // ranked
    h('section', { class: 'card', 'aria-labelledby': 'poll-heading' },
      h('h2', { id: 'poll-heading' }, t('admin.poll')),
      h('p', null, t(`admin.phaseHelp.${info.phase}`)),
      info.phase === 'tallied' ? h('p', null, tn('admin.decryptionProgress', info.manifest.threshold, { n: decrypted, threshold: info.manifest.threshold })) : null,
      h('div', { class: 'actions' },
        info.phase === 'setup' ? button('open-poll', t('admin.open'), () => void phaseAction('open'), ceremonyDone && info.eligible > 0) : null,
        // accounts: closing, tallying and publishing cannot be undone: each asks for a confirm step first.
        info.phase === 'open' ? button('close-poll', t('admin.close'), () => askConfirm('close'), true) : null,
        info.phase === 'closed' ? button('tally', t('admin.tally'), () => askConfirm('tally'), true) : null,
        info.phase === 'tallied' ? button('publish-result', t('admin.publish'), () => askConfirm('result'), decrypted >= info.manifest.threshold && (!state.ranked || state.ranked.counted)) : null, // ranked: the result waits for the ranked count
        info.phase === 'decrypted' ? h('a', { class: 'button primary', href: `/results/${id}` }, t('nav.results')) : null,
        h('button', { type: 'button', id: 'refresh', disabled: state.busy, onClick: async () => { await load(); announce(t('common.refreshed')); } }, t('common.refresh'))),
      confirmStep()),
  ];
}

// -- accounts: which of the admin's organisations a new election belongs to.
function orgPicker(): Child {
  const orgs = state.account?.orgs ?? [];
  if (orgs.length < 2) return null;
  return h('div', { class: 'field' }, h('label', { for: 'election-org' }, t('members.organisation')),
    h('select', { id: 'election-org', onChange: (e: Event) => { state.org = (e.target as HTMLSelectElement).value; } },
      orgs.map((o) => h('option', { value: o, ...(o === state.org ? { selected: true } : {}) }, o))));
}
// -- end accounts

// -- accounts: the confirm step of an irreversible action (in the page, not window.confirm).
function askConfirm(action: 'close' | 'tally' | 'result'): void {
  state.confirming = action;
  rerender();
  focus(document.getElementById('confirm-text'));
}
function confirmStep(): Child {
  const action = state.confirming;
  const phaseOf = { close: 'open', tally: 'closed', result: 'tallied' } as const;
  if (!action || state.info?.phase !== phaseOf[action]) return null;
  return h('div', { class: 'notice info', role: 'group', 'aria-labelledby': 'confirm-text' },
    h('p', { id: 'confirm-text', tabindex: '-1' }, t(`admin.confirm.${action}`)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', id: 'confirm-action', disabled: state.busy, onClick: () => void phaseAction(action) }, t(`admin.confirmButton.${action}`)),
      h('button', { type: 'button', id: 'cancel-action', onClick: () => { state.confirming = null; rerender(); } }, t('members.cancel'))));
}
// -- end accounts

function renderAuthority(info: ElectionInfo): Child {
  const id = encodeURIComponent(info.id);
  const token = session(authorityKey(info.id));
  const canAct = info.phase === 'setup' || info.phase === 'open';
  return h('section', { class: 'card', 'aria-labelledby': 'authority-heading' },
    h('h2', { id: 'authority-heading' }, t('admin.authority')),
    h('p', null, t('admin.authorityStatus', { name: info.manifest.credentialAuthority?.name ?? '' }), ' ',
      info.eligible ? tn('admin.votersCount', info.eligible, { weight: info.eligibleWeight }) : t('admin.noVoters')),
    h('p', { class: 'hint' }, t('admin.authorityNoCredentials')),
    token && canAct
      ? h('div', { class: 'field' },
          h('label', { for: 'authority-link' }, t('admin.authorityLink')),
          h('p', { class: 'hint', id: 'authority-link-hint' }, t('admin.authorityLinkHelp')),
          h('div', { class: 'row' }, h('input', { id: 'authority-link', type: 'text', readonly: true, class: 'mono wide', 'aria-describedby': 'authority-link-hint', value: `${linkBase()}/authority/${id}#token=${token}` }), copyButton('authority-link', t('admin.copy'), t('admin.authority'))))
      : null,
    canAct ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'small', id: 'new-authority-link', disabled: state.busy, onClick: () => void newAuthorityLink() }, t('admin.newAuthorityLink'))) : null);
}

window.addEventListener('hashchange', () => {
  state.message = '';
  state.draftErrors = [];
  if (route().view !== 'new') state.editing = null; // organisers' actions: leaving the editor forgets the edit
  void load().then(() => focus(document.querySelector('h1')));
});

startPage({ titleKey: 'admin.title', render });
void loadLinkBase().then(() => rerender()); // the links handed to trustees and the authority: the server's public address
if (state.token) void load();
else void loadSession(); // accounts
// Trustees and voters act in their own time: the status follows without a reload.
window.setInterval(() => { if (signedIn() && !state.busy && route().view === 'election' && document.visibilityState === 'visible') void load(true); }, 5000);
