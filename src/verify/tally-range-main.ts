// One job of a split tally: `node dist/src/verify/tally-range-main.js RECORD FROM TO` prints, as JSON,
// the partial sums of the counted ballots whose sequence numbers lie in [FROM, TO). Any number of these
// (processes, machines, queue jobs: docs/scale.md) combine with combinePartialSums into the full tally.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { enableFastBackend } from '../crypto/backend-sodium.js';
import { selectionGroups } from '../manifest/layout.js';
import type { BoardEvent, PayloadByType } from '../record/events.js';
import { countedSelection, sumBallots } from './tally-ranges.js';

const lines = (path: string) => createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });

/** Streams the record twice: which ballots count (all of it), then the sums of those in range. */
export async function tallyRangeOfFile(path: string, from: number, to: number) {
  await enableFastBackend();
  let groups = null as ReturnType<typeof selectionGroups> | null;
  const light: BoardEvent[] = [];
  for await (const line of lines(path)) {
    const e = JSON.parse(line) as BoardEvent;
    if (e.type === 'election') groups = selectionGroups((e.payload as PayloadByType['election']).manifest);
    // Only what the selection needs: the credential of each ballot, revocations, the list.
    if (e.type === 'ballot') light.push({ ...e, payload: { credential: (e.payload as PayloadByType['ballot']).credential } as PayloadByType['ballot'] });
    else if (e.type === 'credentials' || e.type === 'credential-revoked' || e.type === 'credentials-added') light.push(e);
  }
  if (!groups) throw new Error('tally range: the record has no election event');
  const selection = countedSelection(light);
  light.length = 0;
  async function* inRange() {
    let seq = 0;
    for await (const line of lines(path)) {
      if (seq >= from && seq < to && selection.counted.has(seq)) {
        const b = (JSON.parse(line) as BoardEvent<'ballot'>).payload;
        yield { answers: b.answers, weight: selection.weights.get(b.credential)! };
      }
      seq++;
    }
  }
  const items = [];
  for await (const item of inRange()) items.push(item);
  return sumBallots(groups, items);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [path, from, to] = process.argv.slice(2);
  if (!path || !/^\d+$/.test(from ?? '') || !/^\d+$/.test(to ?? '')) {
    process.stderr.write('usage: tally-range-main RECORD FROM TO\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await tallyRangeOfFile(path, Number(from), Number(to))) + '\n');
}
