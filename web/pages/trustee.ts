// The trustee's page: /trustee/:id/:trusteeId#token=…
// The trustee's signing key is made in this browser before the election exists (its public half goes to
// the organiser for the manifest); it is kept in this browser's storage and offered as a file, the same
// as `veche trustee init` writes. With the trustee's token the page then runs the key ceremony step by
// step (commit, reveal, shares, finish) and later decrypts. Before every step it fetches the whole
// record and checks it with the verifier's own modules (src/keyceremony/board-check.ts): the record
// verifies so far, extends what this trustee saw before, and holds exactly what it submitted. Before
// decrypting it also recounts the tally from the ballots. On any doubt it stops and sends nothing.
import { commitTrusteeKey, finishKeyCeremony, keyCommitment, makeShares, newTrustee, revealTrusteeKey, type TrusteeSecret } from '../../src/keyceremony/trustee.js';
import { BoardCheckError, checkBoardForTrustee, noteSubmitted } from '../../src/keyceremony/board-check.js';
import { trusteesAtFault } from '../../src/keyceremony/ceremony.js';
import { makeDecryptionShare } from '../../src/tally/decrypt.js';
import { signPayload, signingSecret } from '../../src/record/signature.js';
import type { Verification } from '../../src/verify/record-check.js';
import { api, ApiError, errorText, type ElectionInfo, type TrusteeStatus } from '../lib/api.js';
import { announce, byId, h, type Child } from '../lib/dom.js';
import { download, safeName } from '../lib/files.js';
import { t, tn } from '../lib/i18n.js';
import { errorBox, infoBox, okBox, pathParts, rerender, runAction, sayStatus, setTitle, startPage, takeFragmentParam, tokenForm as sharedTokenForm } from '../lib/page.js';
import { phaseBadge } from '../lib/phase.js';
import { fetchRecordLines, loadTrustee, parseTrusteeSecret, postJson, saveTrustee, secretFileText } from '../lib/trustee-store.js';
import { MixRefusal, type RankedStatus, type RankedStep, type StepPhase, type StepProgress } from '../lib/trustee-mix.js'; // ranked
import { fetchRankedStatus, runRankedStep } from '../lib/trustee-mix-client.js'; // ranked
import type { Arithmetic } from '../lib/trustee-mix-arithmetic.js'; // ranked: the worker's arithmetic

const [, electionId = '', trusteeId = ''] = pathParts();
const TOKEN_KEY = `veche-trustee-token:${electionId}:${trusteeId}`;

function initialToken(): string {
  const fromLink = takeFragmentParam('token');
  if (fromLink) {
    try { sessionStorage.setItem(TOKEN_KEY, fromLink); } catch { /* kept in memory only */ }
    return fromLink;
  }
  try { return sessionStorage.getItem(TOKEN_KEY) ?? ''; } catch { return ''; }
}

/** The server's status of a trustee (v2 adds the commitment and complaints). */
type TrusteeRow = TrusteeStatus & { committed?: boolean; complained?: boolean; atFault?: boolean };

const state = {
  token: initialToken(),
  info: null as ElectionInfo | null,
  /** The election does not exist (yet): the trustee can still make its signing key. */
  noElection: false,
  loadError: '',
  secret: loadTrustee(electionId, trusteeId),
  storageFailed: false,
  busy: false,
  message: '',
  messageOk: true,
  // ranked (spec §20): the mix events seen (refetched when the board grows), and the step running
  ranked: null as RankedStatus | null,
  rankedHead: -1,
  rankedPhase: null as StepPhase | 'fetch' | 'send' | null,
  rankedRows: 0,
  rankedRead: 0,
  rankedTotal: 0,
  rankedStarted: 0,
  // ranked: the arithmetic the worker runs on (said on the page), and its last step's rows and time
  rankedArithmetic: null as Arithmetic | null,
  rankedLast: null as { rows: number; ms: number } | null,
};

