// The voting booth: /vote/:id#credential=…
// The credential and the plaintext choices stay in this page; only the signed, encrypted ballot is sent.
// Nothing the server says about the election is taken on its word: before showing the ballot, the booth
// checks the record up to the poll's opening with the verifier's own modules (src/verify/voter-check.ts)
// and encrypts, audits and checks receipts only with what that check returned. GET /api/elections/:id is
// used for the phase only. A record that does not verify leaves the voter no way to vote (fail closed).
import { encryptBallot, type EncryptedBallot } from '../../src/ballot/encrypt.js';
import { auditBallot } from '../../src/ballot/audit.js';
import { verifyReceipt, type Receipt } from '../../src/board/receipt.js';
import { CREDENTIAL_PATTERN, credentialKeys, normalizeCredential } from '../../src/credentials/credentials.js';
import { encodePoint } from '../../src/crypto/group.js';
import { decodeSelections, encodeChoices, encodeRankings, selectionGroups } from '../../src/manifest/layout.js';
import { rankedSlots } from '../../src/ballot/ranked.js'; // ranked
import type { Choices, Question } from '../../src/manifest/types.js';
import type { VoterKeys } from '../../src/ballot/encrypt.js';
import { checkElectionForVoter, type CheckedElection } from '../../src/verify/voter-check.js';
import { checkReceipts, parseReceiptsFile, type ParsedReceipt, type ReceiptCheck, type ReceiptsReport } from '../../src/verify/receipts.js';
import { linesSource } from '../../src/verify/record-check.js';
import { api, ApiError, errorText, type ElectionInfo } from '../lib/api.js';
import { announce, byId, focus, h, nextPaint, type Child } from '../lib/dom.js';
import { download, readFile, safeName } from '../lib/files.js';
import { currentLanguage, languageReady, t, tn } from '../lib/i18n.js';
import { formatInZone } from '../../src/manifest/zoned-time.js';
import { localizedManifest } from '../../src/manifest/localize.js';
import { errorBox, infoBox, okBox, pathParts, rerender, setTitle, startPage, takeFragmentParam, testElectionNotice, useLanguages } from '../lib/page.js';
import { serverAuthorityNotice } from '../lib/server-authority.js'; // server authority (spec §6.5)
import { draftKey, forgetDraft, hasDraft, openDraft, sealDraft } from '../lib/booth-draft.js';
import { keepReceipt, keptReceipts } from '../lib/booth-receipts.js';
import { currentStep, onStepPopped, pushStep, replaceStep } from '../lib/booth-steps.js';
import { choicesList as answersList } from '../lib/choices-list.js';
import { periodText } from '../lib/election-period.js';
import { draftFits, findProblems as findBallotProblems, freshDrafts as freshBallotDrafts, problemsSummary, renderQuestion, toChoices as ballotChoices, type Draft } from '../lib/ballot-form.js';

type Screen = 'loading' | 'failed' | 'refused' | 'not-open' | 'sign-in' | 'credential' | 'ballot' | 'review' | 'encrypted' | 'audit' | 'cast' | 'counted';

const state = {
  electionId: pathParts()[1] ?? '',
  /** The server's own description: for the phase only, never for keys, hashes or the manifest. */
  info: null as ElectionInfo | null,
  /** What the booth checked in the record itself: the only source of keys, hashes and the manifest. */
  checked: null as CheckedElection | null,
  /** The record lines that were checked (the prefix up to poll-opened), to compare with the full record later. */
  checkedLines: [] as string[],
  /** Whether state.checked is of the whole record (a credential added after the opening, spec §6.4). */
  checkedWhole: false,
  failure: '',
  /** Why the record was refused (screen 'refused'), and whether it could not be fetched at all. */
  refusal: '',
  refusalNetwork: false,
  screen: 'loading' as Screen,
  keys: null as VoterKeys | null,
  credentialError: '',
  drafts: {} as Record<string, Draft>,
  problems: {} as Record<string, string>,
  encrypted: null as (EncryptedBallot & { ms: number }) | null,
  audit: null as { ok: boolean; choices: Choices | null; trackingCode: string; data: string } | null,
  cast: null as { receipt: Receipt; signatureOk: boolean } | null,
  castCount: 0,
  busy: false,
  actionError: '',
  /** The server's error code for the last failed action (e.g. unknown-credential). */
  actionCode: '',
  /** The first group of the credential, shown so a voter holding several knows which one is in use. */
  credentialStart: '',
  /** What the voter typed, kept when it is refused so a typo can be corrected (it never leaves this page). */
  credentialDraft: '',
  /** Every receipt the board gave in this session, kept for "Check that my ballot was counted". */
  receipts: [] as Receipt[],
  /** This credential's last ballot on the board before this visit, if any. */
  previousBallot: null as { seq: number; time: string } | null,
  /** The option order of each shuffled question, fixed for this visit. */
  orders: {} as Record<string, string[]>,
  /** Receipts read from a file the voter saved earlier. */
  loaded: [] as ParsedReceipt[],
  loadedName: '',
  counting: false,
  countError: '',
  countReport: null as ReceiptsReport | null,
  /** The screen to go back to from the 'counted' screen. */
  backTo: 'credential' as Screen,
  /** The key the unfinished ballot is sealed under in this tab (from the credential; memory only). */
  draftKey: null as Uint8Array | null,
  /** After a reload: the step the voter was on before it, until the credential is entered again. */
  resumeFrom: null as Screen | null,
  /** The step the sealed draft was on, once it opened with the credential just entered. */
  resumeStep: null as 'ballot' | 'review' | null,
  /** The choices came back from the sealed draft (the booth says so once). */
  draftRestored: false,
  /** The browser would not keep the last receipt in this tab: the booth says to download it now. */
  receiptNotKept: false,
};

