// The manifest's tie-break rule (spec §12.1): by the lot order of a seed derived from the joint key, or
// "a runoff is needed". The board and the verifier count with the same function; a record whose result
// settles a tie otherwise fails result.outcomes, and the seed cannot be chosen after the poll opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateManifest, ManifestError } from '../src/manifest/validate.js';
import { countApproval, countChoice, countResults, CountError, type ApprovalResult, type ChoiceResult } from '../src/tally/rules.js';
import { drawnByLot, lotOrderOf, tieSeed } from '../src/tally/tie-break.js';
import { lotOrder } from '../src/ranked/tiebreak.js';
import { fromHex } from '../src/crypto/encoding.js';
import { encodePoint, baseMul } from '../src/crypto/group.js';
import { encodeEvent, eventHash, GENESIS_PREV, type BoardEvent } from '../src/record/events.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { ballotFor, finishElection, openElection, recordLines, tinyManifest, smallManifest } from './helpers/election-fixture.js';
import { testStores } from './helpers/stores.js';
import type { ApprovalQuestion, ChoiceQuestion, Manifest } from '../src/manifest/types.js';

const sqlite = testStores().find((s) => s.name === 'sqlite')!;
const withRule = (m: Manifest, method: 'seed' | 'runoff'): Manifest => validateManifest({ ...m, tieBreak: { method } });

function rechain(events: BoardEvent[]): string[] {
  let prev = GENESIS_PREV;
  return events.map((e, seq) => {
    const body = { seq, prev, time: e.time, type: e.type, payload: e.payload };
    prev = eventHash(body);
    return encodeEvent({ ...body, hash: prev });
  });
}

/** A real election (board, key ceremony, credentials, ballots, trustees) whose `chair` ends a tie of a and b. */
async function tiedElection(manifest: Manifest) {
  const made = await sqlite.make('tie-break');
  const el = await openElection(made!.store, { voters: 2, manifest });
  await el.board.castBallot(ballotFor(el, el.voters[0]!, 0).ballot);
  await el.board.castBallot(ballotFor(el, el.voters[1]!, 1).ballot);
  await finishElection(el);
  const lines = await recordLines(el.board);
  await made!.dispose();
  return { el, lines, events: lines.map((l) => JSON.parse(l) as BoardEvent) };
}

test('manifest: tieBreak is {method: "seed"} or {method: "runoff"}, nothing else', () => {
  const m = tinyManifest();
  assert.deepEqual(withRule(m, 'seed').tieBreak, { method: 'seed' });
  assert.deepEqual(withRule(m, 'runoff').tieBreak, { method: 'runoff' });
  for (const [bad, message] of [
    ['seed', 'tieBreak: expected {"method": "seed"} or {"method": "runoff"}'],
    [{ method: 'coin' }, 'tieBreak.method: expected "seed" or "runoff"'],
    [{ method: 'seed', seed: '00' }, 'tieBreak.seed: unknown field'],
  ] as const) {
    assert.throws(() => validateManifest({ ...m, tieBreak: bad }), (e) => e instanceof ManifestError && e.errors.some((x) => x.startsWith(message)));
  }
});

test('test vector: the tie-break seed and the lot order it gives (spec §12.1)', () => {
  const election = '11'.repeat(32);
  const jointKey = encodePoint(baseMul(7n));
  const seed = tieSeed(election, jointKey);
  assert.equal(seed, TIE_VECTOR.seed);
  assert.deepEqual(lotOrderOf(seed, 'chair', ['ann', 'bob', 'cem', 'dan']), TIE_VECTOR.order);
  // One derivation for every tie: the ranked counts' lot order over the same seed and question.
  assert.deepEqual(lotOrder(fromHex(seed, 32), 4, 'chair').map((i) => ['ann', 'bob', 'cem', 'dan'][i]), TIE_VECTOR.order);
  // The winners of a tie are the latest in the lot order.
  assert.deepEqual(drawnByLot(TIE_VECTOR.order, ['ann', 'bob', 'cem', 'dan'], ['ann', 'bob', 'cem', 'dan'], 1), [TIE_VECTOR.order[3]]);
});

const TIE_VECTOR = { seed: '885eb44dfda7d81ff629cb692ec1e2c92204481d181367a589e852e90c363810', order: ['dan', 'bob', 'ann', 'cem'] };

