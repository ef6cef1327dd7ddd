// The result: /results/:id. Counts and outcomes per question, with bars that have text equivalents
// (the bars are drawn for the eye and hidden from screen readers; the tables say the same in words).
// The page checks the record itself, in a web worker running the verifier's modules
// (web/workers/verify-record.ts), and shows the figures of the record it checked; the server's own
// verdict is shown apart, labelled as the server's word.
import type { ApprovalResult, ChoiceResult, MotionResult, QuestionResult, VerdictResult } from '../../src/tally/rules.js';
import { MOTION_OPTIONS, VERDICTS, type Question } from '../../src/manifest/types.js';
import { api, ApiError, errorText, type ElectionInfo, type ResultInfo } from '../lib/api.js';
import { h, svg, type Child } from '../lib/dom.js';
import { currentLanguage, formatNumber, formatPercent, t, tn } from '../lib/i18n.js';
import { errorBox, infoBox, okBox, pathParts, rerender, setTitle, startPage, testElectionNotice, useLanguages } from '../lib/page.js';
import { serverAuthorityNotice } from '../lib/server-authority.js'; // server authority (spec §6.5)
import { localizedManifest } from '../../src/manifest/localize.js';
import { phaseBadge } from '../lib/phase.js';
import { fractionText, motionLabel, optionLabel, verdictLabel } from '../lib/questions.js';
import { canonicalJson } from '../../src/crypto/encoding.js';
import type { ResultPayload } from '../../src/record/events.js';
import type { VerifyMessage } from '../workers/verify-record.js';
import { resultCsv } from '../../src/result/csv.js';
import { download, safeName } from '../lib/files.js';
import { tieBreakLines } from '../../src/result/summary.js';
import type { Texts } from '../../src/result/texts.js';
import type { RankedResultPayload } from '../../src/record/events.js'; // ranked
import { rankedQuestionResult } from '../lib/ranked-rounds.js'; // ranked

interface BrowserCheck {
  status: 'running' | 'done' | 'error';
  events: number;
  total: number;
  ok: boolean;
  ballots: number;
  result: ResultPayload | null;
  ranked: RankedResultPayload | null; // ranked: the ranked-result event of the record checked here
  failures: { id: string; seq: number | null; message: string }[];
  message: string;
}

const state = {
  electionId: pathParts()[1] ?? '',
  info: null as ElectionInfo | null,
  result: null as ResultInfo | null,
  error: '',
  loading: true,
  check: null as BrowserCheck | null,
};

/** Checks the record in a web worker; the page rerenders as it goes. */
function startBrowserCheck(info: ElectionInfo): void {
  const check: BrowserCheck = { status: 'running', events: 0, total: info.headSeq + 1, ok: false, ballots: 0, result: null, ranked: null, failures: [], message: '' };
  state.check = check;
  let worker: Worker;
  try {
    worker = new Worker('/assets/verify-record.js');
  } catch (e) {
    Object.assign(check, { status: 'error', message: (e as Error).message });
    return;
  }
  worker.onmessage = (ev: MessageEvent<VerifyMessage>) => {
    const m = ev.data;
    if (m.kind === 'progress') check.events = m.events;
    else if (m.kind === 'done') { Object.assign(check, { status: 'done', events: m.events, ok: m.ok, ballots: m.ballots, result: m.result, ranked: m.ranked, failures: m.failures }); worker.terminate(); }
    else { Object.assign(check, { status: 'error', message: m.message }); worker.terminate(); }
    rerender();
  };
  worker.onerror = (ev) => { Object.assign(check, { status: 'error', message: ev.message || 'the worker stopped' }); rerender(); };
  worker.postMessage({ recordUrl: api.recordUrl(info.id) });
}

/** The record's result, once this browser checked it, differs from what the server's result route says. */
function serverDisagrees(): boolean {
  const c = state.check;
  const shown = state.result?.result;
  return !!(c && c.status === 'done' && c.result && shown && canonicalJson(c.result) !== canonicalJson(shown));
}

async function load(): Promise<void> {
  try {
    [state.info, state.result] = await Promise.all([api.election(state.electionId), api.result(state.electionId)]);
    useLanguages(state.info.manifest.languages);
    setTitle(state.info.manifest.title);
  } catch (e) {
    state.error = e instanceof ApiError && e.status === 404 ? t('results.noElection', { id: state.electionId }) : errorText(e);
  }
  state.loading = false;
  if (state.info && state.result?.result && !state.check) startBrowserCheck(state.info);
  rerender();
  // The server verifies the record once the result is out; the page follows until the verdict is in.
  if (state.result?.result && state.result.verified === null && verifyPolls++ < 60) window.setTimeout(() => void load(), 2000);
}
let verifyPolls = 0;