const rows = (): TrusteeRow[] => (state.info?.trustees ?? []) as TrusteeRow[];
const me = (): TrusteeRow | undefined => rows().find((x) => x.id === trusteeId);
const all = (f: (x: TrusteeRow) => boolean) => rows().length > 0 && rows().every(f);
const nameOf = (id: string) => state.info?.manifest.trustees.find((x) => x.id === id)?.name ?? id;
const secretFileName = () => `veche-trustee-${safeName(electionId)}-${safeName(trusteeId)}.json`;
const keyInManifest = () => state.info?.manifest.trustees.find((x) => x.id === trusteeId)?.signingKey ?? null;

/** Loads the election's status; `quiet`: render only if something changed (a poll must not disturb typing). */
async function load(quiet = false): Promise<void> {
  const before = JSON.stringify([state.info, state.noElection, state.loadError, state.ranked]);
  try {
    state.info = await api.election(electionId);
    state.noElection = false;
    setTitle(state.info.manifest.title);
    state.loadError = me() ? '' : t('trustee.unknownTrustee', { id: trusteeId });
    await loadRankedStatus(state.info);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      state.info = null;
      state.noElection = true;
      state.loadError = '';
    } else {
      state.loadError = errorText(e);
    }
  }
  if (!quiet || JSON.stringify([state.info, state.noElection, state.loadError, state.ranked]) !== before) rerender();
}

// ---- ranked questions (spec §20) -->
const hasRanked = (info: ElectionInfo) => info.manifest.questions.some((q) => q.type === 'ranked');
const rankedPhaseOpen = (info: ElectionInfo) => info.phase === 'closed' || info.phase === 'tallied' || info.phase === 'decrypted';

/** The mix events, fetched again only when the board has grown (a 10,000-row mix is megabytes). */
async function loadRankedStatus(info: ElectionInfo): Promise<void> {
  if (!hasRanked(info) || !rankedPhaseOpen(info) || info.headSeq === state.rankedHead) return;
  try {
    state.ranked = await fetchRankedStatus(electionId);
    state.rankedHead = info.headSeq;
  } catch {
    // Only the status shown: kept as it was, and fetched again at the next poll.
  }
}
// <-- ranked

const say = (message: string, ok: boolean) => sayStatus(state, message, ok);

function persist(secret: TrusteeSecret): void {
  state.secret = secret;
  state.storageFailed = !saveTrustee(electionId, secret);
}

// ---- the signing key ----------------------------------------------------------------------------------

function makeKey(): void {
  persist(newTrustee(trusteeId));
  downloadSecret();
  say(t('trustee.keyMade'), true);
}

function downloadSecret(): void {
  if (state.secret) download(secretFileName(), secretFileText(state.secret));
}

async function openSecret(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) return;
  let secret: TrusteeSecret;
  // Every refusal names the file this page needs: the one it saved for this trustee of this election.
  const needed = ` ${t('trustee.neededFile', { file: secretFileName(), trustee: trusteeId })}`;
  try {
    secret = parseTrusteeSecret(await file.text(), trusteeId);
    if (state.info && secret.election !== undefined && secret.election !== state.info.electionHash) throw new Error(t('trustee.otherElection'));
    const inManifest = keyInManifest();
    if (inManifest !== null && secret.signing.key !== inManifest) throw new Error(t('trustee.otherSigningKey'));
    const me = state.info?.trustees.find((x) => x.id === trusteeId);
    // The file is saved anew at the commit and finish steps: an older copy lacks what the board already holds.
    if ((me?.committed && secret.coefficients === undefined) || (me?.ready && secret.share === undefined)) throw new Error(t('trustee.staleSecret', { file: file.name }));
  } catch (e) {
    say(errorText(e) + needed, false);
    return;
  }
  persist(secret);
  say(t('trustee.secretOpened'), true);
}

// ---- the steps -----------------------------------------------------------------------------------------

class Refusal extends Error {
  override name = 'Refusal';
}

