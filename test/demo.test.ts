// `veche demo` as a newcomer runs it: the whole simulated election in one command. Its record must
// verify on its own, the verified counts must be the ones the simulated voters chose (expected.json,
// written by the simulation, not by the board), and the printed result must show every question.
import { testDemoManifest } from './helpers/election.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Expected } from '../src/demo/demo.js';
import { fileSource, verifyRecord } from '../src/verify/verifier.js';
import { vecheOk } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'veche-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('veche demo --voters 30 --seed 7: the record verifies, the counts are the voters\' choices, every question is shown', async () => {
  const out = join(dir, 'out');
  const { stdout } = await vecheOk(['demo', '--voters', '30', '--seed', '7', '--out', out]);

  const expected = JSON.parse(readFileSync(join(out, 'expected.json'), 'utf8')) as Expected;
  assert.equal(expected.voters, 30);
  assert.equal(expected.voted + expected.abstained, 30);
  assert.ok(expected.revoted > 0, 'seed 7 has voters who vote twice');

  const { report, state } = await verifyRecord(fileSource(join(out, 'record.jsonl')));
  assert.ok(report.ok, `failing checks: ${report.failedChecks.join(', ')}`);
  const result = state.result!;
  assert.deepEqual(result.counts, expected.counts);
  assert.deepEqual(result.results, expected.results);
  assert.equal(result.ballots, expected.voted);
  assert.equal(result.eligibleWeight, 30);

  // The printed table: every question, and the verified count next to each option's label.
  const manifest = testDemoManifest();
  assert.match(stdout, new RegExp(`Turnout: ${expected.voted} of 30 eligible`));
  for (const q of manifest.questions) assert.ok(stdout.includes(q.title), `the output shows "${q.title}"`);
  const row = (label: string, n: number) => assert.match(stdout, new RegExp(`^\\s+${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+${n}(\\s|$)`, 'm'), `"${label}" with ${n}`);
  for (const r of result.results) {
    const q = manifest.questions.find((x) => x.id === r.questionId)!;
    if (r.type === 'choice' && q.type === 'choice') for (const c of r.counts) row(q.candidates.find((o) => o.id === c.id)!.label, c.votes);
    if (r.type === 'approval' && q.type === 'approval') for (const c of r.counts) row(q.options.find((o) => o.id === c.id)!.label, c.votes);
    if (r.type === 'verdict' && q.type === 'verdict') for (const h of r.officeHolders) row(q.officeHolders.find((o) => o.id === h.id)!.label, h.counts.encouragement);
    if (r.type === 'motion') { row('for', r.counts.for); row('against', r.counts.against); row('abstain', r.counts.abstain); }
  }
  assert.match(stdout, /check it: npx veche verify /);
});
