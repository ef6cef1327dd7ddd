// The credential authority's page: /authority/:id#token=…
// The authority's signing key is made in this browser (its public half goes into the manifest) and kept
// in this browser's storage and as a file, the same as `veche credentials init` writes. With the
// authority's token it imports the voter list, checks the record so far with the verifier's own modules
// (and that the manifest names this authority's key), makes one secret credential per voter here,
// signs the public list (keys and weights) and posts it. The private list (who holds which credential)
// is only downloaded: it never goes to the server. A lost credential is revoked, signed, with a reason,
// and may be re-issued: a new credential made here, added to the board as replacing the revoked one
// (spec §6.4); a late voter is added the same way. The changed private list is downloaded again.
import { credentialKeys, issueCredentials, newCredential, type IssuedCredential } from '../../src/credentials/credentials.js';
import { newAuthority, signCredentialList, signRevocation, type AuthoritySecret } from '../../src/credentials/authority.js';
import { signCredentialsAdded } from '../../src/credentials/additions.js';
import { decodePublicKey } from '../../src/crypto/group.js';
import { MAX_REASON_LENGTH, type CredentialEntry } from '../../src/record/events.js';
import { checkRecord, linesSource } from '../../src/verify/record-check.js';
import type { VerifierState } from '../../src/verify/state.js';
import { weightExposure, type WeightExposure } from '../../src/verify/weights.js';
import { api, ApiError, errorText, linkBase, loadLinkBase, type ElectionInfo } from '../lib/api.js';
import { announce, byId, h, nextPaint, type Child } from '../lib/dom.js';
import { download, parseCsv, safeName, toCsv } from '../lib/files.js';
import { t, tn } from '../lib/i18n.js';
import { errorBox, infoBox, okBox, pathParts, rerender, runAction, sayStatus, setTitle, startPage, takeFragmentParam, tokenForm as sharedTokenForm } from '../lib/page.js';
import { phaseBadge } from '../lib/phase.js';
import { fetchRecordLines, loadAuthority, parseAuthoritySecret, postJson, saveAuthority, secretFileText } from '../lib/trustee-store.js';
import { privateListRows, readVoterList, type Mapping, type VoterRow } from '../lib/voter-list.js';
import { credentialRowCsv, credentialsOf, privateListCsv, readPrivateList as parsePrivateList, withLateVoter, withReissued, type PrivateList } from '../lib/private-list.js';

const [, electionId = ''] = pathParts();
const TOKEN_KEY = `veche-authority-token:${electionId}`;

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
  noElection: false,
  loadError: '',
  authority: loadAuthority(electionId),
  storageFailed: false,
  /** The last check of the record in this page: what it found, in words. */
  checked: '',
  voters: null as VoterRow[] | null,
  /** A voter list whose header names no known column: which column is what (the mapping step). */
  mapping: null as { header: string[]; rows: string[][]; voter: number; weight: number } | null,
  problems: [] as string[],
  exposure: null as WeightExposure | null,
  issued: null as { private: IssuedCredential[]; public: CredentialEntry[]; election: string; voters: VoterRow[] } | null,
  downloaded: false,
  /** The private list loaded for revocations and re-issues (the CSV table, every column kept). */
  privateList: null as PrivateList | null,
  /** The private list changed here (a re-issue, a late voter) and not downloaded since. */
  listChanged: false,
  /** The credential just made for one voter (re-issued or late), shown once to hand over. */
  fresh: null as { voter: string; weight: number; credential: string; link: string; replaced: boolean } | null,
  /** The late-voter form. */
  lateVoter: '',
  lateWeight: '1',
  /** The revocation form (kept here: the page is rebuilt while an action runs). */
  revokeVoter: '',
  revokeKey: '',
  revokeReason: '',
  busy: false,
  message: '',
  messageOk: true,
};

