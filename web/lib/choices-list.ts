// A voter's answers in words, question by question: the booth's review and audit screens and the
// audit-check page show choices the same way.
import type { Choices, Question } from '../../src/manifest/types.js';
import { h, type Child } from './dom.js';
import { t } from './i18n.js';
import { motionLabel, optionLabel, verdictLabel } from './questions.js';
import { rankingInWords } from './ranking-input.js'; // ranked

export function choicesList(questions: Question[], choices: Choices): HTMLElement {
  return h('dl', { class: 'choices' }, questions.map((q) => {
    const a = choices[q.id];
    let shown: Child;
    if (!a) shown = '—';
    else if (a.type === 'choice') shown = a.candidate === null ? t('booth.blank') : optionLabel(q, a.candidate);
    else if (a.type === 'approval') shown = a.options.length === 0 ? t('booth.noneApproved') : h('ul', null, a.options.map((o) => h('li', null, optionLabel(q, o))));
    else if (a.type === 'verdict') shown = h('ul', null, Object.entries(a.verdicts).map(([holder, v]) => h('li', null, `${optionLabel(q, holder)}: `, h('strong', null, verdictLabel(v)))));
    else if (a.type === 'ranked' && q.type === 'ranked') shown = h('p', { class: 'ranking-words' }, rankingInWords(q, a.ranking)); // ranked: in words, the unranked named
    else if (a.type === 'motion') shown = motionLabel(a.vote);
    else shown = rankingList(q, (a as { ranking?: unknown }).ranking);
    return [h('dt', null, q.title), h('dd', null, shown)];
  }));
}

/** A ranked answer (manifest question type 'ranked'): the options in the voter's order. */
function rankingList(q: Question, ranking: unknown): Child {
  if (!Array.isArray(ranking)) return '—';
  return ranking.length === 0 ? t('booth.noneApproved') : h('ol', null, ranking.map((id) => h('li', null, optionLabel(q, String(id)))));
}
