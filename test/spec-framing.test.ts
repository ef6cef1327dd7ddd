// The framing of the record file and the form of event times, exactly as docs/spec.md §9.1 states them:
// UTF-8 without a BOM, every line (the last included) ended by one LF, no CR, no blank line, not empty;
// times in the 24-character form YYYY-MM-DDTHH:mm:ss.sssZ (years 0000-9999) only.
import { existsSync } from 'node:fs';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource, linesSource, verifyRecord } from '../src/verify/verifier.js';
import { FRAMING, readEvent } from '../src/verify/events.js';
import { Report } from '../src/verify/report.js';
import { encodeEvent, GENESIS_PREV, makeEvent } from '../src/record/events.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'veche-framing-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `record-${files++}.jsonl`);
  writeFileSync(path, content);
  return path;
}

async function lines(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const l of fileSource(path)()) out.push(l);
  return out;
}

/** record.format's failures when the verifier reads the file. */
async function formatFailures(path: string): Promise<{ seq: number | null; message: string }[]> {
  const { report } = await verifyRecord(fileSource(path), undefined, { workers: 0, backend: 'noble' });
  return report.checks.find((c) => c.id === 'record.format')!.failures;
}

/** Two chained events whose content does not matter here (a record.format-valid line each). */
function twoEvents(secondTime: string): string[] {
  const a = makeEvent(0, GENESIS_PREV, 'poll-opened', {}, '2025-05-01T09:00:00.000Z');
  const b = makeEvent(1, a.hash, 'poll-closed', {}, secondTime);
  return [encodeEvent(a), encodeEvent(b)];
}

describe('fileSource: the lines of a record file', () => {
  test('lines end with LF; the LF of the last line is part of the last line', async () => {
    assert.deepEqual(await lines(file('{"a":1}\n{"b":2}\n')), ['{"a":1}', '{"b":2}']);
  });

  test('a last line without its LF is read, then a framing failure follows', async () => {
    assert.deepEqual(await lines(file('{"a":1}\n{"b":2}')), ['{"a":1}', '{"b":2}', `${FRAMING}the file does not end with a line feed (after line 2)`]);
  });

  test('an empty file is one empty line; blank lines are empty lines', async () => {
    assert.deepEqual(await lines(file('')), ['']);
    assert.deepEqual(await lines(file('\n')), ['']);
    assert.deepEqual(await lines(file('{"a":1}\n\n{"b":2}\n\n')), ['{"a":1}', '', '{"b":2}', '']);
    assert.deepEqual(await lines(file('\n\n')), ['', '']);
  });

  test('only LF ends a line: CR and BOM stay in the line', async () => {
    assert.deepEqual(await lines(file('{"a":1}\r\n{"b":2}\r\n')), ['{"a":1}\r', '{"b":2}\r']);
    assert.deepEqual(await lines(file('{"a":1}\r{"b":2}\n')), ['{"a":1}\r{"b":2}']);
    assert.deepEqual(await lines(file('\ufeff{"a":1}\n')), ['\ufeff{"a":1}']);
  });

  test('a line that is not UTF-8 is replaced by a framing failure, the others are read', async () => {
    for (const bad of [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const content = Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from(bad), Buffer.from('"}\n{"c":3}\n')]);
      assert.deepEqual(await lines(file(content)), ['{"a":1}', `${FRAMING}line 2 is not valid UTF-8`, '{"c":3}'], `bytes ${bad.join(' ')}`);
    }
  });

  test('long lines and multi-byte characters across read chunks', async () => {
    const long = `{"x":"${'é€😀'.repeat(40_000)}"}`; // ~360 kB, far more than one 64 kB chunk
    assert.deepEqual(await lines(file(`${long}\n${long}\n`)), [long, long]);
  });

  test('the vector record reads as its lines', async () => {
    // Run from dist/test or from test/ (tsx): the vectors live in test/vectors.
    const path = [join(import.meta.dirname, 'vectors', 'record.jsonl'), join(import.meta.dirname, '..', '..', 'test', 'vectors', 'record.jsonl')].find((p) => existsSync(p))!;
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(await lines(path), text.slice(0, -1).split('\n'));
  });
});

describe('readEvent: framing failures are record.format failures that stop the reading', () => {
  const [good] = twoEvents('2025-05-01T09:00:00.000Z');
  const cases: [string, string, RegExp][] = [
    ['a CR at the end (CRLF)', `${good}\r`, /line 1 ends with a carriage return/],
    ['a byte order mark', `\ufeff${good}`, /line 1 starts with a byte order mark/],
    ['a framing message from the source', `${FRAMING}line 1 is not valid UTF-8`, /^line 1 is not valid UTF-8$/],
  ];
  for (const [what, line, message] of cases) {
    test(what, () => {
      const report = new Report();
      assert.equal(readEvent(line, 0, null, report), null);
      const f = report.checks.find((c) => c.id === 'record.format')!;
      assert.equal(f.failed, 1);
      assert.match(f.failures[0]!.message, message);
      assert.equal(f.failures[0]!.seq, 0);
    });
  }

  test('the same line without them is read', () => {
    const report = new Report();
    assert.ok(readEvent(good!, 0, null, report));
    assert.deepEqual(report.failedChecks, []);
  });
});

