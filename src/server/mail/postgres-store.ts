// The server's mail and authority tables in PostgreSQL (beside veche_events, in the board's database).
import pg from 'pg';
import { openPostgresPool } from '../../board/postgres-pool.js';
import type { StatusEntry } from '../../credentials/mail-status.js';
import type { AuthorityVoter, MailSettings, ServerMailStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS veche_sm_authority_keys (signing_key TEXT PRIMARY KEY, secret TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS veche_sm_voters (election TEXT NOT NULL, voter TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, language TEXT, weight INTEGER NOT NULL, key TEXT NOT NULL, credential TEXT, PRIMARY KEY (election, voter));
CREATE TABLE IF NOT EXISTS veche_sm_status (election TEXT NOT NULL, kind TEXT NOT NULL, voter TEXT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (election, kind, voter));
CREATE TABLE IF NOT EXISTS veche_sm_settings (election TEXT PRIMARY KEY, settings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS veche_sm_rounds (election TEXT NOT NULL, kind TEXT NOT NULL, lease_until BIGINT NOT NULL, done_at BIGINT, PRIMARY KEY (election, kind));
`;
const SCHEMA_LOCK = 0x76736d6c; // "vsml"

export class PostgresServerMailStore implements ServerMailStore {
  private constructor(private pool: pg.Pool) {}

  static async connect(url: string): Promise<PostgresServerMailStore> {
    return new PostgresServerMailStore(await openPostgresPool(url, 4, [SCHEMA_LOCK, 0], SCHEMA));
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async putAuthorityKey(key: string, secret: string) { await this.q('INSERT INTO veche_sm_authority_keys (signing_key, secret) VALUES ($1, $2)', [key, secret]); }
  async authoritySecret(key: string) { return (await this.q<{ secret: string }>('SELECT secret FROM veche_sm_authority_keys WHERE signing_key = $1', [key]))[0]?.secret ?? null; }

  async addVoters(election: string, voters: AuthorityVoter[]) {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      // One issue per election, also with several servers: the election's lock, then the check.
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SCHEMA_LOCK, election]);
      if ((await c.query('SELECT 1 FROM veche_sm_voters WHERE election = $1 LIMIT 1', [election])).rowCount) { await c.query('ROLLBACK'); return false; }
      for (let i = 0; i < voters.length; i += 2000) {
        const page = voters.slice(i, i + 2000);
        await c.query(`INSERT INTO veche_sm_voters (election, voter, name, email, language, weight, key, credential)
          SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[])`,
        [election, page.map((v) => v.voter), page.map((v) => v.name), page.map((v) => v.email), page.map((v) => v.language), page.map((v) => v.weight), page.map((v) => v.key), page.map((v) => v.credential)]);
      }
      await c.query('COMMIT');
      return true;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally { c.release(); }
  }
  async putVoter(election: string, v: AuthorityVoter) {
    await this.q(`INSERT INTO veche_sm_voters (election, voter, name, email, language, weight, key, credential) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (election, voter) DO UPDATE SET name = excluded.name, email = excluded.email, language = excluded.language, weight = excluded.weight, key = excluded.key, credential = excluded.credential`,
    [election, v.voter, v.name, v.email, v.language, v.weight, v.key, v.credential]);
  }
  async voters(election: string) {
    return this.q<AuthorityVoter>('SELECT voter, name, email, language, weight, key, credential FROM veche_sm_voters WHERE election = $1 ORDER BY voter', [election]);
  }
  async unsentCredentials(election: string) { return Number((await this.q<{ n: string }>('SELECT count(*) AS n FROM veche_sm_voters WHERE election = $1 AND credential IS NOT NULL', [election]))[0]!.n); }
  async forgetCredential(election: string, voter: string) { await this.q('UPDATE veche_sm_voters SET credential = NULL WHERE election = $1 AND voter = $2', [election, voter]); }

  async statuses(election: string, kind: string) {
    return (await this.q<{ entry: string }>('SELECT entry FROM veche_sm_status WHERE election = $1 AND kind = $2', [election, kind])).map((r) => JSON.parse(r.entry) as StatusEntry);
  }
  async putStatus(election: string, kind: string, entry: StatusEntry) {
    await this.q('INSERT INTO veche_sm_status (election, kind, voter, entry) VALUES ($1, $2, $3, $4) ON CONFLICT (election, kind, voter) DO UPDATE SET entry = excluded.entry', [election, kind, entry.voter, JSON.stringify(entry)]);
  }

  async settings(election: string) {
    const [r] = await this.q<{ settings: string }>('SELECT settings FROM veche_sm_settings WHERE election = $1', [election]);
    return r ? JSON.parse(r.settings) as MailSettings : null;
  }
  async setSettings(election: string, settings: MailSettings) {
    await this.q('INSERT INTO veche_sm_settings (election, settings) VALUES ($1, $2) ON CONFLICT (election) DO UPDATE SET settings = excluded.settings', [election, JSON.stringify(settings)]);
  }

  async takeRound(election: string, kind: string, now: number, leaseMs: number) {
    const r = await this.pool.query(`INSERT INTO veche_sm_rounds (election, kind, lease_until) VALUES ($1, $2, $3)
      ON CONFLICT (election, kind) DO UPDATE SET lease_until = excluded.lease_until WHERE veche_sm_rounds.done_at IS NULL AND veche_sm_rounds.lease_until <= $4`, [election, kind, now + leaseMs, now]);
    return r.rowCount === 1;
  }
  async finishRound(election: string, kind: string, now: number) { await this.q('UPDATE veche_sm_rounds SET done_at = $1 WHERE election = $2 AND kind = $3', [now, election, kind]); }
  async doneRounds(election: string) { return (await this.q<{ kind: string }>('SELECT kind FROM veche_sm_rounds WHERE election = $1 AND done_at IS NOT NULL', [election])).map((r) => r.kind); }

  async close() { await this.pool.end(); }
}
