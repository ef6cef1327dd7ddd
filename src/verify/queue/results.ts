// The tables a queued verification keeps beside the queue, in the same PostgreSQL: each run's public
// context (what every job of the run needs to check a ballot), and each batch's answer keyed by
// (run, batch). Answers are written once (the first stored answer stands: a retried or duplicated job
// gives the same one), which is what lets a coordinator stop, restart and resume.
import pg from 'pg';
import { openPostgresPool } from '../../board/postgres-pool.js';
import type { BallotPublicContext } from '../../ballot/check-lines.js';
import type { BatchAnswer } from './jobs.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS veche_verify_runs (
  run TEXT PRIMARY KEY,
  context JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS veche_verify_results (
  run TEXT NOT NULL REFERENCES veche_verify_runs (run) ON DELETE CASCADE,
  batch TEXT NOT NULL,
  answer JSONB NOT NULL,
  stored_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (run, batch)
);`;

// Several processes may start at once: the schema is created under one advisory lock.
const SCHEMA_LOCK = [0x76656368, 1] as const;

export class ResultStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async connect(url: string): Promise<ResultStore> {
    const pool = await openPostgresPool(url, 3, SCHEMA_LOCK, SCHEMA);
    return new ResultStore(pool);
  }

  async saveRun(run: string, context: BallotPublicContext): Promise<void> {
    await this.pool.query('INSERT INTO veche_verify_runs (run, context) VALUES ($1, $2) ON CONFLICT (run) DO NOTHING', [run, JSON.stringify(context)]);
  }

  async loadRun(run: string): Promise<BallotPublicContext | null> {
    const r = await this.pool.query<{ context: BallotPublicContext }>('SELECT context FROM veche_verify_runs WHERE run = $1', [run]);
    return r.rows[0]?.context ?? null;
  }

  /** The stored answers among `batches`. */
  async answers(run: string, batches: string[]): Promise<Map<string, BatchAnswer>> {
    if (batches.length === 0) return new Map();
    const r = await this.pool.query<{ batch: string; answer: BatchAnswer }>('SELECT batch, answer FROM veche_verify_results WHERE run = $1 AND batch = ANY($2::text[])', [run, batches]);
    return new Map(r.rows.map((row) => [row.batch, row.answer]));
  }

  /** Stores answers; one already there stays (all answers for a batch are the same). */
  async save(run: string, answers: { batch: string; answer: BatchAnswer }[]): Promise<void> {
    if (answers.length === 0) return;
    await this.pool.query(
      'INSERT INTO veche_verify_results (run, batch, answer) SELECT $1, b, a FROM unnest($2::text[], $3::jsonb[]) AS t (b, a) ON CONFLICT (run, batch) DO NOTHING',
      [run, answers.map((a) => a.batch), answers.map((a) => JSON.stringify(a.answer))]);
  }

  async count(run: string): Promise<number> {
    const r = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM veche_verify_results WHERE run = $1', [run]);
    return Number(r.rows[0]!.n);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
