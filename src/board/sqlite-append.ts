// The board's tables in SQLite and the one way events are written to them, shared by the store's
// connection (an append on its own) and its writer thread (a group-commit session's batch,
// src/board/sqlite-writer-main.ts): the head check, the tracking codes and the events, inside the
// caller's transaction.
import type Database from 'better-sqlite3';
import { DuplicateBallot, SequenceConflict } from './store.js';

export const SCHEMA = `
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

/** An event as it is written: its chain fields, its exact JSON text, and a ballot's tracking code. */
export interface EventRow { seq: number; prev: string; type: string; hash: string; body: string; code: string | null }

/** Opens a connection to the board's file as every writer of it does: WAL, each commit on disk before it returns. */
export function openBoardDb(Db: typeof Database, path: string): Database.Database {
  const db = new Db(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

/**
 * Writes `rows` (one chain, in order) after the election's committed head, inside the caller's write
 * transaction: SequenceConflict if the first does not follow the head or the rows are not one chain,
 * DuplicateBallot if a tracking code is on the board already. Throws before writing anything.
 */
export function appendRows(db: Database.Database, election: string, rows: readonly EventRow[]): void {
  const head = db.prepare('SELECT seq, hash FROM events WHERE election = ? ORDER BY seq DESC LIMIT 1').get(election) as { seq: number; hash: string } | undefined;
  const expectedSeq = head ? head.seq + 1 : 0;
  const first = rows[0];
  if (!first) return;
  if (first.seq !== expectedSeq || (head && head.hash !== first.prev)) throw new SequenceConflict(`board moved on: expected seq ${expectedSeq}`);
  rows.forEach((r, i) => {
    if (i > 0 && (r.seq !== rows[i - 1]!.seq + 1 || r.prev !== rows[i - 1]!.hash)) throw new SequenceConflict(`board moved on: event ${r.seq} does not follow the one before it`);
  });
  const known = db.prepare('SELECT 1 FROM ballots WHERE election = ? AND tracking_code = ?');
  const codes = new Set<string>();
  for (const r of rows) {
    if (r.code === null) continue;
    if (codes.has(r.code) || known.get(election, r.code)) throw new DuplicateBallot('this ballot is already on the board');
    codes.add(r.code);
  }
  const insertBallot = db.prepare('INSERT INTO ballots (election, tracking_code, seq, hash) VALUES (?, ?, ?, ?)');
  const insertEvent = db.prepare('INSERT INTO events (election, seq, type, hash, body) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) {
    if (r.code !== null) insertBallot.run(election, r.code, r.seq, r.hash);
    insertEvent.run(election, r.seq, r.type, r.hash, r.body);
  }
}