/** The steps that are entries in the browser's history: Back goes from one to the one before. */
const STEPS: ReadonlySet<Screen> = new Set<Screen>(['credential', 'ballot', 'review', 'encrypted', 'audit', 'cast', 'counted']);

// voter sign-in (spec §6.3) -->
/** The one-time link from the sign-in mail (#voter-link=…); taken first, it never stays in the address bar. */
const pendingVoterLink = takeFragmentParam('voter-link');
/** Why an OpenID Connect sign-in came back without a session (#voter-error=…). */
const pendingVoterError = takeFragmentParam('voter-error');
// <-- voter sign-in
const pendingCredential = takeFragmentParam('credential');

/** The questions in the voter's language (spec §5.2): texts only; ids, rules and order are the manifest's. */
function questions(): Question[] {
  return state.checked ? localizedManifest(state.checked.manifest, currentLanguage()).questions : [];
}

// The ballot form itself is web/lib/ballot-form.ts (shared with the organiser's preview).
const freshDrafts = () => freshBallotDrafts(questions());
const findProblems = () => findBallotProblems(state, questions());
const toChoices = () => ballotChoices(state, questions());


/** Shows `screen` and moves focus to its heading, so a screen reader reads where the voter now is. */
function go(screen: Screen, focusId = 'screen-heading'): void {
  state.screen = screen;
  if (STEPS.has(screen)) pushStep(screen);
  sealChoices();
  rerender();
  focus(document.getElementById(focusId));
  window.scrollTo(0, 0);
}

// ---- loading --------------------------------------------------------------------------------------

async function load(): Promise<void> {
  try {
    state.info = await api.election(state.electionId);
  } catch (e) {
    state.failure = e instanceof ApiError && e.status === 404 ? t('booth.noElection', { id: state.electionId }) : errorText(e);
    state.screen = 'failed';
    rerender();
    return;
  }
  // Before the key ceremony and the credential list are done there is nothing to check and nothing to vote on.
  if (state.info.phase === 'setup') {
    state.screen = 'not-open';
    rerender();
    return;
  }
  // A spoken message stays as said: say it in the voter's language, once its catalog is here.
  await languageReady();
  announce(t('booth.checkingRecord'));
  rerender();
  try {
    const lines = await api.recordLines(state.electionId, '?until=poll-opened');
    const checked = await checkElectionForVoter(lines);
    const mismatch = serverMismatch(state.info, checked);
    if (mismatch) throw new Error(mismatch);
    state.checked = checked;
    state.checkedLines = lines;
  } catch (e) {
    // Fail closed: whatever went wrong, no ballot is shown.
    state.refusalNetwork = e instanceof ApiError && (e.status === 0 || e.status >= 500);
    state.refusal = e instanceof ApiError ? errorText(e) : e instanceof Error ? e.message : String(e);
    go('refused');
    announce(t(state.refusalNetwork ? 'booth.recordUnavailable' : 'booth.recordRefused'));
    return;
  }
  const manifest = state.checked.manifest;
  useLanguages(manifest.languages);
  setTitle(manifest.title);
  state.drafts = freshDrafts();
  if (state.checked.phase !== 'open' || state.info.phase !== 'open') {
    state.screen = 'not-open';
  } else if (manifest.voterAuthentication && !(await voterSignedIn())) { // voter sign-in
    state.screen = 'sign-in';
  } else if (pendingCredential) {
    takeKeptReceipts();
    state.screen = (await useListedCredential(pendingCredential)) ? stepAfterCredential() : 'credential';
  } else {
    state.screen = resumedScreen();
  }
  // A booth resumed after a reload keeps the entry's step until the credential brings the voter back to it.
  if (!state.resumeFrom) replaceStep(STEPS.has(state.screen) ? state.screen : null);
  rerender();
  focus(document.getElementById(state.screen === 'credential' && state.credentialError ? 'credential' : 'screen-heading'));
}

// ---- keeping the voter's place (issue 11, point 9; web/README.md "Reload and Back") ------------------

/** Receipts this tab was given before a reload, each checked again against the verified board key. */
function takeKeptReceipts(): void {
  const checked = state.checked!;
  state.receipts = keptReceipts(state.electionId);
  state.castCount = state.receipts.length;
  const last = state.receipts.at(-1);
  if (last) state.cast = { receipt: last, signatureOk: verifyReceipt(last, checked.boardKey) && last.election === checked.electionHash };
}

/** Where a (re)loaded booth without a credential in its link starts: the step it was on, as far as it can. */
function resumedScreen(): Screen {
  takeKeptReceipts();
  const was = currentStep() as Screen | null;
  if (was === 'cast' && state.cast) return 'cast';
  if (was === 'counted') return 'counted';
  // The credential is never kept: any step that needs it starts again at the credential, and says why.
  if (was === 'ballot' || was === 'review' || was === 'encrypted' || was === 'audit') state.resumeFrom = was;
  return 'credential';
}

/** What the booth remembers of the picks: {step, drafts, orders}, as it is sealed in this tab. */
interface SealedChoices { step: 'ballot' | 'review'; drafts: Record<string, Draft>; orders: Record<string, string[]> }