/** The whole record, checked for this trustee; the secret is kept with what it saw. Throws before anything is sent. */
async function checkedBoard(): Promise<Verification> {
  const secret = state.secret;
  if (!secret) throw new Refusal(t('trustee.noSecret'));
  const lines = await fetchRecordLines(electionId);
  let r: Awaited<ReturnType<typeof checkBoardForTrustee>>;
  try {
    r = await checkBoardForTrustee(secret, lines);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    // A tally that is not the sum of the counted ballots is named as such: the trustee must not decrypt it.
    if (/tally\.sums/.test(reason)) throw new Refusal(`${t('trustee.forgedTally')} ${reason}`);
    throw new Refusal(t('trustee.boardRefused', { reason }));
  }
  const manifest = r.verification.state.manifest;
  const mine = manifest?.trustees.find((x) => x.id === trusteeId);
  if (!manifest || !mine) throw new Refusal(t('trustee.unknownTrustee', { id: trusteeId }));
  if (mine.signingKey !== secret.signing.key) throw new Refusal(t('trustee.otherKey'));
  persist(r.secret);
  return r.verification;
}

const post = (path: string, payload: unknown) =>
  postJson<{ seq: number; hash: string }>(`/api/elections/${encodeURIComponent(electionId)}/trustees/${encodeURIComponent(trusteeId)}/${path}`, payload, state.token);

/** Posts a signed payload; once the board took it, the secret remembers it, so later checks find it there unchanged. */
async function submit(path: string, type: string, payload: unknown): Promise<void> {
  await post(path, payload);
  persist(noteSubmitted(state.secret!, type, payload));
}

/** Runs one step: busy while it runs, its outcome said, the status reloaded. A refusal sends nothing. */
const step = (run: () => Promise<string>) => runAction(state, run, () => load(true), (e) => {
  if (e instanceof Refusal) return e.message;
  if (e instanceof MixRefusal) return mixRefusalText(e); // ranked
  if (e instanceof MixRace) return t('trustee.mixRace'); // ranked
  if (e instanceof BoardCheckError) return t('trustee.boardRefused', { reason: e.message });
  if (e instanceof ApiError && e.status === 401) return t('trustee.badToken');
  return errorText(e);
});

const commit = () => step(async () => {
  const v = await checkedBoard();
  const st = v.state;
  if (st.phase !== 'setup') throw new Refusal(t('trustee.tooLate'));
  if (st.ceremony.commitments.has(trusteeId)) return t('trustee.committed');
  let secret = state.secret!;
  let commitment: unknown;
  if (secret.key && secret.election === st.electionHash) {
    // Committed here before but the board does not have it (the answer was lost): the same key again.
    commitment = signPayload(st.electionHash, { role: 'trustee', id: trusteeId }, 'trustee-commitment', { trustee: trusteeId, commitment: keyCommitment(st.electionHash, secret.key) }, signingSecret(secret.signing));
  } else {
    const done = commitTrusteeKey(secret, st.electionHash, st.manifest!);
    secret = done.secret;
    commitment = done.commitment;
    // The key material is kept before anything is sent: it is what the commitment binds.
    persist(secret);
  }
  await submit('commitment', 'trustee-commitment', commitment);
  return t('trustee.committed');
});

const reveal = () => step(async () => {
  const st = (await checkedBoard()).state;
  const n = st.manifest!.trustees.length;
  if (st.ceremony.commitments.size !== n) throw new Refusal(t('trustee.waitCommitments'));
  const key = revealTrusteeKey(state.secret!);
  if (st.ceremony.commitments.get(trusteeId) !== keyCommitment(st.electionHash, key)) throw new Refusal(t('trustee.commitmentMismatch'));
  await submit('key', 'trustee-key', key);
  return t('trustee.keyPublished');
});

