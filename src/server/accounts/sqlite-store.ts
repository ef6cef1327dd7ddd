// The accounts' tables in SQLite (the server's own veche.sqlite: the tables are separate from the board's).
import Database from 'better-sqlite3';
import { AccountExists, type Account, type AccountStore, type AuditEntry, type AuditInput, type Member, type Organisation, type Role, type StoredSession } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS acc_organisations (id TEXT PRIMARY KEY, name TEXT NOT NULL, oidc TEXT, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS acc_accounts (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, oidc_subject TEXT UNIQUE, password_hash TEXT, created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS acc_members (
  org TEXT NOT NULL REFERENCES acc_organisations(id), account TEXT NOT NULL REFERENCES acc_accounts(id), role TEXT NOT NULL,
  PRIMARY KEY (org, account)
);
CREATE TABLE IF NOT EXISTS acc_sessions (id_hash TEXT PRIMARY KEY, account TEXT NOT NULL, expires INTEGER NOT NULL, via TEXT);
CREATE TABLE IF NOT EXISTS acc_password_links (id_hash TEXT PRIMARY KEY, account TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS acc_election_orgs (election TEXT PRIMARY KEY, org TEXT NOT NULL REFERENCES acc_organisations(id));
CREATE TABLE IF NOT EXISTS acc_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, org TEXT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT, status INTEGER NOT NULL, address TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS acc_audit_org ON acc_audit (org, seq);
CREATE TRIGGER IF NOT EXISTS acc_audit_no_update BEFORE UPDATE ON acc_audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS acc_audit_no_delete BEFORE DELETE ON acc_audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

type AccountRow = { id: string; email: string; oidc_subject: string | null; password_hash: string | null; created: number };
const toAccount = (r: AccountRow | undefined): Account | null => r ? { id: r.id, email: r.email, oidcSubject: r.oidc_subject, passwordHash: r.password_hash, created: r.created } : null;
type OrgRow = { id: string; name: string; oidc: string | null; created: number };
const toOrg = (r: OrgRow): Organisation => ({ id: r.id, name: r.name, oidc: r.oidc ? JSON.parse(r.oidc) : null, created: r.created });
type AuditRow = { seq: number; org: string | null; at: number; actor: string; action: string; target: string | null; status: number; address: string; detail: string };

export class SqliteAccountStore implements AccountStore {
  private db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  private unique<T>(f: () => T, what: string): T {
    try { return f(); } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new AccountExists(what);
      throw e;
    }
  }

  async createOrganisation(o: Organisation): Promise<void> {
    this.unique(() => this.db.prepare('INSERT INTO acc_organisations (id, name, oidc, created) VALUES (?, ?, ?, ?)').run(o.id, o.name, o.oidc ? JSON.stringify(o.oidc) : null, o.created), `an organisation "${o.id}" already exists`);
  }
  async organisation(id: string): Promise<Organisation | null> {
    const r = this.db.prepare('SELECT * FROM acc_organisations WHERE id = ?').get(id) as OrgRow | undefined;
    return r ? toOrg(r) : null;
  }
  async organisations(): Promise<Organisation[]> {
    return (this.db.prepare('SELECT * FROM acc_organisations ORDER BY id').all() as OrgRow[]).map(toOrg);
  }

  async createAccount(a: Account): Promise<void> {
    this.unique(() => this.db.prepare('INSERT INTO acc_accounts (id, email, oidc_subject, password_hash, created) VALUES (?, ?, ?, ?, ?)').run(a.id, a.email, a.oidcSubject, a.passwordHash, a.created), `an account for ${a.email} already exists`);
  }
  async account(id: string) { return toAccount(this.db.prepare('SELECT * FROM acc_accounts WHERE id = ?').get(id) as AccountRow | undefined); }
  async accountByEmail(email: string) { return toAccount(this.db.prepare('SELECT * FROM acc_accounts WHERE email = ?').get(email) as AccountRow | undefined); }
  async accountBySubject(s: string) { return toAccount(this.db.prepare('SELECT * FROM acc_accounts WHERE oidc_subject = ?').get(s) as AccountRow | undefined); }
  async setPasswordHash(account: string, hash: string) { this.db.prepare('UPDATE acc_accounts SET password_hash = ? WHERE id = ?').run(hash, account); }
  async setSubject(account: string, subject: string) {
    this.unique(() => this.db.prepare('UPDATE acc_accounts SET oidc_subject = ? WHERE id = ?').run(subject, account), 'that OpenID Connect identity belongs to another account');
  }

  async setMember(org: string, account: string, role: Role) {
    this.db.prepare('INSERT INTO acc_members (org, account, role) VALUES (?, ?, ?) ON CONFLICT (org, account) DO UPDATE SET role = excluded.role').run(org, account, role);
  }
  async removeMember(org: string, account: string) { return this.db.prepare('DELETE FROM acc_members WHERE org = ? AND account = ?').run(org, account).changes > 0; }
  async role(org: string, account: string) {
    const r = this.db.prepare('SELECT role FROM acc_members WHERE org = ? AND account = ?').get(org, account) as { role: Role } | undefined;
    return r?.role ?? null;
  }
  async members(org: string): Promise<Member[]> {
    return this.db.prepare('SELECT m.account AS account, a.email AS email, m.role AS role FROM acc_members m JOIN acc_accounts a ON a.id = m.account WHERE m.org = ? ORDER BY a.email').all(org) as Member[];
  }
  async memberships(account: string) { return this.db.prepare('SELECT org, role FROM acc_members WHERE account = ? ORDER BY org').all(account) as { org: string; role: Role }[]; }

  async createSession(idHash: string, account: string, expires: number, via: string | null) { this.db.prepare('INSERT INTO acc_sessions (id_hash, account, expires, via) VALUES (?, ?, ?, ?)').run(idHash, account, expires, via); }
  async session(idHash: string) { return (this.db.prepare('SELECT account, expires, via FROM acc_sessions WHERE id_hash = ?').get(idHash) as StoredSession | undefined) ?? null; }
  async deleteSession(idHash: string) { this.db.prepare('DELETE FROM acc_sessions WHERE id_hash = ?').run(idHash); }
  async createPasswordLink(idHash: string, account: string, expires: number) { this.db.prepare('INSERT INTO acc_password_links (id_hash, account, expires) VALUES (?, ?, ?)').run(idHash, account, expires); }
  async takePasswordLink(idHash: string, now: number) {
    const r = this.db.prepare('DELETE FROM acc_password_links WHERE id_hash = ? RETURNING account, expires').get(idHash) as { account: string; expires: number } | undefined;
    return r && r.expires > now ? r.account : null;
  }

  async setElectionOrg(election: string, org: string) {
    this.unique(() => this.db.prepare('INSERT INTO acc_election_orgs (election, org) VALUES (?, ?)').run(election, org), `election "${election}" already belongs to an organisation`);
  }
  async electionOrg(election: string) { return (this.db.prepare('SELECT org FROM acc_election_orgs WHERE election = ?').get(election) as { org: string } | undefined)?.org ?? null; }
  async electionsOf(org: string) { return (this.db.prepare('SELECT election FROM acc_election_orgs WHERE org = ? ORDER BY election').all(org) as { election: string }[]).map((r) => r.election); }

  async appendAudit(e: AuditInput): Promise<number> {
    const r = this.db.prepare('INSERT INTO acc_audit (org, at, actor, action, target, status, address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(e.org, e.at, e.actor, e.action, e.target, e.status, e.address, e.detail);
    return Number(r.lastInsertRowid);
  }
  async audit(org: string | null, afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.db.prepare('SELECT * FROM acc_audit WHERE org IS ? AND seq > ? ORDER BY seq LIMIT ?').all(org, afterSeq, limit) as AuditRow[];
  }

  async close() { this.db.close(); }
}