/** Seals the unfinished ballot under the credential's draft key (no key, or nothing to keep: nothing written). */
function sealChoices(): void {
  const step = state.screen === 'ballot' ? 'ballot' : state.screen === 'review' || state.screen === 'encrypted' || state.screen === 'audit' ? 'review' : null;
  if (!state.draftKey || !state.checked || !step) return;
  const sealed: SealedChoices = { step, drafts: state.drafts, orders: state.orders };
  sealDraft(state.electionId, state.checked.electionHash, state.draftKey, sealed);
}

/** Opens the sealed draft with the credential's key and takes what fits this ballot; false when there is none that opens. */
function restoreChoices(key: Uint8Array): boolean {
  const saved = openDraft(state.electionId, state.checked!.electionHash, key) as Partial<SealedChoices> | null;
  if (!saved || typeof saved !== 'object' || typeof saved.drafts !== 'object' || saved.drafts === null) return false;
  const drafts = freshDrafts();
  for (const q of questions()) {
    const d = (saved.drafts as Record<string, unknown>)[q.id];
    if (draftFits(q, d)) drafts[q.id] = d;
  }
  state.drafts = drafts;
  const orders = (saved.orders ?? {}) as Record<string, unknown>;
  for (const q of questions()) {
    const ids = 'shuffle' in q && q.shuffle ? (q.type === 'choice' ? q.candidates : q.type === 'approval' ? q.options : []).map((o) => o.id) : [];
    const order = orders[q.id];
    if (Array.isArray(order) && order.length === ids.length && [...order].sort().join('\u0000') === [...ids].sort().join('\u0000')) state.orders[q.id] = order as string[];
  }
  state.resumeStep = saved.step === 'review' ? 'review' : 'ballot';
  return true;
}

/** After a credential is taken: the step the sealed draft was on (review only if it is still complete), else the ballot. */
function stepAfterCredential(): Screen {
  const step = state.resumeStep;
  state.resumeStep = null;
  state.resumeFrom = null;
  if (step === null) return 'ballot';
  state.draftRestored = true;
  announce(t('booth.draftRestored'));
  return step === 'review' && Object.keys(findProblems()).length === 0 ? 'review' : 'ballot';
}

/** Back or Forward: the step of that entry, or the nearest one before it that the booth can still show. */
function showable(step: Screen): Screen {
  switch (step) {
    case 'counted': return 'counted';
    case 'cast': return state.cast ? 'cast' : showable('ballot');
    case 'audit': return state.audit ? 'audit' : showable('review');
    case 'encrypted': return state.encrypted ? 'encrypted' : showable('review');
    case 'review': return state.keys && Object.keys(findProblems()).length === 0 ? 'review' : showable('ballot');
    case 'ballot': return state.keys ? 'ballot' : 'credential';
    default: return 'credential';
  }
}

onStepPopped((step) => {
  if (!state.checked || !STEPS.has(state.screen) || state.busy || state.counting) return;
  const shown = showable(step !== null && STEPS.has(step as Screen) ? step as Screen : 'credential');
  if (shown !== step) replaceStep(shown);
  state.screen = shown;
  state.problems = {};
  rerender();
  focus(document.getElementById('screen-heading'));
  window.scrollTo(0, 0);
});
// Every pick is sealed at once (a radio or checkbox fires 'change'); every step change seals too (go).
document.addEventListener('change', () => sealChoices());

/** A server whose own description differs from its record is refused too: it says two things at once. */
function serverMismatch(info: ElectionInfo, checked: CheckedElection): string {
  if (info.electionHash !== checked.electionHash) return t('booth.mismatch', { what: t('booth.mismatchHash') });
  if (info.jointKey !== null && info.jointKey !== encodePoint(checked.jointKey)) return t('booth.mismatch', { what: t('booth.mismatchJointKey') });
  if (info.boardKey !== checked.boardKey) return t('booth.mismatch', { what: t('booth.mismatchBoardKey') });
  return '';
}

/** Derives the credential's key and checks, against the checked list, that it may vote: before any question is shown. */
function useCredential(text: string): boolean {
  const normalized = normalizeCredential(text);
  state.credentialDraft = text;
  if (!CREDENTIAL_PATTERN.test(normalized)) {
    state.credentialError = t('booth.credentialInvalid');
    return false;
  }
  const checked = state.checked!;
  const keys = credentialKeys(checked.electionHash, normalized);
  if (!checked.listed(keys.key)) {
    state.credentialError = t('booth.credentialNotListed');
    return false;
  }
  if (checked.revoked(keys.key)) {
    state.credentialError = t('booth.credentialRevoked');
    return false;
  }
  state.keys = keys;
  state.draftKey = draftKey(checked.electionHash, normalized);
  if (!restoreChoices(state.draftKey)) state.resumeStep = null;
  state.credentialDraft = '';
  state.credentialStart = normalized.slice(0, 5);
  state.credentialError = '';
  state.previousBallot = null;
  void lookUpPreviousBallot(keys.key);
  return true;
}

/**
 * useCredential, and for a credential not in the record up to the opening, the whole record: a
 * credential re-issued or added after the poll opened is only there (spec §6.4). It is checked with the
 * same verifier and must be of the same election; rarely needed (one such voter), so not on every load.
 */
async function useListedCredential(text: string): Promise<boolean> {
  if (useCredential(text)) return true;
  if (state.checkedWhole || state.credentialError !== t('booth.credentialNotListed')) return false;
  try {
    const whole = await checkElectionForVoter(await api.recordLines(state.electionId, ''));
    if (whole.electionHash !== state.checked!.electionHash || serverMismatch(state.info!, whole) !== '') return false;
    state.checked = whole;
    state.checkedWhole = true;
  } catch {
    return false; // fail closed: the credential stays "not on the list"
  }
  return useCredential(text);
}

