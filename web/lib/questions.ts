// How questions and their rules are put in words, shared by the booth, the results and the admin pages.
import type { Fraction, MotionOption, Question, Verdict } from '../../src/manifest/types.js';
import { t, tn } from './i18n.js';
import { rankingRules } from './ranking-input.js'; // ranked

export const verdictLabel = (v: Verdict): string => t(`verdict.${v}`);
export const motionLabel = (v: MotionOption): string => t(`motion.${v}`);

export function fractionText(f: Fraction): string {
  if (f.num === 1 && f.den === 2) return t('fraction.half');
  if (f.num === 2 && f.den === 3) return t('fraction.twoThirds');
  if (f.num === 0) return '0';
  return `${f.num}/${f.den}`;
}

/** The question's rule in one or two sentences, as the booth shows it under the title. */
export function rulesText(q: Question): string {
  switch (q.type) {
    case 'choice':
      return [t(q.allowBlank ? 'rules.choiceBlank' : 'rules.choice'), q.absoluteMajority ? t('rules.absoluteMajority') : ''].filter(Boolean).join(' ');
    case 'approval':
      return [
        q.min === q.max ? tn('rules.approvalExactly', q.max) : tn('rules.approvalRange', q.max, { min: q.min, max: q.max }),
        tn('rules.approvalWinners', q.winners),
      ].join(' ');
    case 'verdict':
      return t('rules.verdict', { default: verdictLabel(q.default) });
    case 'motion':
      return t(q.strict ? 'rules.motionStrict' : 'rules.motion', { threshold: fractionText(q.threshold), quorum: fractionText(q.quorum) });
    case 'ranked': // ranked: web/lib/ranking-input.ts
      return rankingRules(q);
  }
}

export function optionLabel(q: Question, id: string): string {
  switch (q.type) {
    case 'choice': return q.candidates.find((c) => c.id === id)?.label ?? id;
    case 'approval': return q.options.find((o) => o.id === id)?.label ?? id;
    case 'verdict': return q.officeHolders.find((o) => o.id === id)?.label ?? id;
    case 'motion': return motionLabel(id as MotionOption);
    case 'ranked': return q.candidates.find((c) => c.id === id)?.label ?? id; // ranked
  }
}