const sendShares = () => step(async () => {
  const st = (await checkedBoard()).state;
  const trustees = st.manifest!.trustees;
  if (st.ceremony.keys.size !== trustees.length) throw new Refusal(t('trustee.waitKeys'));
  await submit('shares', 'trustee-shares', makeShares(state.secret!, trustees.map((x) => st.ceremony.keys.get(x.id)!)));
  return t('trustee.sharesSent');
});

/** A complaint ends the ceremony: said as an error, not as a step done. */
class CeremonyStopped extends Error {}

const finish = () => step(async () => {
  const st = (await checkedBoard()).state;
  const trustees = st.manifest!.trustees;
  if (st.ceremony.shares.size !== trustees.length) throw new Refusal(t('trustee.waitShares'));
  const done = finishKeyCeremony(state.secret!, trustees.map((x) => st.ceremony.keys.get(x.id)!), trustees.map((x) => st.ceremony.shares.get(x.id)!));
  if (done.kind === 'ready') {
    // The share s_l is kept before the readiness is sent: it is what decrypts later.
    persist(done.secret);
    await submit('ready', 'trustee-ready', done.ready);
    return t('trustee.ready');
  }
  for (const c of done.complaints) await submit('complaint', 'trustee-complaint', c);
  const accused = done.complaints.map((c) => nameOf(c.against)).join(', ');
  // The record judges each complaint: say who it names as at fault.
  let atFault = accused;
  try { atFault = trusteesAtFault((await checkedBoard()).state.ceremony).map(nameOf).join(', ') || accused; } catch { /* said as accused */ }
  throw new CeremonyStopped(t('trustee.complained', { accused, atFault }));
});

const decrypt = () => step(async () => {
  if (!state.secret?.share) throw new Refusal(t('trustee.needShare'));
  const v = await checkedBoard();
  const st = v.state;
  if (st.phase !== 'tallied' || !st.tally) throw new Refusal(t('trustee.noTally'));
  // The tally must be the sum of the counted ballots, recounted here from the record.
  const sums = v.report.checks.find((c) => c.id === 'tally.sums');
  if (!sums || sums.failed > 0 || sums.passed === 0) throw new Refusal(t('trustee.forgedTally'));
  if (st.decryptionShares.some((s) => s.trustee === trusteeId)) return t('trustee.decrypted');
  await submit('decryption', 'decryption-share', makeDecryptionShare(state.secret!, st.tally.sums));
  return tn('trustee.decryptedChecked', st.tally.ballots, { ballots: st.tally.ballots });
});

// ---- the ranked steps (spec §20.3, §20.4): in a web worker, after the whole record is checked -->

/** The board took another trustee's shuffle first: this one was made on an input no longer next. */
class MixRace extends Error {}

function mixRefusalText(e: MixRefusal): string {
  const d = e.detail;
  switch (e.code) {
    case 'mix-rows': return t(Number(d.rowsOut) < Number(d.rowsIn) ? 'trustee.mixDropped' : 'trustee.mixAdded', { mixer: nameOf(String(d.mixer)), question: String(d.question), rowsIn: Number(d.rowsIn), rowsOut: Number(d.rowsOut), reason: e.message });
    case 'mix-broken': return t('trustee.mixBroken', { mixer: nameOf(String(d.mixer)), reason: e.message });
    case 'mix-decryption-broken': return t('trustee.mixDecryptionBroken', { reason: e.message });
    case 'record': return t('trustee.boardRefused', { reason: e.message });
    case 'no-ranked': return t('trustee.mixNoRanked');
    case 'not-closed': return t('trustee.mixNotClosed');
    case 'already-mixed': return t('trustee.mixAlready');
    case 'already-decrypted': return t('trustee.mixDecryptAlready');
    case 'mixes-done': return t('trustee.mixesDone');
    case 'mixes-missing': return t('trustee.mixesMissing', { done: Number(d.done), needed: Number(d.needed) });
    case 'result-published': return t('trustee.rankedPublished');
    case 'no-share': return t('trustee.needShare');
    case 'other-election': return t('trustee.otherElection');
  }
}

