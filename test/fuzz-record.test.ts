// Fuzzing the record readers: the participants' parser (parseRecord) and the independent verifier.
// Arbitrary lines, raw-mutated lines of a real record, and records whose payloads were mutated and
// then re-chained (so the hash chain holds and only the deeper checks can catch it) must never crash
// the reader and never verify.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SqliteStore } from '../src/board/sqlite-store.js';
import { parseRecord } from '../src/record/read.js';
import { encodeEvent, type BoardEvent } from '../src/record/events.js';
import { canonicalJson } from '../src/crypto/encoding.js';
import { linesSource, verifyRecord } from '../src/verify/verifier.js';
import { check, deepArray, FuzzStats, mutatedArb, regressions, runs } from './helpers/fuzz.js';
import { ballotFor, finishElection, openElection, rechain, recordLines, tinyManifest } from './helpers/election-fixture.js';

let lines: string[] = [];
let events: BoardEvent[] = [];
const parserStats = new FuzzStats('record parser');
const verifierStats = new FuzzStats('verifier');

before(async () => {
  const store = new SqliteStore(':memory:');
  const el = await openElection(store, { voters: 3, manifest: tinyManifest() });
  for (const [i, v] of el.voters.entries()) await el.board.castBallot(ballotFor(el, v, i).ballot);
  // One re-vote, so "which ballot counts" is part of what is checked.
  await el.board.castBallot(ballotFor(el, el.voters[0]!, 1).ballot);
  await finishElection(el);
  lines = await recordLines(el.board);
  events = lines.map((l) => JSON.parse(l) as BoardEvent);
  await store.close();
});