/** A returning voter is told when this credential last voted (the board's public record says so too). */
async function lookUpPreviousBallot(key: string): Promise<void> {
  try {
    const last = await api.lastBallot(state.electionId, key);
    if (state.keys?.key !== key) return;
    state.previousBallot = last;
    rerender();
    // A heading focused by go() is focusable only until the page is rebuilt: keep the voter's place.
    if (document.activeElement === document.body) focus(document.getElementById('screen-heading'));
  } catch { /* only a notice: without it the booth works the same */ }
}

// ---- voter sign-in (spec §6.3) ----------------------------------------------------------------------
// An election whose manifest has voterAuthentication takes ballots only from voters the server signed
// in: the voter gives their e-mail address (or voter id), the server mails a one-time link back to this
// booth, and opening it gives this browser a voter session (an HttpOnly cookie the page never reads).

const signIn = {
  voter: null as string | null,
  /** The link was asked for: "check your mail". */
  sent: false,
  busy: false,
  error: pendingVoterError === 'not-registered' ? t('booth.signInNotRegistered') : pendingVoterError ? t('booth.signInOidcRefused') : '',
  who: '',
};

async function voterCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/elections/${encodeURIComponent(state.electionId)}/voter-auth/${path}`, {
      method, headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const json = await res.json().catch(() => null) as { error?: string; message?: string } | null;
  if (!res.ok) throw new ApiError(res.status, json?.error ?? `http-${res.status}`, json?.message ?? `${res.status} ${res.statusText}`);
  return json as T;
}

/** Opens the mailed link if this page came from one, then asks whether this browser is signed in here. */
async function voterSignedIn(): Promise<boolean> {
  if (pendingVoterLink) {
    try {
      signIn.voter = (await voterCall<{ voter: string }>('POST', 'session', { link: pendingVoterLink })).voter;
      return true;
    } catch (e) {
      signIn.error = e instanceof ApiError && e.code === 'bad-link' ? t('booth.signInBadLink') : errorText(e);
    }
  }
  try {
    signIn.voter = (await voterCall<{ voter: string }>('GET', 'session')).voter;
  } catch {
    signIn.voter = null;
  }
  return signIn.voter !== null;
}

/** After sign-in: the credential step (or the ballot, when the credential came in the link). */
function afterSignIn(): void {
  signIn.error = '';
  void (async () => {
    if (pendingCredential && !state.keys && (await useListedCredential(pendingCredential))) go(stepAfterCredential());
    else go('credential', 'credential');
    announce(t('booth.signedIn', { voter: signIn.voter ?? '' }));
  })();
}

async function askForLink(e: Event): Promise<void> {
  e.preventDefault();
  if (signIn.busy) return;
  const who = byId<HTMLInputElement>('sign-in-who').value.trim();
  signIn.who = who;
  if (who === '') {
    signIn.error = t('booth.signInEmpty');
    rerender();
    focus(document.getElementById('sign-in-who'));
    return;
  }
  signIn.busy = true;
  signIn.error = '';
  try {
    await voterCall('POST', 'link', { who });
    signIn.sent = true;
    go('sign-in', 'sign-in-sent');
    announce(t('booth.signInSent'));
  } catch (err) {
    signIn.error = err instanceof ApiError && err.code === 'too-many-links' ? t('booth.signInTooMany') : errorText(err);
    rerender();
    focus(document.getElementById('sign-in-who'));
  } finally {
    signIn.busy = false;
  }
}

/** The link was opened in another tab of this browser: the session cookie is shared, so look again. */
async function recheckSignIn(): Promise<void> {
  if (await voterSignedIn()) return afterSignIn();
  signIn.error = t('booth.signInNotYet');
  rerender();
  focus(document.getElementById('sign-in-error'));
}

function renderSignIn(): Child {
  const method = state.checked!.manifest.voterAuthentication!;
  const errorLine = signIn.error ? h('p', { class: 'field-error', id: 'sign-in-error', role: 'alert' }, signIn.error) : null;
  if (method.method === 'oidc') {
    return h('section', { class: 'card', id: 'sign-in' },
      h('h2', { id: 'screen-heading' }, t('booth.signInTitle')),
      h('p', null, t('booth.signInOidc', { issuer: method.issuer })),
      errorLine,
      h('p', null, h('a', { class: 'button primary', id: 'sign-in-oidc', href: `/api/elections/${encodeURIComponent(state.electionId)}/voter-auth/oidc` }, t('booth.signInOidcButton'))));
  }
  if (signIn.sent) {
    return h('section', { class: 'card', id: 'sign-in' },
      h('h2', { id: 'screen-heading' }, t('booth.signInTitle')),
      h('div', { class: 'notice info', id: 'sign-in-sent', role: 'status', tabindex: '-1' },
        h('p', null, t('booth.signInSent')),
        h('p', null, t('booth.signInSentHint'))),
      errorLine,
      h('p', null,
        h('button', { type: 'button', id: 'sign-in-recheck', onClick: () => void recheckSignIn() }, t('booth.signInRecheck')), ' ',
        h('button', { type: 'button', class: 'small', id: 'sign-in-again', onClick: () => { signIn.sent = false; signIn.error = ''; go('sign-in', 'sign-in-who'); } }, t('booth.signInAgain'))));
  }
  return h('section', { class: 'card', id: 'sign-in' },
    h('h2', { id: 'screen-heading' }, t('booth.signInTitle')),
    h('p', null, t('booth.signInExplain')),
    h('form', { onSubmit: (e: Event) => void askForLink(e), novalidate: true },
      h('div', { class: 'field' },
        h('label', { for: 'sign-in-who' }, t('booth.signInLabel')),
        h('p', { class: 'hint', id: 'sign-in-hint' }, t('booth.signInHint')),
        errorLine,
        h('input', {
          id: 'sign-in-who', name: 'email', type: 'text', inputmode: 'email', autocomplete: 'email', class: 'wide', spellcheck: 'false',
          'aria-describedby': signIn.error ? 'sign-in-hint sign-in-error' : 'sign-in-hint', 'aria-invalid': signIn.error ? 'true' : null, required: true, value: signIn.who,
        })),
      h('button', { type: 'submit', class: 'primary', id: 'sign-in-send' }, t('booth.signInSend'))));
}
// <-- voter sign-in

// ---- rendering ------------------------------------------------------------------------------------


function render(): Child {
  // The election's title and text come from the checked record; before the check (or when it fails),
  // only the booth's own title is shown.
  const manifest = state.checked ? localizedManifest(state.checked.manifest, currentLanguage()) : undefined;
  const top = manifest
    ? h('header', { class: 'election-head' },
        h('p', { class: 'kicker' }, t('booth.kicker')),
        testElectionNotice(manifest),
        serverAuthorityNotice(manifest), // server authority (spec §6.5)
        h('h1', null, manifest.title),
        manifest.description ? h('p', { class: 'description' }, manifest.description) : null,
        manifest.opens || manifest.closes ? periodText(manifest) : null,
        fingerprintBlock(state.checked!.fingerprint))
    : h('h1', null, t('booth.title'));
  return [top, screenBody()];
}

/** The checked election's fingerprint, to compare with the one in the voter's invitation. */
function fingerprintBlock(fingerprint: string): HTMLElement {
  return h('div', { class: 'tracking', id: 'fingerprint-box', role: 'group', 'aria-labelledby': 'fingerprint-label' },
    h('p', { class: 'label', id: 'fingerprint-label' }, t('booth.fingerprint')),
    h('p', { class: 'code mono', id: 'fingerprint' }, fingerprint),
    h('p', { class: 'hint' }, t('booth.fingerprintCompare')));
}

function screenBody(): Child {
  switch (state.screen) {
    case 'loading': return h('p', { class: 'loading' }, state.info && state.info.phase !== 'setup' ? t('booth.checkingRecord') : t('page.loading'));
    case 'failed': return errorBox(state.failure);
    case 'refused': return renderRefused();
    case 'not-open': return renderNotOpen();
    case 'sign-in': return renderSignIn(); // voter sign-in
    case 'credential': return renderCredential();
    case 'ballot': return renderBallot();
    case 'review': return renderReview();
    case 'encrypted': return renderEncrypted();
    case 'audit': return renderAudit();
    case 'cast': return renderCast();
    case 'counted': return renderCounted();
  }
}

/** The record did not verify (or could not be read): no ballot, no credential field, nothing to cast. */
function renderRefused(): Child {
  const id = encodeURIComponent(state.electionId);
  return h('section', { class: 'card', id: 'record-refused' },
    h('h2', { id: 'screen-heading' }, t(state.refusalNetwork ? 'booth.recordUnavailable' : 'booth.recordRefused')),
    h('div', { class: 'notice error', role: 'alert' },
      h('p', null, t(state.refusalNetwork ? 'booth.recordUnavailableExplain' : 'booth.recordRefusedExplain')),
      h('p', null, t('booth.refusalReason'), ' ', h('span', { id: 'refusal-reason' }, state.refusal))),
    h('p', null, h('a', { href: `/board/${id}` }, t('nav.board'))));
}

function renderNotOpen(): Child {
  const info = state.info!;
  const id = encodeURIComponent(state.electionId);
  const notYet = info.phase === 'setup' || state.checked?.phase !== 'open';
  const key = notYet ? 'booth.notOpenYet' : info.phase === 'decrypted' ? 'booth.resultPublished' : 'booth.closed';
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t(key)),
    h('p', null, h('a', { href: `/board/${id}` }, t('nav.board')), ' · ', h('a', { href: `/results/${id}` }, t('nav.results'))),
    state.checked && !notYet ? h('p', null, countedButton('not-open')) : null);
}

/** Opens "Check that my ballot was counted", coming back to `from`. */
function countedButton(from: Screen): HTMLElement {
  return h('button', { type: 'button', id: 'check-counted', onClick: () => {
    state.backTo = from;
    state.countError = '';
    go('counted');
  } }, t('booth.checkCounted'));
}

function renderCredential(): Child {
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const input = byId<HTMLInputElement>('credential');
    if (await useListedCredential(input.value)) {
      state.credentialDraft = '';
      go(stepAfterCredential());
    } else {
      rerender();
      focus(document.getElementById('credential'));
    }
  };
  const describedBy = state.credentialError ? 'credential-hint credential-error' : 'credential-hint';
  const resumed = state.resumeFrom !== null;
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t('booth.credentialTitle')),
    resumed ? h('div', { class: 'notice info', id: 'resume-notice' },
      h('p', null, t('booth.resumeCredential')),
      h('p', null, t(hasDraft(state.electionId) ? 'booth.resumeDraftKept' : 'booth.resumeNoDraft'))) : null,
    h('form', { onSubmit, novalidate: true },
      h('div', { class: 'field' },
        h('label', { for: 'credential' }, t('booth.credentialLabel')),
        h('p', { class: 'hint', id: 'credential-hint' }, t('booth.credentialHint')),
        state.credentialError ? h('p', { class: 'field-error', id: 'credential-error' }, state.credentialError) : null,
        h('input', {
          id: 'credential', name: 'credential', type: 'text', class: 'mono wide', autocomplete: 'off', autocapitalize: 'characters',
          spellcheck: 'false', 'aria-describedby': describedBy, 'aria-invalid': state.credentialError ? 'true' : null, required: true,
          value: state.credentialError ? state.credentialDraft : '',
        })),
      h('button', { type: 'submit', class: 'primary' }, t('booth.continue'))),
    h('p', { class: 'hint' }, t('booth.checkCountedHint'), ' ', countedButton('credential')));
}

/** For a voter with a mistyped or someone else's credential: back to the credential field, choices kept. */
function otherCredentialButton(): HTMLElement {
  return h('button', { type: 'button', class: 'small', id: 'other-credential', onClick: () => {
    state.keys = null;
    state.encrypted = null;
    state.actionError = '';
    state.actionCode = '';
    go('credential', 'credential');
  } }, t('booth.otherCredential'));
}

function renderBallot(): Child {
  const intro = h('div', { class: 'intro' },
    h('p', null, t('booth.intro')),
    state.previousBallot && state.castCount === 0
      ? h('p', { class: 'notice info', id: 'voted-before' }, t('booth.votedBefore', { time: formatInZone(state.previousBallot.time, currentLanguage()) }))
      : null,
    state.draftRestored ? h('p', { class: 'notice ok', id: 'draft-restored', role: 'status' }, t('booth.draftRestored')) : null,
    h('p', null, t(state.castCount > 0 ? 'booth.revoteNote' : 'booth.revoteRule')),
    h('p', { class: 'hint' }, t('booth.usingCredential', { start: `${state.credentialStart}-…` }), ' ', otherCredentialButton()));
  const summary = problemsSummary(state);
  const form = h('form', { novalidate: true, onSubmit: (e: Event) => { e.preventDefault(); review(); } },
    questions().map((q, i) => renderQuestion(state, q, i, questions().length)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('booth.toReview'))));
  return [h('h2', { id: 'screen-heading', class: 'visually-hidden' }, t('booth.ballotHeading')), summary, intro, form];
}

function review(): void {
  state.problems = findProblems();
  if (Object.keys(state.problems).length > 0) {
    rerender();
    focus(document.getElementById('problems'));
    return;
  }
  go('review');
}

/** The voter's answers in words, question by question (for review and audit). */
const choicesList = (choices: Choices): HTMLElement => answersList(questions(), choices);

function renderReview(): Child {
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t('booth.reviewTitle')),
    h('p', null, t('booth.reviewIntro')),
    choicesList(toChoices()),
    state.actionError ? errorBox(state.actionError) : null,
    h('p', { class: 'hint' }, t('booth.encryptNote')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'encrypt', disabled: state.busy, onClick: () => void encrypt() }, t('booth.encrypt')),
      h('button', { type: 'button', onClick: () => { state.actionError = ''; go('ballot'); } }, t('booth.change'))));
}

async function encrypt(): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  state.actionError = '';
  state.actionCode = '';
  announce(t('booth.encrypting'));
  byId<HTMLButtonElement>('encrypt').disabled = true;
  byId('encrypt').textContent = t('booth.encrypting');
  await nextPaint();
  try {
    const checked = state.checked!;
    const choices = toChoices();
    const vectors = encodeChoices(checked.manifest, choices);
    const ranked = { slots: rankedSlots(checked.manifest), rankings: encodeRankings(checked.manifest, choices) }; // ranked: the CLI's own encoding (spec §8.7)
    const started = performance.now();
    const ballot = encryptBallot(checked.electionHash, checked.jointKey, selectionGroups(checked.manifest), vectors, state.keys!, ranked);
    state.encrypted = { ...ballot, ms: Math.round(performance.now() - started) };
    state.busy = false;
    go('encrypted');
    announce(t('booth.encrypted'));
  } catch (e) {
    state.busy = false;
    state.actionError = errorText(e);
    rerender();
    focus(document.querySelector<HTMLElement>('[role=alert]'));
  }
}

function trackingCodeBlock(code: string, extra?: Record<string, string>): HTMLElement {
  return h('div', { class: 'tracking', ...extra },
    h('p', { class: 'label' }, t('booth.trackingCode')),
    h('p', { class: 'code mono', id: 'tracking-code' }, code));
}

function renderEncrypted(): Child {
  const enc = state.encrypted!;
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t('booth.encryptedTitle')),
    trackingCodeBlock(enc.trackingCode, { 'data-encrypt-ms': String(enc.ms) }),
    h('p', { class: 'hint' }, t('booth.encryptedIn', { seconds: (enc.ms / 1000).toFixed(2) })),
    h('p', null, t('booth.castOrAudit')),
    state.actionError ? errorBox(state.actionError) : null,
    state.actionCode === 'unknown-credential' || state.actionCode === 'revoked-credential' ? h('p', null, otherCredentialButton()) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'cast', disabled: state.busy, onClick: () => void cast() }, t('booth.cast')),
      h('button', { type: 'button', id: 'audit', disabled: state.busy, onClick: audit }, t('booth.audit')),
      h('button', { type: 'button', disabled: state.busy, onClick: () => { state.encrypted = null; state.actionError = ''; go('ballot'); } }, t('booth.change'))));
}

function audit(): void {
  const enc = state.encrypted!;
  const checked = state.checked!;
  let ok = false;
  let choices: Choices | null = null;
  try {
    ok = auditBallot(enc.ballot, checked.jointKey, enc.secrets);
    choices = decodeSelections(checked.manifest, enc.secrets.selections, enc.secrets.rankings ?? []);
  } catch {
    ok = false;
  }
  const data = JSON.stringify({ election: checked.electionHash, publicKey: encodePoint(checked.jointKey), trackingCode: enc.trackingCode, ballot: enc.ballot, selections: enc.secrets.selections, randomness: enc.secrets.randomness, ...(enc.secrets.rankings ? { rankings: enc.secrets.rankings, rankedRandomness: enc.secrets.rankedRandomness } : {}) }, null, 2);
  // The audited ballot is spent: its randomness is now known, so it must never be cast.
  state.audit = { ok, choices, trackingCode: enc.trackingCode, data };
  state.encrypted = null;
  go('audit');
}

function renderAudit(): Child {
  const a = state.audit!;
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t('booth.auditTitle')),
    a.ok ? okBox(t('booth.auditPassed')) : errorBox(t('booth.auditFailed')),
    trackingCodeBlock(a.trackingCode),
    a.choices ? [h('p', null, t('booth.auditContains')), choicesList(a.choices)] : null,
    h('p', null, t('booth.auditDiscarded')),
    h('p', { id: 'audit-elsewhere' }, t('booth.auditElsewhere'), ' ', h('a', { href: `/audit/${encodeURIComponent(state.electionId)}` }, `${location.origin}/audit/${encodeURIComponent(state.electionId)}`)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onClick: () => { state.audit = null; go('review'); } }, t('booth.backToReview')),
      h('button', { type: 'button', onClick: () => download(`veche-audit-${safeName(state.electionId)}-${a.trackingCode.slice(0, 12)}.json`, a.data) }, t('booth.downloadAudit'))));
}

async function cast(): Promise<void> {
  if (state.busy || !state.encrypted) return;
  state.busy = true;
  state.actionError = '';
  state.actionCode = '';
  announce(t('booth.casting'));
  for (const id of ['cast', 'audit']) byId<HTMLButtonElement>(id).disabled = true;
  const enc = state.encrypted;
  try {
    const { receipt } = await api.castBallot(state.electionId, enc.ballot);
    // The board key of the record's first event, as checked: never the server's description.
    const checked = state.checked!;
    const signatureOk = verifyReceipt(receipt, checked.boardKey) && receipt.trackingCode === enc.trackingCode && receipt.election === checked.electionHash;
    state.cast = { receipt, signatureOk };
    state.receipts.push(receipt);
    // Kept in this tab before it is shown, so a reload never loses it; the cast choices are not kept.
    state.receiptNotKept = !keepReceipt(state.electionId, receipt);
    forgetDraft(state.electionId);
    state.countReport = null;
    state.castCount++;
    state.encrypted = null;
    state.busy = false;
    go('cast');
    announce(t('booth.castDone'));
  } catch (e) {
    state.busy = false;
    if (e instanceof ApiError && e.code === 'voter-sign-in-required') { // voter sign-in: the session ended meanwhile
      signIn.voter = null;
      signIn.error = t('booth.signInExpired');
      go('sign-in', 'sign-in-who');
      return;
    }
    state.actionError = e instanceof ApiError && e.code === 'wrong-phase' ? t('booth.closed')
      : e instanceof ApiError && (e.code === 'voter-bound-to-other-credential' || e.code === 'credential-bound-to-other-voter') ? t(e.code === 'voter-bound-to-other-credential' ? 'booth.signInOtherCredential' : 'booth.signInCredentialTaken') // voter sign-in
      : errorText(e);
    state.actionCode = e instanceof ApiError ? e.code : '';
    rerender();
    focus(document.querySelector<HTMLElement>('[role=alert]'));
  }
}

function renderCast(): Child {
  const { receipt, signatureOk } = state.cast!;
  const id = encodeURIComponent(state.electionId);
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t('booth.castTitle')),
    signatureOk ? okBox(t('booth.receiptValid')) : errorBox(t('booth.receiptInvalid')),
    trackingCodeBlock(receipt.trackingCode),
    h('dl', { class: 'facts' },
      h('dt', null, t('booth.receiptSeq')), h('dd', null, String(receipt.seq)),
      h('dt', null, t('booth.receiptHash')), h('dd', { class: 'mono' }, receipt.hash)),
    h('p', null, t('booth.keepCode')),
    state.receiptNotKept ? h('div', { class: 'notice warning', id: 'receipt-not-kept', role: 'alert' }, t('booth.receiptNotKept')) : h('p', { class: 'hint', id: 'receipt-kept' }, t('booth.receiptKept')),
    h('p', null, h('a', { href: `/board/${id}#tracking=${receipt.trackingCode}` }, t('booth.findOnBoard'))),
    infoBox(t('booth.revoteRule')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onClick: () => download(`veche-receipt-${safeName(state.electionId)}-${receipt.trackingCode.slice(0, 12)}.json`, JSON.stringify(receipt, null, 2)) }, t('booth.downloadReceipt')),
      h('button', { type: 'button', id: 'vote-again', onClick: () => { state.drafts = freshDrafts(); state.problems = {}; state.cast = null; go('ballot'); } }, t('booth.voteAgain')),
      countedButton('cast')));
}

