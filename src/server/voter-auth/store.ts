// Where the server keeps what voter sign-in needs (spec §6.3), in its own tables beside the board's:
// each election's voter register (voter id and e-mail, never a credential), the one-time sign-in links
// and the voter sessions (both by the SHA-256 of their random id only), and the binding of each voter
// to the one credential they voted with. None of it is on the public record: the binding links
// identities to credentials. SQLite: sqlite-store.ts; PostgreSQL: postgres-store.ts.

export interface RegisterEntry { voter: string; email: string }

export interface StoredVoterSession { election: string; voter: string; expires: number }

/** The outcome of binding a voter to a credential: made now, already so, or refused. */
export type BindOutcome = 'bound' | 'same' | 'voter-has-other-credential' | 'credential-of-other-voter';

export interface VoterAuthStore {
  /** Replaces the election's register (every voter id and e-mail unique within it). */
  setRegister(election: string, entries: RegisterEntry[]): Promise<void>;
  registerSize(election: string): Promise<number>;
  /** The register's entry whose voter id or (lower-cased) e-mail this is, or null. */
  findVoter(election: string, idOrEmail: string): Promise<RegisterEntry | null>;
  findByEmail(election: string, email: string): Promise<RegisterEntry | null>;

  createLink(idHash: string, election: string, voter: string, expires: number): Promise<void>;
  /** The link's election and voter if it exists and has not expired; removes it either way (single use). */
  takeLink(idHash: string, now: number): Promise<{ election: string; voter: string } | null>;

  createSession(idHash: string, election: string, voter: string, expires: number): Promise<void>;
  session(idHash: string): Promise<StoredVoterSession | null>;
  deleteSession(idHash: string): Promise<void>;

  /** Binds the voter to the credential unless either is bound otherwise (one atomic insert: two
   *  requests at once cannot both bind). */
  bind(election: string, voter: string, credential: string): Promise<BindOutcome>;
  bindingCount(election: string): Promise<number>;
  // -- server mail (spec §6.6): announcements and reminders to the register's voters
  /** Every voter of the election's register. */
  registerEntries(election: string): Promise<RegisterEntry[]>;
  /** Every voter -> credential binding of the election. */
  bindings(election: string): Promise<{ voter: string; credential: string }[]>;
  // -- end server mail

  close(): Promise<void>;
}

/** Which outcome a refused insert means, from the voter's existing binding (or none: the credential's). */
export function conflictOf(existingCredentialOfVoter: string | null, credential: string): BindOutcome {
  if (existingCredentialOfVoter === null) return 'credential-of-other-voter';
  return existingCredentialOfVoter === credential ? 'same' : 'voter-has-other-credential';
}
