// A ranked question's count on the results page (issue 12; spec §17, §20): the outcome, a table per
// round (each candidate's votes as the method's exact decimals, what the round decided, the quota and
// what was exhausted) and a chart of how the votes moved between rounds, with the same moves in words
// for those who do not see the chart. Everything here comes from the ranked-result event of the record
// the page's worker checked; the figures are the record's strings, never recomputed in floating point.
import type { Question } from '../../src/manifest/types.js';
import type { CandidateState, CountStep, RankedResult } from '../../src/ranked/types.js';
import { h, svg, type Child } from './dom.js';
import { currentLanguage, t, tn } from './i18n.js';

type RankedQuestion = Extract<Question, { type: 'ranked' }>;

/** One round as the table and the chart show it: the figures after the round's last counted step. */
export interface RoundView { round: number; votes: string[]; state: CandidateState[]; quota: { key: 'quota' | 'majority'; value: string } | null; exhausted: string | null; notes: string[] }

const EXHAUSTED_KEYS = ['exhausted', 'residual', 'nonTransferable'] as const;

/** The rounds that carry per-candidate figures, each at its end (steps without votes add only notes). */
export function roundViews(r: RankedResult, name: (i: number) => string): RoundView[] {
  const views: RoundView[] = [];
  for (const round of r.rounds) {
    const last = [...round.steps].reverse().find((s): s is CountStep & { votes: string[]; state: CandidateState[] } => !!s.votes && !!s.state);
    if (!last) continue;
    const quota = last.quota !== undefined ? { key: 'quota' as const, value: last.quota } : last.figures?.majority !== undefined ? { key: 'majority' as const, value: last.figures.majority } : null;
    const exhaustedKey = EXHAUSTED_KEYS.find((k) => last.figures?.[k] !== undefined);
    views.push({ round: round.round, votes: last.votes, state: last.state, quota, exhausted: exhaustedKey ? last.figures![exhaustedKey]! : null, notes: round.steps.flatMap((s) => stepNote(s, name)) });
  }
  return views;
}

/** What a step decided, in words ("Elected: Okafor"); steps that only compute say nothing. */
function stepNote(s: CountStep, name: (i: number) => string): string[] {
  const who = s.candidates.map(name).join(', ');
  switch (s.action) {
    case 'elect': case 'elect-remaining': return [t('rounds.noteElected', { names: who })];
    case 'defeat': case 'defeat-remaining': case 'exclude': return [t('rounds.noteExcluded', { names: who })];
    case 'tie': return [t('rounds.noteTie', { names: who })];
    case 'transfer-surplus': return [t('rounds.noteSurplus', { names: who })];
    default: return [];
  }
}

// ---- exact decimals ---------------------------------------------------------------------------------

const places = (s: string): number => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
const units = (s: string, p: number): bigint => BigInt(s.replace('.', '')) * 10n ** BigInt(p - places(s));
function unitsText(v: bigint, p: number): string {
  const neg = v < 0n, digits = (neg ? -v : v).toString().padStart(p + 1, '0');
  return `${neg ? '−' : '+'}${p > 0 ? `${digits.slice(0, -p)}.${digits.slice(-p)}` : digits}`;
}

/** The record's decimal string with this language's decimal sign (the digits are kept exactly). */
export function decimalText(s: string): string {
  const sign = new Intl.NumberFormat(currentLanguage()).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  return s.replace('.', sign).replace(/^-/, '−');
}

/** The net change of each candidate (and of the exhausted votes) from one round's end to the next's. */
export function roundChanges(a: RoundView, b: RoundView): { who: number | 'exhausted'; change: string }[] {
  const p = Math.max(...[...a.votes, ...b.votes].map(places));
  const out: { who: number | 'exhausted'; change: string }[] = [];
  b.votes.forEach((v, i) => { const d = units(v, p) - units(a.votes[i]!, p); if (d !== 0n) out.push({ who: i, change: unitsText(d, p) }); });
  if (a.exhausted !== null && b.exhausted !== null) {
    const d = units(b.exhausted, p) - units(a.exhausted, p);
    if (d !== 0n) out.push({ who: 'exhausted', change: unitsText(d, p) });
  }
  return out;
}