describe('verifyRecord on badly framed files', () => {
  const [good] = twoEvents('2025-05-01T09:00:00.000Z');
  const cases: [string, string | Buffer, RegExp][] = [
    ['an empty file', '', /line 1 is empty/],
    ['a blank first line', `\n${good}\n`, /line 1 is empty/],
    ['CRLF line ends', `${good}\r\n`, /line 1 ends with a carriage return/],
    ['a byte order mark', `\ufeff${good}\n`, /line 1 starts with a byte order mark/],
    ['invalid UTF-8', Buffer.concat([Buffer.from(good!.slice(0, -2)), Buffer.from([0xff]), Buffer.from(good!.slice(-2) + '\n')]), /line 1 is not valid UTF-8/],
  ];
  for (const [what, content, message] of cases) {
    test(what, async () => {
      const failures = await formatFailures(file(content));
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.seq, 0);
      assert.match(failures[0]!.message, message);
    });
  }

  test('an empty list of lines is an empty record too', async () => {
    const { report } = await verifyRecord(linesSource([]), undefined, { workers: 0, backend: 'noble' });
    assert.match(report.checks.find((c) => c.id === 'record.format')!.failures[0]!.message, /line 1 is empty/);
    assert.equal(report.ok, false);
  });
});

describe('chain.time: only the 24-character form, years 0000-9999', () => {
  function timeOk(time: string, previous = '2025-05-01T09:00:00.000Z'): boolean {
    const [a, b] = twoEvents(time);
    const report = new Report();
    const first = readEvent(a!, 0, null, report)!;
    const e = readEvent(b!, 1, { seq: 0, hash: first.hash, time: previous }, report);
    assert.ok(e, 'a bad time does not stop the reading');
    return !report.failedChecks.includes('chain.time');
  }

  test('toISOString of years past 9999 (+010000-…) or before 0000 (-000001-…) is refused', () => {
    const late = new Date(Date.UTC(10000, 0, 1)).toISOString();
    assert.equal(late, '+010000-01-01T00:00:00.000Z');
    assert.equal(timeOk(late), false);
    const early = new Date(Date.UTC(-1, 0, 1)).toISOString();
    assert.equal(early, '-000001-01-01T00:00:00.000Z');
    assert.equal(timeOk(early, early), false);
  });

  test('the first and last instants of the range are accepted', () => {
    assert.equal(timeOk('9999-12-31T23:59:59.999Z'), true);
    const zero = new Date(Date.UTC(0, 0, 1));
    zero.setUTCFullYear(0);
    assert.equal(zero.toISOString(), '0000-01-01T00:00:00.000Z');
    assert.equal(timeOk('0000-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z'), true);
  });

  test('other forms and impossible instants are refused; equal times are accepted, earlier ones not', () => {
    for (const t of ['2025-05-01T09:00:00Z', '2025-05-01T09:00:00.0000Z', '2025-05-01T09:00:00.000+00:00', '2025-05-01 09:00:00.000Z',
      '2025-02-29T09:00:00.000Z', '2025-04-31T09:00:00.000Z', '2025-05-01T24:00:00.000Z', '2025-05-01T09:60:00.000Z', '2025-05-01T09:00:60.000Z',
      '2025-13-01T09:00:00.000Z', '2025-05-01t09:00:00.000z', '２025-05-01T09:00:00.000Z']) {
      assert.equal(timeOk(t, '0000-01-01T00:00:00.000Z'), false, t);
    }
    assert.equal(timeOk('2024-02-29T09:00:00.000Z', '2024-01-01T00:00:00.000Z'), true);
    assert.equal(timeOk('2025-05-01T09:00:00.000Z'), true);
    assert.equal(timeOk('2025-05-01T08:59:59.999Z'), false);
  });

  test('a record line with a +010000 time fails chain.time (and the reading goes on)', async () => {
    const e = makeEvent(0, GENESIS_PREV, 'poll-opened', {}, new Date(Date.UTC(10000, 0, 1)).toISOString());
    const { report } = await verifyRecord(linesSource([encodeEvent(e)]), undefined, { workers: 0, backend: 'noble' });
    assert.ok(report.failedChecks.includes('chain.time'));
    for (const id of ['record.format', 'chain.sequence', 'chain.links', 'chain.hashes'] as const) assert.ok(!report.failedChecks.includes(id), id);
  });
});