const phaseText = (): string => {
  const p = state.rankedPhase;
  if (p === 'shuffle' || p === 'decrypt') return t(`trustee.mixPhase.${p}`, { rows: state.rankedRows });
  return t(`trustee.mixPhase.${p ?? 'fetch'}`);
};
const readText = () => t('trustee.mixRead', { read: state.rankedRead, total: state.rankedTotal });
const elapsedText = () => t('trustee.mixElapsed', { seconds: Math.round((Date.now() - state.rankedStarted) / 1000) });

let elapsedTimer = 0;
/** A new phase: drawn and said in the live region; the seconds then tick in place (no redraw). */
function setRankedPhase(p: StepPhase | 'fetch' | 'send' | null): void {
  state.rankedPhase = p;
  window.clearInterval(elapsedTimer);
  if (p === null) { rerender(); return; }
  if (p === 'fetch') state.rankedStarted = Date.now();
  rerender();
  announce(phaseText());
  elapsedTimer = window.setInterval(() => {
    const el = document.getElementById('mix-elapsed');
    if (el) el.textContent = elapsedText();
  }, 1000);
}

/** The worker's report: a new phase is drawn; the record check's count moves the bar in place. */
function onRankedProgress(p: StepProgress | { phase: 'fetch' }): void {
  if ('read' in p && p.read !== undefined) { state.rankedRead = p.read; state.rankedTotal = p.total ?? 0; }
  if ('rows' in p && p.rows !== undefined) state.rankedRows = p.rows;
  if (p.phase !== state.rankedPhase) { setRankedPhase(p.phase); return; }
  const bar = document.getElementById('mix-bar') as HTMLProgressElement | null;
  if (bar && p.phase === 'check') { bar.max = Math.max(1, state.rankedTotal); bar.value = state.rankedRead; }
  const read = document.getElementById('mix-read');
  if (read) read.textContent = readText();
}

const rankedStep = (which: RankedStep) => step(async () => {
  if (!state.secret) throw new Refusal(t('trustee.noSecret'));
  try {
    Object.assign(state, { rankedRows: 0, rankedRead: 0, rankedTotal: 0 });
    const done = await runRankedStep(which, state.secret, electionId, onRankedProgress, (a) => { state.rankedArithmetic = a; state.rankedLast = null; });
    const rows = done.rows.reduce((a, b) => a + b, 0);
    state.rankedLast = { rows, ms: done.ms };
    // The secret keeps the head it checked before anything is sent, as every step does.
    persist(done.secret);
    setRankedPhase('send');
    try {
      if (which === 'shuffle') await submit('mix', 'mix', done.payload);
      else await submit('mix-decryption', 'mix-decryption', done.payload);
    } catch (e) {
      // Another trustee's shuffle took this position (or the last one) while this one was made.
      if (which === 'shuffle' && e instanceof ApiError && (e.code === 'malformed' || e.code === 'wrong-phase' || e.code === 'duplicate') && /mix at position \d+, expected|mixes are done/.test(e.message)) throw new MixRace();
      throw e;
    }
    return which === 'shuffle'
      ? t('trustee.mixDone', { position: done.position + 1, needed: done.needed, rows })
      : t('trustee.mixDecryptionDone', { rows });
  } finally {
    setRankedPhase(null);
  }
});

/** Which arithmetic the worker used (libsodium WebAssembly, or JavaScript and why), and the last step's time a row. */
function arithmeticLine(): Child {
  const a = state.rankedArithmetic;
  if (!a) return null;
  const last = state.rankedLast;
  const msPerRow = last && last.rows > 0 ? last.ms / last.rows : null;
  return h('p', { class: 'hint', id: 'mix-arithmetic', 'data-arithmetic': a.name, ...(msPerRow !== null ? { 'data-ms-per-row': msPerRow.toFixed(2) } : {}) },
    a.name === 'sodium' ? t('trustee.mixArithmetic.sodium') : t('trustee.mixArithmetic.noble', { reason: a.reason }),
    last && msPerRow !== null ? ` ${t('trustee.mixArithmeticTime', { rows: last.rows, seconds: (last.ms / 1000).toFixed(1), ms: msPerRow.toFixed(1) })}` : '');
}

