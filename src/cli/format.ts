// Readable tables of a result for the terminal.
import type { Manifest, Option } from '../manifest/types.js';
import type { QuestionResult } from '../tally/rules.js';
import type { ResultPayload } from '../record/events.js';

const pct = (n: number, d: number) => (d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '-');
const bar = (n: number, d: number, width = 20) => '█'.repeat(d > 0 ? Math.round((n / d) * width) : 0);

function labelOf(options: Option[], id: string): string {
  return options.find((o) => o.id === id)?.label ?? id;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  // First and last columns read as text (left), the ones between as numbers (right).
  const last = widths.length - 1;
  return rows.map((r) => '  ' + r.map((cell, c) => (c === 0 || c === last ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

export function formatQuestion(manifest: Manifest, r: QuestionResult): string[] {
  const q = manifest.questions.find((x) => x.id === r.questionId)!;
  const out = [`${q.title}  [${r.questionId}, ${r.type}]`];
  switch (r.type) {
    case 'choice': {
      const options = q.type === 'choice' ? q.candidates : [];
      out.push(...table([
        ...r.counts.map((c) => [labelOf(options, c.id), String(c.votes), pct(c.votes, r.valid), bar(c.votes, r.valid) + (c.id === r.winner ? '  elected' : '')]),
        ...(r.blank > 0 ? [['(blank)', String(r.blank), '', '']] : []),
      ]));
      out.push(`  Outcome: ${r.outcome === 'elected' ? `${labelOf(options, r.winner!)} elected` : r.outcome === 'tie' ? `tie between ${r.tie.map((id) => labelOf(options, id)).join(', ')}` : r.outcome}`);
      break;
    }
    case 'approval': {
      const options = q.type === 'approval' ? q.options : [];
      out.push(...table(r.counts.map((c) => [labelOf(options, c.id), String(c.votes), pct(c.votes, r.cast), bar(c.votes, r.cast) + (r.winners.includes(c.id) ? '  wins' : '')])));
      out.push(`  Outcome: ${r.winners.map((id) => labelOf(options, id)).join(', ') || 'none'}${r.outcome === 'tie' ? `; ${r.undecided} place(s) tied between ${r.tie.join(', ')}` : ''}`);
      break;
    }
    case 'verdict': {
      const holders = q.type === 'verdict' ? q.officeHolders : [];
      out.push(...table([
        ['', 'encouragement', 'punishment', 'no-consequences', 'outcome'],
        ...r.officeHolders.map((h) => [labelOf(holders, h.id), String(h.counts.encouragement), String(h.counts.punishment), String(h.counts['no-consequences']), `${h.outcome}${h.by === 'default' ? ' (no majority: default)' : ''}`]),
      ]));
      break;
    }
    case 'motion': {
      const decided = r.counts.for + r.counts.against;
      out.push(...table([
        ['for', String(r.counts.for), pct(r.counts.for, decided), bar(r.counts.for, decided)],
        ['against', String(r.counts.against), pct(r.counts.against, decided), bar(r.counts.against, decided)],
        ['abstain', String(r.counts.abstain), '', ''],
      ]));
      out.push(`  Quorum ${r.quorum.num}/${r.quorum.den} of ${r.eligible}: ${r.quorumMet ? 'met' : 'not met'} (${r.tookPart} took part). Threshold ${r.strict ? 'more than' : 'at least'} ${r.threshold.num}/${r.threshold.den} of for+against.`);
      out.push(`  Outcome: ${r.outcome === 'passed' ? 'PASSED' : r.outcome === 'rejected' ? 'REJECTED' : 'NOT DECIDED (no quorum)'}`);
      break;
    }
  }
  return out;
}

export function formatResult(manifest: Manifest, result: ResultPayload): string {
  const lines = [
    manifest.title,
    `Turnout: ${result.castWeight} of ${result.eligibleWeight} eligible (${pct(result.castWeight, result.eligibleWeight)}), ${result.ballots} ballots counted; decrypted by ${result.trustees.join(', ')}`,
    '',
  ];
  for (const r of result.results) lines.push(...formatQuestion(manifest, r), '');
  return lines.join('\n');
}
