// A ranked result as readable text: one table per round (each candidate's votes and state after the
// round), the round's actions in words, and the outcome.
import type { CountRound, CountStep, RankedResult } from './types.js';

const METHOD_NAMES = { 'meek-stv': 'Meek STV', 'scottish-stv': 'Scottish STV', irv: 'IRV', schulze: 'Schulze' } as const;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows.map((r) => '    ' + r.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

function describe(step: CountStep, names: readonly string[]): string | null {
  const who = step.candidates.map((c) => names[c]).join(', ');
  switch (step.action) {
    case 'begin': return step.note ?? 'first preferences counted';
    case 'count': return null;
    case 'iterate': return `keep factors iterated (${step.note})`;
    case 'stable': return `surplus stopped falling (${step.figures?.surplus})`;
    case 'elect': return `${who} elected${step.note ? ` (${step.note})` : ''}`;
    case 'elect-remaining': return `${who} elected${step.note ? ` (${step.note})` : ' (as many candidates as seats left)'}`;
    case 'defeat': return `${who} defeated (${step.note})`;
    case 'defeat-remaining': return `${who} defeated (all seats filled)`;
    case 'exclude': return `${who} excluded${step.note ? ` (${step.note})` : ''}`;
    case 'tie': return `tie between ${who}: ${step.note}`;
    case 'transfer-surplus': {
      const to = Object.entries(step.figures ?? {}).filter(([k]) => k.startsWith('to:')).map(([k, v]) => `${names[Number(k.slice(3))]} +${v}`);
      return `surplus of ${who} transferred: ${step.note}; ${to.join(', ') || 'nothing transferable'}; non-transferable ${step.figures?.exhausted}, fractions lost ${step.figures?.fractionsLost}`;
    }
    case 'place': return step.note ?? null;
    case 'place-by-tie': return `${who} unbeaten among the rest: ${step.note} by the tie-breaking ranking`;
    case 'complete': return 'count complete';
    default: return step.note ? `${step.action}: ${step.note}` : step.action;
  }
}

/** Per-step figures shown in the action's words rather than in the round's summary line. */
const STEP_ONLY = new Set(['surplus', 'transferred', 'exhausted', 'fractionsLost']);

function roundTable(round: CountRound, names: readonly string[], method: RankedResult['method']): string[] {
  const withVotes = [...round.steps].reverse().find((s) => s.votes && s.state);
  if (!withVotes) return [];
  const rows = names.map((name, c) => (withVotes.state![c] === 'withdrawn' ? null : [name, withVotes.votes![c]!, withVotes.state![c]!])).filter((r): r is string[] => r !== null);
  const out = table(rows);
  // The round's closing figures (for Meek, those of its last iteration).
  const closing = [...round.steps].reverse().find((s) => s.figures && s.quota !== undefined) ?? withVotes;
  const figures = Object.entries({ quota: closing.quota, ...(closing.figures ?? {}) })
    .filter(([k, v]) => v !== undefined && !k.startsWith('to:') && !(method === 'scottish-stv' && STEP_ONLY.has(k)));
  if (figures.length > 0) out.push('    ' + figures.map(([k, v]) => `${k} ${v}`).join(', '));
  return out;
}

function matrix(step: CountStep, names: readonly string[]): string[] {
  const standing = step.candidates;
  const rows = [['', ...standing.map((j) => names[j]!)], ...standing.map((i) => [names[i]!, ...standing.map((j) => (i === j ? '-' : step.figures![`${i}>${j}`]!))])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) => '    ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

export function formatRankedResult(r: RankedResult): string[] {
  const names = r.candidates;
  const out = [
    `${METHOD_NAMES[r.method]}: ${r.seats} seat${r.seats === 1 ? '' : 's'}, ${names.length} candidates, valid weight ${r.validWeight}, invalid rankings ${r.invalid.length}`,
    `  Tie order (${r.tieSource === 'seed' ? 'from the seed' : 'given'}; the first loses a tie): ${r.tieOrder.map((c) => names[c]).join(', ')}`,
  ];
  for (const x of r.invalid) out.push(`  Invalid ranking #${x.index}: ${x.reason}`);
  for (const round of r.rounds) {
    out.push(round.round === 0 ? (r.method === 'schulze' ? '  Pairwise preferences' : '  Initial count') : r.method === 'schulze' ? '  Strongest paths and order of finish' : `  Round ${round.round}`);
    if (r.method === 'schulze') {
      out.push(...matrix(round.steps[0]!, names));
      for (const s of round.steps.slice(1)) { const d = describe(s, names); if (d) out.push(`    ${d}`); }
      continue;
    }
    const said = round.steps.map((s) => describe(s, names)).filter((d): d is string => d !== null);
    // Meek repeats its iterations; say each distinct action once, in order.
    for (const d of said.filter((d, i) => said.indexOf(d) === i)) out.push(`    ${d}`);
    out.push(...roundTable(round, names, r.method));
  }
  out.push(`  Elected: ${r.elected.map((c) => names[c]).join(', ') || 'nobody'}`);
  if (r.method === 'schulze') out.push(`  Order: ${r.order.map((c) => names[c]).join(' > ')}`);
  return out;
}
