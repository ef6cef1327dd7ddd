// The election definition ("manifest"): what is decided, by whom, and by which rule.
// Every number here is an integer: the canonical encoding admits no floats, so shares are fractions.

/** A fraction num/den with 0 <= num <= den, den >= 1. */
export interface Fraction {
  num: number;
  den: number;
}

export interface Option {
  id: string;
  label: string;
  /** Optional words about the candidate or option, shown under its label. */
  description?: string;
}

/** Pick one of n candidates (or none, when blank is allowed). Plurality, optionally needing > 1/2. */
export interface ChoiceQuestion {
  type: 'choice';
  id: string;
  title: string;
  candidates: Option[];
  allowBlank: boolean;
  absoluteMajority: boolean;
  /** Show the candidates in a random order to each voter (the booth's; counting is by id). */
  shuffle?: boolean;
}

/** Approve between min and max of n options; the `winners` options with most approvals win. */
export interface ApprovalQuestion {
  type: 'approval';
  id: string;
  title: string;
  options: Option[];
  min: number;
  max: number;
  winners: number;
  /** Show the options in a random order to each voter. */
  shuffle?: boolean;
}

export const VERDICTS = ['encouragement', 'punishment', 'no-consequences'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Each office-holder gets exactly one verdict; a verdict wins with more than half the valid verdicts. */
export interface VerdictQuestion {
  type: 'verdict';
  id: string;
  title: string;
  officeHolders: Option[];
  /** What stands for an office-holder when no verdict has a majority. */
  default: Verdict;
}

export const MOTION_OPTIONS = ['for', 'against', 'abstain'] as const;
export type MotionOption = (typeof MOTION_OPTIONS)[number];

/** for / against / abstain, with a quorum of eligible weight and a threshold of for/(for+against). */
export interface MotionQuestion {
  type: 'motion';
  id: string;
  title: string;
  /** Share of the eligible weight that must take part (cast a ballot) for the motion to be decided. */
  quorum: Fraction;
  /** Share of for+against that `for` must reach. */
  threshold: Fraction;
  /** true: for/(for+against) must be strictly greater than threshold (simple majority = {1,2}, strict).
   *  false: at least the threshold (two thirds = {2,3}, not strict). A tie never passes a {1,2} motion. */
  strict: boolean;
}

// ranked (spec §8.7, §17) -->
/** Rank the candidates; counted after a verifiable shuffle (spec §8.7, §20), not by a homomorphic sum. */
export interface RankedQuestion {
  type: 'ranked';
  id: string;
  title: string;
  candidates: Option[];
  /** Seats to fill (IRV: 1). */
  seats: number;
  method: 'meek-stv' | 'scottish-stv' | 'irv' | 'schulze';
  /** true: a ranking must name every candidate; false: a voter may stop after any preference. */
  mustRankAll: boolean;
}
// <-- ranked

export type Question = ChoiceQuestion | ApprovalQuestion | VerdictQuestion | MotionQuestion | RankedQuestion; // | RankedQuestion: ranked

export interface TrusteeInfo {
  id: string;
  name: string;
  /** The trustee's public signing key (base64url point), made on the trustee's own machine: every event
   *  the trustee contributes is signed with it (spec §7.0). */
  signingKey: string;
}

/** Who makes the voters' credentials and publishes (and revokes from) the public list: not the admin. */
export interface CredentialAuthorityInfo {
  name: string;
  /** Public signing key of the credential list and of revocations (spec §6.1). */
  signingKey: string;
  // operatedBy (spec §6.5) -->
  /** "server": the voting server itself makes, signs and mails the credentials (small bodies that trust
   *  their operator; the booth and the results page say so). Absent: an authority of its own. */
  operatedBy?: 'server';
  // <-- operatedBy
}

export interface Manifest {
  /** Format tag, always "veche/manifest/v2". */
  version: 'veche/manifest/v2';
  /** Short unique id, [a-z0-9-]{1,64}. */
  id: string;
  title: string;
  description: string;
  /** Interface languages offered to voters, e.g. ["en", "ru"]. */
  languages: string[];
  questions: Question[];
  trustees: TrusteeInfo[];
  credentialAuthority: CredentialAuthorityInfo;
  /** Number of trustees needed to decrypt, 1 <= threshold <= trustees.length. */
  threshold: number;
  /**
   * Optional schedule, ISO 8601 UTC instants (spec §5.1): the server opens the poll at `opens` (once the
   * key ceremony and the credentials are done) and closes it at `closes`; the board refuses a ballot at
   * or after `closes`, and the verifier checks the events' times against both.
   */
  opens?: string;
  closes?: string;
  /** The IANA time zone the organisers name the times in (e.g. "Europe/Berlin"); for display only. */
  timeZone?: string;
  /** May the poll close before `closes`? Default false (the close is then on the board like any other). */
  earlyClose?: boolean;
  /** A test election: every page says so, and it is kept off the public list. */
  test?: boolean;
  /** The texts in other languages of the election (spec §5.2); what is missing shows as written above. */
  translations?: Record<string, ManifestTexts>;
  // voterAuthentication (spec §6.3) -->
  /** The server also signs each voter in before it takes their ballot (absent: the credential alone). */
  voterAuthentication?: VoterAuthentication;
  // <-- voterAuthentication
  // tieBreak (spec §5, §12.1) -->
  /** How a tie for a place (choice, approval) is settled: by the lot order of a seed fixed before the poll
   *  opens, or by a runoff (no winner declared for the tied places). Absent: ties are left undecided. */
  tieBreak?: TieBreak;
  // <-- tieBreak
}

// tieBreak (spec §5, §12.1) -->
export type TieBreak = { method: 'seed' } | { method: 'runoff' };
// <-- tieBreak

// voterAuthentication (spec §6.3) -->
/** How the server signs a voter in: a one-time link mailed to the address in its register, or a login
 *  with this OpenID Connect issuer (matched by verified e-mail). */
export type VoterAuthentication = { method: 'email-link' } | { method: 'oidc'; issuer: string };
// <-- voterAuthentication

/** One language's texts of a manifest: any title, description or label may be given. */
export interface ManifestTexts {
  title?: string;
  description?: string;
  questions?: Record<string, { title?: string; options?: Record<string, { label?: string; description?: string }> }>;
}

/** A ballot question compiles to one or more selection groups: n 0/1 selections whose sum lies in [min, max]. */
export interface SelectionGroup {
  questionId: string;
  /** Index within the question: 0 for choice/approval/motion; office-holder index for verdict. */
  index: number;
  /** Identifier of the row, e.g. the office-holder id, or the question id. */
  rowId: string;
  optionIds: string[];
  min: number;
  max: number;
}

/** Plaintext answer for one question, as the voter gives it. */
export type Answer =
  | { type: 'choice'; candidate: string | null }
  | { type: 'approval'; options: string[] }
  | { type: 'verdict'; verdicts: Record<string, Verdict> }
  | { type: 'motion'; vote: MotionOption }
  | { type: 'ranked'; ranking: string[] }; // ranked: candidate ids, most preferred first

/** Plaintext choices of a voter: answer per question id. */
export type Choices = Record<string, Answer>;
