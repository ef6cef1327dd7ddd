// The production store: PostgreSQL, for several veche server processes over one database.
//
// Board runs each read-check-append inside exclusive(): this store holds a per-election advisory lock
// (on one connection) for it, so the processes take turns in the order they asked (PostgreSQL grants a
// lock to its waiters in order) and the append, made on that same connection, cannot conflict. The
// append itself is one transaction that checks that the event follows the committed head (seq =
// head.seq + 1, prev = head.hash), inserts the tracking code and the event, and commits; only then does
// the board sign a receipt. The primary key (election, seq) and the unique (election, tracking_code)
// are the backstop that refuses a fork or a duplicate from any writer, locked or not.
// Events are stored as the exact JSON text the board hashed (not jsonb, which would reorder keys).
//
// Measured (bench/pg-append.ts): without the lock around the whole step, a process with a backlog
// re-appends right after each commit while the others must first catch up, so they lose every race
// and fail after Board's 50 retries; with it, no retries at all.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { BoardEvent, EventType } from '../record/events.js';
import { DuplicateBallot, SequenceConflict, type BoardStore, type StoredBallotRef } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS veche_events (
  election TEXT NOT NULL,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  hash TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (election, seq)
);
CREATE INDEX IF NOT EXISTS veche_events_type ON veche_events (election, type, seq);
CREATE TABLE IF NOT EXISTS veche_ballots (
  election TEXT NOT NULL,
  tracking_code TEXT NOT NULL,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (election, tracking_code)
);
CREATE TABLE IF NOT EXISTS veche_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

// Advisory lock keys: a fixed class for veche, and one key per election (hashtext of its id). Two
// elections whose ids collide in hashtext merely share a lock.
const LOCK_CLASS = 0x76656368; // "vech"
const SCHEMA_LOCK = 0;

const UNIQUE_VIOLATION = '23505';
// Serialization failure and deadlock: the transaction lost a race and changed nothing; retry after a refresh.
const LOST_RACE = new Set(['40001', '40P01']);

/** How appends of one election by several processes are kept apart (see the top of this file). */
export type AppendMode =
  /** Default: Board's whole read-check-append under a per-election session lock (exclusive()). */
  | 'lock'
  /** Only the append transaction takes the lock; a Board that built its event on a stale head retries. */
  | 'advisory'
  /** No lock: the primary key alone refuses the loser of a race, which retries. */
  | 'optimistic';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10; at least 2: one may hold an election's lock). */
  poolSize?: number;
  /** Default 'lock'; the others are kept to measure against (bench/pg-append.ts, bench/load.ts --pg-mode). */
  mode?: AppendMode;
}

const APPEND_MODES: readonly AppendMode[] = ['lock', 'advisory', 'optimistic'];

export class PostgresStore implements BoardStore {
  /** The connection holding an election's lock, for the appends made inside exclusive(). */
  private readonly holding = new AsyncLocalStorage<{ election: string; client: pg.PoolClient }>();

  private constructor(private readonly pool: pg.Pool, readonly mode: AppendMode) {}

