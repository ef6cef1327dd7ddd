// The server's mail and authority tables in SQLite (the server's own veche.sqlite, beside the board's).
import Database from 'better-sqlite3';
import type { StatusEntry } from '../../credentials/mail-status.js';
import type { AuthorityVoter, MailSettings, ServerMailStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sm_authority_keys (signing_key TEXT PRIMARY KEY, secret TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sm_voters (election TEXT NOT NULL, voter TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, language TEXT, weight INTEGER NOT NULL, key TEXT NOT NULL, credential TEXT, PRIMARY KEY (election, voter));
CREATE TABLE IF NOT EXISTS sm_status (election TEXT NOT NULL, kind TEXT NOT NULL, voter TEXT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (election, kind, voter));
CREATE TABLE IF NOT EXISTS sm_settings (election TEXT PRIMARY KEY, settings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sm_rounds (election TEXT NOT NULL, kind TEXT NOT NULL, lease_until INTEGER NOT NULL, done_at INTEGER, PRIMARY KEY (election, kind));
`;

type VoterRow = Omit<AuthorityVoter, 'language' | 'credential'> & { language: string | null; credential: string | null };

export class SqliteServerMailStore implements ServerMailStore {
  private db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async putAuthorityKey(key: string, secret: string) { this.db.prepare('INSERT INTO sm_authority_keys (signing_key, secret) VALUES (?, ?)').run(key, secret); }
  async authoritySecret(key: string) { return (this.db.prepare('SELECT secret FROM sm_authority_keys WHERE signing_key = ?').get(key) as { secret: string } | undefined)?.secret ?? null; }

  async addVoters(election: string, voters: AuthorityVoter[]) {
    const ins = this.db.prepare('INSERT INTO sm_voters (election, voter, name, email, language, weight, key, credential) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM sm_voters WHERE election = ? LIMIT 1').get(election)) return false;
      for (const v of voters) ins.run(election, v.voter, v.name, v.email, v.language, v.weight, v.key, v.credential);
      return true;
    }).immediate();
  }
  async putVoter(election: string, v: AuthorityVoter) {
    this.db.prepare('INSERT OR REPLACE INTO sm_voters (election, voter, name, email, language, weight, key, credential) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(election, v.voter, v.name, v.email, v.language, v.weight, v.key, v.credential);
  }
  async voters(election: string) { return this.db.prepare('SELECT voter, name, email, language, weight, key, credential FROM sm_voters WHERE election = ? ORDER BY voter').all(election) as VoterRow[]; }
  async unsentCredentials(election: string) { return (this.db.prepare('SELECT count(*) AS n FROM sm_voters WHERE election = ? AND credential IS NOT NULL').get(election) as { n: number }).n; }
  async forgetCredential(election: string, voter: string) { this.db.prepare('UPDATE sm_voters SET credential = NULL WHERE election = ? AND voter = ?').run(election, voter); }

  async statuses(election: string, kind: string) {
    return (this.db.prepare('SELECT entry FROM sm_status WHERE election = ? AND kind = ?').all(election, kind) as { entry: string }[]).map((r) => JSON.parse(r.entry) as StatusEntry);
  }
  async putStatus(election: string, kind: string, entry: StatusEntry) {
    this.db.prepare('INSERT OR REPLACE INTO sm_status (election, kind, voter, entry) VALUES (?, ?, ?, ?)').run(election, kind, entry.voter, JSON.stringify(entry));
  }

  async settings(election: string) {
    const r = this.db.prepare('SELECT settings FROM sm_settings WHERE election = ?').get(election) as { settings: string } | undefined;
    return r ? JSON.parse(r.settings) as MailSettings : null;
  }
  async setSettings(election: string, settings: MailSettings) { this.db.prepare('INSERT OR REPLACE INTO sm_settings (election, settings) VALUES (?, ?)').run(election, JSON.stringify(settings)); }

  async takeRound(election: string, kind: string, now: number, leaseMs: number) {
    const r = this.db.prepare(`INSERT INTO sm_rounds (election, kind, lease_until) VALUES (?, ?, ?)
      ON CONFLICT (election, kind) DO UPDATE SET lease_until = excluded.lease_until WHERE sm_rounds.done_at IS NULL AND sm_rounds.lease_until <= ?`).run(election, kind, now + leaseMs, now);
    return r.changes === 1;
  }
  async finishRound(election: string, kind: string, now: number) { this.db.prepare('UPDATE sm_rounds SET done_at = ? WHERE election = ? AND kind = ?').run(now, election, kind); }
  async doneRounds(election: string) { return (this.db.prepare('SELECT kind FROM sm_rounds WHERE election = ? AND done_at IS NOT NULL').all(election) as { kind: string }[]).map((r) => r.kind); }

  async close() { this.db.close(); }
}