async function load(quiet = false): Promise<void> {
  const before = JSON.stringify([state.info, state.noElection, state.loadError]);
  try {
    state.info = await api.election(electionId);
    state.noElection = false;
    state.loadError = '';
    setTitle(state.info.manifest.title);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) { state.info = null; state.noElection = true; state.loadError = ''; }
    else state.loadError = errorText(e);
  }
  if (!quiet || JSON.stringify([state.info, state.noElection, state.loadError]) !== before) rerender();
}

const say = (message: string, ok: boolean, focusId = 'message') => sayStatus(state, message, ok, focusId);

class Refusal extends Error {
  override name = 'Refusal';
}

const act = (run: () => Promise<string>) => runAction(state, run, () => load(true), (e) => {
  if (e instanceof Refusal) return e.message;
  if (e instanceof ApiError && e.status === 401) return t('authority.badToken');
  return errorText(e);
});

function persist(a: AuthoritySecret): void {
  state.authority = a;
  state.storageFailed = !saveAuthority(electionId, a);
}

const secretFileName = () => `veche-authority-${safeName(electionId)}.json`;
function downloadSecret(): void {
  if (state.authority) download(secretFileName(), secretFileText(state.authority));
}

function makeKey(): void {
  persist(newAuthority());
  downloadSecret();
  say(t('authority.keyMade'), true);
}

async function openSecret(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) return;
  try {
    persist(parseAuthoritySecret(await file.text()));
  } catch (e) {
    say(errorText(e), false);
    return;
  }
  say(t('authority.secretOpened'), true);
}

/** The whole record, checked here; refuses unless it verifies so far and names this authority's key. */
async function checkedRecord(): Promise<VerifierState> {
  const authority = state.authority;
  if (!authority) throw new Refusal(t('authority.noSecret'));
  const lines = await fetchRecordLines(electionId);
  const { report, state: st, events } = await checkRecord(linesSource(lines));
  if (!report.okSoFar) {
    const failed = report.checks.filter((c) => c.failed > 0 && c.id !== 'record.complete');
    state.checked = '';
    throw new Refusal(t('authority.recordRefused', { reason: failed.map((c) => `${c.id}: ${c.failures[0]?.message ?? ''}`).join('; ') }));
  }
  if (!st.manifest) throw new Refusal(t('authority.recordRefused', { reason: 'no manifest' }));
  if (st.manifest.credentialAuthority.signingKey !== authority.signing.key) { state.checked = ''; throw new Refusal(t('authority.otherKey')); }
  state.checked = tn('authority.recordOk', events);
  return st;
}

const authorityPost = <T>(path: string, body: unknown) => postJson<T>(`/api/elections/${encodeURIComponent(electionId)}/${path}`, body, state.token);

// ---- the voter list -------------------------------------------------------------------------------------

function readVoters(text: string, mapping?: Mapping): void {
  state.problems = [];
  state.voters = null;
  state.issued = null;
  state.downloaded = false;
  state.exposure = null;
  let rows: string[][];
  try {
    rows = state.mapping && mapping ? state.mapping.rows : parseCsv(text);
  } catch (e) {
    state.problems = [errorText(e)];
    state.mapping = null;
    return;
  }
  const read = readVoterList(rows, mapping);
  if (read.kind === 'mapping') { state.mapping = { header: read.header, rows: read.rows, voter: -1, weight: -1 }; return; }
  state.mapping = null;
  if (read.kind === 'problems') { state.problems = read.problems; return; }
  state.voters = read.voters;
  state.exposure = weightExposure(read.voters.map((v) => ({ key: v.id, weight: v.weight })));
}

/** The mapping step: the columns chosen, the list read with them. */
function applyMapping(): void {
  const m = state.mapping;
  if (!m) return;
  if (m.voter < 0) { say(t('authority.mapNeedVoter'), false, 'map-voter'); return; }
  readVoters('', { voter: m.voter, weight: m.weight });
  rerender();
  announce(state.voters ? tn('authority.votersRead', state.voters.length) : tn('authority.csvProblems', state.problems.length));
}

