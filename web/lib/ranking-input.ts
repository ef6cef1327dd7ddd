// The booth's input for a ranked question (issue 12; spec §8.7): the voter builds an ordered list by
// buttons, never by dragging only. Each candidate not yet ranked has a button that ranks it next; each
// ranked one has move-up, move-down and remove buttons. Buttons are large (a phone's thumb), the list is
// an <ol> so a screen reader reads each rank, a live region says every change ("Okafor: now number 2
// of 3"), and focus stays on the candidate just moved, so a keyboard voter can keep moving it.
import type { Question } from '../../src/manifest/types.js';
import { h, type Child } from './dom.js';
import { t, tn } from './i18n.js';

type RankedQuestion = Extract<Question, { type: 'ranked' }>;

/** The voter's ranking so far: candidate ids, most preferred first. */
export interface RankedDraft { type: 'ranked'; ranking: string[] }

export const freshRankedDraft = (): RankedDraft => ({ type: 'ranked', ranking: [] });

/** Whether a ranking read back (a sealed draft) fits the question: known ids, each once. */
export function rankedDraftFits(q: RankedQuestion, o: Record<string, unknown>): boolean {
  const r = o.ranking;
  return Array.isArray(r) && r.every((id) => typeof id === 'string' && q.candidates.some((c) => c.id === id)) && new Set(r).size === r.length;
}

/** What is missing, in words, or null: at least one preference; every candidate where the question says so. */
export function rankingProblem(q: RankedQuestion, d: RankedDraft): string | null {
  if (q.mustRankAll && d.ranking.length < q.candidates.length) return tn('ranking.missingAll', q.candidates.length - d.ranking.length, { title: q.title });
  if (d.ranking.length === 0) return t('ranking.missingOne', { title: q.title });
  return null;
}

const label = (q: RankedQuestion, id: string): string => q.candidates.find((c) => c.id === id)?.label ?? id;

/** The rules line above the input. */
export function rankingRules(q: RankedQuestion): string {
  return [t(q.mustRankAll ? 'ranking.rulesAll' : 'ranking.rulesStop'), tn('ranking.rulesSeats', q.seats)].join(' ');
}

/** "1. Okafor, 2. Petrova; not ranked: Lindqvist" — the review's words for a ranking. */
export function rankingInWords(q: RankedQuestion, ranking: readonly string[]): string {
  if (ranking.length === 0) return t('ranking.none');
  const ranked = ranking.map((id, i) => `${i + 1}. ${label(q, id)}`).join(', ');
  const rest = q.candidates.filter((c) => !ranking.includes(c.id)).map((c) => c.label);
  return rest.length ? t('ranking.wordsWithRest', { ranked, rest: rest.join(', ') }) : ranked;
}

/**
 * The input, drawn afresh in place after each change. `onChange` runs after the draft changed (the form
 * clears its problem note there).
 */
