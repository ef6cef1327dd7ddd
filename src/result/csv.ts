// The result as a CSV table people can take away (issue 11, point 7): one row per count, in manifest
// order, with the outcome beside it, after a few rows of turnout. RFC 4180: CRLF line ends, fields with
// a comma, quote or line break quoted, quotes doubled. A field that a spreadsheet would run as a formula
// (starting with = + - @ or a tab/CR) gets a leading apostrophe, since labels come from the organisers.
// Browser-safe: the results page builds the file from the record it checked.
import type { Manifest, Option, Question } from '../manifest/types.js';
import type { ResultPayload } from '../record/events.js';
import type { TieBreakResult } from '../tally/rules.js';
import { MOTION_OPTIONS, VERDICTS } from '../manifest/types.js';

export const RESULT_CSV_HEADER = ['question_id', 'question', 'type', 'item_id', 'item', 'answer', 'votes', 'of', 'outcome'] as const;

function field(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const items = (q: Question): Option[] =>
  q.type === 'choice' ? q.candidates : q.type === 'approval' ? q.options : q.type === 'verdict' ? q.officeHolders : [];

/** The tie-break row's outcome: the rule, the seed, and what it decided (spec §12.1). */
function tieBreakText(tb: TieBreakResult): string {
  if (tb.method === 'runoff') return tb.runoff.length ? `runoff needed: ${tb.runoff.join(' ')}` : 'runoff if tied: no tie';
  return `${tb.drawn.length ? `drawn by lot: ${tb.drawn.join(' ')}` : 'by lot if tied: no tie'}; seed ${tb.seed}; lot order ${tb.lotOrder.join(' ')}`;
}

/** The CSV text: turnout rows, then every count of every question. */
export function resultCsv(manifest: Manifest, result: ResultPayload, eligibleVoters: number): string {
  const rows: (string | number)[][] = [[...RESULT_CSV_HEADER]];
  rows.push(['', 'turnout', 'voters', '', '', '', result.ballots, eligibleVoters, '']);
  rows.push(['', 'turnout', 'weight', '', '', '', result.castWeight, result.eligibleWeight, '']);
  for (const r of result.results) {
    const q = manifest.questions.find((x) => x.id === r.questionId);
    if (!q) throw new Error(`the result names a question the manifest does not have: ${r.questionId}`);
    const label = (id: string) => items(q).find((o) => o.id === id)?.label ?? id;
    switch (r.type) {
      case 'choice':
        for (const c of r.counts) rows.push([q.id, q.title, r.type, c.id, label(c.id), '', c.votes, r.valid, c.id === r.winner ? 'elected' : r.tie.includes(c.id) ? 'tie' : '']);
        rows.push([q.id, q.title, r.type, '', '', 'blank', r.blank, r.cast, r.outcome === 'elected' ? '' : r.outcome]);
        if (r.tieBreak) rows.push([q.id, q.title, r.type, '', '', 'tie-break', '', '', `${r.tieBreak.method}: ${tieBreakText(r.tieBreak)}`]);
        break;
      case 'approval':
        for (const c of r.counts) rows.push([q.id, q.title, r.type, c.id, label(c.id), '', c.votes, r.cast, r.winners.includes(c.id) ? 'winner' : r.tie.includes(c.id) ? 'tie' : '']);
        if (r.tieBreak) rows.push([q.id, q.title, r.type, '', '', 'tie-break', '', '', `${r.tieBreak.method}: ${tieBreakText(r.tieBreak)}`]);
        break;
      case 'verdict':
        for (const row of r.officeHolders) {
          for (const v of VERDICTS) rows.push([q.id, q.title, r.type, row.id, label(row.id), v, row.counts[v], row.valid, v === row.outcome ? `stands (${row.by})` : '']);
        }
        break;
      case 'motion':
        for (const v of MOTION_OPTIONS) rows.push([q.id, q.title, r.type, '', '', v, r.counts[v], r.cast, v === 'for' ? r.outcome : '']);
        break;
    }
  }
  return rows.map((row) => row.map(field).join(',') + '\r\n').join('');
}
