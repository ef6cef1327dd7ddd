// The voter sign-in tables in PostgreSQL (beside veche_events, in the same database as the board).
import pg from 'pg';
import { openPostgresPool } from '../../board/postgres-pool.js';
import { conflictOf, type BindOutcome, type RegisterEntry, type VoterAuthStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS veche_va_register (election TEXT NOT NULL, voter TEXT NOT NULL, email TEXT NOT NULL, PRIMARY KEY (election, voter), UNIQUE (election, email));
CREATE TABLE IF NOT EXISTS veche_va_links (id_hash TEXT PRIMARY KEY, election TEXT NOT NULL, voter TEXT NOT NULL, expires BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS veche_va_sessions (id_hash TEXT PRIMARY KEY, election TEXT NOT NULL, voter TEXT NOT NULL, expires BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS veche_va_bindings (election TEXT NOT NULL, voter TEXT NOT NULL, credential TEXT NOT NULL, PRIMARY KEY (election, voter), UNIQUE (election, credential));
`;
// Several servers may start at once over one database: the schema is made under a lock.
const SCHEMA_LOCK = 0x76617574; // "vaut"

export class PostgresVoterAuthStore implements VoterAuthStore {
  private constructor(private pool: pg.Pool) {}

  static async connect(url: string): Promise<PostgresVoterAuthStore> {
    const pool = await openPostgresPool(url, 4, [SCHEMA_LOCK, 0], SCHEMA);
    return new PostgresVoterAuthStore(pool);
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async setRegister(election: string, entries: RegisterEntry[]) {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('DELETE FROM veche_va_register WHERE election = $1', [election]);
      // In pages, so that a large register is a few round trips.
      for (let i = 0; i < entries.length; i += 5000) {
        const page = entries.slice(i, i + 5000);
        await c.query('INSERT INTO veche_va_register (election, voter, email) SELECT $1, v, e FROM unnest($2::text[], $3::text[]) AS t(v, e)', [election, page.map((x) => x.voter), page.map((x) => x.email)]);
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally { c.release(); }
  }
  async registerSize(election: string) { return Number((await this.q<{ n: string }>('SELECT count(*) AS n FROM veche_va_register WHERE election = $1', [election]))[0]!.n); }
  async findVoter(election: string, idOrEmail: string) {
    return (await this.q<RegisterEntry>('SELECT voter, email FROM veche_va_register WHERE election = $1 AND (voter = $2 OR email = $3) LIMIT 1', [election, idOrEmail, idOrEmail.toLowerCase()]))[0] ?? null;
  }
  async findByEmail(election: string, email: string) {
    return (await this.q<RegisterEntry>('SELECT voter, email FROM veche_va_register WHERE election = $1 AND email = $2', [election, email.toLowerCase()]))[0] ?? null;
  }

  async createLink(idHash: string, election: string, voter: string, expires: number) {
    await this.q('INSERT INTO veche_va_links (id_hash, election, voter, expires) VALUES ($1, $2, $3, $4)', [idHash, election, voter, expires]);
  }
  async takeLink(idHash: string, now: number) {
    const [r] = await this.q<{ election: string; voter: string; expires: string }>('DELETE FROM veche_va_links WHERE id_hash = $1 RETURNING election, voter, expires', [idHash]);
    return r && Number(r.expires) > now ? { election: r.election, voter: r.voter } : null;
  }

  async createSession(idHash: string, election: string, voter: string, expires: number) {
    await this.q('INSERT INTO veche_va_sessions (id_hash, election, voter, expires) VALUES ($1, $2, $3, $4)', [idHash, election, voter, expires]);
  }
  async session(idHash: string) {
    const [r] = await this.q<{ election: string; voter: string; expires: string }>('SELECT election, voter, expires FROM veche_va_sessions WHERE id_hash = $1', [idHash]);
    return r ? { election: r.election, voter: r.voter, expires: Number(r.expires) } : null;
  }
  async deleteSession(idHash: string) { await this.q('DELETE FROM veche_va_sessions WHERE id_hash = $1', [idHash]); }

  async bind(election: string, voter: string, credential: string): Promise<BindOutcome> {
    const made = await this.pool.query('INSERT INTO veche_va_bindings (election, voter, credential) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [election, voter, credential]);
    if (made.rowCount === 1) return 'bound';
    const [r] = await this.q<{ credential: string }>('SELECT credential FROM veche_va_bindings WHERE election = $1 AND voter = $2', [election, voter]);
    return conflictOf(r?.credential ?? null, credential);
  }
  async bindingCount(election: string) { return Number((await this.q<{ n: string }>('SELECT count(*) AS n FROM veche_va_bindings WHERE election = $1', [election]))[0]!.n); }

  // -- server mail (spec §6.6)
  async registerEntries(election: string) { return this.q<RegisterEntry>('SELECT voter, email FROM veche_va_register WHERE election = $1 ORDER BY voter', [election]); }
  async bindings(election: string) { return this.q<{ voter: string; credential: string }>('SELECT voter, credential FROM veche_va_bindings WHERE election = $1', [election]); }
  // -- end server mail

  async close() { await this.pool.end(); }
}