// ---- rendering ----------------------------------------------------------------------------------------

function stateMark(now: CandidateState, before: CandidateState | undefined): Child {
  if (now === 'hopeful') return null;
  const fresh = before !== now;
  const key = now === 'elected' ? (fresh ? 'rounds.electedNow' : 'rounds.elected') : now === 'defeated' ? (fresh ? 'rounds.excludedNow' : 'rounds.excluded') : 'rounds.withdrawn';
  return h('span', { class: `badge rank-${now}${fresh ? ' fresh' : ''}` }, t(key));
}

function roundTable(q: RankedQuestion, r: RankedResult, v: RoundView, before: RoundView | undefined, qi: number): HTMLElement {
  const caption = t('rounds.caption', { n: v.round, title: q.title });
  const name = (i: number) => q.candidates.find((c) => c.id === r.candidates[i])?.label ?? r.candidates[i]!;
  return h('div', { class: 'table-wrap round', tabindex: '0', role: 'region', 'aria-label': caption, id: `rounds-${qi}-${v.round}` }, h('table', { class: 'counts rounds' },
    h('caption', null, caption, v.notes.length ? h('span', { class: 'round-notes' }, ` — ${v.notes.join('; ')}`) : null),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('results.colCandidate')),
      h('th', { scope: 'col', class: 'num' }, t('results.colVotes')),
      h('th', { scope: 'col' }, t('rounds.colStatus')))),
    h('tbody', null, v.votes.map((votes, i) => h('tr', { class: v.state[i] === 'elected' ? 'win' : '' },
      h('th', { scope: 'row' }, name(i)),
      h('td', { class: 'num mono' }, decimalText(votes)),
      h('td', null, stateMark(v.state[i]!, before?.state[i]))))),
    h('tfoot', null,
      v.quota ? h('tr', null, h('th', { scope: 'row' }, t(v.quota.key === 'quota' ? 'rounds.quota' : 'rounds.majority')), h('td', { class: 'num mono' }, decimalText(v.quota.value)), h('td', null)) : null,
      v.exhausted !== null ? h('tr', null, h('th', { scope: 'row' }, t('rounds.exhausted')), h('td', { class: 'num mono' }, decimalText(v.exhausted)), h('td', null)) : null)));
}