function mappingStep(): Child {
  const m = state.mapping;
  if (!m) return null;
  const choices = (selected: number, none: string | null) => [
    none !== null ? h('option', { value: '-1', ...(selected < 0 ? { selected: true } : {}) }, none) : h('option', { value: '-1' }, t('authority.mapChoose')),
    ...m.header.map((name, i) => h('option', { value: String(i), ...(i === selected ? { selected: true } : {}) }, name.trim() || t('authority.mapColumnN', { n: i + 1 }))),
  ];
  return h('fieldset', { class: 'subgroup', id: 'mapping' },
    h('legend', null, t('authority.mapHeading')),
    h('p', null, t('authority.mapHelp')),
    h('div', { class: 'field' }, h('label', { for: 'map-voter' }, t('authority.mapVoter')),
      h('select', { id: 'map-voter', onChange: (e: Event) => { m.voter = Number((e.target as HTMLSelectElement).value); } }, choices(m.voter, null))),
    h('div', { class: 'field' }, h('label', { for: 'map-weight' }, t('authority.mapWeight')),
      h('select', { id: 'map-weight', onChange: (e: Event) => { m.weight = Number((e.target as HTMLSelectElement).value); } }, choices(m.weight, t('authority.mapNoWeight')))),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'apply-mapping', onClick: applyMapping }, t('authority.mapApply'))));
}

const exposes = (x: WeightExposure | null): x is WeightExposure => !!x && (x.always.length > 0 || x.some.length > 0 || x.majority !== null);

/** The weights' warning, shown from reading the list until it is published (text only, through h()). */
function renderWeightsWarning(x: WeightExposure | null): Child {
  if (!exposes(x)) return null;
  const MAX = 20;
  const reasons = [...x.always, ...x.some].map((c) => {
    const p = { voter: c.key, weight: c.weight };
    switch (c.rule) {
      case 'chain': return t('authority.weightsChain', p);
      case 'remainder': return t('authority.weightsRemainder', { ...p, modulus: c.modulus ?? 0 });
      case 'exact': return t('authority.weightsExact', p);
      case 'alone': return t('authority.weightsAlone', p);
    }
  });
  return h('div', { class: 'notice error', id: 'weights-warning' },
    h('p', null, t('authority.weightsWarning')),
    x.always.length + x.some.length > 0 ? h('p', null, tn('authority.weightsExposed', x.credentials, { always: x.always.length, some: x.some.length })) : null,
    x.superIncreasing ? h('p', null, t('authority.weightsSuperIncreasing')) : null,
    x.majority ? h('p', null, t('authority.weightsMajority', { voter: x.majority.key, weight: x.majority.weight, total: x.totalWeight })) : null,
    reasons.length ? h('ul', null, reasons.slice(0, MAX).map((r) => h('li', null, r)), reasons.length > MAX ? h('li', null, t('authority.weightsMore', { n: reasons.length - MAX })) : null) : null,
    h('p', null, t('authority.weightsAdvice')));
}

// ---- actions ----------------------------------------------------------------------------------------------

const verifyRecord = () => act(async () => {
  await checkedRecord();
  return state.checked;
});

const generateCredentials = () => act(async () => {
  const st = await checkedRecord();
  if (st.credentials) throw new Refusal(t('authority.alreadyListed'));
  if (st.phase !== 'setup') throw new Refusal(t('authority.tooLate'));
  const voters = state.voters!;
  await nextPaint();
  const issued = issueCredentials(st.electionHash, voters);
  state.issued = { ...issued, election: st.electionHash, voters };
  state.downloaded = false;
  return tn('authority.generated', voters.length);
});

const voteLink = (credential: string) => `${linkBase()}/vote/${encodeURIComponent(electionId)}#credential=${credential}`;
const privateFileName = () => `veche-credentials-${safeName(electionId)}-PRIVATE.csv`;

function downloadCredentials(): void {
  const issued = state.issued!;
  download(privateFileName(), toCsv(privateListRows(issued.private, issued.voters, voteLink)), 'text/csv');
  state.downloaded = true;
  rerender();
  announce(t('authority.downloadedCredentials'));
}