export function renderRanking(q: RankedQuestion, d: RankedDraft, qid: string, onChange: () => void): HTMLElement {
  const boxId = `${qid}-ranking`;
  const live = `${qid}-ranking-live`;
  /** Applies a change, redraws, says it, and puts focus on `focusId` (or the first button left). */
  const change = (apply: () => void, said: () => string, focusId: string) => {
    apply();
    onChange();
    const old = document.getElementById(boxId);
    const fresh = draw();
    old?.replaceWith(fresh);
    // Buttons fire no 'change': say one, so the booth seals the unfinished ranking as it does a radio's pick.
    fresh.dispatchEvent(new Event('change', { bubbles: true }));
    // The live region stays outside the redrawn part: a region inserted afresh is not announced.
    const status = document.getElementById(live);
    if (status) status.textContent = said();
    (document.getElementById(focusId) ?? fresh.querySelector<HTMLElement>('button'))?.focus();
  };
  const nowAt = (id: string) => t('ranking.nowAt', { name: label(q, id), n: d.ranking.indexOf(id) + 1, count: d.ranking.length });
  const buttonId = (action: string, id: string) => `${qid}-${action}-${id}`;

  const move = (id: string, by: number) => {
    const i = d.ranking.indexOf(id), j = i + by;
    if (j < 0 || j >= d.ranking.length) return;
    const action = by < 0 ? 'up' : 'down';
    // At the list's edge the button pressed disappears (disabled): focus goes to its twin.
    const edge = (by < 0 && j === 0) || (by > 0 && j === d.ranking.length - 1);
    change(() => { [d.ranking[i], d.ranking[j]] = [d.ranking[j]!, d.ranking[i]!]; }, () => nowAt(id), buttonId(edge ? (by < 0 ? 'down' : 'up') : action, id));
  };

  function draw(): HTMLElement {
    const unranked = q.candidates.filter((c) => !d.ranking.includes(c.id));
    const ranked: Child = d.ranking.length === 0
      ? h('p', { class: 'hint', id: `${qid}-ranking-empty` }, t('ranking.empty'))
      : h('ol', { class: 'ranked-list', 'aria-labelledby': `${qid}-ranked-heading` }, d.ranking.map((id, i) => {
          const name = label(q, id);
          const hidden = (text: string) => h('span', { class: 'visually-hidden' }, text);
          return h('li', { class: 'ranked-item', id: `${qid}-item-${id}` },
            h('span', { class: 'rank-number', 'aria-hidden': 'true' }, String(i + 1)),
            h('span', { class: 'rank-name' }, name),
            h('span', { class: 'rank-actions' },
              h('button', { type: 'button', class: 'rank-button', id: buttonId('up', id), disabled: i === 0, onClick: () => move(id, -1) }, h('span', { 'aria-hidden': 'true' }, '↑ '), t('ranking.up'), hidden(` ${name}`)),
              h('button', { type: 'button', class: 'rank-button', id: buttonId('down', id), disabled: i === d.ranking.length - 1, onClick: () => move(id, 1) }, h('span', { 'aria-hidden': 'true' }, '↓ '), t('ranking.down'), hidden(` ${name}`)),
              h('button', { type: 'button', class: 'rank-button', id: buttonId('remove', id), onClick: () => {
                const next = d.ranking[i + 1] ?? d.ranking[i - 1];
                change(() => { d.ranking.splice(i, 1); }, () => t('ranking.removed', { name }), next ? buttonId('remove', next) : buttonId('add', id));
              } }, t('ranking.remove'), hidden(` ${name}`))));
        }));
    const rest: Child = unranked.length === 0
      ? h('p', { class: 'hint' }, t('ranking.allRanked'))
      : h('ul', { class: 'unranked-list', 'aria-labelledby': `${qid}-unranked-heading` }, unranked.map((c) =>
          h('li', { class: 'unranked-item' },
            h('button', { type: 'button', class: 'rank-button add', id: buttonId('add', c.id), onClick: () => {
              const after = unranked[unranked.indexOf(c) + 1] ?? unranked[unranked.indexOf(c) - 1];
              change(() => { d.ranking.push(c.id); }, () => nowAt(c.id), after ? buttonId('add', after.id) : buttonId('remove', c.id));
            } }, t('ranking.add', { name: c.label, n: d.ranking.length + 1 })),
            c.description ? h('p', { class: 'option-description hint' }, c.description) : null)));
    return h('div', { class: 'ranking', id: boxId },
      h('h3', { class: 'ranking-heading', id: `${qid}-ranked-heading` }, t('ranking.yourRanking')),
      ranked,
      h('h3', { class: 'ranking-heading', id: `${qid}-unranked-heading` }, t('ranking.notRanked')),
      rest);
  }
  return h('div', { class: 'ranking-input' }, draw(), h('p', { class: 'counter', id: live, role: 'status', 'aria-live': 'polite' }));
}
