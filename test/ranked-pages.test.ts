// The ranked pages' own logic, outside a browser (web/lib/ranking-input.ts, web/lib/ranked-rounds.ts,
// bundled with esbuild as the pages are): a sealed draft is taken back only with known ids, each once;
// the review's words name the ranked in order and the unranked; the rounds shown are the count's own
// (Meek, Scottish STV and IRV from countRanked, with the quota or majority and the exhausted figure each
// method records); the moves between rounds are exact decimal differences (never floating point); a
// German reader sees a decimal comma with every digit kept.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { countRanked } from '../src/ranked/count.js';
import type { Question } from '../src/manifest/types.js';
import type { RankedMethod, RankedResult } from '../src/ranked/types.js';
import { loadPageModules } from './helpers/page-modules.js';

type RankedQuestion = Extract<Question, { type: 'ranked' }>;
interface RoundView { round: number; votes: string[]; state: string[]; quota: { key: string; value: string } | null; exhausted: string | null; notes: string[] }
interface Pages {
  setLanguage(lang: string, remember?: boolean): void;
  languageReady(): Promise<void>;
  rankedDraftFits(q: RankedQuestion, o: Record<string, unknown>): boolean;
  rankingInWords(q: RankedQuestion, ranking: readonly string[]): string;
  rankingProblem(q: RankedQuestion, d: { type: 'ranked'; ranking: string[] }): string | null;
  roundViews(r: RankedResult, name: (i: number) => string): RoundView[];
  roundChanges(a: Pick<RoundView, 'votes' | 'exhausted'>, b: Pick<RoundView, 'votes' | 'exhausted'>): { who: number | 'exhausted'; change: string }[];
  decimalText(s: string): string;
}
let pages: Pages;

before(async () => {
  pages = await loadPageModules<Pages>({
    'i18n.ts': ['setLanguage', 'languageReady'],
    'ranking-input.ts': ['rankedDraftFits', 'rankingInWords', 'rankingProblem'],
    'ranked-rounds.ts': ['roundViews', 'roundChanges', 'decimalText'],
  });
});

async function use(lang: string): Promise<void> {
  pages.setLanguage(lang, false);
  await pages.languageReady();
}

const question = (mustRankAll: boolean): RankedQuestion => ({
  type: 'ranked', id: 'council', title: 'Council', seats: 2, method: 'meek-stv', mustRankAll,
  candidates: [{ id: 'okafor', label: 'Okafor' }, { id: 'petrova', label: 'Petrova' }, { id: 'lindqvist', label: 'Lindqvist' }],
});

test('a sealed ranking is taken back only with known candidates, each once', () => {
  const q = question(false);
  assert.equal(pages.rankedDraftFits(q, { type: 'ranked', ranking: ['petrova', 'okafor'] }), true);
  assert.equal(pages.rankedDraftFits(q, { type: 'ranked', ranking: [] }), true);
  assert.equal(pages.rankedDraftFits(q, { type: 'ranked', ranking: ['okafor', 'okafor'] }), false, 'a candidate twice');
  assert.equal(pages.rankedDraftFits(q, { type: 'ranked', ranking: ['okafor', 'smith'] }), false, 'an unknown candidate');
  assert.equal(pages.rankedDraftFits(q, { type: 'ranked', ranking: [0, 1] }), false, 'indices, not ids');
  assert.equal(pages.rankedDraftFits(q, { type: 'ranked', ranking: 'okafor' }), false, 'not a list');
  assert.equal(pages.rankedDraftFits(q, { type: 'ranked' }), false, 'no ranking');
});

test('the review says the ranking in words, the unranked named; what is missing is said', async () => {
  await use('en');
  const q = question(false);
  assert.equal(pages.rankingInWords(q, ['okafor', 'petrova']), '1. Okafor, 2. Petrova; not ranked: Lindqvist');
  assert.equal(pages.rankingInWords(q, ['lindqvist', 'okafor', 'petrova']), '1. Lindqvist, 2. Okafor, 3. Petrova');
  assert.equal(pages.rankingInWords(q, []), 'No one ranked.');
  assert.equal(pages.rankingProblem(q, { type: 'ranked', ranking: [] }), '“Council”: rank at least one candidate.');
  assert.equal(pages.rankingProblem(q, { type: 'ranked', ranking: ['petrova'] }), null, 'may stop after one');
  const all = question(true);
  assert.equal(pages.rankingProblem(all, { type: 'ranked', ranking: ['petrova'] }), '“Council”: rank every candidate (2 are not ranked yet).');
  assert.equal(pages.rankingProblem(all, { type: 'ranked', ranking: ['petrova', 'okafor'] }), '“Council”: rank every candidate (one is not ranked yet).');
  assert.equal(pages.rankingProblem(all, { type: 'ranked', ranking: ['petrova', 'okafor', 'lindqvist'] }), null);
  await use('ru');
  assert.equal(pages.rankingInWords(q, ['okafor']), '1. Okafor; без места: Petrova, Lindqvist');
  await use('en');
});