/** The ranked steps' part of "what to do now": after the poll closes, this trustee's shuffle or decryption. */
function rankedAction(info: ElectionInfo): Child {
  if (!hasRanked(info)) return null;
  const m = me()!;
  const needed = info.manifest.threshold;
  const r = state.ranked;
  const button = (id: string, label: string, run: () => void) => h('button', { type: 'button', class: 'primary', id, disabled: state.busy, onClick: run }, label);
  const status = r ? h('ul', { class: 'plain', id: 'ranked-status' },
    h('li', null, t('trustee.mixesSoFar', { done: r.mixers.length, needed }), r.mixers.length > 0 ? ` ${t('trustee.mixedBy', { names: r.mixers.map(nameOf).join(', ') })}` : ''),
    h('li', null, t('trustee.mixDecryptionsSoFar', { done: r.decrypted.length, needed }))) : null;
  let action: Child;
  if (!rankedPhaseOpen(info)) action = infoBox(t('trustee.rankedWaitClose'));
  else if (!r) action = h('p', { class: 'loading' }, t('page.loading'));
  else if (r.published || info.phase === 'decrypted') action = okBox(t('trustee.rankedPublished'));
  else if (!state.secret) action = infoBox(t('trustee.noSecret'));
  else if (r.mixers.length < needed && !r.mixers.includes(trusteeId)) {
    // A shuffle needs only the signing key; the decryption needs the key ceremony's share too.
    action = [h('h4', null, t('trustee.stepShuffle', { position: r.mixers.length + 1, needed })), h('p', null, t('trustee.stepShuffleText')), h('div', { class: 'actions' }, button('shuffle', t('trustee.shuffle'), () => void rankedStep('shuffle')))];
  } else if (r.mixers.length < needed) action = okBox(t('trustee.mixedWait'));
  else if (!r.decrypted.includes(trusteeId)) {
    action = !m.ready || !state.secret.share ? errorBox(t('trustee.needShare')) : [h('h4', null, t('trustee.stepMixDecrypt')), h('p', null, t('trustee.stepMixDecryptText')), h('div', { class: 'actions' }, button('decrypt-mix', t('trustee.decryptMix'), () => void rankedStep('decrypt-mix')))];
  } else action = okBox(t('trustee.mixDecryptedWait'));
  const checking = state.rankedPhase === 'check' && state.rankedTotal > 0;
  const progress = state.rankedPhase ? h('div', { class: 'mix-progress', id: 'mix-progress' },
    h('p', { id: 'mix-phase' }, phaseText()),
    // A measured bar while the record is read; after that the shuffle or decryption has no count to show.
    h('progress', { id: 'mix-bar', 'aria-labelledby': 'mix-phase', ...(checking ? { max: state.rankedTotal, value: state.rankedRead } : {}) }),
    checking ? h('p', { id: 'mix-read' }, readText()) : null,
    h('p', { class: 'hint', id: 'mix-elapsed' }, elapsedText()),
    h('p', { class: 'hint' }, t('trustee.mixBackground'))) : null;
  return h('div', { class: 'ranked-steps', id: 'ranked-steps' },
    h('h3', { id: 'ranked-heading' }, t('trustee.rankedTitle')),
    h('p', null, t('trustee.rankedIntro', { needed })),
    status, arithmeticLine(), progress, action);
}
// <-- ranked

// ---- rendering ------------------------------------------------------------------------------------------