const publishCredentials = () => act(async () => {
  const issued = state.issued!;
  const st = await checkedRecord();
  if (st.electionHash !== issued.election) throw new Refusal(t('authority.otherElection'));
  if (st.credentials) throw new Refusal(t('authority.alreadyListed'));
  await authorityPost('credentials', signCredentialList(st.electionHash, issued.public, state.authority!.signing));
  // The private list is kept for revocations in this tab only; the downloaded file is its copy.
  const [header, ...rows] = privateListRows(issued.private, issued.voters, voteLink).map((r) => r.map(String));
  state.privateList = { header: header!, rows };
  state.issued = null;
  state.voters = null;
  state.exposure = null;
  return tn('authority.published', issued.public.length);
});

function readPrivateList(text: string): void {
  let list: PrivateList | null;
  try { list = parsePrivateList(text); } catch (e) { say(errorText(e), false); return; }
  if (!list) { say(t('authority.privateBadHeader'), false); return; }
  if (list.rows.length === 0) { say(t('authority.privateEmpty'), false); return; }
  state.privateList = list;
  state.listChanged = false;
  say(tn('authority.privateRead', list.rows.length), true);
}

const revoke = () => act(async () => {
  const voter = state.privateList ? state.revokeVoter : '';
  const keyText = state.revokeKey.trim();
  const reason = state.revokeReason.trim();
  if (!reason) throw new Refusal(t('authority.needReason'));
  const st = await checkedRecord();
  if (!st.credentials) throw new Refusal(t('authority.noList'));
  if (st.phase !== 'setup' && st.phase !== 'open') throw new Refusal(t('authority.revokeTooLate'));
  let key: string;
  if (voter) {
    const credential = state.privateList ? credentialsOf(state.privateList).get(voter) : undefined;
    if (!credential) throw new Refusal(t('authority.unknownVoter', { voter }));
    key = credentialKeys(st.electionHash, credential).key;
  } else if (keyText) {
    try { decodePublicKey(keyText); } catch { throw new Refusal(t('authority.badKey')); }
    key = keyText;
  } else {
    throw new Refusal(t('authority.chooseWhom'));
  }
  if (!st.credentials.has(key)) throw new Refusal(t('authority.notListed'));
  if (st.revoked.has(key)) throw new Refusal(t('authority.alreadyRevoked'));
  await authorityPost('revoke', signRevocation(st.electionHash, key, reason, state.authority!.signing));
  state.revokeVoter = '';
  state.revokeKey = '';
  state.revokeReason = '';
  return voter ? t('authority.revokedVoter', { voter }) : t('authority.revokedKey');
});

// -- changes to the list (spec §6.4): re-issue a revoked credential, add a late voter
/** Revokes the voter's credential (unless already revoked) and adds a new one made here that replaces it. */
const reissue = () => act(async () => {
  const voter = state.revokeVoter;
  const reason = state.revokeReason.trim();
  const list = state.privateList;
  if (!list || !voter) throw new Refusal(t('authority.reissueNeedsVoter'));
  if (!reason) throw new Refusal(t('authority.needReason'));
  const st = await checkedRecord();
  if (!st.credentials) throw new Refusal(t('authority.noList'));
  if (st.phase !== 'setup' && st.phase !== 'open') throw new Refusal(t('authority.revokeTooLate'));
  const old = credentialsOf(list).get(voter);
  if (!old) throw new Refusal(t('authority.unknownVoter', { voter }));
  const oldKey = credentialKeys(st.electionHash, old).key;
  const weight = st.credentials.get(oldKey);
  if (weight === undefined) throw new Refusal(t('authority.notListed'));
  if (st.replaced.has(oldKey)) throw new Refusal(t('authority.alreadyReissued'));
  const credential = newCredential();
  const key = credentialKeys(st.electionHash, credential).key;
  // A revocation already on the board (an earlier try that stopped half-way) is not signed again.
  if (!st.revoked.has(oldKey)) await authorityPost('revoke', signRevocation(st.electionHash, oldKey, `re-issued: ${reason}`, state.authority!.signing));
  await authorityPost('credentials/add', signCredentialsAdded(st.electionHash, [{ key, weight, replaces: oldKey }], state.authority!.signing));
  const link = voteLink(credential);
  state.privateList = withReissued(list, voter, credential, link);
  state.listChanged = true;
  state.fresh = { voter, weight, credential, link, replaced: true };
  state.revokeVoter = '';
  state.revokeReason = '';
  return t('authority.reissued', { voter });
});

