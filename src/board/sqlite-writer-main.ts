// The SQLite store's writer thread (src/board/sqlite-writer.ts starts it): it takes the board's
// cross-process session lock and commits a group-commit session's batch, so that the commit's fsync
// (synchronous=FULL) blocks this thread and not the event loop, which meanwhile checks the ballots of
// the next batch.
//
// The session lock is a write transaction (BEGIN IMMEDIATE) held open on an empty SQLite file beside
// the board's, `<file>-session-lock`, taken by every group-commit session of every process; it is not
// the board file's own write lock, so the other tables' writers (mail, meetings, accounts) are never
// held up by a session, only for the commit itself. A second such file, `<file>-session-queue`, is
// taken before it and released once it is held: a process that has just committed and wants the lock
// again waits there behind one already waiting, so that several processes take turns. The kernel
// releases both with the process (SIGKILL included).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { appendRows, openBoardDb, type EventRow } from './sqlite-append.js';

export type WriterRequest =
  | { id: number; op: 'lock' }
  | { id: number; op: 'unlock' }
  | { id: number; op: 'close' }
  | { id: number; op: 'commit'; election: string; rows: EventRow[] };
export type WriterReply = { id: number; ok: true } | { id: number; ok: false; name: string; message: string };

/** How long a session waits for the lock before its submissions are refused (others' sessions last milliseconds). */
const LOCK_WAIT_MS = 30_000;

const { path } = workerData as { path: string };
const db = openBoardDb(Database, path);
const openLock = (file: string) => { const l = new Database(file); l.pragma('busy_timeout = 0'); return l; };
const held = openLock(`${path}-session-lock`);
const queue = openLock(`${path}-session-queue`);
const nap = new Int32Array(new SharedArrayBuffer(4));
const write = db.transaction((election: string, rows: EventRow[]) => appendRows(db, election, rows));

/** Takes a lock file's write lock, trying every millisecond (SQLite's own busy wait backs off to 100 ms
 *  naps, in which another process's next session would take the lock back: no turns). */
function take(lock: Database.Database, deadline: number): void {
  for (;;) {
    try { lock.exec('BEGIN IMMEDIATE'); return; } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
    }
    if (Date.now() > deadline) throw new Error(`the board's session lock (${path}-session-lock) was not free for ${LOCK_WAIT_MS / 1000} s`);
    Atomics.wait(nap, 0, 0, 1);
  }
}
const release = (lock: Database.Database) => { if (lock.inTransaction) lock.exec('ROLLBACK'); };

function handle(m: WriterRequest): void {
  if (m.op === 'lock') {
    const deadline = Date.now() + LOCK_WAIT_MS;
    take(queue, deadline);
    try { take(held, deadline); } finally { release(queue); }
  } else if (m.op === 'unlock') {
    release(held);
  } else if (m.op === 'close') {
    for (const c of [queue, held, db]) c.close();
  } else {
    // One BEGIN IMMEDIATE ... COMMIT for the whole batch: one fsync; nothing written if any row is refused.
    try { write.immediate(m.election, m.rows); } finally { release(held); }
  }
}

parentPort!.on('message', (m: WriterRequest) => {
  let reply: WriterReply;
  try {
    handle(m);
    reply = { id: m.id, ok: true };
  } catch (e) {
    reply = { id: m.id, ok: false, name: (e as Error).name, message: (e as Error).message };
  }
  parentPort!.postMessage(reply);
});