test('counting: a tie at the top is drawn by lot, sent to a runoff, or left undecided without the rule', () => {
  const q = tinyManifest().questions[0] as ChoiceQuestion;
  const seed = 'ab'.repeat(32);
  const order = lotOrderOf(seed, q.id, ['a', 'b']);
  const drawn = countChoice(q, [[3, 3]], 6, 6, { method: 'seed', seed });
  assert.equal(drawn.outcome, 'elected');
  assert.equal(drawn.winner, order[1]);
  assert.deepEqual(drawn.tie, ['a', 'b']);
  assert.deepEqual(drawn.tieBreak, { method: 'seed', seed, lotOrder: order, drawn: [order[1]] });
  const runoff = countChoice(q, [[3, 3]], 6, 6, { method: 'runoff' });
  assert.equal(runoff.outcome, 'tie');
  assert.equal(runoff.winner, null);
  assert.deepEqual(runoff.tieBreak, { method: 'runoff', runoff: ['a', 'b'] });
  const none = countChoice(q, [[3, 3]], 6, 6);
  assert.equal(none.outcome, 'tie');
  assert.equal('tieBreak' in none, false, 'without the manifest field the result is as before');
  // No tie: the rule is recorded and decided nothing.
  assert.deepEqual(countChoice(q, [[4, 2]], 6, 6, { method: 'seed', seed }).tieBreak, { method: 'seed', seed, lotOrder: order, drawn: [] });
  assert.deepEqual(countChoice(q, [[4, 2]], 6, 6, { method: 'runoff' }).tieBreak, { method: 'runoff', runoff: [] });
  // The absolute majority is not a tie: nobody is drawn into a majority they did not get.
  const absolute = countChoice({ ...q, absoluteMajority: true }, [[3, 3]], 6, 6, { method: 'seed', seed });
  assert.equal(absolute.outcome, 'no-majority');
  assert.deepEqual((absolute.tieBreak as { drawn: string[] }).drawn, []);
});

test('counting: approval places tied at the boundary are drawn by lot from the tied options only', () => {
  const q = smallManifest().questions[1] as ApprovalQuestion; // p q r s, 2 winners
  const seed = '5c'.repeat(32);
  // p leads; q, r, s tie for the one place left.
  const r = countApproval(q, [[5, 2, 2, 2]], 6, 6, { method: 'seed', seed }) as ApprovalResult;
  const order = lotOrderOf(seed, q.id, ['p', 'q', 'r', 's']);
  const expected = order.filter((id) => id !== 'p').at(-1)!;
  assert.equal(r.outcome, 'decided');
  assert.deepEqual(r.winners, ['p', expected]);
  assert.deepEqual(r.tie, ['q', 'r', 's']);
  assert.equal(r.undecided, 0);
  assert.deepEqual(r.tieBreak, { method: 'seed', seed, lotOrder: order, drawn: [expected] });
  const runoff = countApproval(q, [[5, 2, 2, 2]], 6, 6, { method: 'runoff' });
  assert.deepEqual([runoff.outcome, runoff.winners, runoff.undecided, runoff.tieBreak], ['tie', ['p'], 1, { method: 'runoff', runoff: ['q', 'r', 's'] }]);
});

test('counting: a manifest that breaks ties by lot refuses to count without the seed', () => {
  const m = withRule(tinyManifest(), 'seed');
  assert.throws(() => countResults(m, [[1, 1]], 2, 2), (e) => e instanceof CountError && /tie-break seed/.test(e.message));
  assert.throws(() => countResults(m, [[1, 1]], 2, 2, 'AB'.repeat(32)), CountError);
});

test('a tie decided by seed: the board publishes what the verifier recounts, from the joint key', async () => {
  const { el, lines } = await tiedElection(withRule(tinyManifest('tie-seed'), 'seed'));
  const { report, state } = await verifyRecord(linesSource(lines));
  assert.ok(report.ok, `the record fails: ${report.failedChecks.join(', ')}`);
  const chair = state.result!.results[0] as ChoiceResult;
  const seed = tieSeed(el.electionHash, encodePoint(el.publicKey));
  assert.equal(chair.outcome, 'elected');
  assert.deepEqual(chair.tie, ['a', 'b']);
  assert.equal(chair.winner, lotOrderOf(seed, 'chair', ['a', 'b'])[1]);
  assert.deepEqual(chair.tieBreak, { method: 'seed', seed, lotOrder: lotOrderOf(seed, 'chair', ['a', 'b']), drawn: [chair.winner] });
});

