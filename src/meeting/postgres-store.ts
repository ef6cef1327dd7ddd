// Bodies and meeting records in PostgreSQL, for servers sharing one database. Appends run in one
// transaction under the meeting's advisory lock (exclusive(): the engine catches up, checks and
// appends in it, so a process never loses a race to another): the head check, (for event 0) the
// meeting row, the event, and the NOTIFY that tells the other processes (delivered at the commit, in
// commit order); the primary key (meeting, seq) is the backstop against a fork from any writer.
import pg from 'pg';
import { openPostgresPool } from '../board/postgres-pool.js';
import { SequenceConflict } from '../board/store.js';
import { MEETING_CHANNEL, MeetingListener, noticePayload } from './postgres-listen.js';
import { BodyExists, type MeetingRef, type MeetingSession, type MeetingStore } from './store.js';
import type { Body, MeetingEvent } from './types.js';

const LOCK_CLASS = 0x6d656574; // "meet"
const UNIQUE_VIOLATION = '23505';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS veche_meeting_bodies (id TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS veche_meetings (id TEXT PRIMARY KEY, body TEXT NOT NULL, created BIGSERIAL);
CREATE INDEX IF NOT EXISTS veche_meetings_body ON veche_meetings (body, created);
CREATE TABLE IF NOT EXISTS veche_meeting_events (
  meeting TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, hash TEXT NOT NULL, event TEXT NOT NULL,
  PRIMARY KEY (meeting, seq)
);
`;

async function readEvents(db: pg.Pool | pg.PoolClient, meeting: string, fromSeq: number, limit: number): Promise<MeetingEvent[]> {
  const r = await db.query<{ event: string }>('SELECT event FROM veche_meeting_events WHERE meeting = $1 AND seq >= $2 ORDER BY seq LIMIT $3', [meeting, fromSeq, limit]);
  return r.rows.map((x) => JSON.parse(x.event) as MeetingEvent);
}

export class PostgresMeetingStore implements MeetingStore {
  /** The other processes' appends: one LISTEN connection, opened when the first follower comes. */
  readonly notices: MeetingListener;

  private constructor(private readonly pool: pg.Pool, url: string, listenRetryMs?: number) { this.notices = new MeetingListener(url, listenRetryMs); }

  /** `listenRetryMs`: the first pause before the LISTEN connection, once dropped, is opened again. */
  static async connect(url: string, poolSize = 5, listenRetryMs?: number): Promise<PostgresMeetingStore> {
    const pool = await openPostgresPool(url, poolSize, [LOCK_CLASS, 0], SCHEMA);
    return new PostgresMeetingStore(pool, url, listenRetryMs);
  }

  async putBody(body: Body, replace: boolean): Promise<void> {
    const text = JSON.stringify(body);
    if (replace) { await this.pool.query('INSERT INTO veche_meeting_bodies (id, definition) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition', [body.id, text]); return; }
    const r = await this.pool.query('INSERT INTO veche_meeting_bodies (id, definition) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [body.id, text]);
    if (r.rowCount === 0) throw new BodyExists(`a body "${body.id}" already exists`);
  }

  async getBody(id: string): Promise<Body | null> {
    const r = await this.pool.query<{ definition: string }>('SELECT definition FROM veche_meeting_bodies WHERE id = $1', [id]);
    return r.rows[0] ? (JSON.parse(r.rows[0].definition) as Body) : null;
  }

  async bodies(): Promise<string[]> {
    const r = await this.pool.query<{ id: string }>('SELECT id FROM veche_meeting_bodies ORDER BY id COLLATE "C"');
    return r.rows.map((x) => x.id);
  }

  async append(meeting: string, event: MeetingEvent, body?: string): Promise<void> {
    await this.exclusive(meeting, (session) => this.insert(session.client, meeting, event, body));
  }

  /** One transaction holding the meeting's advisory lock (taken in the same round trip as BEGIN); the
   *  session reads and appends on its connection, so it never waits for a second one from the pool. */
  async exclusive<T>(meeting: string, f: (session: MeetingSession & { client: pg.PoolClient }) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${client.escapeLiteral(meeting)}))`);
      const session = {
        client,
        append: (event: MeetingEvent) => this.insert(client, meeting, event),
        events: (fromSeq: number, limit: number) => readEvents(client, meeting, fromSeq, limit),
      };
      const result = await f(session);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      // A connection that cannot even roll back is never handed out again (PostgreSQL dropped its lock with it).
      await client.query('ROLLBACK').catch(() => { broken = true; });
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw new SequenceConflict('meeting moved on: another process appended at this seq');
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** The head check, (for event 0) the meeting row, the event, and its NOTIFY (delivered at the commit). */
  private async insert(client: pg.PoolClient, meeting: string, event: MeetingEvent, body?: string): Promise<void> {
    const head = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM veche_meeting_events WHERE meeting = $1 ORDER BY seq DESC LIMIT 1', [meeting]);
    const h = head.rows[0];
    const expected = h ? Number(h.seq) + 1 : 0;
    if (event.seq !== expected || (h && h.hash !== event.prev)) throw new SequenceConflict(`meeting moved on: expected seq ${expected}`);
    if (event.seq === 0) await client.query('INSERT INTO veche_meetings (id, body) VALUES ($1, $2)', [meeting, body ?? '']);
    await client.query('INSERT INTO veche_meeting_events (meeting, seq, type, hash, event) VALUES ($1, $2, $3, $4, $5)', [meeting, event.seq, event.type, event.hash, JSON.stringify(event)]);
    await client.query('SELECT pg_notify($1, $2)', [MEETING_CHANNEL, noticePayload(meeting, event.seq)]);
  }

  events(meeting: string, fromSeq = 0, limit = 100_000): Promise<MeetingEvent[]> {
    return readEvents(this.pool, meeting, fromSeq, limit);
  }

  async meetings(body: string): Promise<MeetingRef[]> {
    const r = await this.pool.query<{ id: string; body: string; created: string }>('SELECT id, body, created FROM veche_meetings WHERE body = $1 ORDER BY created', [body]);
    return r.rows.map((x) => ({ id: x.id, body: x.body, created: Number(x.created) }));
  }

  async close(): Promise<void> { await this.notices.close(); await this.pool.end(); }
}