const addLateVoter = () => act(async () => {
  const voter = state.lateVoter.trim();
  const weight = /^\d+$/.test(state.lateWeight.trim()) ? Number(state.lateWeight.trim()) : NaN;
  const list = state.privateList;
  if (!list) throw new Refusal(t('authority.lateNeedsList'));
  if (!voter) throw new Refusal(t('authority.lateNeedsVoter'));
  if (!Number.isSafeInteger(weight) || weight < 1 || weight > 1_000_000) throw new Refusal(t('authority.lateBadWeight', { weight: state.lateWeight }));
  if (credentialsOf(list).has(voter)) throw new Refusal(t('authority.lateDuplicate', { voter }));
  const st = await checkedRecord();
  if (!st.credentials) throw new Refusal(t('authority.noList'));
  if (st.phase !== 'setup' && st.phase !== 'open') throw new Refusal(t('authority.lateTooLate'));
  const credential = newCredential();
  const key = credentialKeys(st.electionHash, credential).key;
  await authorityPost('credentials/add', signCredentialsAdded(st.electionHash, [{ key, weight }], state.authority!.signing));
  const link = voteLink(credential);
  state.privateList = withLateVoter(list, voter, weight, credential, link);
  state.listChanged = true;
  state.fresh = { voter, weight, credential, link, replaced: false };
  state.lateVoter = '';
  state.lateWeight = '1';
  return t('authority.lateAdded', { voter });
});

function downloadPrivateList(): void {
  if (!state.privateList) return;
  download(privateFileName(), privateListCsv(state.privateList), 'text/csv');
  state.listChanged = false;
  rerender();
  announce(t('authority.downloadedCredentials'));
}

function downloadFreshRow(): void {
  const f = state.fresh;
  if (f) download(`veche-credential-${safeName(electionId)}-${safeName(f.voter)}-PRIVATE.csv`, credentialRowCsv(f.voter, f.weight, f.credential, f.link), 'text/csv');
}

/** The new credential, shown once for the voter, with the changed private list to download. */
function freshCard(): Child {
  const f = state.fresh;
  if (!f && !state.listChanged) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'fresh-heading', id: 'fresh-card' },
    h('h2', { id: 'fresh-heading' }, f ? t(f.replaced ? 'authority.freshReissued' : 'authority.freshLate', { voter: f.voter }) : t('authority.listChangedHeading')),
    f ? [
      h('p', null, t('authority.freshHelp')),
      h('dl', { class: 'facts' },
        h('dt', null, t('authority.revokeVoter')), h('dd', { id: 'fresh-voter' }, f.voter),
        h('dt', null, t('authority.freshCredential')), h('dd', { class: 'mono', id: 'fresh-credential' }, f.credential),
        h('dt', null, t('authority.freshLink')), h('dd', { class: 'mono hash' }, f.link)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'download-fresh', onClick: downloadFreshRow }, t('authority.downloadFresh')),
        h('button', { type: 'button', id: 'forget-fresh', onClick: () => { state.fresh = null; rerender(); } }, t('authority.forgetFresh'))),
    ] : null,
    state.listChanged ? errorBox(t('authority.listChanged')) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'download-private', class: state.listChanged ? 'primary' : '', onClick: downloadPrivateList }, t('authority.downloadChangedList'))));
}

