// The trustee's page: /trustee/:id/:trusteeId#token=…
// The secret is made in this browser and kept in a file on the trustee's own machine; later steps
// re-open that file here. Only public values (commitments, encrypted shares, proofs) are posted.
import { baseMul, decodeScalar, encodePoint } from '../../src/crypto/group.js';
import { encodeSchnorr, proveSchnorr } from '../../src/crypto/proofs/schnorr.js';
import {
  coefficientContext, encryptionKeyContext, finishKeyCeremony, generateTrusteeKey, makeShares, TAG_COEFFICIENT, TAG_ENCRYPTION_KEY, type TrusteeSecret,
} from '../../src/keyceremony/trustee.js';
import { makeDecryptionShare } from '../../src/tally/decrypt.js';
import type { PayloadByType, TrusteeKeyPayload } from '../../src/record/events.js';
import { api, ApiError, errorText, type ElectionInfo, type TrusteeStatus } from '../lib/api.js';
import { announce, byId, h, type Child } from '../lib/dom.js';
import { download, safeName } from '../lib/files.js';
import { t } from '../lib/i18n.js';
import { errorBox, infoBox, okBox, pathParts, rerender, runAction, sayStatus, setTitle, startPage, takeFragmentParam } from '../lib/page.js';
import { phaseBadge } from '../lib/phase.js';

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

const state = {
  token: initialToken(),
  info: null as ElectionInfo | null,
  loadError: '',
  secret: null as TrusteeSecret | null,
  /** A generated key not yet on the board. */
  pending: null as TrusteeKeyPayload | null,
  secretDownloaded: false,
  busy: false,
  message: '',
  messageOk: true,
};

const me = (): TrusteeStatus | undefined => state.info?.trustees.find((x) => x.id === trusteeId);
const all = (f: (x: TrusteeStatus) => boolean) => !!state.info && state.info.trustees.every(f);
const secretFileName = (final: boolean) => `veche-trustee-${safeName(electionId)}-${safeName(trusteeId)}${final ? '-final' : ''}.json`;

/** Loads the election's status; `quiet`: render only if something changed (a poll must not disturb typing). */
async function load(quiet = false): Promise<void> {
  const before = JSON.stringify(state.info);
  try {
    state.info = await api.election(electionId);
    setTitle(state.info.manifest.title);
    state.loadError = me() ? '' : t('trustee.unknownTrustee', { id: trusteeId });
  } catch (e) {
    state.loadError = e instanceof ApiError && e.status === 404 ? t('trustee.noElection', { id: electionId }) : errorText(e);
  }
  if (!quiet || JSON.stringify(state.info) !== before) rerender();
}

const say = (message: string, ok: boolean) => sayStatus(state, message, ok);

/** Runs one step: busy while it runs, its outcome said, the status reloaded. */
const step = (run: () => Promise<string>) => runAction(state, run, () => load(true),
  (e) => (e instanceof ApiError && e.status === 401 ? t('trustee.badToken') : errorText(e)));

/** The public key payload again from the secret file (fresh proofs), for a key made but not yet posted. */
function publishedFromSecret(secret: TrusteeSecret): TrusteeKeyPayload {
  const election = state.info!.electionHash;
  const coefficients = secret.coefficients.map((c) => decodeScalar(c));
  const commitments = coefficients.map((a) => baseMul(a));
  const e = decodeScalar(secret.encryptionSecret);
  const E = baseMul(e);
  return {
    trustee: secret.trustee,
    index: secret.index,
    commitments: commitments.map(encodePoint),
    proofs: coefficients.map((a, j) => encodeSchnorr(proveSchnorr(TAG_COEFFICIENT, coefficientContext(election, secret.trustee, secret.index, j), a, commitments[j]!))),
    encryptionKey: encodePoint(E),
    encryptionProof: encodeSchnorr(proveSchnorr(TAG_ENCRYPTION_KEY, encryptionKeyContext(election, secret.trustee, secret.index), e, E)),
  };
}

function payloads<T extends keyof PayloadByType>(events: { type: string; payload: unknown }[], type: T): PayloadByType[T][] {
  return events.filter((e) => e.type === type).map((e) => e.payload as PayloadByType[T]);
}

function myIndex(): number {
  return state.info!.manifest.trustees.findIndex((x) => x.id === trusteeId) + 1;
}

// ---- steps ----------------------------------------------------------------------------------------

