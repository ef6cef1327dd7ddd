// The voter sign-in tables in SQLite (the server's own veche.sqlite, separate from the board's tables).
import Database from 'better-sqlite3';
import { conflictOf, type BindOutcome, type RegisterEntry, type StoredVoterSession, type VoterAuthStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS va_register (election TEXT NOT NULL, voter TEXT NOT NULL, email TEXT NOT NULL, PRIMARY KEY (election, voter), UNIQUE (election, email));
CREATE TABLE IF NOT EXISTS va_links (id_hash TEXT PRIMARY KEY, election TEXT NOT NULL, voter TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS va_sessions (id_hash TEXT PRIMARY KEY, election TEXT NOT NULL, voter TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS va_bindings (election TEXT NOT NULL, voter TEXT NOT NULL, credential TEXT NOT NULL, PRIMARY KEY (election, voter), UNIQUE (election, credential));
`;

export class SqliteVoterAuthStore implements VoterAuthStore {
  private db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async setRegister(election: string, entries: RegisterEntry[]) {
    const del = this.db.prepare('DELETE FROM va_register WHERE election = ?');
    const ins = this.db.prepare('INSERT INTO va_register (election, voter, email) VALUES (?, ?, ?)');
    this.db.transaction(() => { del.run(election); for (const e of entries) ins.run(election, e.voter, e.email); })();
  }
  async registerSize(election: string) { return (this.db.prepare('SELECT count(*) AS n FROM va_register WHERE election = ?').get(election) as { n: number }).n; }
  async findVoter(election: string, idOrEmail: string) {
    return (this.db.prepare('SELECT voter, email FROM va_register WHERE election = ? AND (voter = ? OR email = ?)').get(election, idOrEmail, idOrEmail.toLowerCase()) as RegisterEntry | undefined) ?? null;
  }
  async findByEmail(election: string, email: string) {
    return (this.db.prepare('SELECT voter, email FROM va_register WHERE election = ? AND email = ?').get(election, email.toLowerCase()) as RegisterEntry | undefined) ?? null;
  }

  async createLink(idHash: string, election: string, voter: string, expires: number) {
    this.db.prepare('INSERT INTO va_links (id_hash, election, voter, expires) VALUES (?, ?, ?, ?)').run(idHash, election, voter, expires);
  }
  async takeLink(idHash: string, now: number) {
    const r = this.db.prepare('DELETE FROM va_links WHERE id_hash = ? RETURNING election, voter, expires').get(idHash) as { election: string; voter: string; expires: number } | undefined;
    return r && r.expires > now ? { election: r.election, voter: r.voter } : null;
  }

  async createSession(idHash: string, election: string, voter: string, expires: number) {
    this.db.prepare('INSERT INTO va_sessions (id_hash, election, voter, expires) VALUES (?, ?, ?, ?)').run(idHash, election, voter, expires);
  }
  async session(idHash: string) { return (this.db.prepare('SELECT election, voter, expires FROM va_sessions WHERE id_hash = ?').get(idHash) as StoredVoterSession | undefined) ?? null; }
  async deleteSession(idHash: string) { this.db.prepare('DELETE FROM va_sessions WHERE id_hash = ?').run(idHash); }

  async bind(election: string, voter: string, credential: string): Promise<BindOutcome> {
    const made = this.db.prepare('INSERT INTO va_bindings (election, voter, credential) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(election, voter, credential).changes;
    if (made === 1) return 'bound';
    const r = this.db.prepare('SELECT credential FROM va_bindings WHERE election = ? AND voter = ?').get(election, voter) as { credential: string } | undefined;
    return conflictOf(r?.credential ?? null, credential);
  }
  async bindingCount(election: string) { return (this.db.prepare('SELECT count(*) AS n FROM va_bindings WHERE election = ?').get(election) as { n: number }).n; }

  // -- server mail (spec §6.6)
  async registerEntries(election: string) { return this.db.prepare('SELECT voter, email FROM va_register WHERE election = ? ORDER BY voter').all(election) as RegisterEntry[]; }
  async bindings(election: string) { return this.db.prepare('SELECT voter, credential FROM va_bindings WHERE election = ?').all(election) as { voter: string; credential: string }[]; }
  // -- end server mail

  async close() { this.db.close(); }
}