function lateVoterCard(): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'late-heading' },
    h('h2', { id: 'late-heading' }, t('authority.lateHeading')),
    h('p', null, t('authority.lateHelp')),
    !state.privateList ? h('p', { class: 'hint' }, t('authority.lateNeedsList')) : null,
    h('div', { class: 'field' },
      h('label', { for: 'late-voter' }, t('authority.lateVoter')),
      h('input', { id: 'late-voter', type: 'text', autocomplete: 'off', value: state.lateVoter, onInput: (e: Event) => { state.lateVoter = (e.target as HTMLInputElement).value; } })),
    h('div', { class: 'field' },
      h('label', { for: 'late-weight' }, t('authority.lateWeight')),
      h('input', { id: 'late-weight', type: 'text', inputmode: 'numeric', autocomplete: 'off', value: state.lateWeight, onInput: (e: Event) => { state.lateWeight = (e.target as HTMLInputElement).value; } })),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'add-voter', disabled: state.busy || !state.privateList, onClick: () => void addLateVoter() }, t('authority.lateAdd'))));
}
// -- end changes to the list

// ---- rendering ----------------------------------------------------------------------------------------------

function secretInput(): Child {
  return h('div', { class: 'field' },
    h('label', { for: 'secret-file' }, t('authority.openSecret')),
    h('p', { class: 'hint', id: 'secret-hint' }, t('authority.openSecretHint')),
    h('input', { id: 'secret-file', type: 'file', accept: '.json,application/json', 'aria-describedby': 'secret-hint', disabled: state.busy, onChange: (e: Event) => void openSecret(e.target as HTMLInputElement) }));
}

function keyCard(): HTMLElement {
  const a = state.authority;
  if (!a) {
    return h('section', { class: 'card', 'aria-labelledby': 'key-heading' },
      h('h2', { id: 'key-heading' }, t('authority.keyTitle')),
      h('p', null, t('authority.keyText')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'make-key', disabled: state.busy, onClick: makeKey }, t('authority.makeKey'))),
      h('p', { class: 'hint' }, t('authority.orOpen')),
      secretInput());
  }
  const named = state.info?.manifest.credentialAuthority?.signingKey ?? null;
  return h('section', { class: 'card', 'aria-labelledby': 'key-heading' },
    h('h2', { id: 'key-heading' }, t('authority.keyTitle')),
    h('div', { class: 'field' },
      h('label', { for: 'public-key' }, t('authority.publicKey')),
      h('p', { class: 'hint', id: 'public-key-hint' }, t('authority.publicKeyHint')),
      h('input', { id: 'public-key', type: 'text', readonly: true, class: 'mono wide', value: a.signing.key, 'aria-describedby': 'public-key-hint' })),
    named && named !== a.signing.key ? errorBox(t('authority.otherKey')) : null,
    named === a.signing.key ? h('p', { class: 'yes' }, t('authority.keyInManifest')) : null,
    state.storageFailed ? errorBox(t('authority.storageFailed')) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'download-secret', onClick: downloadSecret }, t('authority.downloadSecret'))),
    named && named !== a.signing.key ? secretInput() : null);
}

