// The result in words and rows, in one language: what the PDF report prints for each question (outcome,
// tie-break, one row per count with the base of its share). Built from a checked record's manifest and
// result only. Browser-safe: the results page says the tie-break the same way.
import type { Manifest, Question } from '../manifest/types.js';
import { MOTION_OPTIONS, VERDICTS } from '../manifest/types.js';
import type { QuestionResult, TieBreakResult } from '../tally/rules.js';
import type { Texts } from './texts.js';

export interface SummaryRow { label: string; votes: number; whole: number; marked: boolean; note: string }
export interface SummaryBlock { heading: string | null; outcome: string; rows: SummaryRow[]; facts: string[] }
export interface QuestionSummary { questionId: string; title: string; blocks: SummaryBlock[]; tieBreak: string[] }

const items = (q: Question) => (q.type === 'choice' ? q.candidates : q.type === 'approval' ? q.options : q.type === 'verdict' ? q.officeHolders : []);
const label = (q: Question, id: string) => items(q).find((o) => o.id === id)?.label ?? id;
const labels = (q: Question, ids: readonly string[]) => ids.map((id) => label(q, id)).join(', ');

/** The manifest's tie-break rule and what it decided, in words ([] when the manifest has no rule).
 *  `seedText` writes the seed (a page breaks it in groups so that it wraps on a phone). */
export function tieBreakLines(tx: Texts, q: Question, tb: TieBreakResult | undefined, tied: readonly string[], seedText = (seed: string) => seed): string[] {
  if (!tb) return [];
  if (tb.method === 'runoff') return [tb.runoff.length ? tx.t('results.tieRunoff', { names: labels(q, tb.runoff) }) : tx.t('results.tieRunoffRule')];
  const lines = [tx.t('results.tieLotRule', { seed: seedText(tb.seed) })];
  if (tb.drawn.length) lines.unshift(tx.t('results.tieLot', { names: labels(q, tied), drawn: labels(q, tb.drawn) }));
  return lines;
}

export function summarizeQuestion(tx: Texts, q: Question, r: QuestionResult): QuestionSummary {
  const base = { questionId: q.id, title: q.title };
  switch (r.type) {
    case 'choice': {
      const outcome = r.outcome === 'elected' ? tx.t('results.elected', { name: label(q, r.winner!) })
        : r.outcome === 'tie' ? tx.t('results.tie', { names: labels(q, r.tie) })
        : r.outcome === 'no-majority' ? tx.t('results.noMajority', { names: labels(q, r.leaders) })
        : tx.t('results.noVotes');
      const rows = r.counts.map((c) => ({ label: label(q, c.id), votes: c.votes, whole: r.valid, marked: c.id === r.winner, note: c.id === r.winner ? tx.t('results.winner') : '' }));
      const facts = [`${tx.tn('results.validVotes', r.valid)} ${tx.tn('results.blankVotes', r.blank)}`];
      if (r.absoluteMajority) facts.push(tx.t('rules.absoluteMajority'));
      return { ...base, blocks: [{ heading: null, outcome, rows, facts }], tieBreak: tieBreakLines(tx, q, r.tieBreak, r.tie) };
    }
    case 'approval': {
      const outcome = r.outcome === 'decided' ? tx.t('results.approvalWinners', { names: labels(q, r.winners) })
        : tx.tn('results.approvalTie', r.undecided, { names: r.winners.length ? labels(q, r.winners) : '—', tie: labels(q, r.tie) });
      const rows = r.counts.map((c) => ({ label: label(q, c.id), votes: c.votes, whole: r.cast, marked: r.winners.includes(c.id), note: r.winners.includes(c.id) ? tx.t('results.approvalWinner') : '' }));
      return { ...base, blocks: [{ heading: null, outcome, rows, facts: [] }], tieBreak: tieBreakLines(tx, q, r.tieBreak, r.tie) };
    }
    case 'verdict':
      return {
        ...base,
        tieBreak: [],
        blocks: r.officeHolders.map((row) => ({
          heading: label(q, row.id),
          outcome: tx.t(row.by === 'majority' ? 'results.verdictMajority' : 'results.verdictDefault', { verdict: tx.t(`verdict.${row.outcome}`) }),
          rows: VERDICTS.map((v) => ({ label: tx.t(`verdict.${v}`), votes: row.counts[v], whole: row.valid, marked: v === row.outcome, note: v === row.outcome ? tx.t('results.stands') : '' })),
          facts: [],
        })),
      };
    case 'motion': {
      const outcome = tx.t(r.outcome === 'passed' ? 'results.motionPassed' : r.outcome === 'rejected' ? 'results.motionRejected' : 'results.motionNoQuorum');
      const frac = (f: { num: number; den: number }) => `${tx.number(f.num)}/${tx.number(f.den)}`;
      const facts = [
        `${tx.t('results.quorum')}: ${tx.t(r.quorumMet ? 'results.quorumMet' : 'results.quorumNotMet', { quorum: frac(r.quorum), part: tx.percent(r.tookPart, r.eligible) })}`,
        `${tx.t('results.threshold')}: ${tx.t(r.strict ? 'results.thresholdStrict' : 'results.thresholdAtLeast', { threshold: frac(r.threshold), share: tx.percent(r.counts.for, r.counts.for + r.counts.against) })}`,
      ];
      const rows = MOTION_OPTIONS.map((v) => ({ label: tx.t(`motion.${v}`), votes: r.counts[v], whole: r.cast, marked: v === 'for' && r.passed, note: '' }));
      return { ...base, blocks: [{ heading: null, outcome, rows, facts }], tieBreak: [] };
    }
    default: // a ranked question is counted after the mixnet, in its own event (spec §18), not in these rows
      return { ...base, blocks: [], tieBreak: [] };
  }
}

/** Every question of the result, with the manifest's texts (pass the manifest localized to the language). */
export function summarizeResult(tx: Texts, manifest: Manifest, results: readonly QuestionResult[]): QuestionSummary[] {
  return results.map((r) => {
    const q = manifest.questions.find((x) => x.id === r.questionId);
    if (!q) throw new Error(`the result names a question the manifest does not have: ${r.questionId}`);
    return summarizeQuestion(tx, q, r);
  });
}
