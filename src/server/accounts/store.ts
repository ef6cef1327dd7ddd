// Where organisations, accounts, memberships, sessions, password-set links, election ownership and the
// audit log live: their own tables beside the board's (SQLite: sqlite-store.ts; PostgreSQL:
// postgres-store.ts). The board's tables and events are untouched: accounts decide who may call the
// API, the board still decides what may be appended.

export const ROLES = ['admin', 'authority', 'trustee', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** An organisation's own OpenID Connect provider (else the server-wide one from the environment). */
export interface OidcSettings { issuer: string; clientId: string; clientSecret: string }

export interface Organisation { id: string; name: string; oidc: OidcSettings | null; created: number }

export interface Account {
  id: string;
  /** Lower-cased; unique on the server. */
  email: string;
  /** The OpenID Connect identity this account was matched to ("issuer sub"), once it has logged in so. */
  oidcSubject: string | null;
  passwordHash: string | null;
  created: number;
}

export interface Member { account: string; email: string; role: Role }

export interface AuditInput {
  org: string | null;
  /** Milliseconds since 1970. */
  at: number;
  /** "account:<id> <email>", "operator" (the admin token), "authority-token", ... */
  actor: string;
  action: string;
  /** What it acted on: "election:<id>", "account:<id>", ... */
  target: string | null;
  /** The HTTP status of the answer. */
  status: number;
  address: string;
  /** JSON text: the board event it made, the role given, ... */
  detail: string;
}
export interface AuditEntry extends AuditInput { seq: number }

export interface StoredSession { account: string; expires: number; via: string | null }

export class AccountExists extends Error { override name = 'AccountExists'; }

export interface AccountStore {
  createOrganisation(org: Organisation): Promise<void>;
  organisation(id: string): Promise<Organisation | null>;
  organisations(): Promise<Organisation[]>;

  createAccount(account: Account): Promise<void>;
  account(id: string): Promise<Account | null>;
  accountByEmail(email: string): Promise<Account | null>;
  accountBySubject(subject: string): Promise<Account | null>;
  setPasswordHash(account: string, hash: string): Promise<void>;
  setSubject(account: string, subject: string): Promise<void>;

  /** Gives (or changes) the account's role in the organisation. */
  setMember(org: string, account: string, role: Role): Promise<void>;
  removeMember(org: string, account: string): Promise<boolean>;
  role(org: string, account: string): Promise<Role | null>;
  members(org: string): Promise<Member[]>;
  memberships(account: string): Promise<{ org: string; role: Role }[]>;

  /** Sessions and password-set links are kept by the SHA-256 of their random id only. */
  /** `via`: the organisation whose own OpenID Connect provider made this session (it then acts only
   *  there), or null (password, or the server-wide provider). */
  createSession(idHash: string, account: string, expires: number, via: string | null): Promise<void>;
  session(idHash: string): Promise<StoredSession | null>;
  deleteSession(idHash: string): Promise<void>;
  createPasswordLink(idHash: string, account: string, expires: number): Promise<void>;
  /** The link's account if it exists and has not expired, and removes it (each link works once). */
  takePasswordLink(idHash: string, now: number): Promise<string | null>;

  setElectionOrg(election: string, org: string): Promise<void>;
  electionOrg(election: string): Promise<string | null>;
  electionsOf(org: string): Promise<string[]>;

  /** Appends to the audit log; the tables refuse UPDATE and DELETE (triggers). */
  appendAudit(entry: AuditInput): Promise<number>;
  /** An organisation's entries, or (org null) those of no organisation: logins, the operator's own. */
  audit(org: string | null, afterSeq: number, limit: number): Promise<AuditEntry[]>;

  close(): Promise<void>;
}
