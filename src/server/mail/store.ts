// What the server keeps to send its own mails (src/server/mail/) and, where an election's manifest
// makes the server its credential authority (spec §6.4), to be that authority (src/server/authority/):
//   - the authority's signing keys (the server made them; it signs the list and revocations with them);
//   - each such election's voters: name, e-mail, language, weight and public credential, and the
//     private credential only until its mail is sent (then it is forgotten);
//   - one status per voter (or trustee) and kind of mail, as the CLI's status file (mail-status.ts);
//   - each election's mail settings (reminder times, trustees' addresses), set by its admin;
//   - the rounds (a reminder, the announcement, a trustee step): due, taken (a lease, so that one of
//     several servers on one database sends it), done.
// None of it is on the public record. SQLite: sqlite-store.ts; PostgreSQL: postgres-store.ts.
import type { StatusEntry } from '../../credentials/mail-status.js';

export interface AuthorityVoter {
  voter: string;
  name: string;
  email: string;
  /** As the register gives it (e.g. "ru"), or null: the election's first language. */
  language: string | null;
  weight: number;
  /** The public credential on the board's list. */
  key: string;
  /** The private credential, until its mail was sent; null after. */
  credential: string | null;
}

export interface MailSettings {
  /** ISO 8601 instants; each reminder round is sent once, at or after its time, while the poll is open. */
  reminders: string[];
  /** Trustee id -> address, for "your step is due" mails (off the record: the manifest has no addresses). */
  trustees: Record<string, string>;
}

export interface ServerMailStore {
  putAuthorityKey(key: string, secret: string): Promise<void>;
  authoritySecret(key: string): Promise<string | null>;

  /** Adds the election's voters in one transaction; refused (false) when the election has voters already. */
  addVoters(election: string, voters: AuthorityVoter[]): Promise<boolean>;
  /** Adds one voter (a re-issued credential replaces the voter's row). */
  putVoter(election: string, voter: AuthorityVoter): Promise<void>;
  voters(election: string): Promise<AuthorityVoter[]>;
  /** How many private credentials are kept (not yet mailed): the mail rounds look at the voters only then. */
  unsentCredentials(election: string): Promise<number>;
  /** Forgets a private credential once its mail is out. */
  forgetCredential(election: string, voter: string): Promise<void>;

  /** The latest status of each recipient of this kind of mail. */
  statuses(election: string, kind: string): Promise<StatusEntry[]>;
  putStatus(election: string, kind: string, entry: StatusEntry): Promise<void>;

  settings(election: string): Promise<MailSettings | null>;
  setSettings(election: string, settings: MailSettings): Promise<void>;

  /** Takes the round unless it is done or another server holds its lease (until `now + leaseMs`). */
  takeRound(election: string, kind: string, now: number, leaseMs: number): Promise<boolean>;
  finishRound(election: string, kind: string, now: number): Promise<void>;
  /** The rounds of the election that are done. */
  doneRounds(election: string): Promise<string[]>;

  close(): Promise<void>;
}
