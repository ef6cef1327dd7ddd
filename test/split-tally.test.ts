// The tally split over ranges of ballots, summed by separate processes, combines to exactly the tally
// one process computes and the board published.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../src/demo/demo.js';
import type { BoardEvent, PayloadByType } from '../src/record/events.js';
import { selectionGroups } from '../src/manifest/layout.js';
import { combinePartialSums, countedSelection, tallyRange, type PartialSums } from '../src/verify/tally-ranges.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../src/verify/tally-range-main.js', import.meta.url));

test('partial tallies of ballot ranges, from separate processes, combine to the published tally', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'veche-split-'));
  try {
    const { recordPath } = await runDemo({ voters: 9, seed: 5, outDir: dir, revotePercent: 40, abstainPercent: 10 });
    const events = readFileSync(recordPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BoardEvent);
    const groups = selectionGroups((events[0]!.payload as PayloadByType['election']).manifest);
    const published = (events.find((e) => e.type === 'tally')!.payload as PayloadByType['tally']).sums;
    const ballotSeqs = events.filter((e) => e.type === 'ballot').map((e) => e.seq);
    const cut1 = ballotSeqs[2]!;
    const cut2 = ballotSeqs[ballotSeqs.length - 3]!;
    const ranges: [number, number][] = [[0, cut1], [cut1, cut2], [cut2, events.length]];

    const parts = await Promise.all(ranges.map(async ([from, to]) => {
      const { stdout } = await run(process.execPath, [script, recordPath, String(from), String(to)]);
      return JSON.parse(stdout) as PartialSums;
    }));
    // Each range alone differs from the whole (the split is real), the combination in any order does not.
    for (const p of parts) assert.notDeepEqual(p, published);
    assert.deepEqual(combinePartialSums(groups, parts), published);
    assert.deepEqual(combinePartialSums(groups, [parts[2]!, parts[0]!, parts[1]!]), published);
    assert.deepEqual(combinePartialSums(groups, [combinePartialSums(groups, [parts[1]!, parts[2]!]), parts[0]!]), published);
    // One process over the whole record agrees; dropping a range does not.
    const selection = countedSelection(events);
    assert.deepEqual(tallyRange(events, 0, events.length, selection, groups), published);
    assert.notDeepEqual(combinePartialSums(groups, [parts[0]!, parts[2]!]), published);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