function generate(): void {
  const info = state.info!;
  const { secret, published } = generateTrusteeKey(info.electionHash, trusteeId, myIndex(), info.manifest.threshold);
  state.secret = secret;
  state.pending = published;
  saveSecret(false);
  say(t('trustee.generated'), true);
}

function saveSecret(final: boolean): void {
  download(secretFileName(final), JSON.stringify(state.secret, null, 2) + '\n');
  state.secretDownloaded = true;
}

const publishKey = () => step(async () => {
  const payload = state.pending ?? publishedFromSecret(state.secret!);
  await api.trusteePost(state.token, electionId, trusteeId, 'key', payload);
  state.pending = null;
  return t('trustee.keyPublished');
});

const sendShares = () => step(async () => {
  const keys = payloads(await api.events(electionId, ['trustee-key']), 'trustee-key');
  await api.trusteePost(state.token, electionId, trusteeId, 'shares', makeShares(state.secret!, keys));
  return t('trustee.sharesSent');
});

const finish = () => step(async () => {
  const events = await api.events(electionId, ['trustee-key', 'trustee-shares']);
  const done = finishKeyCeremony(state.secret!, payloads(events, 'trustee-key'), payloads(events, 'trustee-shares'));
  // The share s_l is only in the updated file: it is offered before anything is posted.
  state.secret = done.secret;
  saveSecret(true);
  await api.trusteePost(state.token, electionId, trusteeId, 'ready', done.ready);
  return t('trustee.ready');
});

const decrypt = () => step(async () => {
  if (!state.secret!.share) throw new Error(t('trustee.needFinalFile'));
  const [tally] = payloads(await api.events(electionId, ['tally']), 'tally');
  if (!tally) throw new Error(t('trustee.noTally'));
  await api.trusteePost(state.token, electionId, trusteeId, 'decryption', makeDecryptionShare(state.secret!, tally.sums));
  return t('trustee.decrypted');
});

async function openSecret(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) return;
  let secret: TrusteeSecret;
  try {
    secret = JSON.parse(await file.text()) as TrusteeSecret;
    if (secret?.version !== 'veche/trustee-secret/v1' || !Array.isArray(secret.coefficients) || typeof secret.encryptionSecret !== 'string') throw new Error(t('trustee.notSecretFile'));
    if (secret.election !== state.info!.electionHash) throw new Error(t('trustee.otherElection'));
    if (secret.trustee !== trusteeId || secret.index !== myIndex()) throw new Error(t('trustee.otherTrustee', { id: String(secret.trustee) }));
    secret.coefficients.forEach((c) => decodeScalar(c));
    decodeScalar(secret.encryptionSecret);
    if (secret.share !== undefined) decodeScalar(secret.share);
  } catch (e) {
    state.secret = null;
    say(e instanceof SyntaxError ? t('trustee.notSecretFile') : errorText(e), false);
    return;
  }
  state.secret = secret;
  say(t(secret.share ? 'trustee.secretOpenedFinal' : 'trustee.secretOpened'), true);
}

// ---- rendering ------------------------------------------------------------------------------------

function statusTable(info: ElectionInfo): HTMLElement {
  const mark = (v: boolean) => (v ? h('span', { class: 'yes' }, t('common.yes')) : h('span', { class: 'no' }, t('common.no')));
  return h('div', { class: 'table-wrap' }, h('table', null,
    h('caption', null, t('trustee.statusCaption')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('trustee.colTrustee')), h('th', { scope: 'col' }, t('trustee.colKey')), h('th', { scope: 'col' }, t('trustee.colShares')),
      h('th', { scope: 'col' }, t('trustee.colReady')), h('th', { scope: 'col' }, t('trustee.colDecrypted')))),
    h('tbody', null, info.trustees.map((x) => h('tr', { class: x.id === trusteeId ? 'highlight' : null },
      h('th', { scope: 'row' }, x.name, x.id === trusteeId ? ` (${t('trustee.you')})` : ''),
      h('td', null, mark(x.keyPublished)), h('td', null, mark(x.sharesSent)), h('td', null, mark(x.ready)), h('td', null, mark(x.decrypted)))))));
}

function secretInput(): Child {
  return h('div', { class: 'field' },
    h('label', { for: 'secret-file' }, t('trustee.openSecret')),
    h('p', { class: 'hint', id: 'secret-hint' }, t('trustee.openSecretHint')),
    h('input', { id: 'secret-file', type: 'file', accept: '.json,application/json', 'aria-describedby': 'secret-hint', disabled: state.busy, onChange: (e: Event) => void openSecret(e.target as HTMLInputElement) }),
    state.secret ? h('p', { class: 'yes' }, t(state.secret.share ? 'trustee.secretLoadedFinal' : 'trustee.secretLoaded')) : null);
}

