// Reading a record file for the participants (trustees, voters, the credential authority): parse each
// line, check the hash chain, and hand back the events. The full check is `veche verify`.
import { readFileSync } from 'node:fs';
import { eventHash, GENESIS_PREV, type BoardEvent, type EventType, type PayloadByType } from './events.js';

export function parseRecord(text: string): BoardEvent[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const events: BoardEvent[] = [];
  let prev = GENESIS_PREV;
  for (const [i, line] of lines.entries()) {
    let e: BoardEvent;
    try { e = JSON.parse(line) as BoardEvent; } catch { throw new Error(`record line ${i + 1}: not JSON`); }
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error(`record line ${i + 1}: not an event`);
    let hash: string | null;
    try { hash = eventHash(e); } catch { hash = null; } // content that has no canonical encoding
    if (e.seq !== i || e.prev !== prev || hash === null || hash !== e.hash) throw new Error(`record line ${i + 1}: the hash chain is broken`);
    prev = e.hash;
    events.push(e);
  }
  if (events[0]?.type !== 'election') throw new Error('record: does not start with an election event');
  return events;
}

export function readRecordFile(path: string): BoardEvent[] {
  return parseRecord(readFileSync(path, 'utf8'));
}

export function eventsOf<T extends EventType>(events: BoardEvent[], type: T): PayloadByType[T][] {
  return events.filter((e) => e.type === type).map((e) => e.payload as PayloadByType[T]);
}

export function electionOf(events: BoardEvent[]): { hash: string; payload: PayloadByType['election'] } {
  return { hash: events[0]!.hash, payload: events[0]!.payload as PayloadByType['election'] };
}