function votersCard(): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'voters-heading' },
    h('h2', { id: 'voters-heading' }, t('authority.votersHeading')),
    h('p', null, t('authority.votersHelp')),
    h('ol', { class: 'steps' },
      h('li', null,
        h('div', { class: 'field' },
          h('label', { for: 'voters-file' }, t('authority.csvFile')),
          h('p', { class: 'hint', id: 'voters-file-hint' }, t('authority.csvHint')),
          h('input', { id: 'voters-file', type: 'file', accept: '.csv,text/csv,text/plain', 'aria-describedby': 'voters-file-hint', disabled: state.busy, onChange: async (e: Event) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (!file) return;
            readVoters(await file.text());
            rerender();
            if (state.mapping) { announce(t('authority.mapHeading')); return; }
            announce(state.voters ? tn('authority.votersRead', state.voters.length) + (exposes(state.exposure) ? ` ${t('authority.weightsWarning')}` : '') : tn('authority.csvProblems', state.problems.length));
          } })),
        mappingStep(),
        state.problems.length ? h('div', { class: 'notice error', role: 'alert' }, h('p', null, tn('authority.csvProblems', state.problems.length)), h('ul', null, state.problems.slice(0, 20).map((p) => h('li', null, p)))) : null,
        state.voters ? h('p', { class: 'yes', id: 'voters-read' }, tn('authority.votersRead', state.voters.length), ' ', t('authority.totalWeight', { weight: state.voters.reduce((a, v) => a + v.weight, 0) })) : null,
        state.voters ? renderWeightsWarning(state.exposure) : null),
      h('li', null,
        h('p', null, t('authority.generateHelp')),
        h('button', { type: 'button', id: 'generate-credentials', class: state.voters && !state.issued ? 'primary' : '', disabled: state.busy || !state.voters || !!state.issued, onClick: () => void generateCredentials() }, t('authority.generate'))),
      h('li', null,
        h('p', null, t('authority.downloadHelp')),
        h('button', { type: 'button', id: 'download-credentials', class: state.issued && !state.downloaded ? 'primary' : '', disabled: !state.issued, onClick: downloadCredentials }, t('authority.downloadCredentials')),
        state.downloaded ? h('p', { class: 'yes' }, t('authority.downloadedCredentials')) : null),
      h('li', null,
        h('p', null, t('authority.publishHelp')),
        h('button', { type: 'button', id: 'publish-credentials', class: state.downloaded ? 'primary' : '', disabled: state.busy || !state.issued || !state.downloaded, onClick: () => void publishCredentials() }, t('authority.publishCredentials')))),
    infoBox(t('authority.credentialsFinal')));
}

function revokeCard(): HTMLElement {
  const list = state.privateList;
  return h('section', { class: 'card', 'aria-labelledby': 'revoke-heading' },
    h('h2', { id: 'revoke-heading' }, t('authority.revokeHeading')),
    h('p', null, t('authority.revokeHelp')),
    h('div', { class: 'field' },
      h('label', { for: 'private-file' }, t('authority.privateFile')),
      h('p', { class: 'hint', id: 'private-file-hint' }, t('authority.privateFileHint')),
      h('input', { id: 'private-file', type: 'file', accept: '.csv,text/csv,text/plain', 'aria-describedby': 'private-file-hint', disabled: state.busy, onChange: async (e: Event) => {
        const file = (e.target as HTMLInputElement).files?.[0];
        if (file) readPrivateList(await file.text());
      } })),
    list ? h('div', { class: 'field' },
      h('label', { for: 'revoke-voter' }, t('authority.revokeVoter')),
      h('select', { id: 'revoke-voter', onChange: (e: Event) => { state.revokeVoter = (e.target as HTMLSelectElement).value; } },
        h('option', { value: '' }, t('authority.noVoterChosen')), [...credentialsOf(list).keys()].map((v) => h('option', { value: v, ...(v === state.revokeVoter ? { selected: true } : {}) }, v)))) : null,
    h('div', { class: 'field' },
      h('label', { for: 'revoke-key' }, t('authority.revokeKey')),
      h('p', { class: 'hint', id: 'revoke-key-hint' }, t('authority.revokeKeyHint')),
      h('input', { id: 'revoke-key', type: 'text', class: 'mono wide', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'revoke-key-hint', value: state.revokeKey, onInput: (e: Event) => { state.revokeKey = (e.target as HTMLInputElement).value; } })),
    h('div', { class: 'field' },
      h('label', { for: 'revoke-reason' }, t('authority.revokeReason')),
      textArea('revoke-reason', state.revokeReason, (v) => { state.revokeReason = v; })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', id: 'revoke', disabled: state.busy, onClick: () => void revoke() }, t('authority.revoke')),
      h('button', { type: 'button', id: 'reissue', disabled: state.busy || !list, onClick: () => void reissue() }, t('authority.reissue'))),
    list ? h('p', { class: 'hint' }, t('authority.reissueHelp')) : null);
}