/** The one thing this trustee should do now. */
function nextAction(info: ElectionInfo): Child {
  const m = me()!;
  const button = (id: string, label: string, run: () => void, enabled = true) => h('button', { type: 'button', class: 'primary', id, disabled: state.busy || !enabled, onClick: run }, label);
  if (!m.keyPublished) {
    if (info.phase !== 'setup') return infoBox(t('trustee.tooLate'));
    return h('div', null,
      h('h3', null, t('trustee.step1')),
      h('p', null, t('trustee.step1Text')),
      state.secret
        ? [
            h('p', null, t('trustee.secretSaved')),
            h('div', { class: 'actions' },
              button('publish-key', t('trustee.publishKey'), () => void publishKey(), state.secretDownloaded || !state.pending),
              h('button', { type: 'button', id: 'download-secret', onClick: () => saveSecret(false) }, t('trustee.downloadAgain'))),
          ]
        : [
            h('div', { class: 'actions' }, button('generate', t('trustee.generate'), generate)),
            h('p', { class: 'hint' }, t('trustee.orOpen')),
            secretInput(),
          ]);
  }
  if (!m.sharesSent) {
    if (!all((x) => x.keyPublished)) return infoBox(t('trustee.waitKeys'));
    return h('div', null, h('h3', null, t('trustee.step2')), h('p', null, t('trustee.step2Text')), secretInput(),
      h('div', { class: 'actions' }, button('send-shares', t('trustee.sendShares'), () => void sendShares(), !!state.secret)));
  }
  if (!m.ready) {
    if (!all((x) => x.sharesSent)) return infoBox(t('trustee.waitShares'));
    return h('div', null, h('h3', null, t('trustee.step3')), h('p', null, t('trustee.step3Text')), secretInput(),
      h('div', { class: 'actions' }, button('finish', t('trustee.finish'), () => void finish(), !!state.secret)));
  }
  if (info.phase === 'setup' || info.phase === 'open' || info.phase === 'closed') {
    return [
      okBox(t('trustee.ceremonyDone')),
      state.secret?.share ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'download-secret', onClick: () => saveSecret(true) }, t('trustee.downloadFinal'))) : null,
      infoBox(t('trustee.waitTally')),
    ];
  }
  if (info.phase === 'tallied' && !m.decrypted) {
    return h('div', null, h('h3', null, t('trustee.step4')), h('p', null, t('trustee.step4Text')), secretInput(),
      h('div', { class: 'actions' }, button('decrypt', t('trustee.decrypt'), () => void decrypt(), !!state.secret?.share)));
  }
  return okBox(m.decrypted ? t('trustee.allDone') : t('trustee.nothingToDo'));
}

function render(): Child {
  const info = state.info;
  const top = [h('p', { class: 'kicker' }, t('trustee.title')), h('h1', null, info ? info.manifest.title : t('trustee.title'))];
  if (state.loadError) return [top, errorBox(state.loadError)];
  if (!info) return [top, h('p', { class: 'loading' }, t('page.loading'))];
  if (!state.token) {
    return [top, h('section', { class: 'card' },
      h('h2', null, t('trustee.tokenTitle')),
      h('form', { onSubmit: (e: Event) => {
        e.preventDefault();
        state.token = byId<HTMLInputElement>('token').value.trim();
        try { sessionStorage.setItem(TOKEN_KEY, state.token); } catch { /* memory only */ }
        rerender();
      } },
        h('div', { class: 'field' }, h('label', { for: 'token' }, t('trustee.tokenLabel')), h('input', { id: 'token', type: 'password', class: 'mono wide', autocomplete: 'off', required: true })),
        h('button', { type: 'submit', class: 'primary' }, t('common.continue'))))];
  }
  const m = me()!;
  return [
    top,
    h('section', { class: 'card' },
      h('h2', null, t('trustee.youAre', { name: m.name })),
      h('p', null, t('trustee.intro', { threshold: info.manifest.threshold, n: info.trustees.length })),
      h('p', null, phaseBadge(info.phase))),
    h('section', { class: 'card', 'aria-labelledby': 'todo-heading' },
      h('h2', { id: 'todo-heading' }, t('trustee.todo')),
      h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null),
      state.busy ? h('p', { class: 'loading' }, t('common.working')) : null,
      nextAction(info)),
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
