// The SQLite board's cross-process session lock: a write transaction (BEGIN IMMEDIATE) held open on an
// empty SQLite file beside the board's, `<file>-session-lock`, by every group-commit session of every
// process (src/board/sqlite-store.ts). It is not the board file's own write lock, so the other tables'
// writers in that file (mail, meetings, accounts) are never held up by a session, only by its commit.
// A second such file, `<file>-session-queue`, is taken before it and let go once it is held: a process
// that has just committed and wants the lock again waits there behind one already waiting, so that
// several processes take turns. Both are tried without blocking and tried again a millisecond later,
// so a waiting process's event loop keeps checking ballots (and a session of another store of this
// process, which needs this event loop to finish, is never blocked by it). The kernel lets go of both
// with the process (SIGKILL included).
import Database from 'better-sqlite3';

/** How long a session waits for the lock before it is refused (others' sessions last milliseconds). */
const LOCK_WAIT_MS = 30_000;

const nap = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export class SessionLock {
  private readonly held: Database.Database;
  private readonly queue: Database.Database;

  constructor(private readonly path: string) {
    const open = (file: string) => { const l = new Database(file); l.pragma('busy_timeout = 0'); return l; };
    this.held = open(`${path}-session-lock`);
    this.queue = open(`${path}-session-queue`);
  }

  /** Takes the lock (waiting in turn behind other processes), or throws after LOCK_WAIT_MS. */
  async acquire(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    await this.take(this.queue, deadline);
    try { await this.take(this.held, deadline); } finally { this.release(this.queue); }
  }

  /** Lets go of the lock (nothing was ever written under it: the transaction is only rolled back). */
  unlock(): void {
    this.release(this.held);
  }

  close(): void {
    this.held.close();
    this.queue.close();
  }

  private async take(lock: Database.Database, deadline: number): Promise<void> {
    for (;;) {
      try { lock.exec('BEGIN IMMEDIATE'); return; } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
      }
      if (Date.now() > deadline) throw new Error(`the board's session lock (${this.path}-session-lock) was not free for ${LOCK_WAIT_MS / 1000} s`);
      await nap();
    }
  }

  private release(lock: Database.Database): void {
    if (lock.inTransaction) lock.exec('ROLLBACK');
  }
}
