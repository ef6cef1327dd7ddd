// The embedded default store: one SQLite file, WAL mode, synchronous=FULL, so an event is on disk
// before the board answers (and before any receipt is returned).
//
// Group commit (the default mode, 'group', as on PostgreSQL): a board runs the submissions waiting in
// its process as one session inside exclusive(). The session first takes the board's cross-process
// session lock (src/board/sqlite-session-lock.ts: a write transaction on a lock file beside this one,
// which every group-commit session of every process takes), so the board's reads then see every batch
// committed before it; the events it appends are checked and kept in memory, and when `f` returns they
// are written in one BEGIN IMMEDIATE ... COMMIT (one fsync) on the writer thread
// (src/board/sqlite-writer-main.ts), and the lock is let go. Only after that commit does the board hand
// out the receipts; if `f` throws, or the commit refuses the batch, nothing is written. The commit's fsync blocks the writer thread, not the event
// loop, which meanwhile checks the next batch's ballots: with the fsync on the event loop there would
// be nothing to group (each ballot would be checked and committed before the next was looked at).
//
// 'event' (VECHE_SQLITE_APPEND_MODE=event, or { mode: 'event' }) is the older way, kept to measure
// against (bench/load.ts --sqlite-mode): each event in its own transaction on this connection, and a
// board that lost a race to another process catches up and retries. A database in memory (':memory:')
// is this connection's alone, so it is always 'event'.
import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import type { BoardEvent, EventType } from '../record/events.js';
import { appendRows, openBoardDb, type EventRow } from './sqlite-append.js';
import { SessionLock } from './sqlite-session-lock.js';
import { SqliteWriter } from './sqlite-writer.js';
import { DuplicateBallot, SequenceConflict, type BoardStore, type SessionInfo, type StoredBallotRef } from './store.js';

/** How a board's events are committed (see the top of this file). */
export type SqliteAppendMode = 'group' | 'event';
const APPEND_MODES: readonly SqliteAppendMode[] = ['group', 'event'];

export interface SqliteStoreOptions {
  /** Default 'group' (or VECHE_SQLITE_APPEND_MODE); 'event' is kept to measure against. */
  mode?: SqliteAppendMode;
}

/** A group-commit session of this process: the election, and the events chained in it so far. */
interface Session { election: string; events: BoardEvent[]; rows: EventRow[] }

const rowOf = (event: BoardEvent, trackingCode?: string): EventRow =>
  ({ seq: event.seq, prev: event.prev, type: event.type, hash: event.hash, body: JSON.stringify(event), code: trackingCode ?? null });