function statusTable(info: ElectionInfo): HTMLElement {
  const mark = (v: boolean | undefined) => (v ? h('span', { class: 'yes' }, t('common.yes')) : h('span', { class: 'no' }, t('common.no')));
  return h('div', { class: 'table-wrap' }, h('table', null,
    h('caption', null, t('trustee.statusCaption')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('trustee.colTrustee')), h('th', { scope: 'col' }, t('trustee.colCommitted')), h('th', { scope: 'col' }, t('trustee.colKey')), h('th', { scope: 'col' }, t('trustee.colShares')),
      h('th', { scope: 'col' }, t('trustee.colReady')), h('th', { scope: 'col' }, t('trustee.colDecrypted')))),
    h('tbody', null, (info.trustees as TrusteeRow[]).map((x) => h('tr', { class: x.id === trusteeId ? 'highlight' : null },
      h('th', { scope: 'row' }, x.name, x.id === trusteeId ? ` (${t('trustee.you')})` : '', x.atFault ? ` (${t('trustee.atFaultMark')})` : ''),
      h('td', null, mark(x.committed)), h('td', null, mark(x.keyPublished)), h('td', null, mark(x.sharesSent)), h('td', null, mark(x.ready)), h('td', null, mark(x.decrypted)))))));
}

function secretInput(): Child {
  return h('div', { class: 'field' },
    h('label', { for: 'secret-file' }, t('trustee.openSecret')),
    h('p', { class: 'hint', id: 'secret-hint' }, t('trustee.openSecretHint')),
    h('input', { id: 'secret-file', type: 'file', accept: '.json,application/json', 'aria-describedby': 'secret-hint', disabled: state.busy, onChange: (e: Event) => void openSecret(e.target as HTMLInputElement) }));
}

/** The signing key: made here, shown for the organiser, downloadable, or loaded from its file. */
function keyCard(): HTMLElement {
  const s = state.secret;
  if (!s) {
    return h('section', { class: 'card', 'aria-labelledby': 'key-heading' },
      h('h2', { id: 'key-heading' }, t('trustee.keyTitle')),
      h('p', null, t('trustee.keyText')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'make-key', disabled: state.busy, onClick: makeKey }, t('trustee.makeKey'))),
      h('p', { class: 'hint' }, t('trustee.orOpen')),
      secretInput());
  }
  const manifestKey = keyInManifest();
  return h('section', { class: 'card', 'aria-labelledby': 'key-heading' },
    h('h2', { id: 'key-heading' }, t('trustee.keyTitle')),
    h('div', { class: 'field' },
      h('label', { for: 'public-key' }, t('trustee.publicKey')),
      h('p', { class: 'hint', id: 'public-key-hint' }, t('trustee.publicKeyHint')),
      h('input', { id: 'public-key', type: 'text', readonly: true, class: 'mono wide', value: s.signing.key, 'aria-describedby': 'public-key-hint' })),
    manifestKey && manifestKey !== s.signing.key ? errorBox(t('trustee.otherKey')) : null,
    manifestKey === s.signing.key ? h('p', { class: 'yes' }, t('trustee.keyInManifest')) : null,
    state.storageFailed ? errorBox(t('trustee.storageFailed')) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'download-secret', onClick: downloadSecret }, t('trustee.downloadSecret'))),
    h('p', { class: 'hint' }, t('trustee.secretFileHint')),
    manifestKey && manifestKey !== s.signing.key ? secretInput() : null);
}

