// The SQLite store's writer thread (src/board/sqlite-writer.ts starts it): it commits a group-commit
// session's batch, so that the commit's fsync (synchronous=FULL) blocks this thread and not the event
// loop, which meanwhile checks the ballots of the next batch.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { appendRows, openBoardDb, type EventRow } from './sqlite-append.js';

export type WriterRequest =
  | { id: number; op: 'commit'; election: string; rows: EventRow[] }
  | { id: number; op: 'close' };
/** id -1: the thread has opened the file and takes requests. */
export type WriterReply = { id: number; ok: true } | { id: number; ok: false; name: string; message: string };

const { path } = workerData as { path: string };
const db = openBoardDb(Database, path);
// One BEGIN IMMEDIATE ... COMMIT for the whole batch: one fsync; nothing written if any row is refused.
const write = db.transaction((election: string, rows: EventRow[]) => appendRows(db, election, rows));

parentPort!.on('message', (m: WriterRequest) => {
  let reply: WriterReply;
  try {
    if (m.op === 'commit') write.immediate(m.election, m.rows);
    else db.close();
    reply = { id: m.id, ok: true };
  } catch (e) {
    reply = { id: m.id, ok: false, name: (e as Error).name, message: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ id: -1, ok: true } satisfies WriterReply);