// ---- "Check that my ballot was counted" -----------------------------------------------------------

/** The receipts to check: this session's, then those of the loaded file (each named by where it came from). */
function receiptsToCheck(): { label: string; parsed: ParsedReceipt }[] {
  const own = state.receipts.map((receipt, i) => ({ label: t('booth.receiptFromSession', { n: i + 1 }), parsed: { line: i + 1, receipt, error: null } }));
  const loaded = state.loaded.map((parsed) => ({ label: t('booth.receiptFromFile', { file: state.loadedName, line: parsed.line }), parsed }));
  return [...own, ...loaded];
}

async function loadReceiptFile(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) return;
  try {
    state.loaded = parseReceiptsFile(await readFile(file));
    state.loadedName = file.name;
    state.countError = state.loaded.length === 0 ? t('booth.receiptFileEmpty') : '';
  } catch (e) {
    state.loaded = [];
    state.countError = errorText(e);
  }
  state.countReport = null;
  rerender();
  announce(state.countError || tn('booth.receiptsLoaded', state.loaded.length));
  focus(document.getElementById('receipt-file'));
}

/** Fetches the whole record, checks that it extends the one checked before, and checks every receipt against it. */
async function checkCounted(): Promise<void> {
  const items = receiptsToCheck();
  if (state.counting || items.length === 0) return;
  state.counting = true;
  state.countError = '';
  state.countReport = null;
  rerender();
  announce(t('booth.countChecking'));
  await nextPaint();
  try {
    const lines = await api.recordLines(state.electionId);
    // The record must begin with exactly the lines checked before the ballot was shown: a server that
    // shows the receipt check another election, or a rewritten start, is caught here.
    const prefix = state.checkedLines;
    if (lines.length < prefix.length || prefix.some((line, i) => lines[i] !== line)) throw new Error(t('booth.recordChanged'));
    state.countReport = await checkReceipts(linesSource(lines), items.map((i) => i.parsed));
  } catch (e) {
    state.countError = errorText(e);
  }
  state.counting = false;
  rerender();
  const report = state.countReport;
  announce(report ? countSummary(report) : state.countError);
  focus(document.getElementById(report ? 'count-heading' : 'count-error'));
}

