// Receipts prove counting (src/verify/receipts.ts, spec §14): once the poll has closed, a receipted
// ballot must not only be on the record but counted: not replaced by a later ballot of its credential
// that the holder has no receipt for, and not of a revoked credential. And receipts files are read in
// every form voters get them in, the booth's download first. Real elections through the real board.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Board } from '../src/board/board.js';
import type { Receipt } from '../src/board/receipt.js';
import { SqliteStore } from '../src/board/sqlite-store.js';
import type { BoardStore } from '../src/board/store.js';
import { verifyCommand } from '../src/cli/commands/verify.js';
import { checkReceipts, parseReceiptsFile, type ReceiptsReport } from '../src/verify/receipts.js';
import { linesSource } from '../src/verify/verifier.js';
import { ballotOf, closeAndCount, compactChoices, createWithKeys, publishVoters, recordLines, revoke as revokeSigned, type Voter } from './helpers/election.js';
import type { TrusteeSecret } from '../src/keyceremony/trustee.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-receipts-counting-'));
const stores: BoardStore[] = [];
after(async () => { for (const s of stores) await s.close(); rmSync(dir, { recursive: true, force: true }); });
let n = 0;

interface Election { board: Board; trustees: TrusteeSecret[]; voters: Voter[] }

async function election(voters: number): Promise<Election> {
  const store = new SqliteStore(join(dir, `board-${++n}.sqlite`));
  stores.push(store);
  const { board, trustees } = await createWithKeys(store);
  const vs = await publishVoters(board, voters);
  await board.openPoll();
  return { board, trustees, voters: vs };
}

async function cast(el: Election, voter: number, pick: number): Promise<Receipt> {
  return (await el.board.castBallot(ballotOf(el.board, el.voters[voter]!, compactChoices(pick)).ballot)).receipt;
}

async function check(el: Election, receipts: Receipt[], text = receipts.map((r) => JSON.stringify(r)).join('\n')): Promise<ReceiptsReport> {
  return checkReceipts(linesSource(await recordLines(el.board)), parseReceiptsFile(text));
}

const statuses = (r: ReceiptsReport) => r.checks.map((c) => c.status);

