// One way to open a PostgreSQL pool with its tables: every store (board, meetings, accounts, voter
// sign-in, the verification queue's results) creates its schema the same way.
import pg from 'pg';

/**
 * A pool of at most `max` connections, with `schema` applied (idempotent SQL) in one transaction under
 * the advisory lock `lock`, so several processes may start at once. On failure the pool is closed.
 */
export async function openPostgresPool(url: string, max: number, lock: readonly [number, number], schema: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  let client: pg.PoolClient | null = null;
  try {
    client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [lock[0], lock[1]]);
      await client.query(schema);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  } catch (e) {
    client?.release();
    await pool.end();
    throw e;
  }
  client.release();
  return pool;
}