export class SqliteStore implements BoardStore {
  readonly mode: SqliteAppendMode;
  private committedSessions = 0;
  private readonly db: Database.Database;
  private readonly writeOne: (election: string, rows: EventRow[]) => void;
  private writer: SqliteWriter | null = null;
  private lock: SessionLock | null = null;
  private readonly session = new AsyncLocalStorage<Session>();
  /** This process's sessions run one at a time (the writer thread holds one lock at a time). */
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly path: string, opts: SqliteStoreOptions = {}) {
    const fromEnv = process.env.VECHE_SQLITE_APPEND_MODE;
    if (fromEnv !== undefined && fromEnv !== '' && !APPEND_MODES.includes(fromEnv as SqliteAppendMode)) throw new Error(`VECHE_SQLITE_APPEND_MODE: expected ${APPEND_MODES.join(' or ')}, got "${fromEnv}"`);
    const inMemory = path === ':memory:' || path === '';
    if (inMemory && opts.mode === 'group') throw new Error('sqlite store: group commit needs a file (its writer thread opens the file too)');
    this.mode = inMemory ? 'event' : opts.mode ?? ((fromEnv || 'group') as SqliteAppendMode);
    this.db = openBoardDb(Database, path);
    const write = this.db.transaction((election: string, rows: EventRow[]) => appendRows(this.db, election, rows));
    // One IMMEDIATE transaction: the head check, the event and the tracking code land together or not at all.
    this.writeOne = (election, rows) => write.immediate(election, rows);
  }

  /** Sessions of this store that committed a batch (each one transaction, one fsync). */
  get sessionCommits(): number {
    return this.committedSessions;
  }

  /** In 'group' mode appends made inside exclusive() are committed at its end, together. */
  get groupCommit(): boolean {
    return this.mode === 'group';
  }

  async exclusive<T>(election: string, f: (session?: SessionInfo) => Promise<T>): Promise<T> {
    if (this.mode !== 'group') return f();
    const open = this.session.getStore();
    if (open?.election === election) return f(); // already ours (a nested call)
    if (open) throw new Error(`sqlite store: a session of "${open.election}" is open here; one of "${election}" cannot start inside it`);
    const before = this.turn;
    let done = () => {};
    this.turn = new Promise<void>((resolve) => { done = resolve; });
    await before;
    try {
      this.lock ??= new SessionLock(this.path);
      this.writer ??= new SqliteWriter(this.path); // starts in the background (see commit below)
      await this.lock.acquire();
      try {
        const s: Session = { election, events: [], rows: [] };
        // Other processes waiting for the lock cannot be seen from here: 0 (the board keeps checking).
        const result = await this.session.run(s, () => f({ othersWaiting: 0 }));
        if (s.rows.length > 0) {
          // On the writer thread once it has started; before that (the first moments of a process, a
          // one-shot command) on this connection, blocking the event loop for the fsync as 'event' does.
          if (this.writer.ready) await this.writer.commit(election, s.rows);
          else this.writeOne(election, s.rows);
          this.committedSessions++;
        }
        return result;
      } finally {
        this.lock.unlock();
      }
    } finally {
      done();
    }
  }

  async append(election: string, event: BoardEvent, trackingCode?: string): Promise<void> {
    const open = this.session.getStore();
    if (!open) { this.writeOne(election, [rowOf(event, trackingCode)]); return; }
    if (open.election !== election) throw new Error(`sqlite store: an append to "${election}" inside a session of "${open.election}"`);
    // Chained in memory, written when the session ends; the same checks run again in that transaction.
    // Under the lock no other session commits, so the committed head read here is still the head then.
    const head = open.events[open.events.length - 1] ?? this.committedHead(election);
    const expectedSeq = head ? head.seq + 1 : 0;
    if (event.seq !== expectedSeq || (head && event.prev !== head.hash)) throw new SequenceConflict(`board moved on: expected seq ${expectedSeq}`);
    if (trackingCode !== undefined && (open.rows.some((r) => r.code === trackingCode) || this.committedBallot(election, trackingCode))) throw new DuplicateBallot('this ballot is already on the board');
    open.events.push(event);
    open.rows.push(rowOf(event, trackingCode));
  }

  /** The events this async context's session of `election` has chained but not yet committed. */
  private pending(election: string): BoardEvent[] {
    const open = this.session.getStore();
    return open?.election === election ? open.events : [];
  }

  private committedHead(election: string): BoardEvent | null {
    const row = this.db.prepare('SELECT body FROM events WHERE election = ? ORDER BY seq DESC LIMIT 1').get(election) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as BoardEvent) : null;
  }

  private committedBallot(election: string, trackingCode: string): StoredBallotRef | null {
    const row = this.db.prepare('SELECT seq, hash, tracking_code AS trackingCode FROM ballots WHERE election = ? AND tracking_code = ?').get(election, trackingCode) as StoredBallotRef | undefined;
    return row ?? null;
  }

  // Reads inside a session see its own chained events after the committed ones (as its transaction would).

  async head(election: string): Promise<BoardEvent | null> {
    return this.pending(election).at(-1) ?? this.committedHead(election);
  }

  async events(election: string, opts: { fromSeq?: number; types?: EventType[]; limit?: number } = {}): Promise<BoardEvent[]> {
    const params: unknown[] = [election, opts.fromSeq ?? 0];
    let sql = 'SELECT body FROM events WHERE election = ? AND seq >= ?';
    if (opts.types) {
      sql += ` AND type IN (${opts.types.map(() => '?').join(',')})`;
      params.push(...opts.types);
    }
    sql += ' ORDER BY seq';
    if (opts.limit !== undefined) { sql += ' LIMIT ?'; params.push(opts.limit); }
    const committed = (this.db.prepare(sql).all(...params) as { body: string }[]).map((r) => JSON.parse(r.body) as BoardEvent);
    const more = this.pending(election).filter((e) => e.seq >= (opts.fromSeq ?? 0) && (!opts.types || opts.types.includes(e.type)));
    return more.length === 0 ? committed : [...committed, ...more].slice(0, opts.limit ?? Infinity);
  }

  async findBallot(election: string, trackingCode: string): Promise<StoredBallotRef | null> {
    const open = this.session.getStore();
    const row = open?.election === election ? open.rows.find((r) => r.code === trackingCode) : undefined;
    return row ? { seq: row.seq, hash: row.hash, trackingCode } : this.committedBallot(election, trackingCode);
  }

  /** Which of these tracking codes are on the board (inside a session: as of its lock, and its own). */
  async knownTrackingCodes(election: string, codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = this.db.prepare('SELECT tracking_code AS code FROM ballots WHERE election = ? AND tracking_code IN (SELECT value FROM json_each(?))').all(election, JSON.stringify(codes)) as { code: string }[];
    const known = new Set(rows.map((r) => r.code));
    const open = this.session.getStore();
    if (open?.election === election) for (const r of open.rows) if (r.code !== null && codes.includes(r.code)) known.add(r.code);
    return known;
  }

  // -- removal (BoardStore.removeElection)
  async removeElection(election: string, maxSeq?: number): Promise<boolean> {
    const tx = this.db.transaction((): boolean => {
      const head = this.db.prepare('SELECT MAX(seq) AS seq FROM events WHERE election = ?').get(election) as { seq: number | null };
      if (head.seq === null || (maxSeq !== undefined && head.seq > maxSeq)) return false;
      this.db.prepare('DELETE FROM ballots WHERE election = ?').run(election);
      this.db.prepare('DELETE FROM events WHERE election = ?').run(election);
      return true;
    });
    return tx.immediate();
  }
  // -- end removal

  async elections(): Promise<string[]> {
    return (this.db.prepare('SELECT election FROM events WHERE seq = 0 ORDER BY election').all() as { election: string }[]).map((r) => r.election);
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async close(): Promise<void> {
    await this.writer?.close();
    this.lock?.close();
    this.db.close();
  }
}