function textArea(id: string, value: string, set: (v: string) => void): HTMLElement {
  const el = h('textarea', { id, rows: '2', maxlength: String(MAX_REASON_LENGTH), required: true, onInput: (e: Event) => set((e.target as HTMLTextAreaElement).value) }) as HTMLTextAreaElement;
  el.value = value;
  return el;
}

function tokenForm(): HTMLElement {
  return sharedTokenForm(t('authority.tokenTitle'), t('authority.tokenLabel'), TOKEN_KEY, (token) => { state.token = token; rerender(); });
}

// -- server authority: the server is this election's authority (spec §6.5); its voters, mail statuses and
// bounced mails are the admin page's, and this page has no key or list to offer.
function serverModeCard(info: ElectionInfo): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'server-mode-heading', id: 'server-mode' },
    h('h2', { id: 'server-mode-heading' }, t('authority.serverModeHeading')),
    h('p', null, t('authority.serverModeText')),
    h('p', null, h('a', { href: `/admin/#e/${encodeURIComponent(info.id)}`, id: 'server-mode-admin' }, t('authority.serverModeLink'))));
}
// -- end server authority

function render(): Child {
  const info = state.info;
  const top = [h('p', { class: 'kicker' }, t('authority.title')), h('h1', null, info ? info.manifest.title : t('authority.titleFor', { id: electionId }))];
  const message = h('div', { id: 'message', tabindex: '-1' }, state.message ? (state.messageOk ? okBox(state.message) : errorBox(state.message)) : null);
  if (state.loadError) return [top, errorBox(state.loadError)];
  if (state.noElection) return [top, message, infoBox(t('authority.beforeElection', { id: electionId })), keyCard()];
  if (!info) return [top, h('p', { class: 'loading' }, t('page.loading'))];
  if (info.manifest.credentialAuthority?.operatedBy === 'server') return [top, serverModeCard(info)]; // server authority
  const a = state.authority;
  const mine = !!a && info.manifest.credentialAuthority?.signingKey === a.signing.key;
  const canRevoke = info.eligible > 0 && (info.phase === 'setup' || info.phase === 'open');
  return [
    top,
    h('section', { class: 'card' },
      h('h2', null, t('authority.youAre', { name: info.manifest.credentialAuthority?.name ?? '' })),
      h('p', null, t('authority.intro')),
      h('dl', { class: 'facts' },
        h('dt', null, t('board.phase')), h('dd', null, phaseBadge(info.phase)),
        h('dt', null, t('authority.voters')), h('dd', { id: 'eligible' }, info.eligible ? tn('authority.votersCount', info.eligible, { weight: info.eligibleWeight }) : t('authority.noVoters')))),
    keyCard(),
    message,
    state.busy ? h('p', { class: 'loading' }, t('common.working')) : null,
    !state.token ? tokenForm()
      : !mine ? null
      : [
          h('section', { class: 'card', 'aria-labelledby': 'check-heading' },
            h('h2', { id: 'check-heading' }, t('authority.checkHeading')),
            h('p', null, t('authority.checkHelp')),
            state.checked ? h('p', { class: 'yes', id: 'record-checked' }, state.checked) : null,
            h('div', { class: 'actions' }, h('button', { type: 'button', id: 'verify-record', disabled: state.busy, onClick: () => void verifyRecord() }, t('authority.verify')))),
          info.eligible === 0 && info.phase === 'setup' ? votersCard() : null,
          freshCard(),
          canRevoke ? revokeCard() : null,
          canRevoke ? lateVoterCard() : null,
        ],
  ];
}

startPage({ titleKey: 'authority.title', render });
void loadLinkBase().then(() => load()); // the voters' links are built on the server's public address
window.setInterval(() => { if (!state.busy && document.visibilityState === 'visible') void load(true); }, 5000);
