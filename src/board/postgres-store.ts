// The production store: PostgreSQL, for several veche server processes over one database.
//
// Group commit (the default mode, 'group'): a board runs the submissions waiting in its process as one
// session inside exclusive(): one transaction that takes the election's advisory lock, catches up with
// what other processes committed, checks and chains every waiting submission, then writes all their
// events with one statement (veche_append_batch below, which checks that they follow the committed
// head) and commits. Only after the commit does the board hand out the receipts: a receipted event is
// committed, a process killed mid-batch loses its uncommitted batch (its callers got no receipt) and
// the lock goes with its connection. One lock, one catch-up and one commit (one WAL flush) per batch
// instead of per event, and no lost races: several processes take turns, each with a batch, so they
// append more per second together than one does alone (bench/pg-append.ts).
//
// The primary key (election, seq) and the unique (election, tracking_code) are the backstop that
// refuses a fork or a duplicate from any writer.
//
// The older modes are kept to measure against: 'lock' (one transaction per event under the lock; a
// board whose event was built on a stale head gets SequenceConflict, catches up and retries, after a
// few lost races inside exclusive(), which holds the lock while it catches up), 'advisory' (the lock
// only inside each append) and 'optimistic' (no lock: the primary key alone refuses the loser).
// Events are stored as the exact JSON text the board hashed (not jsonb, which would reorder keys).
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { openPostgresPool } from './postgres-pool.js';
import type { BoardEvent, EventType } from '../record/events.js';
import { DuplicateBallot, SequenceConflict, type BoardStore, type SessionHint, type SessionInfo, type StoredBallotRef } from './store.js';

// Advisory lock keys: a fixed class for veche, and one key per election (hashtext of its id). Two
// elections whose ids collide in hashtext merely share a lock.
const LOCK_CLASS = 0x76656368; // "vech"

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
CREATE OR REPLACE FUNCTION veche_append(p_election TEXT, p_seq BIGINT, p_prev TEXT, p_type TEXT, p_hash TEXT, p_body TEXT, p_code TEXT, p_lock BOOLEAN)
RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
  head_seq BIGINT;
  head_hash TEXT;
BEGIN
  IF p_lock THEN PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(p_election)); END IF;
  SELECT seq, hash INTO head_seq, head_hash FROM veche_events WHERE election = p_election ORDER BY seq DESC LIMIT 1;
  IF (head_seq IS NULL AND p_seq <> 0) OR (head_seq IS NOT NULL AND (p_seq <> head_seq + 1 OR p_prev <> head_hash)) THEN
    RETURN 'conflict ' || COALESCE((head_seq + 1)::TEXT, '0');
  END IF;
  IF p_code IS NOT NULL THEN
    INSERT INTO veche_ballots (election, tracking_code, seq, hash) VALUES (p_election, p_code, p_seq, p_hash);
  END IF;
  INSERT INTO veche_events (election, seq, type, hash, body) VALUES (p_election, p_seq, p_type, p_hash, p_body);
  RETURN 'ok';
END $$;
CREATE OR REPLACE FUNCTION veche_append_batch(p_election TEXT, p_seqs BIGINT[], p_prevs TEXT[], p_types TEXT[], p_hashes TEXT[], p_bodies TEXT[], p_codes TEXT[])
RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
  head_seq BIGINT;
  head_hash TEXT;
  n INT := cardinality(p_seqs);
BEGIN
  PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(p_election));
  SELECT seq, hash INTO head_seq, head_hash FROM veche_events WHERE election = p_election ORDER BY seq DESC LIMIT 1;
  IF (head_seq IS NULL AND p_seqs[1] <> 0) OR (head_seq IS NOT NULL AND (p_seqs[1] <> head_seq + 1 OR p_prevs[1] <> head_hash)) THEN
    RETURN 'conflict ' || COALESCE((head_seq + 1)::TEXT, '0');
  END IF;
  FOR i IN 2..n LOOP
    IF p_seqs[i] <> p_seqs[i - 1] + 1 OR p_prevs[i] <> p_hashes[i - 1] THEN RETURN 'broken ' || i; END IF;
  END LOOP;
  INSERT INTO veche_ballots (election, tracking_code, seq, hash)
    SELECT p_election, c, q, h FROM unnest(p_codes, p_seqs, p_hashes) AS t (c, q, h) WHERE c IS NOT NULL;
  INSERT INTO veche_events (election, seq, type, hash, body)
    SELECT p_election, q, y, h, b FROM unnest(p_seqs, p_types, p_hashes, p_bodies) AS t (q, y, h, b);
  RETURN 'ok';
