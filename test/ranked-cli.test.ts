// `veche ranked count` as a user runs it: tables, JSON, the reference transcript, the seed, and clear
// refusals (exit 2, the line at fault) for a bad file or bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { veche, vecheOk } from './helpers/cli.js';
import { rankedCommand } from '../src/cli/commands/ranked.js';
import { UsageError } from '../src/cli/args.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/stv-meek', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'veche-ranked-'));
const TRUNCATION = join(dir, 'truncation.blt');
writeFileSync(TRUNCATION, '4 3\n3 1 2 0\n27 1 0\n5 4 3 0\n20 4 0\n11 2 0\n11 3 0\n0\n"A"\n"B"\n"C"\n"E"\n"Truncation matters"\n');

test('veche ranked count prints every round and the elected', async () => {
  const r = await vecheOk(['ranked', 'count', TRUNCATION, '--method', 'scottish-stv']);
  assert.match(r.stdout, /Scottish STV: 3 seats, 4 candidates, valid weight 77/);
  assert.match(r.stdout, /Round 1\n {4}surplus of A transferred: surplus 10\.00000 of 30\.00000; B \+0\.99999/);
  assert.match(r.stdout, /Round 3\n {4}B excluded \(11\.99999 votes\)/);
  assert.match(r.stdout, /Elected: A, E, C\n$/);
});

test('--transcript reproduces the reference Meek transcript; --json gives the whole result', async () => {
  const file = join(FIXTURES, 'vegetables.blt');
  const t = await vecheOk(['ranked', 'count', file, '--method', 'meek-stv', '--transcript']);
  const log = readFileSync(join(FIXTURES, 'vegetables.meek-fixed9.log'), 'utf8');
  assert.equal(t.stdout, log.slice(log.indexOf('Action: Begin Count')).replace(/\n+$/, '\n'));
  const j = JSON.parse((await vecheOk(['ranked', 'count', file, '--method', 'meek-stv', '--json'])).stdout);
  assert.deepEqual(j.elected, [6, 7, 8, 4]);
  assert.equal(j.tieSource, 'given');
  assert.equal(j.rounds.length, 6);
});

test('--seed sets the lot order; --seats overrides the file', async () => {
  const seed = '00'.repeat(32);
  const j = JSON.parse((await vecheOk(['ranked', 'count', TRUNCATION, '--method', 'schulze', '--seats', '1', '--seed', seed, '--json'])).stdout);
  assert.equal(j.tieSource, 'seed');
  assert.deepEqual(j.tieOrder, [1, 0, 2, 3]);
  assert.deepEqual(j.elected, [0]);
});

test('a bad file is refused by the real command with exit 2 and the line at fault', async () => {
  const bad = join(dir, 'bad.blt');
  writeFileSync(bad, '3 1\n1 1 4 0\n0\n"A"\n"B"\n"C"\n"T"\n');
  const r = await veche(['ranked', 'count', bad, '--method', 'irv']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^veche ranked: .*bad\.blt: line 2: candidate 4 is not from 1 to 3\n$/);
  assert.equal(r.stdout, '');
});

test('bad options are refused as usage errors (main turns them into exit 2), nothing printed', async () => {
  const cases: [string[], RegExp][] = [
    [['count', TRUNCATION, '--method', 'borda'], /--method must be one of/],
    [['count', TRUNCATION], /--method is required/],
    [['count', TRUNCATION, '--method', 'irv'], /IRV elects one candidate/],
    [['count', TRUNCATION, '--method', 'irv', '--seats', '1', '--seed', 'abcd'], /at least 16 bytes/],
    [['count', TRUNCATION, '--method', 'irv', '--seats', '9'], /--seats must be a whole number from 1 to 4/],
    [['count', TRUNCATION, '--method', 'irv', '--seats', '1', '--transcript'], /for --method meek-stv/],
    [['count', TRUNCATION, '--method', 'meek-stv', '--json', '--transcript'], /exclude each other/],
    [['count', join(dir, 'missing.blt'), '--method', 'irv'], /cannot read .*ENOENT/],
    [['count', join(FIXTURES, 'crashes', 'crash.blt'), '--method', 'meek-stv', '--signed-surplus'], /signed-surplus rule cannot continue/],
    [['recount', TRUNCATION], /unknown ranked action "recount"/], // 'export' is an action since issue 12 point 3
  ];
  const write = process.stdout.write;
  let printed = '';
  process.stdout.write = ((chunk: string) => { printed += chunk; return true; }) as typeof process.stdout.write;
  try {
    for (const [args, re] of cases) {
      await assert.rejects(rankedCommand(args), (e: unknown) => e instanceof UsageError && re.test((e as Error).message), args.join(' '));
    }
  } finally { process.stdout.write = write; }
  assert.equal(printed, '');
});

test('--seed with --question draws the record\'s lot (the question id is in it); a tie decided by lot follows it', async () => {
  // Two candidates tied for one seat: the lot decides. The record counts with {seed, question}.
  const tied = join(dir, 'tied.blt');
  writeFileSync(tied, '2 1\n1 1 0\n1 2 0\n0\n"P"\n"Q"\n"Tied"\n');
  const { countRanked } = await import('../src/ranked/count.js');
  const { lotOrder } = await import('../src/ranked/tiebreak.js');
  // A seed whose lot for question "board" differs from its lot without a question, found by search.
  let seedHex = '';
  for (let i = 0; i < 64 && !seedHex; i++) {
    const s = Uint8Array.from({ length: 32 }, (_, j) => (j === 0 ? i : 7));
    if (lotOrder(s, 2, 'board').join() !== lotOrder(s, 2).join()) seedHex = Buffer.from(s).toString('hex');
  }
  assert.ok(seedHex, 'a seed whose lots differ');
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const record = countRanked({ candidates: ['P', 'Q'], seats: 1, method: 'irv', rankings: [[0], [1]], tieBreak: { seed, question: 'board' } });
  const withId = JSON.parse((await vecheOk(['ranked', 'count', tied, '--method', 'irv', '--seed', seedHex, '--question', 'board', '--json'])).stdout);
  const withoutId = JSON.parse((await vecheOk(['ranked', 'count', tied, '--method', 'irv', '--seed', seedHex, '--json'])).stdout);
  assert.deepEqual(withId.elected, record.elected);
  assert.notDeepEqual(withoutId.elected, record.elected, 'without the id the lot is another one');
  await assert.rejects(rankedCommand(['count', tied, '--method', 'irv', '--question', 'board']), UsageError);
});