describe('receipts prove counting', () => {
  test('a receipt superseded by a ballot the holder has no receipt for fails, naming the seq', async () => {
    const el = await election(3);
    const mine = await cast(el, 0, 0);
    const other = await cast(el, 1, 1);
    // Someone else with voter 0's credential votes later; the holder never sees that receipt.
    const theirs = await cast(el, 0, 2);

    const open = await check(el, [mine, other]);
    assert.equal(open.final, false);
    assert.equal(open.ok, true, 'while the poll is open a later ballot may still come: not yet a failure');
    assert.match(open.checks[0]!.message, new RegExp(`later ballot of this credential \\(seq ${theirs.seq}\\).*still open`));

    await closeAndCount(el.board, el.trustees, [1, 2]);
    const r = await check(el, [mine, other]);
    assert.equal(r.final, true);
    assert.equal(r.ok, false);
    assert.deepEqual(statuses(r), ['superseded', 'present']);
    assert.equal(r.superseded, 1);
    assert.equal(r.present, 1);
    assert.equal(r.checks[0]!.message, `receipt at seq ${mine.seq}: a later ballot of this credential (seq ${theirs.seq}) replaced it, and no receipt for that ballot was given: this ballot is not counted`);
    assert.match(r.checks[1]!.message, /counted/);
  });

  test('a receipt whose credential was revoked after the vote fails', async () => {
    const el = await election(3);
    const mine = await cast(el, 0, 0);
    const other = await cast(el, 1, 1);
    const revocation = await revoke(el.board, el.voters[0]!, 'reported stolen');
    assert.ok(revocation.seq > mine.seq);
    await closeAndCount(el.board, el.trustees, [1, 2]);
    const r = await check(el, [mine, other]);
    assert.equal(r.ok, false);
    assert.deepEqual(statuses(r), ['revoked', 'present']);
    assert.equal(r.revoked, 1);
    assert.match(r.checks[0]!.message, new RegExp(`^receipt at seq ${mine.seq}: the credential of this ballot was revoked \\(credential-revoked at seq ${revocation.seq}\\)`));
  });

  test("a voter's own re-vote with both receipts passes", async () => {
    const el = await election(2);
    const first = await cast(el, 0, 0);
    const other = await cast(el, 1, 1);
    const second = await cast(el, 0, 2);
    await closeAndCount(el.board, el.trustees, [1, 2]);
    const both = await check(el, [first, other, second]);
    assert.equal(both.ok, true, both.checks.map((c) => c.message).join('; '));
    assert.equal(both.final, true);
    assert.equal(both.present, 3);
    assert.match(both.checks[0]!.message, new RegExp(`replaced by this voter's own later ballot at seq ${second.seq} \\(receipt on line 3\\)`));
    // Only the later receipt: it is the counted one. Only the earlier one: superseded.
    assert.equal((await check(el, [second])).ok, true);
    assert.deepEqual(statuses(await check(el, [first])), ['superseded']);
  });

  test("the booth's downloaded receipt file is read as the booth saves it", async () => {
    const el = await election(1);
    const receipt = await cast(el, 0, 1);
    await closeAndCount(el.board, el.trustees, [1, 2]);
    // The booth (web/pages/vote.ts, renderCast) builds the file inline:
    //   download(`veche-receipt-….json`, JSON.stringify(receipt, null, 2))
    // where `receipt` is the `receipt` field of the board's JSON answer to POST …/ballots ({receipt}).
    const fromServer = (JSON.parse(JSON.stringify({ receipt })) as { receipt: Receipt }).receipt;
    const boothFile = JSON.stringify(fromServer, null, 2);
    assert.ok(boothFile.includes('\n'), 'the booth file is pretty-printed, several lines');
    const parsed = parseReceiptsFile(boothFile);
    assert.deepEqual(parsed, [{ line: 1, receipt, error: null }]);
    const r = await check(el, [], boothFile);
    assert.equal(r.ok, true);
    assert.equal(r.present, 1);
    // `veche vote --receipt FILE` writes the same with a newline; the API's answer {receipt} is read too.
    assert.deepEqual(parseReceiptsFile(boothFile + '\n')[0]!.receipt, receipt);
    assert.deepEqual(parseReceiptsFile(JSON.stringify({ receipt }, null, 2))[0]!.receipt, receipt);
    assert.deepEqual(parseReceiptsFile(JSON.stringify({ receipt }))[0]!.receipt, receipt);

    // And through `veche verify RECORD --receipts FILE`.
    const record = join(dir, 'booth-record.jsonl');
    writeFileSync(record, (await recordLines(el.board)).join('\n') + '\n');
    const file = join(dir, `veche-receipt-${receipt.trackingCode.slice(0, 12)}.json`);
    writeFileSync(file, boothFile);
    const run = await cli(['verify', record, '--receipts', file]);
    assert.match(run.out, /Receipts: 1 on the record and counted, 0 MISSING, 0 superseded, 0 revoked, 0 invalid/);
    assert.match(run.out, /RECEIPTS OK: every receipted ballot is on the record and counted/);
  });

  describe('receipts files: JSON Lines, a JSON array, pretty-printed', () => {
    let el: Election;
    let rs: Receipt[];
    before(async () => {
      el = await election(3);
      rs = [await cast(el, 0, 0), await cast(el, 1, 1), await cast(el, 2, 2)];
      await closeAndCount(el.board, el.trustees, [1, 2]);
    });

    test('JSON Lines, with blank lines and CRLF: one receipt per line, lines numbered', async () => {
      const text = `${JSON.stringify(rs[0])}\r\n\r\n${JSON.stringify(rs[1])}\r\n${JSON.stringify(rs[2])}\r\n`;
      assert.deepEqual(parseReceiptsFile(text).map((p) => [p.line, p.receipt?.seq]), [[1, rs[0]!.seq], [3, rs[1]!.seq], [4, rs[2]!.seq]]);
      assert.equal((await check(el, [], text)).ok, true);
    });

    test('a JSON array, pretty-printed or on one line: each receipt at the line it starts on', async () => {
      const pretty = JSON.stringify(rs, null, 2);
      const height = JSON.stringify(rs[0], null, 2).split('\n').length;
      assert.deepEqual(parseReceiptsFile(pretty).map((p) => [p.line, p.receipt?.seq]), rs.map((r, i) => [2 + i * height, r.seq]));
      assert.deepEqual(parseReceiptsFile(JSON.stringify(rs)).map((p) => [p.line, p.error]), [[1, null], [1, null], [1, null]]);
      const r = await check(el, [], pretty);
      assert.equal(r.ok, true);
      assert.equal(r.present, 3);
      assert.deepEqual(parseReceiptsFile('[]'), []);
    });

    test('one pretty-printed receipt (any indentation)', () => {
      assert.deepEqual(parseReceiptsFile(JSON.stringify(rs[1], null, 4)), [{ line: 1, receipt: rs[1], error: null }]);
      assert.deepEqual(parseReceiptsFile(`\n\n${JSON.stringify(rs[1], null, '\t')}\n`), [{ line: 3, receipt: rs[1], error: null }]);
    });

    test('unknown shapes are errors naming the line', async () => {
      const jsonl = parseReceiptsFile(`${JSON.stringify(rs[0])}\n{"not":"a receipt"}\n${JSON.stringify(rs[2])}\nnot json\n`);
      assert.deepEqual(jsonl.map((p) => [p.line, p.receipt !== null]), [[1, true], [2, false], [3, true], [4, false]]);
      const r = await check(el, [], `${JSON.stringify(rs[0])}\n{"not":"a receipt"}\n`);
      assert.deepEqual(statuses(r), ['present', 'invalid']);
      assert.equal(r.ok, false);

      const array = parseReceiptsFile(JSON.stringify([rs[0], { ...rs[1], extra: 1 }], null, 2));
      assert.equal(array[1]!.receipt, null);
      assert.equal(array[1]!.line, 1 + JSON.stringify(rs[0], null, 2).split('\n').length + 1);
      assert.match(array[1]!.error!, /array element 2: a receipt has exactly the fields/);

      // Two pretty receipts one after the other are not one of the forms: the error names where.
      const two = parseReceiptsFile(JSON.stringify(rs[0], null, 2) + '\n' + JSON.stringify(rs[1], null, 2));
      assert.equal(two.length, 1);
      assert.equal(two[0]!.receipt, null);
      assert.equal(two[0]!.line, JSON.stringify(rs[0], null, 2).split('\n').length + 1);
      assert.match(two[0]!.error!, /line \d+, column 1: .*JSON Lines/);

      for (const bad of ['42', '"receipt"', '{\n"receipt": 1\n}', '[1, 2', '{"receipt": {}, "x": 1}']) {
        const p = parseReceiptsFile(bad);
        assert.ok(p.length >= 1 && p.every((x) => x.receipt === null && typeof x.line === 'number' && x.error), bad);
      }
      assert.deepEqual(parseReceiptsFile(' \n\n'), []);
    });

    test('veche verify --receipts: superseded and revoked are counted and fail the run', async () => {
      const other = await election(2);
      const first = await cast(other, 0, 0);
      await cast(other, 0, 1);
      await closeAndCount(other.board, other.trustees, [1, 2]);
      const record = join(dir, 'superseded-record.jsonl');
      writeFileSync(record, (await recordLines(other.board)).join('\n') + '\n');
      const file = join(dir, 'superseded-receipts.json');
      writeFileSync(file, JSON.stringify([first], null, 2));
      const run = await cli(['verify', record, '--receipts', file]);
      assert.equal(run.code, 1);
      assert.match(run.out, /0 on the record and counted, 0 MISSING, 1 superseded, 0 revoked, 0 invalid/);
      assert.match(run.out, /line 2 \([0-9a-f]{16}…\): receipt at seq \d+: a later ballot of this credential/);
      assert.match(run.out, /RECEIPTS NOT OK/);
    });
  });
});

/** Runs `veche verify` in this process (the CLI's own function), capturing what it prints. */
async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.map(String).join(' ')); };
  try {
    const code = await verifyCommand(argv.slice(1));
    return { code, out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

/** Revokes a voter's credential on the board, as the credential authority does. */
async function revoke(board: Board, voter: Voter, reason: string): Promise<{ seq: number }> {
  return revokeSigned(board, voter.keys.key, reason);
}
