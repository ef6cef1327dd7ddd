// The result's CSV export: every count in manifest order with its outcome, turnout in voters and in
// weight, RFC 4180 quoting, and no formula injection from the organisers' labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultCsv } from '../src/result/csv.js';
import { countResults } from '../src/tally/rules.js';
import { testDemoManifest } from './helpers/election.js';
import type { Manifest } from '../src/manifest/types.js';
import { selectionGroups } from '../src/manifest/layout.js';

/** A strict RFC 4180 reader for the test (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') quoted = false; else f += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(f); rows.push(row); row = []; f = ''; i++; }
    else f += c;
  }
  assert.equal(f, '');
  assert.equal(row.length, 0, 'the file ends with CRLF');
  return rows;
}

test('result CSV: every count with its outcome, turnout in voters and weight', () => {
  const manifest = testDemoManifest();
  const groups = selectionGroups(manifest);
  // Some counts per selection group: the first option of each group gets 3, the next 1.
  const counts = groups.map((g) => g.optionIds.map((_, i) => (i === 0 ? 3 : i === 1 ? 1 : 0)));
  const results = countResults(manifest, counts, 4, 9);
  const csv = resultCsv(manifest, { trustees: ['t1'], counts, ballots: 4, castWeight: 4, eligibleWeight: 9, results }, 8);
  const rows = parseCsv(csv);
  assert.deepEqual(rows[0], ['question_id', 'question', 'type', 'item_id', 'item', 'answer', 'votes', 'of', 'outcome']);
  assert.deepEqual(rows[1], ['', 'turnout', 'voters', '', '', '', '4', '8', '']);
  assert.deepEqual(rows[2], ['', 'turnout', 'weight', '', '', '', '4', '9', '']);
  assert.ok(rows.every((r) => r.length === 9));
  // Every question of the manifest appears, in order.
  const seen = [...new Set(rows.slice(3).map((r) => r[0]))];
  assert.deepEqual(seen, manifest.questions.map((q) => q.id));
  const choice = manifest.questions.find((q) => q.type === 'choice')!;
  const first = rows.find((r) => r[0] === choice.id)!;
  assert.equal(first[6], '3');
  assert.equal(first[8], 'elected');
});

test('result CSV: labels are quoted as RFC 4180 says and never run as spreadsheet formulas', () => {
  const base = testDemoManifest();
  const q = base.questions.find((x) => x.type === 'choice')!;
  if (q.type !== 'choice') throw new Error('unreachable');
  const manifest: Manifest = { ...base, questions: [{ ...q, title: 'Chair, "the" one', candidates: [{ id: 'x', label: '=HYPERLINK("http://evil")' }, { id: 'y', label: 'line\nbreak' }, ...q.candidates.slice(2)] }] };
  const groups = selectionGroups(manifest);
  const counts = groups.map((g) => g.optionIds.map((_, i) => (i === 0 ? 2 : 0)));
  const results = countResults(manifest, counts, 2, 2);
  const rows = parseCsv(resultCsv(manifest, { trustees: ['t1'], counts, ballots: 2, castWeight: 2, eligibleWeight: 2, results }, 2));
  const row = rows.find((r) => r[3] === 'x')!;
  assert.equal(row[1], 'Chair, "the" one');
  assert.equal(row[4], `'=HYPERLINK("http://evil")`);
  assert.equal(rows.find((r) => r[3] === 'y')![4], 'line\nbreak');
});
