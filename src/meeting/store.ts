// Where bodies and meeting records live: their own tables beside the board's (the embedded SQLite file
// by default, PostgreSQL in production: src/meeting/postgres-store.ts). A store only appends and reads;
// the rules of what may be appended are src/meeting/state.ts.
import Database from 'better-sqlite3';
import { SequenceConflict } from '../board/store.js';
import type { Body, MeetingEvent } from './types.js';

export { SequenceConflict };

export interface MeetingRef { id: string; body: string; created: number }

/** Appends made by any process sharing a store (PostgreSQL: LISTEN/NOTIFY, src/meeting/postgres-listen.ts).
 *  A notice says only that `meeting` has an event `seq`; the follower reads and checks it from the store.
 *  `resync`: notices may have been missed (the listener connected or reconnected): catch up every meeting.
 *  Returns a function that stops following. */
export interface AppendNotices {
  follow(appended: (meeting: string, seq: number) => void, resync: () => void): () => void;
}

/** The reads and appends of one locked session on a meeting (MeetingStore.exclusive). */
export interface MeetingSession {
  /** Appends `event` only if it follows the meeting's last event (else SequenceConflict); it is stored
   *  when the session commits, with the others of the session, or not at all. */
  append(event: MeetingEvent): Promise<void>;
  /** The meeting's events from `fromSeq`, as the session sees them (its own appends included). */
  events(fromSeq: number, limit: number): Promise<MeetingEvent[]>;
}

export interface MeetingStore {
  /** Stores a body's definition (a new one, or a new version replacing the old). */
  putBody(body: Body, replace: boolean): Promise<void>;
  getBody(id: string): Promise<Body | null>;
  bodies(): Promise<string[]>;
  /** Appends `event` only if it follows the meeting's last event (else SequenceConflict); event 0 also
   *  records the meeting under its body. */
  append(meeting: string, event: MeetingEvent, body?: string): Promise<void>;
  events(meeting: string, fromSeq?: number, limit?: number): Promise<MeetingEvent[]>;
  /** Meetings of a body, oldest first. */
  meetings(body: string): Promise<MeetingRef[]>;
  /** Optional, for stores shared by several processes: runs `f` in one transaction holding the
   *  meeting's lock, which holds off every other append to it, so that catching up, checking and
   *  appending cannot lose a race and a busy process cannot starve the others. The session's appends
   *  commit when `f` returns, or none of them if it throws. Absent: one process (SQLite). */
  exclusive?<T>(meeting: string, f: (session: MeetingSession) => Promise<T>): Promise<T>;
  /** Where several processes share the store: the notices of their appends (absent: one process). */
  readonly notices?: AppendNotices;
  close(): Promise<void>;
}

export class BodyExists extends Error { override name = 'BodyExists'; }

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meeting_bodies (id TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meetings (id TEXT PRIMARY KEY, body TEXT NOT NULL, created INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS meetings_body ON meetings (body, created);
CREATE TABLE IF NOT EXISTS meeting_events (
  meeting TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, hash TEXT NOT NULL, event TEXT NOT NULL,
  PRIMARY KEY (meeting, seq)
);
`;

export class SqliteMeetingStore implements MeetingStore {
  private db: Database.Database;

  /** `path`: a SQLite file (the server's own veche.sqlite is fine: the tables are separate). */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async putBody(body: Body, replace: boolean): Promise<void> {
    const text = JSON.stringify(body);
    if (replace) { this.db.prepare('INSERT INTO meeting_bodies (id, definition) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition').run(body.id, text); return; }
    const r = this.db.prepare('INSERT INTO meeting_bodies (id, definition) VALUES (?, ?) ON CONFLICT (id) DO NOTHING').run(body.id, text);
    if (r.changes === 0) throw new BodyExists(`a body "${body.id}" already exists`);
  }

  async getBody(id: string): Promise<Body | null> {
    const row = this.db.prepare('SELECT definition FROM meeting_bodies WHERE id = ?').get(id) as { definition: string } | undefined;
    return row ? (JSON.parse(row.definition) as Body) : null;
  }

  async bodies(): Promise<string[]> {
    return (this.db.prepare('SELECT id FROM meeting_bodies ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  }

  // Prepared once: preparing each statement per call was a tenth of an append at thousands of members.
  private readonly sql = {
    head: this.statement('SELECT seq, hash FROM meeting_events WHERE meeting = ? ORDER BY seq DESC LIMIT 1'),
    meeting: this.statement('INSERT INTO meetings (id, body, created) VALUES (?, ?, (SELECT COUNT(*) FROM meetings))'),
    event: this.statement('INSERT INTO meeting_events (meeting, seq, type, hash, event) VALUES (?, ?, ?, ?, ?)'),
    events: this.statement('SELECT event FROM meeting_events WHERE meeting = ? AND seq >= ? ORDER BY seq LIMIT ?'),
  };

  private statement(text: string): () => Database.Statement {
    let st: Database.Statement | null = null;
    return () => (st ??= this.db.prepare(text));
  }

  private readonly appendTx = (meeting: string, event: MeetingEvent, body?: string) => {
    const head = this.sql.head().get(meeting) as { seq: number; hash: string } | undefined;
    const expected = head ? head.seq + 1 : 0;
    if (event.seq !== expected || (head && head.hash !== event.prev)) throw new SequenceConflict(`meeting moved on: expected seq ${expected}`);
    if (event.seq === 0) this.sql.meeting().run(meeting, body ?? '');
    this.sql.event().run(meeting, event.seq, event.type, event.hash, JSON.stringify(event));
  };

  private appendInTx: Database.Transaction<typeof this.appendTx> | null = null;

  async append(meeting: string, event: MeetingEvent, body?: string): Promise<void> {
    (this.appendInTx ??= this.db.transaction(this.appendTx)).immediate(meeting, event, body);
  }

  async events(meeting: string, fromSeq = 0, limit = 100_000): Promise<MeetingEvent[]> {
    return (this.sql.events().all(meeting, fromSeq, limit) as { event: string }[]).map((r) => JSON.parse(r.event) as MeetingEvent);
  }

  async meetings(body: string): Promise<MeetingRef[]> {
    return this.db.prepare('SELECT id, body, created FROM meetings WHERE body = ? ORDER BY created').all(body) as MeetingRef[];
  }

  async close(): Promise<void> { this.db.close(); }
}