/** The one thing this trustee should do now. */
function nextAction(info: ElectionInfo): Child {
  const m = me()!;
  const s = state.secret;
  const button = (id: string, label: string, run: () => void, enabled = true) => h('button', { type: 'button', class: 'primary', id, disabled: state.busy || !enabled, onClick: run }, label);
  const stepBox = (title: string, text: string, action: HTMLElement) => h('div', null, h('h3', null, title), h('p', null, text), h('p', { class: 'hint' }, t('trustee.checkFirst')), h('div', { class: 'actions' }, action));
  if (!s) return infoBox(t('trustee.noSecret'));
  if (keyInManifest() !== s.signing.key) return errorBox(t('trustee.otherKey'));
  const faulty = rows().filter((x) => x.atFault);
  if (faulty.length > 0 || rows().some((x) => x.complained)) {
    return errorBox(t('trustee.ceremonyStopped', { atFault: faulty.map((x) => x.name).join(', ') || '—' }));
  }
  if (!m.committed) {
    if (info.phase !== 'setup') return infoBox(t('trustee.tooLate'));
    return stepBox(t('trustee.step1'), t('trustee.step1Text'), button('commit', t('trustee.commit'), () => void commit()));
  }
  if (!m.keyPublished) {
    if (!all((x) => !!x.committed)) return infoBox(t('trustee.waitCommitments'));
    return stepBox(t('trustee.step2'), t('trustee.step2Text'), button('reveal', t('trustee.reveal'), () => void reveal()));
  }
  if (!m.sharesSent) {
    if (!all((x) => x.keyPublished)) return infoBox(t('trustee.waitKeys'));
    return stepBox(t('trustee.step3'), t('trustee.step3Text'), button('send-shares', t('trustee.sendShares'), () => void sendShares()));
  }
  if (!m.ready) {
    if (!all((x) => x.sharesSent)) return infoBox(t('trustee.waitShares'));
    return stepBox(t('trustee.step4'), t('trustee.step4Text'), button('finish', t('trustee.finish'), () => void finish()));
  }
  if (info.phase === 'setup' || info.phase === 'open' || info.phase === 'closed') return [okBox(t('trustee.ceremonyDone')), infoBox(t('trustee.waitTally'))];
  if (info.phase === 'tallied' && !m.decrypted) {
    if (!s.share) return errorBox(t('trustee.needShare'));
    return stepBox(t('trustee.step5'), t('trustee.step5Text'), button('decrypt', t('trustee.decrypt'), () => void decrypt()));
  }
  return okBox(m.decrypted ? t('trustee.allDone') : t('trustee.nothingToDo'));
}

function tokenForm(): HTMLElement {
  return sharedTokenForm(t('trustee.tokenTitle'), t('trustee.tokenLabel'), TOKEN_KEY, (token) => { state.token = token; rerender(); });
}

function render(): Child {
  const info = state.info;
  const top = [h('p', { class: 'kicker' }, t('trustee.title')), h('h1', null, info ? info.manifest.title : t('trustee.titleFor', { id: trusteeId }))];
  const message = h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null);
  if (state.loadError) return [top, errorBox(state.loadError)];
  if (state.noElection) {
    return [top, message, infoBox(t('trustee.beforeElection', { id: electionId, trustee: trusteeId })), keyCard(),
      h('section', { class: 'card' }, h('h2', null, t('trustee.safetyTitle')), h('p', null, t('trustee.safety')))];
  }
  if (!info) return [top, h('p', { class: 'loading' }, t('page.loading'))];
  const m = me()!;
  return [
    top,
    h('section', { class: 'card' },
      h('h2', null, t('trustee.youAre', { name: m.name })),
      h('p', null, tn('trustee.intro', info.trustees.length, { threshold: info.manifest.threshold })),
      h('p', null, phaseBadge(info.phase))),
    keyCard(),
    state.token ? h('section', { class: 'card', 'aria-labelledby': 'todo-heading' },
      h('h2', { id: 'todo-heading' }, t('trustee.todo')),
      message,
      state.busy && !state.rankedPhase ? h('p', { class: 'loading' }, t('common.working')) : null,
      nextAction(info),
      rankedAction(info)) : [message, tokenForm()], // ranked
    h('section', { class: 'card' },
      statusTable(info),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'refresh', disabled: state.busy, onClick: async () => { await load(); announce(t('common.refreshed')); } }, t('common.refresh')))),
    h('section', { class: 'card' }, h('h2', null, t('trustee.safetyTitle')), h('p', null, t('trustee.safety'))),
  ];
}

startPage({ titleKey: 'trustee.title', render });
void load();
// Other trustees act in their own time: the status follows without a reload.
window.setInterval(() => { if (!state.busy && document.visibilityState === 'visible') void load(true); }, 5000);