test('attack (board operator): a result that gives the tie to the other candidate fails result.outcomes', async () => {
  const { events } = await tiedElection(withRule(tinyManifest('tie-forged'), 'seed'));
  const result = events.at(-1)!;
  const chair = (result.payload as { results: ChoiceResult[] }).results[0]!;
  const loser = chair.tie.find((id) => id !== chair.winner)!;
  chair.winner = loser;
  (chair.tieBreak as { drawn: string[] }).drawn = [loser];
  const { report } = await verifyRecord(linesSource(rechain(events)));
  assert.equal(report.ok, false);
  assert.deepEqual(report.failedChecks, ['result.outcomes']);
  const failure = report.checks.find((c) => c.id === 'result.outcomes')!.failures[0]!;
  assert.match(failure.message, /question "chair": the tie is not settled by the manifest's tie-break rule/);

  // Nor may the operator publish a seed of its own choosing beside the right draw.
  const again = structuredClone(events);
  const r2 = (again.at(-1)!.payload as { results: ChoiceResult[] }).results[0]!;
  (r2.tieBreak as { seed: string }).seed = 'ee'.repeat(32);
  assert.deepEqual((await verifyRecord(linesSource(rechain(again)))).report.failedChecks, ['result.outcomes']);
});

test('attack (board operator): the seed cannot be re-drawn after the poll opens: the joint key it comes from is fixed', async () => {
  const { events } = await tiedElection(withRule(tinyManifest('tie-late'), 'seed'));
  // The seed is fixed by the record up to poll-opened: checking that prefix alone gives the same seed.
  const opened = events.findIndex((e) => e.type === 'poll-opened');
  const prefix = await verifyRecord(linesSource(rechain(events.slice(0, opened + 1))));
  assert.ok(prefix.report.okSoFar);
  const chair = (events.at(-1)!.payload as { results: ChoiceResult[] }).results[0]!;
  assert.equal(tieSeed(prefix.state.electionHash, encodePoint(prefix.state.jointKey!)), (chair.tieBreak as { seed: string }).seed);
  // A joint-key event of the operator's choosing (to draw another lot) is refused.
  const forged = structuredClone(events);
  const jk = forged.find((e) => e.type === 'joint-key')!;
  (jk.payload as { publicKey: string }).publicKey = encodePoint(baseMul(12345n));
  const { report } = await verifyRecord(linesSource(rechain(forged)));
  assert.ok(report.failedChecks.includes('keys.joint'), report.failedChecks.join(', '));
  // And a second joint key after the poll opened is out of order.
  const twice = structuredClone(events);
  twice.splice(opened + 1, 0, { ...structuredClone(jk), payload: { publicKey: encodePoint(baseMul(12345n)) } });
  assert.ok((await verifyRecord(linesSource(rechain(twice)))).report.failedChecks.includes('phase.order'));
});

test('runoff: the tied candidates are named and nobody is declared elected', async () => {
  const { lines } = await tiedElection(withRule(tinyManifest('tie-runoff'), 'runoff'));
  const { report, state } = await verifyRecord(linesSource(lines));
  assert.ok(report.ok, report.failedChecks.join(', '));
  const chair = state.result!.results[0] as ChoiceResult;
  assert.deepEqual([chair.outcome, chair.winner, chair.tieBreak], ['tie', null, { method: 'runoff', runoff: ['a', 'b'] }]);
});

test('in words (results page, PDF): the draw with its seed, or the runoff, in the reader\'s language', async () => {
  const { catalogTexts } = await import('../src/result/texts.js');
  const { tieBreakLines } = await import('../src/result/summary.js');
  const { readFileSync } = await import('node:fs');
  const cat = (l: string) => JSON.parse(readFileSync(new URL(`../../web/i18n/${l}.json`, import.meta.url), 'utf8')) as Record<string, string>;
  const q = { ...(tinyManifest().questions[0] as ChoiceQuestion), candidates: [{ id: 'a', label: 'Ann' }, { id: 'b', label: 'Борис' }] };
  const en = catalogTexts('en', cat('en'), cat('en'));
  const ru = catalogTexts('ru', cat('ru'), cat('en'));
  const seed = 'ab'.repeat(32);
  assert.deepEqual(tieBreakLines(en, q, { method: 'runoff', runoff: ['a', 'b'] }, ['a', 'b']), ['Tie between Ann, Борис: a runoff is needed.']);
  assert.deepEqual(tieBreakLines(ru, q, { method: 'runoff', runoff: ['a', 'b'] }, ['a', 'b']), ['Равенство голосов у: Ann, Борис; нужен повторный тур.']);
  assert.deepEqual(tieBreakLines(en, q, { method: 'runoff', runoff: [] }, []), ['A tie for a place would need a runoff; there was none.']);
  const drawn = tieBreakLines(en, q, { method: 'seed', seed, lotOrder: ['a', 'b'], drawn: ['b'] }, ['a', 'b']);
  assert.equal(drawn[0], 'Tie between Ann, Борис, drawn by lot: Борис.');
  assert.ok(drawn[1]!.includes(seed));
  assert.equal(tieBreakLines(en, q, undefined, []).length, 0, 'no rule, no words');
});