type CountedKind = 'counted' | 'on-record-open' | 'replaced-by-own' | 'replaced-for-now' | 'superseded' | 'revoked' | 'missing' | 'invalid';

/** The receipt's outcome in the voter's words (the check's message adds the details, in English). */
function countedKind(c: ReceiptCheck, final: boolean): CountedKind {
  if (c.status !== 'present') return c.status;
  if (/own later ballot/.test(c.message)) return 'replaced-by-own';
  if (/replaces it for now/.test(c.message)) return 'replaced-for-now';
  return final ? 'counted' : 'on-record-open';
}

function countSummary(r: ReceiptsReport): string {
  if (r.ok) return t(r.final ? 'booth.countAllCounted' : 'booth.countAllOnRecord');
  return t('booth.countProblems');
}

function renderCounted(): Child {
  const items = receiptsToCheck();
  const report = state.countReport;
  const back = state.backTo;
  return h('section', { class: 'card' },
    h('h2', { id: 'screen-heading' }, t('booth.countedTitle')),
    h('p', null, t('booth.countedIntro')),
    h('p', null, state.receipts.length === 0 ? t('booth.sessionReceiptsNone') : tn('booth.sessionReceipts', state.receipts.length)),
    h('div', { class: 'field' },
      h('label', { for: 'receipt-file' }, t('booth.receiptFileLabel')),
      h('p', { class: 'hint', id: 'receipt-file-hint' }, t('booth.receiptFileHint')),
      h('input', { id: 'receipt-file', type: 'file', accept: '.json,.jsonl,application/json,text/plain', 'aria-describedby': 'receipt-file-hint', disabled: state.counting, onChange: (e: Event) => void loadReceiptFile(e.target as HTMLInputElement) }),
      state.loaded.length > 0 ? h('p', { class: 'hint' }, tn('booth.receiptsLoaded', state.loaded.length)) : null),
    state.countError ? h('div', { class: 'notice error', role: 'alert', id: 'count-error', tabindex: '-1' }, state.countError) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'run-count-check', disabled: state.counting || items.length === 0, onClick: () => void checkCounted() },
        state.counting ? t('booth.countChecking') : t('booth.countCheck')),
      h('button', { type: 'button', id: 'count-back', onClick: () => go(back) }, t('booth.back'))),
    items.length === 0 ? h('p', { class: 'hint' }, t('booth.noReceiptsYet')) : null,
    report ? renderCountReport(report, items.map((i) => i.label)) : null);
}

function renderCountReport(report: ReceiptsReport, labels: string[]): HTMLElement {
  return h('div', { id: 'count-report' },
    h('h3', { id: 'count-heading', tabindex: '-1' }, t('booth.countResultTitle')),
    report.ok ? okBox(countSummary(report)) : errorBox(countSummary(report)),
    report.final ? null : infoBox(t('booth.countNotFinal')),
    h('ul', { class: 'receipt-checks' }, report.checks.map((c, i) => {
      const kind = countedKind(c, report.final);
      return h('li', { class: `receipt-check ${kind}`, 'data-status': kind },
        h('p', null, h('strong', null, labels[i] ?? ''), c.trackingCode ? [' · ', t('booth.trackingCode'), ' ', h('span', { class: 'mono' }, `${c.trackingCode.slice(0, 16)}…`)] : null),
        h('p', null, t(`booth.counted.${kind}`)),
        h('p', { class: 'hint' }, c.message));
    })));
}

startPage({ titleKey: 'booth.title', render });
void load();