function bar(value: number, whole: number, cls = ''): SVGElement {
  const width = whole > 0 ? Math.max(0, Math.min(100, (value / whole) * 100)) : 0;
  return svg('svg', { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { class: 'track', x: 0, y: 0, width: 100, height: 10 }),
    svg('rect', { class: `fill ${cls}`.trim(), x: 0, y: 0, width: width.toFixed(2), height: 10 }));
}

interface Row { label: Child; votes: number; cls?: string; note?: string }

function countTable(caption: string, head: string, rows: Row[], whole: number, wholeLabel: string): HTMLElement {
  // A table wider than a phone scrolls in its frame: the frame takes the keyboard focus, to scroll it too.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, h('table', { class: 'counts' },
    h('caption', null, caption),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, head),
      h('th', { scope: 'col', class: 'num' }, t('results.colVotes')),
      h('th', { scope: 'col', class: 'num' }, t('results.colShare', { of: wholeLabel })),
      h('th', { scope: 'col', class: 'bar-cell' }, h('span', { class: 'visually-hidden' }, t('results.colBar'))))),
    h('tbody', null, rows.map((r) => h('tr', null,
      h('th', { scope: 'row' }, r.label, r.note ? [' ', h('span', { class: 'badge' }, r.note)] : null),
      h('td', { class: 'num' }, formatNumber(r.votes)),
      h('td', { class: 'num' }, formatPercent(r.votes, whole)),
      h('td', { class: 'bar-cell' }, bar(r.votes, whole, r.cls)))))));
}

const names = (q: Question, ids: string[]): string => ids.map((id) => optionLabel(q, id)).join(', ');

/** The page's texts in the shape the shared summaries take (src/result/summary.ts). */
const pageTexts = (): Texts => ({ lang: currentLanguage(), t, tn, number: formatNumber, percent: formatPercent });

/** The manifest's tie-break rule and what it decided (spec §12.1), as the PDF report says it. */
function tieBreak(q: Question, r: ChoiceResult | ApprovalResult): Child {
  // The seed in groups of eight, as the fingerprint is written: it wraps on a narrow screen.
  const lines = tieBreakLines(pageTexts(), q, r.tieBreak, r.tie, (seed) => seed.match(/.{1,8}/g)!.join(' '));
  return lines.length ? h('div', { class: 'tie-break' }, lines.map((line) => h('p', { class: 'hint' }, line))) : null;
}

function choice(q: Question, r: ChoiceResult): Child {
  const outcome = r.outcome === 'elected' ? t('results.elected', { name: optionLabel(q, r.winner!) })
    : r.outcome === 'tie' ? t('results.tie', { names: names(q, r.tie) })
    : r.outcome === 'no-majority' ? t('results.noMajority', { names: names(q, r.leaders) })
    : t('results.noVotes');
  const rows: Row[] = r.counts.map((c) => ({ label: optionLabel(q, c.id), votes: c.votes, cls: c.id === r.winner ? 'win' : '', note: c.id === r.winner ? t('results.winner') : '' }));
  return [
    h('p', { class: 'outcome' }, outcome),
    countTable(t('results.votesFor', { title: q.title }), t('results.colCandidate'), rows, r.valid, t('results.ofValid')),
    h('p', { class: 'hint' }, `${tn('results.validVotes', r.valid)} ${tn('results.blankVotes', r.blank)}`, r.absoluteMajority ? ` ${t('rules.absoluteMajority')}` : ''),
    tieBreak(q, r),
  ];
}

function approval(q: Question, r: ApprovalResult): Child {
  const outcome = r.outcome === 'decided' ? t('results.approvalWinners', { names: names(q, r.winners) })
    : tn('results.approvalTie', r.undecided, { names: r.winners.length ? names(q, r.winners) : '—', tie: names(q, r.tie) });
  const rows: Row[] = r.counts.map((c) => ({ label: optionLabel(q, c.id), votes: c.votes, cls: r.winners.includes(c.id) ? 'win' : '', note: r.winners.includes(c.id) ? t('results.approvalWinner') : '' }));
  return [
    h('p', { class: 'outcome' }, outcome),
    countTable(t('results.approvalsFor', { title: q.title }), t('results.colOption'), rows, r.cast, t('results.ofCast')),
    tieBreak(q, r),
  ];
}

