// The embedded default store: one SQLite file, WAL mode, synchronous=FULL, so an event is on disk
// before the board answers (and before any receipt is returned).
import Database from 'better-sqlite3';
import type { BoardEvent, EventType } from '../record/events.js';
import { DuplicateBallot, SequenceConflict, type BoardStore, type StoredBallotRef } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  election TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  hash TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (election, seq)
);
CREATE INDEX IF NOT EXISTS events_type ON events (election, type, seq);
CREATE TABLE IF NOT EXISTS ballots (
  election TEXT NOT NULL,
  tracking_code TEXT NOT NULL,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (election, tracking_code)
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export class SqliteStore implements BoardStore {
  private db: Database.Database;
  private insertEvent: Database.Statement;
  private insertBallot: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insertEvent = this.db.prepare('INSERT INTO events (election, seq, type, hash, body) VALUES (?, ?, ?, ?, ?)');
    this.insertBallot = this.db.prepare('INSERT INTO ballots (election, tracking_code, seq, hash) VALUES (?, ?, ?, ?)');
  }

  async append(election: string, event: BoardEvent, trackingCode?: string): Promise<void> {
    // One IMMEDIATE transaction: the head check, the event and the tracking code land together or not at all.
    const tx = this.db.transaction(() => {
      const head = this.db.prepare('SELECT seq, hash FROM events WHERE election = ? ORDER BY seq DESC LIMIT 1').get(election) as { seq: number; hash: string } | undefined;
      const expectedSeq = head ? head.seq + 1 : 0;
      if (event.seq !== expectedSeq || (head && head.hash !== event.prev)) throw new SequenceConflict(`board moved on: expected seq ${expectedSeq}`);
      if (trackingCode !== undefined) {
        const dup = this.db.prepare('SELECT 1 FROM ballots WHERE election = ? AND tracking_code = ?').get(election, trackingCode);
        if (dup) throw new DuplicateBallot('this ballot is already on the board');
        this.insertBallot.run(election, trackingCode, event.seq, event.hash);
      }
      this.insertEvent.run(election, event.seq, event.type, event.hash, JSON.stringify(event));
    });
    tx.immediate();
  }

  async head(election: string): Promise<BoardEvent | null> {
    const row = this.db.prepare('SELECT body FROM events WHERE election = ? ORDER BY seq DESC LIMIT 1').get(election) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as BoardEvent) : null;
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
    return (this.db.prepare(sql).all(...params) as { body: string }[]).map((r) => JSON.parse(r.body) as BoardEvent);
  }

  async findBallot(election: string, trackingCode: string): Promise<StoredBallotRef | null> {
    const row = this.db.prepare('SELECT seq, hash, tracking_code AS trackingCode FROM ballots WHERE election = ? AND tracking_code = ?').get(election, trackingCode) as StoredBallotRef | undefined;
    return row ?? null;
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
    this.db.close();
  }
}