const RANKINGS = [[0, 1], [2, 0], [0, 1], [0, 2], [0, 3, 2], [3, 1], [1, 3], [2, 3, 1]];
const count = (method: RankedMethod, seats: number) => countRanked({ candidates: ['o', 'p', 'l', 'm'], seats, method, rankings: RANKINGS, tieBreak: { order: [0, 1, 2, 3] } });

test('the rounds shown are the count’s own, with each method’s quota and exhausted figure', () => {
  const cases: [RankedMethod, number, string, string, RegExp][] = [
    ['meek-stv', 2, 'quota', 'residual', /^\d+\.\d{9}$/],
    ['scottish-stv', 2, 'quota', 'nonTransferable', /^\d+\.\d{5}$/],
    ['irv', 1, 'majority', 'exhausted', /^\d+$/],
  ];
  for (const [method, seats, quotaKey, exhaustedKey, shape] of cases) {
    const r = count(method, seats);
    const views = pages.roundViews(r, (i) => r.candidates[i]!);
    const withVotes = r.rounds.filter((x) => x.steps.some((s) => s.votes));
    assert.deepEqual(views.map((v) => v.round), withVotes.map((x) => x.round), `${method}: every round with figures`);
    for (const [k, v] of views.entries()) {
      const last = [...withVotes[k]!.steps].reverse().find((s) => s.votes && s.state)!;
      assert.deepEqual(v.votes, last.votes, `${method} round ${v.round}: the votes after its last step`);
      assert.deepEqual(v.state, last.state);
      assert.equal(v.quota?.key, quotaKey, method);
      assert.equal(v.quota?.value, quotaKey === 'quota' ? last.quota : last.figures!.majority);
      assert.equal(v.exhausted, last.figures![exhaustedKey], `${method}: exhausted is ${exhaustedKey}`);
      for (const x of v.votes) assert.match(x, shape, `${method}: the method's precision`);
    }
    const decided = views.flatMap((v) => v.notes).join(' | ');
    for (const e of r.elected) assert.ok(decided.includes(r.candidates[e]!), `${method}: the election of ${r.candidates[e]} is said (${decided})`);
  }
});

test('the moves between rounds are exact decimal differences', async () => {
  await use('en');
  const a = { votes: ['0.100000001', '2.000000000', '1.000000000'], exhausted: '0.000000000' };
  const b = { votes: ['0.300000003', '1.000000000', '1.000000000'], exhausted: '0.699999997' };
  assert.deepEqual(pages.roundChanges(a, b), [
    { who: 0, change: '+0.200000002' },
    { who: 1, change: '−1.000000000' },
    { who: 'exhausted', change: '+0.699999997' },
  ]);
  // Scottish figures (five places) and whole IRV votes keep their own precision.
  assert.deepEqual(pages.roundChanges({ votes: ['4.00000', '0.33333'], exhausted: null }, { votes: ['3.66667', '0.66666'], exhausted: null }), [{ who: 0, change: '−0.33333' }, { who: 1, change: '+0.33333' }]);
  assert.deepEqual(pages.roundChanges({ votes: ['2', '3'], exhausted: '0' }, { votes: ['0', '4'], exhausted: '1' }), [{ who: 0, change: '−2' }, { who: 1, change: '+1' }, { who: 'exhausted', change: '+1' }]);
  // Where floating point would round, the page does not: 9,999,999.999999999 + 0.000000001.
  assert.deepEqual(pages.roundChanges({ votes: ['9999999.999999999'], exhausted: null }, { votes: ['10000000.000000000'], exhausted: null }), [{ who: 0, change: '+0.000000001' }]);
  // Every consecutive pair of a real count: the changes add up to the figures shown.
  const r = count('meek-stv', 2);
  const views = pages.roundViews(r, (i) => r.candidates[i]!);
  assert.ok(views.length >= 3);
  const units = (x: string) => BigInt(x.replace('−', '-').replace('+', '').replace('.', ''));
  for (let k = 1; k < views.length; k++) {
    const moved = views[k - 1]!.votes.map(units);
    for (const c of pages.roundChanges(views[k - 1]!, views[k]!)) if (c.who !== 'exhausted') moved[c.who] = moved[c.who]! + units(c.change);
    assert.deepEqual(moved, views[k]!.votes.map(units), `round ${views[k]!.round}: the previous figures plus the moves`);
  }
  await use('de');
  assert.equal(pages.decimalText('1.599999939'), '1,599999939');
  assert.equal(pages.decimalText('−0.200000002'), '−0,200000002');
  await use('en');
  assert.equal(pages.decimalText('1.599999939'), '1.599999939');
});