END $$;
`;

const SCHEMA_LOCK = 0;

const UNIQUE_VIOLATION = '23505';
// Serialization failure and deadlock: the transaction lost a race and changed nothing; retry after a refresh.
const LOST_RACE = new Set(['40001', '40P01']);

/** How appends of one election by several processes are kept apart (see the top of this file). */
export type AppendMode =
  /** Default: a board's waiting submissions are chained and committed as one batch under the lock (exclusive()). */
  | 'group'
  /** Every append takes the election's lock; a board's late retries run under it (exclusive()). */
  | 'lock'
  /** Appends take the lock, retries do not: a busy process can starve the others. */
  | 'advisory'
  /** No lock: the primary key alone refuses the loser of a race, which retries. */
  | 'optimistic';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10; at least 2: one may hold an election's lock). */
  poolSize?: number;
  /** Default 'group'; the others are kept to measure against (bench/pg-append.ts, bench/load.ts --pg-mode). */
  mode?: AppendMode;
}

const APPEND_MODES: readonly AppendMode[] = ['group', 'lock', 'advisory', 'optimistic'];

/** A group-commit session: the transaction holding the election's lock, and the events chained in it so far. */
interface Session {
  election: string;
  client: pg.PoolClient;
  events: { event: BoardEvent; code: string | null }[];
  /** Fetched with the lock (SessionHint): the committed events after `after`, and which `codes` are known. */
  fetched: { after: number; events: BoardEvent[]; codes: Set<string>; known: Set<string> } | null;
}

export class PostgresStore implements BoardStore {
  /** The connection holding an election's lock, for the appends made inside exclusive(). */
  private readonly holding = new AsyncLocalStorage<{ election: string; client: pg.PoolClient }>();
  /** The open group-commit session of this async context, if any. */
  private readonly session = new AsyncLocalStorage<Session>();

  private constructor(private readonly pool: pg.Pool, readonly mode: AppendMode) {}

  static async connect(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = await openPostgresPool(url, Math.max(2, opts.poolSize ?? 10), [LOCK_CLASS, SCHEMA_LOCK], SCHEMA);
    // VECHE_PG_APPEND_MODE: only for measuring the approaches against each other (bench/load.ts --pg-mode).
    const fromEnv = process.env.VECHE_PG_APPEND_MODE as AppendMode | undefined;
    return new PostgresStore(pool, opts.mode ?? (fromEnv && APPEND_MODES.includes(fromEnv) ? fromEnv : 'group'));
  }

  /** In 'group' mode appends made inside exclusive() are written at its end, in one transaction. */
  get groupCommit(): boolean {
    return this.mode === 'group';
  }

  async exclusive<T>(election: string, f: (session?: SessionInfo) => Promise<T>, hint?: SessionHint): Promise<T> {
    if (this.mode === 'group') return this.groupSession(election, f, hint);
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

  /**
   * Runs `f` in one transaction holding the election's lock; the appends `f` makes are chained in memory
   * and written together when it returns, then committed. Throws (and writes nothing) if `f` or the write
   * fails; the caller's state then holds events that are not on the board, and must be rebuilt.
   */
  private async groupSession<T>(election: string, f: (session?: SessionInfo) => Promise<T>, hint?: SessionHint): Promise<T> {
    const open = this.session.getStore();
    if (open?.election === election) return f(); // already ours (a nested call)
    const client = await this.pool.connect();
    let broken = false;
    try {
      // One round trip to open the transaction, take the lock and fetch what the caller will read first
      // (each statement sees what was committed before it began, so the reads see every commit made
      // before the lock was ours), one to write and commit (writeBatch).
      const lit = (x: string) => client.escapeLiteral(x);
      let sql = `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${lit(election)}))`;
      // Who waits for the lock now (the caller then keeps the hold short, see Board.runSessions).
      sql += `; SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2`
        + ` AND classid::int8 = ${LOCK_CLASS} AND objid::int8 = (hashtext(${lit(election)})::int8 & 4294967295)`;
      const after = hint && Number.isSafeInteger(hint.after) ? hint.after : null;
      if (after !== null) {
        // Ballots as the board's state needs them (seq, hash, time, credential): under the lock, each
        // session catches up with every other process's batches, and their proofs are most of the bytes.
        sql += `; SELECT CASE WHEN type = 'ballot' THEN json_build_object('seq', seq, 'hash', hash, 'type', type, 'time', body::json->>'time',`
          + ` 'payload', json_build_object('credential', body::json->'payload'->>'credential'))::text ELSE body END AS body`
          + ` FROM veche_events WHERE election = ${lit(election)} AND seq > ${after} ORDER BY seq`;
        sql += `; SELECT tracking_code FROM veche_ballots WHERE election = ${lit(election)} AND tracking_code = ANY(ARRAY[${hint!.codes.map(lit).join(',')}]::text[])`;
      }
      const r = (await client.query(sql)) as unknown as { rows: Record<string, string>[] }[];
      const s: Session = { election, client, events: [], fetched: null };
      if (after !== null) {
        s.fetched = {
          after, events: r[3]!.rows.map((row) => JSON.parse(row.body!) as BoardEvent),
          codes: new Set(hint!.codes), known: new Set(r[4]!.rows.map((row) => row.tracking_code!)),
        };
      }
      const othersWaiting = Number(r[2]!.rows[0]!.waiting);
      const result = await this.session.run(s, () => f({ othersWaiting }));
      if (s.events.length > 0) await this.writeBatch(s);
      else await client.query('COMMIT');
      return result;
    } catch (e) {
      try { await client.query('ROLLBACK'); } catch { broken = true; }
      throw e;
    } finally {
      // If the connection died, PostgreSQL has rolled back and released the lock with it; never reuse it.
      client.release(broken);
    }
  }

  /** Writes the session's events and commits, in one round trip: the values go as escaped literals,
   *  so that the batch and COMMIT are one simple query (an error there aborts the COMMIT too). */
  private async writeBatch(s: Session): Promise<void> {
    const lit = (x: string | null) => (x === null ? 'NULL' : s.client.escapeLiteral(x));
    const arr = (xs: (string | null)[], type: string) => `ARRAY[${xs.map(lit).join(',')}]::${type}[]`;
    const col = <K>(f: (x: { event: BoardEvent; code: string | null }) => K) => s.events.map(f);
    if (!s.events.every((x) => Number.isSafeInteger(x.event.seq))) throw new Error('postgres store: an event without a whole sequence number');
    const sql = `SELECT veche_append_batch(${lit(s.election)}, ARRAY[${col((x) => x.event.seq).join(',')}]::bigint[], ${arr(col((x) => x.event.prev), 'text')}, `
      + `${arr(col((x) => x.event.type), 'text')}, ${arr(col((x) => x.event.hash), 'text')}, ${arr(col((x) => JSON.stringify(x.event)), 'text')}, ${arr(col((x) => x.code), 'text')}) AS outcome; COMMIT`;
    let outcome: string;
    try {
      const r = (await s.client.query(sql)) as unknown as { rows: { outcome: string }[] }[];
      outcome = r[0]!.rows[0]!.outcome;
    } catch (e) {
      const err = e as { code?: string; constraint?: string };
      if (err.code === UNIQUE_VIOLATION && err.constraint === 'veche_ballots_pkey') throw new DuplicateBallot('a ballot of this batch is already on the board');
      if (err.code === UNIQUE_VIOLATION || (err.code && LOST_RACE.has(err.code))) throw new SequenceConflict(`board moved on: ${(e as Error).message}`);
      throw e;
    }
    // A refused batch inserted nothing (the function returns before its inserts); the COMMIT was empty.
    if (outcome !== 'ok') throw new SequenceConflict(`board moved on: batch refused (${outcome})`);
  }


  /** Which of these tracking codes are on the board already (inside a session: as of its lock). */
  async knownTrackingCodes(election: string, codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const open = this.session.getStore();
    // Fetched with the lock; nothing else commits while the session holds it.
    if (open?.election === election && open.fetched && codes.every((c) => open.fetched!.codes.has(c))) return new Set(codes.filter((c) => open.fetched!.known.has(c)));
    const client = open?.election === election ? open.client : this.pool;
    const r = await client.query<{ tracking_code: string }>('SELECT tracking_code FROM veche_ballots WHERE election = $1 AND tracking_code = ANY($2::text[])', [election, codes]);
    return new Set(r.rows.map((row) => row.tracking_code));
  }

  async append(election: string, event: BoardEvent, trackingCode?: string): Promise<void> {
    const open = this.session.getStore();
    if (open?.election === election) {
      // Chained in memory; written when the session ends. The chain is checked here and again in SQL.
      const last = open.events[open.events.length - 1]?.event;
      if (last && (event.seq !== last.seq + 1 || event.prev !== last.hash)) throw new SequenceConflict('board moved on: not chained on the session head');
      if (trackingCode !== undefined && open.events.some((x) => x.code === trackingCode)) throw new DuplicateBallot('this ballot is already on the board');
      open.events.push({ event, code: trackingCode ?? null });
      return;
    }
    // Inside exclusive() the append goes on the connection holding the lock (taking it again there is free).
    const held = this.holding.getStore();
    const client = held?.election === election ? held.client : this.pool;
    let outcome: string;
    try {
      const r = await client.query<{ outcome: string }>('SELECT veche_append($1, $2, $3, $4, $5, $6, $7, $8) AS outcome',
        [election, event.seq, event.prev, event.type, event.hash, JSON.stringify(event), trackingCode ?? null, this.mode !== 'optimistic']);
      // (outside a session in 'group' mode, e.g. an election's first event, the append takes the lock too)
      outcome = r.rows[0]!.outcome;
    } catch (e) {
      const err = e as { code?: string; constraint?: string };
      if (err.code === UNIQUE_VIOLATION) {
        if (err.constraint === 'veche_ballots_pkey') throw new DuplicateBallot('this ballot is already on the board');
        throw new SequenceConflict('board moved on: another process appended at this seq');
      }
      if (err.code && LOST_RACE.has(err.code)) throw new SequenceConflict(`board moved on: ${(e as Error).message}`);
      throw e;
    }
    if (outcome !== 'ok') throw new SequenceConflict(`board moved on: expected seq ${outcome.replace(/^conflict /, '')}`);
  }

  async head(election: string): Promise<BoardEvent | null> {
    const r = await this.pool.query<{ body: string }>('SELECT body FROM veche_events WHERE election = $1 ORDER BY seq DESC LIMIT 1', [election]);
    return r.rows[0] ? (JSON.parse(r.rows[0].body) as BoardEvent) : null;
  }

  async events(election: string, opts: { fromSeq?: number; types?: EventType[]; limit?: number; stateOnly?: boolean } = {}): Promise<BoardEvent[]> {
    const open = this.session.getStore();
    // The session's catch-up carries ballots cut to what the state needs: it serves stateOnly reads alone.
    if (open?.election === election && open.fetched && opts.stateOnly && !opts.types && (opts.fromSeq ?? 0) > open.fetched.after) {
      // Every committed event after `after` was fetched with the lock, and nothing else commits while it is held.
      const from = opts.fromSeq!;
      return open.fetched.events.filter((e) => e.seq >= from).slice(0, opts.limit ?? Infinity);
    }
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

  // -- removal (BoardStore.removeElection)
  async removeElection(election: string, maxSeq?: number): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      // Under the election's lock, which every append but the 'optimistic' mode's takes.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, election]);
      const head = await client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM veche_events WHERE election = $1', [election]);
      const seq = head.rows[0]?.seq;
      if (seq === null || seq === undefined || (maxSeq !== undefined && Number(seq) > maxSeq)) { await client.query('ROLLBACK'); return false; }
      await client.query('DELETE FROM veche_ballots WHERE election = $1', [election]);
      await client.query('DELETE FROM veche_events WHERE election = $1', [election]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
    // An 'optimistic' append that committed meanwhile chained onto the removed head: an orphan, removed too.
    await this.pool.query('DELETE FROM veche_ballots WHERE election = $1', [election]);
    await this.pool.query('DELETE FROM veche_events WHERE election = $1', [election]);
    return true;
  }
  // -- end removal

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
