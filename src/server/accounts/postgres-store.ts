// The accounts' tables in PostgreSQL (beside veche_events; the same database as the board).
import pg from 'pg';
import { openPostgresPool } from '../../board/postgres-pool.js';
import { AccountExists, type Account, type AccountStore, type AuditEntry, type AuditInput, type Member, type Organisation, type Role } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS veche_acc_organisations (id TEXT PRIMARY KEY, name TEXT NOT NULL, oidc TEXT, created BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS veche_acc_accounts (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, oidc_subject TEXT UNIQUE, password_hash TEXT, created BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS veche_acc_members (
  org TEXT NOT NULL REFERENCES veche_acc_organisations(id), account TEXT NOT NULL REFERENCES veche_acc_accounts(id), role TEXT NOT NULL,
  PRIMARY KEY (org, account)
);
CREATE TABLE IF NOT EXISTS veche_acc_sessions (id_hash TEXT PRIMARY KEY, account TEXT NOT NULL, expires BIGINT NOT NULL, via TEXT);
CREATE TABLE IF NOT EXISTS veche_acc_password_links (id_hash TEXT PRIMARY KEY, account TEXT NOT NULL, expires BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS veche_acc_election_orgs (election TEXT PRIMARY KEY, org TEXT NOT NULL REFERENCES veche_acc_organisations(id));
CREATE TABLE IF NOT EXISTS veche_acc_audit (
  seq BIGSERIAL PRIMARY KEY, org TEXT, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT, status INTEGER NOT NULL, address TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS veche_acc_audit_org ON veche_acc_audit (org, seq);
CREATE OR REPLACE FUNCTION veche_acc_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
DROP TRIGGER IF EXISTS veche_acc_audit_append_only ON veche_acc_audit;
CREATE TRIGGER veche_acc_audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON veche_acc_audit
  FOR EACH STATEMENT EXECUTE FUNCTION veche_acc_audit_append_only();
`;
// Several servers may start at once over one database: the schema is made under a lock.
const SCHEMA_LOCK = 0x76616363; // "vacc"

type AccountRow = { id: string; email: string; oidc_subject: string | null; password_hash: string | null; created: string };
const toAccount = (r: AccountRow | undefined): Account | null => r ? { id: r.id, email: r.email, oidcSubject: r.oidc_subject, passwordHash: r.password_hash, created: Number(r.created) } : null;
type OrgRow = { id: string; name: string; oidc: string | null; created: string };
const toOrg = (r: OrgRow): Organisation => ({ id: r.id, name: r.name, oidc: r.oidc ? JSON.parse(r.oidc) : null, created: Number(r.created) });
const UNIQUE_VIOLATION = '23505';

export class PostgresAccountStore implements AccountStore {
  private constructor(private pool: pg.Pool) {}

  static async connect(url: string): Promise<PostgresAccountStore> {
    const pool = await openPostgresPool(url, 4, [SCHEMA_LOCK, 0], SCHEMA);
    return new PostgresAccountStore(pool);
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[], duplicate?: string): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (e) {
      if (duplicate && (e as { code?: string }).code === UNIQUE_VIOLATION) throw new AccountExists(duplicate);
      throw e;
    }
  }

  async createOrganisation(o: Organisation) {
    await this.q('INSERT INTO veche_acc_organisations (id, name, oidc, created) VALUES ($1, $2, $3, $4)', [o.id, o.name, o.oidc ? JSON.stringify(o.oidc) : null, o.created], `an organisation "${o.id}" already exists`);
  }
  async organisation(id: string) { const [r] = await this.q<OrgRow>('SELECT * FROM veche_acc_organisations WHERE id = $1', [id]); return r ? toOrg(r) : null; }
  async organisations() { return (await this.q<OrgRow>('SELECT * FROM veche_acc_organisations ORDER BY id', [])).map(toOrg); }

  async createAccount(a: Account) {
    await this.q('INSERT INTO veche_acc_accounts (id, email, oidc_subject, password_hash, created) VALUES ($1, $2, $3, $4, $5)', [a.id, a.email, a.oidcSubject, a.passwordHash, a.created], `an account for ${a.email} already exists`);
  }
  async account(id: string) { return toAccount((await this.q<AccountRow>('SELECT * FROM veche_acc_accounts WHERE id = $1', [id]))[0]); }
  async accountByEmail(email: string) { return toAccount((await this.q<AccountRow>('SELECT * FROM veche_acc_accounts WHERE email = $1', [email]))[0]); }
  async accountBySubject(s: string) { return toAccount((await this.q<AccountRow>('SELECT * FROM veche_acc_accounts WHERE oidc_subject = $1', [s]))[0]); }
  async setPasswordHash(account: string, hash: string) { await this.q('UPDATE veche_acc_accounts SET password_hash = $1 WHERE id = $2', [hash, account]); }
  async setSubject(account: string, subject: string) { await this.q('UPDATE veche_acc_accounts SET oidc_subject = $1 WHERE id = $2', [subject, account], 'that OpenID Connect identity belongs to another account'); }

  async setMember(org: string, account: string, role: Role) {
    await this.q('INSERT INTO veche_acc_members (org, account, role) VALUES ($1, $2, $3) ON CONFLICT (org, account) DO UPDATE SET role = excluded.role', [org, account, role]);
  }
  async removeMember(org: string, account: string) { return (await this.pool.query('DELETE FROM veche_acc_members WHERE org = $1 AND account = $2', [org, account])).rowCount! > 0; }
  async role(org: string, account: string) { return (await this.q<{ role: Role }>('SELECT role FROM veche_acc_members WHERE org = $1 AND account = $2', [org, account]))[0]?.role ?? null; }
  async members(org: string): Promise<Member[]> {
    return this.q<Member>('SELECT m.account AS account, a.email AS email, m.role AS role FROM veche_acc_members m JOIN veche_acc_accounts a ON a.id = m.account WHERE m.org = $1 ORDER BY a.email', [org]);
  }
  async memberships(account: string) { return this.q<{ org: string; role: Role }>('SELECT org, role FROM veche_acc_members WHERE account = $1 ORDER BY org', [account]); }

  async createSession(idHash: string, account: string, expires: number, via: string | null) { await this.q('INSERT INTO veche_acc_sessions (id_hash, account, expires, via) VALUES ($1, $2, $3, $4)', [idHash, account, expires, via]); }
  async session(idHash: string) {
    const [r] = await this.q<{ account: string; expires: string; via: string | null }>('SELECT account, expires, via FROM veche_acc_sessions WHERE id_hash = $1', [idHash]);
    return r ? { account: r.account, expires: Number(r.expires), via: r.via } : null;
  }
  async deleteSession(idHash: string) { await this.q('DELETE FROM veche_acc_sessions WHERE id_hash = $1', [idHash]); }
  async createPasswordLink(idHash: string, account: string, expires: number) { await this.q('INSERT INTO veche_acc_password_links (id_hash, account, expires) VALUES ($1, $2, $3)', [idHash, account, expires]); }
  async takePasswordLink(idHash: string, now: number) {
    const [r] = await this.q<{ account: string; expires: string }>('DELETE FROM veche_acc_password_links WHERE id_hash = $1 RETURNING account, expires', [idHash]);
    return r && Number(r.expires) > now ? r.account : null;
  }

  async setElectionOrg(election: string, org: string) { await this.q('INSERT INTO veche_acc_election_orgs (election, org) VALUES ($1, $2)', [election, org], `election "${election}" already belongs to an organisation`); }
  async electionOrg(election: string) { return (await this.q<{ org: string }>('SELECT org FROM veche_acc_election_orgs WHERE election = $1', [election]))[0]?.org ?? null; }
  async electionsOf(org: string) { return (await this.q<{ election: string }>('SELECT election FROM veche_acc_election_orgs WHERE org = $1 ORDER BY election', [org])).map((r) => r.election); }

  async appendAudit(e: AuditInput): Promise<number> {
    const [r] = await this.q<{ seq: string }>('INSERT INTO veche_acc_audit (org, at, actor, action, target, status, address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq', [e.org, e.at, e.actor, e.action, e.target, e.status, e.address, e.detail]);
    return Number(r!.seq);
  }
  async audit(org: string | null, afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.q<Record<string, string | null>>('SELECT * FROM veche_acc_audit WHERE org IS NOT DISTINCT FROM $1 AND seq > $2 ORDER BY seq LIMIT $3', [org, afterSeq, limit]);
    return rows.map((r) => ({ seq: Number(r.seq), org: r.org, at: Number(r.at), actor: r.actor!, action: r.action!, target: r.target, status: Number(r.status), address: r.address!, detail: r.detail! }));
  }

  async close() { await this.pool.end(); }
}