/** parseRecord either returns (only for the untouched record) or throws an Error that names the record. */
function parserMustRefuse(text: string): void {
  parserStats.executions++;
  try {
    parseRecord(text);
  } catch (e) {
    assert.ok(e instanceof Error && /^record/.test(e.message), `parseRecord threw something else: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    parserStats.rejected++;
    return;
  }
  // A record in progress is a prefix of the final one: that, and only that, may parse.
  const got = text.split('\n').filter((l) => l);
  assert.ok(got.length <= lines.length && got.every((l, i) => l === lines[i]), 'parseRecord accepted a changed record');
}

async function verifierMustRefuse(input: string[]): Promise<void> {
  verifierStats.executions++;
  const { report } = await verifyRecord(linesSource(input)); // must not throw
  if (input.join('\n') === lines.join('\n')) { assert.ok(report.ok); return; }
  assert.equal(report.ok, false, 'the verifier accepted a changed record');
  verifierStats.rejected++;
}

test('the real record verifies and parses (so the refusals below mean something)', async () => {
  assert.equal(parseRecord(lines.join('\n')).length, lines.length);
  const { report } = await verifyRecord(linesSource(lines));
  assert.ok(report.ok, report.failedChecks.join(', '));
});

const hostileLine = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('null', '[]', '{}', '0', '"x"', 'true', '{"seq":0}', '{"__proto__":{"polluted":1}}', '1e400', '-0', `${'['.repeat(5000)}${']'.repeat(5000)}`, JSON.stringify(deepArray(3000))),
);

test('arbitrary lines: the parser refuses with a record error, the verifier reports failure', async () => {
  check('record-parse', fc.property(fc.array(hostileLine, { minLength: 1, maxLength: 4 }), (ls) => parserMustRefuse(ls.join('\n'))), runs(400), (a) => a[0].join('\n'));
  await fc.assert(fc.asyncProperty(fc.array(hostileLine, { minLength: 1, maxLength: 4 }), (ls) => verifierMustRefuse(ls)), { numRuns: runs(200) });
});

/** Raw edits of the record text: a character changed, a line dropped, repeated, moved, or junk inserted. */
const rawEdit = fc.oneof(
  fc.record({ kind: fc.constant('char' as const), line: fc.nat(), pos: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1 }) }),
  fc.record({ kind: fc.constant('drop' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), line: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), line: fc.nat(), text: hostileLine }),
);
type RawEdit = typeof rawEdit extends fc.Arbitrary<infer T> ? T : never;

function applyRaw(src: string[], ed: RawEdit): string[] {
  const out = [...src];
  const i = ed.line % out.length;
  switch (ed.kind) {
    case 'char': { const l = out[i]!; const p = ed.pos % l.length; out[i] = l.slice(0, p) + ed.ch + l.slice(p + 1); break; }
    case 'drop': out.splice(i, 1); break;
    case 'repeat': out.splice(i, 0, out[i]!); break;
    case 'move': { const [l] = out.splice(i, 1); out.splice(ed.to % (out.length + 1), 0, l!); break; }
    case 'insert': out.splice(i, 0, ed.text); break;
  }
  return out;
}

test('raw edits of a real record never parse and never verify', async () => {
  check('record-parse', fc.property(rawEdit, (ed) => parserMustRefuse(applyRaw(lines, ed).join('\n'))), runs(400), (a) => applyRaw(lines, a[0]).join('\n'));
  // The verifier checks every proof up to the edit, so fewer runs here.
  await fc.assert(fc.asyncProperty(rawEdit, (ed) => verifierMustRefuse(applyRaw(lines, ed))), { numRuns: runs(25) });
});

test('payloads mutated and re-chained (a board rewriting history) never verify', async (t) => {
  const before = verifierStats.executions;
  // Not the trustees' encrypted shares: only their addressees can check those, so the verifier cannot.
  const mutable = events.map((e, i) => (e.type === 'trustee-shares' ? -1 : i)).filter((i) => i >= 0);
  const arb = fc.constantFrom(...mutable).chain((i) => mutatedArb(events[i]!.payload, 2).map((payload) => ({ i, payload })));
  await fc.assert(fc.asyncProperty(arb, async ({ i, payload }) => {
    let same = false;
    try { same = canonicalJson(payload) === canonicalJson(events[i]!.payload); } catch { same = false; }
    fc.pre(!same && payload !== null && typeof payload === 'object' && !Array.isArray(payload));
    let rewritten: string[];
    try {
      rewritten = rechain(events.map((e, j) => (j === i ? { ...e, payload: payload as BoardEvent['payload'] } : e))).map(encodeEvent);
    } catch {
      return; // not encodable canonically (a float, a deep value): a board could not even hash it
    }
    await verifierMustRefuse(rewritten);
  }), { numRuns: runs(30) });
  t.diagnostic(`${verifierStats.executions - before} rewritten records verified (and refused)`);
});

test('events dropped, repeated or reordered and re-chained never verify', async () => {
  const arb = fc.record({ kind: fc.constantFrom('drop', 'repeat', 'swap'), i: fc.integer({ min: 1, max: events.length - 1 }), j: fc.integer({ min: 1, max: events.length - 1 }) });
  await fc.assert(fc.asyncProperty(arb, async ({ kind, i, j }) => {
    const es = [...events];
    // A superseded ballot (its voter voted again) can vanish without changing the tally: only the
    // voter's receipt shows it (test/attacks.test.ts), so it is not asked of the verifier here.
    const credentialOf = (e: BoardEvent) => (e.type === 'ballot' ? (e.payload as { credential: string }).credential : null);
    fc.pre(!(kind === 'drop' && credentialOf(es[i]!) !== null && es.slice(i + 1).some((e) => credentialOf(e) === credentialOf(es[i]!))));
    if (kind === 'drop') es.splice(i, 1);
    else if (kind === 'repeat') es.splice(i, 0, es[i]!);
    else { fc.pre(es[i]!.type !== es[j]!.type); [es[i], es[j]] = [es[j]!, es[i]!]; }
    await verifierMustRefuse(rechain(es).map(encodeEvent));
  }), { numRuns: runs(10) });
});

test('saved regression inputs', async (t) => {
  const saved = regressions('record-parse');
  for (const r of saved) {
    parserMustRefuse(r.input as string);
    await verifierMustRefuse((r.input as string).split('\n'));
  }
  t.diagnostic(`${saved.length} saved inputs replayed`);
});

test('figures', (t) => {
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  t.diagnostic(parserStats.summary());
  t.diagnostic(verifierStats.summary());
});