function verdict(q: Question, r: VerdictResult): Child {
  return r.officeHolders.map((row) => h('div', { class: 'verdict-result' },
    h('h3', null, optionLabel(q, row.id)),
    h('p', { class: 'outcome' }, t(row.by === 'majority' ? 'results.verdictMajority' : 'results.verdictDefault', { verdict: verdictLabel(row.outcome) })),
    countTable(t('results.verdictsFor', { name: optionLabel(q, row.id) }), t('results.colVerdict'),
      VERDICTS.map((v) => ({ label: verdictLabel(v), votes: row.counts[v], cls: v, note: v === row.outcome ? t('results.stands') : '' })), row.valid, t('results.ofValid'))));
}

function motion(q: Question, r: MotionResult): Child {
  const outcome = r.outcome === 'passed' ? t('results.motionPassed') : r.outcome === 'rejected' ? t('results.motionRejected') : t('results.motionNoQuorum');
  return [
    h('p', { class: 'outcome' }, outcome),
    countTable(t('results.motionVotes', { title: q.title }), t('results.colVote'), MOTION_OPTIONS.map((v) => ({ label: motionLabel(v), votes: r.counts[v], cls: v === 'for' && r.passed ? 'win' : '' })), r.cast, t('results.ofCast')),
    h('dl', { class: 'facts' },
      h('dt', null, t('results.quorum')), h('dd', null, t(r.quorumMet ? 'results.quorumMet' : 'results.quorumNotMet', { quorum: fractionText(r.quorum), part: formatPercent(r.tookPart, r.eligible) })),
      h('dt', null, t('results.threshold')), h('dd', null, t(r.strict ? 'results.thresholdStrict' : 'results.thresholdAtLeast', { threshold: fractionText(r.threshold), share: formatPercent(r.counts.for, r.counts.for + r.counts.against) }))),
  ];
}

function questionResult(q: Question, r: QuestionResult, i: number): HTMLElement {
  let body: Child;
  switch (r.type) {
    case 'choice': body = choice(q, r); break;
    case 'approval': body = approval(q, r); break;
    case 'verdict': body = verdict(q, r); break;
    case 'motion': body = motion(q, r); break;
  }
  return h('section', { class: 'card question-result', 'aria-labelledby': `r-${i}` }, h('h2', { id: `r-${i}` }, q.title), body);
}

function browserCheck(c: BrowserCheck): Child {
  const status = c.status === 'running'
    ? [h('p', null, tn('results.browserChecking', Math.max(c.total, c.events), { events: formatNumber(c.events), total: formatNumber(Math.max(c.total, c.events)) })),
      h('progress', { max: String(Math.max(c.total, c.events, 1)), value: String(c.events), 'aria-label': t('results.browserCheck') })]
    : c.status === 'error' ? errorBox(t('results.browserError', { message: c.message }))
    : c.ok ? okBox(tn('results.browserOk', c.ballots))
    : [errorBox(t('results.browserFailed')),
      h('ul', null, c.failures.slice(0, 20).map((f) => h('li', null, `${f.id}: ${f.message}`)))];
  return h('section', { class: 'card', 'aria-labelledby': 'browser-check-heading' },
    h('h2', { id: 'browser-check-heading' }, t('results.browserCheck')),
    h('div', { id: 'browser-check', role: 'status', 'aria-live': 'polite' }, status),
    serverDisagrees() ? errorBox(t('results.browserMismatch')) : null);
}

function verification(r: ResultInfo): Child {
  const id = encodeURIComponent(state.electionId);
  const failed = (r.checks ?? []).filter((c) => (c.failed ?? 0) > 0);
  return h('section', { class: 'card', 'aria-labelledby': 'verification-heading' },
    h('h2', { id: 'verification-heading' }, t('results.serverCheck')),
    h('p', { class: 'hint' }, t('results.serverCheckNote')),
    r.verified === true ? okBox(t('results.verified')) : r.verified === false ? errorBox(t('results.notVerified')) : infoBox(t('results.verifyPending')),
    failed.length ? h('ul', null, failed.map((c) => h('li', null, `${c.id}: `, (c.failures ?? []).map((f) => f.message).join('; ')))) : null,
    r.checks && r.checks.length ? h('details', null, h('summary', null, tn('results.checks', r.checks.length)),
      h('ul', null, r.checks.map((c) => {
        const mark = (c.failed ?? 0) > 0 ? h('span', { class: 'field-error' }, t('results.checkFailed'))
          : (c.passed ?? 0) > 0 ? h('span', { class: 'yes' }, t('results.checkPassed')) : h('span', { class: 'no' }, t('results.checkNone'));
        return h('li', null, mark, ` ${c.id}${c.description ? ` — ${c.description}` : ''}`);
      }))) : null,
    h('p', null, t('results.verifyYourself'), ' ', h('a', { href: api.recordUrl(state.electionId) }, t('board.download')), ' · ', h('a', { href: `/board/${id}` }, t('nav.board'))));
}

