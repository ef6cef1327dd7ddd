// Renders a Meek count as the reference transcript (the action-by-action log of Droop.py and
// stv-rs), so that a veche count can be compared line for line with theirs.
import type { CountStep, RankedResult } from './types.js';

function candidateLines(step: CountStep, names: readonly string[]): string[] {
  const votes = step.votes!;
  const state = step.state!;
  const zero = '0.000000000';
  const group = (i: number): number => {
    const s = state[i];
    if (s === 'withdrawn' || s === 'elected') return 0;
    if (s === 'hopeful') return 1;
    return votes[i] !== zero ? 2 : 3;
  };
  const sorted = names.map((_, i) => i).sort((a, b) => group(a) - group(b) || a - b);
  const split = sorted.findIndex((i) => state[i] === 'defeated' && votes[i] === zero);
  const out: string[] = [];
  for (const i of split < 0 ? sorted : sorted.slice(0, split)) {
    const label = { elected: 'Elected: ', hopeful: 'Hopeful: ', defeated: 'Defeated:', withdrawn: '' }[state[i]!];
    if (state[i] !== 'withdrawn') out.push(`\t${label} ${names[i]} (${votes[i]})`);
  }
  if (split >= 0) out.push(`\tDefeated: ${sorted.slice(split).map((i) => names[i]).join(', ')} (${zero})`);
  return out;
}

function actionTitle(step: CountStep, names: readonly string[]): string {
  const who = step.candidates.map((c) => names[c]).join(', ');
  switch (step.action) {
    case 'begin': return 'Begin Count';
    case 'elect': return `Elect: ${who}`;
    case 'iterate': return `Iterate (${step.note})`;
    case 'tie': return `Break tie (defeat): [${who}] -> ${step.note}`;
    case 'defeat': return `Defeat (${step.note}): ${who}`;
    case 'elect-remaining': return `Elect remaining: ${who}`;
    case 'defeat-remaining': return `Defeat remaining: ${who}`;
    case 'complete': return 'Count Complete';
    default: throw new Error(`no transcript form for step ${step.action}`);
  }
}

/** The transcript from "Action: Begin Count" to "Count Complete" (header lines are the caller's). */
export function meekTranscript(result: RankedResult): string {
  if (result.method !== 'meek-stv') throw new Error('a Meek transcript needs a Meek count');
  const names = result.candidates;
  const out: string[] = [];
  for (const round of result.rounds) {
    if (round.round > 0) out.push(`Round ${round.round}:`);
    for (const step of round.steps) {
      if (step.action === 'stable') { out.push(`\tStable state detected (${step.figures!.surplus})`); continue; }
      out.push(`Action: ${actionTitle(step, names)}`);
      if (step.votes) out.push(...candidateLines(step, names));
      const f = step.figures!;
      out.push(`\tQuota: ${step.quota}`, `\tVotes: ${f.votes}`, `\tResidual: ${f.residual}`, `\tTotal: ${f.total}`, `\tSurplus: ${f.surplus}`);
    }
  }
  return out.join('\n') + '\n';
}
