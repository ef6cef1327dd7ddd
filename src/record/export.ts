// Writing and reading the record file (JSON Lines, one canonical event per line).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { encodeEvent, type BoardEvent } from './events.js';

export async function writeRecord(path: string, events: AsyncIterable<BoardEvent> | Iterable<BoardEvent>): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let n = 0;
  for await (const e of events) {
    if (!out.write(encodeEvent(e) + '\n')) await once(out, 'drain');
    n++;
  }
  out.end();
  await once(out, 'finish');
  return n;
}