  static async connect(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: Math.max(2, opts.poolSize ?? 10) });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const client = await pool.connect();
    try {
      // Several processes may start at once: create the schema under a lock, in one transaction.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      await pool.end();
      throw e;
    }
    client.release();
    // VECHE_PG_APPEND_MODE: only for measuring the approaches against each other (bench/load.ts --pg-mode).
    const fromEnv = process.env.VECHE_PG_APPEND_MODE as AppendMode | undefined;
    return new PostgresStore(pool, opts.mode ?? (fromEnv && APPEND_MODES.includes(fromEnv) ? fromEnv : 'lock'));
  }

  async exclusive<T>(election: string, f: () => Promise<T>): Promise<T> {
    if (this.mode !== 'lock') return f();
    const held = this.holding.getStore();
    if (held?.election === election) return f(); // already ours (a nested call)
    const client = await this.pool.connect();
    let locked = false;
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, election]);
      locked = true;
      return await this.holding.run({ election, client }, f);
    } finally {
      let broken = false;
      // If the connection died, PostgreSQL has released the lock with it; never reuse such a connection.
      if (locked) { try { await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, election]); } catch { broken = true; } }
      client.release(broken);
    }
  }

  async append(election: string, event: BoardEvent, trackingCode?: string): Promise<void> {
    const held = this.holding.getStore();
    const mine = held?.election === election ? held.client : null;
    const client = mine ?? (await this.pool.connect());
    let broken = false;
    try {
      await client.query('BEGIN');
      // Under exclusive() this connection holds the election's lock already.
      if (!mine && this.mode !== 'optimistic') await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, election]);
      // READ COMMITTED: after the lock, this statement sees every append committed before ours.
      const head = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM veche_events WHERE election = $1 ORDER BY seq DESC LIMIT 1', [election]);
      const row = head.rows[0];
      const expectedSeq = row ? Number(row.seq) + 1 : 0;
      if (event.seq !== expectedSeq || (row && row.hash !== event.prev)) throw new SequenceConflict(`board moved on: expected seq ${expectedSeq}`);
      if (trackingCode !== undefined) {
        await client.query('INSERT INTO veche_ballots (election, tracking_code, seq, hash) VALUES ($1, $2, $3, $4)', [election, trackingCode, event.seq, event.hash]);
      }
      await client.query('INSERT INTO veche_events (election, seq, type, hash, body) VALUES ($1, $2, $3, $4, $5)', [election, event.seq, event.type, event.hash, JSON.stringify(event)]);
      await client.query('COMMIT');
    } catch (e) {
      try { await client.query('ROLLBACK'); } catch { broken = true; }
      const err = e as { code?: string; constraint?: string };
      if (err.code === UNIQUE_VIOLATION) {
        if (err.constraint === 'veche_ballots_pkey') throw new DuplicateBallot('this ballot is already on the board');
        throw new SequenceConflict('board moved on: another process appended at this seq');
      }
      if (err.code && LOST_RACE.has(err.code)) throw new SequenceConflict(`board moved on: ${(e as Error).message}`);
      throw e;
    } finally {
      // A connection whose transaction state is unknown is thrown away, not reused (a held one is
      // released by exclusive(), and a broken one has lost its lock with it).
      if (!mine) client.release(broken);
      else if (broken) throw new Error('the connection holding the election lock broke');
    }
  }

  async head(election: string): Promise<BoardEvent | null> {
    const r = await this.pool.query<{ body: string }>('SELECT body FROM veche_events WHERE election = $1 ORDER BY seq DESC LIMIT 1', [election]);
    return r.rows[0] ? (JSON.parse(r.rows[0].body) as BoardEvent) : null;
  }

  async events(election: string, opts: { fromSeq?: number; types?: EventType[]; limit?: number } = {}): Promise<BoardEvent[]> {
    const params: unknown[] = [election, opts.fromSeq ?? 0];
    let sql = 'SELECT body FROM veche_events WHERE election = $1 AND seq >= $2';
    if (opts.types) {
      params.push(opts.types);
      sql += ` AND type = ANY($${params.length}::text[])`;
    }
    sql += ' ORDER BY seq';
    if (opts.limit !== undefined) {
      params.push(opts.limit);
      sql += ` LIMIT $${params.length}`;
    }
    const r = await this.pool.query<{ body: string }>(sql, params);
    return r.rows.map((row) => JSON.parse(row.body) as BoardEvent);
  }

  async findBallot(election: string, trackingCode: string): Promise<StoredBallotRef | null> {
    const r = await this.pool.query<{ seq: string; hash: string; tracking_code: string }>('SELECT seq, hash, tracking_code FROM veche_ballots WHERE election = $1 AND tracking_code = $2', [election, trackingCode]);
    const row = r.rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash, trackingCode: row.tracking_code } : null;
  }

  async elections(): Promise<string[]> {
    // COLLATE "C": the same byte order as SQLite, whatever the database's locale.
    const r = await this.pool.query<{ election: string }>('SELECT election FROM veche_events WHERE seq = 0 ORDER BY election COLLATE "C"');
    return r.rows.map((row) => row.election);
  }

  async getSetting(key: string): Promise<string | null> {
    const r = await this.pool.query<{ value: string }>('SELECT value FROM veche_settings WHERE key = $1', [key]);
    return r.rows[0]?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO veche_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