function render(): Child {
  const info = state.info;
  const manifest = info ? localizedManifest(info.manifest, currentLanguage()) : null;
  const top = [testElectionNotice(manifest), serverAuthorityNotice(manifest), h('p', { class: 'kicker' }, t('results.title')), h('h1', null, manifest ? manifest.title : t('results.title'))];
  if (state.loading) return [top, h('p', { class: 'loading' }, t('page.loading'))];
  if (state.error || !info) return [top, errorBox(state.error)];
  // Once this browser has checked the record, the figures shown are the record's own.
  const checked = state.check?.status === 'done' && state.check.ok ? state.check.result : null;
  const r = checked ?? state.result?.result;
  if (!r) {
    return [top, h('section', { class: 'card' },
      h('p', null, phaseBadge(info.phase)),
      h('p', null, t('results.notYet')),
      h('p', null, h('a', { href: `/board/${encodeURIComponent(info.id)}` }, t('nav.board'))))];
  }
  return [
    top,
    h('section', { class: 'card', 'aria-labelledby': 'turnout-heading' },
      h('h2', { id: 'turnout-heading' }, t('results.turnout')),
      // Voters and weights apart: "5 of 8 voters took part; weight 6 of 9".
      h('p', { class: 'outcome' }, tn('results.turnoutVoters', info.eligible, { cast: formatNumber(r.ballots), share: formatPercent(r.ballots, info.eligible) }),
        r.castWeight !== r.ballots || r.eligibleWeight !== info.eligible ? ['; ', t('results.turnoutWeight', { cast: formatNumber(r.castWeight), eligible: formatNumber(r.eligibleWeight), share: formatPercent(r.castWeight, r.eligibleWeight) })] : null, '.'),
      bar(r.castWeight, r.eligibleWeight),
      h('p', { class: 'hint' }, tn('results.ballotsCounted', r.ballots), ' ', t('results.decryptedBy', { trustees: r.trustees.map((tid) => info.manifest.trustees.find((x) => x.id === tid)?.name ?? tid).join(', ') }))),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'download-csv', onClick: () => download(`results-${safeName(info.id)}.csv`, resultCsv(info.manifest, r, info.eligible), 'text/csv') }, t('results.downloadCsv')),
      checked ? null : h('span', { class: 'hint' }, ' ', t('results.downloadUnchecked')),
      // The PDF is the server's (made from its record after its verifier passed); labelled as such.
      h('a', { class: 'button', id: 'download-pdf', href: `/api/elections/${encodeURIComponent(info.id)}/report.pdf?lang=${encodeURIComponent(currentLanguage())}`, download: '' }, t('results.downloadPdf')),
      h('span', { class: 'hint' }, ' (', t('results.pdfNote'), ')')),
    state.check ? browserCheck(state.check) : null,
    state.result ? verification(state.result) : null,
    r.results.map((qr, i) => {
      const q = manifest!.questions.find((x) => x.id === qr.questionId);
      return q && q.type !== 'ranked' ? questionResult(q, qr, i) : null; // ranked: its rounds are shown below, from the checked record
    }),
    rankedResults(manifest!, checked ? state.check!.ranked : null), // ranked
  ];
}

// ranked -->
/** The ranked questions' rounds, from the record this browser checked only (the server's word is not shown). */
function rankedResults(manifest: { questions: Question[] }, ranked: RankedResultPayload | null): Child {
  const questions = manifest.questions.filter((q): q is Extract<Question, { type: 'ranked' }> => q.type === 'ranked');
  if (questions.length === 0) return null;
  if (!ranked) return h('section', { class: 'card', id: 'ranked-pending' }, h('p', null, t('rounds.afterCheck')));
  return ranked.questions.map((x, i) => {
    const q = questions.find((y) => y.id === x.question);
    return q ? rankedQuestionResult(q, x.result, i) : null;
  });
}
// <-- ranked

startPage({ titleKey: 'results.title', render });
void load();