/** Stacked bars, one per round (each candidate a colour, exhausted grey): the eye sees the votes move. */
function transferChart(q: RankedQuestion, r: RankedResult, views: RoundView[], qi: number): HTMLElement {
  const name = (i: number) => q.candidates.find((c) => c.id === r.candidates[i])?.label ?? r.candidates[i]!;
  const total = Math.max(1e-9, ...views.map((v) => v.votes.reduce((a, x) => a + Number(x), 0) + Number(v.exhausted ?? 0)));
  const rowH = 12, gap = 8, labelW = 14, width = 100;
  const height = views.length * (rowH + gap);
  const descId = `transfers-${qi}-text`;
  const chart = svg('svg', { class: 'transfer-chart', viewBox: `0 0 ${labelW + width} ${height}`, role: 'img', 'aria-labelledby': `transfers-${qi}-title`, 'aria-describedby': descId, focusable: 'false' },
    svg('title', { id: `transfers-${qi}-title` }, t('rounds.chartTitle', { title: q.title })),
    views.map((v, row) => {
      const y = row * (rowH + gap);
      let x = labelW;
      const parts = [...v.votes.map((votes, i) => ({ cls: `cand-${i % 8}`, value: Number(votes), label: name(i) })), ...(v.exhausted !== null ? [{ cls: 'exhausted', value: Number(v.exhausted), label: t('rounds.exhausted') }] : [])];
      return svg('g', null,
        svg('text', { x: 0, y: y + rowH - 3, class: 'round-label' }, String(v.round)),
        parts.map((p) => {
          const w = (p.value / total) * width;
          const rect = w > 0 ? svg('rect', { x: x.toFixed(3), y, width: w.toFixed(3), height: rowH, class: p.cls }, svg('title', null, `${p.label}: ${p.value}`)) : null;
          x += w;
          return rect;
        }));
    }));
  const legend = h('ul', { class: 'chart-legend', 'aria-hidden': 'true' },
    r.candidates.map((_, i) => h('li', null, h('span', { class: `swatch cand-${i % 8}` }), name(i))),
    views.some((v) => v.exhausted !== null) ? h('li', null, h('span', { class: 'swatch exhausted' }), t('rounds.exhausted')) : null);
  const moves = views.slice(1).map((b, k) => {
    const changes = roundChanges(views[k]!, b);
    return h('li', null, t('rounds.moveLine', { from: views[k]!.round, to: b.round }), ' ',
      changes.length ? changes.map((c) => `${c.who === 'exhausted' ? t('rounds.exhausted') : name(c.who)} ${decimalText(c.change)}`).join('; ') : t('rounds.noMoves'));
  });
  return h('figure', { class: 'transfers', id: `transfers-${qi}` },
    h('figcaption', null, t('rounds.chartCaption')),
    chart, legend,
    h('div', { id: descId }, h('p', { class: 'hint' }, t('rounds.chartText')), h('ul', { class: 'transfer-moves' }, moves)));
}

/** Schulze: the pairwise table (d[i][j], weight preferring i to j) and the order of finish. */
function schulze(q: RankedQuestion, r: RankedResult, name: (i: number) => string): Child {
  const d = r.rounds.flatMap((x) => x.steps).find((s) => s.action === 'pairwise')?.figures ?? {};
  const n = r.candidates.length;
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('rounds.pairwise', { title: q.title }) }, h('table', { class: 'counts pairwise' },
    h('caption', null, t('rounds.pairwise', { title: q.title })),
    h('thead', null, h('tr', null, h('td', null), Array.from({ length: n }, (_, j) => h('th', { scope: 'col', class: 'num' }, name(j))))),
    h('tbody', null, Array.from({ length: n }, (_, i) => h('tr', null, h('th', { scope: 'row' }, name(i)),
      Array.from({ length: n }, (_, j) => h('td', { class: 'num mono' }, i === j ? '—' : decimalText(d[`${i}>${j}`] ?? '0'))))))));
}

export function rankedQuestionResult(q: RankedQuestion, r: RankedResult, qi: number): HTMLElement {
  const name = (i: number) => q.candidates.find((c) => c.id === r.candidates[i])?.label ?? r.candidates[i]!;
  const outcome = r.method === 'schulze'
    ? t('rounds.order', { names: r.order.map((i, k) => `${k + 1}. ${name(i)}`).join(', ') })
    : r.elected.length ? tn('rounds.electedList', r.elected.length, { names: r.elected.map(name).join(', ') }) : t('rounds.noneElected');
  const views = r.method === 'schulze' ? [] : roundViews(r, name);
  return h('section', { class: 'card question-result ranked-result', 'aria-labelledby': `ranked-${qi}` },
    h('h2', { id: `ranked-${qi}` }, q.title),
    h('p', { class: 'outcome' }, outcome),
    h('p', { class: 'hint' }, t(`rounds.method.${r.method}`), ' ', tn('ranking.rulesSeats', r.seats), ' ', t('rounds.validWeight', { weight: decimalText(r.validWeight) }), ' ', tn('rounds.invalid', r.invalid.length)),
    r.method === 'schulze' ? schulze(q, r, name) : [
      views.length > 1 ? transferChart(q, r, views, qi) : null,
      h('h3', null, tn('rounds.heading', views.length)),
      views.map((v, k) => roundTable(q, r, v, views[k - 1], qi)),
    ]);
}
